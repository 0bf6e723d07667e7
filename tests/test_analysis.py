"""Tests for lstm_edu.analysis (the chapter analyses of "Inside the cell")."""

import numpy as np
import pytest

from lstm_edu import LSTM, RNN
from lstm_edu.activations import sigmoid
from lstm_edu.analysis import (
    half_life,
    memory_cell,
    step_rows,
    step_values,
    truncated_bptt,
    with_gate_bias,
)
from lstm_edu.variants import LSTMVariant
from lstm_edu.viz.tables import markdown_table


def test_with_gate_bias_sets_total_bias_and_copies():
    lstm = LSTM(3, 4, seed=0)
    before = {k: v.copy() for k, v in lstm.params.items()}
    m = with_gate_bias(lstm, "f", 2.5)
    b = m.params["bias_ih"] + m.params["bias_hh"]
    assert np.all(b[4:8] == 2.5)
    assert np.array_equal(b[:4], (before["bias_ih"] + before["bias_hh"])[:4])
    assert all(np.array_equal(before[k], lstm.params[k]) for k in before)
    with pytest.raises(ValueError, match="gate"):
        with_gate_bias(lstm, "u", 1.0)


def test_memory_cell_decays_geometrically():
    m = memory_cell(3.0)
    x = np.zeros((20, 1, 1))
    x[0] = 1.0
    c = m.forward(x).c[:, 0, 0]
    assert np.allclose(c, c[0] * sigmoid(3.0) ** np.arange(20))
    assert half_life(c) == int(np.ceil(np.log(0.5) / np.log(sigmoid(3.0))))


def test_half_life_none():
    assert half_life(np.ones(5)) == 5


def test_step_values_match_forward():
    lstm = LSTM(2, 3, seed=1)
    x = np.random.default_rng(0).normal(size=(4, 2, 2))
    tr = lstm.forward(x)
    steps = step_values(lstm, x, batch=1)
    for t, s in enumerate(steps):
        assert np.allclose(s["h"], tr.h[t, 1]) and np.allclose(s["c"], tr.c[t, 1])
        assert np.allclose(s["i"], sigmoid(s["a_i"]))
    table = markdown_table(step_rows({"t=1": steps[0]}, ["i", "h"]))
    assert table.count("\n") == 2 + 2 * 3 - 1


@pytest.mark.parametrize("cls", [LSTM, RNN])
def test_truncated_bptt(cls):
    model = cls(2, 3, seed=0)
    x = np.random.default_rng(0).normal(size=(9, 2, 2))
    dh = np.random.default_rng(1).normal(size=(9, 2, 3))
    full = model.backward(model.forward(x), dh)
    same = truncated_bptt(model, x, dh, k=9)
    assert all(np.allclose(full[n], same[n]) for n in model.params)
    assert np.allclose(full["x"], same["x"])
    dh_last = np.zeros_like(dh)
    dh_last[-1] = 1.0
    cut = truncated_bptt(model, x, dh_last, k=4)
    assert np.all(cut["x"][:8] == 0) and np.any(cut["x"][8] != 0)


def test_truncated_bptt_carries_the_cell_state_of_a_variant():
    lstm = LSTM(2, 3, seed=0)
    full = LSTMVariant.from_params({k: v.copy() for k, v in lstm.params.items()}, "full")
    x = np.random.default_rng(0).normal(size=(9, 2, 2))
    dh = np.random.default_rng(1).normal(size=(9, 2, 3))
    a, b = truncated_bptt(lstm, x, dh, k=4), truncated_bptt(full, x, dh, k=4)
    assert all(np.allclose(a[n], b[n]) for n in [*lstm.params, "x"])
