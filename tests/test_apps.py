"""Helpers of the training and applications chapters: baselines, forecasts, anomaly scores."""

import numpy as np
import pytest

from lstm_edu.data import monthly_sales, train_test_split
from lstm_edu.training.apps import (
    KeepModel,
    flag_anomalies,
    lstm_forecast,
    mae,
    naive_forecasts,
    precision_recall,
)
from lstm_edu.viz.plots import forecast_figure, lines_figure


def test_naive_forecasts_by_hand():
    train = np.arange(24, dtype=float)          # a pure trend, season 12
    b = naive_forecasts(train, steps=3)
    assert np.array_equal(b["last value"], [23, 23, 23])
    assert np.array_equal(b["seasonal naive"], [12, 13, 14])
    assert np.array_equal(b["seasonal naive + drift"], [24, 25, 26])  # exact on a trend
    with pytest.raises(ValueError, match="steps"):
        naive_forecasts(train, steps=13)


def test_mae_is_a_python_float():
    v = mae([1, 2, 3], [2, 2, 5])
    assert type(v) is float and v == pytest.approx(1.0)


def test_lstm_forecast_shape_determinism_and_scale():
    train, _ = train_test_split(monthly_sales(seed=0).values, test_size=12)
    a = lstm_forecast(train, 12, diff=True, train_steps=20, seeds=(0,))
    b = lstm_forecast(train, 12, diff=True, train_steps=20, seeds=(0,))
    assert a.shape == (12,) and np.array_equal(a, b)
    assert 50 < a.mean() < 300                   # original units, not standardized ones
    c = lstm_forecast(train, 4, diff=False, train_steps=20, seeds=(0, 1))
    assert c.shape == (4,) and np.all(np.isfinite(c))


def test_forecast_figure_has_all_traces():
    s = monthly_sales(seed=0)
    fig = forecast_figure(s.months, s.values, 12, {"a": np.zeros(12), "b": np.ones(12)})
    assert [t.name for t in fig.data] == ["actual", "a", "b"]
    assert len(fig.data[1].x) == 12


def test_flag_and_precision_recall_by_hand():
    normal = np.linspace(-1, 1, 201)
    flags, thr = flag_anomalies([0.5, 3.0, -2.0, 0.0], normal, quantile=1.0)
    assert thr == pytest.approx(1.0) and flags.tolist() == [False, True, True, False]
    labels = np.array([0, 1, 1, 0, 0, 1, 1, 1])
    f = np.array([0, 1, 0, 1, 0, 0, 0, 0], bool)
    pr = precision_recall(f, labels)
    assert pr == {"precision": 0.5, "recall": 0.2, "events_found": 0.5}
    assert precision_recall(np.zeros(8, bool), labels)["precision"] == 0.0
    with pytest.raises(ValueError, match="same shape"):
        precision_recall(f[:3], labels)


def test_lines_figure_spans_and_marks():
    x = np.arange(5)
    fig = lines_figure(x, {"a": x * 1.0, "b": -x}, spans=[(1, 2)],
                       marks=np.array([0, 1, 0, 1, 0], bool))
    assert [t.name for t in fig.data] == ["a", "b", "flagged"]
    assert list(fig.data[2].x) == [1, 3] and list(fig.data[2].y) == [1.0, 3.0]
    assert len(fig.layout.shapes) == 1


def test_keep_model_callback_keeps_the_trained_model():
    from lstm_edu.data import adding_problem
    from lstm_edu.training.model import build_model
    from lstm_edu.training.trainer import fit

    model, keep = build_model("lstm", 2, 4, seed=0), KeepModel()
    fit(model, lambda rng, b: adding_problem(b, 5, rng), max_steps=2, callbacks=[keep])
    assert keep.model is model


def test_pad_sequences_right_pads_and_counts():
    from lstm_edu.training.apps import pad_sequences

    a, b = np.arange(6.0).reshape(3, 2), np.array([[9.0, 8.0]])
    x, n = pad_sequences([a, b])
    assert x.shape == (3, 2, 2) and n.tolist() == [3, 1]
    np.testing.assert_array_equal(x[:, 0], a)
    np.testing.assert_array_equal(x[:, 1], [[9, 8], [0, 0], [0, 0]])
    assert pad_sequences([a, b], max_len=5)[0].shape == (5, 2, 2)
    with pytest.raises(ValueError, match="max_len"):
        pad_sequences([a, b], max_len=2)
    with pytest.raises(ValueError, match="seqs"):
        pad_sequences([a, np.zeros((2, 3))])
    with pytest.raises(ValueError, match="seqs"):
        pad_sequences([])


def test_dtw_distances_by_hand_and_against_a_plain_loop():
    from lstm_edu.training.apps import dtw_distances, nearest_neighbour

    # by hand: a = (0, 1, 2), b = (0, 2): best path (0-0), (1-2 or 1-0), (2-2): cost 0 + 1 + 0
    a, b = np.array([[0.0], [1.0], [2.0]]), np.array([[0.0], [2.0]])
    assert dtw_distances([a], [b])[0, 0] == pytest.approx(1.0)
    assert dtw_distances([a], [a])[0, 0] == 0.0
    assert dtw_distances([a], [np.repeat(a, 2, axis=0)])[0, 0] == 0.0   # warping is free

    def plain(p, q):                           # the textbook double loop, one pair at a time
        D = np.full((len(p) + 1, len(q) + 1), np.inf)
        D[0, 0] = 0
        for i in range(len(p)):
            for j in range(len(q)):
                D[i + 1, j + 1] = np.sum((p[i] - q[j]) ** 2) + min(D[i, j + 1], D[i + 1, j],
                                                                    D[i, j])
        return D[-1, -1]

    rng = np.random.default_rng(0)
    qs = [rng.normal(size=(k, 3)) for k in (2, 7, 4)]
    rs = [rng.normal(size=(k, 3)) for k in (5, 1, 6, 3)]
    got = dtw_distances(qs, rs, chunk=2)
    want = np.array([[plain(p, q) for q in rs] for p in qs])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_array_equal(nearest_neighbour(want, np.array([7, 8, 9, 5])),
                                  np.array([7, 8, 9, 5])[want.argmin(1)])
    with pytest.raises(ValueError, match="distances"):
        nearest_neighbour(want, np.zeros(3))
