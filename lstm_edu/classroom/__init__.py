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

What it does not cover: building figures (``lstm_edu.viz``) or their look (``lstm_edu.theme``).
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


def _gates(projector: bool = True):
    from lstm_edu.viz.gates import gate_animation

    return gate_animation(projector=projector)


def _valve(projector: bool = True):
    from lstm_edu.viz.valve import sigmoid_valve

    return sigmoid_valve(projector=projector)


def _cell(projector: bool = True):
    from lstm_edu.viz.cell_tracer import cell_tracer

    return cell_tracer(projector=projector)


def _bptt(projector: bool = True):
    from lstm_edu.viz.bptt import bptt_diagram

    return bptt_diagram(projector=projector)


def _gradient_flow(projector: bool = True):
    from lstm_edu.viz.gradient_flow import gradient_flow_lab

    return gradient_flow_lab(projector=projector)


#: The classroom's kernel-free demos, in lesson order (see chapters/teachers.md).
DEMOS: tuple[Demo, ...] = (
    Demo("valve", "The sigmoid valve", "How a gate's pre-activation sets how much passes.",
         _valve),
    Demo("cell-tracer", "One LSTM cell, every number",
         "A 2-unit cell stepped forward, then backward through time.", _cell),
    Demo("gates", "Gates over time", "i, f, g, o, c and h of a small LSTM on a sequence.",
         _gates),
    Demo("bptt", "Backpropagation through time",
         "The gradient travelling back along the unrolled RNN.", _bptt),
    Demo("gradient-flow", "Vanishing and exploding gradients",
         "RNN vs LSTM: how much gradient survives T steps.", _gradient_flow),
)

DEMO_NAMES = tuple(d.name for d in DEMOS)


def get_demo(name: str) -> Demo:
    """The demo called ``name``; ``ValueError`` naming the known ones otherwise."""
    for d in DEMOS:
        if d.name == name:
            return d
    raise ValueError(f"unknown demo {name!r}; choose from: {', '.join(DEMO_NAMES)}")


__all__ = ["Demo", "DEMOS", "DEMO_NAMES", "get_demo"]
