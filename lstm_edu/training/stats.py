"""Small statistics for experiment tables: intervals for a mean and for a success rate.

What it covers
--------------
- ``bootstrap_ci(values)``: the seeded percentile bootstrap 95 % interval of a mean (Efron &
  Tibshirani 1993, ch. 13): resample the values with replacement, take the 2.5 % and 97.5 %
  quantiles of the resampled means.
- ``wilson_ci(k, n)``: the Wilson score 95 % interval for ``k`` successes in ``n`` trials
  (Wilson 1927), which, unlike ``k/n +- 1.96 sqrt(p(1-p)/n)``, stays inside [0, 1] and is not
  empty at ``k = 0`` or ``k = n``.
- ``paired_bootstrap_diff(correct_a, correct_b)``: the interval of the difference in accuracy
  of two classifiers scored on the *same* test items, resampling the items (paired) and, for a
  classifier trained with several seeds, its seeds: the comparison to make when one side's
  spread is over seeds and the other's over the test sample.
- ``compare(a, b)``: whether two intervals overlap; the sentence a table may print
  ("no difference measured" when they do).
- ``mean_ci_cell``, ``rate_cell``: the interval as the text of a table cell.

What it does not cover: hypothesis tests, multiple-comparison corrections, medians.
Overlapping 95 % intervals do not prove two means equal, and non-overlapping ones are a
conservative sign of a difference: the book says "no difference measured", not "equal". With
10 values, a percentile bootstrap interval is somewhat too narrow (it covers the mean about
90 % of the time rather than 95 %): read a value just outside one as "just outside".
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Z95", "bootstrap_ci", "paired_bootstrap_diff", "wilson_ci", "compare",
           "mean_ci_cell", "rate_cell"]

#: The standard normal 97.5 % quantile, for two-sided 95 % intervals.
Z95 = 1.959963984540054


def _values(values, name="values"):
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if arr.size == 0:
        raise ValueError(f"{name}: expected at least one number, got none")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected finite numbers, got {arr.tolist()}")
    return arr


def bootstrap_ci(values, level: float = 0.95, n_boot: int = 10_000, seed: int = 0) -> dict:
    """Percentile bootstrap interval of the mean of ``values`` (1-D, finite).

    ``n_boot`` resamples of the same size, drawn with ``np.random.default_rng(seed)``: the
    same inputs always give the same interval. Returns ``{"mean", "low", "high", "n"}``; with
    one value the interval is that value (a bootstrap cannot see any spread).
    """
    arr = _values(values)
    if not 0 < level < 1:
        raise ValueError(f"level: expected a number in (0, 1), got {level!r}")
    if not (isinstance(n_boot, int) and n_boot >= 100):
        raise ValueError(f"n_boot: expected an integer >= 100, got {n_boot!r}")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, arr.size, (n_boot, arr.size))
    means = arr[idx].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return {"mean": float(arr.mean()), "low": float(lo), "high": float(hi), "n": int(arr.size)}


def _correct(x, name):
    arr = np.asarray(x)
    if arr.ndim == 1:
        arr = arr[None]
    if arr.ndim != 2 or arr.size == 0 or arr.dtype != bool:
        raise ValueError(f"{name}: expected a bool array (N,) or (seeds, N) saying which test "
                         f"items were classified correctly, got {arr.dtype} {arr.shape}")
    return arr.astype(np.float64)


def paired_bootstrap_diff(correct_a, correct_b, level: float = 0.95, n_boot: int = 10_000,
                          seed: int = 0) -> dict:
    """Interval of ``accuracy(a) - accuracy(b)`` on the same ``N`` test items.

    ``correct_a``, ``correct_b``: bool ``(N,)`` (one deterministic classifier) or ``(S, N)``
    (``S`` seeds), True where item ``n`` was classified correctly. Each of ``n_boot`` draws
    resamples the ``N`` items with replacement, the same items for both (paired), and each
    side's seeds; the difference of the two mean accuracies. Returns ``{"mean"`` (the observed
    difference), ``"low", "high", "n"`` (items)``}``, the form ``compare`` and the cells take.
    """
    a, b = _correct(correct_a, "correct_a"), _correct(correct_b, "correct_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"correct_a and correct_b: expected the same test items, got "
                         f"{a.shape[1]} and {b.shape[1]}")
    if not 0 < level < 1:
        raise ValueError(f"level: expected a number in (0, 1), got {level!r}")
    if not (isinstance(n_boot, int) and n_boot >= 100):
        raise ValueError(f"n_boot: expected an integer >= 100, got {n_boot!r}")
    rng = np.random.default_rng(seed)
    n = a.shape[1]
    diffs = []
    for start in range(0, n_boot, 500):                   # 500 draws at a time: bounded memory
        m = min(500, n_boot - start)
        items = rng.multinomial(n, np.full(n, 1 / n), size=m) / n          # (m, N) weights
        per_item = [rng.multinomial(len(x), np.full(len(x), 1 / len(x)), size=m) @ x / len(x)
                    for x in (a, b)]                                        # (m, N) each
        diffs.append(((per_item[0] - per_item[1]) * items).sum(axis=1))
    lo, hi = np.quantile(np.concatenate(diffs), [(1 - level) / 2, (1 + level) / 2])
    return {"mean": float(a.mean() - b.mean()), "low": float(lo), "high": float(hi), "n": n}


def wilson_ci(k: int, n: int, z: float = Z95) -> dict:
    """Wilson score interval for ``k`` successes out of ``n`` (default 95 %).

    ``center = (k + z^2/2) / (n + z^2)``,
    ``half = z / (n + z^2) * sqrt(k (n - k) / n + z^2 / 4)``.
    Returns ``{"k", "n", "rate", "low", "high"}``.
    """
    for name, v in (("k", k), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name}: expected an integer, got {v!r}")
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"k, n: expected 0 <= k <= n and n >= 1, got k={k}, n={n}")
    z2 = z * z
    center = (k + z2 / 2) / (n + z2)
    half = z / (n + z2) * math.sqrt(k * (n - k) / n + z2 / 4)
    return {"k": int(k), "n": int(n), "rate": k / n, "low": max(0.0, center - half),
            "high": min(1.0, center + half)}


def compare(a: dict, b: dict) -> dict:
    """Do the intervals ``a`` and ``b`` (dicts with ``low`` and ``high``) overlap?

    Returns ``{"overlap": bool, "verdict": str}``: "no difference measured" when they
    overlap, otherwise "a lower" or "a higher" (a's interval entirely below / above b's).
    """
    for name, d in (("a", a), ("b", b)):
        if not (isinstance(d, dict) and "low" in d and "high" in d):
            raise TypeError(f"{name}: expected a dict with 'low' and 'high', got {d!r}")
    if a["high"] < b["low"]:
        return {"overlap": False, "verdict": "a lower"}
    if b["high"] < a["low"]:
        return {"overlap": False, "verdict": "a higher"}
    return {"overlap": True, "verdict": "no difference measured"}


def mean_ci_cell(ci: dict | None, digits: int = 4, decimals: int | None = None,
                 fmt: str | None = None) -> str | None:
    """``"0.0123 [0.0100, 0.0150]"`` from ``bootstrap_ci``'s dict (None stays None): ``digits``
    significant digits, or with ``decimals`` that many after the point (``"78.0 [75.9, 80.3]"``),
    or any ``fmt`` for one number (``"{:,.0f}"``: ``"32,568 [29,068, 36,266]"``)."""
    if ci is None:
        return None
    f = fmt or (f"{{:.{digits}g}}" if decimals is None else f"{{:.{decimals}f}}")
    return f"{f.format(ci['mean'])} [{f.format(ci['low'])}, {f.format(ci['high'])}]"


def rate_cell(ci: dict, show_rate: bool = True) -> str:
    """``"7/10 (70 %, 40–89 %)"`` from ``wilson_ci``'s dict; ``show_rate=False``:
    ``"7/10 (40–89 %)"``, the form of the paper tables."""
    span = f"{100 * ci['low']:.0f}–{100 * ci['high']:.0f} %"
    rate = f"{100 * ci['rate']:.0f} %, " if show_rate else ""
    return f"{ci['k']}/{ci['n']} ({rate}{span})"
