"""lstm_edu.convert: torch key names, the Keras layout and round trips.

The Keras direction is checked against an independent numpy implementation of Keras' LSTM
equations (x @ kernel + h @ recurrent_kernel + bias, column blocks i, f, c, o), written here
from Keras' documentation, not from lstm_edu. The torch direction loads the state dict into a
real ``torch.nn.LSTM``.
"""

import numpy as np
import pytest
import torch

from lstm_edu import LSTM
from lstm_edu.convert import from_keras, from_torch_state_dict, to_keras, to_torch_state_dict


def keras_lstm_forward(x_btI, kernel, recurrent_kernel, bias):
    """Keras LSTM (activation tanh, recurrent_activation sigmoid), batch-first x (B, T, I)."""
    B, T, _ = x_btI.shape
    H = recurrent_kernel.shape[0]
    h, c = np.zeros((B, H)), np.zeros((B, H))
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    outs = []
    for t in range(T):
        z = x_btI[:, t] @ kernel + h @ recurrent_kernel + bias
        z_i, z_f, z_c, z_o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
        i, f, o = sig(z_i), sig(z_f), sig(z_o)
        c = f * c + i * np.tanh(z_c)
        h = o * np.tanh(c)
        outs.append(h)
    return np.stack(outs, axis=1)  # (B, T, H)


@pytest.fixture
def model_and_x():
    lstm = LSTM(input_size=3, hidden_size=5, seed=7)
    x = np.random.default_rng(0).normal(size=(6, 2, 3))
    return lstm, x


def test_keras_layout_shapes(model_and_x):
    lstm, _ = model_and_x
    kernel, rec, bias = to_keras(lstm.params)
    assert kernel.shape == (3, 20) and rec.shape == (5, 20) and bias.shape == (20,)


def test_keras_equations_match_lstm_edu(model_and_x):
    lstm, x = model_and_x
    h_keras = keras_lstm_forward(np.transpose(x, (1, 0, 2)), *to_keras(lstm.params))
    assert np.allclose(np.transpose(h_keras, (1, 0, 2)), lstm.forward(x).h, atol=1e-12)


def test_keras_round_trip(model_and_x):
    lstm, x = model_and_x
    weights = to_keras(lstm.params)
    back = from_keras(weights)
    for a, b in zip(to_keras(back), weights, strict=True):
        assert np.array_equal(a, b)
    assert np.allclose(LSTM.from_params(back).forward(x).h, lstm.forward(x).h, atol=1e-12)
    assert np.array_equal(back["bias_hh"], np.zeros(20))


def test_torch_state_dict_loads_and_matches(model_and_x):
    lstm, x = model_and_x
    sd = to_torch_state_dict(lstm.params)
    assert set(sd) == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    net = torch.nn.LSTM(3, 5, dtype=torch.float64)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    with torch.no_grad():
        out, _ = net(torch.from_numpy(x))
    assert np.allclose(out.numpy(), lstm.forward(x).h, atol=1e-12)


def test_torch_round_trip_is_exact(model_and_x):
    lstm, _ = model_and_x
    net = torch.nn.LSTM(3, 5, dtype=torch.float64)
    params = from_torch_state_dict({k: v.detach().numpy() for k, v in net.state_dict().items()})
    sd = to_torch_state_dict(params)
    for k, v in net.state_dict().items():
        assert np.array_equal(sd[k], v.numpy())
    back = from_torch_state_dict(to_torch_state_dict(lstm.params))
    for k in lstm.params:
        assert np.array_equal(back[k], lstm.params[k])


def test_copies_not_views(model_and_x):
    lstm, _ = model_and_x
    kernel = to_keras(lstm.params)[0]
    kernel[0, 0] += 1.0
    assert not np.isclose(lstm.params["weight_ih"][0, 0], kernel[0, 0])


@pytest.mark.parametrize("bad", [
    lambda p: {k: v for k, v in p.items() if k != "bias_hh"},
    lambda p: {**p, "weight_ih": p["weight_ih"][:-1]},
    lambda p: {**p, "weight_hh": p["weight_hh"][:, :-1]},
])
def test_bad_params_raise(model_and_x, bad):
    lstm, _ = model_and_x
    with pytest.raises(ValueError):
        to_keras(bad(lstm.params))
    with pytest.raises(ValueError):
        to_torch_state_dict(bad(lstm.params))


def test_bad_keras_weights_raise():
    with pytest.raises(ValueError, match="recurrent_kernel"):
        from_keras([np.zeros((3, 20)), np.zeros((4, 20)), np.zeros(20)])
    with pytest.raises(ValueError, match="bias"):
        from_keras([np.zeros((3, 20)), np.zeros((5, 20)), np.zeros(16)])
    with pytest.raises(ValueError, match="state_dict is missing"):
        from_torch_state_dict({"weight_ih_l0": np.zeros((20, 3))})
