r"""Decoding a trained ``Seq2Seq``: greedy search, beam search, the log probability of an output.

What it covers: free running (the decoder reads its own previous output, as at test time, not
the true one as in teacher forcing): ``translate`` (greedy: the most probable next token, all
columns at once), ``beam_search`` (the ``k`` best partial outputs by summed log probability,
per source), ``greedy_attention`` (greedy outputs with the attention weights of every step, for
heat maps) and ``sequence_log_prob``. PAD and BOS are never produced.
Not covered: length normalisation, sampling, coverage penalties.

Shapes: src (S, B) int; decoder state h, c (B, K); log probabilities (B, Vt); attention of one
decoding (B, n_steps, S).
"""

from __future__ import annotations

import numpy as np

from lstm_edu._validation import check_size
from lstm_edu.seq2seq.batch import BOS, EOS, PAD, check_src, pad_columns

__all__ = ["translate", "beam_search", "greedy_attention", "sequence_log_prob"]


def sequence_log_prob(model, src, outputs):
    """log p(outputs[b] + EOS | src[:, b]) for each b: (B,). outputs: B lists of ids."""
    src, _ = check_src(src, model.src_vocab_size)
    if not isinstance(outputs, (list, tuple)) or len(outputs) != src.shape[1]:
        raise ValueError(f"outputs: expected a list of B={src.shape[1]} token lists, "
                         f"got {type(outputs).__name__} of length "
                         f"{len(outputs) if hasattr(outputs, '__len__') else '?'}")
    return -model.forward((src, pad_columns(outputs, end=EOS))).nll.sum(axis=0)


def _start(model, src):
    """Checked src -> (memory, s_0, m_0) of the encoder."""
    src, lengths = check_src(src, model.src_vocab_size)
    _, enc_h, h, c = model.encode(src, lengths)
    return model.memory(enc_h, lengths), h, c


def _step(model, y, h, c, memory):
    """One decoder step: previous tokens y (B,), state (B, K) -> log probs (B, Vt), h, c, att."""
    tr = model._dec.forward(model.params["tgt_embed"][y][None], h, c)
    _, logp, att = model.readout(tr.h, memory)
    logp = logp[0].copy()
    logp[:, [PAD, BOS]] = -np.inf
    return logp, tr.h[0], tr.c[0], att


def _greedy(model, memory, h, c, max_len):
    """Greedy outputs (B lists) and attention (B, steps, S) or None."""
    B = h.shape[0]
    y, done, out, alphas = np.full(B, BOS), np.zeros(B, dtype=bool), [[] for _ in range(B)], []
    for _ in range(max_len):
        logp, h, c, att = _step(model, y, h, c, memory)
        if att is not None:
            alphas.append(att.alpha[:, 0])
        y = np.argmax(logp, axis=1)
        for b in np.flatnonzero(~done & (y != EOS)):
            out[b].append(int(y[b]))
        done |= y == EOS
        if done.all():
            break
    return out, (np.stack(alphas, axis=1) if alphas else None)


def translate(model, src, max_len=6, beam_size=1):
    """Decode each column of src (S, B): a list of B lists of target ids, without BOS/EOS.

    Greedy when ``beam_size == 1``, otherwise ``beam_search``. A sequence stops at EOS or
    after ``max_len`` decoder steps (then it is cut, with ``max_len`` tokens).
    """
    if check_size(beam_size, "beam_size") > 1:
        return beam_search(model, src, beam_size, max_len)
    max_len = check_size(max_len, "max_len")
    return _greedy(model, *_start(model, src), max_len)[0]


def greedy_attention(model, src, max_len=12):
    """Greedy outputs and the attention of each emitted step: (outputs, alpha (B, n, S)).

    ``alpha[b, u]`` is the weight over source steps when output token u was chosen (the step
    that emitted EOS included). Needs a model with attention.
    """
    if not model.attention:
        raise ValueError("model: expected a Seq2Seq with attention=True, got attention=False")
    return _greedy(model, *_start(model, src), check_size(max_len, "max_len"))


def beam_search(model, src, beam_size, max_len=6):
    """Beam search on the summed log probability (no length normalisation), per column.

    Keeps the ``beam_size`` best extensions of the live hypotheses at each step; one that ends
    in EOS is finished. Stops when no live one can beat the best finished one (log
    probabilities only fall) or after ``max_len`` steps. Returns, per column of src (S, B),
    the best finished hypothesis without BOS/EOS (the best live one, cut, if none finished).
    With ``beam_size = 1`` it is greedy decoding.
    """
    max_len, beam_size = check_size(max_len, "max_len"), check_size(beam_size, "beam_size")
    memory, h, c = _start(model, src)
    return [_beam(model, [None if m is None else m[:, [b]] for m in memory],
                  h[[b]], c[[b]], max_len, beam_size) for b in range(h.shape[0])]


def _beam(model, memory, h, c, max_len, k):
    """Beam search for one source (memory with B = 1): the best finished hypothesis."""
    tokens, scores, y = [[]], np.zeros(1), np.array([BOS])
    finished = []                                               # (score, tokens), EOS emitted
    for _ in range(max_len):
        n = len(tokens)
        logp, h, c, _ = _step(model, y, h, c,
                              [None if m is None else m.repeat(n, axis=1) for m in memory])
        cand = scores[:, None] + logp                           # (n, Vt)
        best = np.argsort(-cand, axis=None, kind="stable")[:k]
        best = best[np.isfinite(cand.reshape(-1)[best])]       # never PAD or BOS
        rows, toks = np.unravel_index(best, cand.shape)
        ends = toks == EOS
        finished += [(cand[r, EOS], tokens[r]) for r in rows[ends]]
        rows, toks = rows[~ends], toks[~ends]
        tokens = [tokens[r] + [int(t)] for r, t in zip(rows, toks, strict=True)]
        scores, y, h, c = cand[rows, toks], toks, h[rows], c[rows]
        if not tokens or (finished and max(f[0] for f in finished) >= scores.max()):
            break                                               # no live beam can win
    if not finished:                                            # cut at max_len
        return tokens[int(np.argmax(scores))]
    return max(finished, key=lambda f: f[0])[1]
