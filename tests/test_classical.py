"""The airline model (lstm_edu.training.classical) against series simulated from it, against
the naive forecast it reduces to, and against published fits to the same series."""

import numpy as np
import pytest

from lstm_edu.data import load_airline
from lstm_edu.training.apps import lstm_forecast, naive_forecasts
from lstm_edu.training.classical import (
    PUBLISHED_SERIES_G,
    AirlineModel,
    airline_residuals,
    fit_airline_model,
)


def simulate(n, theta, big, sigma=0.05, seed=0, s=12):
    """z (n,) from the airline model's equation, written out here from its definition, with
    the shocks a (n,), a[:s+1] = 0 (the conditional form's assumption)."""
    rng = np.random.default_rng(seed)
    a = sigma * rng.standard_normal(n)
    a[: s + 1] = 0.0
    z = np.zeros(n)
    z[: s + 1] = 5.0 + 0.1 * np.sin(np.arange(s + 1))           # any start
    for t in range(s + 1, n):
        w = a[t] - theta * a[t - 1] - big * a[t - s] + theta * big * a[t - s - 1]
        z[t] = z[t - 1] + z[t - s] - z[t - s - 1] + w
    return z, a


def test_shocks_of_a_simulated_series_are_its_shocks():
    z, a = simulate(200, 0.4, 0.6)
    assert np.allclose(airline_residuals(z, 0.4, 0.6), a, atol=1e-12)


def test_one_step_forecast_error_is_the_next_shock():
    z, a = simulate(121, 0.3, 0.7, seed=3)
    past = z[:120]
    m = AirlineModel(0.3, 0.7, 0.0, 12, False, past, airline_residuals(past, 0.3, 0.7))
    assert m.forecast(1)[0] == pytest.approx(z[120] - a[120], abs=1e-12)


def test_fit_recovers_the_simulated_parameters():
    z, _ = simulate(1200, 0.4, 0.6, seed=1)
    m = fit_airline_model(z, log=False)
    assert abs(m.theta - 0.4) < 0.07 and abs(m.seasonal_theta - 0.6) < 0.07
    assert m.sigma2 == pytest.approx(0.05 ** 2, rel=0.15)
    grid_sse = ((airline_residuals(z, m.theta + d1, m.seasonal_theta + d2) ** 2).sum()
                for d1 in (-0.002, 0, 0.002) for d2 in (-0.002, 0, 0.002))
    assert min(grid_sse) == pytest.approx((m.a ** 2).sum())      # a minimum, to the grid


def test_without_moving_average_it_is_seasonal_naive_plus_drift():
    y = load_airline()[:132].astype(float)
    m = AirlineModel(0.0, 0.0, 0.0, 12, False, y, airline_residuals(y, 0.0, 0.0))
    assert np.allclose(m.forecast(12), naive_forecasts(y, 12)["seasonal naive + drift"])


def test_series_g_estimates_match_the_published_fits():
    # The published numbers (PUBLISHED_SERIES_G) were typed from MATLAB's and SAS's manuals, not
    # computed here: the same conditional fit to the grid's 0.001; exact likelihood within 0.03.
    m = fit_airline_model(load_airline())
    cond = PUBLISHED_SERIES_G["conditional least squares (MATLAB)"]
    assert abs(m.theta - cond["theta"]) <= 0.001
    assert abs(m.seasonal_theta - cond["seasonal_theta"]) <= 0.001
    assert m.sigma2 == pytest.approx(cond["sigma2"], rel=1e-3)
    exact = PUBLISHED_SERIES_G["exact maximum likelihood (SAS)"]
    assert abs(m.theta - exact["theta"]) < 0.03
    assert abs(m.seasonal_theta - exact["seasonal_theta"]) < 0.03
    f = fit_airline_model(load_airline()[:132]).forecast(12)
    assert f.shape == (12,) and np.all((f > 300) & (f < 700))       # passengers, not logs


def test_bad_input_names_the_argument():
    y = load_airline()
    with pytest.raises(ValueError, match="y: expected a 1-D series of at least 26"):
        fit_airline_model(y[:20])
    with pytest.raises(ValueError, match="y: expected positive"):
        fit_airline_model(y - 200)
    with pytest.raises(ValueError, match="season: expected an integer"):
        fit_airline_model(y, season=1)
    with pytest.raises(ValueError, match=r"theta: expected a value in \(-1, 1\)"):
        airline_residuals(np.log(y), 1.0, 0.5)
    with pytest.raises(ValueError, match="steps: expected a positive integer"):
        fit_airline_model(y).forecast(0)


def test_lstm_forecast_on_logs_returns_original_units():
    y = load_airline()[:132].astype(float)
    f = lstm_forecast(y, 12, diff=True, log=True, train_steps=20, seeds=(0,))
    assert f.shape == (12,) and np.all((f > 200) & (f < 900))
    with pytest.raises(ValueError, match="train: expected positive"):
        lstm_forecast(y - 300, 12, log=True, train_steps=1, seeds=(0,))
