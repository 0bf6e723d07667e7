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
