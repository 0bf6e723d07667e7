"""lstm_edu.book.render and lstm_edu.book.sphinxext as data: what a figure's output holds."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

import lstm_edu  # noqa: F401 - registers the renderer
from lstm_edu import viz
from lstm_edu.book import render
from lstm_edu.book.sphinxext import PlotlyJsonInBook


def line_figure():
    fig = go.Figure()
    fig.add_scatter(x=[0, 1, 2], y=[3.0, 1.0, 2.0], name="loss")
    fig.update_layout(title="A small figure", xaxis_title="step", yaxis_title="MSE")
    return fig


def test_importing_lstm_edu_makes_its_renderer_the_default():
    assert pio.renderers.default == render.RENDERER_NAME
    assert isinstance(pio.renderers[render.RENDERER_NAME], render.BookRenderer)


def test_bundle_has_live_json_and_an_offline_div_without_plotly_js_mathjax_or_cdn():
    bundle = render.BookRenderer().to_mimebundle(line_figure().to_plotly_json())
    assert set(bundle) == {render.PLOTLY_MIME, "text/html"}
    assert bundle[render.PLOTLY_MIME]["data"][0]["y"] == [3.0, 1.0, 2.0]
    html = bundle["text/html"]
    assert html.startswith('<figure class="lstm-edu-figure"')
    assert "Plotly.newPlot" in html
    assert "<script src" not in html and "cdn" not in html.lower()
    assert "MathJax" not in html
    assert len(html) < 20_000            # the 4.8 MB plotly.js is not inlined


def test_div_ids_are_derived_from_the_figure_and_repeat_across_runs():
    one = render.BookRenderer().to_mimebundle(line_figure().to_plotly_json())["text/html"]
    two = render.BookRenderer().to_mimebundle(line_figure().to_plotly_json())["text/html"]
    assert one == two                    # a re-run of a notebook gives identical output
    other = line_figure().update_layout(title="Another")
    assert render.BookRenderer().to_mimebundle(other.to_plotly_json())["text/html"] != one


def test_the_same_figure_twice_on_a_page_gets_two_ids():
    renderer = render.BookRenderer()
    fig = line_figure().to_plotly_json()
    first = renderer.to_mimebundle(fig)["text/html"]
    second = renderer.to_mimebundle(fig)["text/html"]
    id1 = render.figure_id(pio.to_json(fig, validate=False, remove_uids=True, pretty=False))
    assert f'id="{id1}"' in first and f'id="{id1}-2"' in second


def test_description_prefers_the_authors_then_composes_one():
    fig = line_figure()
    composed = render.figure_description(fig.to_plotly_json())
    assert composed == "A small figure. Chart with lines: loss. x axis: step. y axis: MSE"
    fig.update_layout(meta={"description": "The loss falls, then rises."})
    assert render.figure_description(fig.to_plotly_json()) == "The loss falls, then rises."
    html = render.figure_html(fig.to_plotly_json())
    assert 'aria-label="The loss falls, then rises."' in html
    assert '<figcaption class="lstm-edu-sr-only">The loss falls, then rises.</figcaption>' in html


def test_only_figures_with_controls_carry_the_keyboard_twins():
    plain = render.figure_html(line_figure().to_plotly_json())
    animated = render.figure_html(viz.sigmoid_valve().to_plotly_json())
    assert "lstmEduKeys" not in plain
    assert animated.count("window.lstmEduKeys = function") == 1
    assert "lstmEduKeys('lstm-edu-fig-" in animated
    assert "Plotly.animate(" not in animated     # no auto-play: the reader presses Play


def test_myst_nb_plugin_drops_only_the_plotly_json():
    class Data:
        def __init__(self, mime):
            self.mime_type = mime

    assert PlotlyJsonInBook.handle_mime(None, Data(render.PLOTLY_MIME), False) == []
    assert PlotlyJsonInBook.handle_mime(None, Data("text/html"), False) is None
    assert ("*", render.PLOTLY_MIME, None) in PlotlyJsonInBook.mime_priority_overrides
