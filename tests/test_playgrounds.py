"""The live playgrounds (``lstm_edu.viz.playgrounds``, ``static/lstm_edu_playgrounds.js``).

Without a browser: the weights files (size, provenance, what the models achieve), that
``lstm_edu`` on the JSON weights reproduces the trained models' outputs (and, for the adding
model, an LSTM step written out here by hand), the encoding of bad input, the HTML (labelled
controls), and that the Sphinx extension gives a playground page its scripts.

In Chromium, offline (marked ``browser``; they skip without Chromium except in CI), on the
classroom export's playground pages and on the built book's gallery and chapter 2: the page's
forward pass equals ``lstm_edu``'s to 1e-12 on each trained model, and the page encodes text as
Python does; typing into each playground redraws its figure; a keystroke is answered in under
100 ms at 500 characters; bad input gets a visible message and no console error, and the page
keeps working; no request leaves the machine; axe finds no serious or critical violation and
every control is reached and worked with the keyboard.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from lstm_edu.viz import playgrounds as pg

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "lstm_edu" / "data" / "results"
PAGES = {"char": "type-a-sentence", "sentiment": "sentiment-as-you-type",
         "adding": "adding-by-hand"}
UID = "lstm-edu-play-"
TOL = 1e-12


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


# ----------------------------------------------------------------- weights, no browser
@pytest.mark.parametrize("name", pg.NAMES)
def test_weights_file_is_small_and_says_where_it_came_from(name):
    path = RESULTS / f"playground_{name}.json"
    assert path.stat().st_size < 300_000, f"{path.name}: {path.stat().st_size} bytes"
    rec = json.loads(path.read_text("utf-8"))
    prov = rec["provenance"]
    assert prov["command"].startswith("python benchmarks/train_playgrounds.py")
    assert {"date", "git_commit", "numpy", "machine"} <= set(prov)
    H = len(rec["core"]["weight_hh"][0])
    assert np.shape(rec["core"]["weight_ih"])[0] == np.shape(rec["core"]["weight_hh"])[0] == 4 * H


def test_the_models_learned_their_tasks():
    char, sent, add = (pg.load_playground(n) for n in pg.NAMES)
    assert char["metrics"]["next_char_accuracy_on_text"] > 0.9       # it knows its rhymes
    assert sent["metrics"]["test_accuracy"] >= 0.9                   # 120 held-out sentences
    assert add["metrics"]["test_mse"] < 0.01 < 1 / 6                 # far below guessing 1
    assert len(char["units"]) == 5 and all(0 <= u["unit"] < 48 for u in char["units"])
    assert len({u["unit"] for u in char["units"]}) == 5


def check_of(name, rec):
    core, head = pg.model_of(rec)
    c = rec["check"]
    if name == "char":
        return pg.char_check(core, head, rec["vocab"], c["text"])
    if name == "sentiment":
        return pg.sentiment_check(core, head, rec["vocab"], c["text"])
    return pg.adding_check(core, head, rec["noise"], [tuple(m) for m in c["markers"]])


def flat(d):
    if isinstance(d, dict):
        return [v for k in sorted(d) for v in flat(d[k])]
    if isinstance(d, (list, tuple)):
        return [v for x in d for v in flat(x)]
    return [d]


@pytest.mark.parametrize("name", pg.NAMES)
def test_json_weights_reproduce_the_trained_model(name):
    rec = pg.load_playground(name)
    got, want = flat(check_of(name, rec)), flat(rec["check"])
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if isinstance(w, float):
            assert abs(g - w) <= TOL * max(1.0, abs(w)), (g, w)
        else:
            assert g == w


def test_adding_prediction_by_hand():
    """The adding model's check input through the LSTM equations written out here."""
    rec = pg.load_playground("adding")
    p = {k: np.array(v) for k, v in rec["core"].items()}
    H = p["weight_hh"].shape[1]
    markers = {pos: val for pos, val in rec["check"]["markers"]}
    h, c = np.zeros(H), np.zeros(H)
    for t, noise in enumerate(rec["noise"]):
        x = np.array([markers.get(t, noise), 1.0 if t in markers else 0.0])
        a = p["weight_ih"] @ x + p["bias_ih"] + p["weight_hh"] @ h + p["bias_hh"]
        i, f, o = (np.array([sigmoid(z) for z in a[k * H:(k + 1) * H]]) for k in (0, 1, 3))
        g = np.tanh(a[2 * H:3 * H])
        c = f * c + i * g
        h = o * np.tanh(c)
    y = float(np.array(rec["head"]["weight"])[0] @ h + rec["head"]["bias"][0])
    assert y == pytest.approx(rec["check"]["prediction"][-1], abs=1e-12)
    assert abs(y - rec["check"]["target"]) < 0.3          # 0.3 + 0.9: the model is close


# ------------------------------------------------------------------ encoding, no browser
VOCAB = ["\n", " ", "a", "b", "c"]


def test_encode_chars_bad_input():
    enc = pg.encode_chars("ab\t\x00c😀中\r\nb", VOCAB)
    assert enc["chars"] == ["a", "b", "c", "😀", "中", "\n", "b"]
    assert enc["ids"] == [2, 3, 4, -1, -1, 0, 3]
    assert enc["dropped"] == 3 and enc["cut"] == 0 and enc["unknown"] == ["😀", "中"]
    long = pg.encode_chars("ab" * 5000, VOCAB)
    assert len(long["ids"]) == 500 and long["cut"] == 9500 and long["ids"][-1] == 3
    assert pg.encode_chars("", VOCAB)["ids"] == []
    with pytest.raises(TypeError, match="text must be a str, got int"):
        pg.encode_chars(3, VOCAB)


def test_encode_words_bad_input():
    vocab = ["<pad>", "<unk>", "film", "great", "the", "was"]
    enc = pg.encode_words("The film,\twas GREAT!!  xyzzy <unk> 好", vocab)
    assert enc["words"] == ["the", "film", "was", "great", "xyzzy", "<unk>", "好"]
    assert enc["ids"] == [4, 2, 5, 3, -1, -1, -1]
    assert enc["unknown"] == ["xyzzy", "<unk>", "好"] and enc["dropped"] == 1
    assert pg.encode_words("the " * 150, vocab)["cut"] == 50


def test_unknown_playground_is_refused_by_name():
    with pytest.raises(ValueError, match="name must be one of char, sentiment, adding, got 'x'"):
        pg.playground_html("x")


@pytest.mark.parametrize("name", pg.NAMES)
def test_html_has_labelled_controls_and_no_network(name):
    import re

    text = pg.playground_html(name)
    ids = re.findall(r'<(?:textarea|input|select)[^>]*\bid="([^"]+)"', text)
    assert ids, "no control"
    for i in ids:
        assert f'<label for="{i}">' in text, f"{i} has no label"
    kinds = re.findall(r"<(textarea|select)|<input[^>]*type=\"(\w+)\"", text)
    assert {"char": {("textarea", ""), ("select", "")}, "sentiment": {("", "text")},
            "adding": {("", "number")}}[name] == set(kinds)
    assert "http://" not in text and "https://" not in text and "src=" not in text
    model = re.search(r'class="lstm-edu-play-model">(.*?)</script>', text, re.S).group(1)
    assert json.loads(model)["core"] == pg.load_playground(name)["core"]


def test_sphinx_extension_adds_the_scripts_to_playground_pages_only():
    from lstm_edu.book import sphinxext

    class App:
        def __init__(self):
            self.added = []

        def add_js_file(self, name, priority=500, **kw):
            self.added.append((priority, name))

    for body, want in [(pg.playground_html("adding"), ["plotly.min.js", "lstm_edu_forward.js",
                                                        "lstm_edu_playgrounds.js"]),
                       ("<p>no figure</p>", [])]:
        app = App()
        sphinxext._page_scripts(app, "chapters/x", "page.html", {"body": body}, None)
        assert [n for _, n in sorted(app.added)] == want
    for name in ("lstm_edu_forward.js", "lstm_edu_playgrounds.js", "lstm_edu_playgrounds.css"):
        assert (sphinxext.STATIC_DIR / name).is_file()


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from lstm_edu.classroom import PLAYGROUND_NAMES
    from lstm_edu.classroom.export import export

    out = tmp_path_factory.mktemp("playgrounds")
    export(out, demos=list(PLAYGROUND_NAMES))
    return out


def open_playground(page, exported, name):
    page.goto((exported / f"{PAGES[name]}.html").as_uri(), wait_until="load")
    page.wait_for_function("id => { const r = document.getElementById(id);"
                           " return r && r.lstmEduPlayground && r.lstmEduPlayground.updates > 0"
                           " && r.querySelector('.main-svg'); }", arg=UID + name,
                           timeout=20_000)


def state(page, name):
    return page.evaluate("""id => { const r = document.getElementById(id), gd = r.querySelector(
      '.js-plotly-plot'); return {updates: r.lstmEduPlayground.updates, ms: r.lstmEduPlayground
      .lastMs, status: document.getElementById(id + '-status').textContent, readout:
      document.getElementById(id + '-readout').textContent, data: JSON.stringify(gd.data.map(
      t => [t.x, t.y, t.z])), title: gd.layout.title.text, failed: r.classList.contains(
      'lstm-edu-play-failed')}; }""", UID + name)


FORWARD_IN_PAGE = """([name, ids, V, extra]) => {
  const m = JSON.parse(document.querySelector('#lstm-edu-play-' + name +
    ' script.lstm-edu-play-model').textContent);
  const x = ids.map(k => { const v = new Array(V).fill(0); if (k >= 0) v[k] = 1; return [v]; });
  return JSON.stringify(window.lstmEdu.forward('lstm', m.core, extra || x)); }"""


@pytest.mark.browser
@pytest.mark.parametrize("name", pg.NAMES)
def test_page_forward_equals_lstm_edu_on_the_trained_model(offline_page, exported, name):
    page = offline_page
    open_playground(page, exported, name)
    rec = pg.load_playground(name)
    core, _ = pg.model_of(rec)
    if name == "adding":
        x = pg.adding_input(rec["noise"], [(3, 0.25), (40, 0.75)])
        got = json.loads(page.evaluate(FORWARD_IN_PAGE, [name, [], 2, x.tolist()]))
    else:
        text = "Twinkle 😀, little star!\n" * 20 if name == "char" else "the film was not good"
        enc = (pg.encode_chars if name == "char" else pg.encode_words)(text, rec["vocab"])
        x = pg.one_hot_or_zero(enc["ids"], len(rec["vocab"]))
        got = json.loads(page.evaluate(FORWARD_IN_PAGE, [name, enc["ids"], len(rec["vocab"]),
                                                         None]))
    tr = core.forward(x)
    want = {"h": tr.h, "c": tr.c, **tr.gates}
    got = {"h": got["h"], "c": got["c"], **got["gates"]}
    err = max(float(np.max(np.abs(np.asarray(got[k]) - v) / np.maximum(1, np.abs(v))))
              for k, v in want.items())
    assert err <= TOL, f"{name}: page vs lstm_edu {err:.1e}"
    assert page.console_errors == [] and page.blocked_requests == []


TRICKY = ["", "Twinkle, twinkle", "a\tb\x00c\x7f\u0085d", "emoji 😀👍🏽 and 中文字 ok",
          "x" * 10_000, "The Film, was GREAT!!  xyzzy\n\n(good)"]


@pytest.mark.browser
def test_page_encodes_text_as_python_does(offline_page, exported):
    page = offline_page
    open_playground(page, exported, "sentiment")
    char, sent = pg.load_playground("char"), pg.load_playground("sentiment")
    for text in TRICKY:
        got = page.evaluate("([t, cv, wv]) => [window.lstmEdu.playgrounds.encodeChars(t, cv, 500),"
                            " window.lstmEdu.playgrounds.encodeWords(t, wv, 100)]",
                            [text, char["vocab"], sent["vocab"]])
        assert got[0] == pg.encode_chars(text, char["vocab"]), text[:40]
        assert got[1] == pg.encode_words(text, sent["vocab"]), text[:40]


def type_and_check(page, name, selector, keys):
    before = state(page, name)
    page.focus(selector)
    page.keyboard.press("End")
    page.keyboard.type(keys)
    after = state(page, name)
    assert after["updates"] == before["updates"] + len(keys), "one redraw per keystroke"
    assert after["data"] != before["data"], "the figure did not change"
    return before, after


@pytest.mark.browser
def test_typing_redraws_each_playground(offline_page, exported):
    page = offline_page
    open_playground(page, exported, "char")
    b, a = type_and_check(page, "char", f"#{UID}char-text", " what")
    assert a["readout"] != b["readout"] and a["readout"].startswith("Most likely next")
    page.select_option(f"#{UID}char-unit", index=2)
    assert state(page, "char")["title"] != a["title"]

    open_playground(page, exported, "sentiment")
    b, a = type_and_check(page, "sentiment", f"#{UID}sentiment-text", " and dull")
    assert "After “dull”" in a["readout"] and "moved most" in a["readout"]

    open_playground(page, exported, "adding")
    b = state(page, "adding")
    page.fill(f"#{UID}adding-val2", "0.2")
    a = state(page, "adding")
    assert a["data"] != b["data"] and "0.3 + 0.2 = 0.500" in a["readout"]
    assert page.console_errors == [] and page.blocked_requests == []


KEYSTROKE = """([id, ch]) => { const ta = document.getElementById(id + '-text');
  ta.value += ch; ta.dispatchEvent(new Event('input', {bubbles: true}));
  return document.getElementById(id).lstmEduPlayground.lastMs; }"""


@pytest.mark.browser
def test_a_keystroke_is_answered_within_100_ms_at_500_characters(offline_page, exported):
    page = offline_page
    open_playground(page, exported, "char")
    text = (pg.load_playground("char")["check"]["text"] * 20)[:499]
    page.fill(f"#{UID}char-text", text)                    # the whole text: a full run
    full = state(page, "char")["ms"]
    ms = [page.evaluate(KEYSTROKE, [UID + "char", ch]) for ch in "and the cat"]
    assert len(state(page, "char")["status"]) and full < 100, f"full 499-char run {full:.0f} ms"
    assert sorted(ms)[len(ms) // 2] < 100 and max(ms) < 200, ms
    open_playground(page, exported, "sentiment")
    page.fill(f"#{UID}sentiment-text", "the film was not good but " * 19)
    sms = [page.evaluate(KEYSTROKE, [UID + "sentiment", ch]) for ch in " great"]
    assert sorted(sms)[len(sms) // 2] < 100, sms


@pytest.mark.browser
def test_bad_input_gets_a_message_and_the_page_keeps_working(offline_page, exported):
    page = offline_page
    open_playground(page, exported, "char")
    sel = f"#{UID}char-text"
    cases = [("", "empty"), ("x" * 10_000, "the last 9500 are cut"),
             ("I ♥ 😀 中文", "unknown symbol"), ("a\u0000b\u0007c\td", "3 control characters")]
    for text, words in cases:
        page.fill(sel, text)
        s = state(page, "char")
        assert words in s["status"] and not s["failed"], (text[:20], s["status"])
    page.fill(sel, "I ♥ 😀 中文")
    assert all(c in state(page, "char")["status"] for c in "♥😀中文")
    page.fill(sel, "Mary had a")
    assert "read 10 characters" in state(page, "char")["status"]

    open_playground(page, exported, "sentiment")
    page.fill(f"#{UID}sentiment-text", "   ")
    assert "empty" in state(page, "sentiment")["status"]
    page.fill(f"#{UID}sentiment-text", "the 電影 was 👍")
    assert "unknown symbol" in state(page, "sentiment")["status"]

    open_playground(page, exported, "adding")
    for field, value, words in [("pos1", "99", "outside 1 to 25"), ("pos2", "3", "using 26"),
                                ("val1", "-4", "using 0"), ("val2", "", "not a number"),
                                ("pos1", "7.5", "whole number")]:
        page.fill(f"#{UID}adding-{field}", value)
        s = state(page, "adding")
        assert words in s["status"] and not s["failed"], (field, value, s["status"])
    page.fill(f"#{UID}adding-val2", "0.5")
    assert "predicts" in state(page, "adding")["readout"]
    assert page.console_errors == [] and page.blocked_requests == []


@pytest.mark.browser
def test_offline_accessible_and_keyboard_operable(offline_page, exported):
    from axe_playwright_python.sync_playwright import Axe

    page, axe = offline_page, Axe()
    for name in pg.NAMES:
        open_playground(page, exported, name)
        bad = [(v["id"], v["impact"]) for v in axe.run(page).response["violations"]
               if v["impact"] in ("serious", "critical")]
        assert bad == [], f"{name}: {bad}"
        resources = page.evaluate("() => performance.getEntriesByType('resource')"
                                  ".map(e => e.name)")
        assert all(r.startswith("file://") for r in resources), resources
    assert page.blocked_requests == []
    page.console_errors.clear()   # axe itself reads the stylesheets, which file:// refuses
    # keyboard: Tab reaches the controls; typing and arrow keys work them
    open_playground(page, exported, "char")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.id"))
    assert f"{UID}char-text" in reached and f"{UID}char-unit" in reached
    page.focus(f"#{UID}char-unit")
    before = state(page, "char")
    page.keyboard.press("ArrowDown")
    assert state(page, "char")["title"] != before["title"]
    open_playground(page, exported, "adding")
    page.focus(f"#{UID}adding-pos1")
    before = state(page, "adding")
    page.keyboard.press("ArrowUp")
    after = state(page, "adding")
    assert "steps 6 and" in after["status"] and after["data"] != before["data"]
    assert page.console_errors == [] and page.blocked_requests == []


# ---------------------------------------------------------------------- the built book
@pytest.mark.browser
def test_built_book_serves_the_playgrounds_offline(book_html, offline_page):
    page = offline_page
    static = book_html / "_static"
    for name in ("lstm_edu_forward.js", "lstm_edu_playgrounds.js", "lstm_edu_playgrounds.css"):
        assert (static / name).is_file(), name
    for rel, names in [("chapters/gallery.html", pg.NAMES), ("chapters/02_memory_cell.html",
                                                            ("char",))]:
        text = (book_html / rel).read_text("utf-8")
        assert text.count('src="../_static/lstm_edu_forward.js') == 1, rel
        assert "window.Plotly = Plotly" not in text, f"{rel}: plotly.js inlined (a kernel's copy)"
        page.goto((book_html / rel).as_uri(), wait_until="load")
        for name in names:
            page.wait_for_function("id => { const r = document.getElementById(id); return r &&"
                                   " r.lstmEduPlayground && r.querySelector('.main-svg'); }",
                                   arg=UID + name, timeout=20_000)
        sel = f"#{UID}{names[0]}-text"
        before = state(page, names[0])
        page.focus(sel)
        page.keyboard.type(" very")
        assert state(page, names[0])["data"] != before["data"]
    assert page.console_errors == [] and page.blocked_requests == []


def test_live_kernel_output_carries_its_scripts_and_the_book_build_does_not(monkeypatch):
    from lstm_edu.book.render import BOOK_BUILD_ENV

    monkeypatch.delenv(BOOK_BUILD_ENV, raising=False)
    live = pg.show("sentiment")._repr_html_()
    assert live.startswith("<style>") and pg.playground_html("sentiment") in live
    for name in ("lstm_edu_forward.js", "lstm_edu_playgrounds.js"):           # inlined, whole
        assert (pg.STATIC_DIR / name).read_text("utf-8").replace("</script", "<\\/script") in live
    assert "window.Plotly = Plotly" in live and "<script src=" not in live     # plotly too
    monkeypatch.setenv(BOOK_BUILD_ENV, "1")
    assert pg.show("sentiment")._repr_html_() == pg.playground_html("sentiment")


LIVE_OUTPUT = """([html]) => { const out = document.createElement('div');
  document.body.appendChild(out); out.innerHTML = html;
  out.querySelectorAll('script').forEach(old => { const s = document.createElement('script');
    for (const a of old.attributes) s.setAttribute(a.name, a.value);
    s.textContent = old.textContent; old.replaceWith(s); }); }"""


@pytest.mark.browser
def test_live_kernel_output_runs_on_its_own_offline(offline_page, tmp_path, monkeypatch):
    """What a notebook output does in JupyterLab (HTML inserted, then each script re-created
    with its attributes, as JupyterLab's evalInnerHTMLScriptTags does, so that it runs): no
    page scripts, no network; two outputs on one page both work."""
    from lstm_edu.book.render import BOOK_BUILD_ENV

    monkeypatch.delenv(BOOK_BUILD_ENV, raising=False)
    blank = tmp_path / "notebook.html"
    blank.write_text("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                     "<title>a notebook</title></head><body></body></html>", "utf-8")
    page = offline_page
    page.goto(blank.as_uri(), wait_until="load")
    for name in ("sentiment", "adding"):
        page.evaluate(LIVE_OUTPUT, [pg.show(name)._repr_html_()])
        page.wait_for_function("id => { const r = document.getElementById(id); return r &&"
                               " r.lstmEduPlayground && r.querySelector('.main-svg'); }",
                               arg=UID + name, timeout=20_000)
    type_and_check(page, "sentiment", f"#{UID}sentiment-text", " but dull")
    b = state(page, "adding")
    page.fill(f"#{UID}adding-val2", "0.2")
    assert state(page, "adding")["data"] != b["data"]
    assert page.console_errors == [] and page.blocked_requests == []


FITS = """id => { const r = document.getElementById(id);
  const svg = r.querySelector('.main-svg').getBoundingClientRect();
  const boxes = [...r.querySelectorAll('.gtitle, .ytick text')].map(e => e.getBoundingClientRect());
  return {n: boxes.length, out: boxes.filter(b => b.left < svg.left + 2 ||
                                                  b.right > svg.right - 2).length}; }"""


@pytest.mark.browser
def test_type_a_sentence_fits_a_phone(phone_page, exported):
    """On a 390 px screen the heat map's title and row labels stay inside the figure (plotly
    clips what falls outside its SVG), with 2 px to spare."""
    open_playground(phone_page, exported, "char")
    fit = phone_page.evaluate(FITS, UID + "char")
    assert fit["n"] >= 6 and fit["out"] == 0, fit
