"""Time the adding problem to its target (test MSE < 0.01) with lstm_edu's trainer.

    python benchmarks/bench_training.py            # T = 50 and 100, seeds 0 1 2

Prints a Markdown table: sequences to target and wall time per seed, plus the load average
(the machine may be shared; wall times scale with it).
"""

import argparse
import os

from lstm_edu.training.experiments import ADDING_DEFAULTS, adding_run
from lstm_edu.viz.tables import markdown_table


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--T", type=int, nargs="+", default=[50, 100])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = ap.parse_args()
    rows = []
    for T in args.T:
        for s in args.seeds:
            load = os.getloadavg()[0]
            r = adding_run("lstm", T, seed=s)
            rows.append({"T": T, "seed": s, "sequences to MSE<0.01": r.sequences_to_target,
                         "steps": len(r.history.steps), "final test MSE": round(r.final, 4),
                         "wall time (s)": r.wall_time,
                         "ms/step": round(1000 * r.wall_time / len(r.history.steps), 1),
                         "load avg (1 min)": round(load, 1)})
            print(rows[-1], flush=True)
    print(f"\nsettings: {ADDING_DEFAULTS}, LSTM, Adam, float64, "
          f"{os.cpu_count()} CPUs\n")
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
