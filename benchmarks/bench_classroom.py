"""How long a teacher waits for the live dashboard, and what it leaves running.

Starts ``python -m lstm_edu.classroom serve --no-browser`` in a fresh process, waits until its
port accepts connections (a TCP connect, so polling starts no kernel), then opens the page in
Debian's Chromium (playwright, every request leaving 127.0.0.1 blocked and recorded) and times:

- ``ready``: seconds from the command to serve printing its address (the current ``serve``
  prints it once the first page is prepared; the old one printed it at once) and to that port
  accepting connections; the page is opened then, as a teacher would;
- ``first figure``: seconds from ``page.goto`` to the first drawn plotly figure
  (``.js-plotly-plot .main-svg``): what the teacher waits for after the page opens, and the
  same counted from the command;
- ``kernels``: kernel processes under the server after ``--loads`` page loads (each load a
  fresh page, as a reload is), and again ``--cull-wait`` seconds after the last page closed;
- ``offline``: requests that tried to leave the machine, console errors;
- ``smallest control text``: the smallest font size (px) of the dashboard's widget labels,
  readouts and buttons.

    python benchmarks/bench_classroom.py                     # 3 loads, waits for culling
    python benchmarks/bench_classroom.py --loads 1 --cull-wait 0
    python benchmarks/bench_classroom.py --serve-args --cull-after 30

Targets (issue 9): first figure <= 15 s after the page opens, idle kernels culled, no request
beyond localhost, control text >= 18 px. Exits non-zero when the first figure misses 15 s.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FIRST_FIGURE_TARGET_S = 15.0
ADDRESS = re.compile(r"live classroom: http://127\.0\.0\.1:(\d+)/")
SMALLEST_TEXT = """() => Math.min(...Array.from(document.querySelectorAll(
    '.widget-label, .widget-readout, .widget-toggle-button, .widget-button, .widget-dropdown,'
    + ' .jupyter-button, .widget-html-content')).filter(e => e.getBoundingClientRect().width > 0
    && (e.textContent || '').trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kernels(proc: subprocess.Popen) -> int:
    """Kernel processes (``ipykernel_launcher``) anywhere under the server process."""
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    count = 0
    for c in children:
        try:
            count += any("ipykernel" in part for part in c.cmdline())
        except psutil.Error:
            pass
    return count


class Server:
    """The ``serve`` command in its own process group; its output collected by a thread."""

    def __init__(self, args: list[str]):
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lstm_edu.classroom", "serve", "--no-browser", *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def printed_port(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                m = ADDRESS.search(line)
                if m:
                    return int(m.group(1))
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit("serve printed no address:\n" + "\n".join(self.lines))

    def wait_listening(self, port: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("serve exited early:\n" + "\n".join(self.lines))
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return time.monotonic() - self.t0
            time.sleep(0.1)
        raise SystemExit(f"port {port} did not open within {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def open_page(browser, url: str, timeout_s: float) -> dict:
    """One page load: seconds to the first figure, blocked requests, console errors, fonts."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    blocked, errors = [], []

    def route(r):
        if r.request.url.startswith((url, "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    t0 = time.monotonic()
    page.goto(url, timeout=timeout_s * 1000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=timeout_s * 1000)
    first = time.monotonic() - t0
    page.wait_for_timeout(1000)
    smallest = page.evaluate(SMALLEST_TEXT)
    context.close()
    return {"first": first, "blocked": blocked, "errors": errors, "smallest": smallest}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loads", type=int, default=3, help="page loads (default 3)")
    ap.add_argument("--cull-wait", type=float, default=200.0,
                    help="seconds to wait after the last load before counting kernels again "
                         "(default 200; 0 skips)")
    ap.add_argument("--port", type=int, default=None,
                    help="pass --port to serve (default: none; the address is read from "
                         "serve's output)")
    ap.add_argument("--timeout", type=float, default=240.0)
    ap.add_argument("--serve-args", nargs=argparse.REMAINDER, default=[],
                    help="further arguments for serve (last on the line)")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    serve_args = ([] if args.port is None else ["--port", str(args.port)]) + args.serve_args
    server = Server(serve_args)
    try:
        port = server.printed_port(args.timeout)
        printed = time.monotonic() - server.t0
        listening = server.wait_listening(port, args.timeout)
        url = f"http://127.0.0.1:{port}/"
        print(f"serve {' '.join(serve_args)}: printed {url} after {printed:.1f} s, "
              f"accepting connections after {listening:.1f} s (load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            loads = []
            for k in range(args.loads):
                r = open_page(browser, url, args.timeout)
                loads.append(r)
                print(f"load {k + 1}: first figure {r['first']:.1f} s after the page opened "
                      f"({time.monotonic() - server.t0:.1f} s after the command); "
                      f"kernels now {kernels(server.proc)}; smallest control text "
                      f"{r['smallest']:.1f} px; blocked {len(r['blocked'])} "
                      f"{r['blocked'][:2]}; console errors {len(r['errors'])}")
            browser.close()
        if args.cull_wait > 0:
            time.sleep(args.cull_wait)
            print(f"{args.cull_wait:.0f} s after the last page closed: "
                  f"kernels {kernels(server.proc)}")
    finally:
        server.stop()
    first = loads[0]["first"]
    verdict = "meets" if first <= FIRST_FIGURE_TARGET_S else "MISSES"
    print(f"first figure of the first load: {first:.1f} s ({verdict} the "
          f"{FIRST_FIGURE_TARGET_S:g} s target)")
    return 0 if first <= FIRST_FIGURE_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
