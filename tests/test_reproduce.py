"""benchmarks/reproduce_paper.py --quick: the suite's pipeline end to end (runs, resume,
summary), in well under a minute. Slow tier (conftest.SLOW_MODULES)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick(tmp_path):
    runs, out = tmp_path / "runs.jsonl", tmp_path / "summary.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "reproduce_paper.py"),
                           "--quick", "--runs", str(runs), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return runs, out, proc.stdout


def test_quick_suite_writes_runs_resumes_and_summarizes(tmp_path):
    runs, out, log = _quick(tmp_path)
    lines = [json.loads(x) for x in runs.read_text().splitlines()]
    assert len(lines) == 4 and "0 of 4 runs already" in log
    for row in lines:
        assert row["provenance"]["git_commit"] and row["provenance"]["date"]
        assert row["sequences"] <= row["max_sequences"]
    summary = json.loads(out.read_text())
    by = {(r["task"], r["config"]): r for r in summary["table"]}
    assert by[("adding", "lstm_1997")]["runs"] == 2
    assert sum(r["runs"] for r in summary["table"]) == 4
    for r in summary["table"]:
        assert r["solved_ci"]["low"] <= r["solved"] / r["runs"] <= r["solved_ci"]["high"]
    _, _, again = _quick(tmp_path)                   # a rerun finds every run done
    assert "4 of 4 runs already" in again and "0 to go" in again
    assert len(runs.read_text().splitlines()) == 4
