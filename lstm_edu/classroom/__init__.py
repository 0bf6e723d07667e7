"""Classroom mode: the book's demos for a projector, offline or live.

What it covers
--------------
- ``DEMOS``: the kernel-free animations a teacher can show, each a :class:`Demo`
  (name, title, a one-line description and a zero-argument-but-``projector`` callable that
  returns a plotly figure). Adding a demo is one line in this list.
- ``export`` (:mod:`lstm_edu.classroom.export`): writes a self-contained folder of
  projector-ready pages that opens from disk, with no network.
- ``serve`` (:mod:`lstm_edu.classroom.serve`): a live dashboard of the widgets (Voila on
  localhost, code hidden), with a real kernel behind every control.
- ``python -m lstm_edu.classroom {export,serve} --help``: the command line
  (:mod:`lstm_edu.classroom.__main__`).

What it does not cover: building figures (``lstm_edu.viz``) or their look (``lstm_edu.viz.theme``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Demo:
    """One classroom demo: ``make(projector=...)`` returns a kernel-free plotly figure."""

    name: str
    title: str
    blurb: str
    make: Callable[..., object]


def _viz(factory: str) -> Callable[..., object]:
    """A demo maker: ``lstm_edu.viz.<factory>(projector=...)``, imported when it runs."""

    def make(projector: bool = True):
        from lstm_edu import viz

        return getattr(viz, factory)(projector=projector)

    return make


#: The classroom's kernel-free demos, in lesson order (see chapters/teachers.md).
DEMOS: tuple[Demo, ...] = (
    Demo("valve", "The sigmoid valve", "How a gate's pre-activation sets how much passes.",
         _viz("sigmoid_valve")),
    Demo("cell-tracer", "One LSTM cell, every number",
         "A 2-unit cell stepped forward, then backward through time.",
         _viz("cell_tracer_figure")),
    Demo("gates", "Gates over time", "i, f, g, o, c and h of a small LSTM on a sequence.",
         _viz("gate_animation")),
    Demo("bptt", "Backpropagation through time",
         "The gradient travelling back along the unrolled RNN.", _viz("bptt_diagram")),
    Demo("gradient-flow", "Vanishing and exploding gradients",
         "RNN vs LSTM: how much gradient survives T steps.", _viz("gradient_flow_lab")),
    Demo("clipping", "Exploding gradients and clipping",
         "Training with and without gradient-norm clipping, threshold by threshold.",
         _viz("clipping_comparison")),
)

DEMO_NAMES = tuple(d.name for d in DEMOS)


def get_demo(name: str) -> Demo:
    """The demo called ``name``; ``ValueError`` naming the known ones otherwise."""
    for d in DEMOS:
        if d.name == name:
            return d
    raise ValueError(f"unknown demo {name!r}; choose from: {', '.join(DEMO_NAMES)}")


__all__ = ["Demo", "DEMOS", "DEMO_NAMES", "get_demo"]
