"""A synthetic monthly sales series and the helpers for a forecasting workflow.

Workflow a chapter follows (every step a one-liner)::

    s = monthly_sales(seed=0)                        # 60 months, 2019-01 .. 2023-12
    train, test = train_test_split(s.values, test_size=12)
    scaler = Standardizer.fit(train)                 # fit on train ONLY: no test leakage
    x, y = supervised_windows(scaler.transform(train), window=6)   # x (6, N, 1), y (N,)
    ... train a model on (x, y) ...
    pred = scaler.inverse_transform(forecast(predict_one, scaler.transform(train), steps=12))

What it does not cover: real sales data; calendar effects beyond a year-end bump.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_edu.data.synthetic import _rng, sliding_windows

__all__ = ["SalesSeries", "monthly_sales", "train_test_split", "Standardizer",
           "supervised_windows", "forecast"]


@dataclass
class SalesSeries:
    """months: ``"YYYY-MM"`` labels (n,); values: sales in thousands of units (n,);
    trend, seasonal, noise: the components, ``values = trend + seasonal + noise``."""

    months: list
    values: np.ndarray
    trend: np.ndarray
    seasonal: np.ndarray
    noise: np.ndarray


def monthly_sales(seed=0, years: int = 5, start_year: int = 2019) -> SalesSeries:
    """Monthly sales for ``years`` years (default 5 -> 60 months from January ``start_year``).

    trend: 100 rising 1.2 per month; seasonal: 15*sin over 12 months (peak in spring) plus a
    +20 November/December bump; noise: Gaussian, sd 4. Values stay positive (about 70-210).
    """
    if not (isinstance(years, int) and 1 <= years <= 50):
        raise ValueError(f"years must be an int in [1, 50], got {years!r}")
    rng = _rng(seed)
    n = 12 * years
    m = np.arange(n)
    trend = 100.0 + 1.2 * m
    month_of_year = m % 12
    seasonal = 15.0 * np.sin(2 * np.pi * month_of_year / 12) + 20.0 * (month_of_year >= 10)
    noise = rng.normal(0.0, 4.0, n)
    months = [f"{start_year + k // 12}-{k % 12 + 1:02d}" for k in m]
    return SalesSeries(months, trend + seasonal + noise, trend, seasonal, noise)


def train_test_split(values, test_size: int = 12):
    """Chronological split: the last ``test_size`` values are the test set (no shuffling;
    a forecaster must never see the future). Returns ``(train, test)``."""
    v = np.asarray(values)
    if not (isinstance(test_size, int) and 0 < test_size < len(v)):
        raise ValueError(f"test_size must be an int in (0, {len(v)}), got {test_size!r}")
    return v[:-test_size], v[-test_size:]


@dataclass
class Standardizer:
    """``z = (v - mean) / std`` with mean and std from the training data only."""

    mean: float
    std: float

    @classmethod
    def fit(cls, train) -> "Standardizer":
        train = np.asarray(train, dtype=float)
        std = float(train.std())
        if std == 0 or not np.isfinite(std):
            raise ValueError(f"cannot standardize: training std is {std}")
        return cls(float(train.mean()), std)

    def transform(self, v):
        return (np.asarray(v, dtype=float) - self.mean) / self.std

    def inverse_transform(self, z):
        return np.asarray(z, dtype=float) * self.std + self.mean


def supervised_windows(series, window: int = 6):
    """Past ``window`` months -> next month: ``x (window, N, 1)``, ``y (N,)``
    (``sliding_windows`` with horizon 1)."""
    return sliding_windows(series, window, 1)


def forecast(predict, history, steps: int = 12, window: int = 6) -> np.ndarray:
    """Recursive multi-step forecast: predict one month, append it, slide, repeat.

    predict: a function ``x (window, 1, 1) -> next value`` (anything ``float()`` accepts, e.g.
    ``lambda x: model.predict(x)[0, 0]``). history: the series so far (at least ``window``
    values, in the model's scale). Returns ``(steps,)`` forecasts in the same scale.
    Errors compound: each forecast feeds the next.
    """
    h = list(np.asarray(history, dtype=float))
    if len(h) < window:
        raise ValueError(f"history has {len(h)} values, need at least window={window}")
    out = []
    for _ in range(steps):
        x = np.asarray(h[-window:], dtype=float).reshape(window, 1, 1)
        nxt = float(np.asarray(predict(x)).reshape(-1)[0])
        out.append(nxt)
        h.append(nxt)
    return np.asarray(out)
