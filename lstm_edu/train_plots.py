"""Plain plotly figures of training runs: loss curves and comparisons of several runs.

What it covers: ``loss_curve(history)`` (training loss and evaluated metric against sequences
seen) and ``compare_runs({label: history})`` (one metric, several runs, optional baseline and
target lines). Figures are returned, never shown; they use ``lstm_edu.theme``'s colours and
template. What it does not cover: figures of the model's internals (``lstm_edu.viz``).
"""

from __future__ import annotations

import plotly.graph_objects as go

from lstm_edu import theme

__all__ = ["loss_curve", "compare_runs"]


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
