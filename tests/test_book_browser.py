"""The built book, opened from disk in headless Chromium with the network cut off.

On every page: every plotly figure is drawn, MathJax typesets the page's math, the console is
clean, and no request leaves the machine.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FIGURE_WAIT_MS = 20_000
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "cdn.plot.ly", "mathjax@")
DRAWN = "figure.lstm-edu-figure .js-plotly-plot .main-svg"


def book_pages(html):
    pages = sorted(
        p for p in html.rglob("*.html") if not {"_static", "_sources"} & set(p.parts)
    )
    assert pages, f"no HTML pages under {html}"
    return pages


def test_book_has_the_expected_pages(book_html):
    names = {p.relative_to(book_html).as_posix() for p in book_pages(book_html)}
    assert "intro.html" in names
    assert "chapters/01_rnn_limits.html" in names
    assert (book_html / "_static" / "plotly.min.js").is_file()
    assert (book_html / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_no_page_references_a_cdn(book_html):
    for page in book_pages(book_html):
        text = page.read_text(encoding="utf-8")
        for host in CDN_HOSTS:
            assert host not in text, f"{page.name} loads from {host}"


def test_every_page_draws_offline_with_a_clean_console(book_html, offline_page):
    page = offline_page
    drawn_total = 0
    for path in book_pages(book_html):
        page.console_errors.clear()
        page.goto(path.as_uri(), wait_until="load")
        n_figures = page.locator("figure.lstm-edu-figure").count()
        if n_figures:
            page.wait_for_function(
                f"n => document.querySelectorAll('{DRAWN}').length >= n",
                arg=n_figures,
                timeout=FIGURE_WAIT_MS,
            )
            drawn = page.locator("figure.lstm-edu-figure .js-plotly-plot").count()
            assert drawn == n_figures, f"{path.name}: {drawn} of {n_figures} figures drawn"
            drawn_total += drawn
        if page.locator(".math").count():
            page.wait_for_selector("mjx-container", timeout=FIGURE_WAIT_MS)
        page.wait_for_timeout(200)
        assert page.console_errors == [], f"{path.name}: console errors {page.console_errors}"
    assert page.blocked_requests == [], f"requests leaving the machine: {page.blocked_requests}"
    assert drawn_total >= 1


FIGURE_DATA = (
    "id => JSON.stringify(document.getElementById(id).data.map(t => [t.x, t.y, t.z, t.text]))"
)


def test_figure_controls_work_from_the_keyboard(book_html, offline_page):
    """plotly's SVG controls have native twins: reachable by Tab, shown on focus, working."""
    page = offline_page
    page.goto((book_html / "chapters" / "gallery.html").as_uri(), wait_until="load")
    page.wait_for_selector(DRAWN, timeout=FIGURE_WAIT_MS)
    bars = page.locator(".lstm-edu-keys")
    n_controlled = page.evaluate(
        "() => [...document.querySelectorAll('figure.lstm-edu-figure .js-plotly-plot')]"
        ".filter(gd => (gd.layout.sliders || []).length).length"
    )
    assert n_controlled >= 5 and bars.count() == n_controlled
    slider = bars.first.locator("input[type=range]").first
    assert bars.first.bounding_box()["width"] <= 1  # hidden until it takes focus
    figure_id = bars.first.evaluate("bar => bar.previousElementSibling.id")
    before = page.evaluate(FIGURE_DATA, figure_id)
    slider.focus()
    assert bars.first.bounding_box()["width"] > 100  # shown while focused
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"([id, b]) => ({FIGURE_DATA})(id) !== b", arg=[figure_id, before])
    assert slider.get_attribute("aria-valuetext")
    active = "id => document.getElementById(id).layout.sliders[0].active"
    assert page.evaluate(active, figure_id) == 2
    # The Play twin is a real button: Enter starts the animation, frames advance.
    play = bars.first.locator("button", has_text="Play")
    before = page.evaluate(FIGURE_DATA, figure_id)
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"([id, b]) => ({FIGURE_DATA})(id) !== b", arg=[figure_id, before])
    assert page.console_errors == []
    assert page.blocked_requests == []


SIDEBARS = """() => [document.getElementById('pst-primary-sidebar-modal').open,
    document.getElementById('pst-secondary-sidebar-modal').open,
    document.getElementById('pst-primary-sidebar').classList.contains('pst-sidebar-hidden'),
    document.querySelector('.bd-article-container').getBoundingClientRect().width]"""


@pytest.mark.parametrize("width,height", [(390, 844), (900, 700), (1280, 720)])
def test_the_visible_sidebar_buttons_work(book_html, new_offline_page, width, height):
    """The theme binds its sidebar handlers to the first of two buttons, a hidden one; the
    visible one was dead at every width (phones could not open the navigation)."""
    page = new_offline_page(viewport={"width": width, "height": height})
    page.goto((book_html / "chapters" / "05_training.html").as_uri(), wait_until="load")
    primary = page.locator(".primary-toggle:visible")
    assert primary.count() == 1
    before = page.evaluate(SIDEBARS)
    primary.click()
    if width >= 992:          # a wide screen hides the sidebar and the article widens
        page.wait_for_function(f"() => ({SIDEBARS})()[2]")
        assert page.evaluate(SIDEBARS)[3] > before[3] + 100
    else:                     # a narrow one opens the navigation as a drawer
        page.wait_for_function(f"() => ({SIDEBARS})()[0]")
        page.keyboard.press("Escape")
        page.wait_for_function(f"() => !({SIDEBARS})()[0]")
        page.locator(".secondary-toggle:visible").click()
        page.wait_for_function(f"() => ({SIDEBARS})()[1]")
    assert page.console_errors == [] and page.blocked_requests == []
