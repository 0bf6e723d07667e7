r"""The plain (Elman, tanh) RNN over whole sequences: forward with a trace, and BPTT.

What it covers: a one-layer, unidirectional tanh RNN with ``torch.nn.RNN``'s parameter layout
(``nonlinearity="tanh"``), forward over a sequence and backpropagation through time from
``dL/dh_t`` at every step. It is the book's baseline for vanishing and exploding gradients.
Not covered: ReLU RNNs, layers > 1, bidirectionality, dropout, training loops.

Equations (per step t; ``x_t (B, I)``, ``h_t (B, H)``)::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh        pre-activation
    h_t = tanh(a_t)

Backward::

    da_t     = (dL/dh_t + dh_{t+1 -> t}) * (1 - h_t^2)
    dh_{t-1} = da_t @ W_hh

``trace.gates`` holds ``{"a": a}``, the pre-activations (T, B, H): where they are large,
tanh saturates and the gradient through that step vanishes. The readable step is
``cells.rnn_step_forward``; the loop here differs only in doing the input projection for all
steps in one matmul and the weight gradients after the loop, and the tests check they agree.
"""

from dataclasses import dataclass, field

import numpy as np

from lstm_edu.base import RecurrentParams, TraceRepr

__all__ = ["RNN", "RNNTrace"]


@dataclass(repr=False)
class RNNTrace(TraceRepr):
    """Everything an RNN forward pass computed.

    x (T, B, I); h (T, B, H); h0 (B, H); gates: {"a": pre-activations (T, B, H)}.
    """

    x: np.ndarray
    h: np.ndarray
    gates: dict
    h0: np.ndarray
    cache: dict = field(default_factory=dict)  # internal buffers for backward


class RNN(RecurrentParams):
    """One-layer tanh RNN in numpy, numerically equal to ``torch.nn.RNN(I, H)``.

    ``RNN(input_size, hidden_size, seed=None, dtype=np.float64)``; float32 is also supported.
    ``params``: weight_ih (H, I), weight_hh (H, H), bias_ih (H,), bias_hh (H,).
    """

    n_gates = 1

    def forward(self, x, h0=None):
        """x (T, B, I); h0 (B, H) or None (zeros). Returns an ``RNNTrace``."""
        H, I, dtype = self.hidden_size, self.input_size, self.dtype
        x, h0 = self._forward_inputs(x, h0=h0)
        T, B, _ = x.shape
        p = self.params
        w_ih, w_hh = p["weight_ih"].copy(), p["weight_hh"].copy()
        w_hh_t = np.ascontiguousarray(w_hh.T)

        A = np.empty((T, B, H), dtype=dtype)
        np.matmul(x.reshape(T * B, I), w_ih.T, out=A.reshape(T * B, H))
        A += p["bias_ih"] + p["bias_hh"]
        h_all = np.empty((T + 1, B, H), dtype=dtype)
        h_all[0] = h0
        rec = np.empty((B, H), dtype=dtype)
        for t in range(T):
            np.matmul(h_all[t], w_hh_t, out=rec)
            A[t] += rec
            np.tanh(A[t], out=h_all[t + 1])
        cache = {"h_all": h_all, "w_ih": w_ih, "w_hh": w_hh}
        return RNNTrace(x=x, h=h_all[1:], gates={"a": A}, h0=h_all[0], cache=cache)

    def backward(self, trace, dh):
        """BPTT. dh = dL/dh_t (T, B, H). Returns weight_ih, weight_hh, bias_ih, bias_hh,
        x (T, B, I), h0 (B, H). Uses the weights the forward pass used."""
        dh, T, B, I, H = self._backward_inputs(trace, dh, RNNTrace)
        dtype = dh.dtype
        h_all, w_ih, w_hh = trace.cache["h_all"], trace.cache["w_ih"], trace.cache["w_hh"]
        dtanh = 1 - trace.h * trace.h                               # (T, B, H)
        dA = np.empty((T, B, H), dtype=dtype)
        dh_next = np.zeros((B, H), dtype=dtype)
        for t in range(T - 1, -1, -1):
            np.add(dh[t], dh_next, out=dA[t])
            dA[t] *= dtanh[t]
            np.matmul(dA[t], w_hh, out=dh_next)
        dA2 = dA.reshape(T * B, H)
        db = dA2.sum(axis=0)
        return {
            "weight_ih": dA2.T @ trace.x.reshape(T * B, I),
            "weight_hh": dA2.T @ h_all[:-1].reshape(T * B, H),
            "bias_ih": db,
            "bias_hh": db.copy(),
            "x": (dA2 @ w_ih).reshape(T, B, I),
            "h0": dh_next,
        }
