"""Variable-length batches as ``torch.nn.utils.rnn``'s packed sequences handle them.

What it covers: the bookkeeping behind ``pack_padded_sequence`` semantics, in numpy:
``check_lengths`` (a batch's lengths, checked), ``check_valid_steps_finite`` (NaN/inf only
matters where it is read), ``time_spans`` (the spans of steps over which the same sequences
are running: one ordinary forward call each) and ``reverse_within_lengths`` (each sequence
reversed within its own length, for the reverse direction). Used by ``lstm_edu.stacked``.
What it does not cover: running a model (``lstm_edu.stacked``, ``lstm_edu.lstm``).

Shapes: ``x (T, B, ...)``, ``lengths (B,)`` ints in [1, T].
"""

import numpy as np

__all__ = ["check_lengths", "check_valid_steps_finite", "time_spans", "reverse_within_lengths"]


def check_lengths(lengths, T, B):
    """lengths (B,) ints in [1, T] as int64; None means every sequence has T steps."""
    if lengths is None:
        return np.full(B, T, dtype=np.int64)
    try:
        arr = np.asarray(lengths)
    except (ValueError, TypeError) as err:
        raise TypeError(f"lengths: expected a 1-D array of B={B} integers, got {err}") from err
    if arr.dtype.kind not in "iu":
        raise TypeError(f"lengths: expected integers (one length per sequence), "
                        f"got dtype {arr.dtype}: {lengths!r}")
    if arr.shape != (B,):
        raise ValueError(f"lengths: expected a 1-D array of B={B} integers (one per "
                         f"sequence in x), got shape {arr.shape}")
    bad = np.flatnonzero((arr < 1) | (arr > T))
    if bad.size:
        raise ValueError(f"lengths: expected every length in [1, T={T}], got "
                         f"{arr[bad[0]]} at index {bad[0]} (lengths={arr.tolist()})")
    return arr.astype(np.int64)

def check_valid_steps_finite(x, lengths):
    """NaN/inf is reported only where it would be read: padding is never read."""
    valid = np.arange(x.shape[0])[:, None] < lengths           # (T, B)
    bad = ~np.isfinite(x) & valid[:, :, None]
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"x: expected finite values at the valid steps (t < lengths[b]), "
                         f"got {int(bad.sum())} NaN/inf entries (first at index {first})")


def time_spans(lengths):
    """[(start, stop, active)]: spans of steps over which the same sequences are running.

    lengths (B,) ints >= 1. ``active`` holds the batch indices with length >= stop.
    """
    spans, start = [], 0
    for stop in np.unique(lengths):                    # distinct lengths, ascending
        spans.append((start, int(stop), np.flatnonzero(lengths >= stop)))
        start = int(stop)
    return spans


def reverse_within_lengths(a, lengths):
    """a (T, B, ...) with each sequence's first ``length`` steps reversed; padding stays put.

    Its own inverse: it maps the reverse direction's input and output to and from time order.
    """
    T, B = a.shape[:2]
    t = np.arange(T)[:, None]
    source = np.where(t < lengths, lengths - 1 - t, t)   # (T, B) step to read from
    return a[source, np.arange(B)]
