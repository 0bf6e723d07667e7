"""Classroom mode: the book's demos for a projector, offline or live.

What it covers
--------------
- ``DEMOS``: the kernel-free animations a teacher can show, each a :class:`Demo` (name, title,
  a one-line description, a callable ``make(projector=...)`` returning a plotly figure, and the
  lesson plan's "predict, then run" questions that this demo answers). They are listed in the
  order of the lesson plan in ``chapters/teachers.md``; adding a demo is one entry here and one
  row there (``tests/test_classroom.py`` reads the plan and checks both agree).
- ``PLAYGROUNDS``: the live playgrounds (:mod:`lstm_edu.viz.playgrounds`): the reader types,
  the trained model answers in the browser; exported after the demos.
- ``export`` (:mod:`lstm_edu.classroom.export`): writes a self-contained folder of
  projector-ready pages that opens from disk, with no network, in a lesson mode (arrow keys,
  full screen, printable handouts); :mod:`lstm_edu.classroom.screen` fits each figure to one
  screen.
- ``serve`` (:mod:`lstm_edu.classroom.serve`): a live dashboard of the widgets (Voila on
  localhost, code hidden), with a real kernel behind every control.
- ``python -m lstm_edu.classroom {export,serve} --help``: the command line
  (:mod:`lstm_edu.classroom.__main__`).

What it does not cover: building figures (``lstm_edu.viz``) or their look (``lstm_edu.viz.theme``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Demo:
    """One classroom demo: ``make(projector=...)`` returns a kernel-free plotly figure.

    ``questions``: the plan's "predict, then run" questions this demo answers, word for word
    as ``chapters/teachers.md`` asks them (printed on the demo's handout).
    """

    name: str
    title: str
    blurb: str
    make: Callable[..., object]
    questions: tuple[str, ...] = ()


def _figure(path: str) -> Callable[..., object]:
    """A demo maker for ``"module:function"``, imported only when the figure is made."""
    module, function = path.split(":")

    def make(projector: bool = True):
        return getattr(importlib.import_module(module), function)(projector=projector)

    return make


#: The questions of the lesson plan (chapters/teachers.md), in lesson order.
Q_GATES = "How many gates does an LSTM have?"
Q_RHO = ("The RNN's spectral radius ρ goes from 0.9 to 1.1. What happens to the gradient "
         "that reaches the first step?")
Q_FORGET_BIAS = ("The forget gate's bias is set to +3. Before training, does the cell "
                 "remember or forget?")
Q_CLIP_VANISHING = "Does gradient clipping fix vanishing gradients?"
Q_LSTM_EXPLODES = "Can an LSTM have exploding gradients?"

#: The classroom's kernel-free demos, in lesson order (see chapters/teachers.md).
DEMOS: tuple[Demo, ...] = (
    Demo("valve", "The sigmoid valve", "How a gate's pre-activation sets how much passes.",
         _figure("lstm_edu.viz:sigmoid_valve")),
    Demo("cell-tracer", "One LSTM cell, every number",
         "A 2-unit cell stepped forward, then backward through time.",
         _figure("lstm_edu.viz:cell_tracer_figure")),
    Demo("gates", "Gates over time", "i, f, g, o, c and h of a small LSTM on a sequence.",
         _figure("lstm_edu.viz:gate_animation"), (Q_GATES,)),
    Demo("bptt", "Backpropagation through time",
         "The gradient travelling back along the unrolled RNN.",
         _figure("lstm_edu.viz:bptt_diagram")),
    Demo("gradient-flow", "Vanishing and exploding gradients",
         "RNN vs LSTM: how much gradient survives T steps.",
         _figure("lstm_edu.viz:gradient_flow_lab"), (Q_RHO, Q_FORGET_BIAS)),
    Demo("clipping", "Exploding gradients and clipping",
         "Training an RNN with and without gradient-norm clipping, threshold by threshold.",
         _figure("lstm_edu.viz:clipping_comparison")),
    Demo("clip-vanishing", "Clipping a vanishing gradient",
         "Norm clipping scales the whole gradient down; it cannot lift a vanished one.",
         _figure("lstm_edu.viz.lesson_clip_vanishing:clip_vanishing_figure"),
         (Q_CLIP_VANISHING,)),
    Demo("lstm-exploding", "An LSTM whose gradient explodes",
         "Large recurrent weights: the LSTM's gradient grows on its way back.",
         _figure("lstm_edu.viz.lesson_lstm_exploding:lstm_exploding_figure"),
         (Q_LSTM_EXPLODES,)),
)

DEMO_NAMES = tuple(d.name for d in DEMOS)


@dataclass(frozen=True)
class LivePlayground:
    """One live playground page (``lstm_edu.viz.playgrounds``): the reader's own input, run
    by the trained model in the browser. ``playground``: ``"char"``, ``"sentiment"`` or
    ``"adding"``."""

    name: str
    title: str
    blurb: str
    playground: str


#: The live playgrounds, exported after the demos (not part of the timed lesson plan).
PLAYGROUNDS: tuple[LivePlayground, ...] = (
    LivePlayground("type-a-sentence", "Type a sentence",
                   "A character-level LSTM reads your text: one unit's cell state and gates, "
                   "and its guess of the next character.", "char"),
    LivePlayground("sentiment-as-you-type", "Sentiment as you type",
                   "A sentiment LSTM scores your sentence after every word; which gate moved.",
                   "sentiment"),
    LivePlayground("adding-by-hand", "The adding problem by hand",
                   "Place the two markers yourself: the input and forget gates and the "
                   "prediction follow.", "adding"),
)

PLAYGROUND_NAMES = tuple(p.name for p in PLAYGROUNDS)


def get_demo(name: str) -> Demo | LivePlayground:
    """The demo (or live playground) called ``name``; ``ValueError`` naming the known ones
    otherwise."""
    for d in (*DEMOS, *PLAYGROUNDS):
        if d.name == name:
            return d
    raise ValueError(f"unknown demo {name!r}; choose from: "
                     f"{', '.join(DEMO_NAMES + PLAYGROUND_NAMES)}")


__all__ = ["Demo", "DEMOS", "DEMO_NAMES", "LivePlayground", "PLAYGROUNDS", "PLAYGROUND_NAMES",
           "get_demo"]
