r"""Unrolled RNN / BPTT diagram: the computation graph through time, the gradient path lit up.

What it covers
--------------
- ``bptt_numbers(T=6, rho=0.9, ...)``: for a tanh RNN with recurrent spectral radius ``rho``
  on ``example_sequence(T)`` and the loss ``L = v · h_{T-1}``, the norms ``‖∂L/∂h_t‖`` (T,)
  (``gradient_flow.compute_grad_norms``) and ``‖∂L/∂x_t‖`` (T,) (``grads["x"]`` of the
  model's backward pass).
- ``bptt_diagram(T=6, rho=0.9, projector=False)``: kernel-free figure: inputs x_t at the
  bottom, hidden states h_t above them, the loss L right of the last one; forward edges thin
  and grey. A slider (and Play) steps the backward pass: at step k the gradient has travelled
  from L back to h_{T-k}; the path it took is drawn thick in the gradient's colour and every
  reached node shows its norm, printed short (``0.43``, ``1.2×10⁻⁵``) above h_t, below x_t,
  never on the path.
- ``frame_traces(T, k, numbers)``: the two traces a frame updates (path, numbers); the live
  widget uses it too.

The RNN is ``lstm_edu.analysis.rnn_with_spectral_radius`` (orthogonal kind).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu.analysis import rnn_with_spectral_radius
from lstm_edu.viz import theme
from lstm_edu.viz._controls import animation_controls, display_round, short_number
from lstm_edu.viz.gradient_flow import compute_grad_norms, example_sequence, loss_direction

__all__ = ["bptt_numbers", "frame_traces", "title", "bptt_diagram"]


def bptt_numbers(T: int = 6, rho: float = 0.9, input_size: int = 4, hidden_size: int = 16,
                 seed: int = 0) -> dict[str, np.ndarray]:
    """``{"h": (T,) ‖∂L/∂h_t‖, "x": (T,) ‖∂L/∂x_t‖}`` for the RNN and loss described above."""
    rnn = rnn_with_spectral_radius(rho, input_size, hidden_size, seed)
    x = example_sequence(T, input_size, seed)
    dh = np.zeros((T, 1, hidden_size))
    dh[-1, 0] = loss_direction(hidden_size)
    grads = rnn.backward(rnn.forward(x), dh)
    return {"h": compute_grad_norms(rnn, x)["h"], "x": np.linalg.norm(grads["x"][:, 0], axis=1)}


def _path(T: int, k: int) -> tuple[list, list]:
    """Highlighted segments after k backward steps: L->h_{T-1}, h_t->h_{t-1}, h_t->x_t."""
    xs, ys = [T, T - 1, None], [1, 1, None]
    for t in range(T - 1, T - 1 - k, -1):
        xs += [t, t, None]
        ys += [1, 0, None]
        if t > T - k:
            xs += [t, t - 1, None]
            ys += [1, 1, None]
    return xs, ys


def frame_traces(T: int, k: int, num: dict) -> list[go.Scatter]:
    """The highlighted path and the printed norms after ``k`` backward steps (traces 1, 3)."""
    reached = [t >= T - k for t in range(T)]
    xs, ys = _path(T, k)
    path = go.Scatter(x=xs if k else [None], y=ys if k else [None], mode="lines",
                      line=dict(color=theme.COLORS["grad"], width=7), hoverinfo="skip",
                      showlegend=False)
    hvals = [display_round(num["h"][t]).item() if r else None for t, r in enumerate(reached)]
    xvals = [display_round(num["x"][t]).item() if r else None for t, r in enumerate(reached)]
    text = go.Scatter(
        x=list(range(T)) * 2, y=[1.36] * T + [-0.36] * T, mode="text",
        text=[short_number(v) for v in hvals + xvals], customdata=hvals + xvals,
        textfont=dict(size=13, color=theme.TEXT_COLORS["grad"]), hoverinfo="skip",
        showlegend=False,
    )
    return [path, text]


def title(rho: float) -> str:
    """The figure's title for spectral radius ``rho``."""
    return f"Backpropagation through time in a tanh RNN (ρ = {rho:g})"


def bptt_diagram(T: int = 6, rho: float = 0.9, projector: bool = False,
                 numbers: dict | None = None) -> go.Figure:
    """Kernel-free unrolled RNN with the BPTT gradient path (see module doc).

    Traces: 0 forward edges, 1 highlighted path, 2 nodes, 3 gradient norms (``customdata``:
    ‖∂L/∂h_t‖ for t = 0..T-1 then ‖∂L/∂x_t‖, ``None`` where the gradient has not arrived).
    Frames ``"k=0"``..``"k=T"`` (backward steps taken) update traces 1 and 3.
    """
    num = bptt_numbers(T, rho) if numbers is None else numbers
    ex, ey = [], []
    for t in range(T):
        ex += [t, t, None]
        ey += [0, 1, None]
        if t:
            ex += [t - 1, t, None]
            ey += [1, 1, None]
    ex += [T - 1, T, None]
    ey += [1, 1, None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color=theme.COLORS["edge"],
                                                                 width=2),
                             hoverinfo="skip", showlegend=False))
    path, text = frame_traces(T, 0, num)
    fig.add_trace(path)
    nx = list(range(T)) * 2 + [T]
    ny = [0] * T + [1] * T + [1]
    labels = [f"x<sub>{t}</sub>" for t in range(T)] + [f"h<sub>{t}</sub>" for t in range(T)]
    fills = [theme.COLORS["rnn"]] * T + [theme.COLORS["h"]] * T + [theme.COLORS["ink"]]
    fig.add_trace(go.Scatter(
        x=nx, y=ny, mode="markers+text", text=labels + ["L"],
        textfont=dict(color=[theme.text_on(c) for c in fills], size=15),
        marker=dict(size=36, color=fills, line=dict(color="white", width=2)),
        hovertext=[f"input x_{t}" for t in range(T)] + [f"hidden state h_{t}" for t in range(T)]
        + [f"loss L = v · h_{T - 1}"], hoverinfo="text", showlegend=False,
    ))
    fig.add_trace(text)
    names = [f"k={k}" for k in range(T + 1)]
    fig.frames = [go.Frame(name=n, data=frame_traces(T, k, num), traces=[1, 3])
                  for k, n in enumerate(names)]
    fig.update_layout(
        title=title(rho),
        height=500, margin=dict(b=110, l=20, r=20),
        xaxis=dict(visible=False, range=[-0.6, T + 0.6]),
        yaxis=dict(visible=False, range=[-0.7, 1.7]),
        **animation_controls(names, [str(k) for k in range(T + 1)],
                             prefix="steps back: ", frame_ms=700),
    )
    theme.describe(fig, (
        f"An RNN unrolled over {T} time steps: inputs x_0 to x_{T - 1} at the bottom, hidden "
        "states h_0 to h_{T-1} in a row above them, each connected to the next, and the loss L "
        "to the right of the last hidden state. The slider steps the backward pass: the path "
        "the gradient takes from L back along the hidden states is drawn thick, and above each "
        "hidden state (below each input) the size of the gradient that reached it is printed; "
        "it shrinks with every step back when ρ < 1."))
    return theme.apply(fig, projector=projector)
