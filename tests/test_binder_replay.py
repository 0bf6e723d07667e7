"""Replays what Binder does with this repository, and checks the book's launch buttons.

Binder (repo2docker) installs ``requirements.txt`` into a fresh environment and opens the
notebooks. Here: a fresh venv (``python -m venv``, *without* system site packages, so a missing
dependency shows), ``pip install -r requirements.txt`` (pip's cache and configured indexes make
a re-run cheap), then every notebook in ``chapters/`` executed top to bottom from its own
folder by that venv's kernel. PyTorch must not be importable there: the book never needs it.

It also checks that the built book offers the Binder launch button and a download button on
every chapter page (``_config.yml``: ``launch_buttons``, ``repository.url``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOK_TIMEOUT_S = 900

#: Runs inside the fresh venv: execute one notebook from its folder with the venv's kernel.
EXECUTE = """\
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
print("executed", path)
"""


def notebooks() -> list[Path]:
    found = sorted(p for p in CHAPTERS.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    assert found, "no notebooks in chapters/"
    return found


@pytest.fixture(scope="module")
def binder_venv(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("binder") / "venv"
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", "requirements.txt"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800, env=env)
    assert proc.returncode == 0, f"pip install -r requirements.txt failed:\n{proc.stderr[-4000:]}"
    print(f"binder replay: venv + pip install -r requirements.txt in {time.monotonic() - t0:.0f} s")
    return venv


@pytest.mark.slow
def test_binder_environment_has_no_torch_and_runs_every_notebook(binder_venv, tmp_path):
    py = binder_venv / "bin" / "python"
    code = ("import importlib.util as u; "
            "print(u.find_spec('torch') is None, u.find_spec('lstm_edu') is not None)")
    probe = subprocess.run([str(py), "-c", code], capture_output=True, text=True, timeout=120)
    assert probe.stdout.split() == ["True", "True"], (
        f"torch must be absent and lstm_edu present in the Binder environment: {probe.stdout}"
        f"{probe.stderr}")
    script = tmp_path / "execute.py"
    script.write_text(EXECUTE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{binder_venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(binder_venv)
    failures, times = {}, {}
    for nb in notebooks():
        t0 = time.monotonic()
        proc = subprocess.run([str(py), str(script), str(nb), str(nb.parent)], cwd=nb.parent,
                              capture_output=True, text=True, timeout=NOTEBOOK_TIMEOUT_S, env=env)
        times[nb.name] = round(time.monotonic() - t0)
        if proc.returncode != 0:
            failures[nb.name] = proc.stderr[-3000:]
    print(f"binder replay: notebook execution times (s): {times}")
    assert failures == {}, "notebooks failing in the Binder environment:\n" + "\n".join(
        f"--- {k}\n{v}" for k, v in failures.items())


def test_book_has_binder_launch_and_download_buttons(book_html):
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    repo = next(line.split("url:", 1)[1].strip() for line in config.splitlines()
                if line.strip().startswith("url:") and "github.com" in line)
    slug = repo.split("github.com/", 1)[1].rstrip("/")
    chapters = sorted((book_html / "chapters").glob("*.html"))
    notebook_pages = [p for p in chapters if (CHAPTERS / f"{p.stem}.ipynb").exists()]
    assert notebook_pages, "no chapter page built from a notebook"
    for page in notebook_pages:
        text = page.read_text(encoding="utf-8")
        launch = f"https://mybinder.org/v2/gh/{slug}/main?urlpath=lab/tree/chapters/{page.stem}.ipynb"
        assert launch in text, f"{page.name}: no Binder launch button to {launch}"
        assert "download-source-button" in text, f"{page.name}: no download button"
        assert f"_sources/chapters/{page.stem}.ipynb" in text, (
            f"{page.name}: download button does not offer the notebook")
