r"""Gradient flow lab: how ‖∂L/∂h_t‖ shrinks or grows with the distance to the loss.

What it covers
--------------
The loss is ``L = v · h_{T-1}`` (one unit vector ``v``, a loss at the last step only), so
``‖∂L/∂h_{T-1}‖ = 1`` and ``‖∂L/∂h_t‖`` for earlier t shows how much of the signal survives
``T-1-t`` steps of backpropagation through time.

- ``rnn_with_spectral_radius(rho, input_size=4, hidden_size=16, seed=0)``: a tanh ``RNN``
  whose recurrent matrix is ``rho`` times an orthogonal matrix (spectral radius exactly rho).
- ``lstm_with_forget_bias(bias, input_size=4, hidden_size=16, seed=0)``: an ``LSTM`` whose
  forget-gate bias (``bias_ih`` block f) is ``bias`` (``bias_hh`` block f set to 0).
- ``example_sequence(T, input_size=4, seed=0)``: the input ``x: (T, 1, I)`` (prefix of one
  fixed random sequence, so sequences of different lengths share their start).
- ``compute_grad_norms(model, x, v=None)``: ``{"h": (T,), "c": (T,) for an LSTM}``, the
  norms of ``∂L/∂h_t`` (and ``∂L/∂c_t``), computed by the model's own backward pass.
- ``grad_flow_grid(rhos, biases, lengths, ...)``: those norms over a parameter grid.
- ``gradient_flow_lab(rhos, biases, lengths, projector=False)``: the kernel-free figure,
  log-scale y, with sliders for the RNN's spectral radius, the LSTM's forget-gate bias and T.

How ``∂L/∂h_t`` comes from the real backward pass: ``model.backward`` returns ``∂L/∂h0``.
Running the model from step t+1 with ``h0 = h_t`` (and ``c0 = c_t``) gives exactly
``∂L/∂h_t`` as that run's ``grads["h0"]`` (and ``∂L/∂c_t`` as ``grads["c0"]``). All T−1
suffix runs go through one batched forward/backward: batch element s starts at step s+1,
its input is padded with zeros at the end (steps after the loss get no gradient).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu import theme
from lstm_edu.viz._controls import display_round, restyle_slider

RHOS = (0.6, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0)
FORGET_BIASES = (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 5.0)
LENGTHS = (20, 50, 100)


def _is_lstm(model) -> bool:
    return np.shape(model.params["weight_hh"])[0] == 4 * np.shape(model.params["weight_hh"])[1]


def rnn_with_spectral_radius(rho: float, input_size: int = 4, hidden_size: int = 16,
                             seed: int = 0):
    """A tanh ``RNN`` with ``weight_hh = rho * Q``, Q orthogonal: spectral radius ``rho``."""
    from lstm_edu import RNN

    rnn = RNN(input_size, hidden_size, seed=seed)
    rng = np.random.default_rng(seed + 1)
    q, r = np.linalg.qr(rng.standard_normal((hidden_size, hidden_size)))
    q = q * np.sign(np.diag(r))
    params = dict(rnn.params)
    params["weight_hh"] = (rho * q).astype(params["weight_hh"].dtype)
    return RNN.from_params(params)


def lstm_with_forget_bias(bias: float, input_size: int = 4, hidden_size: int = 16, seed: int = 0):
    """An ``LSTM`` (default init) whose forget-gate bias is ``bias`` (b_ih f-block; b_hh f = 0)."""
    from lstm_edu import LSTM

    lstm = LSTM(input_size, hidden_size, seed=seed)
    H = hidden_size
    params = {k: np.array(v, copy=True) for k, v in lstm.params.items()}
    params["bias_ih"][H:2 * H] = bias
    params["bias_hh"][H:2 * H] = 0.0
    return LSTM.from_params(params)


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
    """
    x = np.asarray(x)
    T, B, I = x.shape
    if B != 1:
        raise ValueError(f"compute_grad_norms: x must have batch size 1, shape (T, 1, I); got {x.shape}")
    lstm = _is_lstm(model)
    H = np.shape(model.params["weight_hh"])[1]
    v = loss_direction(H) if v is None else np.asarray(v, dtype=float)
    trace = model.forward(x)
    norms = {"h": np.empty(T)}
    if lstm:
        norms["c"] = np.empty(T)
    norms["h"][T - 1] = np.linalg.norm(v)
    if lstm:  # ∂L/∂c_{T-1} = v * o * (1 - tanh(c)^2)
        o, c = trace.gates["o"][T - 1, 0], trace.c[T - 1, 0]
        norms["c"][T - 1] = np.linalg.norm(v * o * (1 - np.tanh(c) ** 2))
    if T == 1:
        return norms
    S = T - 1                                   # suffix runs s = 0..T-2, each of length <= S
    xs = np.zeros((S, S, I), dtype=x.dtype)     # (time, batch = s, I)
    dh = np.zeros((S, S, H), dtype=x.dtype)
    for s in range(S):
        xs[: S - s, s] = x[s + 1:, 0]
        dh[S - 1 - s, s] = v
    h0 = np.asarray(trace.h)[:S, 0]
    if lstm:
        sub = model.forward(xs, h0=h0, c0=np.asarray(trace.c)[:S, 0])
    else:
        sub = model.forward(xs, h0=h0)
    grads = model.backward(sub, dh)
    norms["h"][:S] = np.linalg.norm(grads["h0"], axis=1)
    if lstm:
        norms["c"][:S] = np.linalg.norm(grads["c0"], axis=1)
    return norms


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
            ("lstm_c", "LSTM ‖∂L/∂c<sub>t</sub>‖ (cell-state path)", theme.COLORS["c"], "dash",
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
         for b in biases], prefix="LSTM forget-gate bias b_f = ", active=b0, y=-0.46)
    s_len = restyle_slider(
        [(str(T), {"visible": [3 * j <= i < 3 * j + 3 for i in range(3 * n)]},
          list(range(3 * n))) for j, T in enumerate(lengths)],
        prefix="sequence length T = ", active=n - 1, y=-0.72)
    s_len["steps"] = [dict(st, method="update", args=[st["args"][0], {}, st["args"][1]])
                      for st in s_len["steps"]]
    fig.update_layout(
        title="Gradient flow: ‖∂L/∂h<sub>t</sub>‖ for a loss at the last step, RNN vs LSTM",
        xaxis_title="time step t (the loss is at t = T − 1)",
        yaxis=dict(title="gradient norm (log scale)", type="log", exponentformat="power"),
        height=820, margin=dict(b=380), legend=dict(orientation="h", y=1.08, x=0),
        sliders=[s_rho, s_bias, s_len],
    )
    theme.describe(fig, (
        "Line chart, log scale: the norm of the gradient of a loss at the last step with respect "
        "to the hidden state at each earlier time step t, for a tanh RNN (grey), an LSTM "
        "(black) and the LSTM's cell state (orange, dashed). Sliders set the RNN's recurrent "
        "spectral radius (below 1 the RNN's gradient vanishes exponentially, above 1 it can "
        "grow), the LSTM's forget-gate bias (a large bias keeps the cell-state path open) and "
        "the sequence length."))
    return theme.apply(fig, projector=projector)
