"""Argument checks shared by the paper tasks (``paper_tasks``, ``reber``): each error names
the argument, what was expected and what was given. Not for the models (``lstm_edu._validation``).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["rng", "check_int", "as_float", "pair", "check_error"]


def rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def check_int(value, name, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer >= {minimum}, got {value!r} "
                        f"({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def as_float(value, name, ndim):
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name}: expected a non-empty {ndim}-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected finite values, got {int((~np.isfinite(arr)).sum())} "
                         "NaN/inf entries")
    return arr


def pair(predictions, targets):
    p = as_float(predictions, "predictions", 1)
    t = as_float(targets, "targets", 1)
    if p.shape != t.shape:
        raise ValueError(f"targets: expected the shape of predictions {p.shape}, got {t.shape}")
    return p, t


def check_error(value, name="mean_train_error"):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number >= 0 or None, got {value!r}")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name}: expected a finite number >= 0 or None, got {value!r}")
    return float(value)
