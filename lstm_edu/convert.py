r"""Move LSTM weights between ``lstm_edu``, PyTorch and Keras, as plain numpy arrays.

What it covers
--------------
- ``to_torch_state_dict(params)`` / ``from_torch_state_dict(sd)``: ``torch.nn.LSTM``
  (one layer, unidirectional) names its tensors ``weight_ih_l0 (4H, I)``, ``weight_hh_l0 (4H, H)``,
  ``bias_ih_l0 (4H,)``, ``bias_hh_l0 (4H,)``, gate blocks in rows, order i, f, g, o. That is
  ``lstm_edu``'s layout already: only the key names change.
- ``to_keras(params) -> [kernel, recurrent_kernel, bias]`` and ``from_keras(...)``: Keras'
  ``LSTM`` layer (``layer.get_weights()`` / ``layer.set_weights()``) stores

      kernel            (I, 4H)    acts as  x_t @ kernel
      recurrent_kernel  (H, 4H)    acts as  h_{t-1} @ recurrent_kernel
      bias              (4H,)      one bias per gate

  with gate blocks in *columns*, order i, f, c, o (Keras calls the candidate "c"), the same
  order as PyTorch's i, f, g, o. So ``kernel = weight_ih.T``, ``recurrent_kernel = weight_hh.T``
  and ``bias = bias_ih + bias_hh``. The two-bias split is lost on the way to Keras (the model is
  not: only the sum ever acts); ``from_keras`` puts the whole bias in ``bias_ih`` and zeros in
  ``bias_hh``.

The functions accept anything ``np.asarray`` takes (torch tensors need ``.detach().numpy()``
first) and return new numpy arrays; they never import torch or tensorflow.
Not covered: multi-layer or bidirectional stacks (``_l1``, ``_reverse`` keys), Keras' GRU.
"""

import numpy as np

from lstm_edu._validation import PARAM_NAMES, infer_sizes
from lstm_edu.lstm import LSTM

__all__ = ["to_torch_state_dict", "from_torch_state_dict", "to_keras", "from_keras"]

_NAMES = PARAM_NAMES


def _sizes(params):
    """(I, H) of an LSTM params dict, every shape and dtype checked (``lstm_edu._validation``)."""
    input_size, hidden_size, _ = infer_sizes(params, LSTM.n_gates)
    return input_size, hidden_size


def to_torch_state_dict(params):
    """lstm_edu params -> ``torch.nn.LSTM``'s keys (``weight_ih_l0`` ...), as numpy copies."""
    _sizes(params)
    return {f"{n}_l0": np.array(params[n]) for n in _NAMES}


def from_torch_state_dict(state_dict):
    """``torch.nn.LSTM`` state dict (layer 0, as numpy arrays) -> lstm_edu params (copies)."""
    missing = [f"{n}_l0" for n in _NAMES if f"{n}_l0" not in state_dict]
    if missing:
        raise ValueError(f"state_dict is missing {missing}; got keys {sorted(state_dict)}")
    params = {n: np.array(state_dict[f"{n}_l0"]) for n in _NAMES}
    _sizes(params)
    return params


def to_keras(params):
    """lstm_edu params -> ``[kernel (I, 4H), recurrent_kernel (H, 4H), bias (4H,)]`` for Keras."""
    _sizes(params)
    kernel = np.array(params["weight_ih"]).T.copy()
    recurrent_kernel = np.array(params["weight_hh"]).T.copy()
    bias = np.asarray(params["bias_ih"]) + np.asarray(params["bias_hh"])
    return [kernel, recurrent_kernel, bias]


def from_keras(weights):
    """Keras ``[kernel, recurrent_kernel, bias]`` -> lstm_edu params (``bias_hh`` = 0)."""
    if len(weights) != 3:
        raise ValueError(f"expected [kernel, recurrent_kernel, bias], got {len(weights)} arrays")
    kernel, recurrent_kernel, bias = (np.asarray(w) for w in weights)
    if kernel.ndim != 2 or kernel.shape[1] % 4:
        raise ValueError(f"kernel must have shape (I, 4H), got {kernel.shape}")
    H = kernel.shape[1] // 4
    if recurrent_kernel.shape != (H, 4 * H):
        raise ValueError(
            f"recurrent_kernel must have shape {(H, 4 * H)}, got {recurrent_kernel.shape}"
        )
    if bias.shape != (4 * H,):
        raise ValueError(f"bias must have shape {(4 * H,)}, got {bias.shape}")
    return {"weight_ih": kernel.T.copy(), "weight_hh": recurrent_kernel.T.copy(),
            "bias_ih": bias.copy(), "bias_hh": np.zeros_like(bias)}
