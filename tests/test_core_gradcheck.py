"""Backward passes of LSTM, RNN and GRU against central finite differences (float64)."""

import numpy as np
import pytest

from lstm_edu import GRU, LSTM, RNN, gradcheck

MODELS = [LSTM, RNN, GRU]


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (4, 2, 3, 5), (9, 3, 2, 4)])
@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_backward_matches_finite_differences(cls, shape):
    T, B, I, H = shape
    rng = np.random.default_rng(3)
    model = cls(I, H, seed=11)
    states = {"h0": rng.standard_normal((B, H))}
    if cls is LSTM:
        states["c0"] = rng.standard_normal((B, H))
    errors = gradcheck(model, rng.standard_normal((T, B, I)), **states)
    expected = {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0"}
    assert set(errors) == expected | ({"c0"} if cls is LSTM else set())
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_gradcheck_catches_a_wrong_backward(cls):
    """A check that cannot fail is no check: break one gradient, the error must be large."""

    class Broken(cls):
        def backward(self, trace, dh, *args):
            grads = super().backward(trace, dh, *args)
            grads["weight_hh"] = grads["weight_hh"] * 1.01
            grads["x"] = grads["x"] + 1e-3
            return grads

    model = Broken.from_params(cls(2, 3, seed=0).params)
    errors = gradcheck(model, np.random.default_rng(0).standard_normal((5, 2, 2)))
    assert errors["weight_hh"] > 1e-3
    assert errors["x"] > 1e-4
    assert errors["weight_ih"] < 1e-6


def test_gradcheck_subsets_are_deterministic_and_leave_the_model_alone():
    model = LSTM(6, 8, seed=2)
    before = {k: v.copy() for k, v in model.params.items()}
    x = np.random.default_rng(1).standard_normal((4, 3, 6))
    a = gradcheck(model, x, max_entries=7, seed=4)
    b = gradcheck(model, x, max_entries=7, seed=4)
    assert a == b
    assert max(a.values()) < 1e-6
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, before[k])


def test_gradcheck_rejects_float32_and_bad_arguments():
    x = np.zeros((2, 1, 3))
    with pytest.raises(TypeError, match=r"model: expected dtype float64 .* got float32"):
        gradcheck(LSTM(3, 2, dtype=np.float32), x)
    with pytest.raises(ValueError, match=r"c0: expected None for a GRU"):
        gradcheck(GRU(3, 2), x, c0=np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"eps: expected a float in \(0, 1\), got -1"):
        gradcheck(RNN(3, 2), x, eps=-1.0)
    with pytest.raises(ValueError, match=r"x: expected a 3-D array of shape \(T, B, I=3\)"):
        gradcheck(RNN(3, 2), np.zeros((2, 3)))
    with pytest.raises(TypeError, match=r"model: expected an LSTM, RNN or GRU, got str"):
        gradcheck("lstm", x)


def test_numerical_gradient_matches_a_known_derivative_and_restores_the_array():
    from lstm_edu.gradcheck import numerical_gradient, relative_error

    a = np.random.default_rng(0).normal(size=(3, 4))
    before = a.copy()
    numeric = numerical_gradient(lambda: float(np.sum(a**3)), a)
    assert relative_error(3 * before**2, numeric) < 1e-9    # d/da sum(a^3) = 3 a^2
    np.testing.assert_array_equal(a, before)
    subset = numerical_gradient(lambda: float(np.sum(a**3)), a, entries=[0, 5])
    np.testing.assert_allclose(subset, 3 * before.reshape(-1)[[0, 5]] ** 2, rtol=1e-8)
