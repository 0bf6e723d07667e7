"""Accessibility of the built book: axe-core on every page, text alternatives for figures.

axe-core (shipped as ``axe.min.js`` inside the ``axe-playwright-python`` wheel, so it runs
offline) checks every page of the built book, opened from disk in Chromium with the network
cut off, after its figures and math are drawn: no ``serious`` or ``critical`` violation.
Every figure has a text alternative (an ``aria-label`` and a visually hidden caption), and
the page's own navigation is reachable with the Tab key.

Keyboard operation of the figures' own controls (plotly draws them in SVG; the renderer adds
native twins) is tested in ``test_book_browser.py::test_figure_controls_work_from_the_keyboard``.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
DRAW_WAIT_MS = 20_000


def book_pages(html):
    """Every content page (``index.html`` is only a redirect to the first page)."""
    pages = sorted(p for p in html.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts
                   and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")[:2000]
                   and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:2000])
    assert pages, f"no HTML pages under {html}"
    return pages


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def open_drawn(page, path) -> None:
    page.goto(path.as_uri(), wait_until="load")
    n = page.locator("figure.lstm-edu-figure").count()
    if n:
        page.wait_for_function(
            "n => document.querySelectorAll('figure.lstm-edu-figure .main-svg').length >= n",
            arg=n, timeout=DRAW_WAIT_MS)
    if page.locator(".math").count():
        page.wait_for_selector("mjx-container", timeout=DRAW_WAIT_MS)


def test_every_page_has_no_serious_or_critical_axe_violation(book_html, offline_page, axe):
    page = offline_page
    report, failures = {}, {}
    for path in book_pages(book_html):
        open_drawn(page, path)
        violations = axe.run(page).response["violations"]
        name = path.relative_to(book_html).as_posix()
        report[name] = {v["id"]: v["impact"] for v in violations}
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
               for v in violations if v["impact"] in BLOCKING]
        if bad:
            failures[name] = bad
    print("axe violations per page (id: impact):", report)
    assert failures == {}, f"serious/critical axe-core violations: {failures}"
    assert page.blocked_requests == [], f"requests leaving the machine: {page.blocked_requests}"


def test_every_figure_has_a_text_alternative(book_html, offline_page):
    page = offline_page
    figures = 0
    for path in book_pages(book_html):
        page.goto(path.as_uri(), wait_until="load")
        for fig in page.locator("figure.lstm-edu-figure").all():
            label = (fig.get_attribute("aria-label") or "").strip()
            caption = fig.locator("figcaption").inner_text().strip()
            assert len(label) >= 20, f"{path.name}: figure without a real description: {label!r}"
            assert caption == label, f"{path.name}: caption and aria-label differ"
            # The caption is visually hidden, yet read out by screen readers.
            box = fig.locator("figcaption").bounding_box()
            assert box is not None and box["width"] <= 1 and box["height"] <= 1
            figures += 1
    assert figures >= 1, "the book has no figure to check"


def test_navigation_is_reachable_by_keyboard(book_html, offline_page):
    page = offline_page
    page.goto((book_html / "intro.html").as_uri(), wait_until="load")
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(
            "() => { const a = document.activeElement;"
            " return a ? (a.getAttribute('href') || a.tagName + '.' + a.className) : ''; }"))
    hrefs = {r for r in reached if r.endswith(".html") or ".html#" in r}
    assert any("01_rnn_limits.html" in h for h in hrefs), f"chapter link not reached: {reached}"
    assert page.evaluate("() => document.documentElement.lang") == "en"
