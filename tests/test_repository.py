"""The repository keeps its promises: lint-clean code, notebooks without outputs, torch only
as a test dependency, and the README's two quick-start commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_ruff_finds_nothing():
    cmd = [sys.executable, "-m", "ruff", "check", "lstm_edu", "tests", "benchmarks", "chapters"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_notebooks_are_committed_without_outputs():
    assert len(NOTEBOOKS) >= 10
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        dirty = [i for i, c in enumerate(nb["cells"])
                 if c.get("outputs") or c.get("execution_count") is not None]
        assert dirty == [], f"{path.name}: cells {dirty} hold outputs (nbconvert --clear-output)"


def test_code_cells_stay_short():
    lengths = []
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                n = len("".join(cell["source"]).strip().splitlines())
                assert n <= 30, f"{path.name}: a code cell of {n} lines"
                lengths.append(n)
    lengths.sort()
    assert lengths[len(lengths) // 2] <= 12           # median ~10 lines


def test_torch_is_a_test_dependency_only():
    book = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert not re.search(r"^\s*torch", book, re.M | re.I)
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert re.search(r"^torch==[\d.]+$", dev, re.M)        # a loose torch pulls a CUDA build
    assert "-r requirements.txt" in dev


def test_readme_quick_start_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt && jupyter-book build ." in readme
    assert "pip install -r requirements-dev.txt && pytest" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -r requirements-dev.txt && pytest" in ci


def test_every_chapter_installs_lstm_edu_where_it_is_missing():
    """The Colab path: the first code cell installs the package (hidden in the book)."""
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        first = next(c for c in cells if c["cell_type"] == "code")
        src = "".join(first["source"])
        assert 'find_spec("lstm_edu") is None' in src and "%pip install" in src, path.name
        assert "LSTM_EDU_SOURCE" in src, path.name        # the replay installs the local wheel
        assert "remove-cell" in first["metadata"].get("tags", []), path.name


def test_no_tags_that_do_nothing():
    """nbval-ignore-output meant nothing with outputs cleared; the tags are gone."""
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            assert "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", []), path.name
