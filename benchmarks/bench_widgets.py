"""Callback latency of every live widget in ``lstm_edu.viz.widgets`` (median and p90, ms).

For each widget and each control, set the control's ``.value`` to a sequence of new values
(each a fresh value, so caches do not help unless the widget looks the value up by design)
and time the whole callback: recompute or look up, update the figure's traces, serialize
and re-display the figure in the ``Output`` widget. No browser is involved (that is the
kernel-side cost a reader waits for before the front end redraws).

    /tmp/venv/bin/python benchmarks/bench_widgets.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from lstm_edu.viz import widgets


def _values(control, n: int) -> list:
    if hasattr(control, "options") and control.options:
        opts = list(control.options)
        if isinstance(opts[0], tuple):
            opts = [o[1] for o in opts]
        return [opts[(i + 1) % len(opts)] for i in range(n)]
    lo, hi = control.min, control.max
    if isinstance(control.value, int) and not isinstance(control.value, bool):
        span = hi - lo + 1
        return [lo + (i * 7 + 1) % span for i in range(n)]
    step = control.step or (hi - lo) / 100
    k = int(round((hi - lo) / step))
    # golden-ratio stride over the grid of the slider: n distinct, spread-out values
    return [lo + step * round(((0.1 + i * 0.6180339887) % 1.0) * k) for i in range(n)]


def bench(repeats: int = 15) -> list[tuple[str, str, float, float]]:
    rows = []
    for name in widgets.__all__:
        if name == "LiveFigure":
            continue
        w = getattr(widgets, name)()
        for cname, control in w.controls.items():
            times = []
            for val in _values(control, repeats):
                if val == control.value:
                    continue
                t0 = time.perf_counter()
                control.value = val
                times.append((time.perf_counter() - t0) * 1000)
                assert not w.errors.outputs, w.errors.outputs   # time only working callbacks
            rows.append((name, cname, float(np.median(times)), float(np.percentile(times, 90))))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    rows = bench(args.repeats)
    print("| widget | control | median (ms) | p90 (ms) |\n|---|---|---:|---:|")
    for name, cname, med, p90 in rows:
        print(f"| `{name}` | `{cname}` | {med:.1f} | {p90:.1f} |")
    worst = max(r[2] for r in rows)
    print(f"\nworst median: {worst:.1f} ms (target <= 50 ms)")


if __name__ == "__main__":
    main()
