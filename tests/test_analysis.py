"""Tests for lstm_edu.analysis (the chapter analyses of "Inside the cell")."""

import numpy as np
import pytest

from lstm_edu import LSTM, RNN
from lstm_edu.activations import sigmoid
from lstm_edu.analysis import (
    gate_bias,
    half_life,
    memory_cell,
    rnn_with_spectral_radius,
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


@pytest.mark.parametrize("kind", ["orthogonal", "eigen"])
def test_rnn_with_spectral_radius(kind):
    rnn = rnn_with_spectral_radius(0.87, 3, 12, seed=4, kind=kind)
    w = rnn.params["weight_hh"]
    assert np.max(np.abs(np.linalg.eigvals(w))) == pytest.approx(0.87, rel=1e-12)
    sv = np.linalg.svd(w, compute_uv=False)
    if kind == "orthogonal":           # rho * Q: every singular value is rho
        assert np.allclose(sv, 0.87)
    else:                              # a non-normal matrix: ||W|| above its spectral radius
        assert sv[0] > 1.5 * 0.87
    ref = RNN(3, 12, seed=4)           # everything else is RNN's default initialization
    assert np.array_equal(rnn.params["weight_ih"], ref.params["weight_ih"])
    assert np.array_equal(rnn.params["bias_hh"], ref.params["bias_hh"])
    with pytest.raises(ValueError, match="kind"):
        rnn_with_spectral_radius(0.9, kind="normal")
    with pytest.raises(ValueError, match="rho"):
        rnn_with_spectral_radius(-1.0)


def test_eigen_kind_is_chapter_ones_construction():
    """kind="eigen" draws W as chapter 1 did: default_rng(seed).normal((H, H)), rescaled."""
    a = np.random.default_rng(5).normal(size=(8, 8))
    rnn = rnn_with_spectral_radius(1.2, 1, 8, seed=5, kind="eigen")
    assert np.allclose(rnn.params["weight_hh"], 1.2 * a / np.max(np.abs(np.linalg.eigvals(a))))


def test_gate_bias_reads_what_with_gate_bias_sets():
    lstm = LSTM(2, 3, seed=1)
    shift = np.array([0.5, -1.0, 2.0])
    m = with_gate_bias(lstm, "f", gate_bias(lstm, "f") + shift)
    assert np.allclose(gate_bias(m, "f"), gate_bias(lstm, "f") + shift)
    assert np.array_equal(gate_bias(m, "i"), gate_bias(lstm, "i"))
    x = np.random.default_rng(2).normal(size=(4, 1, 2))
    a = sigmoid(np.log(lstm.forward(x).gates["f"] / (1 - lstm.forward(x).gates["f"])) + shift)
    assert np.allclose(m.forward(x[:1]).gates["f"][0], a[0])
    with pytest.raises(ValueError, match="gate"):
        gate_bias(lstm, "z")
