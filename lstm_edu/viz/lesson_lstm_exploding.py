r"""Lesson demo: an LSTM whose gradient explodes (the folklore says it cannot).

What it covers
--------------
The loss is ``L = v · h_{T-1}`` (as in ``lstm_edu.viz.gradient_flow``), the input is small
(``0.1`` times a fixed random sequence, so the units stay out of saturation) and all biases are
0. The recurrent weights are ``weight_hh = gain · W``, one fixed draw ``W`` with entries
``N(0, 1/H)``: the gain sets how strongly each step's hidden state feeds the next one's gates
and candidate.

- ``lstm_with_recurrent_gain(gain, input_size=4, hidden_size=16, seed=0)``: that ``LSTM``.
- ``exploding_norms(gains, T=60, ...)``: ``{gain: {"h": (T,), "c": (T,)}}``, the norms of
  ``∂L/∂h_t`` and ``∂L/∂c_t`` from the model's own backward pass
  (``gradient_flow.compute_grad_norms``).
- ``lstm_exploding_figure(gains=GAINS, T=60, projector=False)``: the kernel-free figure, log
  y: both norms against t; a slider (and Play) over the gain; a note gives the factor by which
  the gradient grew (or shrank) between the loss and the first step.

With a small gain the gradient vanishes like an RNN's; from a gain of about 4 it grows on
its way back. The cell-state path alone cannot amplify (``∂c_t/∂c_{t-1} = diag(f_t)``), but
the paths through ``h_{t-1}`` and ``weight_hh`` into the gates and the candidate can.
Not covered: what to do about it (norm clipping: ``lstm_edu.viz.clipping``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu.viz import theme
from lstm_edu.viz._controls import animation_controls, display_round
from lstm_edu.viz.gradient_flow import compute_grad_norms, example_sequence

GAINS = (1.0, 2.0, 4.0, 8.0, 12.0, 16.0)
INPUT_SCALE = 0.1
#: The draw of W and x the figure shows. Other draws explode too, at somewhat different gains
#: (a few in 4 at gain 8, nearly all at 12 to 16, T = 60); this one grows steadily with the gain.
SEED = 1


def lstm_with_recurrent_gain(gain: float, input_size: int = 4, hidden_size: int = 16,
                             seed: int = 0):
    """An ``LSTM`` with ``weight_hh = gain · W`` (W fixed, entries N(0, 1/H)) and zero biases."""
    from lstm_edu import LSTM

    gain = float(gain)
    if not np.isfinite(gain) or gain < 0:
        raise ValueError(f"gain: expected a finite number >= 0, got {gain!r}")
    lstm = LSTM(input_size, hidden_size, seed=seed)
    rng = np.random.default_rng(seed + 1)
    w = rng.standard_normal((4 * hidden_size, hidden_size)) / np.sqrt(hidden_size)
    params = dict(lstm.params)
    params["weight_hh"] = gain * w
    params["bias_ih"] = np.zeros(4 * hidden_size)
    params["bias_hh"] = np.zeros(4 * hidden_size)
    return LSTM.from_params(params)


def exploding_norms(gains=GAINS, T: int = 60, input_size: int = 4, hidden_size: int = 16,
                    seed: int = SEED) -> dict[float, dict[str, np.ndarray]]:
    """``{gain: {"h": (T,), "c": (T,)}}``: ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ for each gain."""
    x = example_sequence(T, input_size, seed, scale=INPUT_SCALE)        # (T, 1, I)
    return {float(g): compute_grad_norms(
        lstm_with_recurrent_gain(g, input_size, hidden_size, seed), x) for g in gains}


def _note(norms: dict[str, np.ndarray]) -> str:
    factor = norms["h"][0] / norms["h"][-1]
    word = "grew" if factor > 1 else "shrank"
    return (f"from the loss back to t = 0 the gradient {word} "
            f"{factor if factor > 1 else 1 / factor:.2g}×")


def _traces(norms: dict[str, np.ndarray]) -> list[go.Scatter]:
    t = np.arange(len(norms["h"]))
    return [
        go.Scatter(x=t, y=display_round(norms["h"]), name="LSTM ‖∂L/∂h<sub>t</sub>‖",
                   mode="lines", line=dict(color=theme.COLORS["lstm"]),
                   hovertemplate="t = %{x}<br>‖∂L/∂h‖ = %{y:.3g}<extra></extra>"),
        go.Scatter(x=t, y=display_round(norms["c"]),
                   name="LSTM ‖∂L/∂c<sub>t</sub>‖ (cell state)", mode="lines",
                   line=dict(color=theme.COLORS["c"], dash="dash"),
                   hovertemplate="t = %{x}<br>‖∂L/∂c‖ = %{y:.3g}<extra></extra>"),
    ]


def _annotation(norms: dict[str, np.ndarray]) -> dict:
    return dict(x=0.99, y=0.98, xref="paper", yref="paper", xanchor="right", yanchor="top",
                showarrow=False, text=_note(norms), bgcolor="rgba(255,255,255,0.85)")


def lstm_exploding_figure(gains=GAINS, T: int = 60, projector: bool = False,
                          norms: dict | None = None, seed: int = SEED) -> go.Figure:
    """Kernel-free figure: an LSTM's ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ against t, one frame per gain.

    Traces: 0 ‖∂L/∂h_t‖, 1 ‖∂L/∂c_t‖, 2 the level of the loss's own gradient (1). Frames
    ``"gain=<g>"`` update traces 0 and 1 and the note. ``norms`` reuses ``exploding_norms``.
    """
    gains = [float(g) for g in gains]
    norms = exploding_norms(gains, T, seed=seed) if norms is None else norms
    first = norms[gains[0]]
    fig = go.Figure(_traces(first))
    fig.add_trace(go.Scatter(x=[0, T - 1], y=[1, 1], mode="lines", hoverinfo="skip",
                             name="gradient at the loss", showlegend=False,
                             line=dict(color=theme.COLORS["rnn"], dash="dot", width=1.5)))
    names = [f"gain={g:g}" for g in gains]
    fig.frames = [go.Frame(name=n, data=_traces(norms[g]), traces=[0, 1],
                           layout=dict(annotations=[_annotation(norms[g])]))
                  for n, g in zip(names, gains, strict=True)]
    values = np.concatenate([np.concatenate([v["h"], v["c"]]) for v in norms.values()])
    lo, hi = np.log10(values[values > 0].min()), np.log10(values.max())
    fig.update_layout(
        title="An LSTM whose gradient explodes: large recurrent weights",
        xaxis_title="time step t (the loss is at t = T − 1)",
        yaxis=dict(title="gradient norm (log scale)", type="log", exponentformat="power",
                   range=[np.floor(lo) - 0.3, np.ceil(hi) + 0.3], dtick=4),
        annotations=[_annotation(first)],
        height=560,
        **animation_controls(names, [f"{g:g}" for g in gains],
                             prefix="recurrent gain = ", frame_ms=900, y=-0.12),
    )
    theme.describe(fig, (
        f"Line chart, log scale: the norm of the gradient of a loss at the last of {T} steps "
        "with respect to an LSTM's hidden state (black) and cell state (orange, dashed) at "
        "each earlier step, all biases 0 and small inputs. A slider sets the gain of the "
        "recurrent weights: at gains of 1 and 2 the gradient shrinks on its way back; from "
        "4 on it grows, at 8 and more by many orders of magnitude: an LSTM's gradient can "
        "explode."))
    return theme.apply(fig, projector=projector)
