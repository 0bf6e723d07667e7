r"""Additive attention (Bahdanau, Cho & Bengio 2015) over a padded memory, forward and backward.

What it covers: the score ``v^T tanh(W s_u + U h_j)``, the masked softmax over source steps and
the context vector, for all decoder steps at once, and the hand-written backward of the three.
Not covered: the dot-product and multiplicative scores of Luong et al. (2015), multi-head
attention, where the context goes (``model.py`` decides that).

Shapes (U queries, S source steps, B batch, Q query size, K memory size, A attention size)::

    s      (U, B, Q)    queries: the decoder states
    mem    (S, B, K)    values: the encoder outputs h_j;  keys = mem @ U^T  (S, B, A)
    valid  (S, B) bool  False at PAD positions: score -inf there, weight exactly 0
    W (A, Q), U (A, K), v (A,)

    z_uj     = tanh(W s_u + U h_j)                 (B, U, S, A)
    score_uj = v^T z_uj                            (B, U, S)
    alpha_u  = softmax_j(score_u)                  (B, U, S), each row sums to 1
    ctx_u    = sum_j alpha_uj h_j                  (U, B, K)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_edu.seq2seq.batch import log_softmax

__all__ = ["AttentionCache", "attend", "attend_backward"]


@dataclass(repr=False)
class AttentionCache:
    """What ``attend`` computed: ctx (U, B, K), alpha (B, U, S), z (B, U, S, A), and its inputs."""

    ctx: np.ndarray
    alpha: np.ndarray
    z: np.ndarray
    s: np.ndarray
    mem: np.ndarray


def attend(s, mem, keys, valid, W, v):
    """Queries s (U, B, Q) over mem (S, B, K) with keys (S, B, A) -> AttentionCache."""
    query = s @ W.T                                             # (U, B, A)
    z = np.tanh(query.transpose(1, 0, 2)[:, :, None, :] + keys.transpose(1, 0, 2)[:, None])
    score = np.where(valid.T[:, None, :], z @ v, -np.inf)       # (B, U, S)
    alpha = np.exp(log_softmax(score))
    ctx = (alpha @ mem.transpose(1, 0, 2)).transpose(1, 0, 2)   # (U, B, K)
    return AttentionCache(ctx, alpha, z, s, mem)


def attend_backward(dctx, cache, W, U, v):
    """dL/dctx (U, B, K) -> (ds (U, B, Q), dmem (S, B, K), {"W", "U", "v"} grads)."""
    alpha, z, A = cache.alpha, cache.z, v.size
    mb, sb = cache.mem.transpose(1, 0, 2), cache.s.transpose(1, 0, 2)   # (B, S, K), (B, U, Q)
    dctx = dctx.transpose(1, 0, 2)                              # (B, U, K)
    dalpha = dctx @ mb.transpose(0, 2, 1)                       # (B, U, S)
    dmem = alpha.transpose(0, 2, 1) @ dctx                      # (B, S, K) through the values
    dscore = alpha * (dalpha - np.sum(alpha * dalpha, axis=-1, keepdims=True))
    grads = {"v": dscore.reshape(-1) @ z.reshape(-1, A)}
    dpre = dscore[..., None] * v * (1 - z * z)                  # (B, U, S, A)
    dq, dk = dpre.sum(axis=2), dpre.sum(axis=1)                 # (B, U, A), (B, S, A)
    grads["W"] = dq.reshape(-1, A).T @ sb.reshape(-1, sb.shape[2])
    grads["U"] = dk.reshape(-1, A).T @ mb.reshape(-1, mb.shape[2])
    dmem += dk @ U                                              # through the keys
    return (dq @ W).transpose(1, 0, 2), dmem.transpose(1, 0, 2), grads
