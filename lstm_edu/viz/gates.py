"""Gate activation animation: i, f, g, o, the cell state c and hidden state h over time.

What it covers
--------------
- ``example_lstm_input(T=12, input_size=2, hidden_size=4, seed=0)``: a small LSTM and an
  input sequence ``x: (T, 1, I)`` (a sine and a square wave), used when none is given.
- ``gate_history(lstm, x, batch=0)``: one forward pass; returns ``{"i","f","g","o","c","h"}``
  each ``(T, H)`` for batch element ``batch``, straight from ``lstm.forward(x)``.
- ``gate_animation(lstm=None, x=None, batch=0, projector=False)``: kernel-free figure: six
  rows (i, f, g, o, c, h); left a heatmap unit × time of the whole sequence, each with its own
  labelled colour bar at the right edge, right bars of the values at the current time step; a
  time slider and Play move a cursor (two triangles just outside the heatmap, pointing at the
  current column, so no mark is drawn over the colours).
- ``set_gate_figure(fig, hist, t)``: update such a figure in place (used by the widget).

Not covered: GRU gates (the same figure works on any dict of ``(T, H)`` arrays through
``gate_figure``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_edu.viz import theme
from lstm_edu.viz._controls import animation_controls, display_round

QUANTITIES = ("i", "f", "g", "o", "c", "h")
#: How far (in rows) the cursor's triangles sit outside the heatmap.
_CURSOR_GAP = 0.45


def example_lstm_input(T: int = 12, input_size: int = 2, hidden_size: int = 4, seed: int = 0):
    """A small ``LSTM`` and an input ``x: (T, 1, input_size)``: a sine wave and a square wave."""
    from lstm_edu import LSTM

    lstm = LSTM(input_size, hidden_size, seed=seed)
    t = np.arange(T)
    cols = [np.sin(2 * np.pi * t / 8), np.where((t // 4) % 2 == 0, 1.0, -1.0)]
    x = np.stack([cols[k % 2] * (1 + k // 2) for k in range(input_size)], axis=-1)
    return lstm, x[:, None, :]


def gate_history(lstm, x, batch: int = 0) -> dict[str, np.ndarray]:
    """Gates, cell and hidden state of ``lstm.forward(x)`` for one batch element, each (T, H)."""
    trace = lstm.forward(np.asarray(x))
    out = {k: np.asarray(trace.gates[k])[:, batch, :] for k in "ifgo"}
    out["c"] = np.asarray(trace.c)[:, batch, :]
    out["h"] = np.asarray(trace.h)[:, batch, :]
    return out


def _ranges(hist: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    cmax = max(1.0, float(np.max(np.abs(hist["c"]))))
    return {"i": (0, 1), "f": (0, 1), "o": (0, 1), "g": (-1, 1), "h": (-1, 1), "c": (-cmax, cmax)}


def _frame_traces(hist, t: int, ranges) -> list[go.BaseTraceType]:
    """Bars (values at step t, one per unit) then cursors (x = t + 1) for each quantity."""
    H = hist["i"].shape[1]
    units = np.arange(1, H + 1)
    bars, cursors = [], []
    for k in QUANTITIES:
        vals = display_round(hist[k][t])
        bars.append(go.Bar(
            x=units, y=vals, marker_color=theme.COLORS[k], name=theme.GATE_NAMES[k],
            customdata=np.full(H, t + 1),
            hovertemplate=f"{k}" + "<sub>t=%{customdata}</sub>, unit %{x}: %{y:.4f}<extra></extra>",
            showlegend=False,
        ))
        cursors.append(go.Scatter(
            x=[t + 1, t + 1], y=[0.5 - _CURSOR_GAP, H + 0.5 + _CURSOR_GAP], mode="markers",
            marker=dict(symbol=["triangle-up", "triangle-down"], size=11,
                        color=theme.COLORS["ink"]),
            hoverinfo="skip", showlegend=False, cliponaxis=False,
        ))
    return bars + cursors


def gate_figure(hist: dict[str, np.ndarray], projector: bool = False,
                title: str = "Inside an LSTM: gates, cell state and hidden state over time"
                ) -> go.Figure:
    """The gate animation for ``hist`` (``{"i","f","g","o","c","h"}`` each (T, H)).

    Traces: 0–5 heatmaps (z = values.T, (H, T)); 6–11 bars at the current step;
    12–17 cursors. Frames ``"t=1"``… update traces 6–17.
    """
    T, H = hist["i"].shape
    ranges = _ranges(hist)
    spacing = 0.035
    fig = make_subplots(
        rows=6, cols=2, column_widths=[0.7, 0.3], shared_xaxes="columns",
        horizontal_spacing=0.1, vertical_spacing=spacing,
    )
    row_h = (1 - 5 * spacing) / 6
    for r, k in enumerate(QUANTITIES, start=1):
        lo, hi = ranges[k]
        mid = 1 - (r - 1) * (row_h + spacing) - row_h / 2       # the row's centre, paper y
        fig.add_trace(go.Heatmap(
            z=display_round(hist[k].T).tolist(), x=list(range(1, T + 1)), y=list(range(1, H + 1)),
            zmin=lo, zmax=hi, colorscale=theme.SEQUENTIAL if lo == 0 else theme.DIVERGING,
            name=theme.GATE_NAMES[k],
            colorbar=dict(title=dict(text=k, side="right"), x=1.0, xanchor="left", xpad=6,
                          y=mid, len=row_h, thickness=9, tickvals=[lo, (lo + hi) / 2, hi],
                          ticktext=[f"{v:.3g}" for v in (lo, (lo + hi) / 2, hi)]),
            hovertemplate=f"{k}" + "<sub>t=%{x}</sub>, unit %{y}: %{z:.4f}<extra></extra>",
        ), row=r, col=1)
        fig.update_yaxes(title_text=f"<b>{k}</b>", title_font_color=theme.TEXT_COLORS[k],
                         tickvals=list(range(1, H + 1)),
                         range=[0.5 - 2 * _CURSOR_GAP, H + 0.5 + 2 * _CURSOR_GAP],
                         row=r, col=1)
        fig.update_yaxes(range=[lo * 1.05, hi * 1.05], row=r, col=2)
    traces = _frame_traces(hist, 0, ranges)
    for j, tr in enumerate(traces):
        fig.add_trace(tr, row=j % 6 + 1, col=1 if j >= 6 else 2)
    names = [f"t={t + 1}" for t in range(T)]
    fig.frames = [go.Frame(name=n, data=_frame_traces(hist, t, ranges), traces=list(range(6, 18)))
                  for t, n in enumerate(names)]
    fig.update_xaxes(title_text="time step t", row=6, col=1)
    fig.update_xaxes(title_text="unit", dtick=1, row=6, col=2)
    fig.update_layout(
        title=title, height=900, bargap=0.15, margin=dict(b=120, r=50),
        **animation_controls(names, [str(t + 1) for t in range(T)], prefix="time step t = "),
    )
    theme.describe(fig, (
        f"Six rows of heatmaps, one per quantity of an LSTM with {H} units over {T} time steps: "
        "the input gate i, forget gate f and output gate o (between 0 and 1), the candidate g "
        "and hidden state h (between −1 and 1) and the cell state c; a colour bar at the right "
        "edge gives each row's scale. Beside each heatmap, bars show the values of every unit "
        "at the time step chosen with the slider, marked by two triangles; Play steps "
        "through time."))
    return theme.apply(fig, projector=projector)


def set_gate_figure(fig: go.Figure, hist: dict[str, np.ndarray], t: int,
                    heatmaps: bool = True) -> go.Figure:
    """Update a figure made by ``gate_figure`` in place (the live widget's update): the
    heatmaps to ``hist`` (same T and H; skipped when ``heatmaps`` is False: only t moved),
    the bars to the values at time step index ``t`` and the cursors to ``t``. Returns ``fig``."""
    with fig.batch_update():
        if heatmaps:
            ranges = _ranges(hist)
            for j, k in enumerate(QUANTITIES):
                lo, hi = ranges[k]
                fig.data[j].update(z=display_round(hist[k].T), zmin=lo, zmax=hi)
        for j, k in enumerate(QUANTITIES):
            fig.data[6 + j].y = display_round(hist[k][t])
            fig.data[6 + j].customdata = np.full(len(fig.data[6 + j].y), t + 1)
            fig.data[12 + j].x = (t + 1, t + 1)
    return fig


def gate_animation(lstm=None, x=None, batch: int = 0, projector: bool = False) -> go.Figure:
    """Kernel-free gate animation of ``lstm.forward(x)`` (defaults: ``example_lstm_input()``).

    ``x: (T, B, I)``; the figure shows batch element ``batch``. See ``gate_figure``.
    """
    if lstm is None or x is None:
        lstm0, x0 = example_lstm_input()
        lstm = lstm0 if lstm is None else lstm
        x = x0 if x is None else x
    return gate_figure(gate_history(lstm, x, batch), projector=projector)
