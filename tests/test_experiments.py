"""Experiments: the constant-guess baseline, the table builders, a tiny live run."""

import numpy as np
import pytest

from lstm_edu.training import experiments as E
from lstm_edu.viz.tables import markdown_table


def test_constant_guess_analytic_and_sampled():
    r = E.constant_guess_mse(T=20, n=100_000, seed=1)
    assert r["analytic"] == pytest.approx(1 / 6)
    assert r["empirical"] == pytest.approx(1 / 6, abs=0.003)


def fake(cell, T, seed, seqs, final):
    return {"task": "adding", "cell": cell, "T": T, "seed": seed, "metric": "mse",
            "target": 0.01, "sequences_to_target": seqs, "final": final,
            "sequences_seen": seqs or 40_000, "wall_time": 10.0 + seed,
            "settings": {"max_sequences": 40_000}}


def test_paper_vs_book_table():
    results = [fake("lstm", 100, 0, 20_000, 0.009), fake("lstm", 100, 1, 30_000, 0.008),
               fake("lstm", 100, 2, None, 0.05), fake("rnn", 100, 0, None, 0.166)]
    rows = E.paper_vs_book(results)
    lstm = next(r for r in rows if r["model"] == "LSTM")
    rnn = next(r for r in rows if r["model"] == "RNN")
    assert lstm["paper"] == 74_000 and rnn["paper"] is None
    assert lstm["this book"] == 25_000 and (lstm["solved"], lstm["seeds"]) == (2, 3)
    assert lstm["final test MSE"] == pytest.approx(0.009)
    assert rnn["this book"] is None and (rnn["solved"], rnn["seeds"]) == (0, 1)
    assert [r["seeds"] for r in rows if r["T"] in (500, 1000)] == [0, 0]
    md = markdown_table(E.paper_vs_book(results, paper_only_rows=False))
    assert md.count("\n") == 3 and "74,000" in md and "—" in md


def test_tiny_live_run_is_seeded_and_records_settings():
    a = E.adding_run("lstm", T=8, seed=0, max_sequences=640, hidden_size=8, n_test=100,
                     eval_every=5)
    b = E.adding_run("lstm", T=8, seed=0, max_sequences=640, hidden_size=8, n_test=100,
                     eval_every=5)
    assert a.final == b.final and a.sequences_to_target == b.sequences_to_target
    assert a.settings["hidden_size"] == 8 and a.settings["forget_bias"] == 1.0
    assert a.sequences_seen <= 640 and a.final < 1 / 6
    d = a.to_dict()
    assert "history" not in d and d["solved"] == a.solved
    np.testing.assert_allclose(a.history.metrics["mse"][-1], a.final)
