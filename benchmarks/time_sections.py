"""Time each section of a chapter: run the notebook once and sum its cells' times per heading.

    python benchmarks/time_sections.py chapters/06_applications.ipynb [more.ipynb ...]

Runs each notebook top to bottom in a fresh kernel (nbclient, in the notebook's folder, as the
book build does) and prints, for every ``##``/``###`` heading, the wall time of the code cells
under it, then the notebook's total. The time of a cell is nbclient's record of it (from
``iopub.execute_input`` to ``shell.execute_reply``). Issue 15's bar: each real-data application
within 60 s on this machine. Nothing is written; the numbers go into the notes.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def _seconds(cell) -> float:
    ex = cell.get("metadata", {}).get("execution", {})
    start, end = ex.get("iopub.execute_input"), ex.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def section_times(path: Path) -> tuple[list[tuple[str, float]], float]:
    """``([(heading, seconds of its code cells)], wall seconds of the whole run)``."""
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    wall = time.perf_counter() - t0
    out, heading = [], "(before the first heading)"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith(("## ", "### ")):
                    heading = line.strip()
                    out.append((heading, 0.0))
        elif cell.cell_type == "code":
            if not out or out[-1][0] != heading:
                out.append((heading, 0.0))
            out[-1] = (heading, out[-1][1] + _seconds(cell))
    return out, wall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    args = ap.parse_args(argv)
    for path in args.notebooks:
        sections, wall = section_times(path)
        print(f"{path}  (whole run {wall:.1f} s, kernel start included)")
        for heading, sec in sections:
            if sec > 0:
                print(f"  {sec:6.1f} s  {heading}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
