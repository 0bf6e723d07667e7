r"""Gradient flow lab: how ‖∂L/∂h_t‖ shrinks or grows with the distance to the loss.

What it covers
--------------
The loss is ``L = v · h_{T-1}`` (one unit vector ``v``, a loss at the last step only), so
``‖∂L/∂h_{T-1}‖ = 1`` and ``‖∂L/∂h_t‖`` for earlier t shows how much of the signal survives
``T-1-t`` steps of backpropagation through time.

- ``rnn_with_spectral_radius(rho, input_size=4, hidden_size=16, seed=0)``: a tanh ``RNN``
  whose recurrent matrix is ``rho`` times an orthogonal matrix (spectral radius exactly rho);
  its one home is ``lstm_edu.analysis.rnn_with_spectral_radius`` (re-exported here).
- ``lstm_with_forget_bias(bias, input_size=4, hidden_size=16, seed=0)``: an ``LSTM`` whose
  forget-gate bias (``bias_ih`` block f) is ``bias`` (``bias_hh`` block f set to 0).
- ``example_sequence(T, input_size=4, seed=0)``: the input ``x: (T, 1, I)`` (prefix of one
  fixed random sequence, so sequences of different lengths share their start).
- ``compute_grad_norms(model, x, v=None)``: ``{"h": (T,), "c": (T,) for an LSTM}``, the
  norms of ``∂L/∂h_t`` (and ``∂L/∂c_t``), from the book's reference BPTT loop
  (``lstm_edu.cells``: ``lstm_forward`` / ``rnn_forward``, then one step backward at a time).
- ``grad_flow_grid(rhos, biases, lengths, ...)``: those norms over a parameter grid.
- ``gradient_flow_lab(rhos, biases, lengths, projector=False)``: the kernel-free figure,
  log-scale y, with sliders for the RNN's spectral radius, the LSTM's forget-gate bias and T.

"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu.analysis import rnn_with_spectral_radius, with_gate_bias
from lstm_edu.cells import lstm_forward, lstm_step_backward, rnn_forward, rnn_step_backward
from lstm_edu.viz import theme
from lstm_edu.viz._controls import display_round, restyle_slider

__all__ = ["RHOS", "FORGET_BIASES", "LENGTHS", "rnn_with_spectral_radius",
           "lstm_with_forget_bias", "example_sequence", "loss_direction", "compute_grad_norms",
           "grad_flow_grid", "gradient_flow_lab"]

RHOS = (0.6, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0)
FORGET_BIASES = (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 5.0)
LENGTHS = (20, 50, 100)


def _is_lstm(model) -> bool:
    return np.shape(model.params["weight_hh"])[0] == 4 * np.shape(model.params["weight_hh"])[1]


def lstm_with_forget_bias(bias: float, input_size: int = 4, hidden_size: int = 16, seed: int = 0):
    """An ``LSTM`` (default init) whose forget-gate bias is ``bias`` (b_ih f-block; b_hh f = 0)."""
    from lstm_edu import LSTM

    return with_gate_bias(LSTM(input_size, hidden_size, seed=seed), "f", bias)


def example_sequence(T: int, input_size: int = 4, seed: int = 0, scale: float = 0.5) -> np.ndarray:
    """``x: (T, 1, I)``, the first T steps of one fixed random sequence (scale ``scale``)."""
    rng = np.random.default_rng(seed + 2)
    x = scale * rng.standard_normal((max(T, 1000), 1, input_size))
    return x[:T]


def loss_direction(hidden_size: int, seed: int = 0) -> np.ndarray:
    """The unit vector ``v`` of the loss ``L = v · h_{T-1}``, (H,)."""
    v = np.random.default_rng(seed + 3).standard_normal(hidden_size)
    return v / np.linalg.norm(v)


def compute_grad_norms(model, x, v=None) -> dict[str, np.ndarray]:
    """Norms of ``∂L/∂h_t`` (and ``∂L/∂c_t`` for an LSTM), t = 0..T-1, for ``L = v · h_{T-1}``.

    ``model``: an ``RNN`` or ``LSTM``; ``x: (T, 1, I)``; ``v: (H,)`` (default
    ``loss_direction(H)``). Returns ``{"h": (T,), "c": (T,) (LSTM only)}``.

    The reference loops of ``lstm_edu.cells``: the forward pass over the sequence, then the
    backward steps from the last one, reading the gradient each step receives. ``∂L/∂h_t``
    is what reaches step t from step t + 1 (the loss is at the last step only). For an LSTM
    ``∂L/∂c_t`` is the total one: what step t + 1 passes back along the cell state, plus the
    path through this step's own output, ``∂L/∂h_t · o_t (1 - tanh(c_t)^2)``.
    """
    x = np.asarray(x)
    T, B, _ = x.shape                        # (T, B, I)
    if B != 1:
        raise ValueError(f"compute_grad_norms: x must have shape (T, 1, I); got {x.shape}")
    p = model.params
    H = np.shape(p["weight_hh"])[1]
    lstm = _is_lstm(model)
    v = loss_direction(H) if v is None else np.asarray(v, dtype=float)
    zeros = np.zeros((1, H), dtype=np.result_type(x, p["weight_hh"]))
    dh_loss = np.zeros((T, 1, H), dtype=zeros.dtype)
    dh_loss[-1, 0] = v
    norm_h, norm_c = np.zeros(T), np.zeros(T)
    if lstm:
        _, _, caches = lstm_forward(x, zeros, zeros, p)
    else:
        _, caches = rnn_forward(x, zeros, p)
    dh_next, dc_next = zeros, zeros
    for t in reversed(range(T)):
        dh_t = dh_loss[t] + dh_next                 # all of ∂L/∂h_t
        norm_h[t] = np.linalg.norm(dh_t)
        if lstm:
            cache = caches[t]
            dc_t = dc_next + dh_t * cache["o"] * (1 - cache["tanh_c"] ** 2)
            norm_c[t] = np.linalg.norm(dc_t)
            _, dh_next, dc_next, _ = lstm_step_backward(dh_t, dc_next, cache)
        else:
            _, dh_next, _ = rnn_step_backward(dh_t, caches[t])
    return {"h": norm_h, "c": norm_c} if lstm else {"h": norm_h}


def grad_flow_grid(rhos=RHOS, biases=FORGET_BIASES, lengths=LENGTHS, input_size: int = 4,
                   hidden_size: int = 16, seed: int = 0) -> dict:
    """Gradient norms over the grid.

    Returns ``{"rnn": {(rho, T): (T,)}, "lstm_h": {(bias, T): (T,)}, "lstm_c": {(bias, T): (T,)}}``.
    """
    out = {"rnn": {}, "lstm_h": {}, "lstm_c": {}}
    for T in lengths:
        x = example_sequence(T, input_size, seed)
        for rho in rhos:
            rnn = rnn_with_spectral_radius(rho, input_size, hidden_size, seed)
            out["rnn"][(rho, T)] = compute_grad_norms(rnn, x)["h"]
        for b in biases:
            n = compute_grad_norms(lstm_with_forget_bias(b, input_size, hidden_size, seed), x)
            out["lstm_h"][(b, T)] = n["h"]
            out["lstm_c"][(b, T)] = n["c"]
    return out


def gradient_flow_lab(rhos=RHOS, biases=FORGET_BIASES, lengths=LENGTHS, rho0: float = 0.9,
                      bias0: float = 3.0, projector: bool = False, grid: dict | None = None
                      ) -> go.Figure:
    """Kernel-free gradient flow lab: ‖∂L/∂h_t‖ against t, RNN vs LSTM, log y.

    Traces, for each length ``lengths[j]`` in order: ``3j`` RNN ‖∂L/∂h_t‖, ``3j+1`` LSTM
    ‖∂L/∂h_t‖, ``3j+2`` LSTM ‖∂L/∂c_t‖ (only the traces of the chosen length are visible).
    Sliders: 0 spectral radius (restyles RNN traces), 1 forget-gate bias (restyles LSTM
    traces), 2 sequence length (``update``: visibility). ``grid`` reuses ``grad_flow_grid``.
    """
    rhos, biases, lengths = list(rhos), list(biases), list(lengths)
    grid = grad_flow_grid(rhos, biases, lengths) if grid is None else grid
    r0 = rhos.index(rho0) if rho0 in rhos else 0
    b0 = biases.index(bias0) if bias0 in biases else 0
    fig = go.Figure()
    for j, T in enumerate(lengths):
        t = np.arange(T)
        vis = j == len(lengths) - 1
        for key, name, color, dash, val in (
            ("rnn", "RNN ‖∂L/∂h<sub>t</sub>‖", theme.COLORS["rnn"], "solid", rhos[r0]),
            ("lstm_h", "LSTM ‖∂L/∂h<sub>t</sub>‖", theme.COLORS["lstm"], "solid", biases[b0]),
            ("lstm_c", "LSTM ‖∂L/∂c<sub>t</sub>‖ (cell state)", theme.COLORS["c"], "dash",
             biases[b0]),
        ):
            fig.add_trace(go.Scatter(
                x=t, y=display_round(grid[key][(val, T)]), name=name, visible=vis,
                mode="lines", line=dict(color=color, dash=dash), legendgroup=key,
                hovertemplate="t = %{x}<br>norm = %{y:.4g}<extra>" + key.replace("_", " ")
                + "</extra>",
            ))
    n = len(lengths)
    rnn_idx = [3 * j for j in range(n)]
    lstm_idx = [3 * j + k for j in range(n) for k in (1, 2)]
    s_rho = restyle_slider(
        [(f"{r:g}", {"y": [display_round(grid["rnn"][(r, T)]) for T in lengths]}, rnn_idx)
         for r in rhos], prefix="RNN spectral radius ρ = ", active=r0, y=-0.2)
    s_bias = restyle_slider(
        [(f"{b:g}", {"y": [display_round(grid[k][(b, T)]) for T in lengths for k in
                           ("lstm_h", "lstm_c")]}, lstm_idx)
         for b in biases], prefix="LSTM forget-gate bias b_f = ", active=b0, y=-0.47)
    s_len = restyle_slider(
        [(str(T), {"visible": [3 * j <= i < 3 * j + 3 for i in range(3 * n)]},
          list(range(3 * n))) for j, T in enumerate(lengths)],
        prefix="sequence length T = ", active=n - 1, y=-0.74)
    s_len["steps"] = [dict(st, method="update", args=[st["args"][0], {}, st["args"][1]])
                      for st in s_len["steps"]]
    fig.update_layout(
        title="Gradient flow: ‖∂L/∂h<sub>t</sub>‖ for a loss at the last step, RNN vs LSTM",
        xaxis_title="time step t (the loss is at t = T − 1)",
        yaxis=dict(title="gradient norm (log scale)", type="log"),
        # 470 px below the plot: three sliders, then the legend (up to three rows on a phone)
        height=900, margin=dict(b=470), sliders=[s_rho, s_bias, s_len],
    )
    theme.describe(fig, (
        "Line chart, log scale: the norm of the gradient of a loss at the last step with respect "
        "to the hidden state at each earlier time step t, for a tanh RNN (grey), an LSTM "
        "(black) and the LSTM's cell state (orange, dashed); the legend is below the sliders. "
        "Sliders set the RNN's recurrent spectral radius (below 1 the RNN's gradient vanishes "
        "exponentially, above 1 it can grow), the LSTM's forget-gate bias (a large bias keeps "
        "the cell-state path open) and the sequence length."))
    return theme.apply(fig, projector=projector)
