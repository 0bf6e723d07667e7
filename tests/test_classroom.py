"""Classroom mode: ``python -m lstm_edu.classroom export`` and ``serve``, and the lesson plan.

- the command line: ``--help`` for both commands; bad arguments (an unknown demo, a bad or busy
  port, a folder that cannot be written) rejected in argparse's style, exit status 2, with a
  message that names the argument and says what is wrong in words (no bare ``[Errno 2]``);
- the lesson plan (``chapters/teachers.md``), parsed, not copied: its per-item minutes add up to
  45 and match its time column; the export's default order is the plan's order; every
  "predict, then run" question names an exported demo, the plan runs it at that demo, and the
  demo's own figure has what the question needs (a clipping control, an exploding LSTM, ...);
- ``export``: an index and one page per demo, plotly.js and the lesson files written once and
  loaded by relative path, nothing from a CDN; in Chromium with the network cut off, each page
  draws its figure and a click on its slider changes the drawn data;
- lesson mode, at 1280x720 and 1920x1080: every control of every demo (plotly's sliders and
  Play buttons, the page's links and buttons, the keyboard twins when they take focus) lies on
  the first screen and nothing needs scrolling; visible text is >= 18 px (plotly's
  sub/superscripts, drawn at 70 % of their label, are counted with their label); the arrow keys
  step through the demos in lesson order (not while a slider has focus); F toggles full screen;
  printed, a demo page is one page with the figure, its caption and its questions and without
  navigation;
- ``serve``: started while the default port is busy, it prints the address Voila really serves;
  the page loads nothing from beyond localhost, its control text is >= 18 px, a widget slider
  moved by keyboard makes the kernel redraw the figure, kernels of closed pages are culled, and
  the server stops cleanly on SIGTERM.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from lstm_edu.classroom import DEMO_NAMES, PLAYGROUND_NAMES, get_demo

ROOT = Path(__file__).resolve().parents[1]
TEACHERS = ROOT / "chapters" / "teachers.md"
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "cdn.plot.ly", "mathjax@")
#: plotly's figure data as seen in the browser (all traces of all figures on the page).
DRAWN_DATA = """() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(gd => gd.data.map(t => [t.x, t.y, t.z, t.text, t.customdata, t.visible])))"""
SERVE_START_TIMEOUT_S = 240
SCREENS = [(1280, 720), (1920, 1080)]
MIN_TEXT_PX = 18
LESSON_MINUTES = 45


def classroom(*args, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lstm_edu.classroom", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout, **kw)


# -- the lesson plan, read from chapters/teachers.md --------------------------------------------

def _section(title: str) -> str:
    text = TEACHERS.read_text(encoding="utf-8")
    assert f"\n## {title}" in text, f"teachers.md has no section '## {title}'"
    return text.split(f"\n## {title}", 1)[1].split("\n## ", 1)[0]


def lesson_plan() -> list[dict]:
    """The rows of the plan's table: time range, minutes, demos and questions of each item."""
    lines = [ln for ln in _section("A 45-minute lesson").splitlines() if ln.startswith("|")]
    header = [c.strip().lower() for c in lines[0].strip().strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = dict(zip(header, (c.strip() for c in line.strip().strip("|").split("|")),
                         strict=True))
        times = re.findall(r"\d+", cells.get("time", ""))
        minutes = cells.get("minutes", "")
        rows.append({
            "start": int(times[0]) if len(times) == 2 else None,
            "end": int(times[1]) if len(times) == 2 else None,
            "minutes": int(minutes) if minutes.isdigit() else None,
            "raw_minutes": minutes,
            "demos": re.findall(r"`([a-z0-9-]+)`", cells.get("demo", "")),
            "questions": [int(q) for q in re.findall(r"Q(\d+)", cells.get("ask", ""))],
        })
    return rows


def plan_questions() -> dict[int, dict]:
    """Number -> {"text", "demos", "all_demos", "block"} of each "predict, then run" question.

    ``demos``: the demos its question paragraph names (what to run, read out before the answer
    is revealed); ``all_demos``: the demos named anywhere in it, the answer included.
    """
    out = {}
    blocks = re.split(r"\n(?=\*\*Q?\d+\. )", _section("Predict, then run"))
    for block in blocks[1:]:
        m = re.match(r"\*\*Q?(\d+)\. (.+?)\*\*(.*?)(?:\n\n|$)", block, flags=re.S)
        assert m, f"cannot read the question in {block[:80]!r}"
        head = m.group(2) + m.group(3)
        out[int(m.group(1))] = {
            "text": " ".join(m.group(2).split()),
            "demos": re.findall(r"`([a-z0-9-]+)`", head),
            "all_demos": re.findall(r"`([a-z0-9-]+)`", block),
            "block": block,
        }
    return out


def test_plan_minutes_are_stated_per_item_and_add_up_to_the_lesson():
    rows = lesson_plan()
    defects = []
    for r in rows:
        if r["minutes"] is None:
            defects.append(f"item without a number of minutes: {r['raw_minutes']!r}")
        elif r["start"] is None or r["end"] - r["start"] != r["minutes"]:
            defects.append(f"minutes {r['minutes']} do not match its time {r['start']}–{r['end']}")
    starts = [r["start"] for r in rows]
    ends = [r["end"] for r in rows]
    if starts[:1] != [0] or ends[-1:] != [LESSON_MINUTES] or starts[1:] != ends[:-1]:
        defects.append(f"the times do not run 0–{LESSON_MINUTES} without gaps: {starts} {ends}")
    total = sum(r["minutes"] or 0 for r in rows)
    if total != LESSON_MINUTES:
        defects.append(f"the minutes add up to {total}, not {LESSON_MINUTES}")
    assert defects == [], f"{len(defects)} defects: {defects}"


def test_the_default_order_is_the_lesson_plans(exported):
    planned = [d for r in lesson_plan() for d in r["demos"]]
    assert planned == list(DEMO_NAMES), "DEMOS must run in the plan's order"
    index = (exported / "index.html").read_text(encoding="utf-8")
    linked = [n for n in dict.fromkeys(re.findall(r'href="([a-z0-9-]+)\.html"', index))]
    assert linked == planned + list(PLAYGROUND_NAMES), \
        "the exported index lists the demos in the plan's order, then the live playgrounds"


def test_every_question_names_an_exported_demo_that_the_plan_runs():
    questions, rows = plan_questions(), lesson_plan()
    assert questions, "the plan has no questions"
    defects = []
    asked_at = {q: r["demos"] for r in rows for q in r["questions"]}
    for num, q in questions.items():
        named = [d for d in q["demos"] if d in DEMO_NAMES]
        if len(named) != 1:
            defects.append(f"Q{num} names {q['demos']} in its question, not one exported demo")
            continue
        if asked_at.get(num) != named:
            defects.append(f"Q{num} runs {named[0]} but the plan asks it at {asked_at.get(num)}")
    assert defects == [], f"{len(defects)} defects: {defects}"


def _slider_prefixes(fig) -> list[str]:
    return [(s.currentvalue.prefix or "").lower() for s in fig.layout.sliders or ()]


def _frames_y(fig, name_part: str) -> list[np.ndarray]:
    """y of every trace named with ``name_part``, in the figure and in each frame."""
    ys = [np.asarray(t.y, dtype=float) for t in fig.data if name_part in (t.name or "")]
    for fr in fig.frames or ():
        ys += [np.asarray(t.y, dtype=float) for t in fr.data if name_part in (t.name or "")]
    return ys


def _answers_clipping_vanishing(fig) -> str:
    if not any("clip" in p for p in _slider_prefixes(fig)):
        return "has no clipping control"
    rnn = [y for y in _frames_y(fig, "RNN") if y.size > 2 and np.all(y > 0)]
    if not rnn or min(y[0] / y[-1] for y in rnn) > 1e-3:
        return "shows no vanishing RNN gradient"
    ratios = [y[0] / y[-1] for y in rnn]
    if max(ratios) / min(ratios) > 1.01:
        return "clipping changes the first step's share, which norm clipping cannot do"
    return ""


def _answers_lstm_exploding(fig) -> str:
    lstm = [y for y in _frames_y(fig, "LSTM") if y.size > 2 and np.all(y > 0)]
    if not lstm:
        return "has no LSTM gradient"
    if max(y[0] / y[-1] for y in lstm) < 1e3:
        return "shows no LSTM gradient that grows by 1000x on its way back"
    return ""


def _answers_spectral_radius(fig) -> str:
    for s in fig.layout.sliders or ():
        if "spectral radius" in (s.currentvalue.prefix or ""):
            labels = {st.label for st in s.steps}
            return "" if {"0.9", "1.1"} <= labels else f"ρ slider lacks 0.9 or 1.1: {labels}"
    return "has no spectral-radius control"


def _answers_forget_bias(fig) -> str:
    for s in fig.layout.sliders or ():
        if "forget-gate bias" in (s.currentvalue.prefix or ""):
            return "" if "3" in {st.label for st in s.steps} else "bias slider lacks +3"
    return "has no forget-gate-bias control"


def _answers_gate_count(fig) -> str:
    names = " ".join(t.name or "" for t in fig.data)
    missing = [g for g in ("input gate", "forget gate", "output gate", "candidate")
               if g not in names]
    return f"does not show {missing}" if missing else ""


#: What a question needs from the demo it names: (words all in the question, check).
QUESTION_NEEDS = [
    (("clipping", "vanishing"), _answers_clipping_vanishing),
    (("lstm", "exploding"), _answers_lstm_exploding),
    (("spectral radius",), _answers_spectral_radius),
    (("forget gate", "bias"), _answers_forget_bias),
    (("how many gates",), _answers_gate_count),
]


def test_each_questions_demo_can_answer_it():
    defects = []
    for num, q in plan_questions().items():
        text = q["text"].lower()
        checks = [c for words, c in QUESTION_NEEDS if all(w in text for w in words)]
        if len(checks) != 1:
            defects.append(f"Q{num} ({q['text']}) is not one of the questions this test knows")
            continue
        named = [d for d in q["demos"] or q["all_demos"] if d in DEMO_NAMES]
        for name in dict.fromkeys(named):
            problem = checks[0](get_demo(name).make(projector=False))
            if problem:
                defects.append(f"Q{num}'s demo {name} {problem}")
        if not named:
            defects.append(f"Q{num} has no demo to run")
    assert defects == [], f"{len(defects)} defects: {defects}"


def _step_y(fig, slider: int, label: str) -> list[np.ndarray]:
    """The y arrays a restyle slider's step ``label`` sets (one per trace it restyles)."""
    step = next(s for s in fig.layout.sliders[slider].steps if s.label == label)
    return [np.asarray(y, dtype=float) for y in step.args[0]["y"]]


def test_the_answers_hold_on_the_demos_own_numbers():
    """What the plan's answers say the demos show, read from the demos' figures."""
    gates = get_demo("gates").make(projector=False)
    z = {t.name: np.asarray(t.z, dtype=float) for t in gates.data if t.type == "heatmap"}
    for gate in ("input gate i", "forget gate f", "output gate o"):
        assert 0 < z[gate].min() and z[gate].max() < 1, f"Q1: {gate} leaves (0, 1)"
    assert z["candidate g"].min() < 0, "Q1: the candidate's row never goes negative"

    flow = get_demo("gradient-flow").make(projector=False)
    for at_1_1, at_2 in zip(_step_y(flow, 0, "1.1"), _step_y(flow, 0, "2"), strict=True):
        assert at_1_1[0] < at_1_1[-1], "Q2: at ρ = 1.1 the first step's gradient does not shrink"
        assert at_2[0] > at_2[-1], "Q2: at ρ = 2 the gradient does not grow"
    kept, lost = _step_y(flow, 1, "3")[-2], _step_y(flow, 1, "0")[-2]   # LSTM h, longest T
    assert kept[0] > 1e6 * lost[0], "Q3: a forget bias of 3 does not keep the gradient"

    clip = get_demo("clip-vanishing").make(projector=False)
    unclipped = [np.asarray(t.y, dtype=float) for t in clip.data[:2]]
    for fr in clip.frames:
        for y, y0 in zip((np.asarray(t.y, dtype=float) for t in fr.data), unclipped,
                         strict=True):
            assert np.all(y <= y0 * (1 + 1e-3)), f"Q4: clipping at {fr.name} raised a gradient"

    explode = get_demo("lstm-exploding").make(projector=False)
    growth = {fr.name: np.asarray(fr.data[0].y, float)[0] / np.asarray(fr.data[0].y)[-1]
              for fr in explode.frames}
    assert growth["gain=1"] < 1 and growth["gain=2"] < 1, growth
    assert all(growth[f"gain={g}"] > 1 for g in (4, 8, 12, 16)), growth
    assert all(growth[f"gain={g}"] > 1e6 for g in (8, 12, 16)), growth


def test_the_gate_count_answer_uses_pytorchs_name_for_g():
    block = next(q["block"] for q in plan_questions().values()
                 if "how many gates" in q["text"].lower())
    assert "cell gate" in block, "PyTorch's docs call g the 'cell gate': the answer must say so"


# -- the command line ------------------------------------------------------------------------

def test_help_explains_both_commands():
    top = classroom("--help")
    assert top.returncode == 0
    assert "export" in top.stdout and "serve" in top.stdout and "offline" in top.stdout
    ex = classroom("export", "--help")
    assert ex.returncode == 0 and "--demos" in ex.stdout and "--no-projector" in ex.stdout
    sv = classroom("serve", "--help")
    assert sv.returncode == 0 and "--port" in sv.stdout and "--no-browser" in sv.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((), "export,serve"),
        (("teach",), "teach"),
        (("export",), "DIR"),
        (("export", "out", "--demos", "nope"), "--demos"),
        (("serve", "--port", "99999"), "--port"),
        (("serve", "--port", "http"), "--port"),
        (("serve", "--colour"), "--colour"),
        (("serve", "--cull-after", "5"), "--cull-after"),
    ],
)
def test_bad_arguments_exit_non_zero_naming_the_argument(args, named):
    proc = classroom(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "error:" in proc.stderr and named in proc.stderr, proc.stderr


def test_export_into_a_file_is_refused(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    proc = classroom("export", str(target))
    assert proc.returncode == 2
    assert "DIR" in proc.stderr and "not a folder" in proc.stderr and str(target) in proc.stderr


def _unwritable(tmp_path) -> Path:
    """A folder this process cannot create or write (root ignores file modes: use /proc)."""
    if os.geteuid() == 0:
        return Path("/proc/lstm-edu-lesson")
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(0o555)
    return ro / "lesson"


def test_export_into_an_unwritable_folder_says_so_in_words(tmp_path):
    target = _unwritable(tmp_path)
    proc = classroom("export", str(target))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = proc.stderr
    assert err.startswith("usage:"), f"not argparse's style:\n{err}"
    assert "error: argument DIR:" in err and str(target) in err, err
    assert "cannot write" in err and "[Errno" not in err, err


def test_serve_refuses_a_busy_port_given_with_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        try:
            proc = classroom("serve", "--port", str(port), "--no-browser", timeout=90)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve --port {port} (busy) did not refuse it: it kept running")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "argument --port" in proc.stderr and "in use" in proc.stderr, proc.stderr


# -- export ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("classroom") / "lesson"
    proc = classroom("export", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout
    return out


def test_export_writes_index_and_one_page_per_demo(exported):
    pages = sorted(p.name for p in exported.glob("*.html"))
    assert pages == sorted(["index.html", *(f"{n}.html" for n in DEMO_NAMES + PLAYGROUND_NAMES)])
    index = (exported / "index.html").read_text(encoding="utf-8")
    for n in DEMO_NAMES + PLAYGROUND_NAMES:
        assert f'href="{n}.html"' in index
    for n in PLAYGROUND_NAMES:   # the playgrounds' scripts, written once, loaded by relative path
        text = (exported / f"{n}.html").read_text(encoding="utf-8")
        for src in ("plotly.min.js", "lstm_edu_forward.js", "lstm_edu_playgrounds.js"):
            assert text.count(f'<script src="{src}"></script>') == 1, (n, src)
        assert 'class="lstm-edu-playground"' in text


def test_export_pages_load_shared_files_by_relative_path_and_no_cdn(exported):
    big = [p for p in exported.iterdir() if p.stat().st_size > 1_000_000]
    assert [p.name for p in big] == ["plotly.min.js"], "plotly.js must be written once"
    for page in exported.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for src in re.findall(r'(?:src|href)="([^"]+)"', text):
            assert "//" not in src, f"{page.name} links {src}"
            assert (exported / src.split("#")[0]).exists() or src.startswith("#"), \
                f"{page.name} links {src}, which the export did not write"
        for host in CDN_HOSTS:
            assert host not in text, f"{page.name} names {host}"
    for n in DEMO_NAMES:
        text = (exported / f"{n}.html").read_text(encoding="utf-8")
        assert text.count('<script src="plotly.min.js"></script>') == 1
        assert 'class="lstm-edu-figure" aria-label="' in text
        assert len(text) < 200_000, f"{n}.html inlines something large"


def test_export_subset_and_book_size(tmp_path):
    proc = classroom("export", str(tmp_path / "two"), "--demos", "bptt", "valve",
                     "--no-projector")
    assert proc.returncode == 0, proc.stderr
    pages = sorted(p.name for p in (tmp_path / "two").glob("*.html"))
    assert pages == ["bptt.html", "index.html", "valve.html"]
    index = (tmp_path / "two" / "index.html").read_text(encoding="utf-8")
    assert index.index("bptt.html") < index.index("valve.html"), "order as given"


def _click_slider_end(page, slider: int = 0) -> None:
    """Click near the right end of the ``slider``-th plotly slider rail (its last step)."""
    rail = page.locator("g.slider-container rect.slider-rail-touch-rect").nth(slider)
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    assert box is not None, "slider rail not drawn"
    page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] / 2)


def _wait_drawn(page) -> None:
    page.wait_for_selector("figure.lstm-edu-figure .js-plotly-plot .main-svg", timeout=20_000)
    page.wait_for_timeout(300)   # plotly's resize to the final layout


@pytest.mark.browser
def test_every_exported_page_draws_and_its_slider_works_offline(exported, offline_page):
    page = offline_page
    page.goto((exported / "index.html").as_uri(), wait_until="load")
    assert page.locator("ol.demos a").count() == len(DEMO_NAMES)
    for n in DEMO_NAMES:
        page.console_errors.clear()
        page.goto((exported / f"{n}.html").as_uri(), wait_until="load")
        _wait_drawn(page)
        assert page.locator("g.slider-container").count() >= 1, f"{n}: no slider"
        before = page.evaluate(DRAWN_DATA)
        _click_slider_end(page)
        page.wait_for_function(f"b => ({DRAWN_DATA})() !== b", arg=before, timeout=10_000)
        assert page.console_errors == [], f"{n}: console errors {page.console_errors}"
    assert page.blocked_requests == [], f"requests leaving the machine: {page.blocked_requests}"


# -- lesson mode in the browser ------------------------------------------------------------------

@pytest.fixture
def screen_page(new_offline_page, request):
    """An offline page at the viewport ``request.param`` = (width, height)."""
    width, height = request.param
    return new_offline_page(viewport={"width": width, "height": height})


#: Boxes off the screen: plotly's controls, the page's links and buttons, the figure, and
#: whether the page needs scrolling. The keyboard twins (``.lstm-edu-keys``) stay hidden until
#: they take focus; they are checked one by one, focused.
OFF_SCREEN = """([vw, vh]) => {
  const off = [];
  const out = b => b.left < -0.5 || b.top < -0.5 || b.right > vw + 0.5 || b.bottom > vh + 0.5;
  const name = e => (e.getAttribute('aria-label') || e.textContent || e.tagName).trim()
    .slice(0, 40);
  const check = (what, e) => {
    const b = e.getBoundingClientRect();
    if (b.width > 0 && out(b)) {
      off.push(`${what} "${name(e)}" at x ${Math.round(b.left)}..${Math.round(b.right)},`
               + ` y ${Math.round(b.top)}..${Math.round(b.bottom)}`);
    }
  };
  document.querySelectorAll('g.slider-group').forEach(e => check('slider', e));
  document.querySelectorAll('g.updatemenu-button').forEach(e => check('button', e));
  document.querySelectorAll('a[href], button, input, select, textarea').forEach(e => {
    if (!e.closest('.lstm-edu-keys') && getComputedStyle(e).visibility !== 'hidden'
        && e.offsetParent !== null) { check(e.tagName.toLowerCase(), e); }
  });
  document.querySelectorAll('.js-plotly-plot .svg-container').forEach(e => check('figure', e));
  const de = document.documentElement;
  if (de.scrollHeight > vh + 1 || de.scrollWidth > vw + 1) {
    off.push(`page scrolls: ${de.scrollWidth}x${de.scrollHeight}`);
  }
  return off;
}"""

#: Visible text smaller than the minimum. Text inside plotly's sub/superscripts (a tspan plotly
#: draws at 70 % of its label) is counted at its label's size; visually hidden text is skipped.
SMALL_TEXT = """(minPx) => {
  const small = [];
  const hidden = e => {
    for (let a = e; a && a.nodeType === 1; a = a.parentNode) {
      const cs = getComputedStyle(a);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return true;
      if (a.classList.contains('lstm-edu-sr-only')) return true;
      if (cs.clip && cs.clip.startsWith('rect(0px, 0px, 0px, 0px)')) return true;
      if (cs.clipPath === 'inset(50%)') return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    let e = n.parentElement;
    if (!e || ['SCRIPT', 'STYLE', 'TITLE'].includes(e.tagName)) continue;
    if (hidden(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    while (e.tagName === 'tspan' && /font-size:\\s*70%/.test(e.getAttribute('style') || '')) {
      e = e.parentElement;
    }
    const px = parseFloat(getComputedStyle(e).fontSize);
    if (px < minPx - 0.01) {
      small.push(`${px.toFixed(1)} px: "${n.textContent.trim().slice(0, 30)}"`);
    }
  }
  return small;
}"""


def _twins(page):
    return page.locator(".lstm-edu-keys button, .lstm-edu-keys input")


@pytest.mark.browser
@pytest.mark.parametrize("screen_page", SCREENS, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_control_of_every_demo_is_on_the_first_screen(exported, screen_page):
    page = screen_page
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    defects = []
    for n in DEMO_NAMES + PLAYGROUND_NAMES:          # the live playgrounds fit one screen too
        page.goto((exported / f"{n}.html").as_uri(), wait_until="load")
        _wait_drawn(page)
        defects += [f"{n}: {d}" for d in page.evaluate(OFF_SCREEN, [vw, vh])]
        twins = _twins(page)
        for k in range(twins.count()):
            twins.nth(k).focus()
            box = twins.nth(k).bounding_box()
            if box is None or box["y"] < 0 or box["y"] + box["height"] > vh or box["x"] < 0 \
                    or box["x"] + box["width"] > vw:
                defects.append(f"{n}: focused keyboard control {k} at {box}")
        page.evaluate("document.activeElement && document.activeElement.blur()")
    assert page.blocked_requests == []
    assert defects == [], f"{len(defects)} controls or figures off the first screen: {defects}"


@pytest.mark.browser
@pytest.mark.parametrize("screen_page", SCREENS, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
def test_text_is_at_least_18px_on_every_page(exported, screen_page):
    page = screen_page
    defects = []
    for p in ["index.html", *(f"{n}.html" for n in DEMO_NAMES)]:
        page.goto((exported / p).as_uri(), wait_until="load")
        if p != "index.html":
            _wait_drawn(page)
        found = page.evaluate(SMALL_TEXT, MIN_TEXT_PX)
        twins = _twins(page)
        for k in range(twins.count()):
            twins.nth(k).focus()
            found += page.evaluate(SMALL_TEXT, MIN_TEXT_PX)
        defects += [f"{p}: {d}" for d in dict.fromkeys(found)]
    assert defects == [], f"{len(defects)} texts under {MIN_TEXT_PX} px: {defects[:40]}"


@pytest.mark.browser
def test_arrow_keys_step_through_the_demos_in_lesson_order(exported, offline_page):
    page = offline_page
    page.goto((exported / "index.html").as_uri(), wait_until="load")
    visited = []
    for n in DEMO_NAMES:
        page.keyboard.press("ArrowRight")
        try:
            page.wait_for_url(f"**/{n}.html", timeout=5_000, wait_until="commit")
        except Exception:  # noqa: BLE001 - reported below with where the key led
            break
        visited.append(n)
        _wait_drawn(page)
    assert visited == list(DEMO_NAMES), f"→ from the index visited {visited}"
    for n in reversed(DEMO_NAMES[:-1]):
        page.keyboard.press("ArrowLeft")
        page.wait_for_url(f"**/{n}.html", timeout=5_000, wait_until="commit")
        _wait_drawn(page)
    # With a slider focused, the arrow keys move the slider and stay on the page.
    _wait_drawn(page)
    slider = page.locator(".lstm-edu-keys input[type=range]").first
    slider.focus()
    before = slider.input_value()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    assert page.url.endswith(f"/{DEMO_NAMES[0]}.html")
    assert slider.input_value() != before


@pytest.mark.browser
def test_f_key_toggles_full_screen_and_the_demo_still_fits(exported, offline_page):
    page = offline_page
    page.goto((exported / f"{DEMO_NAMES[0]}.html").as_uri(), wait_until="load")
    _wait_drawn(page)
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null", timeout=5_000)
    page.wait_for_timeout(300)
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    assert page.evaluate(OFF_SCREEN, [vw, vh]) == []
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null", timeout=5_000)


PRINT_STATE = """() => {
  const shown = e => e && getComputedStyle(e).display !== 'none'
    && getComputedStyle(e).visibility !== 'hidden' && e.getBoundingClientRect().width > 1;
  const svg = document.querySelector('.js-plotly-plot .main-svg');
  return {
    nav: Array.from(document.querySelectorAll('nav, button, .updatemenu-container'))
      .filter(shown).map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 30)),
    caption: shown(document.querySelector('figcaption')),
    figureWidth: svg ? svg.getBoundingClientRect().width : 0,
    text: document.body.innerText,
  };
}"""


@pytest.mark.browser
def test_a_printed_demo_is_a_one_page_handout(exported, offline_page):
    page = offline_page
    questions = plan_questions()
    asked = {d: [questions[q]["text"] for q in r["questions"] if q in questions]
             for r in lesson_plan() for d in r["demos"]}
    defects = []
    for n in DEMO_NAMES:
        page.goto((exported / f"{n}.html").as_uri(), wait_until="load")
        _wait_drawn(page)
        _click_slider_end(page)   # the teacher picks a frame, then prints
        page.wait_for_timeout(300)
        pdf = page.pdf(prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        if pages != 1:
            defects.append(f"{n}: prints on {pages} pages")
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_timeout(300)
        state = page.evaluate(PRINT_STATE)
        page.emulate_media(media="screen")
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        if state["nav"]:
            defects.append(f"{n}: navigation printed: {state['nav']}")
        if not state["caption"]:
            defects.append(f"{n}: no caption printed")
        if not 0 < state["figureWidth"] <= 1000:
            defects.append(f"{n}: printed figure {state['figureWidth']:.0f} px wide")
        text = " ".join(state["text"].split())
        for q in asked.get(n, []):
            if q not in text:
                defects.append(f"{n}: question not printed: {q}")
    assert defects == [], f"{len(defects)} defects: {defects}"


# -- serve -----------------------------------------------------------------------------------

DEFAULT_PORT = 8866
#: serve's --cull-after in these tests (its minimum is 30 s).
CULL_S = 30
ADDRESS = re.compile(r"live classroom: http://127\.0\.0\.1:(\d+)/")
#: The smallest font of the dashboard's widget labels, readouts and buttons, px.
WIDGET_TEXT = """() => Math.min(...Array.from(document.querySelectorAll(
    '.widget-label, .widget-readout, .widget-toggle-button, .widget-button, .widget-dropdown,'
    + ' .jupyter-button')).filter(e => e.getBoundingClientRect().width > 0
    && (e.textContent || '').trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))"""


def test_the_dashboard_offers_the_plans_demos_in_its_order():
    from lstm_edu.classroom.serve import LIVE_DEMOS

    live = [d.name for d in LIVE_DEMOS]
    assert [n for n in live if n in DEMO_NAMES] == list(DEMO_NAMES)


def kernel_count(pid: int) -> int:
    """Kernel processes (``ipykernel``) anywhere under process ``pid``."""
    import psutil

    count = 0
    for c in psutil.Process(pid).children(recursive=True):
        try:
            count += any("ipykernel" in part for part in c.cmdline())
        except psutil.Error:
            pass
    return count


def stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM to the server's process group, then SIGKILL if it does not exit in time."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            pytest.fail(f"serve did not stop within {timeout} s of SIGTERM")
    return proc.returncode


@pytest.fixture(scope="module")
def dashboard():
    """``serve`` started while the default port is busy (held here, or by anyone else).

    Yields ``{"proc", "url", "printed", "lines"}``: ``printed`` is the port in serve's first
    address line; ``url`` is that address.
    """
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", DEFAULT_PORT))
        holder.listen()
    except OSError:
        pass   # already busy: just as good
    proc = subprocess.Popen(
        [sys.executable, "-m", "lstm_edu.classroom", "serve", "--no-browser",
         "--cull-after", str(CULL_S)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(ln.rstrip() for ln in proc.stdout),
                     daemon=True).start()
    try:
        deadline = time.monotonic() + SERVE_START_TIMEOUT_S
        port = None
        while port is None and time.monotonic() < deadline and proc.poll() is None:
            found = [ADDRESS.search(ln) for ln in list(lines)]
            port = next((int(m.group(1)) for m in found if m), None)
            time.sleep(0.2)
        assert port is not None, "serve printed no address:\n" + "\n".join(lines)
        yield {"proc": proc, "url": f"http://127.0.0.1:{port}/", "printed": port,
               "lines": lines}
    finally:
        holder.close()
        stop(proc)


@pytest.mark.slow
def test_serve_prints_the_address_it_serves_when_the_default_port_is_busy(dashboard):
    assert dashboard["printed"] != DEFAULT_PORT, "it printed the busy default port"
    with urllib.request.urlopen(dashboard["url"], timeout=SERVE_START_TIMEOUT_S) as r:  # noqa: S310
        assert r.status == 200
        assert "voila" in r.read(200_000).decode("utf-8", "replace").lower()


def _open_dashboard(chromium, url: str):
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.blocked = []

    def route(r):
        if r.request.url.startswith((url, "data:", "blob:")):
            r.continue_()
        else:
            page.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.goto(url, timeout=SERVE_START_TIMEOUT_S * 1000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=SERVE_START_TIMEOUT_S * 1000)
    return context, page


@pytest.mark.browser
@pytest.mark.slow
def test_live_dashboard_is_offline_projector_sized_and_redraws(dashboard, chromium):
    context, page = _open_dashboard(chromium, dashboard["url"])
    try:
        # No code is visible: Voila strips the sources.
        assert page.locator(".jp-InputArea, .jp-InputPrompt, .CodeMirror, .cm-editor").count() == 0
        assert "dashboard()" not in page.content()
        smallest = page.evaluate(WIDGET_TEXT)
        assert smallest >= MIN_TEXT_PX, f"control text {smallest} px"
        handles = page.locator(".widget-slider .noUi-handle")
        assert handles.count() >= 1, "no widget slider on the dashboard"
        before = page.evaluate(DRAWN_DATA)
        handles.first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"b => ({DRAWN_DATA})() !== b", arg=before, timeout=60_000)
        after = json.loads(page.evaluate(DRAWN_DATA))
        assert after and after != json.loads(before)
        # Another demo, built when picked.
        shown = page.evaluate(DRAWN_DATA)
        page.locator(".widget-dropdown select").select_option(label="Gates over time")
        page.wait_for_function(f"b => ({DRAWN_DATA})() !== b && ({DRAWN_DATA})() !== '[]'",
                               arg=shown, timeout=120_000)
        assert page.blocked == [], f"the dashboard reached beyond localhost: {page.blocked}"
        assert page.console_errors == [], page.console_errors
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_kernels_of_closed_pages_are_culled(dashboard, chromium):
    for _ in range(2):   # two more page loads, as reloads are
        context, _page = _open_dashboard(chromium, dashboard["url"])
        context.close()
    deadline = time.monotonic() + 4 * CULL_S + 60
    while time.monotonic() < deadline and kernel_count(dashboard["proc"].pid) > 1:
        time.sleep(2)
    # At most the one kernel Voila keeps heated for the next page load.
    assert kernel_count(dashboard["proc"].pid) <= 1


@pytest.mark.slow
def test_serve_stops_cleanly_on_sigterm(dashboard):
    code = stop(dashboard["proc"])
    assert code in (0, -signal.SIGTERM, 128 + signal.SIGTERM), f"serve exited with {code}"
    with pytest.raises(OSError):
        urllib.request.urlopen(dashboard["url"], timeout=3)  # noqa: S310 - the port is closed
