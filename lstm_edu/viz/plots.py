"""Plain plotly figures of data and training runs: loss curves, run comparisons, series.

What it covers: ``loss_curve(history)`` (training loss and evaluated metric against sequences
seen), ``compare_runs({label: history})`` (one metric, several runs, optional baseline and
target lines), ``forecast_figure`` (a series and its forecasts over a test span) and
``lines_figure`` (a few series on one axis, with optional shaded spans, e.g. labelled anomalies,
and marked points, e.g. flagged ones). Figures are returned, never shown; every one goes
through ``theme.apply`` (template, fonts, colours, wrapped title, power-of-ten log ticks,
legend below the plot) and ``theme.describe`` (a description composed from what it shows,
or the ``description`` given). Shaded spans carry an edge line, so they reach 3:1 against the
background. What it does not cover: figures of the model's internals (the other modules of
``lstm_edu.viz``).

Shapes: a series is 1-D ``(n,)``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu.viz import theme

__all__ = ["loss_curve", "compare_runs", "forecast_figure", "lines_figure"]


#: Colours for series that are not a model ("lstm", "rnn"): the palette without black and grey.
_SERIES = [theme.PALETTE[k] for k in ("blue", "bluish_green", "reddish_purple", "orange",
                                      "sky_blue", "vermillion")]


def _color(label: str, k: int) -> str:
    """The book's colour of a labelled series: a model ("lstm ...", "rnn ...") or a quantity
    ("forget gate f", "cell state c (unit 2)", ...) gets its own, others the k-th palette one."""
    low = label.lower() if label else ""
    key = low.split()[0] if low else ""
    if key in theme.COLORS:
        return theme.COLORS[key]
    for q, name in theme.GATE_NAMES.items():
        if low.startswith(name.rsplit(" ", 1)[0]):
            return theme.COLORS[q]
    return _SERIES[k % len(_SERIES)]


def _names(labels) -> str:
    labels = [str(v) for v in labels]
    return ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else "".join(labels)


def _span(fig: go.Figure, x0, x1, color: str, **kw) -> None:
    """A shaded span with an edge line at 3:1 or more (the fill alone is too faint)."""
    r, g, b = (int(color[k:k + 2], 16) for k in (1, 3, 5))
    fig.add_vrect(x0=x0, x1=x1, fillcolor=f"rgba({r},{g},{b},0.14)", opacity=1,
                  line=dict(color=color, width=1, dash="dot"), layer="below", **kw)


def _finish(fig: go.Figure, title, log_y: bool, ytitle: str, description: str) -> go.Figure:
    fig.update_layout(title=title, xaxis_title="training sequences seen", yaxis_title=ytitle,
                      hovermode="x unified")
    if log_y:
        fig.update_yaxes(type="log")
    theme.describe(fig, description)
    return theme.apply(fig)


def loss_curve(history, metric: str | None = None, log_y: bool = True,
               title: str | None = None, description: str | None = None) -> go.Figure:
    """Training loss per step (thin) and the evaluated ``metric`` (default: the first metric
    that is not "loss", else "loss") at each evaluation (markers), against sequences seen.
    A dashed line marks the target if the run had one."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=list(history.sequences), y=list(history.losses),
                             mode="lines", name="training loss (batch)",
                             line={"width": 1, "color": theme.COLORS["rnn"]}))
    shown = "the training loss of every batch"
    if history.metrics:
        if metric is None:
            metric = next((k for k in history.metrics if k != "loss"), "loss")
        fig.add_trace(go.Scatter(x=list(history.eval_sequences), y=list(history.metrics[metric]),
                                 mode="lines+markers", name=f"test {metric}",
                                 line={"width": 2, "color": theme.COLORS["i"]}))
        shown += f" (grey) and the test {metric} at each evaluation (blue, with markers)"
    if history.target is not None:
        fig.add_hline(y=history.target[1], line_dash="dash",
                      annotation_text=f"target {history.target[0]} = {history.target[1]}")
        shown += f"; a dashed line marks the target {history.target[1]:g}"
    scale = ", log scale" if log_y else ""
    return _finish(fig, title, log_y, "loss", description or
                   f"Line chart{scale}: {shown}, against the training sequences seen.")


def compare_runs(histories: dict, metric: str = "loss", log_y: bool = True,
                 baseline: float | None = None, baseline_label: str = "constant guess",
                 target: float | None = None, title: str | None = None,
                 description: str | None = None) -> go.Figure:
    """One evaluated ``metric`` for several runs ``{label: History}`` against sequences seen.
    Labels starting with "lstm"/"rnn" get the book's model colours."""
    fig = go.Figure()
    for k, (label, h) in enumerate(histories.items()):
        fig.add_trace(go.Scatter(x=list(h.eval_sequences), y=list(h.metrics[metric]),
                                 mode="lines", name=label,
                                 line={"width": 2.5, "color": _color(label, k)}))
    shown = f"test {metric} of {_names(histories)}"
    if baseline is not None:
        fig.add_hline(y=baseline, line_dash="dot", annotation_text=baseline_label)
        shown += f"; a dotted line marks the {baseline_label} ({baseline:.3g})"
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", annotation_text=f"target {target}")
        shown += f", a dashed line the target {target:g}"
    scale = ", log scale" if log_y else ""
    return _finish(fig, title, log_y, f"test {metric}", description or
                   f"Line chart{scale}: the {shown}, against the training sequences seen.")


#: Line styles that tell series apart without colour, in the order series are drawn.
_DASHES = ("solid", "dash", "dot", "dashdot")


def forecast_figure(months, values, n_test: int, forecasts: dict,
                    title: str = "12-month forecast", description: str | None = None,
                    ytitle: str = "sales (thousand units)") -> go.Figure:
    """The series (``values`` labelled by ``months``) and each forecast ``{label: (n_test,)}``
    drawn over the last ``n_test`` months; a shaded band marks the test period."""
    fig = go.Figure(go.Scatter(x=list(months), y=list(values), mode="lines+markers",
                               name="actual", line={"color": "#333333", "width": 2},
                               marker={"size": 4}))
    test_months = list(months[-n_test:])
    for k, (label, f) in enumerate(forecasts.items()):
        fig.add_trace(go.Scatter(x=test_months, y=list(np.asarray(f, float)), mode="lines",
                                 name=label, line={"width": 2.5, "dash": _DASHES[k % len(_DASHES)],
                                                   "color": _color(label, k)}))
    _span(fig, test_months[0], test_months[-1], theme.COLORS["rnn"])
    # The span's label sits just above the plot, ending at the span's right edge: on no data,
    # and not widening the axis (a label inside, anchored left, pushed it to 2030 on a phone).
    fig.add_annotation(x=test_months[-1], xref="x", xanchor="right", y=1, yref="y domain",
                       yanchor="bottom", showarrow=False,
                       text="test period (never seen in training)")
    fig.update_layout(title=title, xaxis_title="month", yaxis_title=ytitle, height=440)
    theme.describe(fig, description or (
        f"Line chart of the monthly series from {months[0]} to {months[-1]} (dark grey) and "
        f"the forecasts {_names(forecasts)} over its last {n_test} months, the test period, "
        "shaded: the models never saw it in training."))
    return theme.apply(fig)


def lines_figure(x, series: dict, *, title: str = "", xtitle: str = "", ytitle: str = "",
                 spans=(), marks=None, marks_label: str = "flagged",
                 description: str | None = None, width: float = 1.5,
                 dashed: bool = False) -> go.Figure:
    """Each ``{label: y (n,)}`` in ``series`` as a line over ``x (n,)``; ``spans``: ``(x0, x1)``
    pairs shaded in vermillion; ``marks``: a boolean mask ``(n,)`` over ``x`` whose points on
    the first series are drawn as markers. ``width``: line width in px; ``dashed``: the lines
    after the first are also told apart by dash (solid, dash, dot, ...), not by colour alone."""
    x = np.asarray(x)
    fig = go.Figure()
    for k, (label, y) in enumerate(series.items()):
        line = {"width": width, "color": _color(label, k)}
        if dashed:
            line["dash"] = _DASHES[k % len(_DASHES)]
        fig.add_trace(go.Scatter(x=x, y=np.asarray(y, float), mode="lines", name=label,
                                 line=line))
    for x0, x1 in spans:
        _span(fig, x0, x1, theme.COLORS["f"])
    shown = f"Line chart of {_names(series)}" + (f" against {xtitle}" if xtitle else "")
    if len(spans):
        shown += f"; {len(spans)} shaded spans"
    if marks is not None:
        m = np.asarray(marks, bool)
        first = np.asarray(next(iter(series.values())), float)
        fig.add_trace(go.Scatter(x=x[m], y=first[m], mode="markers", name=marks_label,
                                 marker={"size": 6, "color": theme.COLORS["f"], "symbol": "x"}))
        shown += f"; {int(m.sum())} {marks_label} points marked with crosses"
    fig.update_layout(title=title, xaxis_title=xtitle, yaxis_title=ytitle, height=400)
    theme.describe(fig, description or shown + ".")
    return theme.apply(fig)
