"""Heads and losses: gradient checks against central differences, stability, hand values."""

import numpy as np
import pytest

from lstm_edu.activations import log_softmax, softmax
from lstm_edu.gradcheck import numerical_gradient, relative_error
from lstm_edu.training.heads import LinearHead, SoftmaxHead
from lstm_edu.training.losses import cross_entropy, mse
from lstm_edu.training.model import build_model, sample


def test_mse_hand_value_and_gradient():
    loss, d = mse(np.array([[1.0], [3.0]]), np.array([0.0, 1.0]))
    assert loss == pytest.approx((1 + 4) / 2)
    np.testing.assert_allclose(d, [[2 * 1 / 2], [2 * 2 / 2]])


def test_cross_entropy_hand_value():
    # uniform logits over 4 classes: loss = log 4, gradient = (1/4 - onehot) / N
    loss, d = cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    assert loss == pytest.approx(np.log(4))
    np.testing.assert_allclose(d[0], [(0.25 - 1) / 2, 0.25 / 2, 0.25 / 2, 0.25 / 2])


def test_log_softmax_is_stable_for_huge_logits():
    z = np.array([[1000.0, 0.0, -1000.0], [1e308, 1e308, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is fine
        lp = log_softmax(z)
    assert np.all(np.isfinite(lp))
    assert lp[0, 0] == pytest.approx(0.0)
    assert lp[1, 0] == pytest.approx(np.log(0.5))
    np.testing.assert_allclose(softmax(z).sum(-1), 1.0)
    loss, d = cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))
    assert loss == pytest.approx(2000.0)
    assert np.all(np.isfinite(d))


@pytest.mark.parametrize("over", ["last", "all"])
@pytest.mark.parametrize("kind", ["regression", "classification"])
def test_head_and_loss_gradients_match_finite_differences(over, kind):
    rng = np.random.default_rng(0)
    T, B, H, O = 4, 3, 5, 3  # noqa: E741 (the book's letters)
    h = rng.normal(size=(T, B, H))
    if kind == "regression":
        head = LinearHead(H, O, over=over, seed=1)
        y = rng.normal(size=(B, O) if over == "last" else (T, B, O))
        loss_fn = mse
    else:
        head = SoftmaxHead(H, O, over=over, seed=1)
        y = rng.integers(0, O, B if over == "last" else (T, B))
        loss_fn = cross_entropy

    def L():
        return loss_fn(head.forward(h).y, y)[0]

    tr = head.forward(h)
    _, dy = loss_fn(tr.y, y)
    g = head.backward(tr, dy)
    for name in ("weight", "bias"):
        assert relative_error(g[name], numerical_gradient(L, head.params[name])) < 1e-7
    assert relative_error(g["h"], numerical_gradient(L, h)) < 1e-7
    if over == "last":
        assert np.all(g["h"][:-1] == 0)


@pytest.mark.parametrize("cell", ["lstm", "rnn", "gru", "peephole"])
def test_sequence_model_gradients_match_finite_differences(cell):
    rng = np.random.default_rng(1)
    model = build_model(cell, 2, 3, output_size=3, task="classification", over="all", seed=0)
    x = rng.normal(size=(4, 2, 2))
    y = rng.integers(0, 3, (4, 2))
    loss, grads = model.loss_and_grads(x, y)
    assert set(grads) == set(model.params)
    for name, p in model.params.items():
        num = numerical_gradient(lambda: model.loss_and_grads(x, y)[0], p)
        assert relative_error(grads[name], num) < 1e-6, name


def test_params_are_the_models_arrays():
    model = build_model("lstm", 2, 4, seed=0)
    model.params["core.weight_hh"][0, 0] = 123.0
    model.params["head.bias"][0] = -7.0
    assert model.core.params["weight_hh"][0, 0] == 123.0
    assert model.head.params["bias"][0] == -7.0
    assert model.num_params == 4 * 4 * (2 + 4) + 2 * 4 * 4 + 4 + 1


def test_evaluate_metrics():
    model = build_model("lstm", 2, 4, output_size=3, task="classification", seed=0)
    x = np.zeros((5, 6, 2))
    m = model.evaluate(x, np.zeros(6, dtype=int))
    probs = model.predict(x)
    np.testing.assert_allclose(probs.sum(-1), 1.0)
    assert m["accuracy"] in (0.0, 1.0)  # identical inputs -> identical predictions
    assert m["loss"] == pytest.approx(-np.log(probs[0, 0]))


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="over"):
        LinearHead(3, over="first")
    with pytest.raises(ValueError, match="shape"):
        LinearHead(3).forward(np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match="labels"):
        cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(TypeError):
        cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))


def test_sample_is_seeded_and_in_range():
    model = build_model("lstm", 5, 8, output_size=5, task="classification", over="all", seed=0)
    a = sample(model, [0, 1], 20, seed=3)
    b = sample(model, [0, 1], 20, seed=3)
    assert a == b and len(a) == 20 and all(0 <= k < 5 for k in a)
