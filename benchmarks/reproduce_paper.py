"""Run the 1997 paper's experiments on their own terms (``lstm_edu.training.paper``) and write
the tables the book shows.

    python benchmarks/reproduce_paper.py              # the whole suite, 2 workers, resumable
    python benchmarks/reproduce_paper.py --quick      # a small suite (< 60 s) to prove the pipe
    python benchmarks/reproduce_paper.py --summarize  # only rebuild the JSON from the runs file

Each finished run is appended at once, as one JSON line with its provenance, to
``benchmarks/results/paper_runs.jsonl``: a killed suite keeps what finished and a rerun skips
every run already there with the same settings. ``--summarize`` (also done after a run) turns
the runs into ``lstm_edu/data/results/paper_reproduction.json``: per task, length and network,
the success count with a Wilson 95 % interval and the mean number of training sequences of the
solved runs with a bootstrap 95 % interval, beside the paper's row. One process per run, BLAS
limited to one thread in each.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"            # before numpy loads: one thread per worker process

import argparse  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _provenance import ROOT, provenance  # noqa: E402

from lstm_edu.data.paper_tasks import PAPER_RESULTS  # noqa: E402
from lstm_edu.training import experiments as E  # noqa: E402
from lstm_edu.training import paper  # noqa: E402
from lstm_edu.training.stats import bootstrap_ci, wilson_ci  # noqa: E402

RUNS = ROOT / "benchmarks" / "results" / "paper_runs.jsonl"
OUT = ROOT / "lstm_edu" / "data" / "results" / "paper_reproduction.json"
BUDGET = 100_000


#: The book's own comparisons (``lstm_edu.training.experiments.run_task``: the modern adding
#: problem or ``recall_marked``, 32 cells, Adam 0.02, mini-batches of 32), each setting over 10
#: seeds at a fixed budget: the run goes on to the budget and records when the test MSE first
#: fell below 0.01 and what it was at the end.
BOOK_EXPERIMENTS = {
    "forget_gate": dict(task="recall_marked", T=100, budget=20_000, task_kwargs={"p_mark": 0.2},
                        settings={"forget bias 0": ("lstm", 0.0), "forget bias 1": ("lstm", 1.0),
                                  "no forget gate": ("nfg", None)}),
    "forget_gate_adding": dict(task="adding", T=100, budget=40_000, task_kwargs=None,
                               settings={"forget bias 0": ("lstm", 0.0),
                                         "forget bias 1": ("lstm", 1.0),
                                         "no forget gate": ("nfg", None)}),
    "ablation": dict(task="adding", T=50, budget=20_000, task_kwargs=None,
                     settings={"full LSTM (forget bias 1)": ("full", 1.0),
                               "no forget gate": ("nfg", None), "no output gate": ("nog", 1.0),
                               "coupled input-forget": ("cifg", None),
                               "peepholes": ("peephole", 1.0)}),
}
BOOK_SEEDS = 10


def suite():
    """Every run, most important first (so a partial suite already answers the main question).
    Each item: (task, config, T, seed, budget)."""
    runs = []

    def add(task, config, T, n_seeds, budget=BUDGET):
        runs.extend((task, config, T, s, budget) for s in range(n_seeds))

    for config in ("lstm_1997", "lstm", "rnn"):
        add("adding", config, 100, 10)
    add("temporal_order_6a", "lstm_1997", 0, 10)
    add("temporal_order_6a", "lstm", 0, 10)
    add("adding", "lstm_1997_no_igb", 100, 10)
    add("adding", "lstm_1997_full_grad", 100, 10)
    add("adding", "lstm_1997", 500, 5)
    add("adding", "lstm_1997", 1000, 3)
    add("adding", "rnn", 50, 10)
    add("adding", "lstm", 50, 10)
    add("multiplication", "lstm_1997", 100, 10)
    add("multiplication", "lstm", 100, 10)
    add("temporal_order_6b", "lstm_1997", 0, 5)
    for name, exp in BOOK_EXPERIMENTS.items():
        runs.extend(("book", name, setting, s, exp["budget"])
                    for s in range(BOOK_SEEDS) for setting in exp["settings"])
    return runs


def quick_suite():
    return [("adding", "lstm_1997", 20, 0, 30_000), ("adding", "lstm_1997", 20, 1, 30_000),
            ("adding", "rnn", 20, 0, 10_000), ("temporal_order_6a", "lstm_1997", 0, 0, 20_000)]


def _key(task, config, T, seed, budget):
    """A run's identity: its task, network, length, seed, budget and ``paper_run``'s defaults
    (so a change of settings never reuses an old run)."""
    defaults = {k: v.default for k, v in inspect.signature(paper.paper_run).parameters.items()
                if v.default is not inspect.Parameter.empty and k not in ("T", "max_sequences")}
    return f"{task}|{config}|T={T}|seed={seed}|budget={budget}|{json.dumps(defaults)}"


def _book_run(name, setting, seed, budget):
    exp = BOOK_EXPERIMENTS[name]
    cell, forget_bias = exp["settings"][setting]
    r = E.run_task(exp["task"], cell, exp["T"], forget_bias=forget_bias, max_sequences=budget,
                   seed=seed, task_kwargs=exp["task_kwargs"], stop_at_target=False)
    return {"task": f"book:{name}", "config": setting, "seed": seed, "T": exp["T"],
            "max_sequences": budget, "solved": r.solved, "sequences": r.sequences_to_target,
            "final_mse": float(r.final), "params": r.settings["params"],
            "wall_seconds": r.wall_time, "settings": r.settings}


def _one(item):
    t0, load0 = time.perf_counter(), list(os.getloadavg())
    if item[0] == "book":
        row = _book_run(*item[1:])
    else:
        task, config, T, seed, budget = item
        row = paper.paper_run(task, config, seed, T=T, max_sequences=budget)
    row["key"] = _key(*item)
    row["provenance"] = provenance(t0, load0, "benchmarks/reproduce_paper.py")
    return row


def run(items, runs_file, workers):
    done = set()
    if runs_file.exists():
        done = {json.loads(line)["key"] for line in runs_file.read_text().splitlines() if line}
    todo = [it for it in items if _key(*it) not in done]
    print(f"{len(items) - len(todo)} of {len(items)} runs already in {runs_file.name}; "
          f"{len(todo)} to go on {workers} workers", flush=True)
    runs_file.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(workers) as pool, runs_file.open("a") as f:
        for k, row in enumerate(pool.imap_unordered(_one, todo), 1):
            f.write(json.dumps(row) + "\n")
            f.flush()
            print(f"[{k}/{len(todo)} {time.perf_counter() - t0:7.0f} s] {row['key']}: "
                  f"solved={row['solved']} sequences={row['sequences']} "
                  f"time={row.get('cpu_seconds', row.get('wall_seconds'))} s", flush=True)


def _paper_row(task, T):
    if task == "adding":
        rows = PAPER_RESULTS["adding_1997"]["rows"]
        hit = [r for r in rows if r["T"] == T]
        return {"sequences": hit[0]["sequences"], "trials": 10,
                "source": "HS97 Table 7"} if hit else None
    if task == "multiplication":
        r = PAPER_RESULTS["multiplication_1997"]["rows"][0]
        return {"sequences": r["sequences"], "trials": 10, "source": "HS97 Table 8, n_seq 140"}
    if task.startswith("temporal_order"):
        r = PAPER_RESULTS["temporal_order_1997"]["rows"][0 if task.endswith("6a") else 1]
        return {"sequences": r["sequences"], "trials": r["trials"], "source": "HS97 Table 9"}
    return None


def _book_tables(rows):
    """Per book experiment and setting: success with a Wilson interval, sequences to the first
    test MSE < 0.01 (solved runs) and the test MSE at the budget's end, each with a bootstrap
    interval."""
    out = {}
    for name, exp in BOOK_EXPERIMENTS.items():
        table = []
        for setting in exp["settings"]:
            rs = [r for r in rows if r["task"] == f"book:{name}" and r["config"] == setting]
            if not rs:
                continue
            seqs = [r["sequences"] for r in rs if r["solved"]]
            table.append({"setting": setting, "runs": len(rs), "solved": len(seqs),
                          "solved_ci": wilson_ci(len(seqs), len(rs)),
                          "sequences_ci": bootstrap_ci(seqs) if len(seqs) > 1 else None,
                          "final_mse_ci": bootstrap_ci([r["final_mse"] for r in rs]),
                          "params": rs[0]["params"], "seeds": sorted(r["seed"] for r in rs)})
        out[name] = {"task": exp["task"], "T": exp["T"], "budget": exp["budget"],
                     "task_kwargs": exp["task_kwargs"], "table": table}
    return out


def summarize(runs_file, out_file):
    rows = [json.loads(line) for line in runs_file.read_text().splitlines() if line]
    book_rows = [r for r in rows if r["task"].startswith("book:")]
    rows = [r for r in rows if not r["task"].startswith("book:")]
    groups = {}
    for r in rows:
        groups.setdefault((r["task"], r["T"], r["config"], r["max_sequences"]), []).append(r)
    table = []
    for (task, T, config, budget), rs in sorted(groups.items()):
        solved = [r["sequences"] for r in rs if r["solved"]]
        cell = {"task": task, "T": T, "config": config, "budget": budget, "runs": len(rs),
                "solved": len(solved), "solved_ci": wilson_ci(len(solved), len(rs)),
                "sequences_mean": float(np.mean(solved)) if solved else None,
                "sequences_ci": bootstrap_ci(solved) if len(solved) > 1 else None,
                "recent_mse_mean": float(np.mean([r["recent_mse"] for r in rs])),
                "unsolved_wrong_of_2000": sorted(
                    r["details"].get("n_wrong", r["details"].get("n_exceeding"))
                    for r in rs if not r["solved"]),
                "cpu_seconds": round(sum(r["cpu_seconds"] for r in rs), 1),
                "seeds": sorted(r["seed"] for r in rs), "paper": _paper_row(task, T)}
        table.append(cell)
    commits = sorted({r["provenance"]["git_commit"] or "?" for r in rows + book_rows})
    result = {"computed": {"runs_file": os.path.relpath(runs_file, ROOT), "runs": len(rows),
                           "commits": commits,
                           "first": min(r["provenance"]["date"] for r in rows),
                           "last": max(r["provenance"]["date"] for r in rows),
                           "cpu_seconds": round(sum(r["cpu_seconds"] for r in rows), 1),
                           "book_runs": len(book_rows),
                           "book_wall_seconds": round(sum(r["wall_seconds"] for r in book_rows),
                                                      1),
                           "last_book": max((r["provenance"]["date"] for r in book_rows),
                                            default=None),
                           "machine": rows[0]["provenance"]["machine"]},
              "configs": paper.CONFIGS, "deviations": paper.DEVIATIONS,
              "settings": {k: rows[0][k] for k in ("hidden_size", "batch_size", "lr", "clip")},
              "table": table, "book": _book_tables(book_rows)}
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out_file} ({len(rows)} runs, {len(table)} rows)")
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small suite, < 60 s")
    ap.add_argument("--summarize", action="store_true", help="only rebuild the JSON")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", choices=["paper", "book"], default=None,
                    help="run only the paper's experiments or only the book's comparisons")
    ap.add_argument("--runs", type=Path, default=None, help="the runs file (JSON lines)")
    ap.add_argument("--out", type=Path, default=None, help="the summary JSON")
    args = ap.parse_args(argv)
    runs_file = args.runs or (RUNS.with_name("paper_runs_quick.jsonl") if args.quick else RUNS)
    out_file = args.out or (runs_file.with_suffix(".summary.json") if args.quick else OUT)
    if not args.summarize:
        items = quick_suite() if args.quick else suite()
        if args.only:
            items = [it for it in items if (it[0] == "book") == (args.only == "book")]
        run(items, runs_file, args.workers)
    return summarize(runs_file, out_file)


if __name__ == "__main__":
    main()
