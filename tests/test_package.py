"""lstm_edu is a real package: the wheel carries every file the package ships, installs into a
fresh environment, and runs there outside the checkout; and a chapter's first cell installs it
where it is missing (the Colab path), replayed here from the local wheel.

Both tests are slow (a wheel build, a fresh venv): ``pytest -m "not slow"`` skips them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def shipped_files() -> set[str]:
    """Every non-Python file git tracks under lstm_edu/: what the wheel must carry."""
    out = subprocess.run(["git", "ls-files", "lstm_edu"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    return {p for p in out if not p.endswith(".py")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (found,) = out.glob("lstm_edu-*.whl")
    return found


def test_wheel_carries_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = shipped_files()
    assert expected, "git lists no data files under lstm_edu/"
    missing = sorted(p for p in expected if p not in names)
    assert missing == [], f"the wheel lacks files the package ships: {missing}"


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A venv with the notebooks' runtime (as on Colab) but without lstm_edu."""
    venv = tmp_path_factory.mktemp("colab") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    reqs = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith(("#", "-e", "jupyter-book", "voila",
                                                       "sphinx"))]
    py = venv / "bin" / "python"
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", "myst-nb", *reqs],
                          capture_output=True, text=True, timeout=1800,
                          env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return venv


def test_wheel_installs_and_runs_outside_the_checkout(wheel, fresh_venv, tmp_path):
    py = fresh_venv / "bin" / "python"
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    code = ("import json, numpy as np, lstm_edu, lstm_edu.data as d, lstm_edu.viz, "
            "lstm_edu.book.render as s\n"
            "tr = lstm_edu.LSTM(2, 3, seed=0).forward(np.zeros((4, 1, 2)))\n"
            "print(json.dumps({'file': lstm_edu.__file__, 'version': lstm_edu.__version__,"
            " 'h': tr.h.shape, 'sentiment': len(d.load_sentiment()[0]),"
            " 'result': sorted(d.load_result('paper_reproduction'))[:1],"
            " 'static': sorted(p.name for p in s.STATIC_DIR.iterdir())}))")
    run = subprocess.run([str(py), "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env={k: v for k, v in os.environ.items()
                                           if k != "PYTHONPATH"})
    assert run.returncode == 0, run.stderr[-3000:]
    info = json.loads(run.stdout.strip().splitlines()[-1])
    assert str(fresh_venv) in info["file"] and str(ROOT) not in info["file"]
    assert info["version"] != "0+unknown" and info["h"] == [4, 1, 3]
    assert info["sentiment"] > 0 and info["result"]
    assert "lstm_edu.css" in info["static"] and "figure_controls.js" in info["static"]


#: Runs inside the fresh venv: execute one notebook from its folder with the venv's kernel.
EXECUTE = """\
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
"""


def test_colab_path_each_chapter_installs_the_wheel_and_runs(wheel, fresh_venv, tmp_path):
    """Each chapter's first cell installs lstm_edu where it is missing (LSTM_EDU_SOURCE points
    it at the local wheel instead of the repository); then the chapter runs to the end, from a
    copy of chapters/ outside the checkout."""
    import shutil

    chapters = tmp_path / "chapters"
    shutil.copytree(ROOT / "chapters", chapters)
    script = tmp_path / "execute.py"
    script.write_text(EXECUTE, encoding="utf-8")
    py = fresh_venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{fresh_venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               VIRTUAL_ENV=str(fresh_venv), LSTM_EDU_SOURCE=str(wheel),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    failures = {}
    for nb in sorted(chapters.glob("*.ipynb")):
        subprocess.run([str(py), "-m", "pip", "uninstall", "-q", "-y", "lstm_edu"],
                       capture_output=True, timeout=300, env=env)
        proc = subprocess.run([str(py), str(script), str(nb), str(chapters)], cwd=chapters,
                              capture_output=True, text=True, timeout=900, env=env)
        if proc.returncode != 0:
            failures[nb.name] = proc.stderr[-2500:]
    assert failures == {}, "chapters failing on the Colab path:\n" + "\n".join(
        f"--- {k}\n{v}" for k, v in failures.items())
