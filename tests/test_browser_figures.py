"""The gallery page of the BUILT book in headless Chromium, offline: every slider of every
figure, clicked, changes what is drawn; Play advances the frames; the console stays clean and no
request leaves the machine. (Fixtures ``book_html`` and ``offline_page``: tests/conftest.py.)
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


def open_gallery(book_html, page):
    path = book_html / GALLERY
    assert path.is_file(), (
        f"{GALLERY} is not in the built book: add `- file: chapters/gallery` to _toc.yml")
    page.goto(path.as_uri(), wait_until="load")
    n = page.locator("figure.lstm-edu-figure").count()
    assert n >= 7, f"gallery shows {n} figures, expected the 7 visuals"
    page.wait_for_function(
        "n => document.querySelectorAll('figure.lstm-edu-figure .js-plotly-plot .main-svg')"
        ".length >= n", arg=n, timeout=WAIT_MS)
    return page.locator("figure.lstm-edu-figure .js-plotly-plot")


def test_every_slider_click_changes_the_drawing(book_html, offline_page):
    page = offline_page
    plots = open_gallery(book_html, page)
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
            assert after != active, f"figure {k} slider {s}: click did not move it"
            assert page.evaluate(DRAWN, [k]) != before, (
                f"figure {k} slider {s}: moved to step {after} but the drawing did not change")
    assert n_sliders >= 8          # 5 animations + 3 gradient-flow sliders
    assert page.console_errors == [], page.console_errors
    assert page.blocked_requests == [], page.blocked_requests


def test_play_advances_frames(book_html, offline_page):
    """Press Play on every animation and let it run to its end (the longest has 8 frames
    of 0.9 s): each ends on another step with another drawing. (Pressing Pause mid-run makes
    plotly.js reject the interrupted animation's promise: an "Uncaught (in promise)" the page
    must swallow; that belongs to the page script, see lstm_edu.render / sphinxext.)"""
    page = offline_page
    plots = open_gallery(book_html, page)
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


def test_gallery_has_no_dead_widgets(book_html):
    """Live widget cells are removed from the page: no widget view, no widget manager."""
    html = (book_html / GALLERY).read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-view+json" not in html
    assert "html-manager" not in html and "embed-amd" not in html
    assert html.count('class="lstm-edu-figure"') >= 7
