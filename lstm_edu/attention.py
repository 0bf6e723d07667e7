r"""Scaled dot-product attention in numpy: the operation Transformers are built on.

What it covers
--------------
``scaled_dot_product_attention(q, k, v, causal=False) -> Attention(out, weights)``
(Vaswani et al. 2017, eq. 1)::

    weights = softmax(q @ k^T / sqrt(d))      each row sums to 1
    out     = weights @ v

Shapes: ``q (..., Tq, d)``, ``k (..., Tk, d)``, ``v (..., Tk, dv)`` -> ``out (..., Tq, dv)``,
``weights (..., Tq, Tk)``. With ``causal=True`` query ``t`` attends only to keys ``<= t``
(needs ``Tq == Tk``). The softmax subtracts each row's maximum, so no score overflows.

Not covered: learned projections, multiple heads, positional encodings, training. This module
exists to show in a few lines that attention looks at every step at once, with no recurrence.
"""

from typing import NamedTuple

import numpy as np

from lstm_edu.activations import softmax

__all__ = ["scaled_dot_product_attention", "Attention"]


class Attention(NamedTuple):
    out: np.ndarray       # (..., Tq, dv)
    weights: np.ndarray   # (..., Tq, Tk), rows sum to 1


def scaled_dot_product_attention(q, k, v, causal=False):
    """softmax(q k^T / sqrt(d)) v. q (..., Tq, d), k (..., Tk, d), v (..., Tk, dv)."""
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share the last axis d, got {q.shape} and {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same number of steps, got {k.shape} and {v.shape}")
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])   # (..., Tq, Tk)
    if causal:
        Tq, Tk = scores.shape[-2:]
        if Tq != Tk:
            raise ValueError(f"causal attention needs Tq == Tk, got {Tq} and {Tk}")
        scores = np.where(np.tril(np.ones((Tq, Tk), dtype=bool)), scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return Attention(weights @ v, weights)
