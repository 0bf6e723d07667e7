"""lstm_edu.init: orthogonal, identity and chrono initialization, on one-layer and stacked params.

- Orthogonal: every (H, H) gate block Q of every weight_hh has Q^T Q = gain^2 I; the draw is
  Haar-uniform (the diagonal of Q has mean 0, which plain QR does not give); inputs untouched.
- Identity (Le et al. 2015): weight_hh = I, biases 0; with a zero state the gradient passes
  through 100 tanh steps unchanged (the Jacobian at 0 is I), where torch's default init loses it.
- Chrono (Tallec & Ollivier 2018): b_f = log(u) with u ~ U[1, T_max - 1] (a Kolmogorov-Smirnov
  distance below its 99.9 % critical value), b_i = -b_f, bias_hh blocks 0, g and o untouched;
  an LSTM's forget gates then give memory times 1 / (1 - f) in [2, T_max].
- Bad input names the argument.
"""

import numpy as np
import pytest

from lstm_edu import GRU, LSTM, RNN, StackedLSTM, StackedRNN
from lstm_edu.init import chrono_, identity_, orthogonal_, random_orthogonal


def blocks(w):
    H = w.shape[1]
    return [w[g * H:(g + 1) * H] for g in range(w.shape[0] // H)]


@pytest.mark.parametrize("model", [LSTM(3, 5, seed=0), GRU(3, 5, seed=0), RNN(3, 5, seed=0)],
                         ids=["lstm", "gru", "rnn"])
def test_orthogonal_blocks_one_layer(model):
    before = {k: v.copy() for k, v in model.params.items()}
    out = orthogonal_(model.params, seed=1, gain=1.5)
    assert out is model.params
    for q in blocks(model.params["weight_hh"]):
        np.testing.assert_allclose(q.T @ q, 1.5 ** 2 * np.eye(5), atol=1e-12)
        np.testing.assert_allclose(np.linalg.svd(q, compute_uv=False), 1.5, atol=1e-12)
    for k in ("weight_ih", "bias_ih", "bias_hh"):
        assert np.array_equal(model.params[k], before[k])
    gates = blocks(model.params["weight_hh"])
    assert all(not np.allclose(a, b) for a, b in zip(gates, gates[1:], strict=False))


def test_orthogonal_stacked_bidirectional_float32_and_seeded():
    net = StackedLSTM(3, 8, num_layers=2, bidirectional=True, seed=0, dtype=np.float32)
    orthogonal_(net.params, seed=2)
    keys = [k for k in net.params if k.startswith("weight_hh")]
    assert len(keys) == 4
    for k in keys:
        assert net.params[k].dtype == np.float32
        for q in blocks(net.params[k]):
            np.testing.assert_allclose(q.T @ q, np.eye(8), atol=1e-6)
    again = orthogonal_(StackedLSTM(3, 8, num_layers=2, bidirectional=True, seed=0,
                                    dtype=np.float32).params, seed=2)
    assert all(np.array_equal(again[k], net.params[k]) for k in keys)
    StackedLSTM.from_params(net.params).forward(np.zeros((4, 2, 3), dtype=np.float32))


def test_random_orthogonal_is_haar_uniform():
    """Under the Haar measure each entry has mean 0 and variance 1/n."""
    rng = np.random.default_rng(3)
    n, draws = 3, 4000
    q00 = np.array([random_orthogonal(n, rng)[0, 0] for _ in range(draws)])
    sd = np.sqrt(1 / n / draws)
    assert abs(q00.mean()) < 4 * sd
    assert abs(np.mean(q00 ** 2) - 1 / n) < 0.02
    plain = np.array([np.linalg.qr(rng.standard_normal((n, n)))[0][0, 0] for _ in range(400)])
    assert abs(plain.mean()) > 0.3           # numpy's QR alone is not uniform: the fix matters


def test_identity_rnn_and_its_gradient_path():
    rnn = RNN(2, 6, seed=4)
    identity_(rnn.params)
    assert np.array_equal(rnn.params["weight_hh"], np.eye(6))
    assert not rnn.params["bias_ih"].any() and not rnn.params["bias_hh"].any()
    T = 100
    dh = np.zeros((T, 1, 6))
    dh[-1] = np.arange(1, 7)
    x = np.zeros((T, 1, 2))
    g = rnn.backward(rnn.forward(x), dh)
    np.testing.assert_allclose(g["h0"][0], np.arange(1, 7), rtol=0, atol=1e-12)   # all of it
    default = RNN(2, 6, seed=4)
    g_default = default.backward(default.forward(x), dh)
    assert np.linalg.norm(g_default["h0"]) < 1e-3 * np.linalg.norm(dh[-1])
    net = StackedRNN(2, 3, num_layers=2, bidirectional=True, seed=5)
    identity_(net.params, scale=0.5)
    assert all(np.array_equal(v, 0.5 * np.eye(3)) for k, v in net.params.items()
               if k.startswith("weight_hh"))


@pytest.mark.parametrize("t_max", [2, 10, 784])
def test_chrono_biases_follow_the_formula(t_max):
    H = 4000
    lstm = LSTM(3, H, seed=6)
    before = {k: v.copy() for k, v in lstm.params.items()}
    chrono_(lstm.params, t_max=t_max, seed=7)
    b_ih, b_hh = lstm.params["bias_ih"], lstm.params["bias_hh"]
    b_i, b_f = b_ih[:H], b_ih[H:2 * H]
    assert np.all(b_f >= 0) and np.all(b_f <= np.log(t_max - 1) + 1e-12)
    assert np.array_equal(b_i, -b_f)
    assert not b_hh[:2 * H].any()
    assert np.array_equal(b_ih[2 * H:], before["bias_ih"][2 * H:])        # g, o unchanged
    assert np.array_equal(b_hh[2 * H:], before["bias_hh"][2 * H:])
    assert np.array_equal(lstm.params["weight_hh"], before["weight_hh"])
    if t_max > 2:   # exp(b_f) ~ U[1, t_max - 1]: Kolmogorov-Smirnov distance
        u = np.sort(np.exp(b_f))
        cdf = (u - 1) / (t_max - 2)
        ks = max(np.max(np.arange(1, H + 1) / H - cdf), np.max(cdf - np.arange(H) / H))
        assert ks < 1.95 / np.sqrt(H)                                      # 99.9 % level


def test_chrono_memory_times_span_two_to_t_max():
    """With no input and no recurrent weights, each unit's forget gate is sigmoid(b_f): it keeps
    its cell for 1 / (1 - f) = 1 + exp(b_f) steps, between 2 and T_max."""
    t_max, H = 50, 200
    lstm = LSTM(1, H, seed=8)
    lstm.params["weight_ih"][:] = 0
    lstm.params["weight_hh"][:] = 0
    chrono_(lstm.params, t_max=t_max, seed=9)
    f = lstm.forward(np.zeros((3, 1, 1))).gates["f"][0, 0]
    memory = 1 / (1 - f)
    assert memory.min() >= 2 - 1e-9 and memory.max() <= t_max + 1e-9
    assert memory.max() > 0.9 * t_max and memory.min() < 2 + 0.1 * t_max   # it is spread
    np.testing.assert_allclose(memory, 1 + np.exp(lstm.params["bias_ih"][H:2 * H]), rtol=1e-9)


def test_chrono_stacked():
    net = StackedLSTM(2, 4, num_layers=2, bidirectional=True, seed=10)
    chrono_(net.params, t_max=20, seed=11)
    for k in [k for k in net.params if k.startswith("bias_ih")]:
        b = net.params[k]
        assert np.all((b[4:8] >= 0) & (b[4:8] <= np.log(19))) and np.array_equal(b[:4], -b[4:8])
    assert not np.allclose(net.params["bias_ih_l0"][4:8], net.params["bias_ih_l1"][4:8])


BAD = {
    "chrono on a GRU": (lambda: chrono_(GRU(2, 3).params, 10), ValueError, ["params", "GRU"]),
    "identity on an LSTM": (lambda: identity_(LSTM(2, 3).params), ValueError,
                            ["params", "RNN", "LSTM"]),
    "t_max < 2": (lambda: chrono_(LSTM(2, 3).params, 1.5), ValueError, ["t_max", "1.5"]),
    "t_max str": (lambda: chrono_(LSTM(2, 3).params, "10"), TypeError, ["t_max", "'10'"]),
    "gain 0": (lambda: orthogonal_(LSTM(2, 3).params, gain=0), ValueError, ["gain", "0"]),
    "not a dict": (lambda: orthogonal_([1]), TypeError, ["params", "dict"]),
    "no weight_hh": (lambda: orthogonal_({"w": np.zeros(2)}), ValueError,
                     ["params", "weight_hh", "['w']"]),
    "bad weight_hh": (lambda: orthogonal_({"weight_hh": np.zeros((5, 3))}), ValueError,
                      ["params['weight_hh']", "(4H, H)", "(5, 3)"]),
    "missing bias": (lambda: orthogonal_({"weight_hh": np.zeros((3, 3))}), ValueError,
                     ["params['bias_ih']", "(3,)"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input(case):
    call, error, fragments = BAD[case]
    with pytest.raises(error) as info:
        call()
    missing = [f for f in fragments if f not in str(info.value)]
    assert not missing, f"{missing} not in: {info.value}"
