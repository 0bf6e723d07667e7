r"""Training and evaluating a ``Seq2Seq``: a short Adam loop and the measures the chapter shows.

What it covers: ``fit_seq2seq`` (random minibatches, teacher forcing, optional clipping, a
callback instead of prints), ``exact_match`` (the share of outputs equal to the target, free
running), ``token_accuracy_by_position`` (per output position, teacher-forced against free
running: exposure bias made visible). It knows nothing of dates or any other task.
Not covered: scheduled sampling, learning-rate schedules, early stopping.

Shapes: a data set ``(src (S, N), tgt (U, N))`` in the batch form of ``Seq2Seq.loss``;
accuracies by position (U,).
"""

from __future__ import annotations

import numbers

import numpy as np

from lstm_edu._validation import check_size
from lstm_edu.seq2seq.batch import EOS, PAD

__all__ = ["fit_seq2seq", "exact_match", "token_accuracy_by_position", "targets_as_lists"]


def _default_optimizer(lr):
    """``Adam(lr)``, imported only when ``fit_seq2seq`` needs it (the model does not)."""
    from lstm_edu.training.optim import Adam

    return Adam(lr)


def fit_seq2seq(model, train, *, steps, batch_size, lr=1e-2, seed=0, optimizer=None,
                clip=None, callback=None):
    """Train ``model`` on random minibatches of ``train = (src (S, N), tgt (U, N))``.

    Each step draws ``batch_size`` columns (with ``np.random.default_rng(seed)``), drops rows
    that are PAD in every drawn column, and takes one optimizer step (``Adam(lr)`` unless
    ``optimizer`` is given; anything with ``step(params, grads)``). ``clip``: rescale the
    gradients to this global norm when larger. ``callback(step, loss)`` runs after every step;
    if it returns True, training stops. Returns the list of minibatch losses.
    """
    src, _, tgt = model._check_batch(train)
    steps, batch_size = check_size(steps, "steps"), check_size(batch_size, "batch_size")
    if clip is not None and not (isinstance(clip, numbers.Real) and clip > 0):
        raise ValueError(f"clip: expected a positive number or None, got {clip!r}")
    optimizer = optimizer or _default_optimizer(lr)
    rng, losses = np.random.default_rng(seed), []
    for step in range(steps):
        cols = rng.integers(0, src.shape[1], batch_size)
        s, t = src[:, cols], tgt[:, cols]
        s, t = s[: np.sum(s != PAD, axis=0).max()], t[: np.sum(t != PAD, axis=0).max()]
        loss, grads = model.loss_and_grads((s, t))
        norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
        if clip is not None and norm > clip:
            grads = {key: g * (clip / norm) for key, g in grads.items()}
        optimizer.step(model.params, grads)
        losses.append(loss)
        if callback is not None and callback(step, loss):
            break
    return losses


def targets_as_lists(tgt):
    """tgt (U, N) -> N lists of ids without EOS and PAD (what ``translate`` returns)."""
    tgt = np.asarray(tgt)
    return [[int(t) for t in col if t not in (PAD, EOS)] for col in tgt.T]


def exact_match(model, data, beam_size=1, max_len=None, chunk=500):
    """Per example (N,) bool: the free-running output equals the target exactly.

    data = (src (S, N), tgt (U, N)); ``max_len`` defaults to U + 2. Decoded ``chunk``
    columns at a time."""
    src, _, tgt = model._check_batch(data)
    max_len = tgt.shape[0] + 2 if max_len is None else max_len
    want, got = targets_as_lists(tgt), []
    for a in range(0, src.shape[1], chunk):
        s = src[:, a:a + chunk]
        got += model.translate(s[: np.sum(s != PAD, axis=0).max()], max_len, beam_size)
    return np.array([g == w for g, w in zip(got, want, strict=True)])


def token_accuracy_by_position(model, data):
    """(teacher_forced (U,), free_running (U,)): share of correct tokens at each position.

    Teacher forced: the argmax at step u given the *true* tokens before u. Free running: the
    greedy output's token u (a missing token counts as wrong). Both over the examples whose
    target has a token (or EOS) at u."""
    src, _, tgt = model._check_batch(data)
    logp = model.forward((src, tgt)).logp.copy()
    logp[..., :EOS] = -np.inf                                  # never PAD or BOS
    real = tgt != PAD
    forced = np.sum((np.argmax(logp, -1) == tgt) & real, axis=1) / np.sum(real, axis=1)
    outs = model.translate(src, max_len=tgt.shape[0])
    free = np.zeros(tgt.shape, dtype=bool)
    for b, out in enumerate(outs):
        seq = [*out, EOS][: tgt.shape[0]]
        n = min(len(seq), int(real[:, b].sum()))
        free[:n, b] = np.asarray(seq[:n]) == tgt[:n, b]
    return forced, np.sum(free & real, axis=1) / np.sum(real, axis=1)
