"""A classical forecaster to measure the LSTM against: Box & Jenkins's airline model.

What it covers
--------------
The seasonal ARIMA model that Box & Jenkins fitted to the airline passengers (their Series G,
chapter 9 of *Time Series Analysis*), since called *the airline model*. On ``z = log y`` it
says that the change from last year's change is a moving average of shocks ``a_t`` (white
noise, variance ``sigma2``)::

    w_t = (z_t - z_{t-1}) - (z_{t-s} - z_{t-s-1})
        = a_t - theta a_{t-1} - Theta a_{t-s} + theta Theta a_{t-s-1}      (s = 12 months)

- ``airline_residuals(z, theta, Theta)``: the shocks ``a (n,)`` implied by a series, with the
  shocks before the first ``w`` set to 0 (the *conditional* form);
- ``fit_airline_model(y)``: ``theta`` and ``Theta`` by conditional least squares, the sum of
  squared shocks minimised on a grid over ``(-1, 1)^2`` (step 0.01, then 0.001 around the
  best point): two numbers, found by looking, no optimiser to trust;
- ``AirlineModel.forecast(steps)``: the minimum-mean-square-error forecast of ``z`` (future
  shocks 0), returned as ``exp`` of it when the model was fitted on logs: the median of the
  forecast distribution if the log shocks are Gaussian (the mean is ``exp(sigma_h^2 / 2)``
  higher), the point forecast that absolute errors reward.

What it does not cover: exact maximum likelihood or Box & Jenkins's back-forecasting (both
treat the first shocks differently; SAS's exact fit of Series G is in ``PUBLISHED_SERIES_G``),
other ARIMA orders, prediction intervals. Shapes: series are 1-D ``(n,)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["AirlineModel", "PUBLISHED_SERIES_G", "airline_residuals", "fit_airline_model"]

#: Published fits of the airline model to log Series G (all 144 months; 131 modelled steps), as
#: printed in each source (read 2026-12-02). ``cite`` is the key in the book's references.bib.
#: MATLAB's fit maximises the Gaussian likelihood conditional on the first 13 months (presample
#: shocks 0, ``Y0 = y(1:13)``), which gives the same theta and Theta as this module's least
#: squares and sigma2 = SSE / 131. (MATLAB pages that call ``estimate`` without ``Y0`` print a
#: different variance, 0.0012634 = SSE / 144: not this fit.) SAS maximises the exact likelihood,
#: which treats the first shocks differently.
PUBLISHED_SERIES_G = {
    "conditional least squares (MATLAB)": {"theta": 0.37716, "seasonal_theta": 0.57238,
                                           "sigma2": 0.0013887, "cite": "mathworks2024airline"},
    "exact maximum likelihood (SAS)": {"theta": 0.40181, "seasonal_theta": 0.55695,
                                       "sigma2": None, "cite": "sas2024x13airline"},
}


def _series(y, season: int, name: str = "y") -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or len(y) < 2 * season + 2:
        raise ValueError(f"{name}: expected a 1-D series of at least {2 * season + 2} values "
                         f"(two seasons and two more), got shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError(f"{name}: expected finite values, got NaN or inf")
    return y


def _shocks(z, theta, seasonal_theta, season):
    """Shocks for every ``(theta, Theta)`` pair at once: arrays broadcast together, ``(n, *G)``."""
    theta, big = np.broadcast_arrays(np.asarray(theta, float), np.asarray(seasonal_theta, float))
    a = np.zeros((len(z),) + theta.shape)
    s = season
    for t in range(s + 1, len(z)):
        w = (z[t] - z[t - 1]) - (z[t - s] - z[t - s - 1])
        a[t] = w + theta * a[t - 1] + big * a[t - s] - theta * big * a[t - s - 1]
    return a


def airline_residuals(z, theta: float, seasonal_theta: float, season: int = 12) -> np.ndarray:
    """The shocks ``a (n,)`` of the airline model on the (log) series ``z (n,)``.

    ``a[:season + 1]`` are 0: the model explains changes from last year's change, which start at
    index ``season + 1``; shocks before that are set to their mean, 0 (the conditional form).
    """
    z = _series(z, season, "z")
    for name, value in (("theta", theta), ("seasonal_theta", seasonal_theta)):
        if not -1 < float(value) < 1:
            raise ValueError(f"{name}: expected a value in (-1, 1) (an invertible moving "
                             f"average), got {value}")
    return _shocks(z, float(theta), float(seasonal_theta), season)


@dataclass(frozen=True)
class AirlineModel:
    """A fitted airline model. ``z`` is the series it was fitted on (logged if ``log``), ``a``
    its shocks, ``sigma2`` their mean square over the ``len(z) - season - 1`` modelled steps."""

    theta: float
    seasonal_theta: float
    sigma2: float
    season: int
    log: bool
    z: np.ndarray
    a: np.ndarray

    def forecast(self, steps: int = 12) -> np.ndarray:
        """The ``steps (h,)`` values after the series: each future ``z`` from the model's
        equation with its future shocks set to 0; ``exp`` of it if the model is on logs."""
        if not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ValueError(f"steps: expected a positive integer, got {steps!r}")
        s, th, big = self.season, self.theta, self.seasonal_theta
        z, a = list(self.z), list(self.a)
        for _ in range(int(steps)):
            n = len(z)                                  # forecasting index n
            z.append(z[n - 1] + z[n - s] - z[n - s - 1]
                     - th * a[n - 1] - big * a[n - s] + th * big * a[n - s - 1])
            a.append(0.0)                               # a future shock's expectation
        out = np.array(z[-int(steps):])
        return np.exp(out) if self.log else out


def fit_airline_model(y, season: int = 12, log: bool = True) -> AirlineModel:
    """Fit the airline model to ``y (n,)`` (positive if ``log``) by conditional least squares.

    ``theta`` and ``Theta`` minimise the sum of squared shocks: first on a grid of step 0.01
    over ``[-0.99, 0.99]^2``, then of step 0.001 within 0.01 of the best point.
    """
    if not isinstance(season, (int, np.integer)) or season < 2:
        raise ValueError(f"season: expected an integer >= 2, got {season!r}")
    y = _series(y, season)
    if log and (y <= 0).any():
        raise ValueError("y: expected positive values to take logs of (log=True), got "
                         f"min {y.min()}")
    z = np.log(y) if log else y
    best = (0.0, 0.0)
    for step, half in ((0.01, 0.99), (0.001, 0.01)):
        grid = [np.clip(np.arange(c - half, c + half + step / 2, step), -0.999, 0.999)
                for c in best]
        th, big = np.meshgrid(*grid, indexing="ij")
        sse = (_shocks(z, th, big, season) ** 2).sum(axis=0)
        i = np.unravel_index(np.argmin(sse), sse.shape)
        best = (float(th[i]), float(big[i]))
    best = (round(best[0], 3), round(best[1], 3))
    a = _shocks(z, *best, season)
    return AirlineModel(theta=best[0], seasonal_theta=best[1],
                        sigma2=float(np.mean(a[season + 1:] ** 2)), season=int(season),
                        log=bool(log), z=z, a=a)
