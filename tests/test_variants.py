"""LSTM variants: gradients against central differences, the full variant equal to the core
LSTM, and each variant's defining equation checked on its trace."""

import numpy as np
import pytest

from lstm_edu import LSTM
from lstm_edu.gradcheck import numerical_gradient, relative_error
from lstm_edu.variants import VARIANT_GATES, VARIANTS, LSTMVariant, set_forget_bias


@pytest.mark.parametrize("variant", VARIANTS)
def test_backward_matches_finite_differences(variant):
    rng = np.random.default_rng(0)
    m = LSTMVariant(3, 4, variant=variant, seed=1)
    if variant == "peephole":  # make peepholes large enough to matter
        for k in ("peephole_i", "peephole_f", "peephole_o"):
            m.params[k][:] = rng.normal(size=4)
    x = rng.normal(size=(5, 2, 3))
    h0, c0 = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    w = rng.normal(size=(5, 2, 4))  # L = sum(w * h)

    def L():
        return float(np.sum(w * m.forward(x, h0, c0).h))

    g = m.backward(m.forward(x, h0, c0), w)
    for name, arr in list(m.params.items()) + [("x", x), ("h0", h0), ("c0", c0)]:
        assert relative_error(g[name], numerical_gradient(L, arr)) < 1e-7, name


def test_full_variant_equals_core_lstm():
    rng = np.random.default_rng(2)
    v = LSTMVariant(3, 5, variant="full", seed=3)
    core = LSTM.from_params({k: a.copy() for k, a in v.params.items()})
    x, h0, c0 = rng.normal(size=(6, 4, 3)), rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    tv, tc = v.forward(x, h0, c0), core.forward(x, h0, c0)
    np.testing.assert_allclose(tv.h, tc.h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tv.c, tc.c, rtol=1e-12, atol=1e-14)
    for gname in "ifgo":
        np.testing.assert_allclose(tv.gates[gname], tc.gates[gname], atol=1e-14)
    dh = rng.normal(size=(6, 4, 5))
    gv, gc = v.backward(tv, dh), core.backward(tc, dh)
    for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0", "c0"):
        np.testing.assert_allclose(gv[k], gc[k], rtol=1e-10, atol=1e-13)


def test_variant_equations_hold_on_the_trace():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(7, 3, 2))
    c0 = rng.normal(size=(3, 4))
    nfg = LSTMVariant(2, 4, "nfg", seed=0).forward(x, c0=c0)
    c_prev = np.concatenate([c0[None], nfg.c[:-1]])
    np.testing.assert_allclose(nfg.c, c_prev + nfg.gates["i"] * nfg.gates["g"], atol=1e-14)
    assert "f" not in nfg.gates
    nog = LSTMVariant(2, 4, "nog", seed=0).forward(x)
    np.testing.assert_allclose(nog.h, np.tanh(nog.c), atol=1e-15)
    cifg = LSTMVariant(2, 4, "cifg", seed=0).forward(x)
    np.testing.assert_allclose(cifg.gates["f"], 1 - cifg.gates["i"], atol=1e-15)


def test_parameter_counts():
    I, H = 3, 5  # noqa: E741 (the book's letters)
    per_gate = H * I + H * H + 2 * H
    counts = {v: sum(a.size for a in LSTMVariant(I, H, v).params.values()) for v in VARIANTS}
    assert counts["full"] == 4 * per_gate
    assert counts["nfg"] == counts["nog"] == counts["cifg"] == 3 * per_gate
    assert counts["peephole"] == 4 * per_gate + 3 * H


def test_set_forget_bias_on_core_and_variant():
    core = LSTM(2, 3, seed=0)
    set_forget_bias(core, 1.0)
    b = core.params["bias_ih"] + core.params["bias_hh"]
    np.testing.assert_allclose(b[3:6], 1.0)
    # a large forget bias makes f close to 1 on zero input
    v = LSTMVariant(2, 3, "peephole", seed=0)
    set_forget_bias(v, 20.0)
    assert np.all(v.forward(np.zeros((2, 1, 2))).gates["f"] > 0.999)
    with pytest.raises(ValueError, match="forget"):
        set_forget_bias(LSTMVariant(2, 3, "nfg"), 1.0)


def test_bad_input():
    with pytest.raises(ValueError, match="variant"):
        LSTMVariant(2, 3, "gru")
    with pytest.raises(ValueError, match=r"x: expected .*\(T, B, I=2\)"):
        LSTMVariant(2, 3).forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        LSTMVariant(2, 3).forward(np.full((2, 1, 2), np.nan))
    with pytest.raises(ValueError, match="shape"):
        LSTMVariant.from_params({"weight_ih": np.zeros((9, 2)), "weight_hh": np.zeros((9, 2)),
                                 "bias_ih": np.zeros(9), "bias_hh": np.zeros(9)}, "nfg")


def test_large_preactivations_do_not_overflow():
    m = LSTMVariant(2, 3, "peephole", seed=0)
    with np.errstate(over="raise", invalid="raise"):
        tr = m.forward(np.full((3, 2, 2), 1e6))
    assert np.all(np.isfinite(tr.h))


def test_from_params_copies_and_checks_like_the_core():
    params = LSTMVariant(2, 3, "peephole", seed=0).params
    v = LSTMVariant.from_params(params, variant="peephole")
    params["peephole_i"][:] = 99.0                   # the caller's arrays are not shared
    assert not np.any(v.params["peephole_i"] == 99.0)
    with pytest.raises(ValueError, match=r"params: expected exactly the keys .*peephole_o"):
        LSTMVariant.from_params({k: p for k, p in params.items() if k != "peephole_o"},
                                variant="peephole")
    with pytest.raises(ValueError, match=r"h0: expected .*\(2, 3\)"):
        v.forward(np.zeros((4, 2, 2)), h0=np.zeros((3, 3)))


def test_default_seed_draws_fresh_parameters():
    a, b = LSTMVariant(2, 3, "cifg"), LSTMVariant(2, 3, "cifg")
    assert not np.allclose(a.params["weight_hh"], b.params["weight_hh"])
    assert a.num_params == sum(p.size for p in a.params.values()) == 3 * (2 * 3 + 9 + 6)


def _torch_variant_loss(variant, params, x, h0, c0, R, truncated):
    """The variant's forward in PyTorch autograd; ``truncated`` detaches h_{t-1} in every
    pre-activation (the 1997 paper's cut), so autograd gives the truncated gradient."""
    torch = pytest.importorskip("torch")
    P = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    xs = torch.tensor(x, requires_grad=True)
    h, c = torch.tensor(h0, requires_grad=True), torch.tensor(c0, requires_grad=True)
    leaves = dict(P, x=xs, h0=h, c0=c)
    names = VARIANT_GATES[variant]
    loss = 0
    for t in range(x.shape[0]):
        h_in = h.detach() if truncated else h
        a = xs[t] @ P["weight_ih"].T + P["bias_ih"] + P["bias_hh"] + h_in @ P["weight_hh"].T
        blk = dict(zip(names, torch.chunk(a, len(names), dim=1), strict=True))
        if variant == "peephole":
            blk["i"] = blk["i"] + P["peephole_i"] * c
            blk["f"] = blk["f"] + P["peephole_f"] * c
        i, g = torch.sigmoid(blk["i"]), torch.tanh(blk["g"])
        if "f" in blk:
            f = torch.sigmoid(blk["f"])
        else:                                  # nfg: f = 1; cifg: f = 1 - i
            f = 1.0 - i if variant == "cifg" else 1.0
        c = f * c + i * g
        if "o" in blk:
            ao = blk["o"] + P["peephole_o"] * c if variant == "peephole" else blk["o"]
            h = torch.sigmoid(ao) * torch.tanh(c)
        else:
            h = torch.tanh(c)
        loss = loss + (h * torch.tensor(R[t])).sum()
    loss.backward()
    return {k: np.zeros(v.shape) if v.grad is None else v.grad.numpy()   # None: unused (h0)
            for k, v in leaves.items()}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("truncated", [False, True])
def test_backward_matches_torch_full_and_truncated(variant, truncated):
    """Both gradients against PyTorch autograd; the truncated one (HS97 section 4: error leaves
    a step only through the cell state) against the same forward with h_{t-1} detached."""
    rng = np.random.default_rng(3)
    T, B, I, H = 7, 3, 2, 4
    model = LSTMVariant(I, H, variant=variant, seed=5, truncated=truncated)
    for key in model.params:                   # non-zero peepholes and biases everywhere
        model.params[key] += 0.3 * rng.standard_normal(model.params[key].shape)
    x = rng.standard_normal((T, B, I))
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    R = rng.standard_normal((T, B, H))
    grads = model.backward(model.forward(x, h0, c0), R)
    ref = _torch_variant_loss(variant, model.params, x, h0, c0, R, truncated)
    for key, want in ref.items():
        np.testing.assert_allclose(grads[key], want, rtol=0, atol=1e-12, err_msg=key)
    if truncated:
        assert np.all(grads["h0"] == 0)        # nothing flows into h_{t-1}: not even h0
        full = LSTMVariant.from_params(model.params, variant=variant)
        g_full = full.backward(full.forward(x, h0, c0), R)
        assert np.abs(g_full["weight_hh"] - grads["weight_hh"]).max() > 1e-3   # a real cut


def test_truncated_is_checked_and_shown():
    assert "truncated=True" in repr(LSTMVariant(2, 3, variant="nfg", seed=0, truncated=True))
    assert "truncated" not in repr(LSTMVariant(2, 3, variant="nfg", seed=0))
    with pytest.raises(TypeError, match=r"truncated: expected True or False, got 'yes'"):
        LSTMVariant(2, 3, truncated="yes")
    m = LSTMVariant.from_params(LSTMVariant(2, 3, variant="nfg", seed=0).params, variant="nfg",
                                truncated=True)
    assert m.truncated and m.variant == "nfg"
