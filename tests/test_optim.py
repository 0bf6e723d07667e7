"""Optimizer steps against updates computed by hand from the published formulas."""

import math

import numpy as np
import pytest

from lstm_edu.training.optim import SGD, Adam, clip_grad_norm


def test_sgd_plain_step():
    p = {"w": np.array([1.0, -2.0])}
    SGD(lr=0.1).step(p, {"w": np.array([0.5, 1.0])})
    np.testing.assert_allclose(p["w"], [1.0 - 0.05, -2.0 - 0.1])


def test_sgd_momentum_two_steps_by_hand():
    p = {"w": np.array([0.0])}
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step(p, {"w": np.array([1.0])})  # v = 1          -> w = -0.1
    assert p["w"][0] == pytest.approx(-0.1)
    opt.step(p, {"w": np.array([2.0])})  # v = 0.9*1 + 2 = 2.9 -> w = -0.1 - 0.29
    assert p["w"][0] == pytest.approx(-0.39)


def test_adam_first_step_is_minus_lr_sign_g():
    p = {"w": np.array([1.0, 1.0, 1.0]), "b": np.array([[0.0]])}
    g = {"w": np.array([1e-3, -50.0, 2.0]), "b": np.array([[-7.0]])}
    Adam(lr=0.01).step(p, g)
    np.testing.assert_allclose(p["w"], [0.99, 1.01, 0.99], rtol=0, atol=1e-7)
    np.testing.assert_allclose(p["b"], [[0.01]], atol=1e-9)


def test_adam_second_step_by_hand():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    p = {"w": np.array([0.0])}
    opt = Adam(lr=lr, betas=(b1, b2), eps=eps)
    opt.step(p, {"w": np.array([1.0])})
    opt.step(p, {"w": np.array([3.0])})
    # by hand: m1 = 0.1, v1 = 0.001; m2 = 0.9*0.1 + 0.1*3 = 0.39; v2 = 0.999*0.001 + 0.001*9
    m2, v2 = 0.39, 0.000999 + 0.009
    m_hat, v_hat = m2 / (1 - 0.81), v2 / (1 - 0.999**2)
    first = -lr * 1.0 / (1.0 + eps)  # m_hat = 1, v_hat = 1 on step 1
    expected = first - lr * m_hat / (math.sqrt(v_hat) + eps)
    assert p["w"][0] == pytest.approx(expected, rel=1e-12)
    assert p["w"][0] == pytest.approx(-0.1 - 0.1 * 2.0526316 / 2.2365154, rel=1e-6)


def test_updates_are_in_place_and_ignore_extra_grads():
    w = np.array([1.0])
    p = {"w": w}
    Adam(lr=0.5).step(p, {"w": np.array([2.0]), "x": np.zeros((3, 2))})
    assert p["w"] is w and w[0] == pytest.approx(0.5)


def test_missing_or_misshapen_grad_raises():
    with pytest.raises(ValueError, match="'w'"):
        SGD().step({"w": np.zeros(2)}, {})
    with pytest.raises(ValueError, match="shape"):
        SGD().step({"w": np.zeros(2)}, {"w": np.zeros(3)})
    with pytest.raises(ValueError, match="lr"):
        Adam(lr=-1)


def test_clip_grad_norm_rescales_to_max_norm_and_returns_old_norm():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # norm 5
    total = clip_grad_norm(g, 1.0)
    assert total == pytest.approx(5.0)
    np.testing.assert_allclose(g["a"], [0.6, 0.0])
    np.testing.assert_allclose(g["b"], [[0.8]])


def test_clip_grad_norm_leaves_small_gradients_alone_and_respects_keys():
    g = {"a": np.array([0.3, 0.4]), "x": np.array([100.0])}
    assert clip_grad_norm(g, 1.0, keys=["a"]) == pytest.approx(0.5)
    np.testing.assert_allclose(g["a"], [0.3, 0.4])
    assert g["x"][0] == 100.0
    with pytest.raises(ValueError, match="NaN"):
        clip_grad_norm({"a": np.array([np.nan])}, 1.0)


def test_clip_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(3, 4)) * 10, rng.normal(size=(5,))]
    ts = [torch.nn.Parameter(torch.zeros(a.shape, dtype=torch.float64)) for a in arrays]
    for t, a in zip(ts, arrays, strict=True):
        t.grad = torch.tensor(a)
    tn = torch.nn.utils.clip_grad_norm_(ts, 2.0)
    g = {str(k): a.copy() for k, a in enumerate(arrays)}
    assert clip_grad_norm(g, 2.0) == pytest.approx(float(tn), rel=1e-12)
    # torch divides by (norm + 1e-6), Pascanu et al. and lstm_edu by the norm itself
    for k, t in enumerate(ts):
        np.testing.assert_allclose(g[str(k)], t.grad.numpy(), rtol=1e-6)


def test_adam_matches_torch_over_several_steps():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    w0 = rng.normal(size=(4,))
    tw = torch.nn.Parameter(torch.tensor(w0.copy()))
    topt = torch.optim.Adam([tw], lr=0.05)
    p = {"w": w0.copy()}
    opt = Adam(lr=0.05)
    for _ in range(5):
        g = rng.normal(size=(4,))
        tw.grad = torch.tensor(g)
        topt.step()
        opt.step(p, {"w": g})
    np.testing.assert_allclose(p["w"], tw.detach().numpy(), rtol=1e-10)
