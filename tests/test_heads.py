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


# ---------------------------------------------------------------- variable lengths (issue 12)

LENGTHS = np.array([4, 1, 3])  # unsorted, with a length-1 sequence; T = 4


def test_head_reads_each_sequences_last_valid_step():
    rng = np.random.default_rng(2)
    h = rng.normal(size=(4, 3, 5))
    head = LinearHead(5, 2, seed=1)
    y = head.forward(h, lengths=LENGTHS).y
    W, b = head.params["weight"], head.params["bias"]
    for j, n in enumerate(LENGTHS):       # by hand: row j read at step n - 1
        np.testing.assert_allclose(y[j], W @ h[n - 1, j] + b, rtol=1e-13)
    # no lengths: the last step, as before
    np.testing.assert_allclose(head.forward(h).y, h[-1] @ W.T + b, rtol=1e-13)


@pytest.mark.parametrize("kind", ["regression", "classification"])
def test_head_with_lengths_gradients_match_finite_differences(kind):
    rng = np.random.default_rng(3)
    h = rng.normal(size=(4, 3, 5))
    head = (LinearHead(5, 2, seed=1) if kind == "regression" else SoftmaxHead(5, 3, seed=1))
    y = rng.normal(size=(3, 2)) if kind == "regression" else np.array([0, 2, 1])
    loss_fn = mse if kind == "regression" else cross_entropy

    def L():
        return loss_fn(head.forward(h, LENGTHS).y, y)[0]

    tr = head.forward(h, LENGTHS)
    g = head.backward(tr, loss_fn(tr.y, y)[1])
    for name in ("weight", "bias"):
        assert relative_error(g[name], numerical_gradient(L, head.params[name])) < 1e-7
    assert relative_error(g["h"], numerical_gradient(L, h)) < 1e-7
    read = np.zeros((4, 3), bool)
    read[LENGTHS - 1, np.arange(3)] = True
    assert np.all(g["h"][~read] == 0) and np.all(np.abs(g["h"][read]).sum(-1) > 0)


def test_masked_losses_equal_the_losses_of_the_valid_steps_alone():
    rng = np.random.default_rng(4)
    pred, target = rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 3, 2))
    logits, labels = rng.normal(size=(4, 3, 5)), rng.integers(0, 5, (4, 3))
    valid = np.arange(4)[:, None] < LENGTHS                         # (T, B)
    target[~valid] = np.nan                                          # padding is never read
    labels[~valid] = -1
    loss, d = mse(pred, target, lengths=LENGTHS)
    assert loss == pytest.approx(np.mean((pred[valid] - target[valid]) ** 2), rel=1e-13)
    loss_ce, d_ce = cross_entropy(logits, labels, lengths=LENGTHS)
    ref = cross_entropy(logits[valid], labels[valid])[0]             # (8, C): 8 valid steps
    assert loss_ce == pytest.approx(ref, rel=1e-13)
    assert np.all(d[~valid] == 0) and np.all(d_ce[~valid] == 0)
    assert np.isfinite(d).all()
    for f, a, y, g in ((mse, pred, target, d), (cross_entropy, logits, labels, d_ce)):
        num = numerical_gradient(lambda f=f, a=a, y=y: f(a, y, lengths=LENGTHS)[0], a)
        assert relative_error(g, num) < 1e-7


@pytest.mark.parametrize("cell", ["lstm", "rnn", "gru", "peephole"])
@pytest.mark.parametrize("over,task", [("last", "classification"), ("last", "regression"),
                                       ("all", "classification"), ("all", "regression")])
def test_model_with_lengths_gradients_match_finite_differences(cell, over, task):
    rng = np.random.default_rng(5)
    model = build_model(cell, 2, 3, output_size=3 if task == "classification" else 2,
                        task=task, over=over, seed=0)
    x = rng.normal(size=(4, 3, 2))
    shape = (3,) if over == "last" else (4, 3)
    y = rng.integers(0, 3, shape) if task == "classification" else rng.normal(size=shape + (2,))
    loss, grads = model.loss_and_grads(x, y, lengths=LENGTHS)
    for name, p in model.params.items():
        num = numerical_gradient(lambda: model.loss_and_grads(x, y, lengths=LENGTHS)[0], p)
        assert relative_error(grads[name], num) < 1e-6, name


@pytest.mark.parametrize("over", ["last", "all"])
def test_result_does_not_depend_on_padding_or_batch_mates(over):
    rng = np.random.default_rng(6)
    model = build_model("lstm", 2, 4, output_size=3, task="classification", over=over, seed=0)
    seqs = [rng.normal(size=(n, 2)) for n in LENGTHS]
    labels = [rng.integers(0, 3, () if over == "last" else (n,)) for n in LENGTHS]

    def padded(T, fill):
        x = np.full((T, 3, 2), fill)
        y = np.zeros((3,) if over == "last" else (T, 3), dtype=int)
        for j, (s, lab) in enumerate(zip(seqs, labels, strict=True)):
            x[:len(s), j] = s
            if over == "last":
                y[j] = lab
            else:
                y[:len(s), j] = lab
        return x, y

    x4, y4 = padded(4, 0.0)
    x9, y9 = padded(9, 7.5)                       # more padding, holding large values
    l4, g4 = model.loss_and_grads(x4, y4, lengths=LENGTHS)
    l9, g9 = model.loss_and_grads(x9, y9, lengths=LENGTHS)
    assert l9 == pytest.approx(l4, rel=1e-12)
    for k in g4:
        np.testing.assert_allclose(g9[k], g4[k], rtol=1e-10, atol=1e-14)
    p4, p9 = model.predict(x4, LENGTHS), model.predict(x9, LENGTHS)
    for j, s in enumerate(seqs):                  # each sequence alone, no padding at all
        alone = model.predict(s[:, None, :])
        got4, got9 = (p4[j], p9[j]) if over == "last" else (p4[:len(s), j], p9[:len(s), j])
        np.testing.assert_allclose(got4, alone.reshape(got4.shape), rtol=1e-12)
        np.testing.assert_allclose(got9, alone.reshape(got9.shape), rtol=1e-12)
    # per-step accuracy counts the valid steps only
    m = model.evaluate(x9, y9, lengths=LENGTHS)
    hits = [np.mean(model.predict(s[:, None]).argmax(-1).ravel() == np.ravel(lab))
            for s, lab in zip(seqs, labels, strict=True)]
    weights = LENGTHS if over == "all" else np.ones(3)
    assert m["accuracy"] == pytest.approx(np.average(hits, weights=weights))


def test_bad_lengths_name_the_argument():
    model = build_model("lstm", 2, 3, output_size=2, task="classification", seed=0)
    x, y = np.zeros((4, 3, 2)), np.zeros(3, dtype=int)
    for bad, err in (([4, 0, 3], ValueError), ([4, 5, 3], ValueError), ([4, 3], ValueError),
                     ([4.0, 1.0, 3.0], TypeError), ([[4, 1, 3]], ValueError)):
        with pytest.raises(err, match="lengths"):
            model.loss_and_grads(x, y, lengths=bad)
    with pytest.raises(ValueError, match="lengths"):
        LinearHead(2).forward(np.zeros((4, 3, 2)), lengths=[1, 2])
    with pytest.raises(ValueError, match="lengths"):
        mse(np.zeros((3, 1)), np.zeros(3), lengths=[1, 1, 1])   # not per-step
    with pytest.raises(ValueError, match="lengths"):
        cross_entropy(np.zeros((4, 3, 2)), np.zeros((4, 3), int), lengths=[1, 9, 1])


def _torch_reference(model, x, labels, lengths):
    """loss and grads of the same model in torch (float64): pack_padded_sequence, Linear,
    CrossEntropyLoss (ignore_index=-1 at padded steps); keyed like ``model.params``."""
    torch = pytest.importorskip("torch")
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    core = model.core
    stacked = hasattr(core, "num_layers")
    kind = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN": torch.nn.RNN}
    name = type(core).__name__.replace("Stacked", "")
    net = kind[name](core.input_size, core.hidden_size, dtype=torch.float64,
                     num_layers=core.num_layers if stacked else 1,
                     bidirectional=core.bidirectional if stacked else False)
    W = model.head.params
    lin = torch.nn.Linear(W["weight"].shape[1], W["weight"].shape[0], dtype=torch.float64)
    with torch.no_grad():
        for k, p in net.named_parameters():
            p.copy_(torch.from_numpy(core.params[k if stacked else k.removesuffix("_l0")]))
        lin.weight.copy_(torch.from_numpy(W["weight"]))
        lin.bias.copy_(torch.from_numpy(W["bias"]))
    packed = pack_padded_sequence(torch.from_numpy(x), torch.as_tensor(lengths),
                                  enforce_sorted=False)
    out, state = net(packed)
    h_n = state[0] if isinstance(state, tuple) else state
    if model.over == "last":      # torch's idiom: the final states of the last layer
        feats = torch.cat([h_n[-2], h_n[-1]], 1) if getattr(core, "bidirectional", 0) else h_n[-1]
        loss = torch.nn.functional.cross_entropy(lin(feats), torch.as_tensor(labels))
    else:
        out, _ = pad_packed_sequence(out, total_length=x.shape[0])
        lab = torch.as_tensor(np.where(np.arange(x.shape[0])[:, None] < lengths, labels, -1))
        z = lin(out)
        loss = torch.nn.functional.cross_entropy(z.reshape(-1, z.shape[-1]), lab.reshape(-1),
                                                 ignore_index=-1)
    loss.backward()
    grads = {f"core.{k if stacked else k.removesuffix('_l0')}": p.grad.numpy()
             for k, p in net.named_parameters()}
    grads.update({"head.weight": lin.weight.grad.numpy(), "head.bias": lin.bias.grad.numpy()})
    return float(loss.detach()), grads


@pytest.mark.parametrize("cell,over", [("lstm", "last"), ("lstm", "all"), ("gru", "last"),
                                       ("rnn", "all"), ("stacked-bi", "last"),
                                       ("stacked-bi", "all")])
def test_lengths_match_torch_pack_padded_sequence(cell, over):
    from lstm_edu import StackedLSTM
    from lstm_edu.training.model import SequenceModel

    rng = np.random.default_rng(7)
    T, B, I, H, C = 6, 4, 3, 5, 3  # noqa: E741 (the book's letters)
    lengths = np.array([3, 6, 1, 4])
    if cell == "stacked-bi":
        core = StackedLSTM(I, H, num_layers=2, bidirectional=True, seed=0)
        model = SequenceModel(core, SoftmaxHead(2 * H, C, over=over, seed=1))
    else:
        model = build_model(cell, I, H, C, task="classification", over=over, seed=0)
    x = rng.normal(size=(T, B, I))
    x[np.arange(T)[:, None] >= lengths] = 0.0                        # right-padded
    y = rng.integers(0, C, B if over == "last" else (T, B))
    loss, grads = model.loss_and_grads(x, y, lengths=lengths)
    ref_loss, ref = _torch_reference(model, x, y, lengths)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    assert set(ref) == set(grads)
    for k in ref:
        err = np.max(np.abs(grads[k] - ref[k])) / max(np.max(np.abs(ref[k])), 1e-300)
        assert err < 1e-9, (k, err)
