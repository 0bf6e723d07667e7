r"""One time step of an LSTM, a plain (tanh) RNN and a GRU: the readable reference.

These are the functions the book shows: one equation per line, variables named like the math,
forward next to backward (the CS231n ``step_forward -> (out, cache)`` /
``step_backward(dout, cache)`` pairing). The classes in ``lstm.py``, ``rnn.py`` and ``gru.py``
run a faster, less obvious loop over whole sequences and are tested equal to looping these.

Parameters use PyTorch's layout (``torch.nn.LSTM`` / ``RNN`` / ``GRU``, layer 0)::

    weight_ih (G*H, I)   weight_hh (G*H, H)   bias_ih (G*H,)   bias_hh (G*H,)

with G = 4 gate blocks i, f, g, o for the LSTM, G = 3 blocks r, z, n for the GRU and G = 1
for the RNN. Shapes: ``x_t (B, I)``, ``h_prev, c_prev, h, c (B, H)``.

LSTM::

    i = sigmoid(W_ii x + b_ii + W_hi h_prev + b_hi)      input gate
    f = sigmoid(W_if x + b_if + W_hf h_prev + b_hf)      forget gate
    g =    tanh(W_ig x + b_ig + W_hg h_prev + b_hg)      candidate (not a gate: it can be < 0)
    o = sigmoid(W_io x + b_io + W_ho h_prev + b_ho)      output gate
    c = f * c_prev + i * g
    h = o * tanh(c)

RNN::

    h = tanh(W_ih x + b_ih + W_hh h_prev + b_hh)

GRU::

    r = sigmoid(W_ir x + b_ir + W_hr h_prev + b_hr)      reset gate
    z = sigmoid(W_iz x + b_iz + W_hz h_prev + b_hz)      update gate
    n =    tanh(W_in x + b_in + r * (W_hn h_prev + b_hn))
    h = (1 - z) * n + z * h_prev

Reference sequence loops (CS231n's ``rnn_forward`` looping ``rnn_step_forward``):
``lstm_forward(x, h0, c0, params) -> (h, c, caches)`` and ``lstm_backward(dh, caches, dc_last)``,
and the same pairs for the RNN (``rnn_forward``/``rnn_backward``) and the GRU. They are the one
reference path shared by the tests, the book's tracer and chapter 4: a loop over the step
functions above, with no tricks. Shapes: ``x (T, B, I)``, ``h, c (T, B, H)``, ``h0, c0 (B, H)``.

Not covered here: validation of inputs, multi-layer or bidirectional cells (``lstm_edu.LSTM``
and the other classes check their inputs, then run a faster loop tested equal to these).
"""

import numpy as np

from lstm_edu.activations import (
    sigmoid,
    sigmoid_grad_from_output,
    tanh,
    tanh_grad_from_output,
)

__all__ = [
    "lstm_step_forward",
    "lstm_step_backward",
    "rnn_step_forward",
    "rnn_step_backward",
    "gru_step_forward",
    "gru_step_backward",
    "lstm_forward",
    "lstm_backward",
    "rnn_forward",
    "rnn_backward",
    "gru_forward",
    "gru_backward",
]


# --------------------------------------------------------------------- shared by the three steps
def _affine_step_grads(dax, dah, cache):
    """Gradients through the two affine maps of a step, ``W_ih x_t + b_ih`` and ``W_hh h_prev +
    b_hh``, given dL/d of each: dax, dah (B, G·H). Returns dx (B, I), dh_prev (B, H) (the part
    through W_hh only) and dparams (the four weights and biases)."""
    dparams = {
        "weight_ih": dax.T @ cache["x_t"],
        "weight_hh": dah.T @ cache["h_prev"],
        "bias_ih": dax.sum(axis=0),
        "bias_hh": dah.sum(axis=0),
    }
    return dax @ cache["W_ih"], dah @ cache["W_hh"], dparams


# ---------------------------------------------------------------------------------------- LSTM
def lstm_step_forward(x_t, h_prev, c_prev, params):
    """One LSTM step. x_t (B, I), h_prev (B, H), c_prev (B, H) -> h (B, H), c (B, H), cache."""
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]      # (4H, I), (4H, H)
    b_ih, b_hh = params["bias_ih"], params["bias_hh"]          # (4H,), (4H,)
    a = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh           # (B, 4H) pre-activations
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)                # each (B, H)
    i = sigmoid(a_i)
    f = sigmoid(a_f)
    g = tanh(a_g)
    o = sigmoid(a_o)
    c = f * c_prev + i * g
    tanh_c = tanh(c)
    h = o * tanh_c
    cache = dict(x_t=x_t, h_prev=h_prev, c_prev=c_prev, i=i, f=f, g=g, o=o, c=c,
                 tanh_c=tanh_c, W_ih=W_ih, W_hh=W_hh)
    return h, c, cache


def lstm_step_backward(dh, dc, cache):
    """Backward of one LSTM step.

    dh, dc: dL/dh and dL/dc reaching this step from above and from the future, (B, H).
    Returns dx (B, I), dh_prev (B, H), dc_prev (B, H), dparams (dict like params).
    """
    i, f, g, o = cache["i"], cache["f"], cache["g"], cache["o"]
    tanh_c, c_prev = cache["tanh_c"], cache["c_prev"]
    do = dh * tanh_c
    dc = dc + dh * o * tanh_grad_from_output(tanh_c)           # both paths into c
    di = dc * g
    df = dc * c_prev
    dg = dc * i
    dc_prev = dc * f                                           # the cell-state path
    da_i = di * sigmoid_grad_from_output(i)
    da_f = df * sigmoid_grad_from_output(f)
    da_g = dg * tanh_grad_from_output(g)
    da_o = do * sigmoid_grad_from_output(o)
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)      # (B, 4H), torch block order
    dx, dh_prev, dparams = _affine_step_grads(da, da, cache)
    return dx, dh_prev, dc_prev, dparams


# ----------------------------------------------------------------------------------------- RNN
def rnn_step_forward(x_t, h_prev, params):
    """One tanh-RNN step. x_t (B, I), h_prev (B, H) -> h (B, H), cache."""
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]      # (H, I), (H, H)
    a = x_t @ W_ih.T + params["bias_ih"] + h_prev @ W_hh.T + params["bias_hh"]   # (B, H)
    h = tanh(a)
    cache = dict(x_t=x_t, h_prev=h_prev, a=a, h=h, W_ih=W_ih, W_hh=W_hh)
    return h, cache


def rnn_step_backward(dh, cache):
    """Backward of one RNN step. dh (B, H) -> dx (B, I), dh_prev (B, H), dparams."""
    da = dh * tanh_grad_from_output(cache["h"])                # (B, H)
    return _affine_step_grads(da, da, cache)


# ----------------------------------------------------------------------------------------- GRU
def gru_step_forward(x_t, h_prev, params):
    """One GRU step (torch.nn.GRU's equations). x_t (B, I), h_prev (B, H) -> h (B, H), cache."""
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]      # (3H, I), (3H, H)
    ax = x_t @ W_ih.T + params["bias_ih"]                      # (B, 3H) input part
    ah = h_prev @ W_hh.T + params["bias_hh"]                   # (B, 3H) recurrent part
    ax_r, ax_z, ax_n = np.split(ax, 3, axis=1)
    ah_r, ah_z, ah_n = np.split(ah, 3, axis=1)
    r = sigmoid(ax_r + ah_r)
    z = sigmoid(ax_z + ah_z)
    n = tanh(ax_n + r * ah_n)
    h = (1 - z) * n + z * h_prev
    cache = dict(x_t=x_t, h_prev=h_prev, r=r, z=z, n=n, ah_n=ah_n, W_ih=W_ih, W_hh=W_hh)
    return h, cache


def gru_step_backward(dh, cache):
    """Backward of one GRU step. dh (B, H) -> dx (B, I), dh_prev (B, H), dparams."""
    r, z, n, h_prev, ah_n = cache["r"], cache["z"], cache["n"], cache["h_prev"], cache["ah_n"]
    dn = dh * (1 - z)
    dz = dh * (h_prev - n)
    da_n = dn * tanh_grad_from_output(n)                       # grad of n's pre-activation
    dr = da_n * ah_n
    da_r = dr * sigmoid_grad_from_output(r)
    da_z = dz * sigmoid_grad_from_output(z)
    dax = np.concatenate([da_r, da_z, da_n], axis=1)           # (B, 3H) w.r.t. W_ih x + b_ih
    dah = np.concatenate([da_r, da_z, da_n * r], axis=1)       # (B, 3H) w.r.t. W_hh h + b_hh
    dx, dh_prev, dparams = _affine_step_grads(dax, dah, cache)
    return dx, dh * z + dh_prev, dparams                       # h = (1-z) n + z h_prev


# ------------------------------------------------------------------------ reference sequence loops
def _add(total, part):
    """Accumulate a step's parameter gradients into ``total`` (or start it)."""
    if total is None:
        return {k: v.copy() for k, v in part.items()}
    for k, v in part.items():
        total[k] += v
    return total


def lstm_forward(x, h0, c0, params):
    """The LSTM over a sequence, one ``lstm_step_forward`` per step.

    x (T, B, I); h0, c0 (B, H). Returns h (T, B, H), c (T, B, H) and the list of T step caches.
    """
    h_t, c_t, hs, cs, caches = h0, c0, [], [], []
    for x_t in x:
        h_t, c_t, cache = lstm_step_forward(x_t, h_t, c_t, params)
        hs.append(h_t)
        cs.append(c_t)
        caches.append(cache)
    return np.stack(hs), np.stack(cs), caches


def lstm_backward(dh, caches, dc_last=None):
    """BPTT over ``lstm_forward``'s caches, one ``lstm_step_backward`` per step, last step first.

    dh: dL/dh_t from the loss at every step (T, B, H); dc_last: extra dL/dc_T (B, H) or None.
    Returns dx (T, B, I), dh0 (B, H), dc0 (B, H) and dparams (summed over steps).
    """
    dh_next = np.zeros_like(dh[0])                 # dL/dh_t arriving from step t + 1
    dc_next = np.zeros_like(dh[0]) if dc_last is None else dc_last
    dxs, dparams = [], None
    for t in reversed(range(len(caches))):
        dx, dh_next, dc_next, step = lstm_step_backward(dh[t] + dh_next, dc_next, caches[t])
        dxs.append(dx)
        dparams = _add(dparams, step)
    return np.stack(dxs[::-1]), dh_next, dc_next, dparams


def _h_only_forward(step_forward, x, h0, params):
    """Loop a step with state h only (RNN, GRU): x (T, B, I), h0 (B, H) -> h (T, B, H), caches."""
    h_t, hs, caches = h0, [], []
    for x_t in x:
        h_t, cache = step_forward(x_t, h_t, params)
        hs.append(h_t)
        caches.append(cache)
    return np.stack(hs), caches


def _h_only_backward(step_backward, dh, caches):
    """BPTT of ``_h_only_forward``: dh (T, B, H) -> dx (T, B, I), dh0 (B, H), dparams."""
    dh_next = np.zeros_like(dh[0])
    dxs, dparams = [], None
    for t in reversed(range(len(caches))):
        dx, dh_next, step = step_backward(dh[t] + dh_next, caches[t])
        dxs.append(dx)
        dparams = _add(dparams, step)
    return np.stack(dxs[::-1]), dh_next, dparams


def rnn_forward(x, h0, params):
    """The tanh RNN over a sequence: x (T, B, I), h0 (B, H) -> h (T, B, H), caches."""
    return _h_only_forward(rnn_step_forward, x, h0, params)


def rnn_backward(dh, caches):
    """BPTT over ``rnn_forward``'s caches: dh (T, B, H) -> dx (T, B, I), dh0 (B, H), dparams."""
    return _h_only_backward(rnn_step_backward, dh, caches)


def gru_forward(x, h0, params):
    """The GRU over a sequence: x (T, B, I), h0 (B, H) -> h (T, B, H), caches."""
    return _h_only_forward(gru_step_forward, x, h0, params)


def gru_backward(dh, caches):
    """BPTT over ``gru_forward``'s caches: dh (T, B, H) -> dx (T, B, I), dh0 (B, H), dparams."""
    return _h_only_backward(gru_step_backward, dh, caches)
