"""lstm_edu.viz.seq2seq_figures: the chapter's figures checked as data (no browser).

Each figure is built from small hand-made inputs whose values are known, and its traces,
frames, sliders and buttons are read back: the heat map shows each example's weights, the
slider has one step per example, the length figure plots 100 x the means with their
intervals, the exposure figure's buttons show one model's two curves at a time.
"""

import numpy as np
import pytest

from lstm_edu import Seq2Seq
from lstm_edu.data.dates import source_vocab, target_vocab
from lstm_edu.viz import seq2seq_figures as S

EXAMPLES = [
    {"source": "ab c", "output": "1-", "attention": [[0.7, 0.1, 0.1, 0.1],
                                                       [0.0, 0.5, 0.0, 0.5],
                                                       [0.25, 0.25, 0.25, 0.25]]},
    {"source": "xyz", "output": "9", "attention": [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]},
]


def test_heatmap_shows_each_example_and_a_slider_picks_it():
    fig = S.attention_heatmap(EXAMPLES)
    assert len(fig.frames) == 2 and len(fig.layout.sliders[0].steps) == 2
    np.testing.assert_allclose(fig.data[0].z, EXAMPLES[0]["attention"])
    for frame, ex in zip(fig.frames, EXAMPLES, strict=True):
        np.testing.assert_allclose(frame.data[0].z, ex["attention"])
        assert list(frame.layout.yaxis.ticktext) == [*ex["output"], "<eos>"]
        assert list(frame.layout.xaxis.ticktext) == [c if c != " " else "␣"
                                                     for c in ex["source"]]
    step = fig.layout.sliders[0].steps[1]
    assert step.method == "animate" and list(step.args[0]) == ["1"]
    assert "xyz" not in S.theme.description(fig) and "'ab c'" in S.theme.description(fig)
    with pytest.raises(ValueError, match="examples: attention of 'xyz'"):
        S.attention_heatmap([{**EXAMPLES[1], "attention": [[1.0, 0.0]]}])


def test_attention_examples_from_a_model():
    model = Seq2Seq(len(source_vocab()), len(target_vocab()), 6, seed=0)
    texts = ["3 March 1987", "1987年3月3日"]
    ex = S.attention_examples(model, texts, max_len=5)
    for e, text in zip(ex, texts, strict=True):
        a = np.asarray(e["attention"])
        assert e["source"] == text and a.shape == (min(len(e["output"]) + 1, 5), len(text))
        np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-12)   # PAD got no weight
    with pytest.raises(ValueError, match="texts"):
        S.attention_examples(model, "3 March 1987")
    with pytest.raises(ValueError, match="attention=True"):
        S.attention_examples(Seq2Seq(len(source_vocab()), len(target_vocab()), 4,
                                     attention=False), texts)


def ci(m, lo, hi):
    return {"mean": m, "low": lo, "high": hi, "n": 5}


def test_length_figure_plots_percentages_with_intervals():
    rows = {"attention": [{"from": 0, "to": 10, "n": 7, "exact_match": ci(1.0, 1.0, 1.0)},
                          {"from": 10, "to": 20, "n": 9, "exact_match": ci(0.9, 0.8, 0.95)}],
            "no attention": [{"from": 0, "to": 10, "n": 7, "exact_match": ci(0.5, 0.4, 0.6)},
                             {"from": 10, "to": 20, "n": 9, "exact_match": ci(0.0, 0.0, 0.0)}]}
    fig = S.length_figure(rows)
    att, base = fig.data
    assert list(att.x) == [5, 15] and list(att.y) == [100, 90]
    np.testing.assert_allclose(att.error_y.array, [0, 5])
    np.testing.assert_allclose(att.error_y.arrayminus, [0, 10])
    assert list(base.y) == [50, 0] and base.name == "no attention"
    assert "50 % at 0-10" in S.theme.description(fig)


def test_exposure_buttons_show_one_model_at_a_time():
    curves = {"no attention": ([1.0, 0.8], [1.0, 0.4]), "attention": ([1.0, 1.0], [1.0, 0.9])}
    fig = S.exposure_figure(curves)
    assert [t.visible for t in fig.data] == [True, True, False, False]
    assert list(fig.data[1].y) == [100, 40] and fig.data[1].name == "free running"
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["no attention", "attention"]
    assert buttons[1].args[0]["visible"] == [False, False, True, True]


def test_beam_figure_and_summaries_from_runs():
    runs = [{"attention": a, "forced_by_position": [1.0, f], "free_by_position": [1.0, f / 2],
             "beam": {"1": {"exact_match": f, "mean_log_prob": -2.0},
                      "2": {"exact_match": f, "mean_log_prob": -1.0}}}
            for a in (True, False) for f in (0.4, 0.8)]
    result = {"lists": {"runs": runs}}
    curves = S.exposure_curves(result)
    np.testing.assert_allclose(curves["attention"][0], [1.0, 0.6])
    np.testing.assert_allclose(curves["no attention"][1], [1.0, 0.3])
    rows = S.beam_rows(result)
    assert [(r["model"], r["beam"]) for r in rows] == [
        ("attention", 1), ("attention", 2), ("no attention", 1), ("no attention", 2)]
    assert rows[0]["exact_match"]["mean"] == pytest.approx(0.6)
    assert rows[1]["log_prob"]["mean"] == pytest.approx(-1.0)
    fig = S.beam_figure(rows)
    assert len(fig.data) == 4 and list(fig.data[0].y) == [60, 60]
    assert list(fig.data[1].y) == [-2.0, -1.0] and list(fig.data[0].x) == [1, 2]


def test_precomputed_results_draw():
    try:
        result = S.precomputed()
    except FileNotFoundError:
        pytest.skip("benchmarks/bench_seq2seq.py has not been run")
    assert len({r["seed"] for r in result["lists"]["runs"]}) >= 5
    for factory in (S.attention_heatmap, S.length_figure, S.exposure_figure, S.beam_figure):
        fig = factory()
        assert fig.data and S.theme.description(fig)
    heat = result["lists"]["heatmaps"][0]
    np.testing.assert_allclose(np.sum(heat["attention"], axis=1), 1.0, atol=0.01)
