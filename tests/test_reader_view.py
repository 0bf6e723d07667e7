"""The built book as a reader sees it, page by page, opened from disk with the network cut off.

- ``test_no_author_syntax_reaches_a_reader``: on every page, the rendered text (code blocks,
  math and figures aside) holds no Markdown/MyST source: no table written as ``| a | b |``
  or ``|---|`` lines, no role (``{term}`...```, ``{glue:text}`...```, ``{eq}``, ``{ref}``),
  no code fence, no ``:::`` directive, no ``{{ substitution }}``, no ``$$`` or TeX delimiter
  left unrendered.
- ``test_every_page_reads_on_a_phone``: at 390x844 (a phone, ``conftest.PHONE``): the page
  does not scroll sideways, every figure lies within the screen, every equation either lies
  within the screen or in a box that scrolls sideways (nothing cut off for good), and every box
  that scrolls sideways and is cut off shows the reader that it is (a visible scroll bar or a
  faded edge), since a phone's overlay scroll bars are invisible until touched.
- ``test_search_from_disk_shows_results_and_snippets``: ``search.html?q=forget gate`` opened
  from disk lists results, each page result with a text snippet holding the query, with a
  clean console and no request leaving the machine.
- ``test_chinese_text_is_drawn_with_the_shipped_font``: the glossary's Chinese terms (and the
  navigation's "中文") are drawn with the subset web font the book serves from ``_static``
  (Chromium's own record of the fonts that drew each node), not with whatever the machine has.
- ``test_shipped_font_covers_every_cjk_character_of_the_book``: every CJK character in the
  book's sources (chapters, intro, table of contents, config, the package that writes the
  outputs) is in that font's character map.
- ``test_the_book_has_one_colour_mode``: a reader whose system prefers dark, or who chose dark
  on another book, still gets the light page the figures are designed for, and no switch that
  would lead to a half-dark page.

The browser tests are marked ``browser`` (fixtures in ``conftest.py``); the font-coverage test
needs fontTools only (``requirements-dev.txt``).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WAIT_MS = 20_000
PHONE_WIDTH = 390
#: px a box may hide without counting as cut off: an italic letter's overhang, no content.
SLACK_PX = 4
#: The CSS family of the shipped CJK subset font (``lstm_edu/book/static/lstm_edu.css``).
CJK_FAMILY = "Inside the LSTM CJK"
CJK_FONT = ROOT / "lstm_edu" / "book" / "static" / "fonts" / "lstm-edu-cjk.woff2"
CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31c0-\u31ef\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)

#: Author syntax that must never reach the page, checked on the text with code blocks, math
#: and figures hidden. Inline code stays in: ``{term}`x``` shown as code is still syntax.
AUTHOR_SYNTAX = {
    "table row": re.compile(r"^[ \t]*\|(?:[^|\n]*\|){2,}[ \t]*$", re.M),
    "table rule": re.compile(r"\|[ \t]*:?-{3,}:?[ \t]*\|"),
    "role": re.compile(r"\{[a-z][\w:.-]*\}`"),
    "glue key": re.compile(r"\{glue(?::\w+)?\}"),
    "code fence": re.compile(r"```|~~~"),
    "directive": re.compile(r"^[ \t]*:::|:::\{|\{(?:figure|note|warning|admonition|math)\}"),
    "substitution": re.compile(r"\{\{[^}\n]*\}\}"),
}
#: Checked with inline code hidden as well (``$`` and backslashes are ordinary in code).
MATH_SOURCE = {
    "display math source": re.compile(r"\$\$"),
    "inline math source": re.compile(r"(?<![\w$])\$[^\s$][^$\n]{0,200}?[^\s$\\]\$(?![\w$])"),
    "TeX delimiter": re.compile(r"\\[(\[]|\\[)\]]|\\begin\{"),
}
NOT_PROSE = ("pre, script, style, noscript, textarea, svg, mjx-container, .MathJax, "
             "figure.lstm-edu-figure, .js-plotly-plot, div.highlight, .cell_input")


def reader_pages(html):
    """Every page a reader can open (``index.html`` only redirects to the first one)."""
    pages = []
    for p in sorted(html.rglob("*.html")):
        if {"_static", "_sources", "reports"} & set(p.parts):
            continue
        head = p.read_text(encoding="utf-8")[:2000].lower()
        if 'http-equiv="refresh"' not in head:
            pages.append(p)
    assert pages, f"no HTML pages under {html}"
    return pages


def open_read(page, path, query=""):
    """Open a page from disk and wait until a reader would see it whole: figures drawn,
    MathJax done, web fonts loaded."""
    page.goto(path.as_uri() + query, wait_until="load")
    n = page.locator("figure.lstm-edu-figure").count()
    if n:
        page.wait_for_function(
            "n => document.querySelectorAll('figure.lstm-edu-figure .main-svg').length >= n",
            arg=n, timeout=WAIT_MS)
    page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise"
                  " ? MathJax.startup.promise.then(() => true) : true")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_timeout(150)   # a resize-driven relayout (plotly, the scroll cues) settles


def visible_text(page, hidden):
    """``document.body.innerText`` with the elements matching ``hidden`` not displayed."""
    return page.evaluate(
        """sel => {
          const style = document.createElement('style');
          style.textContent = sel + ' { display: none !important; }';
          document.head.appendChild(style);
          const text = document.body.innerText;
          style.remove();
          return text;
        }""", hidden)


def syntax_found(text, patterns):
    found = []
    for name, pattern in patterns.items():
        for m in pattern.finditer(text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line = text[line_start:line_end if line_end >= 0 else None].strip()
            found.append(f"{name}: {line[:100]!r}")
    return found


@pytest.mark.browser
def test_no_author_syntax_reaches_a_reader(book_html, offline_page):
    page = offline_page
    failures = {}
    for path in reader_pages(book_html):
        open_read(page, path)
        found = syntax_found(visible_text(page, NOT_PROSE), AUTHOR_SYNTAX)
        found += syntax_found(visible_text(page, NOT_PROSE + ", code"), MATH_SOURCE)
        if found:
            failures[path.relative_to(book_html).as_posix()] = found
    n = sum(len(v) for v in failures.values())
    assert failures == {}, f"{n} pieces of author syntax shown to readers: {failures}"


#: Everything wrong with a page at phone width, as a list of sentences (empty when it reads).
PHONE_PROBLEMS = """([W, SLACK]) => {
  const problems = [];
  const say = (el, what) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.className && el.className.baseVal === undefined
      ? '.' + String(el.className).trim().split(/\\s+/).slice(0, 2).join('.') : '';
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    problems.push(`${what}: <${el.tagName.toLowerCase()}${id}${cls}> "${text}"`);
  };
  const se = document.scrollingElement;
  if (se.scrollWidth > W + 1 || window.innerWidth > W + 1) {
    problems.push(`page: scrolls sideways, ${se.scrollWidth}px wide on a ${W}px screen`);
  }
  const main = document.querySelector('main') || document.body;
  const shown = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !el.closest('.bd-sidebar-primary, .bd-sidebar-secondary');
  };
  // Is the element's whole width reachable: inside the screen, or inside a box that scrolls?
  const reachable = el => {
    const r = el.getBoundingClientRect();
    let left = r.left, right = r.right;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'visible') continue;
      const b = a.getBoundingClientRect();
      if (ox === 'auto' || ox === 'scroll') { left = b.left; right = b.right; continue; }
      if (left < b.left - SLACK || right > b.right + SLACK) return false;   // cut off for good
    }
    return left >= -1 && right <= W + 1;
  };
  for (const fig of main.querySelectorAll('figure, img, .js-plotly-plot, video, iframe')) {
    if (!shown(fig)) continue;
    const r = fig.getBoundingClientRect();
    if (r.left < -1 || r.right > W + 1) {
      say(fig, `figure: ${Math.round(r.left)}..${Math.round(r.right)}px, outside the screen`);
    }
  }
  for (const eq of main.querySelectorAll('mjx-container, div.math, span.math')) {
    if (shown(eq) && !reachable(eq)) say(eq, 'equation: cut off, no way to scroll to it');
  }
  // A box that scrolls sideways and is cut off must show it: a scroll bar that takes room
  // (a phone's overlay bars take none and are invisible until touched) or a faded edge.
  for (const box of main.querySelectorAll('*')) {
    if (!shown(box) || box.closest('figure.lstm-edu-figure')) continue;
    const cs = getComputedStyle(box);
    if (cs.overflowX !== 'auto' && cs.overflowX !== 'scroll') continue;
    if (box.scrollWidth <= box.clientWidth + SLACK) continue;
    const mask = cs.maskImage || cs.webkitMaskImage || 'none';
    const bar = box.offsetHeight - box.clientHeight
      - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth);
    if (mask === 'none' && bar <= 0) {
      say(box, `hidden cut: ${box.clientWidth} of ${box.scrollWidth}px shown, no sign of more`);
    }
  }
  return problems;
}"""


@pytest.mark.browser
def test_every_page_reads_on_a_phone(book_html, phone_page):
    page = phone_page
    failures = {}
    for path in reader_pages(book_html):
        open_read(page, path)
        problems = page.evaluate(PHONE_PROBLEMS, [PHONE_WIDTH, SLACK_PX])
        if problems:
            failures[path.relative_to(book_html).as_posix()] = problems
    kinds = Counter(p.split(":")[0] for v in failures.values() for p in v)
    assert failures == {}, f"problems at {PHONE_WIDTH}px ({dict(kinds)}): {failures}"
    assert page.console_errors == [], page.console_errors
    assert page.blocked_requests == [], page.blocked_requests


SEARCH_DONE = """() => {
  const s = document.querySelector('#search-results .search-summary');
  return s && /found|did not match/i.test(s.textContent);
}"""
SEARCH_RESULTS = """() => [...document.querySelectorAll('#search-results ul.search > li')]
  .map(li => ({
  title: li.querySelector('a').textContent,
  described: !!li.querySelector(':scope > span'),
  snippet: (li.querySelector('p.context') || {}).textContent || null,
}))"""


@pytest.mark.browser
def test_search_from_disk_shows_results_and_snippets(book_html, offline_page):
    page = offline_page
    open_read(page, book_html / "search.html", "?q=forget+gate")
    page.wait_for_function(SEARCH_DONE, timeout=WAIT_MS)
    page.wait_for_timeout(1000)         # snippets arrive after the list
    results = page.evaluate(SEARCH_RESULTS)
    pages = [r for r in results if not r["described"]]
    problems = []
    if len(results) < 3:
        problems.append(f"'forget gate' found only {results}")
    missing = [r["title"] for r in pages if not r["snippet"]]
    if missing:
        problems.append(f"{len(missing)} of {len(pages)} results without a snippet: {missing}")
    off_topic = [r for r in pages if r["snippet"] and not re.search("forget|gate", r["snippet"],
                                                                    re.I)]
    if off_topic:
        problems.append(f"snippets without the query: {off_topic}")
    if page.console_errors:
        problems.append(f"{len(page.console_errors)} console errors: {page.console_errors[:3]}")
    if page.blocked_requests:
        problems.append(f"requests leaving the machine: {page.blocked_requests}")
    assert problems == [], problems


MARK_CJK = """re => {
  const cjk = new RegExp(re, 'u');
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
    const r = el.getBoundingClientRect();
    if (!cjk.test(own) || r.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    el.setAttribute('data-reader-cjk', found.length);
    found.push([...own].filter(c => cjk.test(c)).length);
  }
  return found;
}"""


@pytest.mark.browser
def test_chinese_text_is_drawn_with_the_shipped_font(book_html, offline_page):
    page = offline_page
    open_read(page, book_html / "chapters" / "glossary.html")
    faces = page.evaluate(
        "() => [...document.fonts].map(f => [f.family.replace(/[\"']/g, ''), f.status])")
    counts = page.evaluate(MARK_CJK, CJK.pattern)
    assert len(counts) >= 50, f"only {len(counts)} elements with Chinese text on the glossary"
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-reader-cjk]"})
    not_shipped = []
    for node in nodes["nodeIds"]:
        attributes = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
        k = int(attributes[attributes.index("data-reader-cjk") + 1])   # [name, value, ...]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        web = sum(f["glyphCount"] for f in fonts if f["isCustomFont"])
        if web < counts[k]:
            not_shipped.append((k, counts[k], [(f["familyName"], f["glyphCount"]) for f in fonts]))
    problems = []
    if [CJK_FAMILY, "loaded"] not in faces:
        problems.append(f"the shipped CJK font is not in use: {faces}")
    if not_shipped:
        problems.append(
            f"{len(not_shipped)} of {len(counts)} elements draw Chinese with a system font "
            f"(element, CJK characters, fonts used): {not_shipped[:5]}")
    if page.console_errors:
        problems.append(f"console errors: {page.console_errors}")
    assert problems == [], problems


def book_cjk_characters():
    """Every CJK character in what the book is made from: its pages and notebooks, the table
    of contents and config, and the package whose outputs the pages show."""
    sources = [ROOT / "intro.md", ROOT / "_toc.yml", ROOT / "_config.yml",
               ROOT / "references.bib"]
    sources += sorted((ROOT / "chapters").rglob("*"))
    sources += sorted((ROOT / "lstm_edu").rglob("*"))
    chars = set()
    for path in sources:
        if not path.is_file() or path.suffix in {".woff2", ".pyc", ".png", ".npz", ".gz"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        chars |= set(CJK.findall(text))
    return chars


def test_shipped_font_covers_every_cjk_character_of_the_book():
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            raise
        pytest.skip("fontTools is not installed (pip install -r requirements-dev.txt)")
    chars = book_cjk_characters()
    assert len(chars) >= 100, "the glossary alone has more than 100 distinct Chinese characters"
    cmap = TTFont(CJK_FONT).getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in cmap)
    assert missing == [], (
        f"{len(missing)} characters of the book are not in {CJK_FONT.name}: {''.join(missing)}"
        " (regenerate it: python -m lstm_edu.book.make_font)")
    licence = CJK_FONT.with_name("OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE VERSION 1.1" in licence.upper()


@pytest.mark.browser
def test_the_book_has_one_colour_mode(book_html, new_offline_page):
    page = new_offline_page(color_scheme="dark",
                            init_script="localStorage.setItem('mode', 'dark');"
                                        "localStorage.setItem('theme', 'dark');")
    for name in ("intro.html", "chapters/02_memory_cell.html"):
        open_read(page, book_html / name)
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        assert theme == "light", f"{name}: the page is in {theme} mode"
        switches = page.locator(".theme-switch-button")
        shown = [switches.nth(i).is_visible() for i in range(switches.count())]
        assert not any(shown), f"{name}: a colour-mode switch is offered"
    assert page.console_errors == [], page.console_errors
