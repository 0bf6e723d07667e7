r"""``Seq2Seq``: an LSTM encoder (one- or two-directional), an LSTM decoder, optional attention.

What it covers: the model's parameters, the teacher-forced forward pass to the masked mean
cross-entropy per target token and its hand-written backward (the encoder through
``StackedLSTM.backward``, the decoder through ``LSTM.backward``, the attention through
``attention.attend_backward``). Decoding lives in ``decode.py``, training in ``train.py``.
Not covered: stacked layers, dropout, plotting (figures read ``forward(...).attention``).

Shapes: S source steps, U target steps, B batch, E embedding size, H hidden size,
D = 2 if bidirectional else 1, A attention size, Vs / Vt vocabulary sizes. Equations
(teacher forcing: the decoder reads the true previous token y_{u-1}, y_0 = BOS)::

    h_j      = Enc(src_embed[src_j])                 (S, B, D*H)  zero past each length
    s_0, m_0 = final states, both directions joined  (B, D*H)  (each sequence's own length)
    s_u      = LSTM_dec(tgt_embed[y_{u-1}]; s_0, m_0) (U, B, D*H)
    alpha_u  = softmax_j(v^T tanh(W s_u + U h_j)),  ctx_u = sum_j alpha_uj h_j  (U, B, D*H)
    f_u      = [s_u; ctx_u]   (U, B, 2*D*H)          (f_u = s_u without attention)
    logits_u = W_out f_u + b_out                     (U, B, Vt)
    loss     = mean over non-PAD targets of -log softmax(logits_u)[y_u]

Where the context goes: into the read-out only, with the *current* decoder state s_u as the
query (the arrangement of Luong, Pham & Manning 2015, with Bahdanau's additive score).
Bahdanau et al. query with s_{u-1} and also feed ctx_u into the decoder's input; keeping the
context out of the recurrence lets the teacher-forced decoder run as one ``LSTM.forward`` call.

Bidirectional: the reverse direction reads each source backwards from its own last token; its
final state (at the first token) and the forward one (at the last token) are concatenated, so
the decoder has D*H units. Padding never reaches a real position: the encoder runs packed
(``StackedLSTM(lengths=...)``), attention gives PAD weight 0, PAD targets are masked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_edu._validation import check_finite, check_size
from lstm_edu.lstm import LSTM
from lstm_edu.seq2seq import batch as bt
from lstm_edu.seq2seq import decode
from lstm_edu.seq2seq.attention import attend, attend_backward
from lstm_edu.stacked import StackedLSTM

__all__ = ["Seq2Seq", "Seq2SeqTrace"]

_LSTM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@dataclass(repr=False)
class Seq2SeqTrace:
    """What one teacher-forced forward pass computed (everything backward needs).

    src (S, B), tgt (U, B), lengths (B,); enc: the encoder's StackedLSTMTrace; enc_h
    (S, B, D*H); dec: the decoder's LSTMTrace (h: (U, B, D*H)); att: the AttentionCache or
    None; attention (B, U, S) or None; feats (U, B, F) the read-out's input; logp (U, B, Vt);
    nll (U, B) per-token loss (0 at PAD); loss: their mean over non-PAD targets.
    """

    src: np.ndarray
    tgt: np.ndarray
    lengths: np.ndarray
    enc: object
    enc_h: np.ndarray
    dec: object
    att: object
    feats: np.ndarray
    logp: np.ndarray
    nll: np.ndarray
    loss: float

    @property
    def attention(self):
        return None if self.att is None else self.att.alpha

    def __repr__(self):
        (S, B), U = self.src.shape, self.tgt.shape[0]
        return f"Seq2SeqTrace(S={S}, U={U}, B={B}, loss={self.loss:.6g})"


def _join(state):
    """The encoder's final states (D, B, H) -> the decoder's start (B, D*H): [fwd; reverse]."""
    D, B, H = state.shape
    return state.transpose(1, 0, 2).reshape(B, D * H)


def _split(grad, H):
    """The inverse of ``_join``: (B, D*H) -> (D, B, H)."""
    return grad.reshape(grad.shape[0], -1, H).transpose(1, 0, 2)


class Seq2Seq:
    """LSTM encoder-decoder with optional additive attention (see the module docstring).

    ``Seq2Seq(src_vocab_size, tgt_vocab_size, hidden_size, attention=True, seed=0,
    embed_size=None (= hidden_size), attention_size=None (= hidden_size),
    bidirectional=False)``. Float64 only.

    ``params`` (a flat dict, updated in place by optimizers): src_embed (Vs, E),
    tgt_embed (Vt, E); enc_weight_ih (4H, E), enc_weight_hh (4H, H), enc_bias_ih (4H,),
    enc_bias_hh (4H,), with ``bidirectional`` also enc_*_reverse; dec_weight_ih (4DH, E),
    dec_weight_hh (4DH, DH), dec_bias_ih, dec_bias_hh (4DH,); with attention attn_W (A, DH),
    attn_U (A, DH), attn_v (A,); out_weight (Vt, 2DH) with attention, (Vt, DH) without;
    out_bias (Vt,). Initialisation as torch's defaults: embeddings N(0, 1), LSTMs as ``LSTM``,
    the others uniform in +-1/sqrt(fan_in).
    """

    def __init__(self, src_vocab_size, tgt_vocab_size, hidden_size, attention=True, seed=0,
                 embed_size=None, attention_size=None, bidirectional=False):
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
        for value, name in ((attention, "attention"), (bidirectional, "bidirectional")):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name}: expected True or False, got {value!r}")
        self.attention, self.attention_size = bool(attention), A
        self.bidirectional = bool(bidirectional)
        D = 2 if self.bidirectional else 1
        self.state_size = K = D * H                       # decoder units, encoder outputs
        rng = np.random.default_rng(seed)
        seeds = rng.integers(2**32, size=2)
        enc, dec = LSTM(E, H, seed=int(seeds[0])), LSTM(E, K, seed=int(seeds[1]))
        p = {"src_embed": rng.standard_normal((self.src_vocab_size, E)),
             "tgt_embed": rng.standard_normal((self.tgt_vocab_size, E))}
        p.update({f"enc_{k}": v for k, v in enc.params.items()})
        p.update({f"dec_{k}": v for k, v in dec.params.items()})
        if self.attention:
            p["attn_W"] = rng.uniform(-1, 1, (A, K)) / np.sqrt(K)
            p["attn_U"] = rng.uniform(-1, 1, (A, K)) / np.sqrt(K)
            p["attn_v"] = rng.uniform(-1, 1, A) / np.sqrt(A)
        F = 2 * K if self.attention else K
        p["out_weight"] = rng.uniform(-1, 1, (self.tgt_vocab_size, F)) / np.sqrt(F)
        p["out_bias"] = rng.uniform(-1, 1, self.tgt_vocab_size) / np.sqrt(F)
        if self.bidirectional:                             # drawn last: unidirectional unchanged
            rev = LSTM(E, H, seed=int(rng.integers(2**32)))
            p.update({f"enc_{k}_reverse": v for k, v in rev.params.items()})
        self.params = p
        self._shapes = {k: v.shape for k, v in p.items()}
        self._enc = StackedLSTM(E, H, bidirectional=self.bidirectional)
        self._dec = dec

    def __repr__(self):
        return (f"Seq2Seq(src_vocab_size={self.src_vocab_size}, tgt_vocab_size="
                f"{self.tgt_vocab_size}, hidden_size={self.hidden_size}, attention="
                f"{self.attention}, embed_size={self.embed_size}, bidirectional="
                f"{self.bidirectional})")

    # ------------------------------------------------------------------ checks

    def _enc_names(self):
        """{our name: torch name of the encoder's StackedLSTM}: enc_weight_ih -> weight_ih_l0."""
        suffixes = ("", "_reverse") if self.bidirectional else ("",)
        return {f"enc_{k}{r}": f"{k}_l0{r}" for r in suffixes for k in _LSTM_KEYS}

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
        self._enc.params = {t: self.params[o] for o, t in self._enc_names().items()}
        self._dec.params = {k: self.params[f"dec_{k}"] for k in _LSTM_KEYS}

    def _check_batch(self, batch):
        return bt.check_batch(batch, self.src_vocab_size, self.tgt_vocab_size)

    def example_batch(self, B, seed=0):
        """A random batch (src (S, B), tgt (U, B)) with 1-5 source and 1-4 target tokens."""
        return bt.example_batch(B, self.src_vocab_size, self.tgt_vocab_size, seed)

    # ------------------------------------------------------------------ forward

    def encode(self, src, lengths):
        """src (S, B) -> (encoder trace, enc_h (S, B, D*H), s_0 (B, D*H), m_0 (B, D*H)).

        src and lengths as checked by ``batch.check_src``; the parameters are checked here."""
        self._check_params()
        tr = self._enc.forward(self.params["src_embed"][src], lengths=lengths)
        return tr, tr.output, _join(tr.h_n), _join(tr.c_n)

    def memory(self, enc_h, lengths):
        """What the decoder looks at: (enc_h (S, B, K), keys (S, B, A) or None, valid (S, B))."""
        keys = enc_h @ self.params["attn_U"].T if self.attention else None
        return enc_h, keys, np.arange(enc_h.shape[0])[:, None] < lengths

    def readout(self, s, memory):
        """Decoder states s (U, B, K) -> (feats (U, B, F), log probs (U, B, Vt), att or None)."""
        att, feats = None, s
        if self.attention:
            att = attend(s, *memory, self.params["attn_W"], self.params["attn_v"])
            feats = np.concatenate([s, att.ctx], axis=-1)
        logits = feats @ self.params["out_weight"].T + self.params["out_bias"]
        return feats, bt.log_softmax(logits), att

    def forward(self, batch):
        """Teacher-forced forward pass of a batch (src (S, B), tgt (U, B)) -> Seq2SeqTrace."""
        src, lengths, tgt = self._check_batch(batch)
        enc, enc_h, s0, m0 = self.encode(src, lengths)
        dec = self._dec.forward(self.params["tgt_embed"][bt.decoder_inputs(tgt)], s0, m0)
        feats, logp, att = self.readout(dec.h, self.memory(enc_h, lengths))
        nll = -np.take_along_axis(logp, tgt[..., None], axis=-1)[..., 0] * (tgt != bt.PAD)
        return Seq2SeqTrace(src, tgt, lengths, enc, enc_h, dec, att, feats, logp, nll,
                            float(nll.sum() / np.sum(tgt != bt.PAD)))

    # ------------------------------------------------------------------ backward

    def backward(self, trace):
        """Gradients of ``trace.loss``: a dict with the keys and shapes of ``params``."""
        p, tgt, K = self.params, trace.tgt, self.state_size
        grads = {k: np.zeros_like(v) for k, v in p.items()}
        dlogits = np.exp(trace.logp)                            # softmax - one_hot, masked
        np.put_along_axis(dlogits, tgt[..., None],
                          np.take_along_axis(dlogits, tgt[..., None], axis=-1) - 1, axis=-1)
        dlogits *= ((tgt != bt.PAD) / np.sum(tgt != bt.PAD))[..., None]
        Vt, F = p["out_weight"].shape
        grads["out_weight"] = dlogits.reshape(-1, Vt).T @ trace.feats.reshape(-1, F)
        grads["out_bias"] = dlogits.reshape(-1, Vt).sum(axis=0)
        dfeats = dlogits @ p["out_weight"]                      # (U, B, F)
        ds, d_enc_h = dfeats[..., :K], np.zeros_like(trace.enc_h)
        if self.attention:
            ds_att, d_enc_h, g_att = attend_backward(dfeats[..., K:], trace.att, p["attn_W"],
                                                     p["attn_U"], p["attn_v"])
            ds = ds + ds_att
            for k in ("W", "U", "v"):
                grads[f"attn_{k}"] = g_att[k]
        g = self._dec.backward(trace.dec, ds)
        for k in _LSTM_KEYS:
            grads[f"dec_{k}"] = g[k]
        np.add.at(grads["tgt_embed"], bt.decoder_inputs(tgt).reshape(-1),
                  g["x"].reshape(-1, self.embed_size))
        H = self.hidden_size
        ge = self._enc.backward(trace.enc, d_enc_h, _split(g["h0"], H), _split(g["c0"], H))
        for ours, theirs in self._enc_names().items():
            grads[ours] = ge[theirs]
        np.add.at(grads["src_embed"], trace.src.reshape(-1),
                  ge["x"].reshape(-1, self.embed_size))
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
        return decode.sequence_log_prob(self, src, outputs)

    def translate(self, src, max_len=6, beam_size=1):
        """Decode each column of src (S, B): a list of B lists of target ids, without BOS/EOS.

        Greedy when ``beam_size == 1``, else ``beam_search``; see ``lstm_edu.seq2seq.decode``.
        """
        return decode.translate(self, src, max_len, beam_size)

    def beam_search(self, src, beam_size, max_len=6):
        """Beam search on the summed log probability per column (``decode.beam_search``)."""
        return decode.beam_search(self, src, beam_size, max_len)
