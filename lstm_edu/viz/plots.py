"""Plain plotly figures of data and training runs: loss curves, run comparisons, series.

What it covers: ``loss_curve(history)`` (training loss and evaluated metric against sequences
seen), ``compare_runs({label: history})`` (one metric, several runs, optional baseline and
target lines), ``forecast_figure`` (a series and its forecasts over a test span) and
``lines_figure`` (a few series on one axis, with optional shaded spans, e.g. labelled anomalies,
and marked points, e.g. flagged ones). Figures are returned, never shown; they use
``lstm_edu.viz.theme``'s colours and template. What it does not cover: figures of the model's
internals (the other modules of ``lstm_edu.viz``).

Shapes: a series is 1-D ``(n,)``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu.viz import theme

__all__ = ["loss_curve", "compare_runs", "forecast_figure", "lines_figure"]


def _color(label: str, k: int) -> str:
    key = label.lower().split()[0] if label else ""
    if key in theme.COLORS:
        return theme.COLORS[key]
    pal = list(theme.OKABE_ITO.values())
    return pal[(k + 1) % len(pal)]


def _finish(fig: go.Figure, title, log_y: bool, ytitle: str) -> go.Figure:
    fig.update_layout(title=title, xaxis_title="training sequences seen", yaxis_title=ytitle,
                      hovermode="x unified")
    if log_y:
        fig.update_yaxes(type="log")
    return theme.apply(fig)


def loss_curve(history, metric: str | None = None, log_y: bool = True,
               title: str | None = None) -> go.Figure:
    """Training loss per step (thin) and the evaluated ``metric`` (default: the first metric
    that is not "loss", else "loss") at each evaluation (markers), against sequences seen.
    A dashed line marks the target if the run had one."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=list(history.sequences), y=list(history.losses),
                             mode="lines", name="training loss (batch)",
                             line={"width": 1, "color": _color("", 1)}, opacity=0.6))
    if history.metrics:
        if metric is None:
            metric = next((k for k in history.metrics if k != "loss"), "loss")
        fig.add_trace(go.Scatter(x=list(history.eval_sequences), y=list(history.metrics[metric]),
                                 mode="lines+markers", name=f"test {metric}",
                                 line={"width": 2, "color": _color("", 0)}))
    if history.target is not None:
        fig.add_hline(y=history.target[1], line_dash="dash",
                      annotation_text=f"target {history.target[0]} = {history.target[1]}")
    return _finish(fig, title, log_y, "loss")


def compare_runs(histories: dict, metric: str = "loss", log_y: bool = True,
                 baseline: float | None = None, baseline_label: str = "constant guess",
                 target: float | None = None, title: str | None = None) -> go.Figure:
    """One evaluated ``metric`` for several runs ``{label: History}`` against sequences seen.
    Labels starting with "lstm"/"rnn" get the book's model colours."""
    fig = go.Figure()
    for k, (label, h) in enumerate(histories.items()):
        fig.add_trace(go.Scatter(x=list(h.eval_sequences), y=list(h.metrics[metric]),
                                 mode="lines", name=label,
                                 line={"width": 2.5, "color": _color(label, k)}))
    if baseline is not None:
        fig.add_hline(y=baseline, line_dash="dot", annotation_text=baseline_label)
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", annotation_text=f"target {target}")
    return _finish(fig, title, log_y, f"test {metric}")


def forecast_figure(months, values, n_test: int, forecasts: dict,
                    title: str = "12-month forecast") -> go.Figure:
    """The series (``values`` labelled by ``months``) and each forecast ``{label: (n_test,)}``
    drawn over the last ``n_test`` months; a shaded band marks the test period."""
    fig = go.Figure(go.Scatter(x=list(months), y=list(values), mode="lines+markers",
                               name="actual", line={"color": "#333", "width": 2},
                               marker={"size": 4}))
    test_months = list(months[-n_test:])
    dashes = ["solid", "dash", "dot", "dashdot"]
    for k, (label, f) in enumerate(forecasts.items()):
        fig.add_trace(go.Scatter(x=test_months, y=list(np.asarray(f, float)), mode="lines",
                                 name=label, line={"width": 2.5, "dash": dashes[k % 4]}))
    fig.add_vrect(x0=test_months[0], x1=test_months[-1], fillcolor="grey", opacity=0.12,
                  line_width=0, annotation_text="test (never seen in training)")
    fig.update_layout(title=title, xaxis_title="month", yaxis_title="sales (thousand units)",
                      height=420, legend={"orientation": "h", "y": -0.25})
    return fig


def lines_figure(x, series: dict, *, title: str = "", xtitle: str = "", ytitle: str = "",
                 spans=(), marks=None, marks_label: str = "flagged") -> go.Figure:
    """Each ``{label: y (n,)}`` in ``series`` as a line over ``x (n,)``; ``spans``: ``(x0, x1)``
    pairs shaded in red; ``marks``: a boolean mask ``(n,)`` over ``x`` whose points on the first
    series are drawn as markers."""
    x = np.asarray(x)
    fig = go.Figure()
    for label, y in series.items():
        fig.add_trace(go.Scatter(x=x, y=np.asarray(y, float), mode="lines", name=label,
                                 line={"width": 1.5}))
    for x0, x1 in spans:
        fig.add_vrect(x0=x0, x1=x1, fillcolor="red", opacity=0.15, line_width=0)
    if marks is not None:
        m = np.asarray(marks, bool)
        first = np.asarray(next(iter(series.values())), float)
        fig.add_trace(go.Scatter(x=x[m], y=first[m], mode="markers", name=marks_label,
                                 marker={"size": 5, "color": "red", "symbol": "x"}))
    fig.update_layout(title=title, xaxis_title=xtitle, yaxis_title=ytitle, height=380,
                      legend={"orientation": "h", "y": -0.25})
    return fig
