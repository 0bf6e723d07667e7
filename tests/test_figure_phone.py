"""Figures on a 390 px phone, checked on the figures' data (no browser).

The same figures as ``test_figure_contrast.py`` (every factory of ``lstm_edu.viz`` and the
``lstm_edu.viz.plots`` figures; not the projector variants, which are for classroom screens).
What a phone breaks, and what is checked here:

- titles printed over each other: subplot titles side by side must fit between their
  centres at 390 px, and every title line be short enough for the screen, with a top margin
  that holds its lines (also the titles animation frames set);
- a legend over the curves: a legend with entries lies outside the plotting area;
- squashed sliders: a slider spans the figure's width on a row of its own, below its
  Play/Pause buttons, and has few enough steps to label;
- cut-off axis titles: a vertical axis title fits beside its axis;
- fixed widths: no figure sets ``width`` (the book's figures follow the screen);
- plotly's mode bar over the titles: the book's plotly config hides it.
"""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import pytest
from test_figure_contrast import all_figures, figure_names

from lstm_edu.book.render import PLOTLY_CONFIG, figure_html

PHONE = 390                 # px, the screen's width
CHARS_PER_LINE = 40         # what 18 px Helvetica fits on it, with the margins
MAX_STEPS = 20              # slider steps a phone can still tell apart
BUTTON_ROW = 34             # px, the height of a row of plotly buttons
CHAR_PX = 0.55              # average width of a character, in font sizes

#: The book's figures; the projector variants are for classroom screens (their own tests).
NAMES = [n for n in figure_names() if not n.endswith("[projector]")]


@pytest.fixture(scope="module")
def figures():
    return all_figures()


def visible(text) -> str:
    return re.sub(r"<[^>]+>", "", str(text or ""))


def lines(text) -> list[str]:
    return [visible(t) for t in re.split(r"<br\s*/?>", str(text or ""))]


def resolved(fig: go.Figure, *path):
    """``fig.layout.<path>``, else the template's value."""
    value = fig.layout
    for p in path:
        value = getattr(value, p, None)
    if value is None:
        value = fig.layout.template.layout
        for p in path:
            value = getattr(value, p, None)
    return value


def plot_height(fig: go.Figure) -> float:
    m = fig.layout.margin
    tm = fig.layout.template.layout.margin
    t = m.t if m.t is not None else (tm.t or 80)
    b = m.b if m.b is not None else (tm.b or 80)
    return (fig.layout.height or 450) - t - b


@pytest.mark.parametrize("name", NAMES)
def test_titles_fit_a_phone(figures, name):
    fig = figures[name]
    size = resolved(fig, "title", "font", "size") or 17
    titles = [fig.layout.title.text] + [fr.layout.title.text for fr in fig.frames or ()
                                        if fr.layout is not None and fr.layout.title.text]
    most = 0
    for text in filter(None, titles):
        for line in lines(text):
            assert len(line) <= CHARS_PER_LINE, f"{name}: title line too long: {line!r}"
        most = max(most, len(lines(text)))
    top = fig.layout.margin.t
    assert top is not None and top >= most * size * 1.2, (name, top, most)


def plot_width(fig: go.Figure, screen: int = PHONE) -> float:
    m = fig.layout.margin
    tm = fig.layout.template.layout.margin
    left = m.l if m.l is not None else (tm.l or 80)
    right = m.r if m.r is not None else (tm.r or 80)
    return screen - left - right


@pytest.mark.parametrize("name", NAMES)
def test_subplot_titles_side_by_side_do_not_overlap(figures, name):
    """Subplot titles at the same height, at 390 px: each pair fits between their centres."""
    fig = figures[name]
    font = resolved(fig, "font", "size") or 12
    heads = [a for a in fig.layout.annotations or ()
             if a.yref == "paper" and a.yanchor == "bottom" and a.text and a.xref == "paper"]
    width = plot_width(fig)
    rows: dict[float, list] = {}
    for a in heads:
        rows.setdefault(round(a.y, 3), []).append(a)
    for y, row in rows.items():
        row.sort(key=lambda a: a.x)
        for a, b in zip(row, row[1:], strict=False):
            wa, wb = (len(visible(t.text)) * CHAR_PX * ((t.font.size if t.font else None) or font)
                      for t in (a, b))
            room = (b.x - a.x) * width
            assert wa / 2 + wb / 2 <= room, \
                f"{name}: titles {a.text!r} and {b.text!r} at y = {y} overlap on a phone " \
                f"({wa / 2 + wb / 2:.0f} px of text, {room:.0f} px between their centres)"


def _legend_entries(fig: go.Figure) -> int:
    """Traces the legend lists (plotly lists lines and bars by default, heatmaps only when
    asked)."""
    if fig.layout.showlegend is False:
        return 0
    return sum(1 for t in fig.data if t.name and (t.showlegend is True or (
        t.showlegend is None and t.type in ("scatter", "scattergl", "bar"))))


@pytest.mark.parametrize("name", NAMES)
def test_legend_lies_outside_the_plot(figures, name):
    fig = figures[name]
    if _legend_entries(fig) == 0:
        return
    yref, y = resolved(fig, "legend", "yref") or "paper", resolved(fig, "legend", "y")
    x, xanchor = resolved(fig, "legend", "x"), resolved(fig, "legend", "xanchor")
    yanchor = resolved(fig, "legend", "yanchor")
    below = (yref == "container" and y is not None and y <= 0.05 and yanchor == "bottom") or \
            (yref == "paper" and y is not None and y < 0 and yanchor == "top")
    above = yref == "paper" and y is not None and y > 1 and yanchor == "bottom"
    horizontal = resolved(fig, "legend", "orientation") == "h"
    if x is None and not horizontal:          # plotly's default: x = 1.02, anchored left
        x, xanchor = 1.02, xanchor or "left"
    right = x is not None and x > 1 and xanchor in ("left", "auto", None)
    assert below or above or right, f"{name}: legend at x={x}, y={y} ({yref}) covers the plot"
    if below and yref == "container":       # then the bottom margin holds whatever is above it
        assert fig.layout.margin.b is None or fig.layout.margin.b >= 40


@pytest.mark.parametrize("name", NAMES)
def test_sliders_fill_a_row_of_their_own(figures, name):
    fig = figures[name]
    menus = list(fig.layout.updatemenus or ())
    for sl in fig.layout.sliders or ():
        n = len(sl.steps)
        assert n <= MAX_STEPS, f"{name}: {n} slider steps cannot be labelled on a phone"
        assert (sl.len or 1) >= 0.9 and (sl.x or 0) <= 0.05, \
            f"{name}: slider squashed to {sl.len} of the width from x = {sl.x}"
        rail = PHONE * (sl.len or 1) / max(n - 1, 1)
        longest = max(len(visible(s.label)) for s in sl.steps)
        assert rail >= 14 or longest <= 2, f"{name}: {rail:.0f} px per step"
        for um in menus:              # buttons on the slider's row must sit above its rail
            if um.y == sl.y:
                assert (sl.pad.t or 0) >= (um.pad.t or 0) + BUTTON_ROW, (name, sl.pad, um.pad)


@pytest.mark.parametrize("name", NAMES)
def test_vertical_axis_titles_fit_beside_their_axis(figures, name):
    fig = figures[name]
    h = plot_height(fig)
    font = resolved(fig, "font", "size") or 12
    for key in fig.layout:
        if not re.fullmatch(r"yaxis\d*", key):
            continue
        axis = fig.layout[key]
        if not axis.title.text or axis.visible is False:
            continue
        lo, hi = axis.domain or (0, 1)
        room = h * (hi - lo)
        need = len(visible(axis.title.text)) * CHAR_PX * (axis.title.font.size or font)
        assert need <= room, f"{name}: {key} title {axis.title.text!r} ({need:.0f} px) " \
                             f"longer than its axis ({room:.0f} px)"


@pytest.mark.parametrize("name", NAMES)
def test_no_fixed_width(figures, name):
    assert figures[name].layout.width is None


def test_the_mode_bar_is_hidden_so_it_covers_no_title():
    assert PLOTLY_CONFIG["displayModeBar"] is False
    html = figure_html(json.loads(go.Figure(go.Scatter(y=[1, 2])).to_json()))
    assert '"displayModeBar": false' in html


def test_the_checks_catch_a_phone_breaking_figure():
    """Side-by-side titles, a legend inside the plot and a squashed slider are all caught."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, column_widths=[0.68, 0.32], horizontal_spacing=0.12,
                        subplot_titles=("gate opening σ(z) and its slope",
                                        "what passes the valve"))
    fig.add_scatter(y=[1, 2], name="a", row=1, col=1)
    fig.update_layout(legend=dict(x=0.01, y=0.99, yref="paper", yanchor="top"),
                      sliders=[dict(x=0.32, len=0.68, steps=[dict(label=str(k)) for k in
                                                             range(30)])])
    figs = {"bad": fig}
    for test in (test_subplot_titles_side_by_side_do_not_overlap,
                 test_legend_lies_outside_the_plot,
                 test_sliders_fill_a_row_of_their_own):
        with pytest.raises(AssertionError):
            test(figs, "bad")
