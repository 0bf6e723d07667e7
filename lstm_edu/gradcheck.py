r"""Check a model's hand-written backward pass against central finite differences.

What it covers: ``gradcheck(model, x, h0=None, c0=None, ...)`` for ``LSTM``, ``RNN`` and
``GRU`` in float64. It does not train, and it does not check float32 models (their rounding
error, about 1e-7 relative, swamps a finite difference: convert with
``type(model).from_params({k: v.astype(np.float64) ...})`` first).

The scalar loss is ``L = sum(dh * h)`` with a fixed random ``dh ~ N(0, 1)`` of shape (T, B, H)
drawn from ``np.random.default_rng(seed)``, so the analytic gradient is ``model.backward(trace,
dh)``. For each checked entry ``w`` of a tensor the numeric derivative is::

    n = (L(w + eps) - L(w - eps)) / (2 eps)

and the tensor's relative error is norm-based over its checked entries ``a`` (analytic) and
``n`` (numeric)::

    rel = ||a - n||_2 / max(||a||_2 + ||n||_2, 1e-300)

(norm-based so that entries whose gradient is ~0 do not turn rounding noise into a large ratio).
With eps = 1e-6 a correct backward gives ~1e-9 or smaller; a wrong one gives ~1e-2 or larger.

Tensors with more than ``max_entries`` entries are checked on a random subset of that size,
chosen with the same ``seed`` (so the check is deterministic). The model is not modified: the
perturbations are applied to a copy.
"""

import numpy as np

from lstm_edu._validation import check_sequence, check_size, check_state
from lstm_edu.lstm import LSTM

__all__ = ["gradcheck", "numerical_gradient", "relative_error"]


def numerical_gradient(f, a, eps=1e-6, entries=None):
    """Central differences ``(f(a + eps e_j) - f(a - eps e_j)) / (2 eps)`` of a scalar ``f()``.

    a: the array ``f`` reads, perturbed in place one entry at a time and restored.
    entries: flat indices to check (default: all). Returns an array shaped like ``a``
    (all entries) or ``(len(entries),)``.
    """
    flat = a.reshape(-1)                                # a view: writes reach ``a``
    if not np.shares_memory(flat, a):
        raise ValueError("a: expected an array whose reshape(-1) is a view (contiguous)")
    index = np.arange(flat.size) if entries is None else np.asarray(entries)
    numeric = np.empty(index.size)
    for k, j in enumerate(index):
        saved = flat[j]
        flat[j] = saved + eps
        plus = f()
        flat[j] = saved - eps
        minus = f()
        flat[j] = saved
        numeric[k] = (plus - minus) / (2 * eps)
    return numeric.reshape(a.shape) if entries is None else numeric


def relative_error(analytic, numeric) -> float:
    """``||a - n||_2 / max(||a||_2 + ||n||_2, 1e-300)``, over all entries."""
    a, n = np.ravel(analytic), np.ravel(numeric)
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300))


def gradcheck(model, x, h0=None, c0=None, eps=1e-6, seed=0, max_entries=50):
    """Relative error between backward and central differences, per tensor.

    model: ``LSTM``, ``RNN`` or ``GRU`` in float64. x (T, B, I); h0, c0 (B, H) or None (zeros;
    c0 only for the LSTM). Returns ``{name: relative_error}`` for every parameter and for
    ``"x"``, ``"h0"`` (and ``"c0"`` for the LSTM).
    """
    if not all(hasattr(model, a) for a in ("forward", "backward", "params", "dtype")):
        raise TypeError(f"model: expected an LSTM, RNN or GRU, got {type(model).__name__}")
    if model.dtype != np.float64:
        raise TypeError(
            f"model: expected dtype float64 for finite differences, got {model.dtype} "
            "(convert with from_params and astype(np.float64))"
        )
    if not (isinstance(eps, (float, int)) and 0 < eps < 1):
        raise ValueError(f"eps: expected a float in (0, 1), got {eps!r}")
    if max_entries is not None:
        max_entries = check_size(max_entries, "max_entries")
    is_lstm = isinstance(model, LSTM)
    if c0 is not None and not is_lstm:
        raise ValueError(f"c0: expected None for a {type(model).__name__} (it has no cell state)")

    H = model.hidden_size
    x = check_sequence(x, model.input_size, np.float64).copy()
    T, B, _ = x.shape
    inputs = {"x": x, "h0": check_state(h0, "h0", B, H, np.float64)}
    if is_lstm:
        inputs["c0"] = check_state(c0, "c0", B, H, np.float64)
    work = type(model).from_params(model.params)        # perturb a copy, never the caller's
    rng = np.random.default_rng(seed)
    dh = rng.standard_normal((T, B, H))

    def loss():
        trace = work.forward(**inputs)
        return float(np.sum(dh * trace.h))

    analytic = work.backward(work.forward(**inputs), dh)
    tensors = {**work.params, **inputs}
    errors = {}
    for name, tensor in tensors.items():
        if max_entries is None or tensor.size <= max_entries:
            entries = np.arange(tensor.size)
        else:
            entries = np.sort(rng.choice(tensor.size, size=max_entries, replace=False))
        numeric = numerical_gradient(loss, tensor, eps, entries)
        errors[name] = relative_error(analytic[name].reshape(-1)[entries], numeric)
    return errors
