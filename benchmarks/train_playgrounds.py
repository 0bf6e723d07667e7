"""Train the three small models of the book's live playgrounds and write them as JSON.

What it covers
--------------
``lstm_edu/data/results/playground_<name>.json`` for

- ``char``: a character-level LSTM (H = 48) trained by ``lstm_edu`` to predict the next
  character of the shipped nursery rhymes (``lstm_edu.data.load_text("rhymes")``), and the
  units whose cell state follows something in the text (the position in the line, vowels,
  spaces, capitals, punctuation), found by correlating every unit's cell state with each
  feature over the whole text;
- ``sentiment``: a word-level LSTM (H = 16) with a softmax read-out of the last h, trained on
  480 of the 600 sentences of ``lstm_edu.data.load_sentiment()`` (the split of chapter 6),
  with its test accuracy on the other 120;
- ``adding``: an LSTM (H = 32) with a linear read-out trained on the adding problem
  (``lstm_edu.data.adding_problem``, T = 50) until its test MSE is below 0.005, and the fixed
  "noise" sequence the playground puts the reader's markers into.

Each file holds the weights (``core``: ``LSTM.params``; ``head``: weight (O, H), bias (O,)),
rounded to 7 significant digits; the rounded weights *are* the shipped model: the metrics and
the ``check`` outputs are computed with them, and ``tests/test_playgrounds.py`` checks that
``lstm_edu`` on the JSON reproduces the ``check`` values. ``provenance`` says how it was made.

    python benchmarks/train_playgrounds.py [--only char sentiment adding]

What it does not cover: the pages (``lstm_edu.viz.playgrounds``,
``static/lstm_edu_playgrounds.js``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _provenance import provenance  # noqa: E402

from lstm_edu import (
    LSTM,  # noqa: E402
    data,  # noqa: E402
)
from lstm_edu.training import build_model, fit  # noqa: E402
from lstm_edu.viz import playgrounds as pg  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "lstm_edu" / "data" / "results"
DIGITS = 7


def rounded(model) -> dict:
    """The model's weights as nested lists, rounded to ``DIGITS`` significant digits, and put
    back into the model, so that what is measured is what is shipped."""
    out = {}
    for part, params in (("core", model.core.params), ("head", model.head.params)):
        out[part] = {}
        for k, v in params.items():
            v[...] = np.vectorize(lambda z: float(f"{z:.{DIGITS}g}"))(v)
            out[part][k] = v.tolist()
    return out


# --------------------------------------------------------------------------------- char
def char_features(text: str) -> dict:
    """Per character of ``text``, the things a unit may follow: ``{name: (len(text),)}``."""
    pos, col = np.zeros(len(text)), 0
    for k, ch in enumerate(text):
        pos[k] = col
        col = 0 if ch == "\n" else col + 1
    chars = np.array(list(text))
    return {
        "position in the line": pos,
        "vowel": np.isin(chars, list("aeiouAEIOU")).astype(float),
        "space between words": (chars == " ").astype(float),
        "capital letter": np.char.isupper(chars).astype(float),
        "punctuation (, . ; ! ?)": np.isin(chars, list(",.;!?")).astype(float),
    }


def find_units(c: np.ndarray, feats: dict) -> list[dict]:
    """For each feature, the unit (not already taken) whose cell state ``c (N, H)``
    correlates most with it: ``[{"unit", "tracks", "r"}]``, best first."""
    cs = (c - c.mean(0)) / (c.std(0) + 1e-12)
    found, taken = [], set()
    for name, f in feats.items():
        z = (f - f.mean()) / (f.std() + 1e-12)
        r = cs.T @ z / len(z)
        for u in np.argsort(-np.abs(r)):
            if int(u) not in taken:
                taken.add(int(u))
                found.append({"unit": int(u), "tracks": name, "r": round(float(r[u]), 3)})
                break
    return sorted(found, key=lambda d: -abs(d["r"]))


def train_char(steps: int, seed: int = 0) -> dict:
    text = data.load_text("rhymes")
    batch_fn, vocab = data.char_batches(text, seq_len=64)
    V, H = len(vocab), 48
    model = build_model("lstm", V, H, V, task="classification", over="all", seed=seed,
                        forget_bias=1.0)
    hist = fit(model, batch_fn, batch_size=32, lr=0.01, max_steps=steps, clip=1.0, seed=seed)
    weights = rounded(model)
    ids = np.array(vocab.encode(text))
    x = data.one_hot(ids[:-1], V)[:, None, :]                       # (T, 1, V)
    tr = model.forward(x)
    logits = tr.output[:, 0, :]
    loss = float(np.mean(np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1))
                         + logits.max(1) - logits[np.arange(len(ids) - 1), ids[1:]]))
    acc = float(np.mean(logits.argmax(1) == ids[1:]))
    units = find_units(tr.core.c[:, 0, :], char_features(text[:-1]))
    check_text = "Twinkle, twinkle, little star,\nHow I w"
    return {"name": "char", "cell": "lstm", "vocab": vocab.itos, "unknown": "\ufffd",
            **weights, "units": units, "max_chars": pg.MAX_CHARS,
            "metrics": {"train_text_chars": len(text),
                        "final_minibatch_loss": float(np.mean(hist.losses[-50:])),
                        "loss_on_text": loss, "next_char_accuracy_on_text": acc,
                        "steps": steps, "batch_size": 32, "seq_len": 64, "lr": 0.01},
            "check": pg.char_check(LSTM.from_params(model.core.params), model.head.params,
                                   vocab.itos, check_text)}


# ---------------------------------------------------------------------------- sentiment
def train_sentiment(steps: int, seed: int = 0) -> dict:
    texts, labels = data.load_sentiment()
    vocab = data.Vocab.build(texts, level="word")
    x = data.encode_batch(texts, vocab)                              # (T, N, V), left-padded
    order = np.random.default_rng(0).permutation(len(texts))
    tr, te = order[:480], order[480:]                                # chapter 6's split
    model = build_model("lstm", len(vocab), 16, 2, task="classification", seed=seed,
                        forget_bias=1.0)
    fit(model, (x[:, tr], labels[tr]), batch_size=32, lr=0.02, max_steps=steps, seed=seed)
    weights = rounded(model)
    test = model.evaluate(x[:, te], labels[te])
    train = model.evaluate(x[:, tr], labels[tr])
    check_text = "the film was not good but the music was great"
    return {"name": "sentiment", "cell": "lstm", "vocab": vocab.itos, **weights,
            "max_words": pg.MAX_WORDS, "labels": ["negative", "positive"],
            "metrics": {"test_accuracy": test["accuracy"], "train_accuracy": train["accuracy"],
                        "n_train": len(tr), "n_test": len(te), "steps": steps,
                        "split": "np.random.default_rng(0).permutation(600): 480 train, "
                                 "120 test"},
            "check": pg.sentiment_check(LSTM.from_params(model.core.params), model.head.params,
                                        vocab.itos, check_text)}


# ------------------------------------------------------------------------------- adding
def train_adding(max_sequences: int, seed: int = 0, T: int = 50) -> dict:
    model = build_model("lstm", 2, 32, seed=seed, forget_bias=1.0)
    test = data.adding_problem(500, T, seed=1_000_000 + seed)
    hist = fit(model, lambda rng, b: data.adding_problem(b, T, seed=rng), batch_size=32,
               lr=0.02, clip=1.0, max_steps=-(-max_sequences // 32), eval_data=test,
               eval_every=25, target=("mse", 0.005), seed=seed)
    weights = rounded(model)
    noise = np.round(np.random.default_rng(7).uniform(0, 1, T), 3).tolist()
    mse = model.evaluate(*test)["mse"]
    return {"name": "adding", "cell": "lstm", "T": T, "noise": noise, **weights,
            "metrics": {"test_mse": mse, "constant_guess_mse": data.ADDING_CONSTANT_GUESS_MSE,
                        "sequences_seen": hist.sequences_seen,
                        "sequences_to_target": hist.sequences_to_target, "target_mse": 0.005},
            "check": pg.adding_check(LSTM.from_params(model.core.params), model.head.params,
                                     noise, [(4, 0.3), (37, 0.9)])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=["char", "sentiment", "adding"])
    ap.add_argument("--char-steps", type=int, default=2500)
    args = ap.parse_args()
    jobs = {"char": lambda: train_char(args.char_steps),
            "sentiment": lambda: train_sentiment(400),
            "adding": lambda: train_adding(80_000)}
    for name in args.only:
        t0, load0 = time.perf_counter(), list(os.getloadavg())
        record = jobs[name]()
        record["provenance"] = provenance(
            t0, load0, "python benchmarks/train_playgrounds.py --only " + name, seed=0,
            weights=f"float64, rounded to {DIGITS} significant digits; the rounded weights are "
                    "the model measured and shipped")
        path = OUT / f"playground_{name}.json"
        path.write_text(json.dumps(record, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{path.name}: {path.stat().st_size / 1024:.0f} KB, {record['metrics']}, "
              f"{record['provenance']['total_seconds']} s")


if __name__ == "__main__":
    main()
