r"""Lesson demo: does gradient clipping fix a vanishing gradient? It cannot.

What it covers
--------------
Norm clipping replaces the gradient ``g`` of all parameters by ``s · g`` with
``s = min(1, θ / ‖g‖)``. Backpropagation is linear in the loss's gradient, so that is the
same as scaling every ``∂L/∂h_t`` by the same ``s``: clipping can only shrink the whole
backward pass, never change how the early steps' share compares with the late steps'.

The models and the loss ``L = v · h_{T-1}`` are those of ``lstm_edu.viz.gradient_flow``: a
tanh RNN with spectral radius ``rho`` (its gradient vanishes for ``rho < 1``) and an LSTM with
forget-gate bias ``forget_bias`` (its cell-state path keeps the gradient).

- ``parameter_grad_norm(model, x, v=None)``: ``‖g‖``, the norm of ``∂L/∂θ`` over the four
  parameter arrays, from the model's own backward pass.
- ``clipped_norms(model, x, clips)``: ``{clip: (T,)}``, ‖∂L/∂h_t‖ after norm clipping at each
  threshold (``None``: no clipping), and ``‖g‖`` under the key ``"grad_norm"``.
- ``clip_vanishing_figure(clips=CLIPS, rho=0.9, forget_bias=3.0, T=100, projector=False)``:
  the kernel-free figure, log y, with a slider over the clipping threshold; a note gives the
  RNN's ratio "gradient at t = 0 / gradient at the loss", unchanged by every threshold.

Not covered: exploding gradients, where clipping does help (``lstm_edu.viz.clipping``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu.viz import theme
from lstm_edu.viz._controls import animation_controls, display_round
from lstm_edu.viz.gradient_flow import (
    compute_grad_norms,
    example_sequence,
    loss_direction,
    lstm_with_forget_bias,
    rnn_with_spectral_radius,
)

#: Clipping thresholds of the slider (``None``: no clipping), largest first.
CLIPS = (None, 1.0, 0.1, 0.01, 0.001)
PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def parameter_grad_norm(model, x, v=None) -> float:
    """‖∂L/∂θ‖ over ``weight_ih, weight_hh, bias_ih, bias_hh`` for ``L = v · h_{T-1}``.

    ``x: (T, 1, I)``; ``v: (H,)`` (default ``gradient_flow.loss_direction(H)``).
    """
    x = np.asarray(x)
    T, B, _ = x.shape
    H = np.shape(model.params["weight_hh"])[1]
    dh = np.zeros((T, B, H))
    dh[-1, :] = loss_direction(H) if v is None else np.asarray(v, dtype=float)
    grads = model.backward(model.forward(x), dh)
    return float(np.sqrt(sum(np.sum(np.square(grads[k])) for k in PARAMS)))


def clipped_norms(model, x, clips=CLIPS) -> dict:
    """``{clip: (T,)}``: ‖∂L/∂h_t‖ after clipping ‖g‖ at ``clip``; ``"grad_norm"``: ‖g‖."""
    norms = compute_grad_norms(model, x)["h"]
    g = parameter_grad_norm(model, x)
    out = {"grad_norm": g}
    for clip in clips:
        scale = 1.0 if clip is None or g <= clip else clip / g
        out[clip] = scale * norms
    return out


def _label(clip) -> str:
    return "none" if clip is None else f"{clip:g}"


def _ratio_note(rnn_norms: np.ndarray, clip) -> str:
    ratio = rnn_norms[0] / rnn_norms[-1]
    when = "without clipping" if clip is None else f"clipped at ‖g‖ ≤ {clip:g}"
    return f"RNN, {when}: gradient at t = 0 ÷ gradient at the loss = {ratio:.2g}"


def _traces(rnn: np.ndarray, lstm: np.ndarray, rho: float, bias: float) -> list[go.Scatter]:
    t = np.arange(len(rnn))
    return [
        go.Scatter(x=t, y=display_round(rnn), name=f"RNN (ρ = {rho:g}), clipped", mode="lines",
                   line=dict(color=theme.COLORS["rnn"]),
                   hovertemplate="t = %{x}<br>‖∂L/∂h‖ = %{y:.3g}<extra>RNN</extra>"),
        go.Scatter(x=t, y=display_round(lstm), name=f"LSTM (b<sub>f</sub> = {bias:g}), clipped",
                   mode="lines", line=dict(color=theme.COLORS["lstm"]),
                   hovertemplate="t = %{x}<br>‖∂L/∂h‖ = %{y:.3g}<extra>LSTM</extra>"),
    ]


def clip_vanishing_figure(clips=CLIPS, rho: float = 0.9, forget_bias: float = 3.0,
                          T: int = 100, projector: bool = False) -> go.Figure:
    """Kernel-free figure: ‖∂L/∂h_t‖ of an RNN and an LSTM after norm clipping, log y.

    Traces: 0 RNN after clipping, 1 LSTM after clipping, 2 and 3 the same without clipping
    (thin, dotted, for reference). Frames ``"clip=<θ>"`` update traces 0, 1 and the note.
    """
    clips = list(clips)
    x = example_sequence(T)
    rnn = clipped_norms(rnn_with_spectral_radius(rho), x, clips)
    lstm = clipped_norms(lstm_with_forget_bias(forget_bias), x, clips)
    fig = go.Figure(_traces(rnn[clips[0]], lstm[clips[0]], rho, forget_bias))
    t = np.arange(T)
    for key, norms, name in (("rnn", rnn[None] if None in clips else rnn[clips[0]], "RNN"),
                             ("lstm", lstm[None] if None in clips else lstm[clips[0]], "LSTM")):
        fig.add_trace(go.Scatter(x=t, y=display_round(norms), name=f"{name}, no clipping",
                                 mode="lines", hoverinfo="skip", showlegend=key == "rnn",
                                 legendgroup="none",
                                 line=dict(color=theme.COLORS[key], dash="dot", width=1.5)))
    fig.data[2].name = "without clipping (dotted)"
    names = [f"clip={_label(c)}" for c in clips]
    note = dict(x=0.99, y=0.02, xref="paper", yref="paper", xanchor="right", yanchor="bottom",
                showarrow=False, bgcolor="rgba(255,255,255,0.85)")
    fig.frames = [go.Frame(name=n, data=_traces(rnn[c], lstm[c], rho, forget_bias),
                           traces=[0, 1],
                           layout=dict(annotations=[dict(note, text=_ratio_note(rnn[c], c))]))
                  for n, c in zip(names, clips, strict=True)]
    values = np.concatenate([rnn[c] for c in clips] + [lstm[c] for c in clips])
    lo, hi = np.log10(values[values > 0].min()), np.log10(values.max())
    fig.update_layout(
        title="Norm clipping only scales the whole gradient down",
        xaxis_title="time step t (the loss is at t = T − 1)",
        yaxis=dict(title="‖∂L/∂h<sub>t</sub>‖ after clipping (log)", type="log",
                   exponentformat="power", range=[np.floor(lo) - 0.3, np.ceil(hi) + 0.3],
                   dtick=2),
        annotations=[dict(note, text=_ratio_note(rnn[clips[0]], clips[0]))],
        height=560,
        **animation_controls(names, [_label(c) for c in clips],
                             prefix="clip gradient norm at θ = ", frame_ms=900, y=-0.12),
    )
    theme.describe(fig, (
        f"Line chart, log scale: the gradient of a loss at the last of {T} steps reaching each "
        f"earlier step t, for a tanh RNN with spectral radius {rho:g} (grey), whose gradient "
        f"vanishes, and an LSTM with forget-gate bias {forget_bias:g} (black), after the whole "
        "gradient is norm-clipped at the threshold chosen by the slider; dotted: without "
        "clipping. Clipping moves each curve down as a whole, never up, and leaves its slope: "
        "the RNN's first step still receives the same tiny fraction of the gradient."))
    return theme.apply(fig, projector=projector)
