r"""Move recurrent weights between ``lstm_edu``, PyTorch and Keras, as plain numpy arrays.

What it covers
--------------
- ``to_torch_state_dict(params)`` / ``from_torch_state_dict(sd)``: a one-layer ``torch.nn.LSTM``
  (or ``GRU``, ``RNN``) names its tensors ``weight_ih_l0 (G*H, I)``, ``weight_hh_l0 (G*H, H)``,
  ``bias_ih_l0 (G*H,)``, ``bias_hh_l0 (G*H,)``. That is ``lstm_edu``'s layout already: only the
  key names change. (``StackedLSTM/GRU/RNN.params`` *are* torch ``state_dict`` names.)
- ``to_keras(params) -> [kernel, recurrent_kernel, bias]`` and ``from_keras(weights)``: one
  Keras 3 layer (``layer.get_weights()`` / ``layer.set_weights()``), kind read from the shapes:

  ============  ===================  ===================  =====================  ============
  Keras layer   kernel               recurrent_kernel     bias                   blocks
  ============  ===================  ===================  =====================  ============
  ``LSTM``      (I, 4H)              (H, 4H)              (4H,)                  i, f, c, o
  ``GRU``       (I, 3H)              (H, 3H)              (2, 3H): input, rec.   z, r, h
  ``SimpleRNN`` (I, H)               (H, H)               (H,)
  ============  ===================  ===================  =====================  ============

  Keras computes ``x_t @ kernel + h_{t-1} @ recurrent_kernel``: gate blocks in *columns*, so
  every matrix is torch's transposed. The LSTM's blocks i, f, c, o are torch's i, f, g, o (the
  candidate is called c), and its one bias is torch's ``bias_ih + bias_hh``: only the sum ever
  acts, so the split is lost on the way to Keras (the model is not); coming back, the whole
  bias goes into ``bias_ih`` and ``bias_hh`` is 0. The same holds for ``SimpleRNN``.
  The GRU is different on both counts: Keras orders the blocks z, r, h where torch has r, z, n
  (the same gates, reordered), and with ``reset_after=True`` (Keras 3's default) it keeps *two*
  biases, because the recurrent one sits inside the reset gate's product,
  ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``: torch's equation, so nothing is lost.
  Keras' ``reset_after=False`` GRU (bias (3H,)) applies r *before* the product, a different
  model that torch cannot hold: ``from_keras`` refuses it.
- ``to_keras_layers(params)`` / ``from_keras_layers(layer_weights)``: a stack in torch's
  ``state_dict`` names (``weight_ih_l0``, ``weight_hh_l1_reverse``, ...) to and from one
  ``get_weights()`` list per Keras layer: ``[kernel, recurrent_kernel, bias]`` for a plain
  layer, and the forward layer's three arrays then the backward layer's three for
  ``keras.layers.Bidirectional(...)``. Layers above the first see the layer below's whole
  sequence: ``return_sequences=True`` on every layer but (optionally) the last, and
  Bidirectional's default ``merge_mode="concat"`` (forward half first, as torch's output).

The functions accept anything ``np.asarray`` takes (torch tensors need ``.detach().numpy()``
first) and return new numpy arrays, keeping the dtype given; they never import torch or keras.
Not covered: Keras' ``implementation``, ``unroll`` and other arguments that do not change
weights; ``proj_size``; ``merge_mode`` other than ``"concat"``; ``ConvLSTM``.
"""

import numpy as np

from lstm_edu import state_dict
from lstm_edu._validation import PARAM_NAMES, infer_sizes

__all__ = ["to_torch_state_dict", "from_torch_state_dict", "to_keras", "from_keras",
           "to_keras_layers", "from_keras_layers"]

_NAMES = PARAM_NAMES
_KINDS = {4: "LSTM", 3: "GRU", 1: "RNN"}


def _n_gates(w_hh, name):
    """The number of gate blocks G of a (G*H, H) recurrent matrix: 4, 3 or 1."""
    w = np.asarray(w_hh)
    if w.ndim != 2 or w.shape[1] == 0 or w.shape[0] % w.shape[1] or \
            w.shape[0] // w.shape[1] not in _KINDS:
        raise ValueError(f"{name}: expected shape (4H, H) (LSTM), (3H, H) (GRU) or (H, H) "
                         f"(RNN), got shape {w.shape}")
    return w.shape[0] // w.shape[1]


def _sizes(params):
    """(G, I, H) of a one-layer params dict, every shape and dtype checked."""
    if not isinstance(params, dict) or "weight_hh" not in params:
        infer_sizes(params, 4)                                # raises, naming what is wrong
    G = _n_gates(params["weight_hh"], "params['weight_hh']")
    input_size, hidden_size, _ = infer_sizes(params, G)
    return G, input_size, hidden_size


def _gru_blocks(H):
    """Row/column index that swaps the first two blocks of 3: torch r, z, n <-> Keras z, r, h."""
    return np.r_[np.arange(H, 2 * H), np.arange(H), np.arange(2 * H, 3 * H)]


def to_torch_state_dict(params):
    """lstm_edu one-layer params -> torch's keys (``weight_ih_l0`` ...), as numpy copies."""
    _sizes(params)
    return {f"{n}_l0": np.array(params[n]) for n in _NAMES}


def from_torch_state_dict(sd):
    """A one-layer torch state dict (numpy arrays) -> lstm_edu params (copies)."""
    missing = [f"{n}_l0" for n in _NAMES if f"{n}_l0" not in sd]
    if missing:
        raise ValueError(f"state_dict is missing {missing}; got keys {sorted(sd)}")
    params = {n: np.array(sd[f"{n}_l0"]) for n in _NAMES}
    _sizes(params)
    return params


def to_keras(params):
    """One-layer lstm_edu params (LSTM, GRU or RNN) -> Keras ``[kernel, recurrent_kernel,
    bias]``: ``LSTM`` / ``SimpleRNN`` bias (G*H,) = bias_ih + bias_hh; ``GRU`` bias (2, 3H)
    with the blocks reordered to z, r, h."""
    G, _, H = _sizes(params)
    w_ih, w_hh = np.asarray(params["weight_ih"]), np.asarray(params["weight_hh"])
    b_ih, b_hh = np.asarray(params["bias_ih"]), np.asarray(params["bias_hh"])
    if G == 3:
        order = _gru_blocks(H)
        return [w_ih[order].T.copy(), w_hh[order].T.copy(), np.stack([b_ih[order], b_hh[order]])]
    return [w_ih.T.copy(), w_hh.T.copy(), b_ih + b_hh]


def from_keras(weights):
    """Keras ``[kernel, recurrent_kernel, bias]`` of an ``LSTM``, ``GRU`` (``reset_after=True``)
    or ``SimpleRNN`` layer -> lstm_edu params (``bias_hh`` = 0 except for the GRU)."""
    if len(weights) != 3:
        raise ValueError(f"expected [kernel, recurrent_kernel, bias], got {len(weights)} arrays")
    kernel, recurrent_kernel, bias = (np.asarray(w) for w in weights)
    if recurrent_kernel.ndim != 2 or recurrent_kernel.shape[0] == 0:
        raise ValueError(f"recurrent_kernel must have shape (H, G*H), got "
                         f"{recurrent_kernel.shape}")
    H = recurrent_kernel.shape[0]
    G = _n_gates(recurrent_kernel.T, "recurrent_kernel (transposed)")
    if kernel.ndim != 2 or kernel.shape[1] != G * H or kernel.shape[0] == 0:
        raise ValueError(f"kernel must have shape (I, {G * H}) next to a recurrent_kernel of "
                         f"shape {recurrent_kernel.shape}, got {kernel.shape}")
    if G == 3:
        if bias.shape == (3 * H,):
            raise ValueError("bias of shape (3H,): a Keras GRU with reset_after=False applies "
                             "the reset gate before the recurrent product, which torch.nn.GRU "
                             "(and lstm_edu.GRU) cannot express; use reset_after=True")
        if bias.shape != (2, 3 * H):
            raise ValueError(f"bias must have shape (2, {3 * H}) (GRU, reset_after=True), "
                             f"got {bias.shape}")
        order = _gru_blocks(H)                                   # its own inverse
        return {"weight_ih": kernel.T[order].copy(), "weight_hh": recurrent_kernel.T[order].copy(),
                "bias_ih": bias[0][order].copy(), "bias_hh": bias[1][order].copy()}
    if bias.shape != (G * H,):
        raise ValueError(f"bias must have shape {(G * H,)}, got {bias.shape}")
    return {"weight_ih": kernel.T.copy(), "weight_hh": recurrent_kernel.T.copy(),
            "bias_ih": bias.copy(), "bias_hh": np.zeros_like(bias)}


def to_keras_layers(params):
    """A stack in torch ``state_dict`` names (``StackedLSTM/GRU/RNN.params``) -> one
    ``get_weights()`` list per Keras layer (6 arrays for a ``Bidirectional`` layer: forward
    then backward). Shapes are checked as ``StackedLSTM.from_params`` checks them."""
    if not isinstance(params, dict) or "weight_hh_l0" not in params:
        state_dict.infer_config(params, 4)                     # raises, naming what is wrong
    G = _n_gates(params["weight_hh_l0"], "params['weight_hh_l0']")
    I, H, L, bidirectional, dtype = state_dict.infer_config(params, G)
    D = 2 if bidirectional else 1
    arrays = {k: np.asarray(v) for k, v in params.items()}
    state_dict.check_params(arrays, state_dict.param_shapes(G, I, H, L, D), dtype,
                            f"torch.nn.{_KINDS[G]}({I}, {H}, num_layers={L}, "
                            f"bidirectional={bidirectional})")
    return [[w for d in range(D) for w in to_keras(
        {n: arrays[state_dict.key(n, layer, d)] for n in _NAMES})] for layer in range(L)]


def from_keras_layers(layer_weights):
    """One ``get_weights()`` list per Keras layer (3 arrays, or 6 for ``Bidirectional``) ->
    the stack's params in torch ``state_dict`` names, ready for ``StackedLSTM.from_params``."""
    if not isinstance(layer_weights, (list, tuple)) or not layer_weights:
        raise ValueError(f"layer_weights: expected a non-empty list with one get_weights() "
                         f"list per layer, got {type(layer_weights).__name__}")
    counts = {len(w) for w in layer_weights}
    if counts - {3, 6} or len(counts) > 1:
        raise ValueError(f"layer_weights: expected 3 arrays per layer (or 6 for Bidirectional) "
                         f"in every layer alike, got {[len(w) for w in layer_weights]}")
    D = counts.pop() // 3
    params = {}
    for layer, weights in enumerate(layer_weights):
        for d in range(D):
            one = from_keras(weights[3 * d:3 * d + 3])
            params.update({state_dict.key(n, layer, d): one[n] for n in _NAMES})
    G = _n_gates(params["weight_hh_l0"], "layer_weights[0]")
    I, H, L, bidirectional, dtype = state_dict.infer_config(params, G)
    expected = state_dict.param_shapes(G, I, H, L, D)
    state_dict.check_params(params, expected, dtype, f"torch.nn.{_KINDS[G]}({I}, {H}, "
                            f"num_layers={L}, bidirectional={bidirectional})",
                            name="layer_weights (as a state_dict)")
    return params
