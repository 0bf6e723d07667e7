"""Activation functions of the recurrent cells, and their derivatives.

What it covers
--------------
- ``sigmoid(z)``: the logistic function, computed as ``0.5 * (1 + tanh(z / 2))``. This identity
  is exact in real arithmetic and never evaluates ``exp`` of a large number, so it gives no
  overflow warning for any finite ``z`` (``sigmoid(1e4) == 1.0``, ``sigmoid(-1e4) == 0.0``).
- ``tanh(z)``: numpy's own, which is already stable.
- ``sigmoid_grad_from_output(s) = s * (1 - s)`` and ``tanh_grad_from_output(t) = 1 - t**2``:
  the derivatives written in terms of the *outputs*, which is what backpropagation keeps.
- ``softmax(z, axis)`` and ``log_softmax(z, axis)``: computed after subtracting the maximum, so
  they never overflow; ``-inf`` entries (masked positions) get probability 0. The one home of
  softmax in the package (heads, losses and attention use it).

Floating dtypes are kept (float32 in, float32 out); integer input is computed in float64.
It does not cover other activations (ReLU, softsign, ...): the cells in this package use only these.
"""

import numpy as np

__all__ = ["sigmoid", "tanh", "sigmoid_grad_from_output", "tanh_grad_from_output",
           "log_softmax", "softmax"]


def _float_dtype(z):
    return z.dtype if z.dtype.kind == "f" else np.dtype(np.float64)


def sigmoid(z, out=None):
    """Logistic function ``1 / (1 + exp(-z))``, computed as ``0.5 * (1 + tanh(z / 2))``.

    ``z``: any shape. ``out``: optional array of the same shape to write into (may be ``z``).
    Returns an array of ``z``'s floating dtype (a numpy scalar for 0-d input).
    """
    z = np.asarray(z)
    if out is None:
        out = np.empty(z.shape, dtype=_float_dtype(z))
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out[()] if out.ndim == 0 else out


def tanh(z, out=None):
    """Hyperbolic tangent (exp(z) - exp(-z)) / (exp(z) + exp(-z)); stable for any finite z."""
    z = np.asarray(z)
    if out is None:
        out = np.empty(z.shape, dtype=_float_dtype(z))
    np.tanh(z, out=out)
    return out[()] if out.ndim == 0 else out


def sigmoid_grad_from_output(s):
    """d sigmoid(z) / dz written with the output ``s = sigmoid(z)``: ``s * (1 - s)``."""
    return s * (1 - s)


def tanh_grad_from_output(t):
    """d tanh(z) / dz written with the output ``t = tanh(z)``: ``1 - t**2``."""
    return 1 - t * t


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log softmax(z)`` without overflow: subtract the max before exponentiating."""
    z = np.asarray(z)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Probabilities ``exp(z) / sum(exp(z))``, computed stably (rows sum to 1)."""
    return np.exp(log_softmax(z, axis=axis))
