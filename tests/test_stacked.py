"""StackedLSTM / StackedGRU / StackedRNN: torch.nn's multi-layer, bidirectional, packed API.

- Parity with ``torch.nn.LSTM / GRU / RNN`` (float64, relative error <= 1e-9, relative = max
  |ours - torch| / max |torch|) for num_layers 1-3, both directions, equal and unequal unsorted
  lengths (torch: ``pack_padded_sequence(enforce_sorted=False)`` then ``pad_packed_sequence(
  total_length=T)``), given and default states: output, h_n, c_n and every gradient of a random
  linear loss on output, h_n and c_n. torch's autograd is the reference; nothing is copied from
  lstm_edu's output.
- Central finite differences (``lstm_edu.gradcheck``) with lengths, both directions, dropout.
- Batch invariance: a sequence's result does not depend on its batch-mates or on its padding.
- Dropout, the params contract (names, shapes, init), and bad input.
- Variational dropout (``input_dropout``, ``recurrent_dropout``; Gal & Ghahramani 2016): equal
  to a torch autograd loop written here from the definition (torch's cells fed x_t * m_x and
  h_{t-1} * m_h, one sequence at a time, with the trace's masks), central differences with
  fixed masks, one mask per sequence (a dropped input is never read, at any step) and on the
  recurrence only (a dropped h_{t-1} unit gets no W_hh gradient, yet still reaches the output).

``python tests/test_stacked.py`` prints the worst parity error per model and case as a table.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from lstm_edu.gradcheck import numerical_gradient, relative_error
from lstm_edu.stacked import StackedGRU, StackedLSTM, StackedRNN

MODELS = {"LSTM": (StackedLSTM, torch.nn.LSTM), "GRU": (StackedGRU, torch.nn.GRU),
          "RNN": (StackedRNN, torch.nn.RNN)}
T, B, I, H = 6, 4, 3, 5
LENGTHS = {                                   # B = 4 sequences of at most T = 6 steps
    "equal": None,                            # no packing at all on torch's side
    "unequal": [4, 6, 1, 3],                  # unsorted, one of length 1, the longest is T
    "short": [2, 5, 1, 5],                    # ties, and max(lengths) < T: all-padding steps
}
TOL = 1e-9


def rel_err(ours, ref):
    ref = np.asarray(ref, dtype=np.float64)
    diff = np.max(np.abs(np.asarray(ours, dtype=np.float64) - ref))
    return diff / max(np.max(np.abs(ref)), 1e-30)


def torch_run(kind, params, x, lengths, h0, c0, dy, dh_n, dc_n):
    """torch's output, h_n, c_n and autograd gradients of sum(dy*output + dh_n*h_n + dc_n*c_n).

    h0 = None runs torch with its default state (no h0/c0 gradients are returned then).
    """
    ours_cls, torch_cls = MODELS[kind]
    L = sum(k.startswith("weight_ih_l") and not k.endswith("_reverse") for k in params)
    ref = torch_cls(x.shape[2], H, num_layers=L, bidirectional="weight_ih_l0_reverse" in params)
    ref = ref.double()
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
    tx = torch.tensor(x, requires_grad=True)
    inp = tx if lengths is None else pack_padded_sequence(
        tx, torch.tensor(lengths), enforce_sorted=False)
    states = None
    if h0 is not None:
        th0, tc0 = torch.tensor(h0, requires_grad=True), torch.tensor(c0, requires_grad=True)
        states = (th0, tc0) if kind == "LSTM" else th0
    out, final = ref(inp, states)
    if lengths is not None:
        out, _ = pad_packed_sequence(out, total_length=x.shape[0])
    h_n, c_n = final if kind == "LSTM" else (final, None)
    loss = (out * torch.from_numpy(dy)).sum() + (h_n * torch.from_numpy(dh_n)).sum()
    if kind == "LSTM":
        loss = loss + (c_n * torch.from_numpy(dc_n)).sum()
    loss.backward()
    result = {"output": out, "h_n": h_n, "x": tx.grad}
    result.update({name: p.grad for name, p in ref.named_parameters()})
    if kind == "LSTM":
        result["c_n"] = c_n
    if h0 is not None:
        result["h0"] = th0.grad
        if kind == "LSTM":
            result["c0"] = tc0.grad
    return {k: v.detach().numpy() for k, v in result.items()}


def parity_errors(kind, num_layers, bidirectional, lengths_case, given_states, seed=0):
    """{quantity: relative error} of our forward/backward against torch's autograd."""
    net = MODELS[kind][0](I, H, num_layers=num_layers, bidirectional=bidirectional, seed=seed)
    D, lengths = 2 if bidirectional else 1, LENGTHS[lengths_case]
    rng = np.random.default_rng(seed + 1000)
    x = rng.standard_normal((T, B, I))
    h0, c0 = rng.standard_normal((2, num_layers * D, B, H))
    dy = rng.standard_normal((T, B, D * H))
    dh_n, dc_n = rng.standard_normal((2, num_layers * D, B, H))
    if given_states:
        ref = torch_run(kind, net.params, x, lengths, h0, c0, dy, dh_n, dc_n)
    else:  # torch's own default for the outputs; explicit zeros to get its dL/dh0, dL/dc0
        ref = torch_run(kind, net.params, x, lengths, None, None, dy, dh_n, dc_n)
        zeros = np.zeros_like(h0)
        with_zeros = torch_run(kind, net.params, x, lengths, zeros, zeros, dy, dh_n, dc_n)
        ref.update({k: with_zeros[k] for k in ("h0", "c0") if k in with_zeros})
        h0 = c0 = None

    if kind == "LSTM":
        tr = net.forward(x, h0, c0, lengths=lengths)
        grads = net.backward(tr, dy, dh_n, dc_n)
        ours = {"output": tr.output, "h_n": tr.h_n, "c_n": tr.c_n, **grads}
    else:
        tr = net.forward(x, h0, lengths=lengths)
        grads = net.backward(tr, dy, dh_n)
        ours = {"output": tr.output, "h_n": tr.h_n, **grads}
    assert set(ours) == set(ref), set(ours) ^ set(ref)
    return {k: rel_err(ours[k], ref[k]) for k in ref}


@pytest.mark.parametrize("given_states", [True, False], ids=["given", "default"])
@pytest.mark.parametrize("lengths_case", list(LENGTHS))
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
@pytest.mark.parametrize("kind", list(MODELS))
def test_parity_with_torch(kind, num_layers, bidirectional, lengths_case, given_states):
    errors = parity_errors(kind, num_layers, bidirectional, lengths_case, given_states)
    n_params = 4 * num_layers * (2 if bidirectional else 1)
    n_states = 2 if kind == "LSTM" else 1
    assert len(errors) == n_params + 2 * (1 + n_states)   # output, h_n, c_n; x, h0, c0
    bad = {k: v for k, v in errors.items() if not v <= TOL}
    assert not bad, f"relative errors above {TOL}: {bad}"


def test_parity_float32():
    net = StackedLSTM(I, H, num_layers=2, bidirectional=True, seed=3, dtype=np.float32)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((T, B, I))
    dy, dh_n, dc_n = (rng.standard_normal(s) for s in [(T, B, 2 * H), (4, B, H), (4, B, H)])
    params64 = {k: v.astype(np.float64) for k, v in net.params.items()}
    ref = torch_run("LSTM", params64, x, LENGTHS["unequal"], None, None, dy, dh_n, dc_n)
    tr = net.forward(x.astype(np.float32), lengths=LENGTHS["unequal"])
    grads = net.backward(tr, dy.astype(np.float32), dh_n.astype(np.float32),
                         dc_n.astype(np.float32))
    assert tr.output.dtype == np.float32 and grads["weight_ih_l1_reverse"].dtype == np.float32
    assert rel_err(tr.output, ref["output"]) < 1e-5
    assert rel_err(tr.c_n, ref["c_n"]) < 1e-5
    assert rel_err(grads["x"], ref["x"]) < 1e-5
    assert rel_err(grads["weight_hh_l0_reverse"], ref["weight_hh_l0_reverse"]) < 1e-5


# ---- finite differences --------------------------------------------------------------------

def fd_errors(net, x, h0, c0, lengths, loss_seed=0, n_entries=16, **forward_kwargs):
    """{tensor: relative error} of backward against central differences, for the loss
    sum(wy*output) + sum(wh*h_n) (+ sum(wc*c_n)) with fixed random weights, on at most
    ``n_entries`` seeded entries of each tensor."""
    is_lstm = isinstance(net, StackedLSTM)
    rng = np.random.default_rng(loss_seed)
    wy = rng.standard_normal((x.shape[0], x.shape[1], net.num_directions * net.hidden_size))
    wh, wc = rng.standard_normal((2,) + h0.shape)
    states = (h0, c0) if is_lstm else (h0,)

    def run():
        return net.forward(x, *states, lengths=lengths, **forward_kwargs)

    def loss():
        tr = run()
        total = np.sum(wy * tr.output) + np.sum(wh * tr.h_n)
        return float(total + np.sum(wc * tr.c_n)) if is_lstm else float(total)

    tr = run()
    grads = net.backward(tr, wy, wh, wc) if is_lstm else net.backward(tr, wy, wh)
    tensors = {**net.params, "x": x, "h0": h0, **({"c0": c0} if is_lstm else {})}
    assert set(grads) == set(tensors)
    errors = {}
    for name, a in tensors.items():
        entries = np.sort(rng.permutation(a.size)[:n_entries])
        numeric = numerical_gradient(loss, a, entries=entries)
        errors[name] = relative_error(grads[name].reshape(-1)[entries], numeric)
    return errors, grads, tr


@pytest.mark.parametrize("kind", list(MODELS))
def test_finite_differences_with_lengths_bidirectional(kind):
    net = MODELS[kind][0](2, 2, num_layers=2, bidirectional=True, seed=5)
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 3, 2))
    h0, c0 = rng.standard_normal((2, 4, 3, 2))
    lengths = np.array([3, 1, 4])
    errors, grads, _ = fd_errors(net, x, h0, c0, lengths)
    bad = {k: v for k, v in errors.items() if not v < 1e-7}
    assert not bad, bad
    # padded steps are never read: their input gradient is exactly zero
    assert np.all(grads["x"][3:, 0] == 0) and np.all(grads["x"][1:, 1] == 0)
    assert np.all(grads["x"][:1, 1] != 0)


# ---- batch invariance ------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(list(MODELS)), num_layers=st.integers(1, 2),
       bidirectional=st.booleans(), lengths=st.lists(st.integers(1, 5), min_size=1, max_size=4),
       extra=st.integers(0, 3), pad=st.sampled_from([0.0, np.nan, 1e6]),
       seed=st.integers(0, 2**16))
def test_batch_invariance(kind, num_layers, bidirectional, lengths, extra, pad, seed):
    """Each sequence alone (B = 1, no padding) gives exactly what it gives inside the batch."""
    cls = MODELS[kind][0]
    net = cls(2, 3, num_layers=num_layers, bidirectional=bidirectional, seed=seed)
    rng = np.random.default_rng(seed)
    n_steps, batch = max(lengths) + extra, len(lengths)
    x = np.full((n_steps, batch, 2), pad)
    seqs = [rng.standard_normal((n, 1, 2)) for n in lengths]
    for b, s in enumerate(seqs):
        x[: lengths[b], b] = s[:, 0]
    L_D = num_layers * net.num_directions
    h0, c0 = rng.standard_normal((2, L_D, batch, 3))
    is_lstm = kind == "LSTM"
    tr = net.forward(x, h0, c0, lengths=lengths) if is_lstm else net.forward(x, h0, lengths=lengths)
    for b, s in enumerate(seqs):
        n = lengths[b]
        states = (h0[:, b:b + 1], c0[:, b:b + 1]) if is_lstm else (h0[:, b:b + 1],)
        alone = net.forward(s, *states)
        np.testing.assert_allclose(tr.output[:n, b], alone.output[:, 0], rtol=0, atol=1e-12)
        assert np.all(tr.output[n:, b] == 0)
        np.testing.assert_allclose(tr.h_n[:, b], alone.h_n[:, 0], rtol=0, atol=1e-12)
        if is_lstm:
            np.testing.assert_allclose(tr.c_n[:, b], alone.c_n[:, 0], rtol=0, atol=1e-12)


def test_full_lengths_equal_no_lengths():
    net = StackedLSTM(I, H, num_layers=2, bidirectional=True, seed=1)
    x = np.random.default_rng(1).standard_normal((T, B, I))
    a, b = net.forward(x), net.forward(x, lengths=[T] * B)
    assert np.array_equal(a.output, b.output) and np.array_equal(a.c_n, b.c_n)


def test_h_n_layout_is_torch_layer_times_directions():
    """h_n[layer*D + d]: forward halves end at the last valid step, reverse ones at t = 0."""
    net = StackedGRU(I, H, num_layers=2, bidirectional=True, seed=2)
    x = np.random.default_rng(2).standard_normal((T, B, I))
    lengths = np.array(LENGTHS["unequal"])
    tr = net.forward(x, lengths=lengths)
    last = tr.output[lengths - 1, np.arange(B)]                    # (B, 2H) last valid step
    np.testing.assert_array_equal(tr.h_n[2], last[:, :H])          # layer 1, forward
    np.testing.assert_array_equal(tr.h_n[3], tr.output[0, :, H:])  # layer 1, reverse
    np.testing.assert_array_equal(tr.h_n[1], tr.layer_outputs[0][0, :, H:])   # layer 0, reverse


# ---- dropout ---------------------------------------------------------------------------------

def test_dropout_ignored_unless_training():
    net = StackedLSTM(I, H, num_layers=3, bidirectional=True, dropout=0.5, seed=4)
    plain = StackedLSTM.from_params(net.params)                    # dropout 0
    x = np.random.default_rng(4).standard_normal((T, B, I))
    a = net.forward(x, lengths=LENGTHS["unequal"])
    b = plain.forward(x, lengths=LENGTHS["unequal"], train=True)
    assert a.dropout_masks == [None, None] and b.dropout_masks == [None, None]
    assert np.array_equal(a.output, b.output) and np.array_equal(a.h_n, b.h_n)
    c = net.forward(x, lengths=LENGTHS["unequal"], train=True)
    assert not np.allclose(c.output, a.output)                    # and training does drop
    single = StackedRNN(I, H, dropout=0.5, seed=4)                 # no layer above: no dropout
    assert np.array_equal(single.forward(x, train=True).output, single.forward(x).output)


@pytest.mark.parametrize("kind", list(MODELS))
def test_dropout_fixed_masks_finite_differences(kind):
    p = 0.4
    net = MODELS[kind][0](2, 2, num_layers=3, bidirectional=True, dropout=p, seed=8)
    rng = np.random.default_rng(9)
    x = rng.standard_normal((3, 3, 2))
    h0, c0 = rng.standard_normal((2, 6, 3, 2))
    errors, _, tr = fd_errors(net, x, h0, c0, [2, 3, 1], n_entries=8, train=True,
                              seed=11)
    bad = {k: v for k, v in errors.items() if not v < 1e-7}
    assert not bad, bad
    values = np.unique(np.concatenate([m.ravel() for m in tr.dropout_masks]))
    np.testing.assert_allclose(values, [0, 1 / (1 - p)], rtol=1e-15)  # both values occur


def test_dropout_scaling_and_where_it_acts():
    p = 0.3
    net = StackedLSTM(4, 50, num_layers=2, dropout=p, seed=12)
    x = np.random.default_rng(12).standard_normal((40, 25, 4))
    tr = net.forward(x, train=True, seed=13)
    (mask,) = tr.dropout_masks
    n = mask.size                                                   # 50 000 draws
    assert set(np.unique(mask)) == {0.0, 1 / (1 - p)}
    assert abs(np.mean(mask == 0) - p) < 4 * np.sqrt(p * (1 - p) / n)
    assert abs(mask.mean() - 1) < 4 * np.sqrt(p / (1 - p) / n)       # E[mask] = 1: unbiased
    # layer 1 reads layer 0's output times the mask; the last layer's output is not dropped
    top = StackedLSTM.from_params({k.replace("_l1", "_l0"): v for k, v in net.params.items()
                                   if "_l1" in k})
    np.testing.assert_allclose(top.forward(tr.layer_outputs[0] * mask).output, tr.output,
                               rtol=0, atol=1e-14)
    assert np.all(tr.output != 0)
    # masks come from the seed given, else from the model's generator
    again = net.forward(x, train=True, seed=13).dropout_masks[0]
    assert np.array_equal(again, mask)
    first, second = (net.forward(x, train=True).dropout_masks[0] for _ in range(2))
    assert not np.array_equal(first, second)


# ---- variational dropout (Gal & Ghahramani 2016) ------------------------------------------

def torch_variational(kind, params, x, lengths, h0, c0, tr, dy, dh_n, dc_n):
    """torch's output, h_n, c_n and autograd gradients, from the definition of variational
    dropout, one sequence at a time: each layer/direction reads x_t * m_x; its recurrence reads
    h_{t-1} * m_h (the GRU's carry z * h_{t-1} is not dropped); between layers the output is
    multiplied by that step's mask. The masks are taken from our trace ``tr``."""
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    tx, th0 = torch.tensor(x, requires_grad=True), torch.tensor(h0, requires_grad=True)
    tc0 = torch.tensor(c0, requires_grad=True)
    L, D = len(tr.dropout_masks) + 1, 1 + ("weight_ih_l0_reverse" in params)
    sig, out_all, h_n, c_n = torch.sigmoid, torch.zeros(x.shape[:2] + (D * H,),
                                                       dtype=torch.float64), [], []

    def step(w, inp, h, c, m_h):
        a_x = inp @ w["weight_ih"].T + w["bias_ih"]
        a_h = (h * m_h) @ w["weight_hh"].T + w["bias_hh"]
        if kind == "LSTM":
            i, f, g, o = torch.chunk(a_x + a_h, 4)
            c = sig(f) * c + sig(i) * torch.tanh(g)
            return sig(o) * torch.tanh(c), c
        if kind == "RNN":
            return torch.tanh(a_x + a_h), c
        (xr, xz, xn), (hr, hz, hn) = torch.chunk(a_x, 3), torch.chunk(a_h, 3)
        r, z = sig(xr + hr), sig(xz + hz)
        return (1 - z) * torch.tanh(xn + r * hn) + z * h, c

    for b, n in enumerate(lengths):
        layer_in, finals_h, finals_c = tx[:n, b], [None] * (L * D), [None] * (L * D)
        for layer in range(L):
            halves = []
            for d in range(D):
                k = layer * D + d
                suffix = f"_l{layer}" + ("_reverse" if d else "")
                w = {name: tp[name + suffix] for name in
                     ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
                m_x, m_h = (torch.tensor(m[b]) if m is not None else 1.0
                            for m in (tr.input_masks[k], tr.recurrent_masks[k]))
                h, c, hs = th0[k, b], tc0[k, b], []
                for t in (range(n) if d == 0 else range(n - 1, -1, -1)):
                    h, c = step(w, layer_in[t] * m_x, h, c, m_h)
                    hs.append(h)
                finals_h[k], finals_c[k] = h, c
                halves.append(torch.stack(hs if d == 0 else hs[::-1]))
            y = torch.cat(halves, dim=1)                                 # (n, D*H)
            if layer == L - 1:
                out_all = out_all.index_put((torch.arange(n), torch.tensor(b)), y)
            elif tr.dropout_masks[layer] is not None:
                y = y * torch.tensor(tr.dropout_masks[layer][:n, b])
            layer_in = y
        h_n.append(torch.stack(finals_h))
        c_n.append(torch.stack(finals_c))
    h_n, c_n = torch.stack(h_n, dim=1), torch.stack(c_n, dim=1)         # (L*D, B, H)
    loss = (out_all * torch.tensor(dy)).sum() + (h_n * torch.tensor(dh_n)).sum()
    if kind == "LSTM":
        loss = loss + (c_n * torch.tensor(dc_n)).sum()
    loss.backward()
    result = {"output": out_all, "h_n": h_n, "x": tx.grad, "h0": th0.grad,
              **{k: v.grad for k, v in tp.items()}}
    if kind == "LSTM":
        result.update(c_n=c_n, c0=tc0.grad)
    return {k: v.detach().numpy() for k, v in result.items()}


@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("kind", list(MODELS))
def test_variational_dropout_matches_torch_autograd(kind, bidirectional):
    D, L, lengths = 2 if bidirectional else 1, 2, [4, 6, 1, 3]
    net = MODELS[kind][0](I, H, num_layers=L, bidirectional=bidirectional, dropout=0.3,
                          input_dropout=0.4, recurrent_dropout=0.5, seed=21)
    rng = np.random.default_rng(22)
    x = rng.standard_normal((T, B, I))
    h0, c0, dh_n, dc_n = rng.standard_normal((4, L * D, B, H))
    dy = rng.standard_normal((T, B, D * H))
    is_lstm = kind == "LSTM"
    tr = net.forward(x, h0, c0, lengths=lengths, train=True, seed=23) if is_lstm else \
        net.forward(x, h0, lengths=lengths, train=True, seed=23)
    assert all(m is not None for m in tr.input_masks + tr.recurrent_masks + tr.dropout_masks)
    grads = net.backward(tr, dy, dh_n, dc_n) if is_lstm else net.backward(tr, dy, dh_n)
    ours = {"output": tr.output, "h_n": tr.h_n, **grads, **({"c_n": tr.c_n} if is_lstm else {})}
    ref = torch_variational(kind, net.params, x, lengths, h0, c0, tr, dy, dh_n, dc_n)
    assert set(ours) == set(ref)
    bad = {k: rel_err(ours[k], ref[k]) for k in ref if not rel_err(ours[k], ref[k]) <= TOL}
    assert not bad, bad
    plain = net.forward(x, h0, c0, lengths=lengths) if is_lstm else net.forward(x, h0,
                                                                               lengths=lengths)
    assert not np.allclose(plain.output, tr.output)                  # the masks did act


@pytest.mark.parametrize("kind", list(MODELS))
def test_variational_dropout_finite_differences(kind):
    net = MODELS[kind][0](2, 3, num_layers=2, bidirectional=True, dropout=0.3,
                          input_dropout=0.3, recurrent_dropout=0.4, seed=31)
    rng = np.random.default_rng(32)
    x = rng.standard_normal((4, 3, 2))
    h0, c0 = rng.standard_normal((2, 4, 3, 3))
    errors, _, tr = fd_errors(net, x, h0, c0, [3, 4, 2], n_entries=10, train=True, seed=33)
    bad = {k: v for k, v in errors.items() if not v < 1e-7}
    assert not bad, bad
    assert all(np.any(m == 0) for m in tr.recurrent_masks)          # some units were dropped


def test_variational_masks_one_per_sequence_and_where_they_act():
    p_x, p_h = 0.5, 0.5
    net = StackedLSTM(4, 6, num_layers=2, input_dropout=p_x, recurrent_dropout=p_h, seed=41)
    x = np.random.default_rng(41).standard_normal((7, 5, 4))
    tr = net.forward(x, train=True, seed=42)
    m_x, m_h = tr.input_masks[0], tr.recurrent_masks[0]
    assert m_x.shape == (5, 4) and m_h.shape == (5, 6) and tr.input_masks[1].shape == (5, 6)
    for m, p in [(m_x, p_x), (m_h, p_h)]:
        assert set(np.unique(m)) == {0.0, 1 / (1 - p)}
    assert tr.dropout_masks == [None]                                # dropout=0: none between
    grads = net.backward(tr, np.ones_like(tr.output))
    # a dropped input unit of a sequence is never read, at any step; the others are
    dropped = m_x == 0
    assert np.all(grads["x"][:, dropped] == 0) and np.all(grads["x"][:, ~dropped] != 0)
    # a dropped h_{t-1} unit feeds no recurrent weight, yet it is still the layer's output
    one = StackedRNN(2, 6, recurrent_dropout=0.5, seed=43)
    tr1 = one.forward(np.random.default_rng(43).standard_normal((5, 1, 2)), train=True, seed=44)
    cols = tr1.recurrent_masks[0][0] == 0
    assert 0 < cols.sum() < 6
    g1 = one.backward(tr1, np.ones_like(tr1.output))
    assert np.all(g1["weight_hh_l0"][:, cols] == 0) and np.all(g1["weight_hh_l0"][:, ~cols] != 0)
    assert np.all(tr1.output[:, 0, cols] != 0)


def test_variational_dropout_only_in_training_and_draws_nothing_at_zero():
    kw = dict(num_layers=3, bidirectional=True, dropout=0.5, seed=51)
    net = StackedGRU(I, H, input_dropout=0.3, recurrent_dropout=0.3, **kw)
    x = np.random.default_rng(51).standard_normal((T, B, I))
    a = net.forward(x, lengths=LENGTHS["unequal"])
    assert a.input_masks == [None] * 6 and a.recurrent_masks == [None] * 6
    b = StackedGRU.from_params(net.params).forward(x, lengths=LENGTHS["unequal"])
    assert np.array_equal(a.output, b.output) and np.array_equal(a.h_n, b.h_n)
    # p = 0 draws nothing: the between-layer masks are those of a model without the option
    c = StackedGRU(I, H, **kw).forward(x, train=True, seed=52)
    d = StackedGRU(I, H, input_dropout=0.0, recurrent_dropout=0.0, **kw).forward(
        x, train=True, seed=52)
    assert all(np.array_equal(m, n) for m, n in zip(c.dropout_masks, d.dropout_masks,
                                                      strict=True))
    assert "recurrent_dropout=0.3" in repr(net) and "input_dropout" not in repr(StackedGRU(I, H))


# ---- the params contract -------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(MODELS))
def test_params_are_torch_state_dict(kind):
    cls, torch_cls = MODELS[kind]
    net = cls(3, 5, num_layers=3, bidirectional=True, seed=0)
    ref = torch_cls(3, 5, num_layers=3, bidirectional=True).state_dict()
    assert list(net.params) == list(ref)
    assert {k: v.shape for k, v in net.params.items()} == {k: tuple(v.shape)
                                                           for k, v in ref.items()}
    assert net.num_params == sum(v.numel() for v in ref.values())
    back = cls.from_params({k: v.numpy() for k, v in ref.items()})  # torch -> ours
    assert (back.num_layers, back.bidirectional, back.input_size, back.hidden_size) == \
        (3, True, 3, 5)
    assert back.dtype == np.float32                                  # torch's default dtype
    uni = cls.from_params(cls(3, 5, num_layers=2, dtype=np.float32).params)
    assert (uni.num_layers, uni.bidirectional, uni.dtype) == (2, False, np.float32)


def test_init_like_torch_and_from_params_copies():
    net = StackedLSTM(3, 16, num_layers=2, bidirectional=True, seed=7)
    bound = 1 / np.sqrt(16)
    values = np.concatenate([v.ravel() for v in net.params.values()])
    assert values.dtype == np.float64 and np.all(np.abs(values) < bound)
    assert values.max() > 0.95 * bound and values.min() < -0.95 * bound
    same = StackedLSTM(3, 16, num_layers=2, bidirectional=True, seed=7)
    assert all(np.array_equal(net.params[k], same.params[k]) for k in net.params)
    f32 = StackedGRU(3, 4, dtype=np.float32)
    assert all(v.dtype == np.float32 for v in f32.params.values())
    copy = StackedLSTM.from_params(net.params)
    net.params["weight_hh_l1_reverse"][:] = 0
    assert np.all(copy.params["weight_hh_l1_reverse"] != 0)


# ---- bad input -----------------------------------------------------------------------------

def _lstm():
    return StackedLSTM(I, H, num_layers=2, bidirectional=True, seed=0)


X = np.zeros((T, B, I))
BAD_CALLS = {
    "length 0": (lambda: _lstm().forward(X, lengths=[0, 2, 3, 4]), ValueError,
                 ["lengths", "[1, T=6]", "got 0"]),
    "length > T": (lambda: _lstm().forward(X, lengths=[7, 2, 3, 4]), ValueError,
                   ["lengths", "[1, T=6]", "got 7"]),
    "wrong count": (lambda: _lstm().forward(X, lengths=[2, 3, 4]), ValueError,
                    ["lengths", "B=4", "(3,)"]),
    "non-integer": (lambda: _lstm().forward(X, lengths=[2.0, 3.0, 4.0, 1.0]), TypeError,
                    ["lengths", "integers", "float64"]),
    "lengths 2-D": (lambda: _lstm().forward(X, lengths=[[2, 3, 4, 1]]), ValueError,
                    ["lengths", "1-D", "(1, 4)"]),
    "h0 wrong L*D": (lambda: _lstm().forward(X, h0=np.zeros((2, B, H))), ValueError,
                     ["h0", "(L*D, B, H) = (4, 4, 5)", "(2, 4, 5)"]),
    "c0 wrong B": (lambda: _lstm().forward(X, c0=np.zeros((4, 3, H))), ValueError,
                   ["c0", "(4, 4, 5)", "(4, 3, 5)"]),
    "GRU h0 wrong": (lambda: StackedGRU(I, H, num_layers=3).forward(X, np.zeros((1, B, H))),
                     ValueError, ["h0", "(3, 4, 5)", "(1, 4, 5)"]),
    "x 2-D": (lambda: _lstm().forward(np.zeros((T, I))), ValueError, ["x", "(T, B, I=3)"]),
    "x wrong I": (lambda: _lstm().forward(np.zeros((T, B, 2))), ValueError, ["x", "(6, 4, 2)"]),
    "x NaN at a valid step": (lambda: _lstm().forward(np.where(np.arange(T)[:, None, None] == 1,
                                                               np.nan, X), lengths=[1, 2, 3, 4]),
                              ValueError, ["x", "finite", "(1, 1, 0)"]),
    "num_layers 0": (lambda: StackedLSTM(I, H, num_layers=0), ValueError, ["num_layers", "0"]),
    "num_layers 1.5": (lambda: StackedRNN(I, H, num_layers=1.5), TypeError, ["num_layers"]),
    "dropout 1": (lambda: StackedLSTM(I, H, dropout=1.0), ValueError, ["dropout", "1.0"]),
    "dropout < 0": (lambda: StackedGRU(I, H, dropout=-0.1), ValueError, ["dropout", "-0.1"]),
    "dropout str": (lambda: StackedGRU(I, H, dropout="0.5"), TypeError, ["dropout", "'0.5'"]),
    "input_dropout 1": (lambda: StackedLSTM(I, H, input_dropout=1.0), ValueError,
                        ["input_dropout", "1.0"]),
    "recurrent_dropout str": (lambda: StackedRNN(I, H, recurrent_dropout="0.2"), TypeError,
                              ["recurrent_dropout", "'0.2'"]),
    "bidirectional str": (lambda: StackedLSTM(I, H, bidirectional="yes"), TypeError,
                          ["bidirectional", "'yes'"]),
    "train str": (lambda: _lstm().forward(X, train="yes"), TypeError, ["train", "'yes'"]),
    "d_output shape": (lambda: _lstm().backward(_lstm().forward(X), np.zeros((T, B, H))),
                       ValueError, ["d_output", "(T, B, D*H) = (6, 4, 10)", "(6, 4, 5)"]),
    "dh_n shape": (lambda: _lstm().backward(_lstm().forward(X), np.zeros((T, B, 2 * H)),
                                            dh_n=np.zeros((2, B, H))),
                   ValueError, ["dh_n", "(4, 4, 5)"]),
    "wrong trace": (lambda: StackedGRU(I, H).backward(StackedLSTM(I, H).forward(X),
                                                      np.zeros((T, B, H))),
                    TypeError, ["trace", "StackedTrace", "StackedLSTMTrace"]),
    "param missing": (lambda: StackedLSTM.from_params(
        {k: v for k, v in _lstm().params.items() if k != "bias_hh_l1"}), ValueError,
        ["params", "missing keys ['bias_hh_l1']"]),
    "param shape": (lambda: StackedLSTM.from_params(
        {**_lstm().params, "weight_ih_l1": np.zeros((20, 5))}), ValueError,
        ["params['weight_ih_l1']", "(4H, D*H) = (20, 10)", "(20, 5)"]),
    "LSTM params in a GRU": (lambda: StackedGRU.from_params(_lstm().params), ValueError,
                             ["params['weight_hh_l0']", "(3H, H)", "(20, 5)"]),
    "not a dict": (lambda: StackedRNN.from_params([1, 2]), TypeError, ["params", "dict"]),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_input_names_the_argument(case):
    call, error, fragments = BAD_CALLS[case]
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    missing = [f for f in fragments if f not in message]
    assert not missing, f"{missing} not in: {message}"


def test_padding_may_hold_nan():
    x = X.copy()
    x[3:, 0] = np.nan
    tr = _lstm().forward(x, lengths=[3, 6, 6, 6])
    assert np.all(np.isfinite(tr.output)) and np.all(tr.output[3:, 0] == 0)


# ---- the parity table for the closing note ---------------------------------------------------

def parity_table():
    """Markdown: the worst relative error over every checked quantity, per model and case."""
    cols = [(L, bd) for L in (1, 2, 3) for bd in (False, True)]
    head = " | ".join(f"L={L} {'bi' if bd else 'uni'}" for L, bd in cols)
    lines = [f"| model | lengths | states | {head} |", "|---" * (3 + len(cols)) + "|"]
    for kind in MODELS:
        for case in LENGTHS:
            for given_states in (True, False):
                worst = [max(parity_errors(kind, L, bd, case, given_states).values())
                         for L, bd in cols]
                cells = " | ".join(f"{w:.1e}" for w in worst)
                lines.append(f"| {kind} | {case} | {'given' if given_states else 'default'} "
                             f"| {cells} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(parity_table())
