"""Shared fixtures: the built book and an offline Chromium page.

- ``book_html``: the built HTML book (``_build/html``). Built once per session with warnings as
  errors, unless ``LSTM_EDU_BOOK_HTML`` names a book that was just built (``.ci/run`` does that,
  so CI builds once).
- ``offline_page``: a Playwright page in Debian's Chromium where every request that is not a
  ``file://`` URL is aborted and recorded in ``page.blocked_requests``; console errors and
  uncaught page errors are recorded in ``page.console_errors``.
- ``phone_page``: the same, as a phone shows the book: a 390x844 mobile viewport
  (``PHONE``), touch, the page's own ``<meta name="viewport">`` honoured.
- ``new_offline_page(**context_options)``: a factory for such pages with other browser
  settings (a dark colour-scheme preference, an init script).

Tests that need Chromium are marked ``browser``: they skip when Chromium is absent, except in CI
(``CI`` set), where a missing browser fails them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: A phone as the reader's tests see it (about an iPhone 12-15's CSS viewport).
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def jupyter_book_command() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [shutil.which("jupyter-book") or "jupyter-book"]


@pytest.fixture(scope="session")
def book_html() -> Path:
    prebuilt = os.environ.get("LSTM_EDU_BOOK_HTML")
    if prebuilt:
        html = Path(prebuilt).resolve()
        assert (html / "index.html").is_file(), f"LSTM_EDU_BOOK_HTML={prebuilt} holds no built book"
        return html
    cmd = [*jupyter_book_command(), "build", "-W", "-n", "--keep-going", str(ROOT)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        pytest.fail(f"`{' '.join(cmd)}` failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-4000:]}")
    return ROOT / "_build" / "html"


def chromium_executable() -> str | None:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


@pytest.fixture(scope="session")
def chromium():
    exe = chromium_executable()
    if exe is None:
        if in_ci():
            pytest.fail("Chromium is required in CI (apt-get install -y chromium)")
        pytest.skip("Chromium not installed (apt-get install -y chromium); these run in CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watched_offline(context):
    """A new page of ``context`` that cannot reach the network and records what it tried."""
    page = context.new_page()
    page.blocked_requests = []
    page.console_errors = []

    def route(r):
        if r.request.url.startswith(("file://", "data:", "blob:")):
            r.continue_()
        else:
            page.blocked_requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(f"pageerror: {e}"))
    return page


@pytest.fixture
def offline_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield watched_offline(context)
    context.close()


@pytest.fixture
def new_offline_page(chromium):
    """A factory: ``new_offline_page(**context_options)`` gives an offline, watched page in a
    fresh browser context (``color_scheme="dark"``, a viewport, an init script ...)."""
    contexts = []

    def make(init_script=None, **options):
        context = chromium.new_context(**options)
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        return watched_offline(context)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(new_offline_page):
    return new_offline_page(**PHONE)
