r"""Sequence to sequence: an LSTM encoder, an LSTM decoder and optional additive attention.

What it covers: ``Seq2Seq``, a one-layer unidirectional LSTM encoder and decoder with token
embeddings and a softmax read-out, trained with teacher forcing on the masked mean
cross-entropy per target token; optional additive attention with the score of Bahdanau, Cho &
Bengio (2015); hand-written backward through all of it (the two LSTMs through
``LSTM.backward``); greedy and beam-search decoding; ``fit_seq2seq``, a short Adam loop.
Not covered: stacked or bidirectional encoders, dropout, length normalisation in beam search,
plotting (the book's figures read ``Seq2Seq.forward(...).attention``).

Shapes: S source steps, U target steps, B batch, E embedding size, H hidden size, A attention
size, Vs / Vt source / target vocabulary sizes.

Tokens: ``PAD = 0`` in both vocabularies; ``BOS = 1`` and ``EOS = 2`` in the target vocabulary
(in the source vocabulary 1 and 2 are ordinary tokens).

- ``src (S, B)`` int: one source sequence per column, right-padded with PAD, >= 1 token each.
- ``tgt (U, B)`` int: one target per column: its tokens, then EOS, then PAD; no BOS (the model
  feeds BOS as the decoder's first input). A batch is the pair ``(src, tgt)``.

Equations (teacher forcing: the decoder reads the true previous token ``y_{u-1}``, ``y_0 = BOS``)::

    h_j, c_j = LSTM_enc(src_embed[src_j])            (S, B, H)   j = 1..S
    s_0, m_0 = h_n, c_n  (n = each sequence's own length: its last real token)
    s_u      = LSTM_dec(tgt_embed[y_{u-1}]; s_0, m_0)  (U, B, H)
    score_uj = v^T tanh(W s_u + U h_j)               (B, U, S)   -inf where src_j is PAD
    alpha_u  = softmax_j(score_u);  ctx_u = sum_j alpha_uj h_j      (U, B, H)
    f_u      = [s_u; ctx_u]                          (U, B, 2H)  (f_u = s_u without attention)
    logits_u = W_out f_u + b_out                     (U, B, Vt)
    loss     = mean over non-PAD targets of -log softmax(logits_u)[y_u]

(``W, U, v`` are ``params["attn_W"], ["attn_U"], ["attn_v"]``; ``W_out, b_out`` are
``out_weight, out_bias``.)

Where the context goes: into the read-out only, with the *current* decoder state ``s_u`` as
the query (the arrangement of Luong, Pham & Manning 2015, with Bahdanau's additive score).
Bahdanau et al. query with ``s_{u-1}`` and also feed ``ctx_u`` into the decoder's input; keeping
the context out of the recurrence lets the teacher-forced decoder run as one ``LSTM.forward``
call and be differentiated by one ``LSTM.backward``.

Padding: trailing PAD in ``src`` never reaches a real position: the LSTM is causal, the
attention gives PAD positions weight 0, and the decoder starts from each sequence's state at
its last real token. ``LSTM.backward`` takes ``dL/dc`` at the last step only, so the encoder
runs in *segments* that end at each distinct length in the batch (one ``LSTM.forward`` each,
chained by their final states); the backward pass walks them in reverse and injects each
sequence's final-state gradient where its segment ends. PAD targets are masked out of the loss.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from lstm_edu._validation import check_finite, check_size
from lstm_edu.lstm import LSTM

__all__ = ["Seq2Seq", "Seq2SeqTrace", "fit_seq2seq", "PAD", "BOS", "EOS"]

PAD, BOS, EOS = 0, 1, 2
_LSTM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def log_softmax(z):
    """log softmax over the last axis, stable for any finite z (-inf entries give -inf)."""
    z = z - np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


@dataclass(repr=False)
class Seq2SeqTrace:
    """What one teacher-forced forward pass computed (everything backward needs).

    src (S, B), tgt (U, B), lengths (B,); segments: the encoder's LSTMTraces with their
    (start, stop) steps; enc_h (S, B, H) (zero past the longest sequence); dec: the decoder's
    LSTMTrace (h: (U, B, H)); ctx (U, B, H), attention (B, U, S) and tanh_pre (B, U, S, A), or
    None without attention; feats (U, B, H or 2H) the read-out's input; logp (U, B, Vt) log
    probabilities; nll (U, B) per-token loss (0 at PAD); loss: their mean over non-PAD targets.
    """

    src: np.ndarray
    tgt: np.ndarray
    lengths: np.ndarray
    segments: list
    enc_h: np.ndarray
    dec: object
    ctx: np.ndarray | None
    attention: np.ndarray | None
    tanh_pre: np.ndarray | None
    feats: np.ndarray
    logp: np.ndarray
    nll: np.ndarray
    loss: float

    def __repr__(self):
        (S, B), U = self.src.shape, self.tgt.shape[0]
        return f"Seq2SeqTrace(S={S}, U={U}, B={B}, loss={self.loss:.6g})"


def _check_ids(ids, name, vocab_size, what):
    """A 2-D integer array of token ids in [0, vocab_size), returned as int64."""
    try:
        arr = np.asarray(ids)
    except (ValueError, TypeError) as err:              # ragged nested lists
        raise TypeError(f"{name}: expected an integer array {what}, got {err}") from err
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected an integer array of token ids {what}, "
                        f"got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array {what}, got shape {arr.shape}")
    if 0 in arr.shape:
        raise ValueError(f"{name}: expected a non-empty array {what}, got shape {arr.shape}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= vocab_size:
        raise ValueError(f"{name}: expected token ids in [0, {vocab_size}), got ids from "
                         f"{lo} to {hi}")
    return arr.astype(np.int64)


def _lengths(ids, name):
    """Number of non-PAD tokens per column; each column must be >= 1 token, then PAD only."""
    real = ids != PAD
    lengths = real.sum(axis=0)
    if np.any(lengths == 0):
        b = int(np.argmax(lengths == 0))
        raise ValueError(f"{name}: expected at least one non-PAD token in every column, "
                         f"got an empty column {b} (all PAD={PAD})")
    bad = np.any(real != (np.arange(ids.shape[0])[:, None] < lengths), axis=0)
    if np.any(bad):
        raise ValueError(f"{name}: expected right padding (PAD={PAD} only after the tokens), "
                         f"got a token after a PAD in column {int(np.argmax(bad))}")
    return lengths


class Seq2Seq:
    """LSTM encoder-decoder with optional additive attention (see the module docstring).

    ``Seq2Seq(src_vocab_size, tgt_vocab_size, hidden_size, attention=True, seed=0,
    embed_size=None (= hidden_size), attention_size=None (= hidden_size))``. Float64 only.

    ``params`` (a flat dict, updated in place by optimizers): src_embed (Vs, E),
    tgt_embed (Vt, E); enc_weight_ih (4H, E), enc_weight_hh (4H, H), enc_bias_ih (4H,),
    enc_bias_hh (4H,) and the same dec_*; with attention attn_W (A, H), attn_U (A, H),
    attn_v (A,); out_weight (Vt, 2H) with attention, (Vt, H) without; out_bias (Vt,).
    Initialisation as torch's defaults: embeddings N(0, 1), LSTMs as ``LSTM``, the others
    uniform in +-1/sqrt(fan_in).
    """

    def __init__(self, src_vocab_size, tgt_vocab_size, hidden_size, attention=True, seed=0,
                 embed_size=None, attention_size=None):
        self.src_vocab_size = check_size(src_vocab_size, "src_vocab_size")
        self.tgt_vocab_size = check_size(tgt_vocab_size, "tgt_vocab_size")
        if self.src_vocab_size < 2:
            raise ValueError(f"src_vocab_size: expected >= 2 (PAD and a token), "
                             f"got {src_vocab_size}")
        if self.tgt_vocab_size < 4:
            raise ValueError(f"tgt_vocab_size: expected >= 4 (PAD, BOS, EOS and a token), "
                             f"got {tgt_vocab_size}")
        H = self.hidden_size = check_size(hidden_size, "hidden_size")
        E = self.embed_size = H if embed_size is None else check_size(embed_size, "embed_size")
        A = H if attention_size is None else check_size(attention_size, "attention_size")
        if not isinstance(attention, (bool, np.bool_)):
            raise TypeError(f"attention: expected True or False, got {attention!r}")
        self.attention, self.attention_size = bool(attention), A
        rng = np.random.default_rng(seed)
        enc, dec = (LSTM(E, H, seed=int(s)) for s in rng.integers(2**32, size=2))
        p = {"src_embed": rng.standard_normal((self.src_vocab_size, E)),
             "tgt_embed": rng.standard_normal((self.tgt_vocab_size, E))}
        p.update({f"enc_{k}": v for k, v in enc.params.items()})
        p.update({f"dec_{k}": v for k, v in dec.params.items()})
        if self.attention:
            p["attn_W"] = rng.uniform(-1, 1, (A, H)) / np.sqrt(H)
            p["attn_U"] = rng.uniform(-1, 1, (A, H)) / np.sqrt(H)
            p["attn_v"] = rng.uniform(-1, 1, A) / np.sqrt(A)
        F = 2 * H if self.attention else H
        p["out_weight"] = rng.uniform(-1, 1, (self.tgt_vocab_size, F)) / np.sqrt(F)
        p["out_bias"] = rng.uniform(-1, 1, self.tgt_vocab_size) / np.sqrt(F)
        self.params = p
        self._shapes = {k: v.shape for k, v in p.items()}
        self._enc, self._dec = enc, dec

    def __repr__(self):
        return (f"Seq2Seq(src_vocab_size={self.src_vocab_size}, tgt_vocab_size="
                f"{self.tgt_vocab_size}, hidden_size={self.hidden_size}, attention="
                f"{self.attention}, embed_size={self.embed_size})")

    # ------------------------------------------------------------------ checks and helpers

    def _check_params(self):
        """Every parameter present, float64, of its shape and finite; LSTMs see the arrays."""
        for name, shape in self._shapes.items():
            arr = self.params.get(name)
            if not isinstance(arr, np.ndarray) or arr.dtype != np.float64:
                got = type(arr).__name__ if not isinstance(arr, np.ndarray) else arr.dtype
                raise TypeError(f"params['{name}']: expected a float64 array, got {got}")
            if arr.shape != shape:
                raise ValueError(f"params['{name}']: expected shape {shape}, got {arr.shape}")
            check_finite(arr, f"params['{name}']")
        self._enc.params = {k: self.params[f"enc_{k}"] for k in _LSTM_KEYS}
        self._dec.params = {k: self.params[f"dec_{k}"] for k in _LSTM_KEYS}

    def _check_src(self, src):
        src = _check_ids(src, "src", self.src_vocab_size, "of shape (S, B)")
        return src, _lengths(src, "src")

    def _check_batch(self, batch):
        """batch = (src (S, B), tgt (U, B)) -> (src, lengths, tgt), all checked."""
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError(f"batch: expected a pair (src, tgt), got {type(batch).__name__}"
                            + (f" of length {len(batch)}" if hasattr(batch, "__len__") else ""))
        src, lengths = self._check_src(batch[0])
        tgt = _check_ids(batch[1], "tgt", self.tgt_vocab_size, "of shape (U, B)")
        if tgt.shape[1] != src.shape[1]:
            raise ValueError(f"tgt: expected B={src.shape[1]} columns to match src's shape "
                             f"(S, B)={src.shape}, got shape {tgt.shape}")
        n = _lengths(tgt, "tgt")
        if np.any(tgt == BOS):
            raise ValueError(f"tgt: expected no BOS={BOS} (the model adds it), got BOS in "
                             f"column {int(np.argmax(np.any(tgt == BOS, axis=0)))}")
        last = tgt[n - 1, np.arange(tgt.shape[1])]               # each column's last token
        bad = (last != EOS) | (np.sum(tgt == EOS, axis=0) != 1)
        if np.any(bad):
            b = int(np.argmax(bad))
            raise ValueError(f"tgt: expected each column to hold exactly one EOS={EOS}, as its "
                             f"last token before the padding, got column {b}: "
                             f"{tgt[:n[b], b].tolist()}")
        return src, lengths, tgt

    def example_batch(self, B, seed=0):
        """A random batch (src (S, B), tgt (U, B)) with 1-5 source and 1-4 target tokens."""
        B = check_size(B, "B")
        rng = np.random.default_rng(seed)
        n_src, n_tgt = rng.integers(1, 6, B), rng.integers(1, 5, B)
        src = rng.integers(1, self.src_vocab_size, (n_src.max(), B))
        src[np.arange(n_src.max())[:, None] >= n_src] = PAD
        tgt = rng.integers(EOS + 1, self.tgt_vocab_size, (n_tgt.max() + 1, B))
        steps = np.arange(n_tgt.max() + 1)[:, None]
        tgt[steps == n_tgt] = EOS
        tgt[steps > n_tgt] = PAD
        return src, tgt

    # ------------------------------------------------------------------ encoder

    def _encode(self, src, lengths):
        """src (S, B) -> segments, enc_h (S, B, H), state (h, c) (B, H) at each last token."""
        S, B = src.shape
        x = self.params["src_embed"][src]                       # (S, B, E)
        enc_h = np.zeros((S, B, self.hidden_size))
        h_n, c_n = np.empty((B, self.hidden_size)), np.empty((B, self.hidden_size))
        segments, h, c, start = [], None, None, 0
        for stop in np.unique(lengths):                         # a segment ends at each length
            tr = self._enc.forward(x[start:stop], h, c)
            segments.append(((start, int(stop)), tr))
            enc_h[start:stop] = tr.h
            h, c = tr.h[-1], tr.c[-1]
            ends = lengths == stop
            h_n[ends], c_n[ends] = h[ends], c[ends]
            start = int(stop)
        return segments, enc_h, h_n, c_n

    def _encode_backward(self, trace, d_enc_h, dh_n, dc_n, grads):
        """Adds the encoder's weight grads to ``grads``; returns dL/dx (S, B, E)."""
        dx = np.zeros(trace.src.shape + (self.embed_size,))
        dh_carry, dc_carry = 0.0, 0.0
        for (start, stop), tr in reversed(trace.segments):
            ends = (trace.lengths == stop)[:, None]
            dh = d_enc_h[start:stop].copy()
            dh[-1] += dh_carry + np.where(ends, dh_n, 0.0)
            g = self._enc.backward(tr, dh, dc_carry + np.where(ends, dc_n, 0.0))
            for k in _LSTM_KEYS:
                grads[f"enc_{k}"] += g[k]
            dx[start:stop] = g["x"]
            dh_carry, dc_carry = g["h0"], g["c0"]
        return dx

    # ------------------------------------------------------------------ attention

    def _attend(self, s, enc_h, keys, valid):
        """s (U, B, H) queries; enc_h (S, B, H); keys = U h_j (S, B, A); valid (S, B) bool.

        Returns ctx (U, B, H), alpha (B, U, S), tanh_pre (B, U, S, A)."""
        query = s @ self.params["attn_W"].T                     # (U, B, A)
        tanh_pre = np.tanh(query.transpose(1, 0, 2)[:, :, None, :]
                           + keys.transpose(1, 0, 2)[:, None, :, :])
        score = np.where(valid.T[:, None, :], tanh_pre @ self.params["attn_v"], -np.inf)
        alpha = np.exp(log_softmax(score))                      # (B, U, S), rows sum to 1
        ctx = alpha @ enc_h.transpose(1, 0, 2)                  # (B, U, H)
        return ctx.transpose(1, 0, 2), alpha, tanh_pre

    def _attend_backward(self, dctx, trace, grads):
        """dL/dctx (U, B, H) -> dL/ds (U, B, H), dL/dh_j (S, B, H); adds the attn_* grads."""
        W, Ua, v = self.params["attn_W"], self.params["attn_U"], self.params["attn_v"]
        alpha, Z, A = trace.attention, trace.tanh_pre, v.size
        hb, sb = trace.enc_h.transpose(1, 0, 2), trace.dec.h.transpose(1, 0, 2)  # (B, ., H)
        dctx = dctx.transpose(1, 0, 2)                          # (B, U, H)
        dalpha = dctx @ hb.transpose(0, 2, 1)                   # (B, U, S)
        d_h = alpha.transpose(0, 2, 1) @ dctx                   # (B, S, H) through the values
        dscore = alpha * (dalpha - np.sum(alpha * dalpha, axis=-1, keepdims=True))
        grads["attn_v"] += dscore.reshape(-1) @ Z.reshape(-1, A)
        dpre = dscore[..., None] * v * (1 - Z * Z)              # (B, U, S, A)
        dq, dk = dpre.sum(axis=2), dpre.sum(axis=1)             # (B, U, A), (B, S, A)
        grads["attn_W"] += dq.reshape(-1, A).T @ sb.reshape(-1, sb.shape[2])
        grads["attn_U"] += dk.reshape(-1, A).T @ hb.reshape(-1, hb.shape[2])
        d_h += dk @ Ua                                          # through the keys
        return (dq @ W).transpose(1, 0, 2), d_h.transpose(1, 0, 2)

    # ------------------------------------------------------------------ whole model

    def _readout(self, s, enc_h, keys, valid):
        """Decoder states s (U, B, H) -> feats (U, B, F), log probs (U, B, Vt), ctx, alpha."""
        ctx = alpha = tanh_pre = None
        feats = s
        if self.attention:
            ctx, alpha, tanh_pre = self._attend(s, enc_h, keys, valid)
            feats = np.concatenate([s, ctx], axis=-1)
        logits = feats @ self.params["out_weight"].T + self.params["out_bias"]
        return feats, log_softmax(logits), ctx, alpha, tanh_pre

    def _memory(self, enc_h, lengths):
        """What the decoder looks at: enc_h (S, B, H), keys (S, B, A) or None, valid (S, B)."""
        keys = enc_h @ self.params["attn_U"].T if self.attention else None
        return enc_h, keys, np.arange(enc_h.shape[0])[:, None] < lengths

    def forward(self, batch):
        """Teacher-forced forward pass of a batch (src (S, B), tgt (U, B)) -> Seq2SeqTrace."""
        src, lengths, tgt = self._check_batch(batch)
        self._check_params()
        segments, enc_h, h_n, c_n = self._encode(src, lengths)
        prev = np.concatenate([np.full((1, tgt.shape[1]), BOS), tgt[:-1]])   # (U, B)
        dec = self._dec.forward(self.params["tgt_embed"][prev], h_n, c_n)
        feats, logp, ctx, alpha, tanh_pre = self._readout(
            dec.h, *self._memory(enc_h, lengths))
        nll = -np.take_along_axis(logp, tgt[..., None], axis=-1)[..., 0] * (tgt != PAD)
        return Seq2SeqTrace(src, tgt, lengths, segments, enc_h, dec, ctx, alpha, tanh_pre,
                            feats, logp, nll, float(nll.sum() / np.sum(tgt != PAD)))

    def backward(self, trace):
        """Gradients of ``trace.loss``: a dict with the keys and shapes of ``params``."""
        p, tgt = self.params, trace.tgt
        grads = {k: np.zeros_like(v) for k, v in p.items()}
        dlogits = np.exp(trace.logp)                            # softmax - one_hot, masked
        np.put_along_axis(dlogits, tgt[..., None],
                          np.take_along_axis(dlogits, tgt[..., None], axis=-1) - 1, axis=-1)
        dlogits *= ((tgt != PAD) / np.sum(tgt != PAD))[..., None]
        Vt, F = p["out_weight"].shape
        grads["out_weight"] = dlogits.reshape(-1, Vt).T @ trace.feats.reshape(-1, F)
        grads["out_bias"] = dlogits.reshape(-1, Vt).sum(axis=0)
        dfeats = dlogits @ p["out_weight"]                      # (U, B, F)
        H = self.hidden_size
        ds, d_enc_h = dfeats[..., :H], np.zeros_like(trace.enc_h)
        if self.attention:
            ds_att, d_enc_h = self._attend_backward(dfeats[..., H:], trace, grads)
            ds = ds + ds_att
        g = self._dec.backward(trace.dec, ds)
        for k in _LSTM_KEYS:
            grads[f"dec_{k}"] = g[k]
        prev = np.concatenate([np.full((1, tgt.shape[1]), BOS), tgt[:-1]])
        np.add.at(grads["tgt_embed"], prev.reshape(-1), g["x"].reshape(-1, self.embed_size))
        dx = self._encode_backward(trace, d_enc_h, g["h0"], g["c0"], grads)
        np.add.at(grads["src_embed"], trace.src.reshape(-1), dx.reshape(-1, self.embed_size))
        return grads

    def loss(self, batch):
        """Mean cross-entropy per non-PAD target token of ``batch = (src, tgt)``."""
        return self.forward(batch).loss

    def loss_and_grads(self, batch):
        """``(loss, grads)``; grads has the keys and shapes of ``params``."""
        trace = self.forward(batch)
        return trace.loss, self.backward(trace)

    # ------------------------------------------------------------------ decoding

    def sequence_log_prob(self, src, outputs):
        """log p(outputs[b] + EOS | src[:, b]) for each b: (B,). outputs: B lists of ids."""
        src, _ = self._check_src(src)
        if not isinstance(outputs, (list, tuple)) or len(outputs) != src.shape[1]:
            raise ValueError(f"outputs: expected a list of B={src.shape[1]} token lists, "
                             f"got {type(outputs).__name__} of length "
                             f"{len(outputs) if hasattr(outputs, '__len__') else '?'}")
        tgt = np.full((max(len(o) for o in outputs) + 1, src.shape[1]), PAD)
        for b, out in enumerate(outputs):
            tgt[:len(out) + 1, b] = [*out, EOS]
        return -self.forward((src, tgt)).nll.sum(axis=0)

    def _step(self, y, h, c, memory):
        """One decoder step: previous tokens y (B,), state (B, H) -> log probs (B, Vt), h, c."""
        tr = self._dec.forward(self.params["tgt_embed"][y][None], h, c)
        logp = self._readout(tr.h, *memory)[1][0]
        return logp, tr.h[0], tr.c[0]

    def translate(self, src, max_len=6, beam_size=1):
        """Decode each column of src (S, B): a list of B lists of target ids, without BOS/EOS.

        Greedy (the most probable next token, all columns at once) when ``beam_size == 1``;
        otherwise ``beam_search``. PAD and BOS are never produced. A sequence stops at EOS or
        after ``max_len`` decoder steps (then it is cut, with ``max_len`` tokens).
        """
        if check_size(beam_size, "beam_size") > 1:
            return self.beam_search(src, beam_size, max_len)
        src, lengths = self._check_src(src)
        max_len = check_size(max_len, "max_len")
        self._check_params()
        _, enc_h, h, c = self._encode(src, lengths)
        return self._greedy(self._memory(enc_h, lengths), h, c, max_len)

    def beam_search(self, src, beam_size, max_len=6):
        """Beam search on the summed log probability (no length normalisation), per column.

        Keeps the ``beam_size`` best extensions of the live hypotheses at each step; one that
        ends in EOS is finished. Stops when no live one can beat the best finished one (log
        probabilities only fall) or after ``max_len`` steps. Returns, per column of src
        (S, B), the best finished hypothesis without BOS/EOS (the best live one, cut, if none
        finished). With ``beam_size = 1`` it is greedy decoding.
        """
        src, lengths = self._check_src(src)
        max_len, beam_size = check_size(max_len, "max_len"), check_size(beam_size, "beam_size")
        self._check_params()
        _, enc_h, h, c = self._encode(src, lengths)
        memory = self._memory(enc_h, lengths)
        return [self._beam([None if m is None else m[:, [b]] for m in memory],
                           h[[b]], c[[b]], max_len, beam_size) for b in range(src.shape[1])]

    def _greedy(self, memory, h, c, max_len):
        B = h.shape[0]
        y, done, out = np.full(B, BOS), np.zeros(B, dtype=bool), [[] for _ in range(B)]
        for _ in range(max_len):
            logp, h, c = self._step(y, h, c, memory)
            logp[:, [PAD, BOS]] = -np.inf
            y = np.argmax(logp, axis=1)
            for b in np.flatnonzero(~done & (y != EOS)):
                out[b].append(int(y[b]))
            done |= y == EOS
            if done.all():
                break
        return out

    def _beam(self, memory, h, c, max_len, k):
        """Beam search for one source (memory with B = 1): the best finished hypothesis."""
        tokens, scores, y = [[]], np.zeros(1), np.array([BOS])
        finished = []                                           # (score, tokens), EOS emitted
        for _ in range(max_len):
            n = len(tokens)
            logp, h, c = self._step(y, h, c, [None if m is None else m.repeat(n, axis=1)
                                              for m in memory])
            logp[:, [PAD, BOS]] = -np.inf
            cand = scores[:, None] + logp                       # (n, Vt)
            best = np.argsort(-cand, axis=None, kind="stable")[:k]
            best = best[np.isfinite(cand.reshape(-1)[best])]   # never PAD or BOS
            rows, toks = np.unravel_index(best, cand.shape)
            ends = toks == EOS
            finished += [(cand[r, EOS], tokens[r]) for r in rows[ends]]
            rows, toks = rows[~ends], toks[~ends]
            tokens = [tokens[r] + [int(t)] for r, t in zip(rows, toks, strict=True)]
            scores, y, h, c = cand[rows, toks], toks, h[rows], c[rows]
            if not tokens or (finished and max(f[0] for f in finished) >= scores.max()):
                break                                           # no live beam can win
        if not finished:                                        # cut at max_len
            return tokens[int(np.argmax(scores))]
        return max(finished, key=lambda f: f[0])[1]


def _default_optimizer(lr):
    """``Adam(lr)``, imported only when ``fit_seq2seq`` needs it (the model does not)."""
    from lstm_edu.training.optim import Adam

    return Adam(lr)


def fit_seq2seq(model, train, *, steps, batch_size, lr=1e-2, seed=0, optimizer=None,
                clip=None, callback=None):
    """Train ``model`` on random minibatches of ``train = (src (S, N), tgt (U, N))``.

    Each step draws ``batch_size`` columns (with ``np.random.default_rng(seed)``), drops rows
    that are PAD in every drawn column, and takes one optimizer step (``Adam(lr)`` unless
    ``optimizer`` is given; anything with ``step(params, grads)``). ``clip``: rescale the
    gradients to this global norm when larger. ``callback(step, loss)`` runs after every step;
    if it returns True, training stops. Returns the list of minibatch losses.
    """
    src, _, tgt = model._check_batch(train)
    steps, batch_size = check_size(steps, "steps"), check_size(batch_size, "batch_size")
    if clip is not None and not (isinstance(clip, numbers.Real) and clip > 0):
        raise ValueError(f"clip: expected a positive number or None, got {clip!r}")
    optimizer = optimizer or _default_optimizer(lr)
    rng, losses = np.random.default_rng(seed), []
    for step in range(steps):
        cols = rng.integers(0, src.shape[1], batch_size)
        s, t = src[:, cols], tgt[:, cols]
        s, t = s[: np.sum(s != PAD, axis=0).max()], t[: np.sum(t != PAD, axis=0).max()]
        loss, grads = model.loss_and_grads((s, t))
        norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
        if clip is not None and norm > clip:
            grads = {key: g * (clip / norm) for key, g in grads.items()}
        optimizer.step(model.params, grads)
        losses.append(loss)
        if callback is not None and callback(step, loss):
            break
    return losses
