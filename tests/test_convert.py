"""lstm_edu.convert: torch key names, the Keras layouts and round trips.

The Keras direction is checked twice: against an independent numpy implementation of Keras'
LSTM equations (x @ kernel + h @ recurrent_kernel + bias, column blocks i, f, c, o), written
here from Keras' documentation, and against **real Keras 3 on the torch backend**
(``KERAS_BACKEND=torch``, set below before keras is imported): ``LSTM``, ``GRU``
(``reset_after=True``) and ``SimpleRNN`` layers, alone and stacked two and three deep with
``return_sequences=True``, plain and inside ``Bidirectional``, with and without a padding
mask (Keras' mask against lstm_edu's ``lengths``), in both directions (lstm_edu -> Keras via
``set_weights``, Keras -> lstm_edu via ``get_weights``). Keras runs in float32: outputs and
final states agree to a relative error of 1e-5. The torch direction loads the state dict into
a real ``torch.nn.LSTM``.

``python tests/test_convert.py`` prints the worst Keras parity error per case.
"""

import os

os.environ["KERAS_BACKEND"] = "torch"      # before keras is imported: no TensorFlow here

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lstm_edu import GRU, LSTM, RNN, StackedGRU, StackedLSTM, StackedRNN  # noqa: E402
from lstm_edu.convert import (  # noqa: E402
    from_keras,
    from_keras_layers,
    from_torch_state_dict,
    to_keras,
    to_keras_layers,
    to_torch_state_dict,
)


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


# ---- real Keras 3 (torch backend) ------------------------------------------------------------

# Keras 3.15 on numpy 2 warns about its own __array__ signature when weights are read back.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

KERAS_TOL = 1e-5
KINDS = {"LSTM": (LSTM, StackedLSTM, keras.layers.LSTM),
         "GRU": (GRU, StackedGRU, keras.layers.GRU),
         "RNN": (RNN, StackedRNN, keras.layers.SimpleRNN)}
T, B, I, H = 7, 4, 3, 5
LENGTHS = np.array([5, 7, 1, 3])            # unsorted, one of length 1, the longest is T


def rel_err(ours, ref):
    ref = np.asarray(ref, dtype=np.float64)
    return float(np.max(np.abs(np.asarray(ours, dtype=np.float64) - ref))
                 / max(np.max(np.abs(ref)), 1e-30))


def keras_numpy(t):
    return np.asarray(keras.ops.convert_to_numpy(t))


def keras_stack(kind, num_layers, bidirectional, masked):
    """A Keras functional model: num_layers layers of ``kind`` (each in ``Bidirectional`` if
    asked), return_sequences=True everywhere, the last also return_state=True. Inputs
    (x (B, T, I), mask (B, T) bool); outputs [sequence (B, T, D*H), final states...]."""
    layer_cls = KINDS[kind][2]
    x_in = keras.Input((T, I))
    mask_in = keras.Input((T,), dtype="bool")
    layers, y = [], x_in
    for k in range(num_layers):
        layer = layer_cls(H, return_sequences=True, return_state=k == num_layers - 1)
        if bidirectional:
            layer = keras.layers.Bidirectional(layer)
        layers.append(layer)
        y = layer(y, mask=mask_in) if masked else layer(y)
    return keras.Model([x_in, mask_in], y), layers


def run_keras(model, x, lengths):
    mask = np.arange(T)[None, :] < np.asarray(lengths)[:, None]          # (B, T)
    return [keras_numpy(o) for o in model([np.transpose(x, (1, 0, 2)), mask])]


def final_states(kind, tr, bidirectional):
    """Keras' return_state order from a lstm_edu trace: forward h (, c), then backward h (, c)."""
    dirs = [-2, -1] if bidirectional else [-1]
    return [s for k in dirs for s in ([tr.h_n[k], tr.c_n[k]] if kind == "LSTM" else [tr.h_n[k]])]


def stack_errors(kind, num_layers, bidirectional, masked, seed=0):
    """{quantity: relative error} of lstm_edu against Keras, both directions of conversion."""
    net = KINDS[kind][1](I, H, num_layers=num_layers, bidirectional=bidirectional, seed=seed)
    x = np.random.default_rng(seed + 100).standard_normal((T, B, I))
    lengths = LENGTHS if masked else np.full(B, T)
    model, layers = keras_stack(kind, num_layers, bidirectional, masked)
    for layer, w in zip(layers, to_keras_layers(net.params), strict=True):   # ours -> Keras
        layer.set_weights(w)
    out = run_keras(model, x, lengths)
    tr = net.forward(x, lengths=lengths if masked else None)
    seq = np.transpose(out[0], (1, 0, 2))                                   # (T, B, D*H)
    pad = np.arange(T)[:, None] >= lengths                                  # (T, B)
    errors = {"output": rel_err(seq[~pad], tr.output[~pad])}
    assert np.all(tr.output[pad] == 0)
    # at padded steps Bidirectional outputs zeros (as pad_packed_sequence); a plain masked
    # Keras layer repeats each sequence's last valid output there instead
    last = seq[lengths - 1, np.arange(B)]                                   # (B, D*H)
    expected_pad = 0 * seq if bidirectional else np.broadcast_to(last, seq.shape)
    assert np.array_equal(seq[pad], expected_pad[pad])
    for n, (a, b) in enumerate(zip(out[1:], final_states(kind, tr, bidirectional), strict=True)):
        errors[f"state {n}"] = rel_err(a, b)
    rng = np.random.default_rng(seed + 200)                                 # Keras -> ours
    for layer in layers:
        layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    back = KINDS[kind][1].from_params(from_keras_layers([ly.get_weights() for ly in layers]))
    assert (back.num_layers, back.bidirectional, back.dtype) == (num_layers, bidirectional,
                                                                 np.float32)
    out = run_keras(model, x, lengths)
    tr = back.forward(x.astype(np.float32), lengths=lengths if masked else None)
    errors["output from Keras"] = rel_err(np.transpose(out[0], (1, 0, 2))[~pad],
                                          tr.output[~pad])
    for n, (a, b) in enumerate(zip(out[1:], final_states(kind, tr, bidirectional), strict=True)):
        errors[f"state {n} from Keras"] = rel_err(a, b)
    return errors


@pytest.mark.parametrize("kind", list(KINDS))
def test_one_layer_matches_real_keras_both_ways(kind):
    one_cls, _, layer_cls = KINDS[kind]
    model = one_cls(I, H, seed=1)
    x = np.random.default_rng(1).standard_normal((T, B, I))
    layer = layer_cls(H, return_sequences=True, return_state=True)
    layer.build((B, T, I))
    weights = to_keras(model.params)
    assert [w.shape for w in weights] == [tuple(v.shape) for v in layer.weights]
    layer.set_weights(weights)
    out = [keras_numpy(o) for o in layer(np.transpose(x, (1, 0, 2)).astype(np.float32))]
    tr = model.forward(x)
    assert rel_err(np.transpose(out[0], (1, 0, 2)), tr.h) < KERAS_TOL
    assert rel_err(out[1], tr.h[-1]) < KERAS_TOL
    if kind == "LSTM":
        assert rel_err(out[2], tr.c[-1]) < KERAS_TOL
    rng = np.random.default_rng(2)                      # a Keras layer's weights -> lstm_edu
    layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    back = one_cls.from_params(from_keras(layer.get_weights()))
    out = keras_numpy(layer(np.transpose(x, (1, 0, 2)).astype(np.float32))[0])
    assert rel_err(np.transpose(out, (1, 0, 2)), back.forward(x.astype(np.float32)).h) \
        < KERAS_TOL


@pytest.mark.parametrize("masked", [False, True], ids=["full", "masked"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_stacks_match_real_keras(kind, bidirectional, masked):
    errors = stack_errors(kind, 2, bidirectional, masked)
    bad = {k: v for k, v in errors.items() if not v < KERAS_TOL}
    assert not bad, bad


def test_three_bidirectional_lstm_layers_match_real_keras():
    errors = stack_errors("LSTM", 3, True, True, seed=3)
    assert max(errors.values()) < KERAS_TOL, errors


def test_gru_blocks_are_reordered_and_both_biases_kept():
    """Keras' GRU columns are z, r, h; torch's rows r, z, n. reset_after=True: bias (2, 3H)."""
    gru = GRU(I, H, seed=4)
    kernel, recurrent, bias = to_keras(gru.params)
    w_ih, w_hh = gru.params["weight_ih"], gru.params["weight_hh"]
    z, r, n = slice(H, 2 * H), slice(0, H), slice(2 * H, 3 * H)          # torch's rows
    for keras_cols, rows in [(slice(0, H), z), (slice(H, 2 * H), r), (slice(2 * H, 3 * H), n)]:
        assert np.array_equal(kernel[:, keras_cols], w_ih[rows].T)
        assert np.array_equal(recurrent[:, keras_cols], w_hh[rows].T)
        assert np.array_equal(bias[0, keras_cols], gru.params["bias_ih"][rows])
        assert np.array_equal(bias[1, keras_cols], gru.params["bias_hh"][rows])
    back = from_keras([kernel, recurrent, bias])
    assert all(np.array_equal(back[k], gru.params[k]) for k in gru.params)   # nothing lost


def test_keras_gru_reset_before_is_refused():
    layer = keras.layers.GRU(H, reset_after=False)
    layer.build((B, T, I))
    assert layer.get_weights()[2].shape == (3 * H,)
    with pytest.raises(ValueError, match="reset_after=False"):
        from_keras(layer.get_weights())


def test_keras_layer_weights_bad_input():
    net = StackedLSTM(I, H, num_layers=2, bidirectional=True, seed=5)
    layers = to_keras_layers(net.params)
    assert [len(w) for w in layers] == [6, 6]
    with pytest.raises(ValueError, match=r"\[6, 3\]"):
        from_keras_layers([layers[0], layers[1][:3]])
    with pytest.raises(ValueError, match="layer_weights"):
        from_keras_layers([])
    wrong = [layers[0], [np.zeros((H, 4 * H))] + layers[1][1:]]             # needs (2H, 4H)
    with pytest.raises(ValueError, match=r"weight_ih_l1'\].*\(20, 10\).*\(20, 5\)"):
        from_keras_layers(wrong)
    with pytest.raises(ValueError, match="weight_hh_l0"):
        to_keras_layers({k: v for k, v in net.params.items() if k != "weight_hh_l0"})


def keras_parity_table():
    """Markdown: the worst relative error over outputs and final states, per case."""
    lines = ["| layer | layers | directions | padding mask | worst relative error |",
             "|---|---|---|---|---|"]
    for kind in KINDS:
        for bidirectional in (False, True):
            for masked in (False, True):
                worst = max(stack_errors(kind, 2, bidirectional, masked).values())
                lines.append(f"| {kind} | 2 | {'bi' if bidirectional else 'uni'} | "
                             f"{'yes' if masked else 'no'} | {worst:.1e} |")
    worst = max(stack_errors("LSTM", 3, True, True, seed=3).values())
    lines.append(f"| LSTM | 3 | bi | yes | {worst:.1e} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(keras_parity_table())
