r"""torch.nn's multi-layer parameter layout: key names, shapes, checks, and reading a dict.

What it covers: the names and shapes of ``torch.nn.LSTM / GRU / RNN(I, H, num_layers=L,
bidirectional=...).state_dict()``, shared by ``lstm_edu.stacked`` (the models),
``lstm_edu.convert`` (to and from Keras) and ``lstm_edu.init`` (initializers)::

    weight_ih_l{k}[_reverse]   (G*H, I) for k = 0, (G*H, D*H) above
    weight_hh_l{k}[_reverse]   (G*H, H)
    bias_ih_l{k}[_reverse]     (G*H,)        bias_hh_l{k}[_reverse]   (G*H,)

G = 4 gate blocks (LSTM: i, f, g, o), 3 (GRU: r, z, n) or 1 (RNN); D = 2 if bidirectional.

- ``key(name, layer, direction)``: e.g. ``weight_hh_l1_reverse``.
- ``param_shapes(G, I, H, L, D)``: ``{key: (shape, description)}`` in ``state_dict`` order.
- ``infer_config(params, G)``: (I, H, L, bidirectional, dtype) read from a dict's keys and
  shapes, with an error naming the key when a dict cannot be a state_dict of that kind.
- ``check_params(params, expected, what)``: exactly the expected keys, each a finite numpy
  array of its shape and dtype.

Not covered: running anything (``lstm_edu.stacked``), one-layer dicts without the ``_l0``
suffix (``lstm_edu._validation``).
"""

import numpy as np

from lstm_edu._validation import SUPPORTED_DTYPES, check_finite

__all__ = ["key", "param_shapes", "infer_config", "check_params"]


def key(name, layer, direction):
    """torch's state_dict name, e.g. ``key("weight_hh", 1, 1) == "weight_hh_l1_reverse"``."""
    return f"{name}_l{layer}{'_reverse' if direction else ''}"


def param_shapes(n_gates, input_size, hidden_size, num_layers, num_directions):
    """{torch name: (shape, description)} in state_dict order."""
    G, H, D = n_gates, hidden_size, num_directions
    pre = f"{G}H" if G > 1 else "H"
    shapes = {}
    for layer in range(num_layers):
        n_in, what = (input_size, "I") if layer == 0 else (D * H, "D*H")
        for d in range(D):
            shapes[key("weight_ih", layer, d)] = ((G * H, n_in), f"({pre}, {what})")
            shapes[key("weight_hh", layer, d)] = ((G * H, H), f"({pre}, H)")
            shapes[key("bias_ih", layer, d)] = ((G * H,), f"({pre},)")
            shapes[key("bias_hh", layer, d)] = ((G * H,), f"({pre},)")
    return shapes


def infer_config(params, n_gates, name="params"):
    """(input_size, hidden_size, num_layers, bidirectional, dtype) of a state_dict-like dict.

    Reads only ``weight_ih_l0``, ``weight_hh_l0`` and which keys exist; ``check_params``
    checks the rest. Raises TypeError / ValueError naming the key.
    """
    if not isinstance(params, dict):
        raise TypeError(f"{name}: expected a dict of arrays, got {type(params).__name__}")
    arrays = {k: np.asarray(v) for k, v in params.items()}
    num_layers = 0
    while f"weight_ih_l{num_layers}" in arrays:
        num_layers += 1
    if num_layers == 0 or "weight_hh_l0" not in arrays:
        raise ValueError(f"{name}: expected torch state_dict keys weight_ih_l0, "
                         f"weight_hh_l0, ..., got keys {sorted(map(str, arrays))}")
    G, w_hh, w_ih = n_gates, arrays["weight_hh_l0"], arrays["weight_ih_l0"]
    pre = f"{G}H" if G > 1 else "H"
    if w_hh.ndim != 2 or w_hh.shape[1] == 0 or w_hh.shape[0] != G * w_hh.shape[1]:
        raise ValueError(f"{name}['weight_hh_l0']: expected shape ({pre}, H) with H >= 1, "
                         f"got shape {w_hh.shape}")
    if w_ih.ndim != 2 or w_ih.shape[1] == 0:
        raise ValueError(f"{name}['weight_ih_l0']: expected a 2-D array ({pre}, I), I >= 1, "
                         f"got shape {w_ih.shape}")
    if w_hh.dtype not in SUPPORTED_DTYPES:
        raise TypeError(f"{name}['weight_hh_l0']: expected dtype float64 or float32, "
                        f"got {w_hh.dtype}")
    return (w_ih.shape[1], w_hh.shape[1], num_layers, "weight_ih_l0_reverse" in arrays,
            w_hh.dtype)


def check_params(params, expected, dtype, what, name="params"):
    """``params`` holds exactly the keys of ``expected`` (``param_shapes``' dict), each a
    finite numpy array of its shape and ``dtype``. ``what`` names the torch module the keys
    belong to, for the message (e.g. ``torch.nn.LSTM(3, 5, num_layers=2, ...)``)."""
    missing = [k for k in expected if k not in params]
    extra = sorted(str(k) for k in params if k not in expected)
    if missing or extra:
        raise ValueError(f"{name}: expected exactly the keys of {what}.state_dict(), got "
                         f"missing keys {missing} and unexpected keys {extra}")
    for k, (shape, desc) in expected.items():
        arr = params[k]
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"{name}['{k}']: expected a numpy array, got {type(arr).__name__}")
        if arr.shape != shape:
            raise ValueError(f"{name}['{k}']: expected shape {desc} = {shape} for {what}, "
                             f"got shape {arr.shape}")
        if arr.dtype != dtype:
            raise TypeError(f"{name}['{k}']: expected dtype {dtype}, got {arr.dtype}")
        check_finite(arr, f"{name}['{k}']")
