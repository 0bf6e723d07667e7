"""The original papers' benchmark tasks, exactly as the papers define them, and their criteria.

Covers Hochreiter & Schmidhuber (1997), "Long Short-Term Memory", Neural Computation 9(8)
(HS97), Experiments 1, 4, 5 and 6, and the continual embedded Reber grammar (CERG) of Gers,
Schmidhuber & Cummins (2000), "Learning to forget", Neural Computation 12(10) (GSC00): seeded
generators, the paper's per-sequence "correct" rule and its stopping ("solved") rule for each,
and the paper's reported numbers (``PAPER_RESULTS``). Quotes are from the papers' text; the
memo ``notes/papers.md`` gives the full passages and where each one is.

Not covered: models and training; the 1997 network itself (no forget gate, negative input-gate
biases, output from the cells, truncated gradient) is described in notes/papers.md. The book's
own, modernized adding problem stays in ``lstm_edu.data.synthetic.adding_problem`` (values in
[0, 1], fixed length ``T``, one marker per half, target the plain sum).

Layout as in the rest of ``lstm_edu.data``: inputs ``x (T, N, I)``, time first. Variable-length
tasks are zero-padded to the longest possible length and come with ``lengths (N,)``: a model
must read its answer at step ``lengths[j] - 1`` of sequence ``j``. Positions in the papers'
text count from 1; arrays here count from 0.

- ``adding_problem_1997(n, T)`` -> ``x (T + T//10, N, 2)``, ``lengths``, ``y (N,)`` in [0, 1];
  criterion ``solved_adding_1997`` (Experiment 4).
- ``multiplication_problem_1997(n, T)`` -> the same shapes; ``solved_multiplication_1997`` (Exp. 5).
- ``temporal_order_1997(n, relevant=2 | 3)`` -> ``x (110, N, 8)``, ``lengths``, ``y (N,)`` class
  ids; ``solved_temporal_order_1997`` (Experiments 6a / 6b).
- The embedded Reber grammar (Experiment 1) and Gers et al.'s continual stream live in
  ``lstm_edu.data.reber``.
"""

from __future__ import annotations

import numpy as np

from lstm_edu._validation import check_model_dtype, check_size
from lstm_edu.data import _checks as checks

__all__ = [
    "RECENT_WINDOW",
    "ADDING_TOLERANCE",
    "TEMPORAL_ORDER_TOLERANCE",
    "TEMPORAL_ORDER_1997_SYMBOLS",
    "TEMPORAL_ORDER_1997_CLASSES",
    "PAPER_RESULTS",
    "adding_problem_1997",
    "multiplication_problem_1997",
    "temporal_order_1997",
    "correct_adding_1997",
    "solved_adding_1997",
    "solved_multiplication_1997",
    "correct_temporal_order_1997",
    "solved_temporal_order_1997",
]

#: "the 2000 most recent sequences were processed correctly" (HS97 Table 11, ST3).
RECENT_WINDOW = 2000
#: Adding and multiplication: "absolute error at the sequence end is below 0.04" (HS97 5.4).
ADDING_TOLERANCE = 0.04
#: Temporal order: "final absolute error of all output units is below 0.3" (HS97 5.6).
TEMPORAL_ORDER_TOLERANCE = 0.3


# ----------------------------------------------------------------------------- adding, multiply


def _marked_pairs(n, T, seed, dtype, low, high, neutral):
    """HS97 5.4's sequences; ``neutral`` replaces X1 when the first pair is marked."""
    n = check_size(n, "n")
    T = checks.check_int(T, "T", 20)
    dtype = check_model_dtype(dtype)
    rng = checks.rng(seed)
    t_max = T + T // 10
    cols = np.arange(n)
    lengths = rng.integers(T, t_max + 1, n)  # "random lengths between T and T + T/10"
    values = rng.uniform(low, high, (t_max, n))
    p1 = rng.integers(0, 10, n)  # "one of the first ten pairs"
    # "one of the first T/2 - 1 still unmarked pairs": the r-th pair other than p1
    r = rng.integers(0, T // 2 - 1, n)
    p2 = r + (r >= p1)
    first_marked = (p1 == 0) | (p2 == 0)
    values[p1[first_marked], cols[first_marked]] = neutral  # "we set X1 to zero" (one)
    marks = np.zeros((t_max, n))
    marks[0] = -1.0  # "the first and final pair, whose second components are -1"
    marks[lengths - 1, cols] = -1.0
    marks[p1, cols] = 1.0
    marks[p2, cols] = 1.0
    pad = np.arange(t_max)[:, None] >= lengths[None, :]
    values[pad] = 0.0
    x = np.stack([values, marks], axis=-1).astype(dtype)
    return x, lengths, values[p1, cols], values[p2, cols]


def adding_problem_1997(n: int, T: int = 100, seed=0, dtype=np.float64):
    """HS97 Experiment 4, the adding problem, exactly as section 5.4 defines it.

    The paper: "The first component is a real value randomly chosen from the interval [-1, 1];
    the second is either 1.0, 0.0, or -1.0, and is used as a marker [...] Sequences have random
    lengths between the minimal sequence length T and T + T/10. [...] we first randomly select
    and mark one of the first ten pairs (whose first component we call X1). Then we randomly
    select and mark one of the first T/2 - 1 still unmarked pairs (whose first component we
    call X2). The second components of all remaining pairs are zero except for the first and
    final pair, whose second components are -1. (In the rare case where the first pair of the
    sequence gets marked, we set X1 to zero.) [...] the target is 0.5 + (X1 + X2)/4.0".

    Choices where the text leaves room: lengths are uniform integers in ``[T, T + T//10]``
    inclusive; the first pair is one of X2's candidates, so X2 is uniform over pairs
    ``0 .. T//2 - 1`` other than X1's (0-based), and the last marked pair is at most
    ``T//2 - 1``: the minimal lag is ``T//2`` steps ("T/2 the minimal time lag", Table 7);
    whenever pair 0 is marked (by either draw) X1's value is set to 0 in the input, so the target
    is always ``0.5 + (sum of the values marked +1) / 4``, computable from ``x``. Paper rows:
    T = 100, 500, 1000 (``PAPER_RESULTS["adding_1997"]``).

    Returns ``x (T + T//10, n, 2)`` (channel 0 value, channel 1 marker; zero past each length),
    ``lengths (n,)`` and ``y (n,)`` in [0, 1].
    """
    x, lengths, x1, x2 = _marked_pairs(n, T, seed, dtype, -1.0, 1.0, neutral=0.0)
    return x, lengths, (0.5 + (x1 + x2) / 4.0).astype(x.dtype)


def multiplication_problem_1997(n: int, T: int = 100, seed=0, dtype=np.float64):
    """HS97 Experiment 5, the multiplication problem (section 5.5).

    The paper: "Like the task in Section 5.4, except that the first component of each pair is a
    real value randomly chosen from the interval [0, 1]. In the rare case where the first pair
    of the input sequence gets marked, we set X1 to 1.0. The target at sequence end is the
    product X1 x X2." Lengths, markers and positions as ``adding_problem_1997``; the target is
    always the product of the two values marked +1. The paper ran T = 100 only.

    Returns ``x (T + T//10, n, 2)``, ``lengths (n,)``, ``y (n,)`` in [0, 1].
    """
    x, lengths, x1, x2 = _marked_pairs(n, T, seed, dtype, 0.0, 1.0, neutral=1.0)
    return x, lengths, (x1 * x2).astype(x.dtype)


def correct_adding_1997(predictions, targets):
    """Per-sequence rule of Experiments 4 and 5: "A sequence is processed correctly if the
    absolute error at the sequence end is below 0.04" -> bool ``(N,)``."""
    p, t = checks.pair(predictions, targets)
    return np.abs(p - t) < ADDING_TOLERANCE


def _window(p, t):
    return p[-RECENT_WINDOW:], t[-RECENT_WINDOW:]


def solved_adding_1997(predictions, targets, mean_train_error=None):
    """HS97 Experiment 4's stopping criterion, ST3(0.01): "Training is stopped once the average
    training error is below 0.01, and the 2000 most recent sequences were processed correctly."

    ``predictions``, ``targets``: ``(N,)``, the network's outputs on the training sequences in
    the order they were trained on (only the last 2000 are used; fewer than 2000 is never
    solved). ``mean_train_error``: the "average training error" as the caller tracks it. The
    paper does not say over which sequences it is averaged; if ``None``, the mean squared error
    (eq. 16's E, one output unit) of the same 2000 sequences is used, which is then implied by
    the second clause (all errors < 0.04 give MSE < 0.0016).

    Returns ``(solved, details)``; details: ``n_recent``, ``n_wrong`` (|error| >= 0.04 among
    them), ``max_abs_error``, ``mean_train_error``, ``mean_train_error_from``.
    """
    p, t = _window(*checks.pair(predictions, targets))
    mte = checks.check_error(mean_train_error)
    err = p - t
    details = {
        "n_recent": int(p.size),
        "n_wrong": int(np.sum(np.abs(err) >= ADDING_TOLERANCE)),
        "max_abs_error": float(np.max(np.abs(err))),
        "mean_train_error": float(np.mean(err**2)) if mte is None else mte,
        "mean_train_error_from": "last 2000, squared error" if mte is None else "caller",
    }
    solved = (p.size == RECENT_WINDOW and details["n_wrong"] == 0
              and details["mean_train_error"] < 0.01)
    return bool(solved), details


def solved_multiplication_1997(predictions, targets, n_seq):
    """HS97 Experiment 5's criterion: test "as soon as less than n_seq of the 2000 most recent
    training sequences lead to absolute errors exceeding 0.04, where n_seq = 140, and
    n_seq = 13" (Table 8 reports both). ``predictions``, ``targets``: ``(N,)`` in training order;
    fewer than 2000 is never solved. Returns ``(solved, details)`` with ``n_recent``,
    ``n_exceeding`` (|error| > 0.04), ``n_seq``, ``mse``.
    """
    p, t = _window(*checks.pair(predictions, targets))
    n_seq = checks.check_int(n_seq, "n_seq", 1)
    err = p - t
    n_exc = int(np.sum(np.abs(err) > ADDING_TOLERANCE))
    details = {"n_recent": int(p.size), "n_exceeding": n_exc, "n_seq": n_seq,
               "mse": float(np.mean(err**2))}
    return bool(p.size == RECENT_WINDOW and n_exc < n_seq), details


# ----------------------------------------------------------------------------- temporal order

#: The 8 input symbols of Experiment 6, in the order of the one-hot channels.
TEMPORAL_ORDER_1997_SYMBOLS = ("a", "b", "c", "d", "X", "Y", "E", "B")
#: Class names in class-index order: 6a "X, X -> Q; X, Y -> R; Y, X -> S; Y, Y -> U"; 6b
#: "X, X, X -> Q; X, X, Y -> R; X, Y, X -> S; X, Y, Y -> U; Y, X, X -> V; Y, X, Y -> A;
#: Y, Y, X -> B; Y, Y, Y -> C" (the index is the X/Y pattern read as binary, X = 0, Y = 1).
TEMPORAL_ORDER_1997_CLASSES = {2: ("Q", "R", "S", "U"),
                               3: ("Q", "R", "S", "U", "V", "A", "B", "C")}
_TO_WINDOWS = {2: ((10, 20), (50, 60)), 3: ((10, 20), (33, 43), (66, 76))}  # 1-based, inclusive


def temporal_order_1997(n: int, seed=0, relevant: int = 2, dtype=np.float64,
                        return_strings=False):
    """HS97 Experiment 6a (``relevant=2``) or 6b (``relevant=3``), the temporal order problem.

    The paper (6a): "The sequence starts with an E, ends with a B (the "trigger symbol") and
    otherwise consists of randomly chosen symbols from the set {a, b, c, d} except for two
    elements at positions t1 and t2 that are either X or Y. The sequence length is randomly
    chosen between 100 and 110, t1 is randomly chosen between 10 and 20, and t2 is randomly
    chosen between 50 and 60." (6b): three elements, "t1 is randomly chosen between 10 and 20,
    t2 is randomly chosen between 33 and 43, and t3 is randomly chosen between 66 and 76".
    Classes: ``TEMPORAL_ORDER_1997_CLASSES``.

    Ranges are inclusive and positions count from 1 (the E is position 1), which reproduces the
    minimal lags of Table 10 (40 for 6a, 24 for 6b: 100 - 60 and 100 - 76). X and Y are drawn
    independently with probability 1/2, so classes are balanced in expectation.

    Returns ``x (110, n, 8)`` one-hot over ``TEMPORAL_ORDER_1997_SYMBOLS`` (all-zero past each
    length), ``lengths (n,)`` in [100, 110], ``y (n,)`` in ``0 .. 2**relevant - 1``; with
    ``return_strings=True`` also the sequences as strings.
    """
    n = check_size(n, "n")
    if relevant not in _TO_WINDOWS:
        raise ValueError(f"relevant: expected 2 (Experiment 6a) or 3 (6b), got {relevant!r}")
    dtype = check_model_dtype(dtype)
    rng = checks.rng(seed)
    t_max, cols = 110, np.arange(n)
    lengths = rng.integers(100, t_max + 1, n)
    ids = rng.integers(0, 4, (t_max, n))  # distractors a..d
    ids[0] = 6  # E
    ids[lengths - 1, cols] = 7  # B, the trigger symbol
    y = np.zeros(n, dtype=np.int64)
    for lo, hi in _TO_WINDOWS[relevant]:
        pos = rng.integers(lo, hi + 1, n) - 1
        bit = rng.integers(0, 2, n)  # 0: X, 1: Y
        ids[pos, cols] = 4 + bit
        y = 2 * y + bit
    valid = np.arange(t_max)[:, None] < lengths[None, :]
    x = (np.eye(8)[ids] * valid[..., None]).astype(dtype)
    if return_strings:
        strings = ["".join(TEMPORAL_ORDER_1997_SYMBOLS[k] for k in ids[:lengths[j], j])
                   for j in range(n)]
        return x, lengths, y, strings
    return x, lengths, y


def _outputs_labels(outputs, labels):
    out = checks.as_float(outputs, "outputs", 2)
    lab = np.asarray(labels)
    if lab.dtype.kind not in "iu" or lab.shape != (out.shape[0],):
        raise ValueError(f"labels: expected {out.shape[0]} integer class ids (N,), got dtype "
                         f"{lab.dtype} and shape {lab.shape}")
    if lab.min() < 0 or lab.max() >= out.shape[1]:
        raise ValueError(f"labels: expected class ids in [0, {out.shape[1] - 1}] (outputs has "
                         f"{out.shape[1]} units), got range [{lab.min()}, {lab.max()}]")
    return out, np.eye(out.shape[1])[lab]


def correct_temporal_order_1997(outputs, labels):
    """Experiment 6's rule: "The sequence is classified correctly if the final absolute error of
    all output units is below 0.3" against the local (one-hot) target. ``outputs (N, C)``,
    ``labels (N,)`` -> bool ``(N,)``."""
    out, target = _outputs_labels(outputs, labels)
    return np.all(np.abs(out - target) < TEMPORAL_ORDER_TOLERANCE, axis=1)


def solved_temporal_order_1997(outputs, labels, mean_train_error=None):
    """Experiment 6's stopping criterion, ST3(0.1): "Training is stopped once the average
    training error falls below 0.1 and the 2000 most recent sequences were classified
    correctly."

    ``outputs (N, C)``, ``labels (N,)`` of the training sequences in training order (the last
    2000 are used; fewer is never solved). ``mean_train_error``: the caller's running average;
    if ``None``, the mean over the same 2000 sequences of eq. 16's error
    ``E = sum_k (target_k - output_k)^2`` (summed over the C output units).
    Returns ``(solved, details)`` with ``n_recent``, ``n_wrong``, ``mean_train_error``.
    """
    out, target = _outputs_labels(outputs, labels)
    out, target = out[-RECENT_WINDOW:], target[-RECENT_WINDOW:]
    mte = checks.check_error(mean_train_error)
    wrong = ~np.all(np.abs(out - target) < TEMPORAL_ORDER_TOLERANCE, axis=1)
    e = float(np.mean(np.sum((target - out) ** 2, axis=1))) if mte is None else mte
    details = {"n_recent": int(out.shape[0]), "n_wrong": int(wrong.sum()),
               "mean_train_error": e}
    solved = out.shape[0] == RECENT_WINDOW and not wrong.any() and e < 0.1
    return bool(solved), details


# ----------------------------------------------------------------------------- paper numbers

#: The papers' reported results, copied from their tables (means over the trials stated).
PAPER_RESULTS = {
    "adding_1997": {
        "source": "HS97 Table 7", "trials": 10, "criterion": "ST3(0.01), ABS(0.04)",
        "learning_rate": 0.5, "weights": 93,
        "rows": [
            {"T": 100, "minimal_lag": 50, "wrong_of_2560": 1, "sequences": 74_000},
            {"T": 500, "minimal_lag": 250, "wrong_of_2560": 0, "sequences": 209_000},
            {"T": 1000, "minimal_lag": 500, "wrong_of_2560": 1, "sequences": 853_000,
             "range": (370_000, 2_020_000)},
        ],
    },
    "multiplication_1997": {
        "source": "HS97 Table 8", "trials": 10, "learning_rate": 0.1, "weights": 93,
        "rows": [
            {"T": 100, "n_seq": 140, "wrong_of_2560": 139, "mse": 0.0223, "sequences": 482_000},
            {"T": 100, "n_seq": 13, "wrong_of_2560": 14, "mse": 0.0139, "sequences": 1_273_000},
        ],
    },
    "temporal_order_1997": {
        "source": "HS97 Table 9", "criterion": "ST3(0.1), ABS(0.3)",
        "rows": [
            {"task": "6a", "trials": 20, "weights": 156, "learning_rate": 0.5,
             "wrong_of_2560": 1, "sequences": 31_390},
            {"task": "6b", "trials": 10, "weights": 308, "learning_rate": 0.1,
             "wrong_of_2560": 2, "sequences": 571_100},
        ],
    },
    "embedded_reber_1997": {
        "source": "HS97 Table 1", "trials": 30,
        "rows": [
            {"blocks": 4, "block_size": 1, "weights": 264, "learning_rate": 0.1,
             "percent_success": 100, "sequences": 39_740},
            {"blocks": 3, "block_size": 2, "weights": 276, "learning_rate": 0.1,
             "percent_success": 100, "sequences": 21_730},
            {"blocks": 3, "block_size": 2, "weights": 276, "learning_rate": 0.2,
             "percent_success": 97, "sequences": 14_060},
            {"blocks": 4, "block_size": 1, "weights": 264, "learning_rate": 0.5,
             "percent_success": 97, "sequences": 9_500},
            {"blocks": 3, "block_size": 2, "weights": 276, "learning_rate": 0.5,
             "percent_success": 100, "sequences": 8_440},
        ],
    },
    "cerg_2000": {
        "source": "Gers et al. 2000 Table 2", "trials": 100,
        "rows": [
            {"algorithm": "standard LSTM with external reset", "percent_perfect": 74,
             "streams": 7441, "percent_good": 0, "percent_rest": 26},
            {"algorithm": "standard LSTM", "percent_perfect": 0, "streams": None,
             "percent_good": 1, "percent_rest": 99},
            {"algorithm": "LSTM with state decay (0.9)", "percent_perfect": 0, "streams": None,
             "percent_good": 0, "percent_rest": 100},
            {"algorithm": "LSTM with forget gates", "percent_perfect": 18, "streams": 18_889,
             "percent_good": 29, "percent_rest": 53},
            {"algorithm": "LSTM with forget gates and sequential alpha decay",
             "percent_perfect": 62, "streams": 14_087, "percent_good": 6, "percent_rest": 32},
        ],
    },
}
