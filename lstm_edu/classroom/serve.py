"""The live classroom dashboard: the book's widgets on localhost, no code visible.

What it covers
--------------
- ``LIVE_DEMOS``: the live demos, each a :class:`LiveDemo` (title, a zero-argument callable
  returning an ipywidget). Adding one is one line.
  They are the live twins of the book's figures (``lstm_edu.viz.widgets``): controls drive a
  figure the kernel updates; callback errors are shown, not lost.
- ``dashboard()``: displays every live demo; it is the one cell of the notebook that
  ``serve`` hands to Voila.
- ``serve(port, open_browser)``: writes that notebook to a temporary folder and runs Voila on
  ``127.0.0.1:port`` with code cells stripped (``--strip_sources``). Voila ships its front end
  and the widget and plotly renderers as installed JupyterLab extensions, so the dashboard
  works without internet. Ctrl-C (or SIGTERM) stops it and its kernels.

It does not cover the static export (``lstm_edu.classroom.export``).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

DEFAULT_PORT = 8866
NOTEBOOK = "Inside the LSTM - live classroom.ipynb"


@dataclass(frozen=True)
class LiveDemo:
    """One live demo: ``make()`` returns an ipywidget (controls and the figure they drive)."""

    title: str
    make: Callable[[], object]


def _live(factory: str) -> Callable[[], object]:
    """A demo maker: ``lstm_edu.viz.widgets.<factory>(projector=True)``, imported when it runs."""

    def make():
        from lstm_edu.viz import widgets

        return getattr(widgets, factory)(projector=True)

    return make


#: The dashboard's live demos, in lesson order.
#: Each is a live twin from ``lstm_edu.viz.widgets``, at projector size.
LIVE_DEMOS: tuple[LiveDemo, ...] = (
    LiveDemo("The sigmoid valve", _live("valve_widget")),
    LiveDemo("Gates over time", _live("gate_widget")),
    LiveDemo("The cell, step by step", _live("cell_tracer_widget")),
    LiveDemo("Backpropagation through time", _live("bptt_widget")),
    LiveDemo("Gradient flow: RNN vs LSTM", _live("gradient_flow_widget")),
    LiveDemo("Exploding gradients and clipping", _live("clipping_widget")),
    LiveDemo("The loss cliff", _live("loss_cliff_widget")),
)


def dashboard(demos=LIVE_DEMOS):
    """Display the live demos, one titled section each (the dashboard's only cell)."""
    import ipywidgets as W
    from IPython.display import display

    import lstm_edu  # noqa: F401 - registers the book's plotly renderer

    header = W.HTML("<h1>Inside the LSTM: live classroom</h1>"
                    "<p>Move a slider: the kernel recomputes the figure.</p>")
    sections = []
    for d in demos:
        sections += [W.HTML(f"<h2>{d.title}</h2>"), d.make()]
    display(W.VBox([header, *sections]))


def write_notebook(folder: Path) -> Path:
    """Write the dashboard notebook (one code cell calling :func:`dashboard`) into ``folder``."""
    nb = {
        "cells": [{
            "cell_type": "code", "execution_count": None, "id": "dashboard", "metadata": {},
            "outputs": [],
            "source": ["from lstm_edu.classroom.serve import dashboard\n", "dashboard()"],
        }],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4, "nbformat_minor": 5,
    }
    path = Path(folder) / NOTEBOOK
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def voila_argv(notebook: Path, port: int, open_browser: bool) -> list[str]:
    """Voila's command line: loopback only, code hidden, light theme."""
    argv = [str(notebook), f"--port={port}", "--Voila.ip=127.0.0.1", "--strip_sources=True",
            "--theme=light", "--show_tracebacks=True", "--ServerApp.port_retries=0"]
    if not open_browser:
        argv.append("--no-browser")
    return argv


def serve(port: int = DEFAULT_PORT, open_browser: bool = True) -> None:
    """Run the live dashboard on http://127.0.0.1:``port`` until interrupted."""
    try:
        from voila.app import Voila
    except ImportError as err:  # pragma: no cover - voila is in requirements.txt
        raise SystemExit("serve needs Voila: pip install -r requirements.txt") from err
    with tempfile.TemporaryDirectory(prefix="lstm-edu-classroom-") as tmp:
        nb = write_notebook(Path(tmp))
        print(f"Inside the LSTM live classroom: http://127.0.0.1:{port}/  (Ctrl-C stops it)",
              flush=True)
        Voila.launch_instance(argv=voila_argv(nb, port, open_browser))
