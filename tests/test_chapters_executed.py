"""Every chapter runs top to bottom: read from the book build's own execution records.

The strict build (``jupyter-book build -W -n --keep-going .``, ``execute.raise_on_error``) runs
each notebook once and stores it in its execution cache (``_build/.jupyter_cache``) only when
no cell raised. These tests check that the cache holds an execution of exactly the notebook's
current code, and that it took at most a minute (the README's promise to students). So a
plain ``pytest`` executes each notebook once (the build), not twice (build and nbval);
``pytest --nbval chapters`` still runs them cell by cell in your own environment.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
BUDGET_S = 60.0


@pytest.fixture(scope="session")
def execution_cache(book_html):
    path = Path(book_html).parent / ".jupyter_cache"
    assert path.is_dir(), f"the build left no execution cache at {path}"
    return get_cache(str(path))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_build_executed_this_notebook_without_error(notebook, execution_cache):
    nb = nbformat.read(notebook, as_version=4)
    try:
        record = execution_cache.match_cache_notebook(nb)
    except KeyError:
        pytest.fail(f"{notebook.name}: the build holds no successful execution of its current "
                    "code (a cell raised, or the book was built before the last change)")
    seconds = record.data["execution_seconds"]
    assert seconds <= BUDGET_S, f"{notebook.name} took {seconds:.0f} s (budget {BUDGET_S:.0f} s)"


def test_every_chapter_in_the_toc_is_a_checked_notebook():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = {line.split("file:", 1)[1].strip() for line in toc.splitlines() if "file:" in line}
    notebooks = {f"chapters/{p.stem}" for p in NOTEBOOKS}
    assert notebooks <= listed, f"notebooks missing from _toc.yml: {sorted(notebooks - listed)}"
