r"""Dropout for recurrent networks: the masks, and variational (recurrent) dropout's BPTT.

What it covers
--------------
- ``inverted_mask(rng, shape, p, dtype)``: inverted dropout's mask, 0 with probability p and
  1 / (1 - p) otherwise, so that E[mask] = 1 and nothing changes at test time.
- ``check_probability(value, name)``: a dropout probability 0 <= p < 1.
- Two places to drop, used by ``lstm_edu.stacked`` (``StackedLSTM/GRU/RNN``, ``train=True``):

  =====================  ===============================  ======================================
  what                   mask                             where
  =====================  ===============================  ======================================
  between layers         fresh at every step, (T, B, DH)  each layer's output below the last
  (Zaremba et al. 2014)                                   (torch.nn's ``dropout``)
  variational input      one per sequence, (B, n_in),     each layer's input, x_t * m_x
  (Gal & Ghahramani 2016) the same at every step          (``input_dropout``)
  variational recurrent  one per sequence, (B, H),        h_{t-1} where it enters the
  (Gal & Ghahramani 2016) the same at every step          recurrence: W_hh (h_{t-1} * m_h)
                                                          (``recurrent_dropout``)
  =====================  ===============================  ======================================

  One mask acts on all gate blocks at once (the paper's "tied" form); Keras'
  ``recurrent_dropout`` draws one per gate block instead (the "untied" form).
- ``recurrent_forward(cell, x, mask_h, h0, c0)`` / ``recurrent_backward(trace, dh, dc_last)``:
  a one-layer ``LSTM``, ``GRU`` or ``RNN`` over a sequence with a fixed recurrent mask, and its
  BPTT. The fast one-layer loops cannot drop h_{t-1} (the mask differs per sequence, so it
  cannot be folded into W_hh), so this is a loop over the readable step functions of
  ``lstm_edu.cells``. For the LSTM and the RNN, h_{t-1} enters a step only through W_hh, so
  the step is the reference step fed h_{t-1} * m_h. In the GRU, h_{t-1} also enters through
  the carry z * h_{t-1}, which is not a weight and is not dropped: that step is written here.

Shapes: ``x (T, B, I)``, ``mask_h, h0, c0 (B, H)``, the trace's ``h, c (T, B, H)``.
Not covered: the stacked bookkeeping (layers, directions, lengths: ``lstm_edu.stacked``), Monte
Carlo dropout at test time, zoneout, DropConnect on the weights.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from lstm_edu import cells
from lstm_edu.activations import (
    sigmoid,
    sigmoid_grad_from_output,
    tanh,
    tanh_grad_from_output,
)

__all__ = ["inverted_mask", "check_probability", "RecurrentDropoutTrace", "recurrent_forward",
           "recurrent_backward"]


def check_probability(value, name):
    """A dropout probability 0 <= p < 1 as a float; else TypeError / ValueError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a probability 0 <= p < 1, got {value!r}")
    if not 0 <= value < 1:
        raise ValueError(f"{name}: expected a probability 0 <= p < 1, got {value!r}")
    return float(value)


def inverted_mask(rng, shape, p, dtype):
    """Inverted dropout's mask of ``shape``: 0 with probability p, else 1 / (1 - p)."""
    dtype = np.dtype(dtype)
    return (rng.random(shape) >= p).astype(dtype) / dtype.type(1 - p)


@dataclass(repr=False)
class RecurrentDropoutTrace:
    """A one-layer forward pass with a recurrent mask: kind ("lstm", "gru", "rnn"), the
    params it used, x (T, B, I), mask_h (B, H), h (T, B, H), c (T, B, H) or None, and the
    T step caches of the backward pass."""

    kind: str
    params: dict
    x: np.ndarray
    mask_h: np.ndarray
    h: np.ndarray
    c: np.ndarray
    caches: list

    def __repr__(self):
        T, B, I = self.x.shape
        return (f"RecurrentDropoutTrace(kind={self.kind!r}, T={T}, B={B}, I={I}, "
                f"H={self.h.shape[2]})")


_KINDS = {"LSTM": "lstm", "GRU": "gru", "RNN": "rnn"}


def _gru_step_forward(x_t, h_prev, m, params):
    """A GRU step whose recurrent matrix reads h_prev * m; the carry z * h_prev is kept."""
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]       # (3H, I), (3H, H)
    ax = x_t @ W_ih.T + params["bias_ih"]                       # (B, 3H)
    ah = (h_prev * m) @ W_hh.T + params["bias_hh"]              # (B, 3H): the dropped read
    ax_r, ax_z, ax_n = np.split(ax, 3, axis=1)
    ah_r, ah_z, ah_n = np.split(ah, 3, axis=1)
    r = sigmoid(ax_r + ah_r)
    z = sigmoid(ax_z + ah_z)
    n = tanh(ax_n + r * ah_n)
    h = (1 - z) * n + z * h_prev                                # the carry: not dropped
    return h, dict(x_t=x_t, h_prev=h_prev, m=m, r=r, z=z, n=n, ah_n=ah_n)


def _gru_step_backward(dh, cache, params):
    """Backward of ``_gru_step_forward``: dx (B, I), dh_prev (B, H), dparams."""
    r, z, n, ah_n, h_prev, m = (cache[k] for k in ("r", "z", "n", "ah_n", "h_prev", "m"))
    da_n = dh * (1 - z) * tanh_grad_from_output(n)
    da_r = da_n * ah_n * sigmoid_grad_from_output(r)
    da_z = dh * (h_prev - n) * sigmoid_grad_from_output(z)
    dax = np.concatenate([da_r, da_z, da_n], axis=1)            # (B, 3H)
    dah = np.concatenate([da_r, da_z, da_n * r], axis=1)
    dh_prev = dh * z + (dah @ params["weight_hh"]) * m
    dparams = {"weight_ih": dax.T @ cache["x_t"], "weight_hh": dah.T @ (h_prev * m),
               "bias_ih": dax.sum(axis=0), "bias_hh": dah.sum(axis=0)}
    return dax @ params["weight_ih"], dh_prev, dparams


def recurrent_forward(cell, x, mask_h, h0, c0=None):
    """``cell`` (a one-layer ``LSTM``, ``GRU`` or ``RNN``) over x (T, B, I) from h0 (and c0 for
    the LSTM), (B, H), with W_hh reading h_{t-1} * mask_h at every step. Arrays are used as
    given (``lstm_edu.stacked`` checks them). Returns a ``RecurrentDropoutTrace``."""
    kind = _KINDS.get(type(cell).__name__)
    if kind is None:
        raise TypeError(f"cell: expected an LSTM, GRU or RNN, got {type(cell).__name__}")
    p, h_t, c_t = cell.params, h0, c0
    hs, cs, caches = [], [], []
    for x_t in x:
        if kind == "lstm":
            h_t, c_t, cache = cells.lstm_step_forward(x_t, h_t * mask_h, c_t, p)
            cs.append(c_t)
        elif kind == "rnn":
            h_t, cache = cells.rnn_step_forward(x_t, h_t * mask_h, p)
        else:
            h_t, cache = _gru_step_forward(x_t, h_t, mask_h, p)
        hs.append(h_t)
        caches.append(cache)
    return RecurrentDropoutTrace(kind, p, x, mask_h, np.stack(hs),
                                 np.stack(cs) if cs else None, caches)


def recurrent_backward(trace, dh, dc_last=None):
    """BPTT of ``recurrent_forward``. dh = dL/dh_t (T, B, H); dc_last = extra dL/dc_T (B, H)
    (LSTM) or None. Returns weight_ih, weight_hh, bias_ih, bias_hh, x (T, B, I), h0 (B, H)
    and, for the LSTM, c0 (B, H): the keys of the one-layer models' ``backward``."""
    if not isinstance(trace, RecurrentDropoutTrace):
        raise TypeError(f"trace: expected a RecurrentDropoutTrace, got {type(trace).__name__}")
    m, p = trace.mask_h, trace.params
    dh_next = np.zeros_like(dh[0])                              # dL/dh_t from step t + 1
    dc_next = np.zeros_like(dh[0]) if dc_last is None else np.array(dc_last)
    dxs, total = [], {k: np.zeros_like(v) for k, v in p.items()}
    for t in reversed(range(len(trace.caches))):
        dh_t, cache = dh[t] + dh_next, trace.caches[t]
        if trace.kind == "lstm":
            dx, dh_read, dc_next, step = cells.lstm_step_backward(dh_t, dc_next, cache)
            dh_next = dh_read * m                               # through h_{t-1} * m
        elif trace.kind == "rnn":
            dx, dh_read, step = cells.rnn_step_backward(dh_t, cache)
            dh_next = dh_read * m
        else:
            dx, dh_next, step = _gru_step_backward(dh_t, cache, p)
        dxs.append(dx)
        for k in total:
            total[k] += step[k]
    result = {**total, "x": np.stack(dxs[::-1]), "h0": dh_next}
    if trace.kind == "lstm":
        result["c0"] = dc_next
    return result
