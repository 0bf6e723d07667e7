"""Live twins of the book's figures: ipywidgets controls driving a plotly figure in a kernel.

What it covers
--------------
Every factory builds its ``go.Figure`` once (with the figure factory of ``lstm_edu.viz``),
then, when a control moves, updates that figure's traces in place and re-displays it in an
``ipywidgets.Output``. No ``go.FigureWidget`` (it needs ``anywidget`` and a 4.9 MB bundle).
Where a control picks a precomputed step (a time step, a frame) the callback looks it up;
where it sets a continuous parameter the callback recomputes only what that parameter
changes, and caches it. Errors raised in a callback are shown in the ``errors`` Output.

Each factory returns a :class:`LiveFigure` (an ``ipywidgets.VBox``) exposing
``.controls`` (dict name -> widget), ``.figure`` (the ``go.Figure``), ``.output`` (where
the figure is shown), ``.errors`` (an ``Output`` with the last callback error, if any) and
``.refresh()`` (run the update for the current control values).

===========================  ==================================================
``gate_widget``              time step, forget-gate bias shift, input scale
``cell_tracer_widget``       direction (forward / backward) and time step
``gradient_flow_widget``     RNN spectral radius, LSTM forget-gate bias, length T
``clipping_widget``          clipping threshold (precomputed runs)
``loss_cliff_widget``        start point, learning rate, clipping threshold
``valve_widget``             pre-activation z and the value arriving at the gate
``bptt_widget``              spectral radius, length T, backward steps taken
===========================  ==================================================

These need a kernel: in the static book the chapters show the kernel-free figure instead.
"""

from __future__ import annotations

import json
import traceback
from functools import lru_cache
from typing import Callable

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from lstm_edu import analysis
from lstm_edu.book.render import PLOTLY_CONFIG, PLOTLY_MIME
from lstm_edu.viz import bptt, cell_tracer, clipping, gates, gradient_flow, valve
from lstm_edu.viz._controls import display_round, show_frame

__all__ = [
    "LiveFigure",
    "gate_widget",
    "cell_tracer_widget",
    "gradient_flow_widget",
    "clipping_widget",
    "loss_cliff_widget",
    "valve_widget",
    "bptt_widget",
]

_SLIDER = dict(continuous_update=True, style={"description_width": "initial"},
               layout=widgets.Layout(width="460px"))


class LiveFigure(widgets.VBox):
    """Controls above a figure shown in an ``Output``; ``update(fig, values)`` on every change.

    ``update`` receives the figure and ``{name: control.value}`` and changes the figure in
    place; it may instead return a new ``go.Figure``, which replaces ``.figure``.
    """

    def __init__(self, figure: go.Figure, controls: dict[str, widgets.Widget],
                 update: Callable[[go.Figure, dict], go.Figure | None]):
        self.figure = figure
        self.controls = controls
        self._update = update
        self.output = widgets.Output()
        self.errors = widgets.Output()
        super().__init__([widgets.HBox(list(controls.values()),
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.output, self.errors])
        for c in controls.values():
            c.observe(self._on_change, names="value")
        self.refresh()

    def values(self) -> dict:
        """The current value of every control."""
        return {k: c.value for k, c in self.controls.items()}

    def refresh(self) -> None:
        """Run the update for the current control values and re-display the figure."""
        try:
            new = self._update(self.figure, self.values())
            if isinstance(new, go.Figure):
                self.figure = new
            self.errors.outputs = ()
        except Exception:  # shown to the reader, never swallowed
            self.errors.outputs = ({"output_type": "stream", "name": "stderr",
                                    "text": traceback.format_exc()},)
            return
        self._display()

    def _on_change(self, change=None) -> None:
        self.refresh()

    def _display(self) -> None:
        # Only the plotly mime type: a live front end (JupyterLab, Notebook 7, VS Code) draws
        # it; the static book never shows widget output. Serialized without validation.
        spec = json.loads(pio.to_json(self.figure, validate=False, remove_uids=True))
        spec["config"] = dict(PLOTLY_CONFIG)
        title = self.figure.layout.title.text or "figure"
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {PLOTLY_MIME: spec, "text/plain": f"<{title}>"}},)


# ---------------------------------------------------------------------------- gates
def gate_widget(lstm=None, x=None, projector: bool = False) -> LiveFigure:
    """Gate animation, live: ``t`` (lookup), ``forget_shift`` and ``input_scale`` (recompute).

    ``forget_shift`` is added to the bias the forget gate sees (0: the model as given;
    ``lstm_edu.analysis.with_gate_bias``); ``x`` is multiplied by ``input_scale``.
    """
    if lstm is None or x is None:
        lstm0, x0 = gates.example_lstm_input()
        lstm, x = (lstm0 if lstm is None else lstm), (x0 if x is None else x)
    forget0 = analysis.gate_bias(lstm, "f")       # the model's own forget-gate bias, (H,)
    fig = gates.gate_animation(lstm, x, projector=projector)
    fig.frames = ()   # the widget recomputes; frames would go stale
    fig.layout.sliders, fig.layout.updatemenus = (), ()
    controls = {
        "t": widgets.IntSlider(value=1, min=1, max=np.shape(x)[0], description="time step t",
                               **_SLIDER),
        "forget_shift": widgets.FloatSlider(value=0.0, min=-5, max=5, step=0.25,
                                            description="forget-gate bias shift", **_SLIDER),
        "input_scale": widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1,
                                           description="input scale", **_SLIDER),
    }

    @lru_cache(maxsize=64)
    def history(shift: float, scale: float) -> dict:
        model = analysis.with_gate_bias(lstm, "f", forget0 + shift)
        return gates.gate_history(model, np.asarray(x) * scale)

    shown = {}

    def update(fig, v):
        key = (float(v["forget_shift"]), float(v["input_scale"]))
        gates.set_gate_figure(fig, history(*key), v["t"] - 1, heatmaps=shown.get("key") != key)
        shown["key"] = key

    return LiveFigure(fig, controls, update)


# ---------------------------------------------------------------------- cell tracer
def cell_tracer_widget(lstm=None, x=None, dh=None, projector: bool = False) -> LiveFigure:
    """Cell tracer, live: ``direction`` ("forward"/"backward") and ``t``; pure lookup."""
    fig = cell_tracer.cell_tracer(lstm, x, dh, projector=projector)
    T = (len(fig.frames)) // 2
    controls = {
        "direction": widgets.ToggleButtons(options=["forward", "backward"], value="forward",
                                           description="pass"),
        "t": widgets.IntSlider(value=1, min=1, max=T, description="time step t", **_SLIDER),
    }

    def update(fig, v):
        show_frame(fig, f"{v['direction']} t={v['t']}")

    return LiveFigure(fig, controls, update)


# -------------------------------------------------------------------- gradient flow
def gradient_flow_widget(rho: float = 0.9, forget_bias: float = 3.0, T: int = 100,
                         hidden_size: int = 16, projector: bool = False) -> LiveFigure:
    """Gradient flow lab, live: continuous ``rho``, ``forget_bias`` and ``T``.

    Traces: 0 RNN ‖∂L/∂h_t‖, 1 LSTM ‖∂L/∂h_t‖, 2 LSTM ‖∂L/∂c_t‖ (computed by
    ``gradient_flow.compute_grad_norms``; each model is recomputed only when its own
    parameter or T changes, and cached).
    """
    @lru_cache(maxsize=256)
    def rnn_norms(r: float, n: int) -> np.ndarray:
        model = gradient_flow.rnn_with_spectral_radius(r, hidden_size=hidden_size)
        return gradient_flow.compute_grad_norms(model, gradient_flow.example_sequence(n))["h"]

    @lru_cache(maxsize=256)
    def lstm_norms(b: float, n: int) -> dict:
        model = gradient_flow.lstm_with_forget_bias(b, hidden_size=hidden_size)
        return gradient_flow.compute_grad_norms(model, gradient_flow.example_sequence(n))

    grid = {"rnn": {(rho, T): rnn_norms(rho, T)}, "lstm_h": {(forget_bias, T): lstm_norms(
        forget_bias, T)["h"]}, "lstm_c": {(forget_bias, T): lstm_norms(forget_bias, T)["c"]}}
    fig = gradient_flow.gradient_flow_lab([rho], [forget_bias], [T], rho, forget_bias,
                                          projector=projector, grid=grid)
    fig.layout.sliders = ()
    fig.layout.margin.b = 60
    fig.layout.height = 520
    controls = {
        "rho": widgets.FloatSlider(value=rho, min=0.5, max=2.0, step=0.05,
                                   description="RNN spectral radius ρ", **_SLIDER),
        "forget_bias": widgets.FloatSlider(value=forget_bias, min=-3.0, max=6.0, step=0.25,
                                           description="LSTM forget-gate bias", **_SLIDER),
        "T": widgets.IntSlider(value=T, min=10, max=150, step=10,
                               description="sequence length T", **_SLIDER),
    }

    def update(fig, v):
        n = int(v["T"])
        r, lk = rnn_norms(float(v["rho"]), n), lstm_norms(float(v["forget_bias"]), n)
        t = np.arange(n)
        with fig.batch_update():
            for tr, y in zip(fig.data, (r, lk["h"], lk["c"]), strict=True):
                tr.x, tr.y = t, display_round(y)

    return LiveFigure(fig, controls, update)


# ------------------------------------------------------------------------- clipping
def clipping_widget(thresholds=clipping.THRESHOLDS, runs: dict | None = None,
                    projector: bool = False) -> LiveFigure:
    """Clipping comparison, live: ``clip`` picks one of the precomputed ``runs``.

    ``runs`` as returned by ``clipping.clipping_runs(thresholds)`` (computed if omitted).
    """
    thresholds = list(thresholds)
    runs = runs or clipping.clipping_runs(thresholds)
    fig = clipping.clipping_comparison(thresholds, projector=projector, runs=runs)
    controls = {"clip": widgets.SelectionSlider(options=thresholds, value=thresholds[0],
                                                description="clipping threshold", **_SLIDER)}

    def update(fig, v):
        show_frame(fig, f"clip={v['clip']:g}")

    fig.layout.sliders, fig.layout.updatemenus = (), ()
    return LiveFigure(fig, controls, update)


def loss_cliff_widget(surface: dict | None = None, projector: bool = False) -> LiveFigure:
    """Loss cliff, live: start ``w0``, ``b0``, learning rate ``lr`` and clipping ``clip``.

    Traces 1 and 2 (descent without / with clipping) are recomputed with
    ``clipping.descend_many``; the surface (trace 0) is computed once on the grid
    ``W_GRID[::2] × B_GRID[::2]`` (``surface`` must be on that grid if given).
    """
    ws, bs = clipping.W_GRID[::2], clipping.B_GRID[::2]   # a coarser surface: lighter redraws
    surf = surface or clipping.one_unit_loss_surface(ws, bs)
    STEPS = 12
    fig = clipping.loss_cliff(ws, bs, steps=STEPS, surface=surf, projector=projector)
    controls = {
        "w0": widgets.FloatSlider(value=2.0, min=0.0, max=4.0, step=0.05, description="start w",
                                  **_SLIDER),
        "b0": widgets.FloatSlider(value=-0.48, min=-1.5, max=1.5, step=0.01,
                                  description="start b", **_SLIDER),
        "lr": widgets.FloatSlider(value=0.3, min=0.05, max=1.0, step=0.05,
                                  description="learning rate", **_SLIDER),
        "clip": widgets.FloatSlider(value=0.5, min=0.1, max=5.0, step=0.1,
                                    description="clipping threshold", **_SLIDER),
    }

    def update(fig, v):
        paths = clipping.descend_many(v["w0"], v["b0"], [None, v["clip"]], lr=v["lr"],
                                       steps=STEPS)
        with fig.batch_update():
            for tr, p in zip(fig.data[1:3], paths, strict=True):
                tr.x, tr.y = display_round(p["w"]), display_round(p["b"])
                tr.customdata = np.stack([p["loss"], p["grad_norm"]], axis=1)
            fig.data[2].name = f"clipped at ‖g‖ ≤ {v['clip']:g}"

    return LiveFigure(fig, controls, update)


# ---------------------------------------------------------------------------- valve
def valve_widget(projector: bool = False) -> LiveFigure:
    """Sigmoid valve, live: continuous pre-activation ``z`` and arriving ``value``."""
    fig = valve.sigmoid_valve(projector=projector)
    fig.frames = ()
    fig.layout.sliders, fig.layout.updatemenus = (), ()
    controls = {
        "z": widgets.FloatSlider(value=0.0, min=-8, max=8, step=0.1,
                                 description="pre-activation z", **_SLIDER),
        "value": widgets.FloatSlider(value=1.0, min=-2, max=2, step=0.1,
                                     description="value arriving", **_SLIDER),
    }

    def update(fig, v):
        marker, bar = valve.marker_and_bar(float(v["z"]), float(v["value"]))
        with fig.batch_update():
            fig.data[3].update(marker.to_plotly_json())
            fig.data[4].update(bar.to_plotly_json())
            top = 1.25 * max(abs(v["value"]), 1e-9)
            fig.layout.yaxis2.range = [min(0, -top), top]

    return LiveFigure(fig, controls, update)


# ----------------------------------------------------------------------------- BPTT
def bptt_widget(projector: bool = False) -> LiveFigure:
    """Unrolled RNN / BPTT, live: ``rho``, ``T`` and ``k`` backward steps taken.

    One figure per T is built once and kept; moving ``rho`` recomputes the gradient norms
    (``bptt.bptt_numbers``, cached) and moving ``k`` only redraws the highlighted path.
    """
    controls = {
        "rho": widgets.FloatSlider(value=0.9, min=0.3, max=2.0, step=0.05,
                                   description="spectral radius ρ", **_SLIDER),
        "T": widgets.IntSlider(value=6, min=2, max=10, description="time steps T", **_SLIDER),
        "k": widgets.IntSlider(value=0, min=0, max=6, description="backward steps taken",
                               **_SLIDER),
    }
    numbers = lru_cache(maxsize=512)(bptt.bptt_numbers)

    @lru_cache(maxsize=16)
    def base(T: int) -> go.Figure:
        fig = bptt.bptt_diagram(T, 0.9, projector=projector, numbers=numbers(T, 0.9))
        fig.frames = ()
        fig.layout.sliders, fig.layout.updatemenus = (), ()
        return fig

    def update(fig, v):
        T, rho = int(v["T"]), float(v["rho"])
        controls["k"].max = T
        fig = base(T)
        path, text = bptt.frame_traces(T, min(int(v["k"]), T), numbers(T, rho))
        with fig.batch_update():
            fig.data[1].update(x=path.x, y=path.y)
            fig.data[3].update(text=text.text, customdata=text.customdata)
            fig.layout.title.text = bptt.title(rho)
        return fig

    for T in range(controls["T"].min, controls["T"].max + 1):   # build every T once
        base(T)
    return LiveFigure(base(6), controls, update)
