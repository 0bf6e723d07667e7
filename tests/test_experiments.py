"""Experiments: the constant-guess baseline and a tiny live run, stopped and at a fixed budget."""

import numpy as np
import pytest

from lstm_edu.training import experiments as E


def test_constant_guess_analytic_and_sampled():
    r = E.constant_guess_mse(T=20, n=100_000, seed=1)
    assert r["analytic"] == pytest.approx(1 / 6)
    assert r["empirical"] == pytest.approx(1 / 6, abs=0.003)


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


def test_fixed_budget_trains_on_past_the_target():
    kw = dict(T=8, seed=0, max_sequences=3200, hidden_size=8, n_test=100, eval_every=5,
              target=0.15)                                        # a target a tiny run reaches
    stopped = E.adding_run("lstm", **kw)
    fixed = E.adding_run("lstm", stop_at_target=False, **kw)
    assert stopped.solved and stopped.sequences_seen < 3200       # stops at the first hit
    assert fixed.sequences_seen == 3200                           # spends the whole budget
    assert fixed.sequences_to_target == stopped.sequences_to_target   # the same first hit
    assert fixed.settings["stop_at_target"] is False
