"""Live playgrounds for the static page: the reader types, the browser runs the trained LSTM.

What it covers
--------------
Three playgrounds whose models were trained by ``lstm_edu`` (``benchmarks/train_playgrounds.py``
writes ``lstm_edu/data/results/playground_<name>.json``) and which run, with no kernel, in the
page's JavaScript (``lstm_edu/book/static/lstm_edu_playgrounds.js`` on top of
``window.lstmEdu.forward``, the twin of the forward pass):

==============  ======================================  ======================================
name            the reader sets                         the figure shows
==============  ======================================  ======================================
``char``        a text (``<textarea>``), a unit         the unit's c, i, f, o, h per character;
                (``<select>``)                          the top-5 next characters
``sentiment``   a sentence (``<input type=text>``)      P(positive) after each word; how much
                                                        each gate moved at each word
``adding``      two marker positions and values         the input and forget gates per step;
                (``<input type=number>``)               the running prediction and the sum
==============  ======================================  ======================================

- ``playground_html(name)`` -> the HTML of one playground (controls, a status line, a figure
  ``<figure class="lstm-edu-figure">``, the model as JSON); ``show(name)`` displays it in a
  chapter cell. Where the HTML needs the page's scripts: the Sphinx extension
  (``lstm_edu.book.sphinxext``) adds them to every built page with a playground, the classroom
  export (``lstm_edu.classroom.export``) writes them beside its pages. In a live kernel
  (Jupyter, Binder, Colab: anywhere but the book's build, which sets ``BOOK_BUILD_ENV``),
  ``show`` inlines them instead (``live_html``: plotly.js, the twin, the playground script and
  stylesheet, about 5 MB), so the playground works there too, offline.
- The same encoding as the page, in Python, for tests and the training script:
  ``encode_chars``, ``encode_words`` (what the model reads and what the page reports), and the
  reference outputs ``char_check``, ``sentiment_check``, ``adding_check`` computed by
  ``lstm_edu``.

Bad input, in both: control characters (Unicode ``Cc``) other than a newline are dropped; a
character or word outside the model's vocabulary is read as the unknown symbol, an all-zero
input (the page says which); a text longer than ``MAX_CHARS`` characters (``MAX_WORDS``
words) is cut to its first ``MAX_CHARS`` (the page says so; typing past them changes
nothing but the message).

What it does not cover: training (the script above), live ipywidgets (``lstm_edu.viz.widgets``).
Shapes: ``x (T, 1, I)`` one sequence, as everywhere in the book.
"""

from __future__ import annotations

import html
import json
import os
import re
from functools import lru_cache

import numpy as np

from lstm_edu.activations import softmax
from lstm_edu.book.render import BOOK_BUILD_ENV, PLOTLY_JS, STATIC_DIR

__all__ = ["NAMES", "MAX_CHARS", "MAX_WORDS", "PLAYGROUND_MARKER", "load_playground",
           "playground_html", "show", "encode_chars", "encode_words", "char_check",
           "sentiment_check", "adding_check", "adding_input", "one_hot_or_zero", "model_of",
           "Playground", "live_html"]

NAMES = ("char", "sentiment", "adding")
#: The longest text the character model reads (its first MAX_CHARS characters).
MAX_CHARS = 500
#: The longest sentence the sentiment model reads (its first MAX_WORDS words).
MAX_WORDS = 100
#: On every playground's root element; the Sphinx extension looks for it.
PLAYGROUND_MARKER = 'class="lstm-edu-playground"'
#: Unicode category Cc, except the newline.
CONTROL = re.compile("[\u0000-\u0009\u000b-\u001f\u007f-\u009f]")
#: Stripped from both ends of a word: "good," reads as "good".
PUNCT = re.compile(r"^[.,!?;:\"'()\[\]-]+|[.,!?;:\"'()\[\]-]+$")


@lru_cache(maxsize=None)
def _load(name: str) -> str:
    from lstm_edu.data import load_result

    if name not in NAMES:
        raise ValueError(f"name must be one of {', '.join(NAMES)}, got {name!r}")
    return json.dumps(load_result(f"playground_{name}"))


def load_playground(name: str) -> dict:
    """The trained model of playground ``name`` (weights, vocabulary, metrics, provenance)."""
    return json.loads(_load(name))


def model_of(record: dict):
    """``(LSTM, head params)`` from a playground record, as the page builds them."""
    from lstm_edu import LSTM

    core = LSTM.from_params({k: np.array(v) for k, v in record["core"].items()})
    return core, {k: np.array(v) for k, v in record["head"].items()}


# ------------------------------------------------------------------------------- encoding
def encode_chars(text: str, vocab: list[str], max_chars: int = MAX_CHARS) -> dict:
    """What the character model reads of ``text``: ``{"chars", "ids" (-1 = unknown),
    "dropped" (control characters removed), "cut" (characters cut from the end),
    "unknown" (distinct unknown characters, in order)}``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    kept = CONTROL.sub("", text)
    chars = list(kept)
    cut = max(0, len(chars) - max_chars)
    chars = chars[:max_chars]
    index = {s: k for k, s in enumerate(vocab)}
    ids = [index.get(ch, -1) for ch in chars]
    unknown = list(dict.fromkeys(ch for ch, k in zip(chars, ids, strict=True) if k < 0))
    return {"chars": chars, "ids": ids, "dropped": len(text) - len(kept), "cut": cut,
            "unknown": unknown}


def encode_words(text: str, vocab: list[str], max_words: int = MAX_WORDS) -> dict:
    """What the sentiment model reads of ``text``: lower case, split at white space, outer
    punctuation stripped; ``{"words", "ids" (-1 = unknown), "dropped", "cut", "unknown"}``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    kept = CONTROL.sub(" ", text)
    words = [w for w in (PUNCT.sub("", t) for t in kept.lower().split()) if w]
    cut = max(0, len(words) - max_words)
    words = words[:max_words]
    index = {s: k for k, s in enumerate(vocab) if not s.startswith("<")}
    ids = [index.get(w, -1) for w in words]
    unknown = list(dict.fromkeys(w for w, k in zip(words, ids, strict=True) if k < 0))
    return {"words": words, "ids": ids, "dropped": len(CONTROL.findall(text)), "cut": cut,
            "unknown": unknown}


def one_hot_or_zero(ids, size: int) -> np.ndarray:
    """``ids`` -> ``x (T, 1, size)``: one-hot, and all zeros where the id is -1 (unknown)."""
    x = np.zeros((len(ids), 1, size))
    for t, k in enumerate(ids):
        if k >= 0:
            x[t, 0, k] = 1.0
    return x


# ------------------------------------------------------------------- reference outputs
def char_check(core, head: dict, vocab: list[str], text: str) -> dict:
    """``lstm_edu``'s outputs for ``text`` (non-empty): the last step's h, c and gates, and
    the top-5 next characters with their probabilities."""
    enc = encode_chars(text, vocab)
    tr = core.forward(one_hot_or_zero(enc["ids"], len(vocab)))
    p = softmax(tr.h[-1, 0] @ head["weight"].T + head["bias"])
    top = np.argsort(-p, kind="stable")[:5]
    return {"text": text, "h": tr.h[-1, 0].tolist(), "c": tr.c[-1, 0].tolist(),
            "gates": {g: v[-1, 0].tolist() for g, v in tr.gates.items()},
            "top5": [[vocab[k], float(p[k])] for k in top]}


def sentiment_check(core, head: dict, vocab: list[str], text: str) -> dict:
    """``lstm_edu``'s P(positive) after each word of ``text`` and the last step's gates."""
    enc = encode_words(text, vocab)
    tr = core.forward(one_hot_or_zero(enc["ids"], len(vocab)))
    logits = tr.h[:, 0] @ head["weight"].T + head["bias"]            # (T, 2)
    return {"text": text, "words": enc["words"], "p_positive": softmax(logits)[:, 1].tolist(),
            "gates": {g: v[-1, 0].tolist() for g, v in tr.gates.items()}}


def adding_input(noise, markers) -> np.ndarray:
    """The adding-problem sequence ``x (T, 1, 2)``: ``noise`` (T,) values, with the marked
    positions' values replaced: ``markers`` = [(position 0-based, value), ...]."""
    x = np.zeros((len(noise), 1, 2))
    x[:, 0, 0] = noise
    for pos, value in markers:
        x[pos, 0, 0] = value
        x[pos, 0, 1] = 1.0
    return x


def adding_check(core, head: dict, noise, markers) -> dict:
    """``lstm_edu``'s running prediction after each step and the gates i, f at the last."""
    tr = core.forward(adding_input(noise, markers))
    y = tr.h[:, 0] @ head["weight"].T + head["bias"]                 # (T, 1)
    return {"markers": [list(m) for m in markers], "prediction": y[:, 0].tolist(),
            "target": float(sum(v for _, v in markers)),
            "gates": {g: tr.gates[g][-1, 0].tolist() for g in ("i", "f")}}


# ---------------------------------------------------------------------------------- HTML
DESCRIPTIONS = {
    "char": "Live heat map: the chosen unit's cell state c, input gate i, forget gate f, "
            "output gate o and output h at each character of the text typed above, and a bar "
            "chart of the model's five most likely next characters.",
    "sentiment": "Live chart: the model's probability that the sentence typed above is "
                 "positive, after each word, and a heat map of how much each gate (i, f, g, o) "
                 "moved at each word.",
    "adding": "Live heat maps of the trained LSTM's input gate and forget gate at each of the "
              "sequence's steps for every unit, and a line of its running prediction, with "
              "the two marked positions and the true sum.",
}
TITLES = {"char": "Type a sentence", "sentiment": "Sentiment as you type",
          "adding": "The adding problem by hand"}
START = {"char": "Twinkle, twinkle, little star,\nHow I wonder",
         "sentiment": "the film was not good but the music was great"}


def _controls(name: str, uid: str, rec: dict) -> str:
    if name == "char":
        options = "".join(
            f'<option value="{u["unit"]}">unit {u["unit"]}: {html.escape(u["tracks"])} '
            f'(r = {u["r"]:+.2f})</option>' for u in rec["units"])
        return (
            f'<label for="{uid}-text">Your text (the model reads up to {MAX_CHARS} '
            f"characters)</label>"
            f'<textarea id="{uid}-text" rows="3" spellcheck="false">'
            f'{html.escape(START["char"])}</textarea>'
            f'<label for="{uid}-unit">Unit to show (what it was found to follow)</label>'
            f'<select id="{uid}-unit">{options}</select>')
    if name == "sentiment":
        return (f'<label for="{uid}-text">Your sentence ({len(rec["vocab"]) - 2} words known, '
                f"up to {MAX_WORDS} words read)</label>"
                f'<input type="text" id="{uid}-text" value="{html.escape(START["sentiment"])}"'
                ' spellcheck="false" autocomplete="off">')
    T, half = rec["T"], rec["T"] // 2
    fields = [("pos1", f"First marker: position (1 to {half})", 5, 1, half, 1),
              ("val1", "First marker: value (0 to 1)", 0.3, 0, 1, 0.01),
              ("pos2", f"Second marker: position ({half + 1} to {T})", 38, half + 1, T, 1),
              ("val2", "Second marker: value (0 to 1)", 0.9, 0, 1, 0.01)]
    return "".join(
        f'<span class="lstm-edu-play-field"><label for="{uid}-{key}">{text}</label>'
        f'<input type="number" id="{uid}-{key}" value="{value}" min="{lo}" max="{hi}" '
        f'step="{step}" inputmode="decimal"></span>'
        for key, text, value, lo, hi, step in fields)


def playground_html(name: str, uid: str | None = None) -> str:
    """The HTML of playground ``name`` (``"char"``, ``"sentiment"`` or ``"adding"``).

    It needs ``plotly.min.js``, ``lstm_edu_forward.js`` and ``lstm_edu_playgrounds.js`` on
    the page (the book and the classroom export add them); it loads nothing itself. ``uid``:
    the id prefix of its elements (default ``lstm-edu-play-<name>``).
    """
    rec = load_playground(name)
    rec.pop("check", None)
    uid = uid or f"lstm-edu-play-{name}"
    model = json.dumps(rec, separators=(",", ":")).replace("</", "<\\/")
    desc = html.escape(DESCRIPTIONS[name], quote=True)
    return (
        f'<div {PLAYGROUND_MARKER} data-playground="{name}" id="{uid}">'
        f'<div class="lstm-edu-play-controls" role="group" aria-label="{TITLES[name]}: '
        f'your input">{_controls(name, uid, rec)}</div>'
        f'<p class="lstm-edu-play-status" id="{uid}-status" role="status" aria-live="polite">'
        "The playground starts when the page's scripts have loaded.</p>"
        f'<p class="lstm-edu-play-readout" id="{uid}-readout" aria-live="polite"></p>'
        f'<figure class="lstm-edu-figure" aria-label="{desc}">'
        f'<div class="lstm-edu-play-plot" id="{uid}-plot"></div>'
        f'<figcaption class="lstm-edu-sr-only">{desc}</figcaption></figure>'
        f'<script type="application/json" class="lstm-edu-play-model">{model}</script>'
        "<script>window.lstmEdu && window.lstmEdu.playgrounds && "
        f"window.lstmEdu.playgrounds.mount(document.getElementById('{uid}'));</script></div>")


def _inline_script(path) -> str:
    return "<script>" + path.read_text(encoding="utf-8").replace("</script", "<\\/script") + \
        "</script>"


def live_html(name: str) -> str:
    """``playground_html(name)`` with everything it needs inlined after it: the playground
    stylesheet, plotly.js (the copy plotly ships), ``lstm_edu_forward.js`` and
    ``lstm_edu_playgrounds.js``, which mounts every playground on the page once. For a live
    notebook, where no page provides them; nothing is fetched."""
    css = (STATIC_DIR / "lstm_edu_playgrounds.css").read_text(encoding="utf-8")
    scripts = [PLOTLY_JS, STATIC_DIR / "lstm_edu_forward.js",
               STATIC_DIR / "lstm_edu_playgrounds.js"]
    return (f"<style>{css}</style>" + playground_html(name)
            + "".join(_inline_script(p) for p in scripts))


class Playground:
    """A playground for a chapter cell. In the book's build it is only its HTML (the page
    serves the scripts once); in a live kernel it carries its scripts (``live_html``)."""

    def __init__(self, name: str):
        self.name = name
        self.html = playground_html(name)

    def _repr_html_(self) -> str:
        if os.environ.get(BOOK_BUILD_ENV) == "1":
            return self.html
        return live_html(self.name)


def show(name: str) -> Playground:
    """The playground ``name`` for a notebook cell's last line."""
    return Playground(name)
