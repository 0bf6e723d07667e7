"""LSTM variants: gradients against central differences, the full variant equal to the core
LSTM, and each variant's defining equation checked on its trace."""

import numpy as np
import pytest

from lstm_edu import LSTM
from lstm_edu.gradcheck import numerical_gradient, relative_error
from lstm_edu.variants import VARIANTS, LSTMVariant, set_forget_bias


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
