"""The chapters' own figure modules (``lstm_edu.viz.chapter_*``): their data are right, and they
look like the book's other figures.

Expected numbers come from the closed-form parameter counts of each cell (written out here,
not taken from the module) and from the definition of an attention layer's key-value cache.
Colours are checked against WCAG 2.1's contrast formula, implemented here from its definition.
"""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_edu.viz import chapter_variants as cv
from lstm_edu.viz import theme


def closed_form(cell: str, I: int, H: int) -> int:
    """One layer's parameters with PyTorch's two biases per block."""
    blocks = {"LSTM": 4, "peephole LSTM": 4, "CIFG LSTM": 3, "GRU": 3, "RNN": 1}[cell]
    extra = 3 * H if cell == "peephole LSTM" else 0          # diagonal p_i, p_f, p_o
    return blocks * (I * H + H * H + 2 * H) + extra


def luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour ``#rrggbb``."""
    rgb = [int(hex_colour[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str = "#FFFFFF") -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula_on_known_pairs():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#FFFFFF") == pytest.approx(1.0)
    assert contrast("#777777") == pytest.approx(4.48, abs=0.01)   # the usual 4.5:1 boundary


@pytest.mark.parametrize("I", [1, 10, 37])
def test_param_counts_are_the_layer_formulas(I):
    sizes = (4, 16, 100)
    counts = cv.param_counts(I, sizes)
    assert set(counts) == set(cv.CELLS)
    for cell in cv.CELLS:
        assert counts[cell] == [closed_form(cell, I, H) for H in sizes], cell


def test_param_share_figure_holds_the_shares():
    sizes = (4, 8, 64, 512)
    fig = cv.param_share_figure(input_size=10, sizes=sizes)
    by_name = {tr.name: tr for tr in fig.data}
    assert list(by_name) == list(cv.CELLS)
    for cell, tr in by_name.items():
        assert list(tr.x) == list(sizes)
        expected = [closed_form(cell, 10, H) / closed_form("LSTM", 10, H) for H in sizes]
        np.testing.assert_allclose(tr.y, expected, rtol=1e-12)
        assert list(tr.customdata) == [closed_form(cell, 10, H) for H in sizes]
    # CIFG drops one of four blocks: exactly 3/4 of the layer, whatever I and H; so does the GRU.
    np.testing.assert_allclose(by_name["CIFG LSTM"].y, 0.75, rtol=1e-12)
    np.testing.assert_allclose(by_name["GRU"].y, 0.75, rtol=1e-12)
    np.testing.assert_allclose(by_name["RNN"].y, 0.25, rtol=1e-12)
    peep = np.asarray(by_name["peephole LSTM"].y)
    assert np.all(peep > 1) and np.all(np.diff(peep) < 0)      # 3H extra, ever less of the whole


def test_state_figure_holds_the_carried_numbers():
    lengths = (1, 10, 1000)
    fig = cv.state_figure(hidden_size=64, lengths=lengths)
    ys = {tr.name.split(":")[0]: list(tr.y) for tr in fig.data}
    assert ys["LSTM"] == [2 * 64] * 3                   # h_t and c_t
    assert ys["GRU"] == [64] * 3                        # h_t
    assert ys["attention layer"] == [2 * 64 * t for t in lengths]   # a key and a value per step
    assert all(list(tr.x) == list(lengths) for tr in fig.data)


FIGURES = [cv.param_share_figure, cv.state_figure]


@pytest.mark.parametrize("factory", FIGURES, ids=lambda f: f.__name__)
def test_figures_look_like_the_book(factory):
    for projector in (False, True):
        fig = factory(projector=projector)
        assert isinstance(fig, go.Figure)
        assert fig.layout.title.text and len(theme.description(fig)) > 80
        expected = "lstm_edu_projector" if projector else "lstm_edu"
        assert fig.layout.template == go.Figure(layout=dict(template=expected)).layout.template
        json.loads(fig.to_json())
        assert len(fig.to_json()) < 200_000
    assert fig.layout.template.layout.font.size >= 20               # projector: large text
    for tr in factory().data:                                        # lines and marks >= 3:1
        assert contrast(tr.line.color) >= 3.0, (tr.name, tr.line.color)
    layout = factory().layout
    assert layout.legend.y < 0 and layout.legend.yanchor == "top"   # below the plot: no data hidden
    for axis in (layout.xaxis, layout.yaxis):
        assert axis.ticktext, "every tick labelled explicitly"
        assert not any(ch in "".join(axis.ticktext) for ch in "kMGTµnp")   # no SI prefixes


def test_state_figure_ticks_cover_the_data():
    fig = cv.state_figure(hidden_size=128)
    top = max(max(tr.y) for tr in fig.data)
    assert max(fig.layout.yaxis.tickvals) >= top
    assert list(fig.layout.xaxis.tickvals) == list(cv.LENGTHS)


@pytest.mark.parametrize("call, name", [
    (lambda: cv.param_counts(0), "input_size"),
    (lambda: cv.param_counts(10, ()), "sizes"),
    (lambda: cv.param_counts(10, (8, 4)), "sizes"),
    (lambda: cv.param_counts(10, (4.5,)), "sizes"),
    (lambda: cv.param_share_figure(sizes=[True]), "sizes"),
    (lambda: cv.carried_state(-3), "hidden_size"),
    (lambda: cv.carried_state(8, (0, 10)), "lengths"),
    (lambda: cv.state_figure(lengths=None), "lengths"),
])
def test_bad_arguments_are_named(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()
