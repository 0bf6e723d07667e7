"""Properties of the fast sequence loops, checked over many shapes and seeds with hypothesis.

- The fast LSTM/RNN/GRU forward and backward equal ``lstm_edu.cells``' reference loops over
  the readable step functions (the reference the book shows).
- Shapes and dtypes of everything; float32 stays float32.
- No overflow warning and sane values at huge pre-activations.
- Same seed, same numbers; params are read on every call.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_edu import GRU, LSTM, RNN
from lstm_edu.activations import sigmoid, tanh
from lstm_edu.cells import (
    gru_backward,
    gru_forward,
    lstm_backward,
    lstm_forward,
    rnn_backward,
    rnn_forward,
)

dims = st.tuples(st.integers(1, 6), st.integers(1, 4), st.integers(1, 4), st.integers(1, 5))
seeds = st.integers(0, 2**32 - 1)
dtypes = st.sampled_from([np.float64, np.float32])


def data(shape, seed, dtype=np.float64, scale=1.0):
    T, B, I, H = shape
    rng = np.random.default_rng(seed)
    x = (scale * rng.standard_normal((T, B, I))).astype(dtype)
    h0 = rng.standard_normal((B, H)).astype(dtype)
    c0 = rng.standard_normal((B, H)).astype(dtype)
    dh = rng.standard_normal((T, B, H)).astype(dtype)
    dc = rng.standard_normal((B, H)).astype(dtype)
    return x, h0, c0, dh, dc


def loop_lstm(params, x, h0, c0, dh, dc_last):
    """Forward and backward by the reference loops over cells.lstm_step_* (the book's path)."""
    h, c, caches = lstm_forward(x, h0, c0, params)
    dx, dh0, dc0, grads = lstm_backward(dh, caches, dc_last)
    grads.update(x=dx, h0=dh0, c0=dc0)
    gates = {g: np.stack([cache[g] for cache in caches]) for g in "ifgo"}
    return h, c, gates, grads


def loop_rnn_or_gru(seq_forward, seq_backward, params, x, h0, dh):
    h, caches = seq_forward(x, h0, params)
    dx, dh0, grads = seq_backward(dh, caches)
    grads.update(x=dx, h0=dh0)
    return h, caches, grads


def assert_close(a, b, rtol=1e-12):
    scale = max(np.max(np.abs(b)), 1.0)
    np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale)


@settings(max_examples=60, deadline=None)
@given(shape=dims, seed=seeds)
def test_fast_lstm_equals_looped_cells(shape, seed):
    x, h0, c0, dh, dc = data(shape, seed)
    model = LSTM(shape[2], shape[3], seed=seed)
    trace = model.forward(x, h0, c0)
    grads = model.backward(trace, dh, dc_last=dc)
    h, c, gates, ref = loop_lstm(model.params, x, h0, c0, dh, dc)
    assert_close(trace.h, h)
    assert_close(trace.c, c)
    for g in "ifgo":
        assert_close(trace.gates[g], gates[g])
    assert set(grads) == set(ref)
    for k in ref:
        assert_close(grads[k], ref[k])


@pytest.mark.parametrize("cls, seq_forward, seq_backward, gates", [
    (RNN, rnn_forward, rnn_backward, "a"),
    (GRU, gru_forward, gru_backward, "rzn"),
], ids=["rnn", "gru"])
@settings(max_examples=60, deadline=None)
@given(shape=dims, seed=seeds)
def test_fast_rnn_and_gru_equal_looped_cells(cls, seq_forward, seq_backward, gates, shape, seed):
    x, h0, _, dh, _ = data(shape, seed)
    model = cls(shape[2], shape[3], seed=seed)
    trace = model.forward(x, h0)
    grads = model.backward(trace, dh)
    h, caches, ref = loop_rnn_or_gru(seq_forward, seq_backward, model.params, x, h0, dh)
    assert_close(trace.h, h)
    for g in gates:
        assert_close(trace.gates[g], np.stack([cache[g] for cache in caches]))
    assert set(grads) == set(ref)
    for k in ref:
        assert_close(grads[k], ref[k])


@settings(max_examples=40, deadline=None)
@given(shape=dims, seed=seeds, dtype=dtypes, cls=st.sampled_from([LSTM, RNN, GRU]))
def test_shapes_and_dtypes(shape, seed, dtype, cls):
    T, B, I, H = shape
    x, h0, c0, dh, _ = data(shape, seed, dtype)
    model = cls(I, H, seed=seed, dtype=dtype)
    gates = {LSTM: "ifgo", GRU: "rzn", RNN: ["a"]}[cls]
    g = {LSTM: 4, GRU: 3, RNN: 1}[cls]
    assert {k: v.shape for k, v in model.params.items()} == {
        "weight_ih": (g * H, I), "weight_hh": (g * H, H), "bias_ih": (g * H,),
        "bias_hh": (g * H,)}
    assert all(v.dtype == dtype for v in model.params.values())
    trace = model.forward(x) if cls is not LSTM else model.forward(x, h0, c0)
    grads = model.backward(trace, dh)
    assert trace.x.shape == (T, B, I) and trace.h.shape == (T, B, H)
    assert trace.h0.shape == (B, H) and trace.h.dtype == dtype
    assert set(trace.gates) == set(gates)
    for v in trace.gates.values():
        assert v.shape == (T, B, H) and v.dtype == dtype
    if cls is LSTM:
        assert trace.c.shape == trace.tanh_c.shape == (T, B, H) and trace.c0.shape == (B, H)
        assert trace.c.dtype == dtype
        np.testing.assert_array_equal(trace.c0, c0)
    else:
        assert not hasattr(trace, "c")
    expected = {**{k: v.shape for k, v in model.params.items()}, "x": (T, B, I), "h0": (B, H)}
    if cls is LSTM:
        expected["c0"] = (B, H)
    assert {k: v.shape for k, v in grads.items()} == expected
    assert all(v.dtype == dtype for v in grads.values())


@settings(max_examples=30, deadline=None)
@given(shape=dims, seed=seeds, dtype=dtypes, cls=st.sampled_from([LSTM, RNN, GRU]),
       scale=st.sampled_from([1e4, 1e12, 1e30]))
def test_huge_pre_activations_do_not_overflow(shape, seed, dtype, cls, scale):
    """Pre-activations of size ~scale (finite in the dtype): no warning, gates saturate."""
    x, _, _, dh, _ = data(shape, seed, dtype)
    model = cls(shape[2], shape[3], seed=seed, dtype=dtype)
    for k in model.params:
        model.params[k] *= dtype(scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = model.forward(x)
        grads = model.backward(trace, dh)
    for gate in trace.gates.values():
        assert np.all(np.isfinite(gate))
    if cls is not RNN:
        for name in ("i", "f", "o", "r", "z"):
            if name in trace.gates:
                assert np.all((trace.gates[name] >= 0) & (trace.gates[name] <= 1))
    assert np.all(np.abs(trace.h) <= 1 + 1e-6)
    if scale <= 1e12:  # at 1e30, dx = da @ W_ih may legitimately exceed float32's range
        assert all(np.all(np.isfinite(g)) for g in grads.values())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activations_are_stable_and_keep_dtype(dtype):
    z = np.array([-1e4, -50.0, -1.0, 0.0, 1.0, 50.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, t = sigmoid(z), tanh(z)
    assert s.dtype == dtype and t.dtype == dtype
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    moderate = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_allclose(sigmoid(moderate.astype(dtype)), 1 / (1 + np.exp(-moderate)),
                               rtol=1e-6 if dtype == np.float32 else 1e-15)
    out = np.empty_like(z)
    assert sigmoid(z, out=out) is out


@settings(max_examples=20, deadline=None)
@given(seed=seeds, cls=st.sampled_from([LSTM, RNN, GRU]), dtype=dtypes)
def test_seed_determinism_and_torch_like_init(seed, cls, dtype):
    a, b, other = cls(3, 7, seed=seed, dtype=dtype), cls(3, 7, seed=seed, dtype=dtype), \
        cls(3, 7, seed=seed + 1, dtype=dtype)
    bound = 1 / np.sqrt(7)
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
        assert not np.array_equal(a.params[k], other.params[k])
        assert np.all(np.abs(a.params[k]) <= bound)
    x = np.random.default_rng(seed).standard_normal((4, 2, 3))
    np.testing.assert_array_equal(a.forward(x).h, b.forward(x).h)


@pytest.mark.parametrize("cls", [LSTM, RNN, GRU])
def test_forward_reads_current_params(cls):
    """Optimizers update model.params[name] in place: the next forward must see it."""
    model = cls(2, 3, seed=0)
    x = np.random.default_rng(0).standard_normal((4, 2, 2))
    before = model.forward(x).h.copy()
    model.params["weight_hh"] -= 0.1
    model.params["bias_ih"] += 0.2
    after = model.forward(x).h
    expected = cls.from_params(model.params).forward(x).h
    assert not np.allclose(before, after)
    np.testing.assert_array_equal(after, expected)


def test_repr():
    assert repr(LSTM(3, 5)) == "LSTM(input_size=3, hidden_size=5, dtype=float64)"
    assert repr(GRU(1, 2, dtype=np.float32)) == "GRU(input_size=1, hidden_size=2, dtype=float32)"
    assert "T=4, B=2, I=3, H=5" in repr(LSTM(3, 5).forward(np.zeros((4, 2, 3))))


@pytest.mark.parametrize("model", [LSTM, RNN, GRU])
def test_a_trace_repr_shows_sizes_not_arrays(model):
    trace = model(2, 3, seed=0, dtype=np.float32).forward(np.zeros((4, 5, 2)))
    assert repr(trace) == f"{model.__name__}Trace(T=4, B=5, I=2, H=3, dtype=float32)"
