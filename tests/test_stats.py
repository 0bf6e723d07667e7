"""Statistics helpers: the Wilson interval against published values and its defining equation,
the bootstrap interval's coverage on a known distribution, and the overlap verdict."""

import math

import numpy as np
import pytest

from lstm_edu.training.stats import (
    Z95,
    bootstrap_ci,
    compare,
    mean_ci_cell,
    rate_cell,
    wilson_ci,
)


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (score interval)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_published_values(k, n, low, high):
    ci = wilson_ci(k, n)
    assert ci["low"] == pytest.approx(low, abs=1e-4)
    assert ci["high"] == pytest.approx(high, abs=1e-4)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (1, 3), (50, 100)])
def test_wilson_bounds_solve_the_score_equation(k, n):
    """The Wilson bounds are the p where |k/n - p| = z sqrt(p (1 - p) / n): the roots of
    (1 + z^2/n) p^2 - (2 k/n + z^2/n) p + (k/n)^2 = 0, solved here with np.roots."""
    z2, ph = Z95**2, k / n
    roots = np.sort(np.roots([1 + z2 / n, -(2 * ph + z2 / n), ph * ph]).real)
    ci = wilson_ci(k, n)
    np.testing.assert_allclose([ci["low"], ci["high"]], roots, atol=1e-12)
    if k == 0:  # 0 of 10: [0, z^2 / (n + z^2)] = [0, 0.2775]
        assert ci["low"] == 0 and ci["high"] == pytest.approx(z2 / (n + z2), abs=1e-12)
        assert ci["high"] == pytest.approx(0.2775, abs=1e-4)
    assert ci["rate"] == ph


def test_bootstrap_coverage_on_a_known_distribution():
    """Samples of 25 from N(3, 2^2): the 95 % percentile interval should hold the true mean 3
    in about 95 % of 400 samples (the percentile bootstrap runs a little short at n = 25:
    its spread is that of the sample, a factor sqrt((n-1)/n) small, about 94 %)."""
    rng = np.random.default_rng(123)
    hits = 0
    for k in range(400):
        ci = bootstrap_ci(rng.normal(3.0, 2.0, 25), n_boot=2000, seed=k)
        hits += ci["low"] <= 3.0 <= ci["high"]
    # binomial sd at p = 0.95, n = 400: 0.011; the band is about +-3 sd around 0.935
    assert 0.90 <= hits / 400 <= 0.975


def test_bootstrap_large_sample_matches_the_normal_interval():
    x = np.random.default_rng(7).exponential(2.0, 2000)
    ci = bootstrap_ci(x, seed=1)
    half = Z95 * x.std(ddof=1) / math.sqrt(x.size)
    assert ci["mean"] == pytest.approx(x.mean())
    assert ci["high"] - ci["low"] == pytest.approx(2 * half, rel=0.08)
    assert ci["low"] < x.mean() < ci["high"]


def test_bootstrap_is_seeded_and_degenerate_cases():
    x = [1.3, 2.0, 5.1, 9.7, 0.2, 4.4, 6.05, 3.3]
    a = bootstrap_ci(x, seed=3, n_boot=500)
    assert a == bootstrap_ci(x, seed=3, n_boot=500)
    assert a != bootstrap_ci(x, seed=4, n_boot=500)
    assert min(x) <= a["low"] < a["mean"] < a["high"] <= max(x)
    one = bootstrap_ci([4.0])
    assert one["low"] == one["high"] == one["mean"] == 4.0
    with pytest.raises(ValueError, match="values"):
        bootstrap_ci([])
    with pytest.raises(ValueError, match="values"):
        bootstrap_ci([1.0, float("nan")])
    with pytest.raises(ValueError, match="k, n"):
        wilson_ci(11, 10)
    with pytest.raises(TypeError, match="k"):
        wilson_ci(1.5, 10)


def test_compare_says_no_difference_when_intervals_overlap():
    assert compare({"low": 1, "high": 3}, {"low": 2.5, "high": 4})["verdict"] == (
        "no difference measured")
    assert compare({"low": 1, "high": 2}, {"low": 2.5, "high": 4}) == {
        "overlap": False, "verdict": "a lower"}
    assert compare({"low": 5, "high": 6}, {"low": 2.5, "high": 4})["verdict"] == "a higher"
    # 10/10 against 0/10 differs; 7/10 against 9/10 does not
    assert not compare(wilson_ci(10, 10), wilson_ci(0, 10))["overlap"]
    assert compare(wilson_ci(7, 10), wilson_ci(9, 10))["overlap"]
    with pytest.raises(TypeError, match="a"):
        compare({"low": 1}, {"low": 0, "high": 1})


def test_cells():
    assert rate_cell(wilson_ci(0, 10)) == "0/10 (0 %, 0–28 %)"
    assert rate_cell(wilson_ci(7, 10), show_rate=False) == "7/10 (40–89 %)"
    assert mean_ci_cell({"mean": 0.01234, "low": 0.01, "high": 0.015}, 3) == (
        "0.0123 [0.01, 0.015]")
    assert mean_ci_cell(None) is None
    assert mean_ci_cell({"mean": 78.0, "low": 75.94, "high": 80.25}, decimals=1) == (
        "78.0 [75.9, 80.2]")


def test_paired_bootstrap_diff_edges_and_normal_approximation():
    from lstm_edu.training.stats import paired_bootstrap_diff

    rng = np.random.default_rng(1)
    same = rng.random(500) < 0.8
    assert paired_bootstrap_diff(same, same) == {"mean": 0.0, "low": 0.0, "high": 0.0, "n": 500}
    one = paired_bootstrap_diff(np.ones(50, bool), np.zeros(50, bool))
    assert one["mean"] == 1.0 and one["low"] == pytest.approx(1.0) == one["high"]
    # one seed each: the paired difference's normal interval, mean(d) +- 1.96 sd(d) / sqrt(N)
    a, b = rng.random(2000) < 0.9, rng.random(2000) < 0.85
    d = a.astype(float) - b.astype(float)
    half = Z95 * d.std(ddof=1) / np.sqrt(d.size)
    r = paired_bootstrap_diff(a, b)
    assert r["mean"] == pytest.approx(d.mean())
    assert r["low"] == pytest.approx(d.mean() - half, abs=0.15 * half)
    assert r["high"] == pytest.approx(d.mean() + half, abs=0.15 * half)
    # seeds add their spread: ten different seeds widen the interval
    seeds = np.stack([rng.random(2000) < p for p in np.linspace(0.85, 0.95, 10)])
    wide = paired_bootstrap_diff(seeds, b)
    assert wide["high"] - wide["low"] > r["high"] - r["low"]
    with pytest.raises(ValueError, match="correct_a: expected a bool array"):
        paired_bootstrap_diff(a.astype(int), b)
    with pytest.raises(ValueError, match="the same test items"):
        paired_bootstrap_diff(a, b[:10])
