"""Tokens and batches of ``lstm_edu.seq2seq``: the PAD/BOS/EOS convention and argument checks.

What it covers: the token ids ``PAD = 0`` (both vocabularies), ``BOS = 1`` and ``EOS = 2``
(target vocabulary; in the source vocabulary 1 and 2 are ordinary tokens); checks of source and
target arrays that name the argument, what was expected and what was given; the decoder's
teacher-forced inputs; random example batches; padding lists of ids into columns.
Not covered: vocabularies of characters or words (``lstm_edu.data.text``, ``data.dates``).

Shapes (S source steps, U target steps, B batch)::

    src (S, B) int   one source per column, right-padded with PAD, >= 1 token each
    tgt (U, B) int   one target per column: its tokens, then exactly one EOS, then PAD; no BOS
"""

from __future__ import annotations

import numpy as np

from lstm_edu._validation import check_size
from lstm_edu.activations import log_softmax  # the one home of log softmax, re-exported

__all__ = ["PAD", "BOS", "EOS", "log_softmax", "check_ids", "lengths_of", "check_src",
           "check_batch", "decoder_inputs", "example_batch", "pad_columns"]

PAD, BOS, EOS = 0, 1, 2


def check_ids(ids, name, vocab_size, what):
    """A 2-D integer array of token ids in [0, vocab_size), returned as int64."""
    try:
        arr = np.asarray(ids)
    except (ValueError, TypeError) as err:              # ragged nested lists
        raise TypeError(f"{name}: expected an integer array {what}, got {err}") from err
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected an integer array of token ids {what}, "
                        f"got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array {what}, got shape {arr.shape}")
    if 0 in arr.shape:
        raise ValueError(f"{name}: expected a non-empty array {what}, got shape {arr.shape}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= vocab_size:
        raise ValueError(f"{name}: expected token ids in [0, {vocab_size}), got ids from "
                         f"{lo} to {hi}")
    return arr.astype(np.int64)


def lengths_of(ids, name):
    """Number of non-PAD tokens per column (B,); each column >= 1 token, then PAD only."""
    real = ids != PAD
    lengths = real.sum(axis=0)
    if np.any(lengths == 0):
        b = int(np.argmax(lengths == 0))
        raise ValueError(f"{name}: expected at least one non-PAD token in every column, "
                         f"got an empty column {b} (all PAD={PAD})")
    bad = np.any(real != (np.arange(ids.shape[0])[:, None] < lengths), axis=0)
    if np.any(bad):
        raise ValueError(f"{name}: expected right padding (PAD={PAD} only after the tokens), "
                         f"got a token after a PAD in column {int(np.argmax(bad))}")
    return lengths


def check_src(src, src_vocab_size):
    """src (S, B) -> (src as int64, lengths (B,)), checked."""
    src = check_ids(src, "src", src_vocab_size, "of shape (S, B)")
    return src, lengths_of(src, "src")


def check_batch(batch, src_vocab_size, tgt_vocab_size):
    """batch = (src (S, B), tgt (U, B)) -> (src, lengths (B,), tgt), all checked."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(f"batch: expected a pair (src, tgt), got {type(batch).__name__}"
                        + (f" of length {len(batch)}" if hasattr(batch, "__len__") else ""))
    src, lengths = check_src(batch[0], src_vocab_size)
    tgt = check_ids(batch[1], "tgt", tgt_vocab_size, "of shape (U, B)")
    if tgt.shape[1] != src.shape[1]:
        raise ValueError(f"tgt: expected B={src.shape[1]} columns to match src's shape "
                         f"(S, B)={src.shape}, got shape {tgt.shape}")
    n = lengths_of(tgt, "tgt")
    if np.any(tgt == BOS):
        raise ValueError(f"tgt: expected no BOS={BOS} (the model adds it), got BOS in "
                         f"column {int(np.argmax(np.any(tgt == BOS, axis=0)))}")
    last = tgt[n - 1, np.arange(tgt.shape[1])]               # each column's last token
    bad = (last != EOS) | (np.sum(tgt == EOS, axis=0) != 1)
    if np.any(bad):
        b = int(np.argmax(bad))
        raise ValueError(f"tgt: expected each column to hold exactly one EOS={EOS}, as its "
                         f"last token before the padding, got column {b}: "
                         f"{tgt[:n[b], b].tolist()}")
    return src, lengths, tgt


def decoder_inputs(tgt):
    """Teacher forcing: the decoder reads BOS, then the true previous tokens. (U, B)."""
    return np.concatenate([np.full((1, tgt.shape[1]), BOS), tgt[:-1]])


def example_batch(B, src_vocab_size, tgt_vocab_size, seed=0):
    """A random batch (src (S, B), tgt (U, B)) with 1-5 source and 1-4 target tokens."""
    B = check_size(B, "B")
    rng = np.random.default_rng(seed)
    n_src, n_tgt = rng.integers(1, 6, B), rng.integers(1, 5, B)
    src = rng.integers(1, src_vocab_size, (n_src.max(), B))
    src[np.arange(n_src.max())[:, None] >= n_src] = PAD
    tgt = rng.integers(EOS + 1, tgt_vocab_size, (n_tgt.max() + 1, B))
    steps = np.arange(n_tgt.max() + 1)[:, None]
    tgt[steps == n_tgt] = EOS
    tgt[steps > n_tgt] = PAD
    return src, tgt


def pad_columns(seqs, end=None):
    """Lists of ids -> (L, N) int64, right-padded with PAD; ``end`` (e.g. EOS) appended."""
    seqs = [list(s) + ([] if end is None else [end]) for s in seqs]
    out = np.full((max(len(s) for s in seqs), len(seqs)), PAD, dtype=np.int64)
    for b, s in enumerate(seqs):
        out[:len(s), b] = s
    return out
