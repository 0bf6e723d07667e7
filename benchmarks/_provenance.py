"""Where a benchmark's numbers came from: one provenance record shared by the scripts here.

``provenance(start, load0, command, **extra)`` -> date, machine, Python and numpy versions, the
git commit, the command, the thread settings, the load average at start and end and the total
time; ``extra`` adds the script's own fields (seeds, torch's version and threads, a note).
"""

import datetime
import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def git_commit():
    """The checkout's short commit, or None outside a git checkout."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def provenance(start, load0, command, **extra):
    """The record: ``start`` is a ``time.perf_counter()`` reading, ``load0`` the load average
    when the run began."""
    record = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
              "python": platform.python_version(), "numpy": np.__version__,
              "git_commit": git_commit(), "command": command,
              "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
              "load_average_at_start": load0, "load_average_at_end": list(os.getloadavg()),
              "total_seconds": round(time.perf_counter() - start, 1)}
    record.update(extra)
    return record
