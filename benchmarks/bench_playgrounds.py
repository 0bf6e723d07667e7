"""Time of the live playgrounds' answer to a keystroke, in headless Chromium, offline.

Each playground page of the classroom export (``lstm_edu.viz.playgrounds``, the same HTML and
scripts as the built book) is opened from disk with the network cut off. A keystroke is
simulated in the page (one character appended to the text, an ``input`` event), and two times
are read with ``performance.now()``: the playground's own handler (encode, run the trained
LSTM with ``window.lstmEdu.forward``, ``Plotly.react``), and until the next animation frame
after it (what the reader waits for). Cases:

- ``char``: 499 characters typed, then one more per keystroke (the page runs one new step);
  and the whole 500-character text replaced at once (a full run, as a paste);
- ``sentiment``: a 100-word sentence, then one more character per keystroke;
- ``adding``: the second marker's value changed per keystroke (a full 50-step run).

    python benchmarks/bench_playgrounds.py [--repeats 21]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _provenance import provenance  # noqa: E402

from lstm_edu.classroom import PLAYGROUND_NAMES  # noqa: E402
from lstm_edu.classroom.export import export  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TARGET_MS = 100.0
KEY = """([id, field, mode, text]) => new Promise(done => {
  const el = document.getElementById(id + '-' + field), t0 = performance.now();
  if (mode === 'append') el.value += text; else el.value = text;
  el.dispatchEvent(new Event('input', {bubbles: true}));
  const handler = document.getElementById(id).lstmEduPlayground.lastMs;
  requestAnimationFrame(() => done([handler, performance.now() - t0]));
})"""
CASES = [  # (name, page, playground, field, mode, setup text, per-keystroke texts)
    ("char: one more character at 500", "type-a-sentence", "char", "text", "append",
     ("Twinkle, twinkle, little star,\nHow I wonder what you are!\n" * 9)[:499], "a"),
    ("char: the whole 500 characters replaced", "type-a-sentence", "char", "text", "set",
     None, None),
    ("sentiment: one more character at 100 words", "sentiment-as-you-type", "sentiment",
     "text", "append", "the film was not good but " * 17, "g"),
    ("adding: a marker's value changed", "adding-by-hand", "adding", "val2", "set", None, None),
]


def bench(repeats: int):
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        export(tmp, demos=list(PLAYGROUND_NAMES))
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        blocked, errors = [], []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                   else (blocked.append(r.request.url), r.abort()))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        for label, file, name, field, mode, setup, key in CASES:
            page.goto((Path(tmp) / f"{file}.html").as_uri(), wait_until="load")
            uid = f"lstm-edu-play-{name}"
            page.wait_for_function("id => document.getElementById(id).lstmEduPlayground",
                                   arg=uid)
            if setup is not None:
                page.evaluate(KEY, [uid, field, "set", setup])
            times = []
            for k in range(repeats + 3):
                if mode == "append":
                    text = key
                elif name == "char":
                    text = (chr(65 + k % 26) + "ow I wonder what you are! " * 20)[:500]
                else:
                    text = f"{0.1 + 0.8 * (k % 9) / 8:.2f}"
                got = page.evaluate(KEY, [uid, field, mode, text])
                if k >= 3:
                    times.append(got)
            ms = np.array(times)
            rows.append((label, *np.median(ms, 0), *ms.max(0)))
        browser.close()
    assert blocked == [] and errors == [], (blocked, errors)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=21)
    args = ap.parse_args()
    t0, load0 = time.perf_counter(), list(os.getloadavg())
    rows = bench(args.repeats)
    prov = provenance(t0, load0, "python benchmarks/bench_playgrounds.py")
    lines = ["# Live playgrounds: time to answer a keystroke (Chromium, offline)\n",
             f"{args.repeats} keystrokes per case after 3 warm-up ones. Provenance: {prov}\n",
             "| case | handler median (ms) | to next frame median (ms) | handler max (ms) "
             "| to next frame max (ms) |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r[0]} | {r[1]:.1f} | {r[2]:.1f} | {r[3]:.1f} | {r[4]:.1f} |" for r in rows]
    worst = max(r[2] for r in rows)
    lines.append(f"\nslowest median to the next frame: {worst:.1f} ms (target <= "
                 f"{TARGET_MS:.0f} ms per keystroke, inputs up to 500 characters)")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).resolve().parent / "results" / "playgrounds.md"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
