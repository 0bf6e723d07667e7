"""lstm_edu.attention against torch's scaled_dot_product_attention, and its properties."""

import numpy as np
import pytest
import torch

from lstm_edu.activations import softmax
from lstm_edu.attention import scaled_dot_product_attention


@pytest.mark.parametrize("causal", [False, True])
def test_matches_torch(causal):
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 3))
    out, w = scaled_dot_product_attention(q, k, v, causal=causal)
    ref = torch.nn.functional.scaled_dot_product_attention(
        *(torch.from_numpy(a) for a in (q, k, v)), is_causal=causal)
    assert np.allclose(out, ref.numpy(), atol=1e-12)
    assert np.allclose(w.sum(-1), 1.0)


def test_causal_weights_are_lower_triangular():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 4))
    _, w = scaled_dot_product_attention(x, x, x, causal=True)
    assert np.all(np.triu(w, k=1) == 0.0)
    assert w[0, 0] == 1.0


def test_softmax_stable_and_shift_invariant():
    z = np.array([1e4, 0.0, -1e4])
    with np.errstate(over="raise", invalid="raise"):
        p = softmax(z)
    assert np.allclose(p, [1.0, 0.0, 0.0])
    y = np.array([0.3, -1.2, 2.0])
    assert np.allclose(softmax(y), softmax(y + 100.0))


def test_identical_keys_give_uniform_weights():
    q = np.ones((1, 4))
    k = np.ones((3, 4))
    v = np.arange(6.0).reshape(3, 2)
    out, w = scaled_dot_product_attention(q, k, v)
    assert np.allclose(w, 1 / 3) and np.allclose(out, v.mean(axis=0))


def test_shape_errors():
    with pytest.raises(ValueError, match="last axis"):
        scaled_dot_product_attention(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="same number of steps"):
        scaled_dot_product_attention(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="causal"):
        q, k, v = np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 1))
        scaled_dot_product_attention(q, k, v, causal=True)
