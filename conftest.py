"""The test tiers (pytest reads this before tests/conftest.py).

``pytest`` runs everything. ``pytest -m "not slow"`` is the fast tier: unit, parity,
properties, figures as data. A test is slow, and marked so here without each file having to
say it, when it needs the built book, Chromium or a server (it uses one of ``SLOW_FIXTURES``),
is marked ``browser``, or lives in a module that builds environments (``SLOW_MODULES``).
"""

import pytest

#: Fixtures that build or read the book, start Chromium, export the classroom or serve it.
SLOW_FIXTURES = {"book_html", "chromium", "offline_page", "execution_cache", "dashboard",
                 "screen_page"}
#: Modules whose every test builds a wheel or a fresh environment.
SLOW_MODULES = {"test_binder_replay", "test_package", "test_reproduce"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if (SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
                or item.get_closest_marker("browser") or module in SLOW_MODULES):
            item.add_marker(pytest.mark.slow)
