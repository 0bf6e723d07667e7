"""The papers' tasks (lstm_edu.data.paper_tasks) against the papers' own definitions.

Every property is recomputed here from the generated inputs, from the rules as the papers
state them (quoted in the module and in notes/papers.md): lengths, markers, targets, classes,
the Reber grammar (an independent regular expression), and the "solved" criteria on
constructed predictions.
"""

import re
from collections import Counter, defaultdict

import numpy as np
import pytest

from lstm_edu.data import paper_tasks as P
from lstm_edu.data import reber as R

# ----------------------------------------------------------------------------- adding / multiply


def _markers(x, lengths):
    """Per sequence: positions marked +1, the marker channel, the value channel."""
    return [np.flatnonzero(x[: lengths[j], j, 1] == 1.0) for j in range(x.shape[1])]


@pytest.mark.parametrize("T", [100, 500])
def test_adding_lengths_markers_and_target_as_the_paper_defines(T):
    n = 3000 if T == 100 else 600
    x, lengths, y = P.adding_problem_1997(n, T, seed=1)
    assert x.shape == (T + T // 10, n, 2) and lengths.shape == (n,) and y.shape == (n,)
    # "random lengths between the minimal sequence length T and T + T/10"
    assert lengths.min() >= T and lengths.max() <= T + T // 10
    assert {T, T + T // 10} <= set(lengths.tolist())  # both ends are reached
    values, marks = x[..., 0], x[..., 1]
    assert set(np.unique(marks).tolist()) <= {-1.0, 0.0, 1.0}
    assert np.all((values >= -1) & (values <= 1))  # "randomly chosen from [-1, 1]"
    cols = np.arange(n)
    valid = np.arange(x.shape[0])[:, None] < lengths[None, :]
    assert np.all(x[~valid] == 0)  # zero padding past each length
    assert np.all(marks[lengths - 1, cols] == -1)  # the final pair
    pos = _markers(x, lengths)
    for j, p in enumerate(pos):
        assert p.size == 2  # "exactly two pairs are marked"
        assert p.min() < 10  # X1 "one of the first ten pairs"
        assert p.max() <= T // 2 - 1  # X2 "one of the first T/2 - 1 still unmarked pairs"
        assert lengths[j] - 1 - p.max() >= T // 2  # "T/2 the minimal time lag"
        if 0 not in p:
            assert marks[0, j] == -1  # the first pair, when not marked
        minus = np.flatnonzero(marks[: lengths[j], j] == -1)
        assert set(minus.tolist()) <= {0, lengths[j] - 1}
    # target "0.5 + (X1 + X2)/4.0", recomputed from the marked values
    recomputed = 0.5 + (values * (marks == 1)).sum(axis=0) / 4.0
    np.testing.assert_allclose(y, recomputed, rtol=0, atol=1e-15)
    assert np.all((y >= 0) & (y <= 1))


def test_adding_second_marker_covers_the_first_half_and_the_rare_case():
    T, n = 100, 20_000
    x, lengths, _ = P.adding_problem_1997(n, T, seed=2)
    values, plus = x[..., 0], x[..., 1] == 1.0
    rows, cols = np.nonzero(plus)
    assert set(rows.tolist()) == set(range(T // 2))  # every pair 0..T/2-1 can be marked, no later
    first = plus[0]
    assert 0.05 * n < first.sum() < 0.2 * n  # X1 at pair 0 w.p. 1/10, X2 there w.p. ~1/49
    zero_marked = ((values == 0.0) & plus).any(axis=0)
    # "we set X1 to zero": exactly when pair 0 is marked, a marked value is exactly 0
    np.testing.assert_array_equal(zero_marked, first)
    v = values[np.arange(x.shape[0])[:, None] < lengths]
    assert abs(v.mean()) < 0.01 and v.min() < -0.999 and v.max() > 0.999  # U[-1, 1]


def test_multiplication_as_the_paper_defines():
    T, n = 100, 5000
    x, lengths, y = P.multiplication_problem_1997(n, T, seed=3)
    values, marks = x[..., 0], x[..., 1]
    assert np.all((values >= 0) & (values <= 1))  # "randomly chosen from the interval [0, 1]"
    pos = _markers(x, lengths)
    prod = np.array([np.prod(values[p, j]) for j, p in enumerate(pos)])
    np.testing.assert_allclose(y, prod, rtol=0, atol=1e-15)  # "the product X1 x X2"
    assert all(p.size == 2 and p.min() < 10 and p.max() <= T // 2 - 1 for p in pos)
    first = [j for j in range(n) if 0 in pos[j]]
    assert first and all(np.any(values[pos[j], j] == 1.0) for j in first)  # "set X1 to 1.0"
    assert np.all(marks[lengths - 1, np.arange(n)] == -1)


def test_adding_and_multiplication_are_deterministic_by_seed():
    a = P.adding_problem_1997(20, 100, seed=7)
    b = P.adding_problem_1997(20, 100, seed=7)
    c = P.adding_problem_1997(20, 100, seed=8)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(P.multiplication_problem_1997(9, 50, g1)[2],
                                  P.multiplication_problem_1997(9, 50, g2)[2])
    assert P.adding_problem_1997(4, 100, seed=0, dtype=np.float32)[0].dtype == np.float32


# ----------------------------------------------------------------------------- temporal order

# The paper's rules, typed from section 5.6.
RULES_6A = {"XX": "Q", "XY": "R", "YX": "S", "YY": "U"}
RULES_6B = {"XXX": "Q", "XXY": "R", "XYX": "S", "XYY": "U",
            "YXX": "V", "YXY": "A", "YYX": "B", "YYY": "C"}
WINDOWS = {2: [(10, 20), (50, 60)], 3: [(10, 20), (33, 43), (66, 76)]}  # 1-based, "between"


@pytest.mark.parametrize("relevant, rules", [(2, RULES_6A), (3, RULES_6B)])
def test_temporal_order_as_the_paper_defines(relevant, rules):
    n = 6000
    x, lengths, y, strings = P.temporal_order_1997(n, seed=4, relevant=relevant,
                                                   return_strings=True)
    assert x.shape == (110, n, 8) and lengths.min() >= 100 and lengths.max() <= 110
    assert {100, 110} <= set(lengths.tolist())
    valid = np.arange(110)[:, None] < lengths[None, :]
    np.testing.assert_array_equal(x.sum(-1), valid.astype(float))  # one-hot, zero padding
    symbols = P.TEMPORAL_ORDER_1997_SYMBOLS
    ids = x.argmax(-1)
    min_lag = []
    for j, s in enumerate(strings[:1000]):
        decoded = "".join(symbols[k] for k in ids[: lengths[j], j])
        assert decoded == s and len(s) == lengths[j]
        assert s[0] == "E" and s[-1] == "B"  # "starts with an E, ends with a B"
        assert set(s[1:-1]) <= set("abcdXY")
        rel = [k + 1 for k, ch in enumerate(s) if ch in "XY"]  # 1-based positions
        assert len(rel) == relevant
        for t, (lo, hi) in zip(rel, WINDOWS[relevant], strict=True):
            assert lo <= t <= hi
        pattern = "".join(s[t - 1] for t in rel)
        assert P.TEMPORAL_ORDER_1997_CLASSES[relevant][y[j]] == rules[pattern]
        min_lag.append(len(s) - rel[-1])
    assert min(min_lag) == {2: 40, 3: 24}[relevant]  # HS97 Table 10, "lag"
    share = np.bincount(y, minlength=2**relevant) / n
    np.testing.assert_allclose(share, 1 / 2**relevant, atol=0.025)  # balanced classes
    again = P.temporal_order_1997(n, seed=4, relevant=relevant)
    np.testing.assert_array_equal(again[0], x)


# ----------------------------------------------------------------------------- Reber grammars

# An independent checker: the Reber graph of HS97 Figure 3 written as a regular expression.
# From the node after X (or after S-loop's X): "S E" ends, "X T* V" goes to the V-node;
# from the V-node: "V E" ends, "P" goes back.
_AFTER_X = r"(?:XT*VP)*(?:SE|XT*VVE)"
_AFTER_V = r"(?:PXT*V)*(?:VE|PSE)"
REBER = rf"B(?:TS*X{_AFTER_X}|PT*V{_AFTER_V})"
EMBEDDED = re.compile(rf"B([TP]){REBER}\1E")


def test_the_checker_itself_accepts_and_rejects_known_strings():
    reber = re.compile(REBER)
    for s in ("BTSSXXTVVE", "BPVVE", "BTXXVPSE", "BPVPXVPXVPXVVE", "BTSXXVPSE"):
        assert reber.fullmatch(s), s
    for s in ("BTSSPXSE", "BPTVVB", "BTXXVVSE", "BPVSPSE", "BTSSSE"):
        assert not reber.fullmatch(s), s
    assert EMBEDDED.fullmatch("BTBTXSETE") and not EMBEDDED.fullmatch("BTBTXSEPE")


def test_embedded_reber_strings_and_encoding():
    batch = R.embedded_reber(2000, seed=5)
    assert all(EMBEDDED.fullmatch(s) for s in batch.strings)
    lens = [len(s) for s in batch.strings]
    assert min(lens) == 9  # "short time lags (of as few as 9 steps)"
    sym = R.REBER_SYMBOLS
    L = batch.x.shape[0]
    assert L == max(lens) - 1 and batch.x.shape[1:] == (2000, 7)
    for j, s in enumerate(batch.strings):
        n = len(s) - 1
        assert batch.lengths[j] == n
        assert "".join(sym[k] for k in batch.x[:n, j].argmax(-1)) == s[:-1]
        assert "".join(sym[k] for k in batch.targets[:n, j]) == s[1:]
        assert np.all(batch.x[n:, j] == 0) and np.all(batch.targets[n:, j] == -1)
        assert np.all(batch.legal[np.arange(n), j, batch.targets[:n, j]])  # truth is legal
        # the symbol before last can only be the second symbol
        assert [sym[k] for k in np.flatnonzero(batch.legal[n - 2, j])] == [s[1]]


def test_legal_next_symbols_match_the_grammar():
    batch = R.embedded_reber(3000, seed=6)
    sym = R.REBER_SYMBOLS

    def legal_after(j, t):
        return {sym[k] for k in np.flatnonzero(batch.legal[t, j])}

    # hand-derived from Figure 3/4: after B {T,P}; after the branch {B}; inner B {T,P};
    # after inner BT {S,X}; after inner BP {T,V}; after inner E only the branch; then E.
    for j, s in enumerate(batch.strings[:300]):
        assert legal_after(j, 0) == {"T", "P"} and legal_after(j, 1) == {"B"}
        assert legal_after(j, 2) == {"T", "P"}
        assert legal_after(j, 3) == ({"S", "X"} if s[3] == "T" else {"T", "V"})
        assert legal_after(j, len(s) - 3) == {s[1]} and legal_after(j, len(s) - 2) == {"E"}
    # empirically: for every prefix seen often, the continuations observed across strings
    # are exactly the legal set (each branch has probability 1/2)
    seen, legal = defaultdict(set), {}
    count = Counter()
    for j, s in enumerate(batch.strings):
        for t in range(len(s) - 1):
            seen[s[: t + 1]].add(s[t + 1])
            count[s[: t + 1]] += 1
            legal[s[: t + 1]] = legal_after(j, t)
    checked = [p for p, c in count.items() if c >= 30]
    assert len(checked) > 50
    for p in checked:
        assert seen[p] == legal[p], p


def test_embedded_reber_train_test_sets_are_separate():
    train, test = R.embedded_reber_train_test(seed=0)
    assert len(train.strings) == 256 and len(test.strings) == 256  # "256 ... and 256"
    assert not set(train.strings) & set(test.strings)
    assert all(EMBEDDED.fullmatch(s) for s in train.strings + test.strings)
    again = R.embedded_reber_train_test(seed=0)
    assert again[1].strings == test.strings


def test_continual_embedded_reber_stream():
    length = 5000
    st = R.continual_embedded_reber(length, seed=8)
    assert len(st.stream) == length + 1 and st.x.shape == (length, 1, 7)
    sym = R.REBER_SYMBOLS
    assert "".join(sym[k] for k in st.x[:, 0].argmax(-1)) == st.stream[:-1]
    assert "".join(sym[k] for k in st.targets[:, 0]) == st.stream[1:]
    pieces = [st.stream[a:b] for a, b in zip(st.starts[:-1], st.starts[1:], strict=True)]
    assert len(pieces) > 300 and all(EMBEDDED.fullmatch(p) for p in pieces)
    assert "".join(pieces) == st.stream[: st.starts[-1]]  # nothing between strings
    assert np.all(st.legal[np.arange(length), 0, st.targets[:, 0]])
    ends = [t for t in range(length) if st.stream[t] == "E" and st.stream[t + 1] == "B"]
    assert all(np.flatnonzero(st.legal[t, 0]).tolist() == [sym.index("B")] for t in ends)
    other = R.continual_embedded_reber(length, seed=9)
    assert other.stream != st.stream
    assert R.continual_embedded_reber(length, seed=8).stream == st.stream


# ----------------------------------------------------------------------------- criteria


def test_solved_adding_1997():
    rng = np.random.default_rng(0)
    y = rng.uniform(0, 1, 2000)
    assert P.solved_adding_1997(y.copy(), y)[0]
    off = y.copy()
    off[1234] += 0.05  # one sequence off by 0.05
    solved, d = P.solved_adding_1997(off, y)
    assert not solved and d["n_wrong"] == 1 and d["max_abs_error"] == pytest.approx(0.05)
    assert P.solved_adding_1997(y + 0.039, y)[0]  # all within the tolerance
    assert not P.solved_adding_1997(y[:1999], y[:1999])[0]  # fewer than 2000 sequences
    assert not P.solved_adding_1997(y, y, mean_train_error=0.02)[0]  # "average ... below 0.01"
    early = np.r_[np.full(500, 0.9), y]  # errors before the 2000 most recent do not count
    assert P.solved_adding_1997(early, np.r_[np.zeros(500), y])[0]
    assert P.correct_adding_1997([0.5, 0.5], [0.53, 0.55]).tolist() == [True, False]


def test_solved_multiplication_1997():
    y = np.linspace(0, 1, 2000)
    for n_seq in (13, 140):
        pred = y.copy()
        pred[: n_seq - 1] += 0.05
        solved, d = P.solved_multiplication_1997(pred, y, n_seq=n_seq)
        assert solved and d["n_exceeding"] == n_seq - 1  # "less than n_seq"
        pred[n_seq - 1] += 0.05
        assert not P.solved_multiplication_1997(pred, y, n_seq=n_seq)[0]


def test_solved_temporal_order_1997():
    labels = np.arange(2000) % 4
    exact = np.eye(4)[labels]
    assert P.solved_temporal_order_1997(exact, labels)[0]
    one_off = exact.copy()
    one_off[7, 0] += 0.31  # one output unit above 0.3 off
    solved, d = P.solved_temporal_order_1997(one_off, labels)
    assert not solved and d["n_wrong"] == 1
    assert P.correct_temporal_order_1997(one_off[:9], labels[:9]).tolist() == [True] * 7 + [
        False, True]
    # every sequence "classified correctly" (all errors 0.29) but E = 4 * 0.29**2 = 0.34 > 0.1
    blurred = np.abs(exact - 0.29)
    solved, d = P.solved_temporal_order_1997(blurred, labels)
    assert not solved and d["n_wrong"] == 0 and d["mean_train_error"] == pytest.approx(0.3364)


def test_solved_reber_1997():
    batch = R.embedded_reber(50, seed=10)
    outputs = batch.legal.astype(float)  # legal symbols on, others off
    outputs[batch.legal.sum(-1) == 0] = 9.0  # padding is ignored
    assert R.solved_reber_1997(outputs, batch) == (True, {
        "n_strings": 50, "n_strings_wrong": 0, "n_symbols": int(batch.lengths.sum()),
        "n_symbols_wrong": 0})
    bad = outputs.copy()
    t, j = 3, 4
    illegal = np.flatnonzero(~batch.legal[t, j])[0]
    bad[t, j, illegal] = 1.0  # an illegal symbol as active as the legal ones
    solved, d = R.solved_reber_1997(bad, batch)
    assert not solved and d["n_symbols_wrong"] == 1 and d["n_strings_wrong"] == 1


def test_solved_continual_reber_and_cerg_outcomes():
    st = R.continual_embedded_reber(3000, seed=11)
    out = st.legal.astype(float)
    solved, d = R.solved_continual_reber(out, st)
    assert solved and d["error_free_length"] == 3000 and d["n_errors"] == 0
    bad = out.copy()
    bad[123, 0] = 1.0 - bad[123, 0]  # wrong at step 123
    solved, d = R.solved_continual_reber(bad, st)
    assert not solved and d["error_free_length"] == 123 and d["n_errors"] == 1
    half = st.legal * 0.5  # two legal symbols at 0.5: squared error 0.25 < 0.49
    assert R.solved_continual_reber(half, st, max_sq_error=0.49)[0]
    assert not R.solved_continual_reber(st.legal * 0.2, st, max_sq_error=0.49)[0]
    assert R.classify_cerg_2000([100_000] * 10) == "perfect"
    assert R.classify_cerg_2000([100_000] * 9) == "good"  # only 9 of the 10 streams
    assert R.classify_cerg_2000([5000] * 9 + [100_000]) == "good"
    assert R.classify_cerg_2000([900] * 10) == "rest"


def test_paper_results_tables_are_consistent():
    for row in P.PAPER_RESULTS["adding_1997"]["rows"]:
        assert row["minimal_lag"] == row["T"] // 2  # "T/2 the minimal time lag"
    for row in P.PAPER_RESULTS["cerg_2000"]["rows"]:
        assert row["percent_perfect"] + row["percent_good"] + row["percent_rest"] == 100


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, exc, name", [
    (lambda: P.adding_problem_1997(0, 100), ValueError, "n"),
    (lambda: P.adding_problem_1997(5, 10), ValueError, "T"),
    (lambda: P.adding_problem_1997(5, 100.0), TypeError, "T"),
    (lambda: P.multiplication_problem_1997(5, 100, dtype=np.int32), TypeError, "dtype"),
    (lambda: P.temporal_order_1997(5, relevant=4), ValueError, "relevant"),
    (lambda: R.embedded_reber(-1), ValueError, "n"),
    (lambda: R.embedded_reber_train_test(n_test=0), ValueError, "n_test"),
    (lambda: R.continual_embedded_reber(0), ValueError, "length"),
    (lambda: P.solved_adding_1997([0.1, 0.2], [0.1]), ValueError, "targets"),
    (lambda: P.solved_adding_1997([np.nan], [0.1]), ValueError, "predictions"),
    (lambda: P.solved_adding_1997([0.1], [0.1], mean_train_error=-1), ValueError,
     "mean_train_error"),
    (lambda: P.solved_multiplication_1997([0.1], [0.1], n_seq=0), ValueError, "n_seq"),
    (lambda: P.solved_temporal_order_1997(np.eye(4), [0, 1, 2, 4]), ValueError, "labels"),
    (lambda: P.correct_temporal_order_1997(np.eye(4), [0.0, 1, 2, 3]), ValueError, "labels"),
    (lambda: R.reber_predictions_correct(np.zeros((2, 1, 7)), np.zeros((2, 1, 6), bool)),
     ValueError, "legal"),
    (lambda: R.reber_predictions_correct(np.zeros((3, 1, 7)), np.zeros((2, 1, 7), bool)),
     ValueError, "outputs"),
    (lambda: P.temporal_order_1997(0), ValueError, "n"),
    (lambda: R.classify_cerg_2000([]), ValueError, "error_free_lengths"),
])
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=rf"^{name}\b"):
        call()


def test_bad_outputs_for_a_stream():
    st = R.continual_embedded_reber(20, seed=0)
    with pytest.raises(ValueError, match="^outputs"):
        R.solved_continual_reber(np.zeros((19, 1, 7)), st, max_sq_error=0.49)
    with pytest.raises(ValueError, match="^max_sq_error"):
        R.solved_continual_reber(st.legal * 1.0, st, max_sq_error=float("nan"))
