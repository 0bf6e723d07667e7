"""Sigmoid valve / activation explorer: how a gate's pre-activation sets how much passes.

What it covers
--------------
- ``valve_values(z, value=1.0)``: for pre-activations ``z`` (any shape) the gate opening
  ``sigmoid(z)``, the amount let through ``sigmoid(z) * value``, the slope ``sigmoid'(z)``
  (what the gradient through the gate is multiplied by) and ``tanh(z)``, all like ``z``.
- ``sigmoid_valve(z_grid, value=1.0, projector=False)``: a kernel-free figure, on top the
  curves sigmoid, tanh and sigmoid' (each labelled on the curve itself: no legend to cover
  them), below a "valve" bar chart of what passes; a slider (with Play) moves the
  pre-activation over ``z_grid``. The two panels are stacked, so the figure reads the same on
  a 390 px phone as on a laptop.
- ``marker_and_bar(z, value)``: the two traces a frame updates (the live widget uses it too).

It uses ``lstm_edu.activations`` for the functions themselves.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_edu.activations import sigmoid, sigmoid_grad_from_output, tanh
from lstm_edu.viz import theme
from lstm_edu.viz._controls import animation_controls, display_round

Z_GRID = np.linspace(-6.0, 6.0, 13)
CURVE_Z = np.linspace(-8.0, 8.0, 161)


def valve_values(z, value: float = 1.0) -> dict[str, np.ndarray]:
    """Gate opening, amount passed, slope and tanh for pre-activations ``z`` (any shape)."""
    z = np.asarray(z, dtype=float)
    s = sigmoid(z)
    return {
        "z": z,
        "opening": s,
        "passed": s * value,
        "slope": sigmoid_grad_from_output(s),
        "tanh": tanh(z),
    }


def marker_and_bar(z: float, value: float) -> tuple[go.Scatter, go.Bar]:
    """Markers at ``z`` on σ and σ′ (trace 3) and the bars [value, σ(z) · value] (trace 4)."""
    v = valve_values(z, value)
    s, p = float(v["opening"]), float(v["passed"])
    marker = go.Scatter(
        x=[z, z], y=[s, float(v["slope"])], mode="markers", name="at z",
        marker=dict(color=[theme.COLORS["f"], theme.COLORS["ink"]], size=13,
                    line=dict(color="white", width=2)),
        hovertemplate="z = %{x:.4g}<br>value = %{y:.4g}<extra></extra>", showlegend=False,
    )
    bar = go.Bar(
        x=["arrives", "passes"], y=display_round([value, p]).tolist(),
        marker_color=[theme.COLORS["c"], theme.COLORS["f"]],
        text=[f"{value:.3g}", f"{p:.3g}"], textposition="outside",
        hovertemplate="%{x}: %{y:.4g}<extra></extra>", showlegend=False,
    )
    return marker, bar


#: Labels written on the curves: (text, z, y, xanchor, yanchor, colour key). Each sits where
#: only its own curve passes (tanh flat at -1 for z < -3; σ above its curve left of z = 0;
#: σ′ between σ′ and σ right of z = 1.8).
CURVE_LABELS = (
    ("tanh(z)", -7.8, -0.86, "left", "bottom", "g"),
    ("σ(z)", -0.45, 0.62, "right", "bottom", "f"),
    ("σ′(z) = σ(1−σ)", 1.8, 0.2, "left", "bottom", "ink"),
)


def sigmoid_valve(z_grid=Z_GRID, value: float = 1.0, projector: bool = False) -> go.Figure:
    """Kernel-free sigmoid valve explorer: one frame per pre-activation in ``z_grid``.

    Traces: 0 sigmoid(z), 1 tanh(z), 2 sigmoid'(z), 3 the markers at the chosen z
    (x = [z, z], y = [sigmoid(z), sigmoid'(z)]), 4 the bars [value, sigmoid(z) * value].
    Frames (named ``"z=<value>"``) update traces 3 and 4.
    """
    z_grid = np.asarray(z_grid, dtype=float)
    curves = valve_values(CURVE_Z)
    fig = make_subplots(
        rows=2, cols=1, row_heights=[0.66, 0.34], vertical_spacing=0.22,
        subplot_titles=("gate opening σ(z), slope σ′(z), tanh(z)", "what passes the valve"),
    )
    for key, name, dash in (("opening", "σ(z): gate opening", "solid"),
                            ("tanh", "tanh(z): candidate / output squashing", "dash"),
                            ("slope", "σ′(z) = σ(1−σ): gradient factor", "dot")):
        color = {"opening": theme.COLORS["f"], "tanh": theme.COLORS["g"],
                 "slope": theme.COLORS["ink"]}[key]
        fig.add_trace(go.Scatter(
            x=CURVE_Z, y=display_round(curves[key]), name=name, mode="lines",
            line=dict(color=color, dash=dash), showlegend=False,
            hovertemplate="z = %{x:.3g}<br>%{y:.4g}<extra>" + key + "</extra>",
        ), row=1, col=1)
    for text, x, y, xanchor, yanchor, color in CURVE_LABELS:
        fig.add_annotation(x=x, y=y, xref="x", yref="y", text=text, showarrow=False,
                           xanchor=xanchor, yanchor=yanchor,
                           font=dict(color=theme.TEXT_COLORS[color]))
    marker, bar = marker_and_bar(float(z_grid[0]), value)
    fig.add_trace(marker, row=1, col=1)
    fig.add_trace(bar, row=2, col=1)
    names = [f"z={z:g}" for z in z_grid]
    fig.frames = [go.Frame(name=n, data=list(marker_and_bar(float(z), value)), traces=[3, 4])
                  for n, z in zip(names, z_grid, strict=True)]
    fig.update_layout(
        title="Sigmoid valve: how much a gate lets through",
        height=680, showlegend=False, margin=dict(l=60, r=20, b=120),
        **animation_controls(names, [f"{z:g}" for z in z_grid], prefix="z = "),
    )
    fig.update_xaxes(title_text="pre-activation z", row=1, col=1)
    fig.update_yaxes(title_text="value", range=[-1.1, 1.1], row=1, col=1)
    fig.update_yaxes(title_text="amount", range=[0, 1.25 * max(abs(value), 1e-9)], row=2, col=1)
    theme.describe(fig, (
        "Top: the sigmoid σ(z) rises from 0 to 1 as the pre-activation z goes from negative "
        "to positive; tanh(z) goes from −1 to 1; the slope σ′(z) peaks at 0.25 at z = 0 and "
        "vanishes for large |z|; each curve is labelled where it runs alone. Below: a bar for "
        "the value arriving at the gate and a bar for the fraction σ(z) of it that passes. "
        f"A slider moves z from {z_grid[0]:g} to {z_grid[-1]:g}."))
    return theme.apply(fig, projector=projector)
