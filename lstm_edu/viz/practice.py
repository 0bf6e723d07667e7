"""Figures of the chapter "LSTMs in practice": a packed batch, experiment intervals, cost.

What it covers
--------------
- ``packing_layout(lengths)``: how ``torch.nn.utils.rnn.pack_padded_sequence(x, lengths,
  enforce_sorted=False)`` lays a padded batch out, computed from its definition: the sequences
  sorted by length, longest first (``sorted_indices``), ``batch_sizes[t]`` = how many are still
  running at step t, and the position in the packed ``data`` of every valid step (-1 at padding).
- ``packed_batch_figure(lengths)``: the padded batch (time down, one column per sequence, in the
  order given) next to the packed one (columns sorted longest first), every valid cell labelled
  with its position in ``data``; a slider (plotly frames: no kernel) walks the steps and
  highlights the ``batch_sizes[t]`` sequences the recurrence runs at step t.
- ``interval_figure(rows, metric)``: one experiment table as a dot plot: each setting's mean
  with its bootstrap 95 % interval, and each seed's value as a faint dot.
- ``cost_figure(time_rows)``: forward + backward time of lstm_edu and torch against T, H, B or
  the number of layers (buttons choose which, no kernel), from ``benchmarks/bench_cost.py``'s
  results.

All figures use the book's theme (``lstm_edu.viz.theme.apply``) and carry an accessible
description (``theme.describe``). Not covered: running models (``lstm_edu.stacked``), the
experiments themselves (``benchmarks/reproduce_practice.py``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_edu.viz import theme

__all__ = ["packing_layout", "packed_batch_figure", "interval_figure", "cost_figure"]

INK = theme.OKABE_ITO["black"]
VALID, ACTIVE, PAD = "#DCEBF7", theme.OKABE_ITO["sky_blue"], "#F2F2F2"
_MODEL_STYLE = {"lstm_edu": dict(color=theme.OKABE_ITO["blue"], dash="solid", symbol="circle"),
                "torch": dict(color=theme.OKABE_ITO["vermillion"], dash="dash", symbol="square")}


def _lengths(lengths) -> np.ndarray:
    arr = np.asarray(lengths)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu" or np.any(arr < 1):
        raise ValueError(f"lengths: expected a non-empty 1-D array of integers >= 1, "
                         f"got {lengths!r}")
    return arr.astype(np.int64)


def packing_layout(lengths) -> dict:
    """``{"sorted_indices" (B,), "batch_sizes" (T,), "position" (T, B)}`` for T = max length:
    ``position[t, b]`` is where step t of sequence b sits in the packed ``data`` (-1 if b has
    ended). Ties keep their order in the batch (a stable sort)."""
    lengths = _lengths(lengths)
    T, B = int(lengths.max()), lengths.size
    order = np.argsort(-lengths, kind="stable")                 # longest first
    batch_sizes = np.array([(lengths > t).sum() for t in range(T)])
    position = np.full((T, B), -1)
    k = 0
    for t in range(T):                                          # data: step 0 of every
        for b in order[: batch_sizes[t]]:                       # running sequence, then
            position[t, b] = k                                  # step 1, ...
            k += 1
    return {"sorted_indices": order, "batch_sizes": batch_sizes, "position": position}


def _grid(position, columns, step):
    """Heatmap values (T, B): 2 running at ``step``, 1 valid, 0 padding; texts; hovers."""
    T = position.shape[0]
    pos = position[:, columns]
    z = np.where(pos >= 0, 1, 0)
    if step is not None:
        z[step] = np.where(pos[step] >= 0, 2, 0)
    text = np.where(pos >= 0, pos.astype(str), "")
    hover = [[(f"sequence {b}, step {t}: data[{pos[t, j]}]" if pos[t, j] >= 0
               else f"sequence {b}, step {t}: padding, never run")
              for j, b in enumerate(columns)] for t in range(T)]
    return z, text, hover


def packed_batch_figure(lengths=(3, 5, 1, 4), projector: bool = False) -> go.Figure:
    """The padded batch and the packed one, with a slider over the time steps."""
    lay = packing_layout(lengths)
    lengths = _lengths(lengths)
    T, B = lay["position"].shape
    order = [int(b) for b in lay["sorted_indices"]]
    scale = [[0, PAD], [0.5, VALID], [1, ACTIVE]]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=(
        "padded", "packed"))

    def traces(step):
        out = []
        for columns in (list(range(B)), order):
            z, text, hover = _grid(lay["position"], columns, step)
            out.append(go.Heatmap(
                z=z, text=text, customdata=hover, texttemplate="%{text}", zmin=0, zmax=2,
                colorscale=scale, showscale=False, xgap=3, ygap=3,
                textfont=dict(color=INK, size=14), hovertemplate="%{customdata}<extra></extra>",
                x=[f"seq {b}<br>len {lengths[b]}" for b in columns], y=list(range(T))))
        return out

    for col, tr in enumerate(traces(0), start=1):
        fig.add_trace(tr, row=1, col=col)
    fig.frames = [go.Frame(name=str(t), data=traces(t), traces=[0, 1]) for t in range(T)]
    steps = [dict(method="animate", label=f"{t}: {lay['batch_sizes'][t]} run",
                  args=[[str(t)], dict(mode="immediate", frame=dict(duration=0, redraw=True),
                                       transition=dict(duration=0))]) for t in range(T)]
    fig.update_layout(
        title="A packed batch: only valid steps are stored and run",
        sliders=[dict(active=0, steps=steps, x=0, len=1, y=-0.08, pad=dict(t=30),
                      currentvalue=dict(prefix="step t = ", font=dict(size=14)))],
        height=430 + 22 * T, margin=dict(b=130), hovermode="closest",
        annotations=list(fig.layout.annotations) + [dict(
            text="batch_sizes = [" + ", ".join(str(int(s)) for s in lay["batch_sizes"]) + "]",
            xref="x2 domain", yref="y2 domain", x=0.5, y=1.13, showarrow=False,
            font=dict(size=13, color=INK))])
    for col in (1, 2):
        fig.update_yaxes(autorange="reversed", title="time step t" if col == 1 else None,
                         dtick=1, showgrid=False, row=1, col=col)
        fig.update_xaxes(showgrid=False, tickangle=0, tickfont=dict(size=12), row=1, col=col)
    sizes = ", ".join(str(int(s)) for s in lay["batch_sizes"])
    theme.describe(fig, (
        f"Two grids of {T} time steps by {B} sequences of lengths "
        f"{', '.join(map(str, lengths.tolist()))}. Left: the padded batch in the given order, "
        "padding cells empty. Right: the same sequences sorted longest first; each valid cell "
        "shows its position in the packed data, which lists step 0 of every sequence, then "
        f"step 1 of those still running, and so on: batch sizes {sizes}. A slider highlights "
        "the sequences run at each step."))
    return theme.apply(fig, projector=projector)


def interval_figure(rows, metric: str, runs=None, title: str | None = None,
                    x_title: str | None = None, log_x: bool = False,
                    projector: bool = False) -> go.Figure:
    """Each row's ``row[metric]`` (a ``bootstrap_ci`` dict: mean, low, high) as a dot with its
    95 % interval; ``runs`` (dicts with "setting" and ``metric``) add one faint dot per seed."""
    if not rows or not all(metric in r and {"mean", "low", "high"} <= set(r[metric])
                           for r in rows):
        raise ValueError(f"rows: expected rows with a {metric!r} interval "
                         f"(mean, low, high), got {rows!r}")
    names = [r["setting"] for r in rows][::-1]                  # first row on top
    fig = go.Figure()
    if runs:
        fig.add_scatter(
            x=[r[metric] for r in runs], y=[r["setting"] for r in runs], mode="markers",
            name="one seed", marker=dict(color=theme.OKABE_ITO["grey"], size=7, opacity=0.6,
                                         symbol="circle-open"),
            hovertemplate="seed value %{x:.4g}<extra></extra>")
    mean = [r[metric]["mean"] for r in rows]
    fig.add_scatter(
        x=mean, y=[r["setting"] for r in rows], mode="markers", name="mean, 95 % interval",
        marker=dict(color=INK, size=11, symbol="diamond"),
        error_x=dict(type="data", symmetric=False, color=INK, thickness=2.5, width=6,
                     array=[r[metric]["high"] - r[metric]["mean"] for r in rows],
                     arrayminus=[r[metric]["mean"] - r[metric]["low"] for r in rows]),
        customdata=[[r[metric]["low"], r[metric]["high"], r.get("seeds", "")] for r in rows],
        hovertemplate=("%{y}<br>mean %{x:.4g}, 95 % interval [%{customdata[0]:.4g}, "
                       "%{customdata[1]:.4g}], %{customdata[2]} seeds<extra></extra>"))
    fig.update_layout(title=title or metric, height=160 + 60 * len(rows), hovermode="closest",
                      legend=dict(orientation="h", yanchor="top", y=-0.25, x=0),
                      margin=dict(b=110))
    fig.update_yaxes(categoryorder="array", categoryarray=names, automargin=True)
    fig.update_xaxes(title=x_title or metric, type="log" if log_x else "linear")
    parts = [f"{r['setting']}: {r[metric]['mean']:.3g} [{r[metric]['low']:.3g}, "
             f"{r[metric]['high']:.3g}]" for r in rows]
    theme.describe(fig, f"Dot plot of {x_title or metric}, mean and bootstrap 95 % interval "
                        f"per setting: {'; '.join(parts)}.")
    return theme.apply(fig, projector=projector)


_SWEEP_TITLES = {"T": "sequence length T", "H": "hidden size H", "B": "batch size B",
                 "L": "layers L"}


def cost_figure(time_rows, projector: bool = False) -> go.Figure:
    """Milliseconds per forward + backward against one varied quantity (buttons: T, H, B, L),
    lstm_edu and torch; the other quantities at the benchmark's base point."""
    sweeps = list(dict.fromkeys(r["varied"] for r in time_rows))
    if not sweeps:
        raise ValueError("time_rows: expected the 'time' rows of practice_cost.json, got none")
    fig = go.Figure()
    column = {"T": "T", "H": "H", "B": "B", "L": "layers"}
    for k, sweep in enumerate(sweeps):
        rows = [r for r in time_rows if r["varied"] == sweep]
        for model in ("lstm_edu", "torch"):
            st = _MODEL_STYLE[model]
            fig.add_scatter(
                x=[r[column[sweep]] for r in rows], y=[r[f"{model} ms"] for r in rows],
                name=model, mode="lines+markers", visible=k == 0,
                line=dict(color=st["color"], dash=st["dash"]),
                marker=dict(symbol=st["symbol"], size=9),
                customdata=[r["ratio"] for r in rows],
                hovertemplate=(f"{model}<br>{sweep} = %{{x}}: %{{y:.1f}} ms"
                               "<br>lstm_edu / torch = %{customdata:.2f}<extra></extra>"))
    buttons = []
    for k, sweep in enumerate(sweeps):
        visible = [j // 2 == k for j in range(2 * len(sweeps))]
        buttons.append(dict(label=sweep, method="update", args=[
            {"visible": visible}, {"xaxis.title.text": _SWEEP_TITLES.get(sweep, sweep)}]))
    fig.update_layout(
        title="Forward + backward time, lstm_edu and torch (one CPU thread)",
        xaxis_title=_SWEEP_TITLES.get(sweeps[0], sweeps[0]), yaxis_title="milliseconds",
        updatemenus=[dict(type="buttons", direction="right", buttons=buttons, x=0, y=1.12,
                          xanchor="left", yanchor="bottom", showactive=True)],
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=0), margin=dict(t=120, b=110),
        height=480, hovermode="closest")
    worst = max(time_rows, key=lambda r: r["ratio"])
    best = min(time_rows, key=lambda r: r["ratio"])
    theme.describe(fig, (
        "Line chart of forward plus backward time in milliseconds for lstm_edu and torch, "
        f"against {', '.join(sweeps)} (buttons choose which). lstm_edu takes "
        f"{best['ratio']:.1f} to {worst['ratio']:.1f} times torch's time; both grow about "
        "linearly with T, B and the number of layers and faster with H."))
    return theme.apply(fig, projector=projector)
