r"""The LSTM over whole sequences: a fast forward pass that keeps a plottable trace, and BPTT.

What it covers: a one-layer, unidirectional LSTM with PyTorch's parameter layout and gate order
(``torch.nn.LSTM``'s ``*_l0`` tensors, blocks i, f, g, o), forward over a sequence, and
backpropagation through time from ``dL/dh_t`` at every step (plus an optional ``dL/dc_T``).
Not covered: layers > 1, bidirectionality, peepholes, projections, dropout, training loops.

Equations (per step t, shapes (B, H); ``x_t (B, I)``)::

    i_t = sigmoid(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
    f_t = sigmoid(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
    g_t =    tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
    o_t = sigmoid(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

Backward (``dh_t`` = upstream dL/dh_t + the gradient flowing back from step t+1)::

    dc_t      = dc_{t+1 -> t} + dh_t * o_t * (1 - tanh(c_t)^2)
    da_o      = dh_t * tanh(c_t) * o_t (1 - o_t)
    da_i      = dc_t * g_t * i_t (1 - i_t)
    da_f      = dc_t * c_{t-1} * f_t (1 - f_t)
    da_g      = dc_t * i_t * (1 - g_t^2)
    dc_{t-1}  = dc_t * f_t
    dh_{t-1} += [da_i, da_f, da_g, da_o] @ W_hh

How it is fast (the readable step is ``cells.lstm_step_forward``; tests check they agree):

- the input projection ``x W_ih^T + b_ih + b_hh`` is one matmul for all T steps;
- the loop does only ``h W_hh^T`` into a preallocated buffer and in-place element-wise work;
- internally the gate rows are reordered to o, i, f, g so the three sigmoid gates are contiguous,
  and their rows are pre-scaled by 1/2 (exact in floating point): then a *single* ``tanh`` over
  all 4H columns gives tanh(a/2) for the sigmoid gates, since sigmoid(a) = (1 + tanh(a/2)) / 2.
  This is also why no pre-activation of any finite size overflows;
- the backward loop computes only the pre-activation gradients and ``dh_{t-1}``; weight, bias and
  input gradients are single large matmuls after the loop.

Public params and ``trace.gates`` keep torch's i, f, g, o meaning.
"""

from dataclasses import dataclass, field

import numpy as np

from lstm_edu._validation import check_grad_output
from lstm_edu.base import RecurrentParams, TraceRepr

__all__ = ["LSTM", "LSTMTrace"]


@dataclass(repr=False)
class LSTMTrace(TraceRepr):
    """Everything an LSTM forward pass computed. Arrays may be views of one internal buffer.

    x (T, B, I); h, c, tanh_c (T, B, H); h0, c0 (B, H);
    gates: {"i", "f", "g", "o"} -> (T, B, H), post-activation.
    """

    x: np.ndarray
    h: np.ndarray
    c: np.ndarray
    gates: dict
    h0: np.ndarray
    c0: np.ndarray
    tanh_c: np.ndarray
    cache: dict = field(default_factory=dict)  # internal buffers for backward


def _internal_rows(H):
    """Row index: internal block order o, i, f, g taken from torch's i, f, g, o."""
    return np.roll(np.arange(4 * H), H)


class LSTM(RecurrentParams):
    """One-layer LSTM in numpy, numerically equal to ``torch.nn.LSTM(I, H)``.

    ``LSTM(input_size, hidden_size, seed=None, dtype=np.float64)``; float32 is also supported.
    ``params``: weight_ih (4H, I), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,), gate blocks
    i, f, g, o. ``forward`` reads the current ``params`` on every call.
    """

    n_gates = 4
    gate_names = ("i", "f", "g", "o")

    def forward(self, x, h0=None, c0=None):
        """x (T, B, I); h0, c0 (B, H) or None (zeros). Returns an ``LSTMTrace``."""
        H, I, dtype = self.hidden_size, self.input_size, self.dtype
        x, h0, c0 = self._forward_inputs(x, h0=h0, c0=c0)
        T, B, _ = x.shape
        p = self.params

        rows = _internal_rows(H)
        w_ih = p["weight_ih"][rows]                      # (4H, I) internal order o, i, f, g
        w_hh = p["weight_hh"][rows]                      # (4H, H)
        half = np.ones((4 * H, 1), dtype=dtype)
        half[: 3 * H] = 0.5                              # sigmoid rows see a/2
        bias = (p["bias_ih"] + p["bias_hh"])[rows] * half[:, 0]
        w_hh_half_t = np.ascontiguousarray((w_hh * half).T)   # (H, 4H)

        # Input projection for all steps at once; the loop adds h_{t-1} W_hh^T in place.
        G = np.empty((T, B, 4 * H), dtype=dtype)
        np.matmul(x.reshape(T * B, I), (w_ih * half).T, out=G.reshape(T * B, 4 * H))
        G += bias
        h_all = np.empty((T + 1, B, H), dtype=dtype)     # h_all[t + 1] = h_t, h_all[0] = h0
        c_all = np.empty((T + 1, B, H), dtype=dtype)
        h_all[0], c_all[0] = h0, c0
        tanh_c = np.empty((T, B, H), dtype=dtype)
        S, Og, Ig, F, Gg = (G[:, :, : 3 * H], G[:, :, :H], G[:, :, H:2 * H],
                           G[:, :, 2 * H:3 * H], G[:, :, 3 * H:])
        rec = np.empty((B, 4 * H), dtype=dtype)
        ig = np.empty((B, H), dtype=dtype)
        matmul, tanh, multiply = np.matmul, np.tanh, np.multiply
        for t in range(T):
            g_t, s_t, c_t = G[t], S[t], c_all[t + 1]
            matmul(h_all[t], w_hh_half_t, out=rec)
            g_t += rec
            tanh(g_t, out=g_t)                           # tanh(a/2) on o, i, f; tanh(a) on g
            s_t *= 0.5
            s_t += 0.5                                   # sigmoid(a) = (1 + tanh(a/2)) / 2
            multiply(F[t], c_all[t], out=c_t)
            multiply(Ig[t], Gg[t], out=ig)
            c_t += ig
            tanh(c_t, out=tanh_c[t])
            multiply(Og[t], tanh_c[t], out=h_all[t + 1])

        gates = {"i": Ig, "f": F, "g": Gg, "o": Og}
        cache = {"G": G, "h_all": h_all, "c_all": c_all, "w_ih": w_ih, "w_hh": w_hh,
                 "rows": rows}
        return LSTMTrace(x=x, h=h_all[1:], c=c_all[1:], gates=gates, h0=h_all[0],
                         c0=c_all[0], tanh_c=tanh_c, cache=cache)

    def backward(self, trace, dh, dc_last=None):
        """BPTT. dh = dL/dh_t (T, B, H); dc_last = extra dL/dc_T (B, H) or None.

        Returns a dict: weight_ih, weight_hh, bias_ih, bias_hh (like params), x (T, B, I),
        h0 (B, H), c0 (B, H). Uses the weights the forward pass used.
        """
        dh, T, B, I, H = self._backward_inputs(trace, dh, LSTMTrace)
        dtype = dh.dtype
        if dc_last is None:
            dc = np.zeros((B, H), dtype=dtype)
        else:
            dc = check_grad_output(dc_last, "dc_last", (B, H), dtype, "(B, H)").copy()
        k = trace.cache
        G, h_all, c_all, w_ih, w_hh = k["G"], k["h_all"], k["c_all"], k["w_ih"], k["w_hh"]
        tanh_c = trace.tanh_c
        S, Og, Ig, F, Gg = (G[:, :, : 3 * H], G[:, :, :H], G[:, :, H:2 * H],
                           G[:, :, 2 * H:3 * H], G[:, :, 3 * H:])

        # Everything that does not depend on the recurrence, for all steps at once.
        dsig = S * (1 - S)                                          # (T, B, 3H): o, i, f
        K = Og * (1 - tanh_c * tanh_c)                               # dh -> dc factor
        tanh_c_do = tanh_c * dsig[:, :, :H]                         # dh -> da_o factor
        P = np.empty((T, B, 3, H), dtype=dtype)                     # dc -> da_i, da_f, da_g
        np.multiply(Gg, dsig[:, :, H:2 * H], out=P[:, :, 0])
        np.multiply(c_all[:-1], dsig[:, :, 2 * H:], out=P[:, :, 1])
        np.multiply(Ig, 1 - Gg * Gg, out=P[:, :, 2])

        dA = np.empty((T, B, 4 * H), dtype=dtype)                   # pre-activation grads
        dA4 = dA.reshape(T, B, 4, H)
        dA_o, dA_ifg = dA4[:, :, 0], dA4[:, :, 1:]
        dh_next = np.zeros((B, H), dtype=dtype)
        dh_t = np.empty((B, H), dtype=dtype)
        tmp = np.empty((B, H), dtype=dtype)
        dc3 = dc[:, None, :]                                        # view of dc, (B, 1, H)
        add, multiply, matmul = np.add, np.multiply, np.matmul
        for t in range(T - 1, -1, -1):
            add(dh[t], dh_next, out=dh_t)
            multiply(dh_t, K[t], out=tmp)
            dc += tmp
            multiply(dh_t, tanh_c_do[t], out=dA_o[t])
            multiply(dc3, P[t], out=dA_ifg[t])
            dc *= F[t]                                              # dc_{t-1}
            matmul(dA[t], w_hh, out=dh_next)                        # dh_{t-1} from step t

        dA2 = dA.reshape(T * B, 4 * H)
        inverse = np.argsort(k["rows"])                             # internal -> torch rows
        db = dA2.sum(axis=0)[inverse]
        return {
            "weight_ih": (dA2.T @ trace.x.reshape(T * B, I))[inverse],
            "weight_hh": (dA2.T @ h_all[:-1].reshape(T * B, H))[inverse],
            "bias_ih": db,
            "bias_hh": db.copy(),
            "x": (dA2 @ w_ih).reshape(T, B, I),
            "h0": dh_next,
            "c0": dc,
        }
