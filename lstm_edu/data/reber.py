"""The embedded Reber grammar (Hochreiter & Schmidhuber 1997, Experiment 1) and its continual,
unsegmented stream (Gers, Schmidhuber & Cummins 2000), with the papers' success criteria.

- ``embedded_reber(n)`` / ``embedded_reber_train_test()`` -> ``ReberBatch`` (``x (L, N, 7)``,
  next-symbol targets, legal next symbols); ``solved_reber_1997`` (Experiment 1).
- ``continual_embedded_reber(length)`` -> ``ReberStream`` (``x (length, 1, 7)``, no resets);
  ``solved_continual_reber``, ``classify_cerg_2000`` (Gers et al. 2000).

Not covered: models and training. The other tasks of the 1997 paper and the papers' reported
numbers are in ``lstm_edu.data.paper_tasks``; the quotes behind every rule are in its memo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_edu._validation import check_model_dtype, check_size
from lstm_edu.data import _checks as checks

__all__ = [
    "REBER_SYMBOLS",
    "ReberBatch",
    "ReberStream",
    "embedded_reber",
    "embedded_reber_train_test",
    "continual_embedded_reber",
    "reber_predictions_correct",
    "solved_reber_1997",
    "solved_continual_reber",
    "classify_cerg_2000",
]


#: The 7 symbols of the (embedded) Reber grammar, in the order of the one-hot channels.
REBER_SYMBOLS = "BTPSXVE"
_SYM = {s: k for k, s in enumerate(REBER_SYMBOLS)}
# The Reber graph of HS97 Figure 3 (as in Cleeremans et al. 1989 and Fahlman 1991, which HS97
# follows): state -> ((symbol, next state), ...); None ends the inner string.
_REBER_EDGES = {
    1: (("T", 2), ("P", 3)),
    2: (("S", 2), ("X", 4)),
    3: (("T", 3), ("V", 5)),
    4: (("X", 3), ("S", 6)),
    5: (("P", 4), ("V", 6)),
    6: (("E", None),),
}


def _embedded_string(rng):
    """One embedded Reber string and, after each symbol, the set of legal next symbols."""
    branch = "TP"[int(rng.integers(2))]
    syms, legal = ["B", branch, "B"], ["TP", "B", "TP"]
    state = 1
    while state is not None:
        edges = _REBER_EDGES[state]
        sym, state = edges[int(rng.integers(len(edges)))]
        syms.append(sym)
        legal.append(branch if state is None else "".join(s for s, _ in _REBER_EDGES[state]))
    syms += [branch, "E"]
    legal += ["E", ""]  # nothing follows the final E of a single string
    return "".join(syms), legal


@dataclass
class ReberBatch:
    """Embedded Reber strings as next-symbol prediction sequences (zero-padded).

    strings: list of N strings.  x: (L, N, 7) one-hot of each string without its last symbol.
    targets: (L, N) index of the next symbol, -1 past the end.  legal: (L, N, 7) bool, the
    symbols the grammar allows next.  lengths: (N,) prediction steps (= len(string) - 1).
    """

    strings: list
    x: np.ndarray
    targets: np.ndarray
    legal: np.ndarray
    lengths: np.ndarray


def _encode(strings, legals, dtype):
    lengths = np.array([len(s) - 1 for s in strings])
    L, n = int(lengths.max()), len(strings)
    x = np.zeros((L, n, 7), dtype=dtype)
    targets = np.full((L, n), -1, dtype=np.int64)
    legal = np.zeros((L, n, 7), dtype=bool)
    for j, (s, lg) in enumerate(zip(strings, legals, strict=True)):
        for t in range(len(s) - 1):
            x[t, j, _SYM[s[t]]] = 1.0
            targets[t, j] = _SYM[s[t + 1]]
            legal[t, j, [_SYM[c] for c in lg[t]]] = True
    return ReberBatch(list(strings), x, targets, legal, lengths)


def embedded_reber(n: int, seed=0, dtype=np.float64) -> ReberBatch:
    """HS97 Experiment 1's embedded Reber grammar strings, for next-symbol prediction.

    The paper: "symbol strings are generated sequentially (beginning with the empty string) by
    following edges [...] until the rightmost node is reached. Edges are chosen randomly if
    there is a choice (probability: 0.5). The net's task is to read strings, one symbol at a
    time, and to permanently predict the next symbol [...] To correctly predict the symbol
    before last, the net has to remember the second symbol." A string is ``B``, ``T`` or ``P``,
    a Reber string (with its own ``B`` ... ``E``), the same ``T`` or ``P``, ``E``; the shortest
    has the 9 symbols of "as few as 9 steps". The edges are in Figure 3, an image; they are the
    standard graph used by the works HS97 compares with (``_REBER_EDGES``).

    Returns a ``ReberBatch``; ``legal`` encodes the "possible next symbol(s)" of the paper's
    success rule (``solved_reber_1997``). Activations are reset after each string.
    """
    n = check_size(n, "n")
    dtype = check_model_dtype(dtype)
    rng = checks.rng(seed)
    pairs = [_embedded_string(rng) for _ in range(n)]
    return _encode([s for s, _ in pairs], [lg for _, lg in pairs], dtype)


def embedded_reber_train_test(n_train: int = 256, n_test: int = 256, seed=0, dtype=np.float64):
    """HS97 Experiment 1's data: "we use 256 training strings and 256 separate test strings.
    The training set is generated randomly [...] Test sequences are generated randomly, too, but
    sequences already used in the training set are not used for testing."

    Returns ``(train, test)``, two ``ReberBatch``; no test string occurs in the training set.
    """
    n_train = check_size(n_train, "n_train")
    n_test = check_size(n_test, "n_test")
    dtype = check_model_dtype(dtype)
    rng = checks.rng(seed)
    train = [_embedded_string(rng) for _ in range(n_train)]
    seen = {s for s, _ in train}
    test = []
    while len(test) < n_test:
        s, lg = _embedded_string(rng)
        if s not in seen:
            test.append((s, lg))
    return (_encode([s for s, _ in train], [lg for _, lg in train], dtype),
            _encode([s for s, _ in test], [lg for _, lg in test], dtype))


@dataclass
class ReberStream:
    """A continual embedded Reber stream: one long sequence, no resets (batch of one).

    stream: the symbols, a string of ``length + 1``.  x: (length, 1, 7) one-hot of
    ``stream[:-1]``.  targets: (length, 1) index of the next symbol.  legal: (length, 1, 7)
    bool, the legal next symbols (after a string's final E only B).  starts: index in
    ``stream`` of the first B of every embedded string.
    """

    stream: str
    x: np.ndarray
    targets: np.ndarray
    legal: np.ndarray
    starts: np.ndarray


def continual_embedded_reber(length: int, seed=0, dtype=np.float64) -> ReberStream:
    """Gers, Schmidhuber & Cummins (2000)'s continual embedded Reber grammar (CERG).

    Embedded Reber strings (``embedded_reber``) follow each other in one stream without any
    marker or reset between them, so the net must learn by itself when a string is over. The
    paper's success criterion (Table 2, footnote a): ""perfect" solutions (correct prediction of
    10 streams of 100,000 symbols each)"; generate those with ``length=100_000`` and 10 seeds.
    The paper's paragraph on how the stream is built I could not read (see notes/papers.md);
    this is the construction its name and Table 2 describe.

    ``length``: the number of symbols the net reads (and predicts the successor of).
    Returns a ``ReberStream``.
    """
    length = check_size(length, "length")
    dtype = check_model_dtype(dtype)
    rng = checks.rng(seed)
    syms, legal, starts, total = [], [], [], 0
    while total < length + 1:
        s, lg = _embedded_string(rng)
        starts.append(total)
        syms.append(s)
        legal.extend(lg[:-1] + ["B"])  # after the final E comes the next string's B
        total += len(s)
    stream = "".join(syms)[: length + 1]
    ids = np.array([_SYM[c] for c in stream])
    x = np.eye(7, dtype=dtype)[ids[:-1]][:, None, :]
    lg_mask = np.zeros((length, 1, 7), dtype=bool)
    for t in range(length):
        lg_mask[t, 0, [_SYM[c] for c in legal[t]]] = True
    return ReberStream(stream, x, ids[1:, None], lg_mask, np.array(starts))


def reber_predictions_correct(outputs, legal):
    """HS97 Experiment 1's per-symbol rule: a prediction is correct "if the output unit(s)
    corresponding to the possible next symbol(s) is(are) always the most active ones", i.e.
    every legal symbol's output is strictly above every other output.

    ``outputs (L, N, 7)``, ``legal (L, N, 7)`` bool -> bool ``(L, N)``; steps with no legal
    symbol (padding) count as correct.
    """
    lg = np.asarray(legal)
    if lg.dtype != bool or lg.ndim != 3 or lg.shape[-1] != 7:
        raise ValueError(f"legal: expected a bool array (L, N, 7), got dtype {lg.dtype} and "
                         f"shape {lg.shape}")
    out = checks.as_float(outputs, "outputs", 3)
    if out.shape != lg.shape:
        raise ValueError(f"outputs: expected the shape of legal {lg.shape}, got {out.shape}")
    lowest_legal = np.where(lg, out, np.inf).min(axis=-1)
    highest_other = np.where(lg, -np.inf, out).max(axis=-1)
    return (lowest_legal > highest_other) | ~lg.any(axis=-1)


def solved_reber_1997(outputs, batch: ReberBatch):
    """HS97 Experiment 1's success rule on one string set: "all string symbols of all sequences
    [...] are predicted correctly" (``reber_predictions_correct``). The paper requires it on
    "both test set and training set": call this on each and require both.

    ``outputs (L, N, 7)``: the net's outputs on ``batch.x`` (any monotone squashing: the rule only
    compares them). Returns ``(solved, details)`` with ``n_strings``, ``n_strings_wrong``,
    ``n_symbols``, ``n_symbols_wrong``.
    """
    ok = reber_predictions_correct(outputs, batch.legal)
    steps = np.arange(ok.shape[0])[:, None] < batch.lengths[None, :]
    wrong = ~ok & steps
    details = {"n_strings": int(ok.shape[1]), "n_strings_wrong": int(wrong.any(axis=0).sum()),
               "n_symbols": int(steps.sum()), "n_symbols_wrong": int(wrong.sum())}
    return details["n_symbols_wrong"] == 0, details


def solved_continual_reber(outputs, stream: ReberStream, max_sq_error=None):
    """Correct prediction of a whole CERG stream (Gers et al. 2000, Table 2: a "perfect" net
    predicts 10 streams of 100,000 symbols each correctly).

    The per-symbol rule: with ``max_sq_error=None``, HS97 Experiment 1's rule (the legal next
    symbols' outputs are the most active); with a number, every output unit's squared error
    against the 0/1 legal-next target must be below it. (Gers et al.'s own rule I could not
    read in the paper; a secondary summary gives 0.49, i.e. ``max_sq_error=0.49``.)

    ``outputs (length, 1, 7)``. Returns ``(solved, details)`` with ``n_steps``, ``n_errors``
    and ``error_free_length``, the number of symbols predicted before the first error (Table 2's
    "length of error-free prediction").
    """
    if max_sq_error is None:
        ok = reber_predictions_correct(outputs, stream.legal)[:, 0]
    else:
        limit = checks.check_error(max_sq_error, "max_sq_error")
        out = checks.as_float(outputs, "outputs", 3)
        if out.shape != stream.legal.shape:
            raise ValueError(f"outputs: expected shape {stream.legal.shape}, got {out.shape}")
        ok = np.all((out - stream.legal) ** 2 < limit, axis=-1)[:, 0]
    bad = np.flatnonzero(~ok)
    details = {"n_steps": int(ok.size), "n_errors": int(bad.size),
               "error_free_length": int(bad[0]) if bad.size else int(ok.size)}
    return bad.size == 0, details


def classify_cerg_2000(error_free_lengths, stream_length: int = 100_000, n_streams: int = 10):
    """Gers et al. (2000) Table 2's three outcomes for one trained net, from its error-free
    prediction lengths on the test streams: "perfect" ("correct prediction of 10 streams of
    100,000 symbols each"), "good" ("average stream length > 1000"), else "rest"."""
    lengths = checks.as_float(error_free_lengths, "error_free_lengths", 1)
    stream_length = check_size(stream_length, "stream_length")
    n_streams = check_size(n_streams, "n_streams")
    if lengths.size == n_streams and np.all(lengths >= stream_length):
        return "perfect"
    return "good" if lengths.mean() > 1000 else "rest"
