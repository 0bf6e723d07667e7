"""Figures of the variants chapter: what each recurrent cell costs, in parameters and in memory.

What it covers
--------------
- ``CELLS``: the cells compared, in drawing order: the LSTM, the peephole LSTM, the LSTM with
  coupled input and forget gates (CIFG, ``f = 1 - i``), the GRU and the plain tanh RNN.
- ``param_counts(input_size, sizes)``: ``{cell: [number of parameters for H in sizes]}``,
  counted from the ``params`` of real ``lstm_edu`` models (``LSTM``, ``LSTMVariant``, ``GRU``,
  ``RNN``), not from a formula.
- ``param_share_figure(input_size=10, sizes=SIZES, projector=False)``: each cell's count as a
  fraction of the LSTM's, against the hidden size H. Dropping one of the LSTM's four weight
  blocks (CIFG) leaves three quarters; the GRU has three blocks too; peepholes add 3H numbers.
- ``carried_state(hidden_size, lengths)``: how many numbers a model carries to its next step
  after t steps: the LSTM's ``h`` and ``c`` and the GRU's ``h`` (measured on a forward pass),
  and the cache of one causal attention layer, one key and one value of size d = H per step
  seen (``2 d t``; ``lstm_edu.attention`` has no cache object to measure).
- ``state_figure(hidden_size=128, lengths=LENGTHS, projector=False)``: those numbers against t,
  on log-log axes.

Both figures are static plotly figures (hover gives exact values): they need no kernel. They
use the book's theme (``lstm_edu.viz.theme.apply``) and carry an accessible description
(``theme.describe``). Not covered: accuracy or training speed of the variants (chapter 5's
ablation trains them), multi-head attention or a Transformer's feed-forward part.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu.viz import theme

__all__ = ["CELLS", "SIZES", "LENGTHS", "param_counts", "param_share_figure",
           "carried_state", "state_figure"]

CELLS = ("LSTM", "peephole LSTM", "CIFG LSTM", "GRU", "RNN")
SIZES = (4, 8, 16, 32, 64, 128, 256, 512)
LENGTHS = (10, 100, 1_000, 10_000, 100_000)

# Line colours with a contrast of at least 3:1 on white (WCAG 2.1 for graphical objects):
# the Okabe-Ito black, blue, vermillion, bluish green and reddish purple. The CIFG LSTM and the
# GRU have the same counts: a wide line with large squares under a thin one with small crosses
# keeps both visible.
_STYLE = {
    "LSTM": dict(color=theme.OKABE_ITO["black"], dash="solid", symbol="circle"),
    "peephole LSTM": dict(color=theme.OKABE_ITO["vermillion"], dash="dash", symbol="diamond"),
    "CIFG LSTM": dict(color=theme.OKABE_ITO["blue"], dash="solid", symbol="square", size=13,
                      width=5),
    "GRU": dict(color=theme.OKABE_ITO["bluish_green"], dash="dot", symbol="x", size=8, width=2.5),
    "RNN": dict(color=theme.OKABE_ITO["reddish_purple"], dash="solid", symbol="triangle-up"),
    "attention": dict(color=theme.OKABE_ITO["vermillion"], dash="solid", symbol="diamond"),
}
_LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.28, x=0, xanchor="left")


def _positive_ints(name: str, values) -> tuple[int, ...]:
    """``values`` as a tuple of positive ints in increasing order, else a ValueError."""
    try:
        out = tuple(values)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of positive ints, got {values!r}") from None
    ok = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0
             for v in out)
    if not out or not ok:
        raise ValueError(f"{name} must be a non-empty sequence of positive ints, got {values!r}")
    if any(b <= a for a, b in zip(out, out[1:], strict=False)):
        raise ValueError(f"{name} must be increasing, got {values!r}")
    return tuple(int(v) for v in out)


def _positive_int(name: str, value) -> int:
    if not (isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0):
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _model(cell: str, input_size: int, hidden_size: int):
    from lstm_edu.gru import GRU
    from lstm_edu.lstm import LSTM
    from lstm_edu.rnn import RNN
    from lstm_edu.variants import LSTMVariant

    if cell == "LSTM":
        return LSTM(input_size, hidden_size, seed=0)
    if cell == "peephole LSTM":
        return LSTMVariant(input_size, hidden_size, variant="peephole", seed=0)
    if cell == "CIFG LSTM":
        return LSTMVariant(input_size, hidden_size, variant="cifg", seed=0)
    if cell == "GRU":
        return GRU(input_size, hidden_size, seed=0)
    if cell == "RNN":
        return RNN(input_size, hidden_size, seed=0)
    raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")


def param_counts(input_size: int = 10, sizes=SIZES) -> dict[str, list[int]]:
    """``{cell: [parameters of one layer for each H in sizes]}``, counted from real models."""
    input_size = _positive_int("input_size", input_size)
    sizes = _positive_ints("sizes", sizes)
    return {cell: [int(sum(v.size for v in _model(cell, input_size, H).params.values()))
                   for H in sizes] for cell in CELLS}


def _log_axis(values) -> dict:
    """A log axis with a tick at each value, written out in full (no SI prefixes, no minor
    labels): ``1,000`` rather than ``1k``."""
    return dict(type="log", tickvals=list(values), ticktext=[f"{v:,}" for v in values],
                minor=dict(showgrid=False, ticks=""))


def param_share_figure(input_size: int = 10, sizes=SIZES, projector: bool = False) -> go.Figure:
    """Parameters of one layer of each cell, as a fraction of the LSTM's, against H."""
    sizes = _positive_ints("sizes", sizes)
    counts = param_counts(input_size, sizes)
    lstm = np.asarray(counts["LSTM"], dtype=float)
    fig = go.Figure()
    for cell in CELLS:
        st = _STYLE[cell]
        share = np.asarray(counts[cell]) / lstm
        fig.add_scatter(
            x=list(sizes), y=share.tolist(), customdata=counts[cell], name=cell,
            mode="lines+markers",
            line=dict(color=st["color"], dash=st["dash"], width=st.get("width", 2.5)),
            marker=dict(symbol=st["symbol"], size=st.get("size", 9)),
            hovertemplate=(f"{cell}<br>H = %{{x}}<br>%{{customdata:,}} parameters"
                           "<br>%{y:.3f} of the LSTM's<extra></extra>"))
    fig.update_layout(
        title="Layer size as a share of the LSTM's",
        xaxis=dict(title=f"hidden size H (log scale), I = {input_size} inputs", **_log_axis(sizes)),
        yaxis=dict(title="share of the LSTM's parameters", range=[0, 1.12],
                   tickvals=[0, 0.25, 0.5, 0.75, 1.0], ticktext=["0", "¼", "½", "¾", "1"]),
        legend=_LEGEND_BELOW, margin=dict(b=150), height=520, hovermode="closest")
    peep = counts["peephole LSTM"][-1] / counts["LSTM"][-1] - 1
    theme.describe(fig, (
        "Line chart: parameters of one recurrent layer divided by the LSTM's, for hidden sizes "
        f"{sizes[0]} to {sizes[-1]} and {input_size} inputs. The coupled-gate (CIFG) LSTM and "
        "the GRU both keep exactly three quarters, the plain RNN a quarter, at every size; "
        f"the peephole LSTM has slightly more, {100 * peep:.2f} % more at H = {sizes[-1]}."))
    return theme.apply(fig, projector=projector)


def carried_state(hidden_size: int = 128, lengths=LENGTHS) -> dict[str, list[int]]:
    """Numbers carried to the next step after t steps, for each t in ``lengths``:
    ``{"LSTM": 2H, "GRU": H, "attention": 2 H t}`` (d = H for attention)."""
    from lstm_edu.gru import GRU
    from lstm_edu.lstm import LSTM

    H = _positive_int("hidden_size", hidden_size)
    lengths = _positive_ints("lengths", lengths)
    x = np.zeros((1, 1, 1))                            # one step, batch of one, I = 1
    tr_lstm, tr_gru = LSTM(1, H, seed=0).forward(x), GRU(1, H, seed=0).forward(x)
    n_lstm = int(tr_lstm.h[-1].size + tr_lstm.c[-1].size)   # h_t and c_t
    n_gru = int(tr_gru.h[-1].size)                          # h_t
    return {"LSTM": [n_lstm] * len(lengths), "GRU": [n_gru] * len(lengths),
            "attention": [2 * H * t for t in lengths]}      # a key and a value per step


def state_figure(hidden_size: int = 128, lengths=LENGTHS, projector: bool = False) -> go.Figure:
    """Numbers carried from step to step by an LSTM, a GRU and one causal attention layer."""
    lengths = _positive_ints("lengths", lengths)
    state = carried_state(hidden_size, lengths)
    names = {"LSTM": "LSTM: h and c", "GRU": "GRU: h",
             "attention": "attention layer: keys and values of every step"}
    fig = go.Figure()
    for key, ys in state.items():
        st = _STYLE[key]
        fig.add_scatter(
            x=list(lengths), y=ys, name=names[key], mode="lines+markers",
            line=dict(color=st["color"], dash=st["dash"]),
            marker=dict(symbol=st["symbol"], size=9),
            hovertemplate=f"{names[key]}<br>after %{{x:,}} steps: %{{y:,}} numbers<extra></extra>")
    top = max(max(v) for v in state.values())
    decades = [10 ** k for k in range(2, int(np.ceil(np.log10(top))) + 1)]
    fig.update_layout(
        title="Numbers carried to the next step",
        xaxis=dict(title=f"steps seen t (log scale), H = d = {hidden_size}", **_log_axis(lengths)),
        yaxis=dict(title="numbers kept (log scale)", **_log_axis(decades)),
        legend=_LEGEND_BELOW, margin=dict(b=150), height=520, hovermode="closest")
    ratio = state["attention"][-1] / state["LSTM"][-1]
    theme.describe(fig, (
        f"Line chart on log-log axes: the LSTM carries {state['LSTM'][0]:,} numbers (h and c) "
        f"and the GRU {state['GRU'][0]:,} (h) at every step, while one causal attention layer "
        f"keeps a key and a value for every step seen, {state['attention'][-1]:,} numbers after "
        f"{lengths[-1]:,} steps, {ratio:,.0f} times the LSTM's state."))
    return theme.apply(fig, projector=projector)
