"""How long each chapter takes a student: every notebook executed top to bottom in a fresh kernel.

Each notebook in ``chapters/`` runs in its own new kernel from its own folder (as in Jupyter or
Binder), one after the other, and the wall time from kernel start to the last cell is recorded.
Budgets (issue "The chapters" / "Training"): ≤ 60 s per notebook, ≤ 300 s for all together.

    python benchmarks/bench_notebooks.py            # all notebooks
    python benchmarks/bench_notebooks.py 05 06      # only those whose name contains 05 or 06

Prints a markdown table and writes it to ``benchmarks/results/notebooks.md``; exits non-zero
if a notebook fails or a budget is exceeded.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PER_NOTEBOOK_S = 60.0
TOTAL_S = 300.0


def run(path: Path) -> float:
    """Execute one notebook in a fresh kernel from its folder; return the wall time in s."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="run only notebooks whose name contains one")
    args = parser.parse_args(argv)
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    if args.only:
        notebooks = [p for p in notebooks if any(k in p.name for k in args.only)]
    if not notebooks:
        parser.error(f"only: no notebook in chapters/ matches {args.only}")
    rows, total, ok = [], 0.0, True
    for path in notebooks:
        seconds = run(path)
        total += seconds
        within = seconds <= PER_NOTEBOOK_S
        ok &= within
        rows.append(f"| `{path.name}` | {seconds:.1f} | {'yes' if within else '**no**'} |")
        print(rows[-1], flush=True)
    ok &= total <= TOTAL_S
    table = "\n".join([
        f"Measured {time.strftime('%Y-%m-%d')} (fresh kernel per notebook, 2-core machine).",
        "",
        f"| notebook | seconds | ≤ {PER_NOTEBOOK_S:.0f} s |",
        "|---|---:|---|",
        *rows,
        f"| **all {len(rows)}** | **{total:.1f}** | ≤ {TOTAL_S:.0f} s: "
        f"{'yes' if total <= TOTAL_S else '**no**'} |",
    ])
    print("\n" + table)
    out = ROOT / "benchmarks" / "results" / "notebooks.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(table + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
