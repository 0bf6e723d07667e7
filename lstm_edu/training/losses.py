"""Losses for training: each returns ``(loss, dloss/dprediction)``.

What it covers: ``mse`` (regression) and ``cross_entropy`` (integer labels under a softmax,
computed through the stable ``lstm_edu.activations.log_softmax``). What it does not cover: the
heads that produce predictions (``lstm_edu.training.heads``) or the model that pairs a head with
its loss (``lstm_edu.training.model``).

Shapes: predictions ``(..., O)`` or logits ``(..., C)``; labels ``(...)`` integers in ``[0, C)``.
"""

from __future__ import annotations

import numpy as np

from lstm_edu.activations import log_softmax

__all__ = ["mse", "cross_entropy"]


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over all elements, and its gradient with respect to ``pred``.

    ``L = mean((pred - target)**2)``,  ``dL/dpred = 2 (pred - target) / pred.size``.
    ``target`` may omit a trailing output axis of size 1 (``(B,)`` for ``pred (B, 1)``).
    """
    pred = np.asarray(pred)
    target = np.asarray(target, dtype=pred.dtype)
    if target.shape != pred.shape:
        if target.shape + (1,) == pred.shape:
            target = target[..., None]
        else:
            raise ValueError(f"target has shape {target.shape}, expected {pred.shape}")
    diff = pred - target
    return float(np.mean(diff * diff)), (2.0 / diff.size) * diff


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer ``labels`` under ``softmax(logits)``, and dL/dlogits.

    logits: ``(..., C)``; labels: integers in ``[0, C)`` of shape ``logits.shape[:-1]``.
    ``L = -mean(log_softmax(logits)[label])``;  ``dL/dlogits = (softmax - onehot) / N``.
    """
    logits = np.asarray(logits)
    labels = np.asarray(labels)
    if labels.shape != logits.shape[:-1]:
        raise ValueError(f"labels has shape {labels.shape}, expected {logits.shape[:-1]}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    C = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= C):
        raise ValueError(f"labels must lie in [0, {C}), got [{labels.min()}, {labels.max()}]")
    logp = log_softmax(logits)
    n = labels.size
    picked = np.take_along_axis(logp, labels[..., None], axis=-1)
    loss = -float(np.sum(picked)) / n
    dlogits = np.exp(logp)
    np.put_along_axis(
        dlogits, labels[..., None], np.take_along_axis(dlogits, labels[..., None], -1) - 1, -1
    )
    return loss, dlogits / n
