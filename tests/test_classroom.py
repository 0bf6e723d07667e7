"""Classroom mode: ``python -m lstm_edu.classroom export`` and ``serve``.

- the command line: ``--help`` for both commands, bad arguments rejected with a message that
  names the argument and a non-zero exit;
- ``export``: an index and one page per demo, plotly.js written once and loaded by relative
  path, nothing from a CDN; in Chromium with the network cut off, each page draws its figure
  and a click on its slider changes the drawn data;
- ``serve``: Voila starts on a loopback port, a real widget slider moved by keyboard makes the
  kernel redraw the figure, and the server stops cleanly on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lstm_edu.classroom import DEMO_NAMES

ROOT = Path(__file__).resolve().parents[1]
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "cdn.plot.ly", "mathjax@")
#: plotly's figure data as seen in the browser (all traces of all figures on the page).
DRAWN_DATA = """() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(gd => gd.data.map(t => [t.x, t.y, t.z, t.text, t.customdata, t.visible])))"""
SERVE_START_TIMEOUT_S = 180
#: Voila's "lab" page template links Font Awesome from a CDN; the icons it needs are bundled,
#: so offline that request fails harmlessly. Everything else must come from localhost.
VOILA_CDN_ALLOWED = ("fontawesome-free",)


def classroom(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lstm_edu.classroom", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, **kw)


# -- the command line ------------------------------------------------------------------------

def test_help_explains_both_commands():
    top = classroom("--help")
    assert top.returncode == 0
    assert "export" in top.stdout and "serve" in top.stdout and "offline" in top.stdout
    ex = classroom("export", "--help")
    assert ex.returncode == 0 and "--demos" in ex.stdout and "--no-projector" in ex.stdout
    sv = classroom("serve", "--help")
    assert sv.returncode == 0 and "--port" in sv.stdout and "--no-browser" in sv.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((), "export,serve"),
        (("teach",), "teach"),
        (("export",), "DIR"),
        (("export", "out", "--demos", "nope"), "--demos"),
        (("serve", "--port", "99999"), "--port"),
        (("serve", "--port", "http"), "--port"),
        (("serve", "--colour"), "--colour"),
    ],
)
def test_bad_arguments_exit_non_zero_naming_the_argument(args, named):
    proc = classroom(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "error:" in proc.stderr and named in proc.stderr, proc.stderr


def test_export_into_a_file_is_refused(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    proc = classroom("export", str(target))
    assert proc.returncode == 2
    assert "out_dir" in proc.stderr and "not a directory" in proc.stderr


# -- export ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("classroom") / "lesson"
    proc = classroom("export", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout
    return out


def test_export_writes_index_and_one_page_per_demo(exported):
    names = sorted(p.name for p in exported.iterdir())
    assert names == sorted(["index.html", "plotly.min.js", *(f"{n}.html" for n in DEMO_NAMES)])
    index = (exported / "index.html").read_text(encoding="utf-8")
    for n in DEMO_NAMES:
        assert f'href="{n}.html"' in index


def test_export_pages_load_plotly_once_by_relative_path_and_no_cdn(exported):
    big = [p for p in exported.iterdir() if p.stat().st_size > 1_000_000]
    assert [p.name for p in big] == ["plotly.min.js"], "plotly.js must be written once"
    for n in DEMO_NAMES:
        text = (exported / f"{n}.html").read_text(encoding="utf-8")
        assert text.count('<script src="plotly.min.js"></script>') == 1
        assert 'class="lstm-edu-figure" aria-label="' in text
        assert len(text) < 200_000, f"{n}.html inlines something large"
        for host in CDN_HOSTS:
            assert host not in text, f"{n}.html names {host}"


def test_export_subset_and_book_size(tmp_path):
    proc = classroom("export", str(tmp_path / "two"), "--demos", "bptt", "valve",
                     "--no-projector")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "two").iterdir())
    assert names == ["bptt.html", "index.html", "plotly.min.js", "valve.html"]
    index = (tmp_path / "two" / "index.html").read_text(encoding="utf-8")
    assert index.index("bptt.html") < index.index("valve.html"), "order as given"


def _click_slider_end(page, slider: int = 0) -> None:
    """Click near the right end of the ``slider``-th plotly slider rail (its last step)."""
    rail = page.locator("g.slider-container rect.slider-rail-touch-rect").nth(slider)
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    assert box is not None, "slider rail not drawn"
    page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] / 2)


@pytest.mark.browser
def test_every_exported_page_draws_and_its_slider_works_offline(exported, offline_page):
    page = offline_page
    page.goto((exported / "index.html").as_uri(), wait_until="load")
    assert page.locator("ol.demos a").count() == len(DEMO_NAMES)
    for n in DEMO_NAMES:
        page.console_errors.clear()
        page.goto((exported / f"{n}.html").as_uri(), wait_until="load")
        page.wait_for_selector("figure.lstm-edu-figure .js-plotly-plot .main-svg",
                               timeout=20_000)
        assert page.locator("g.slider-container").count() >= 1, f"{n}: no slider"
        before = page.evaluate(DRAWN_DATA)
        _click_slider_end(page)
        page.wait_for_function(f"b => ({DRAWN_DATA})() !== b", arg=before, timeout=10_000)
        assert page.console_errors == [], f"{n}: console errors {page.console_errors}"
    assert page.blocked_requests == [], f"requests leaving the machine: {page.blocked_requests}"


# -- serve -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited early with {proc.returncode}:\n{proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {timeout} s")


def stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM to the server's process group, then SIGKILL if it does not exit in time."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            pytest.fail(f"serve did not stop within {timeout} s of SIGTERM")
    return proc.returncode


@pytest.mark.browser
@pytest.mark.slow
def test_live_dashboard_redraws_when_a_widget_moves_then_stops_cleanly(chromium):
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lstm_edu.classroom", "serve", "--port", str(port),
         "--no-browser"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        wait_for_http(url, proc, SERVE_START_TIMEOUT_S)
        page = context.new_page()
        blocked = []

        def route(r):
            u = r.request.url
            if u.startswith((url, "data:", "blob:")):
                r.continue_()
            else:
                blocked.append(u)
                r.abort()

        page.route("**/*", route)
        page.goto(url, timeout=SERVE_START_TIMEOUT_S * 1000)
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=SERVE_START_TIMEOUT_S * 1000)
        started = time.monotonic() - t0
        print(f"dashboard: first figure drawn {started:.1f} s after `serve` started")
        # No code is visible: Voila strips the sources.
        assert page.locator(".jp-InputArea, .jp-InputPrompt, .CodeMirror, .cm-editor").count() == 0
        assert "dashboard()" not in page.content()
        handles = page.locator(".widget-slider .noUi-handle")
        assert handles.count() >= 1, "no widget slider on the dashboard"
        before = page.evaluate(DRAWN_DATA)
        handles.first.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"b => ({DRAWN_DATA})() !== b", arg=before, timeout=60_000)
        after = json.loads(page.evaluate(DRAWN_DATA))
        assert after and after != json.loads(before)
        stray = [u for u in blocked if not any(a in u for a in VOILA_CDN_ALLOWED)]
        assert stray == [], f"the dashboard reached beyond localhost: {stray}"
    finally:
        context.close()
        code = stop(proc)
    assert code in (0, -signal.SIGTERM, 128 + signal.SIGTERM), f"serve exited with {code}"
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=3)  # noqa: S310 - the port is closed again
