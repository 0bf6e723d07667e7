"""lstm_edu.Seq2Seq: gradients (finite differences and PyTorch), padding, decoding, bad input.

The PyTorch reference is written here from the equations, not from lstm_edu's code: torch's
nn.LSTM with pack_padded_sequence for the encoder (its h_n, c_n are each sequence's state at
its last real token), nn.Embedding, the additive attention in autograd with masked_fill, and
F.cross_entropy(ignore_index=PAD) as the masked mean. Every gradient comes from autograd.
"""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from lstm_edu.gradcheck import numerical_gradient, relative_error
from lstm_edu.seq2seq import BOS, EOS, PAD, Seq2Seq, fit_seq2seq

LSTM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def randomized(model, seed, scale=0.7):
    """Replace every parameter by N(0, scale^2) entries, so that no gradient is tiny."""
    rng = np.random.default_rng(seed)
    for value in model.params.values():
        value[...] = rng.normal(0.0, scale, value.shape)
    return model


def padded_batch(B, S_extra=0, seed=0, Vs=9, Vt=7):
    """A batch of varied lengths with S_extra more all-PAD source rows."""
    src, tgt = Seq2Seq(Vs, Vt, 2).example_batch(B, seed=seed)
    return np.concatenate([src, np.zeros((S_extra, B), dtype=src.dtype)]), tgt


# ----------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("attention", [True, False])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_every_parameter_matches_finite_differences(attention, bidirectional):
    model = randomized(Seq2Seq(7, 6, 3, attention=attention, seed=1, embed_size=2,
                               bidirectional=bidirectional), seed=2)
    batch = padded_batch(4, S_extra=1, seed=3, Vs=7, Vt=6)
    assert np.any(batch[0] == PAD) and np.any(batch[1] == PAD)
    _, grads = model.loss_and_grads(batch)
    assert set(grads) == set(model.params)
    for name, value in model.params.items():
        numeric = numerical_gradient(lambda: model.loss(batch), value, eps=1e-6)
        assert np.abs(numeric).max() > 1e-4, name      # the check is not vacuous
        assert relative_error(grads[name], numeric) < 1e-6, name


def torch_loss(model, batch):
    """The same model in PyTorch (float64): (loss, {param name: torch tensor with .grad})."""
    src, tgt = (torch.from_numpy(a) for a in batch)
    (S, B), H, E = src.shape, model.hidden_size, model.embed_size
    p = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    src_embed = torch.nn.Embedding(*p["src_embed"].shape).double()
    tgt_embed = torch.nn.Embedding(*p["tgt_embed"].shape).double()
    bidi = model.bidirectional
    D = 2 if bidi else 1
    enc = torch.nn.LSTM(E, H, bidirectional=bidi).double()
    dec = torch.nn.LSTM(E, D * H).double()
    with torch.no_grad():
        src_embed.weight.copy_(p["src_embed"])
        tgt_embed.weight.copy_(p["tgt_embed"])
        for k in LSTM_KEYS:
            getattr(enc, f"{k}_l0").copy_(p[f"enc_{k}"])
            getattr(dec, f"{k}_l0").copy_(p[f"dec_{k}"])
            if bidi:
                getattr(enc, f"{k}_l0_reverse").copy_(p[f"enc_{k}_reverse"])
    lengths = (src != PAD).sum(0)
    packed = pack_padded_sequence(src_embed(src), lengths, enforce_sorted=False)
    enc_out, (h_n, c_n) = enc(packed)
    enc_h, _ = pad_packed_sequence(enc_out, total_length=S)       # (S, B, H)
    prev = torch.cat([torch.full((1, B), BOS), tgt[:-1]])
    if bidi:          # the decoder starts from [forward final; reverse final]: (1, B, 2H)
        h_n, c_n = (torch.cat([z[0], z[1]], dim=-1)[None] for z in (h_n, c_n))
    s, _ = dec(tgt_embed(prev), (h_n, c_n))                        # (U, B, D*H)
    feats = s
    if model.attention:
        z = torch.tanh((s @ p["attn_W"].T)[:, None] + (enc_h @ p["attn_U"].T)[None])
        score = z @ p["attn_v"]                                    # (U, S, B)
        pad = (torch.arange(S)[:, None] >= lengths)[None]
        alpha = torch.softmax(score.masked_fill(pad, float("-inf")), dim=1)
        ctx = torch.einsum("usb,sbh->ubh", alpha, enc_h)
        feats = torch.cat([s, ctx], dim=-1)
    logits = feats @ p["out_weight"].T + p["out_bias"]
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1),
                           ignore_index=PAD)
    loss.backward()
    refs = {"src_embed": src_embed.weight, "tgt_embed": tgt_embed.weight}
    for prefix, lstm in (("enc", enc), ("dec", dec)):
        refs.update({f"{prefix}_{k}": getattr(lstm, f"{k}_l0") for k in LSTM_KEYS})
    if bidi:
        refs.update({f"enc_{k}_reverse": getattr(enc, f"{k}_l0_reverse") for k in LSTM_KEYS})
    refs.update({k: v for k, v in p.items() if k not in refs})
    return loss.item(), {k: v.grad.numpy() for k, v in refs.items()}


def rel_err(ours, ref):
    return np.max(np.abs(ours - ref)) / max(np.max(np.abs(ref)), 1e-30)


@pytest.mark.parametrize("attention", [True, False])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("sizes", [(9, 7, 5, 3, 1, 0), (12, 8, 6, 4, 6, 2), (5, 4, 8, 8, 3, 1)])
def test_same_loss_and_gradients_as_pytorch(attention, bidirectional, sizes):
    Vs, Vt, H, E, B, S_extra = sizes
    model = randomized(Seq2Seq(Vs, Vt, H, attention=attention, seed=B, embed_size=E,
                               bidirectional=bidirectional), B, 0.5)
    batch = padded_batch(B, S_extra, seed=B + 10, Vs=Vs, Vt=Vt)
    ref_loss, ref_grads = torch_loss(model, batch)
    loss, grads = model.loss_and_grads(batch)
    assert abs(loss - ref_loss) <= 1e-12 * abs(ref_loss)
    assert set(grads) == set(ref_grads) == set(model.params)
    for name in grads:
        assert grads[name].shape == model.params[name].shape
        assert rel_err(grads[name], ref_grads[name]) <= 1e-9, name


# ----------------------------------------------------------------------------- padding


@pytest.mark.parametrize("attention", [True, False])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padding_does_not_change_any_sequence(attention, bidirectional):
    model = randomized(Seq2Seq(9, 7, 5, attention=attention, seed=0,
                               bidirectional=bidirectional), seed=4, scale=0.5)
    src, tgt = padded_batch(6, S_extra=3, seed=5)
    full = model.forward((src, tgt))
    assert len(set((src != PAD).sum(0))) > 2                    # lengths really differ
    for b in range(src.shape[1]):
        n_src, n_tgt = np.sum(src[:, b] != PAD), np.sum(tgt[:, b] != PAD)
        alone = model.forward((src[:n_src, [b]], tgt[:n_tgt, [b]]))
        np.testing.assert_allclose(full.nll[:, b].sum(), alone.nll.sum(), rtol=1e-12)
        assert np.all(full.nll[n_tgt:, b] == 0)
        if attention:                                           # PAD positions get weight 0
            assert np.all(full.attention[b, :, n_src:] == 0)
            np.testing.assert_allclose(full.attention[b, :n_tgt, :n_src],
                                       alone.attention[0], rtol=1e-12, atol=1e-15)
        assert model.translate(src[:n_src, [b]], max_len=5) == [
            model.translate(src, max_len=5)[b]]
    extra = (np.concatenate([src, np.zeros((4, 6), dtype=int)]),
             np.concatenate([tgt, np.zeros((2, 6), dtype=int)]))
    np.testing.assert_allclose(model.loss(extra), full.loss, rtol=1e-12)


def test_pad_embedding_gets_no_gradient():
    model = randomized(Seq2Seq(9, 7, 4, seed=0), seed=1)
    _, grads = model.loss_and_grads(padded_batch(5, S_extra=2, seed=2))
    assert np.all(grads["src_embed"][PAD] == 0) and np.any(grads["src_embed"][1:] != 0)


# ----------------------------------------------------------------------------- decoding


@pytest.fixture(scope="module")
def half_trained():
    """Reversal models trained briefly (about 2 s): unsure enough for beam search to matter."""
    models = []
    for attention, steps in ((True, 100), (False, 60)):
        model = Seq2Seq(6, 8, 16, attention=attention, seed=0, embed_size=8)
        fit_seq2seq(model, reversal_task(2000, 0), steps=steps, batch_size=32, lr=2e-2)
        models.append(model)
    return models, reversal_task(40, seed=2)[0]


def test_greedy_emits_the_teacher_forced_argmax(half_trained):
    """Feeding greedy's own output back with teacher forcing, each token is that step's argmax
    over the real tokens and EOS: step-by-step decoding and the batched forward agree."""
    models, src = half_trained
    for model in models:
        outputs = model.translate(src, max_len=10)
        assert all(len(out) < 10 for out in outputs)            # all finished
        tgt = np.full((11, src.shape[1]), PAD)
        for b, out in enumerate(outputs):
            tgt[:len(out) + 1, b] = [*out, EOS]
        logp = model.forward((src, tgt)).logp.copy()
        logp[..., [PAD, BOS]] = -np.inf
        real = tgt != PAD
        assert np.all(np.argmax(logp, axis=-1)[real] == tgt[real])


def test_beam_of_one_is_greedy(half_trained):
    models, src = half_trained
    for model in models:
        assert model.beam_search(src, beam_size=1, max_len=10) == model.translate(src, 10)
    for seed in range(4):                   # untrained: outputs are often cut at max_len
        model = randomized(Seq2Seq(9, 6, 4, attention=seed % 2 == 0, seed=seed,
                                   bidirectional=seed > 1), seed, 1.0)
        src = padded_batch(6, seed=seed)[0]
        assert model.beam_search(src, beam_size=1, max_len=6) == model.translate(src, 6)


def test_beam_scores_at_least_greedy(half_trained):
    models, src = half_trained
    strictly_better = 0
    for model, k in itertools.product(models, (2, 3, 5)):
        greedy = model.translate(src, max_len=10)
        beam = model.translate(src, max_len=10, beam_size=k)
        assert all(len(out) < 10 for out in greedy + beam)      # all finished
        ours, theirs = (model.sequence_log_prob(src, out) for out in (beam, greedy))
        assert np.all(ours >= theirs - 1e-12)
        strictly_better += int(np.sum(ours > theirs + 1e-9))
    assert strictly_better > 0                                  # beam found better ones too


def test_wide_beam_finds_the_most_probable_sequence():
    """Vt = 5 leaves two real tokens: all 15 outputs of <= 3 tokens are enumerated."""
    model = randomized(Seq2Seq(9, 5, 4, seed=7), seed=7, scale=1.0)
    src, _ = padded_batch(5, seed=8)
    candidates = [list(c) for n in range(4) for c in itertools.product((3, 4), repeat=n)]
    found = model.beam_search(src, beam_size=8, max_len=4)
    for b in range(5):
        column = np.repeat(src[:, [b]], len(candidates), axis=1)
        scores = model.sequence_log_prob(column, candidates)
        assert found[b] == candidates[int(np.argmax(scores))]


# ----------------------------------------------------------------------------- contract


def test_contract_shapes_and_types():
    model = Seq2Seq(src_vocab_size=9, tgt_vocab_size=7, hidden_size=5, attention=True, seed=0)
    assert all(v.dtype == np.float64 for v in model.params.values())
    assert model.params["src_embed"].shape == (9, 5)
    assert model.params["out_weight"].shape == (7, 10)
    assert Seq2Seq(9, 7, 5, attention=False).params["out_weight"].shape == (7, 5)
    assert "attn_v" not in Seq2Seq(9, 7, 5, attention=False).params
    src, tgt = model.example_batch(3, seed=0)
    assert src.ndim == 2 and src.shape[1] == 3 and tgt.shape[1] == 3
    loss, grads = model.loss_and_grads((src, tgt))
    assert np.isfinite(loss) and loss == model.loss((src, tgt))
    assert {k: v.shape for k, v in grads.items()} == {k: v.shape for k, v in
                                                      model.params.items()}
    out = model.translate(src, max_len=6, beam_size=3)
    assert len(out) == 3 and all(len(o) <= 6 for o in out)
    assert all(isinstance(t, int) and EOS < t < 7 for o in out for t in o)
    a = Seq2Seq(9, 7, 5, seed=4).params
    assert all(np.array_equal(a[k], Seq2Seq(9, 7, 5, seed=4).params[k]) for k in a)


BAD_BATCHES = [  # (src, tgt, error, message pattern); model Vs=9, Vt=7
    (np.zeros((2, 3)) + 1.0, [[3, 3, 3], [2, 2, 2]], TypeError, "src.*integer.*float64"),
    ([[1, 9, 1]], [[3, 3, 3], [2, 2, 2]], ValueError, r"src.*\[0, 9\).*from 1 to 9"),
    ([[1, 2, 3]], [[-1, 3, 3], [2, 2, 2]], ValueError, r"tgt.*\[0, 7\).*from -1"),
    (np.zeros((0, 3), dtype=int), [[2, 2, 2]], ValueError, r"src.*non-empty.*\(0, 3\)"),
    ([[1, 0, 3], [1, 0, 3]], [[2, 2, 2]], ValueError, "src.*empty column 1"),
    ([[1, 0, 3], [1, 4, 3]], [[2, 2, 2]], ValueError, "src.*right padding.*column 1"),
    ([1, 2, 3], [[2, 2, 2]], ValueError, r"src.*2-D.*\(3,\)"),
    ([[1, 2, 3]], [[3, 3], [2, 2]], ValueError, r"tgt.*B=3.*\(2, 2\)"),
    ([[1, 2, 3]], [[3, 3, 3], [4, 2, 2]], ValueError, "tgt.*one EOS=2.*column 0"),
    ([[1, 2, 3]], [[1, 3, 3], [2, 2, 2]], ValueError, "tgt.*BOS=1"),
    ([[1, 2, 3]], [[True, True, True]], TypeError, "tgt.*bool"),
]


@pytest.mark.parametrize("src, tgt, error, pattern", BAD_BATCHES)
def test_bad_batches_name_the_argument(src, tgt, error, pattern):
    model = Seq2Seq(9, 7, 3)
    with pytest.raises(error, match=pattern):
        model.loss((src, tgt))


def test_other_bad_input():
    model = Seq2Seq(9, 7, 3)
    src, tgt = model.example_batch(2)
    with pytest.raises(TypeError, match="batch: expected a pair"):
        model.loss(src)
    with pytest.raises(ValueError, match="max_len"):
        model.translate(src, max_len=0)
    with pytest.raises(TypeError, match="beam_size"):
        model.translate(src, beam_size=1.5)
    with pytest.raises(ValueError, match="tgt_vocab_size: expected >= 4"):
        Seq2Seq(9, 3, 4)
    with pytest.raises(TypeError, match="attention"):
        Seq2Seq(9, 7, 4, attention="yes")
    with pytest.raises(ValueError, match="outputs: expected a list of B=2"):
        model.sequence_log_prob(src, [[3]])
    model.params["attn_v"][0] = np.nan
    with pytest.raises(ValueError, match=r"params\['attn_v'\].*NaN"):
        model.loss((src, tgt))
    model.params["attn_v"] = np.zeros(4)
    with pytest.raises(ValueError, match=r"params\['attn_v'\].*\(3,\)"):
        model.loss((src, tgt))


# ----------------------------------------------------------------------------- training


def reversal_task(n, seed):
    """Copy a source of 2-6 tokens in reverse: tokens 1..5 in src are 3..7 in tgt."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 7, n)
    src = np.zeros((6, n), dtype=int)
    tgt = np.zeros((7, n), dtype=int)
    for b, k in enumerate(lengths):
        tokens = rng.integers(1, 6, k)
        src[:k, b] = tokens
        tgt[:k + 1, b] = [*(tokens[::-1] + 2), EOS]
    return src, tgt


def test_training_lowers_the_loss_and_learns_the_task():
    model = Seq2Seq(6, 8, 16, seed=0, embed_size=8)
    train = reversal_task(2000, seed=0)
    test_src, test_tgt = reversal_task(100, seed=1)
    before = model.loss((test_src, test_tgt))
    losses = fit_seq2seq(model, train, steps=300, batch_size=32, lr=2e-2, seed=0)
    assert len(losses) == 300
    assert model.loss((test_src, test_tgt)) < 0.25 * before
    out = model.translate(test_src, max_len=8)
    exact = np.mean([out[b] == test_tgt[test_tgt[:, b] > EOS, b].tolist() for b in range(100)])
    assert exact > 0.5


def test_fit_uses_the_given_optimizer_and_stops_on_request():
    class PlainSGD:
        def __init__(self):
            self.calls = 0

        def step(self, params, grads):
            self.calls += 1
            for k in params:
                params[k] -= 0.5 * grads[k]

    model, opt = Seq2Seq(6, 8, 8, seed=0), PlainSGD()
    losses = fit_seq2seq(model, reversal_task(200, 0), steps=50, batch_size=16, lr=1.0,
                         optimizer=opt, callback=lambda step, loss: step == 19)
    assert opt.calls == len(losses) == 20
    assert np.mean(losses[-5:]) < np.mean(losses[:5])


# ----------------------------------------------------------------------------- package


def test_bidirectional_parameters_and_default_unchanged():
    uni, bi = Seq2Seq(9, 7, 5, seed=3), Seq2Seq(9, 7, 5, seed=3, bidirectional=True)
    assert bi.params["enc_weight_hh_reverse"].shape == (20, 5)
    assert bi.params["dec_weight_hh"].shape == (40, 10)         # decoder: D*H = 10 units
    assert bi.params["attn_U"].shape == (5, 10) and bi.params["out_weight"].shape == (7, 20)
    assert not any(k.endswith("_reverse") for k in uni.params)
    for k in uni.params:                       # same draws until the sizes differ
        if k.startswith(("src_", "tgt_", "enc_")):
            assert np.array_equal(uni.params[k], bi.params[k]), k
    with pytest.raises(TypeError, match="bidirectional: expected True or False"):
        Seq2Seq(9, 7, 5, bidirectional=1)


def test_reverse_direction_reads_the_source_backwards():
    """With the forward direction's weights zeroed, a source and its reverse give the forward
    half zero and swap what the reverse half sees: its final state is that of the reverse
    LSTM run on the reversed tokens (checked against a plain LSTM written here)."""
    from lstm_edu import LSTM
    model = randomized(Seq2Seq(9, 7, 3, seed=0, bidirectional=True), seed=1)
    src = np.array([[3], [5], [7], [0]])
    lengths = np.array([3])
    _, enc_h, s0, _ = model.encode(src, lengths)
    rev = LSTM.from_params({k: model.params[f"enc_{k}_reverse"] for k in LSTM_KEYS})
    tr = rev.forward(model.params["src_embed"][src[2::-1]])
    np.testing.assert_allclose(s0[:, 3:], tr.h[-1], rtol=1e-13)
    np.testing.assert_allclose(enc_h[:3, 0, 3:], tr.h[::-1, 0], rtol=1e-13)
    assert np.all(enc_h[3] == 0)


def test_old_import_paths_still_work():
    import lstm_edu
    from lstm_edu.seq2seq import Seq2SeqTrace  # noqa: F401
    assert lstm_edu.Seq2Seq is Seq2Seq and (PAD, BOS, EOS) == (0, 1, 2)


def test_exact_match_and_accuracy_by_position():
    from lstm_edu.seq2seq import exact_match, token_accuracy_by_position
    model = Seq2Seq(6, 8, 16, seed=0, embed_size=8)
    fit_seq2seq(model, reversal_task(2000, 0), steps=150, batch_size=32, lr=2e-2)
    data = reversal_task(60, seed=3)
    hits = exact_match(model, data)
    outs = model.translate(data[0], max_len=9)
    want = [[int(t) for t in col if t > EOS] for col in data[1].T]
    assert hits.tolist() == [o == w for o, w in zip(outs, want, strict=True)]
    forced, free = token_accuracy_by_position(model, data)
    assert forced.shape == free.shape == (7,)
    assert np.all((0 <= free) & (free <= 1)) and forced[0] == pytest.approx(free[0])
    assert np.mean(forced) >= np.mean(free) - 1e-12   # the true prefix helps, never hurts
