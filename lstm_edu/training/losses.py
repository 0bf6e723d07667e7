"""Losses for training: each returns ``(loss, dloss/dprediction)``.

What it covers: ``mse`` (regression) and ``cross_entropy`` (integer labels under a softmax,
computed through the stable ``lstm_edu.activations.log_softmax``), each optionally **masked**
for per-step predictions over a right-padded batch: given ``lengths`` (B,), only the steps
``t < lengths[b]`` count, the loss is the mean over those valid steps (as torch's
``CrossEntropyLoss(ignore_index=...)`` averages over the labels it does not ignore), and the
gradient at every padded step is exactly zero. ``valid_mask`` gives that ``(T, B)`` mask.
What it does not cover: the heads that produce predictions (``lstm_edu.training.heads``) or the
model that pairs a head with its loss (``lstm_edu.training.model``).

Shapes: predictions ``(..., O)`` or logits ``(..., C)``; labels ``(...)`` integers in ``[0, C)``.
With ``lengths``: predictions ``(T, B, O)`` / logits ``(T, B, C)``, targets ``(T, B[, O])`` /
labels ``(T, B)``; what the targets hold at padded steps is never read (any value, even NaN or
-1, is allowed there).
"""

from __future__ import annotations

import numpy as np

from lstm_edu.activations import log_softmax
from lstm_edu.packing import check_lengths

__all__ = ["mse", "cross_entropy", "valid_mask"]


def valid_mask(lengths, T: int) -> np.ndarray:
    """``(T, B)`` bool: True where step ``t`` is inside sequence ``b`` (``t < lengths[b]``)."""
    lengths = np.asarray(lengths)
    return np.arange(T)[:, None] < lengths[None, :]


def _step_mask(shape, lengths, what):
    """The (T, B) validity mask for per-step predictions of ``shape``, or None (no lengths)."""
    if lengths is None:
        return None
    if len(shape) != 3:
        raise ValueError(f"lengths: masking needs per-step {what} of shape (T, B, O), got "
                         f"{what} of shape {shape} (for one output per sequence, pass no "
                         f"lengths to the loss: the head already read the last valid step)")
    return valid_mask(check_lengths(lengths, shape[0], shape[1]), shape[0])


def mse(pred: np.ndarray, target: np.ndarray, lengths=None) -> tuple[float, np.ndarray]:
    """Mean squared error over all elements, and its gradient with respect to ``pred``.

    ``L = mean((pred - target)**2)``,  ``dL/dpred = 2 (pred - target) / pred.size``.
    ``target`` may omit a trailing output axis of size 1 (``(B,)`` for ``pred (B, 1)``).
    lengths: ``(B,)`` for per-step ``pred (T, B, O)``: the mean runs over the valid steps'
    elements only (``sum(lengths) * O`` of them); the gradient is zero at padded steps.
    """
    pred = np.asarray(pred)
    target = np.asarray(target, dtype=pred.dtype)
    if target.shape != pred.shape:
        if target.shape + (1,) == pred.shape:
            target = target[..., None]
        else:
            raise ValueError(f"target has shape {target.shape}, expected {pred.shape}")
    mask = _step_mask(pred.shape, lengths, "predictions")
    if mask is None:
        diff = pred - target
        return float(np.mean(diff * diff)), (2.0 / diff.size) * diff
    diff = np.where(mask[..., None], pred - target, 0.0)       # padding: never read
    n = int(mask.sum()) * pred.shape[-1]
    return float(np.sum(diff * diff)) / n, (2.0 / n) * diff


def cross_entropy(logits: np.ndarray, labels: np.ndarray, lengths=None) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer ``labels`` under ``softmax(logits)``, and dL/dlogits.

    logits: ``(..., C)``; labels: integers in ``[0, C)`` of shape ``logits.shape[:-1]``.
    ``L = -mean(log_softmax(logits)[label])``;  ``dL/dlogits = (softmax - onehot) / N``.
    lengths: ``(B,)`` for per-step ``logits (T, B, C)``: the mean runs over the ``N =
    sum(lengths)`` valid steps; labels at padded steps are not read; dL/dlogits is zero there.
    """
    logits = np.asarray(logits)
    labels = np.asarray(labels)
    if labels.shape != logits.shape[:-1]:
        raise ValueError(f"labels has shape {labels.shape}, expected {logits.shape[:-1]}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    mask = _step_mask(logits.shape, lengths, "logits")
    if mask is not None:
        labels = np.where(mask, labels, 0)                       # padding: never read
    C = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= C):
        raise ValueError(f"labels must lie in [0, {C}), got [{labels.min()}, {labels.max()}]")
    logp = log_softmax(logits)
    picked = np.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]
    dlogits = np.exp(logp)
    np.put_along_axis(
        dlogits, labels[..., None], np.take_along_axis(dlogits, labels[..., None], -1) - 1, -1
    )
    if mask is None:
        n = labels.size
        return -float(np.sum(picked)) / n, dlogits / n
    n = int(mask.sum())
    return -float(np.sum(picked[mask])) / n, np.where(mask[..., None], dlogits, 0.0) / n
