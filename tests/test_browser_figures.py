"""Every page of the BUILT book with figures, in headless Chromium, offline: every slider of
every figure, clicked, changes what is drawn; Play advances the frames and Pause stops them;
the console stays clean and no request leaves the machine; no page shows a live widget, which
could not work without a kernel. (Fixtures ``book_html`` and ``offline_page``: conftest.py.)
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

GALLERY = "chapters/gallery.html"
WAIT_MS = 20_000

# What plotly has drawn for figure k: plot area (traces, heatmap images, text), title.
DRAWN = """([k]) => {
  const gd = document.querySelectorAll('figure.lstm-edu-figure .js-plotly-plot')[k];
  const area = gd.querySelector('.cartesianlayer');
  const title = gd.querySelector('.gtitle');
  return (area ? area.innerHTML : '') + '|' + (title ? title.textContent : '');
}"""
ACTIVE = """([k, s]) => document.querySelectorAll('figure.lstm-edu-figure .js-plotly-plot')[k]
  ._fullLayout.sliders[s].active"""
N_STEPS = """([k, s]) => document.querySelectorAll('figure.lstm-edu-figure .js-plotly-plot')[k]
  ._fullLayout.sliders[s].steps.length"""


def figure_pages(book_html):
    """The built pages that hold at least one figure; the gallery among them."""
    pages = [p for p in sorted(book_html.rglob("*.html"))
             if "_static" not in p.parts and 'class="lstm-edu-figure"' in p.read_text("utf-8")]
    assert book_html / GALLERY in pages, f"{GALLERY} is missing from the built book"
    return pages


def open_figures(path, page):
    page.goto(path.as_uri(), wait_until="load")
    n = page.locator("figure.lstm-edu-figure").count()
    page.wait_for_function(
        "n => document.querySelectorAll('figure.lstm-edu-figure .js-plotly-plot .main-svg')"
        ".length >= n", arg=n, timeout=WAIT_MS)
    return page.locator("figure.lstm-edu-figure .js-plotly-plot")


def test_gallery_shows_every_visual(book_html, offline_page):
    n = open_figures(book_html / GALLERY, offline_page).count()
    assert n >= 7, f"gallery shows {n} figures, expected the 7 visuals"


def test_every_slider_click_changes_the_drawing(book_html, offline_page):
    page = offline_page
    n_sliders = 0
    for path in figure_pages(book_html):
        clicked = click_every_slider(path, page)
        in_layouts = page.evaluate(
            "() => [...document.querySelectorAll('figure.lstm-edu-figure .js-plotly-plot')]"
            ".reduce((n, gd) => n + (gd._fullLayout.sliders || []).length, 0)")
        assert clicked == in_layouts, f"{path.name}: {clicked} of {in_layouts} sliders tried"
        n_sliders += clicked
    assert n_sliders >= 8          # the gallery alone: 5 animations + 3 gradient-flow sliders
    assert page.console_errors == [], page.console_errors
    assert page.blocked_requests == [], page.blocked_requests


def click_every_slider(path, page):
    """Click each slider of each figure on the page to its far end; return how many."""
    plots = open_figures(path, page)
    n_sliders = 0
    for k in range(plots.count()):
        plot = plots.nth(k)
        plot.scroll_into_view_if_needed()
        rails = plot.locator("rect.slider-rail-touch-rect")
        for s in range(rails.count()):
            n_sliders += 1
            before, active = page.evaluate(DRAWN, [k]), page.evaluate(ACTIVE, [k, s])
            steps = page.evaluate(N_STEPS, [k, s])
            box = rails.nth(s).bounding_box()
            frac = 0.97 if active < steps / 2 else 0.03      # go to the far end
            page.mouse.click(box["x"] + frac * box["width"], box["y"] + box["height"] / 2)
            page.wait_for_timeout(900)
            after = page.evaluate(ACTIVE, [k, s])
            where = f"{path.name} figure {k} slider {s}"
            assert after != active, f"{where}: click did not move it"
            assert page.evaluate(DRAWN, [k]) != before, (
                f"{where}: moved to step {after} but the drawing did not change")
    return n_sliders


def test_play_advances_frames(book_html, offline_page):
    """Press Play on every animation of the gallery and let it run to its end (the longest
    has 8 frames of 0.9 s): each ends on another step with another drawing."""
    page = offline_page
    plots = open_figures(book_html / GALLERY, page)
    started = []
    for k in range(plots.count()):
        plot = plots.nth(k)
        play = plot.locator(".updatemenu-button", has_text="Play")
        if not play.count():
            continue
        plot.scroll_into_view_if_needed()
        started.append((k, page.evaluate(DRAWN, [k]), page.evaluate(ACTIVE, [k, 0])))
        play.first.click()
    assert len(started) >= 5
    page.wait_for_timeout(9000)
    for k, before, active in started:
        assert page.evaluate(ACTIVE, [k, 0]) != active, f"figure {k}: Play left the slider"
        assert page.evaluate(DRAWN, [k]) != before, f"figure {k}: Play drew nothing new"
    assert page.console_errors == [], page.console_errors
    assert page.blocked_requests == [], page.blocked_requests


def test_pause_stops_an_animation_with_a_clean_console(book_html, offline_page):
    """Pause mid-run: plotly.js rejects the interrupted animation's promise with `undefined`,
    which lstm_edu.book.render marks handled; the slider then stays where Pause left it."""
    page = offline_page
    plots = open_figures(book_html / GALLERY, page)
    k = next(k for k in range(plots.count())
             if plots.nth(k).locator(".updatemenu-button", has_text="Play").count())
    plot = plots.nth(k)
    plot.scroll_into_view_if_needed()
    plot.locator(".updatemenu-button", has_text="Play").first.click()
    page.wait_for_timeout(1300)
    plot.locator(".updatemenu-button", has_text="Pause").first.click()
    page.wait_for_timeout(300)
    paused_at = page.evaluate(ACTIVE, [k, 0])
    page.wait_for_timeout(2000)
    assert page.evaluate(ACTIVE, [k, 0]) == paused_at, "the animation went on after Pause"
    assert page.console_errors == [], page.console_errors


def test_no_page_has_a_dead_widget(book_html):
    """Live widget cells are removed from every page: no widget view, state or manager."""
    for path in book_html.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-view+json" not in html, path.name
        assert "application/vnd.jupyter.widget-state+json" not in html, path.name
        assert "html-manager" not in html and "embed-amd" not in html, path.name
