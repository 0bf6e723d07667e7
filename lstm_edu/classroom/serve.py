"""The live classroom dashboard: the book's widgets on localhost, no code visible.

What it covers
--------------
- ``LIVE_DEMOS``: the live demos, each a :class:`LiveDemo` (title, a zero-argument callable
  returning an ipywidget). Adding one is one line.
- ``live_figure(make, **controls)``: a widget that redraws a kernel-free figure factory
  whenever one of its ipywidgets ``controls`` moves (a real kernel recomputes the figure);
  errors in the callback are shown in the dashboard, not lost.
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
import sys
import tempfile
import traceback
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


def live_figure(make: Callable[..., object], **controls):
    """Controls above a figure from ``make(**values)``, redrawn by the kernel on every change.

    The figure is shown in an ``Output`` widget through ``lstm_edu``'s renderer (the plotly
    JSON, drawn by JupyterLab's plotly renderer); an exception is printed there too.
    """
    import ipywidgets as W
    from IPython.display import display

    out = W.Output(layout=W.Layout(min_height="420px"))

    def redraw(_change=None):
        with out:
            out.clear_output(wait=True)
            try:
                display(make(**{k: c.value for k, c in controls.items()}))
            except Exception:  # noqa: BLE001 - shown to the teacher, not swallowed
                traceback.print_exc(file=sys.stdout)

    for c in controls.values():
        c.observe(redraw, names="value")
    redraw()
    box = W.HBox(list(controls.values()), layout=W.Layout(flex_flow="row wrap"))
    return W.VBox([box, out])


def _slider_style():
    import ipywidgets as W

    return dict(style={"description_width": "initial"}, continuous_update=False,
                layout=W.Layout(width="420px"))


def _live_bptt():
    import ipywidgets as W

    from lstm_edu.viz.bptt import bptt_diagram

    s = _slider_style()
    return live_figure(
        lambda T, rho: bptt_diagram(T=T, rho=rho, projector=True),
        rho=W.FloatSlider(value=0.9, min=0.3, max=2.0, step=0.05,
                          description="RNN spectral radius ρ", **s),
        T=W.IntSlider(value=6, min=3, max=10, description="time steps T", **s),
    )


def _live_gates():
    import ipywidgets as W

    from lstm_edu.viz.gates import example_lstm_input, gate_animation

    s = _slider_style()
    return live_figure(
        lambda T, seed: gate_animation(*example_lstm_input(T=T, seed=seed), projector=True),
        T=W.IntSlider(value=12, min=4, max=40, description="time steps T", **s),
        seed=W.IntSlider(value=0, min=0, max=20, description="weights (seed)", **s),
    )


def _live_valve():
    import ipywidgets as W

    from lstm_edu.viz.valve import sigmoid_valve

    s = _slider_style()
    return live_figure(
        lambda value: sigmoid_valve(value=value, projector=True),
        value=W.FloatSlider(value=1.0, min=-2.0, max=2.0, step=0.1,
                            description="value arriving at the gate", **s),
    )


#: The dashboard's live demos, in lesson order.
LIVE_DEMOS: tuple[LiveDemo, ...] = (
    LiveDemo("The sigmoid valve", _live_valve),
    LiveDemo("Gates over time", _live_gates),
    LiveDemo("Backpropagation through time", _live_bptt),
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
