r"""The GRU over whole sequences: forward with a trace, and BPTT.

What it covers: a one-layer, unidirectional GRU with ``torch.nn.GRU``'s parameter layout and
equations (gate blocks r, z, n; the reset gate multiplies ``W_hn h + b_hn``, *after* the
matmul, as in PyTorch and cuDNN), forward over a sequence, and backpropagation through time.
Not covered: the original Cho et al. variant (reset applied before the matmul), layers > 1,
bidirectionality, dropout, training loops.

Equations (per step t; ``x_t (B, I)``, ``h_t (B, H)``)::

    r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)     reset gate
    z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)     update gate
    n_t =    tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

Backward (``dh_t`` includes the gradient flowing back from step t+1)::

    da_n = dh_t * (1 - z_t) * (1 - n_t^2)
    da_z = dh_t * (h_{t-1} - n_t) * z_t (1 - z_t)
    da_r = da_n * (W_hn h_{t-1} + b_hn) * r_t (1 - r_t)
    dh_{t-1} = dh_t * z_t + [da_r, da_z, da_n * r_t] @ W_hh

Fast path as in ``lstm.py``: one input projection for all steps, the r and z rows pre-scaled
by 1/2 so one ``tanh`` gives both sigmoids, parameter gradients after the loop. The readable
step is ``cells.gru_step_forward``; the tests check they agree.
"""

from dataclasses import dataclass, field

import numpy as np

from lstm_edu.base import RecurrentParams, TraceRepr

__all__ = ["GRU", "GRUTrace"]


@dataclass(repr=False)
class GRUTrace(TraceRepr):
    """Everything a GRU forward pass computed. Arrays may be views of one internal buffer.

    x (T, B, I); h (T, B, H); h0 (B, H); gates: {"r", "z", "n"} -> (T, B, H), post-activation;
    hn: W_hn h_{t-1} + b_hn (T, B, H), the term the reset gate scales.
    """

    x: np.ndarray
    h: np.ndarray
    gates: dict
    h0: np.ndarray
    hn: np.ndarray
    cache: dict = field(default_factory=dict)  # internal buffers for backward


class GRU(RecurrentParams):
    """One-layer GRU in numpy, numerically equal to ``torch.nn.GRU(I, H)``.

    ``GRU(input_size, hidden_size, seed=None, dtype=np.float64)``; float32 is also supported.
    ``params``: weight_ih (3H, I), weight_hh (3H, H), bias_ih (3H,), bias_hh (3H,), gate blocks
    r, z, n.
    """

    n_gates = 3
    gate_names = ("r", "z", "n")

    def forward(self, x, h0=None):
        """x (T, B, I); h0 (B, H) or None (zeros). Returns a ``GRUTrace``."""
        H, I, dtype = self.hidden_size, self.input_size, self.dtype
        x, h0 = self._forward_inputs(x, h0=h0)
        T, B, _ = x.shape
        p = self.params
        w_ih, w_hh = p["weight_ih"].copy(), p["weight_hh"].copy()
        half = np.ones((3 * H, 1), dtype=dtype)
        half[: 2 * H] = 0.5                                  # r, z rows see a/2
        bias = p["bias_ih"].copy()
        bias[: 2 * H] += p["bias_hh"][: 2 * H]               # b_hn stays inside r * (...)
        b_hn = p["bias_hh"][2 * H:].copy()
        w_hh_half_t = np.ascontiguousarray((w_hh * half).T)  # (H, 3H)

        G = np.empty((T, B, 3 * H), dtype=dtype)             # becomes r, z, n
        np.matmul(x.reshape(T * B, I), (w_ih * half).T, out=G.reshape(T * B, 3 * H))
        G += bias * half[:, 0]
        RZ, R, Z, N = G[:, :, : 2 * H], G[:, :, :H], G[:, :, H:2 * H], G[:, :, 2 * H:]
        hn = np.empty((T, B, H), dtype=dtype)
        h_all = np.empty((T + 1, B, H), dtype=dtype)
        h_all[0] = h0
        rec = np.empty((B, 3 * H), dtype=dtype)
        rec_rz, rec_n = rec[:, : 2 * H], rec[:, 2 * H:]
        tmp = np.empty((B, H), dtype=dtype)
        matmul, tanh, multiply = np.matmul, np.tanh, np.multiply
        for t in range(T):
            rz, n_t, h_prev = RZ[t], N[t], h_all[t]
            matmul(h_prev, w_hh_half_t, out=rec)
            rz += rec_rz
            tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5                                        # r, z = sigmoid(...)
            np.add(rec_n, b_hn, out=hn[t])
            multiply(R[t], hn[t], out=tmp)
            n_t += tmp
            tanh(n_t, out=n_t)
            np.subtract(h_prev, n_t, out=tmp)                # h = n + z * (h_prev - n)
            tmp *= Z[t]
            np.add(n_t, tmp, out=h_all[t + 1])
        cache = {"G": G, "h_all": h_all, "w_ih": w_ih, "w_hh": w_hh}
        return GRUTrace(x=x, h=h_all[1:], gates={"r": R, "z": Z, "n": N}, h0=h_all[0],
                        hn=hn, cache=cache)

    def backward(self, trace, dh):
        """BPTT. dh = dL/dh_t (T, B, H). Returns weight_ih, weight_hh, bias_ih, bias_hh,
        x (T, B, I), h0 (B, H). Uses the weights the forward pass used."""
        dh, T, B, I, H = self._backward_inputs(trace, dh, GRUTrace)
        dtype = dh.dtype
        h_all, w_ih, w_hh = trace.cache["h_all"], trace.cache["w_ih"], trace.cache["w_hh"]
        r, z, n = trace.gates["r"], trace.gates["z"], trace.gates["n"]

        # Step-independent factors, for all steps at once.
        f_z = (h_all[:-1] - n) * z * (1 - z)                  # dh -> da_z
        f_n = (1 - z) * (1 - n * n)                           # dh -> da_n
        f_r = trace.hn * r * (1 - r)                          # da_n -> da_r
        M = np.ones((T, B, 3 * H), dtype=dtype)               # dax -> dah: scale n block by r
        M[:, :, 2 * H:] = r

        dAx = np.empty((T, B, 3 * H), dtype=dtype)            # grads of W_ih x + b_ih
        dAh = np.empty((T, B, 3 * H), dtype=dtype)            # grads of W_hh h + b_hh
        dA_r, dA_z, dA_n = dAx[:, :, :H], dAx[:, :, H:2 * H], dAx[:, :, 2 * H:]
        dh_next = np.zeros((B, H), dtype=dtype)
        dh_t = np.empty((B, H), dtype=dtype)
        tmp = np.empty((B, H), dtype=dtype)
        multiply = np.multiply
        for t in range(T - 1, -1, -1):
            np.add(dh[t], dh_next, out=dh_t)
            multiply(dh_t, f_z[t], out=dA_z[t])
            multiply(dh_t, f_n[t], out=dA_n[t])
            multiply(dA_n[t], f_r[t], out=dA_r[t])
            multiply(dAx[t], M[t], out=dAh[t])
            np.matmul(dAh[t], w_hh, out=dh_next)
            multiply(dh_t, z[t], out=tmp)
            dh_next += tmp

        dAx2, dAh2 = dAx.reshape(T * B, 3 * H), dAh.reshape(T * B, 3 * H)
        return {
            "weight_ih": dAx2.T @ trace.x.reshape(T * B, I),
            "weight_hh": dAh2.T @ h_all[:-1].reshape(T * B, H),
            "bias_ih": dAx2.sum(axis=0),
            "bias_hh": dAh2.sum(axis=0),
            "x": (dAx2 @ w_ih).reshape(T, B, I),
            "h0": dh_next,
        }
