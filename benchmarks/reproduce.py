"""Precompute the training chapter's reproductions and write them to
``lstm_edu/data/results/reproduction.json`` (read by
``lstm_edu.training.experiments.load_precomputed``).

    python benchmarks/reproduce.py                 # 3 seeds, ~15-30 min on a 2-core CPU
    python benchmarks/reproduce.py --seeds 0 1     # fewer seeds

The JSON records when, where and how it was computed (date, machine, load average, numpy
version, git commit, command), every run's settings, and the deviations from the paper.
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from lstm_edu.training import experiments as E
from lstm_edu.viz.tables import markdown_table

ROOT = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--out", default=str(ROOT / "lstm_edu" / "data" / "results" /
                                         "reproduction.json"))
    ap.add_argument("--skip", nargs="*", default=[], choices=["adding", "forget", "ablation"])
    args = ap.parse_args()
    seeds = tuple(args.seeds)
    t0 = time.perf_counter()
    out = {}
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = None
    out["computed"] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "git_commit": commit,
        "command": "python " + " ".join(sys.argv),
        "env": {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                           "MKL_NUM_THREADS") if k in os.environ},
        "seeds": list(seeds),
        "note": "wall times are per run, single process; other jobs may have shared the CPU "
                "(see load averages)",
    }
    out["deviations"] = E.DEVIATIONS
    out["paper_adding"] = E.PAPER_ADDING
    out["constant_guess"] = E.constant_guess_mse()
    if "adding" not in args.skip:
        runs = E.adding_reproduction(Ts=(50, 100), cells=("lstm", "rnn"), seeds=seeds,
                                     max_sequences=40_000)
        out["adding"] = [r.to_dict() for r in runs]
        out["adding_table"] = E.paper_vs_book(runs)
        print(markdown_table(out["adding_table"]), flush=True)
    if "forget" not in args.skip:
        out["forget_gate"] = E.forget_gate_effect(T=100, seeds=seeds, max_sequences=20_000)
        out["forget_gate_task"] = "recall_marked, T=100, p_mark=0.2, target test MSE < 0.01"
        print(markdown_table(out["forget_gate"]), flush=True)
        # the same comparison on the long-lag adding problem (Jozefowicz et al. 2015's claim)
        out["forget_gate_adding"] = E.forget_gate_effect(T=100, task="adding", seeds=seeds,
                                                         max_sequences=40_000)
        out["forget_gate_adding_task"] = "adding problem, T=100, target test MSE < 0.01"
        print(markdown_table(out["forget_gate_adding"]), flush=True)
    if "ablation" not in args.skip:
        out["ablation_task"] = "adding problem, T=50, target test MSE < 0.01"
        out["ablation"] = E.ablation(task="adding", T=50, seeds=seeds, max_sequences=20_000)
        print(markdown_table(out["ablation"]), flush=True)
    out["computed"]["load_average_at_end"] = os.getloadavg()
    out["computed"]["total_seconds"] = round(time.perf_counter() - t0, 1)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print("wrote", args.out, f"in {out['computed']['total_seconds']} s")


if __name__ == "__main__":
    main()
