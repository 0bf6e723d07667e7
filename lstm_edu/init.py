r"""Initializers for recurrent weights and biases, acting on a model's params in torch layout.

What it covers (each function changes ``params`` in place, like ``torch.nn.init``'s ``*_``
functions, and returns it; the dtype is kept):

- ``orthogonal_(params, seed=None, gain=1.0)``: every (H, H) gate block of every recurrent
  matrix ``weight_hh*`` becomes ``gain`` times a random orthogonal matrix, drawn uniformly
  (Haar): the QR decomposition of a standard normal matrix, with the signs of R's diagonal
  moved into Q (Mezzadri 2007). All singular values are ``gain``: repeated products neither
  shrink nor blow up a vector, at least while the gates and tanh are near their linear range
  (Saxe et al. 2014).
- ``identity_(params, scale=1.0)``: a plain RNN's recurrent matrix becomes ``scale * I`` and
  its biases 0, as Le, Jaitly and Hinton (2015) initialize their IRNN. (Their IRNN uses ReLU;
  ``lstm_edu``'s RNN is tanh, whose slope at 0 is 1: near 0 the identity still copies h.)
- ``chrono_(params, t_max, seed=None)``: Tallec & Ollivier's (2018) chrono initialization of
  an LSTM's gate biases: ``b_f ~ log(U[1, t_max - 1])`` and ``b_i = -b_f``, per unit. A unit
  with forget gate ``sigmoid(b_f)`` keeps a fraction ``f`` of its cell per step, so it
  remembers for about ``1 / (1 - f) = 1 + exp(b_f)`` steps, which chrono spreads over
  [2, t_max]. torch has two biases per gate and only their sum acts: the value goes into
  ``bias_ih`` and the ``bias_hh`` block is set to 0. The other gates' biases are unchanged.

``params`` is a one-layer dict (``weight_hh``, ``bias_ih``, ...: ``lstm_edu.LSTM/GRU/RNN``) or
a multi-layer ``state_dict``-like one (``weight_hh_l0``, ``weight_hh_l1_reverse``, ...:
``lstm_edu.StackedLSTM`` and the others); every layer and direction is initialized. The model
kind is read from the shape of ``weight_hh``: (4H, H) LSTM, (3H, H) GRU, (H, H) RNN.
Not covered: input weights (``weight_ih``; torch's default uniform init stays), Xavier/He
schemes, the GRU version of chrono.
"""

import numbers

import numpy as np

__all__ = ["orthogonal_", "identity_", "chrono_", "random_orthogonal", "recurrent_blocks"]

_KINDS = {4: "LSTM", 3: "GRU", 1: "RNN"}


def recurrent_blocks(params):
    """[(weight_hh key, bias_ih key, bias_hh key)] of every layer and direction in ``params``,
    and the model kind ("LSTM", "GRU" or "RNN"), after checking the recurrent shapes."""
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict of arrays, got {type(params).__name__}")
    keys = [k for k in params if isinstance(k, str) and k.startswith("weight_hh")]
    if not keys:
        raise ValueError(f"params: expected a weight_hh (one layer) or weight_hh_l0 (torch "
                         f"state_dict) key, got keys {sorted(map(str, params))}")
    kinds = set()
    for k in keys:
        w = params[k]
        if not isinstance(w, np.ndarray) or w.ndim != 2 or w.shape[1] == 0 or \
                w.shape[0] % w.shape[1] or w.shape[0] // w.shape[1] not in _KINDS:
            shape = getattr(w, "shape", type(w).__name__)
            raise ValueError(f"params['{k}']: expected a numpy array of shape (4H, H), "
                             f"(3H, H) or (H, H), got {shape}")
        kinds.add(_KINDS[w.shape[0] // w.shape[1]])
    if len(kinds) > 1:
        raise ValueError(f"params: expected one model kind, got weight_hh shapes of "
                         f"{sorted(kinds)}")
    blocks = []
    for k in keys:
        b_ih, b_hh = k.replace("weight_hh", "bias_ih"), k.replace("weight_hh", "bias_hh")
        for b in (b_ih, b_hh):
            if b not in params or np.shape(params[b]) != (params[k].shape[0],):
                raise ValueError(f"params['{b}']: expected shape ({params[k].shape[0]},) next "
                                 f"to '{k}', got {np.shape(params[b]) if b in params else None}")
        blocks.append((k, b_ih, b_hh))
    return blocks, kinds.pop()


def random_orthogonal(n, rng):
    """An (n, n) orthogonal matrix drawn uniformly (Haar): Q of a normal matrix's QR, with
    the signs of R's diagonal moved into Q (without them, Q is not uniform)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def _positive(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a positive number, got {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name}: expected a positive number, got {value!r}")
    return float(value)


def orthogonal_(params, seed=None, gain=1.0):
    """Each (H, H) gate block of every ``weight_hh*`` := gain * a random orthogonal matrix."""
    gain = _positive(gain, "gain")
    blocks, _ = recurrent_blocks(params)
    rng = np.random.default_rng(seed)
    for w_key, _, _ in blocks:
        w = params[w_key]
        H = w.shape[1]
        for g in range(w.shape[0] // H):
            w[g * H:(g + 1) * H] = gain * random_orthogonal(H, rng)
    return params


def identity_(params, scale=1.0):
    """A plain RNN's ``weight_hh*`` := scale * I and its biases := 0 (Le et al. 2015)."""
    scale = _positive(scale, "scale")
    blocks, kind = recurrent_blocks(params)
    if kind != "RNN":
        raise ValueError(f"params: expected a plain RNN's (H, H) weight_hh (the identity is "
                         f"Le et al.'s RNN initialization), got an {kind}'s")
    for w_key, b_ih, b_hh in blocks:
        H = params[w_key].shape[1]
        params[w_key][...] = scale * np.eye(H)
        params[b_ih][...] = 0
        params[b_hh][...] = 0
    return params


def chrono_(params, t_max, seed=None):
    """An LSTM's forget biases := log(U[1, t_max - 1]), input biases := -forget biases
    (Tallec & Ollivier 2018), per unit, in ``bias_ih``; those ``bias_hh`` blocks := 0."""
    if isinstance(t_max, (bool, np.bool_)) or not isinstance(t_max, numbers.Real):
        raise TypeError(f"t_max: expected a number >= 2 (the longest dependency, in steps), "
                        f"got {t_max!r}")
    if not (np.isfinite(t_max) and t_max >= 2):
        raise ValueError(f"t_max: expected a number >= 2 (the longest dependency, in steps), "
                         f"got {t_max!r}")
    blocks, kind = recurrent_blocks(params)
    if kind != "LSTM":
        raise ValueError(f"params: expected an LSTM's (4H, H) weight_hh (chrono sets the "
                         f"forget and input gates), got a {kind}'s")
    rng = np.random.default_rng(seed)
    for w_key, b_ih, b_hh in blocks:
        H = params[w_key].shape[1]
        b_f = np.log(rng.uniform(1.0, t_max - 1.0, size=H))
        i, f = slice(0, H), slice(H, 2 * H)                    # torch's blocks i, f, g, o
        params[b_ih][f], params[b_ih][i] = b_f, -b_f
        params[b_hh][f], params[b_hh][i] = 0, 0
    return params
