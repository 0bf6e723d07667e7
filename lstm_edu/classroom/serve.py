"""The live classroom dashboard: the book's widgets on localhost, no code visible.

What it covers
--------------
- ``LIVE_DEMOS``: the dashboard's demos in the lesson plan's order, each a :class:`LiveDemo`
  (name, title, a zero-argument callable returning an ipywidget): the live twins of the
  book's figures (``lstm_edu.viz.widgets``; controls drive a figure the kernel updates,
  callback errors are shown, not lost) and, where a demo has no live twin, its kernel-free
  figure (Play and its slider work in the page).
- ``dashboard()``: the one cell of the notebook that ``serve`` hands to Voila: a demo picker
  (with ← / → buttons) over one demo at a time. Only the first demo is built when the page
  is made; every other one is built the first time it is picked, then kept.
- ``free_port(start, tries)``: the first port from ``start`` on that nothing listens on
  (``PortInUse`` otherwise).
- ``serve(port, open_browser, cull_after)``: writes that notebook to a temporary folder and runs
  Voila on ``127.0.0.1:port``, exactly that port, with

  - code cells stripped, and the ``lstm_edu_classroom`` page template
    (``static/voila/templates``): Voila's ``lab`` template without its two Font Awesome CDN
    links, with projector-sized controls. Voila ships its front end and the widget and plotly
    renderers as installed JupyterLab extensions: nothing is requested beyond localhost;
  - one kernel kept *heated* (Voila's ``preheat_kernel``): the notebook is run before anyone
    asks for the page, and again, ``REFILL_DELAY_S`` after each page load, for the next one;
  - kernels culled ``cull_after`` seconds after their page was closed or reloaded (jupyter
    server's ``cull_idle_timeout`` without ``cull_connected``: a page left open keeps its
    kernel however long it stays idle), never while their page is still loading
    (:class:`lstm_edu.classroom.kernels.ClassroomKernelManager`).

  It prints the address once the server answers and the first page is prepared (the port
  read back from Voila), then opens it in a browser unless ``open_browser`` is False.
  Ctrl-C (or SIGTERM) stops it and its kernels.

It does not cover the static export (``lstm_edu.classroom.export``).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import tempfile
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

DEFAULT_PORT = 8866
#: Seconds after a page is closed or reloaded before its kernel is shut down.
DEFAULT_CULL_S = 120
#: The shortest culling delay ``serve`` accepts (a page must have time to load).
MIN_CULL_S = 30
#: Seconds after a page took the heated kernel before the next one is started (so that it does
#: not compete for the CPU while the page draws).
REFILL_DELAY_S = 5
NOTEBOOK = "Inside the LSTM - live classroom.ipynb"
TEMPLATE = "lstm_edu_classroom"
#: A folder on JUPYTER_PATH: Voila finds the template in its ``voila/templates``.
JUPYTER_DATA = Path(__file__).parent / "static"


class PortInUse(OSError):
    """No free port where one was asked for."""


def free_port(start: int = DEFAULT_PORT, tries: int = 50) -> int:
    """The first of ``start, start + 1, ...`` (``tries`` ports) free on 127.0.0.1."""
    for port in range(start, min(start + tries, 65536)):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server binds
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    last = min(start + tries, 65536) - 1
    where = f"port {start}" if last == start else f"ports {start} to {last}"
    raise PortInUse(f"{where} on 127.0.0.1 {'is' if last == start else 'are all'} in use")


@dataclass(frozen=True)
class LiveDemo:
    """One live demo: ``make()`` returns an ipywidget (controls and the figure they drive)."""

    name: str
    title: str
    make: Callable[[], object]


#: Height (px) of a live figure: under the dashboard's header and controls on a 720 px screen.
LIVE_HEIGHT = 540


def _fit_live(name: str, fig) -> None:
    """A live figure laid out for a landscape screen (``screen.fit_to_screen``: titles on
    the lines of a wide screen, the book's phone layout undone), ``LIVE_HEIGHT`` tall."""
    from lstm_edu.classroom.screen import fit_to_screen

    fit_to_screen(name, fig)
    fig.layout.height = LIVE_HEIGHT


def _live(name: str, factory: str) -> Callable[[], object]:
    """A demo maker: ``lstm_edu.viz.widgets.<factory>(projector=True)``, imported when it runs,
    its figure fitted to the screen (``_fit_live``)."""

    def make():
        from lstm_edu.viz import widgets

        live = getattr(widgets, factory)(projector=True)
        _fit_live(name, live.figure)
        live.refresh()
        return live

    return make


def _kernel_free(name: str) -> Callable[[], object]:
    """A demo maker: the classroom demo ``name``'s kernel-free figure, shown in an Output."""

    def make():
        import ipywidgets as W
        import plotly.io as pio

        from lstm_edu.book.render import PLOTLY_CONFIG, PLOTLY_MIME
        from lstm_edu.classroom import get_demo

        fig = get_demo(name).make(projector=True)
        _fit_live(name, fig)
        spec = json.loads(pio.to_json(fig, validate=False, remove_uids=True))
        spec["config"] = dict(PLOTLY_CONFIG)
        out = W.Output()
        out.outputs = ({"output_type": "display_data", "metadata": {},
                        "data": {PLOTLY_MIME: spec, "text/plain": f"<{name}>"}},)
        return out

    return make


#: The dashboard's demos, in the lesson plan's order (chapters/teachers.md): live twins from
#: ``lstm_edu.viz.widgets`` at projector size, or the kernel-free figure where none exists.
LIVE_DEMOS: tuple[LiveDemo, ...] = (
    LiveDemo("valve", "The sigmoid valve", _live("valve", "valve_widget")),
    LiveDemo("cell-tracer", "One LSTM cell, every number",
             _live("cell-tracer", "cell_tracer_widget")),
    LiveDemo("gates", "Gates over time", _live("gates", "gate_widget")),
    LiveDemo("bptt", "Backpropagation through time", _live("bptt", "bptt_widget")),
    LiveDemo("gradient-flow", "Vanishing and exploding gradients",
             _live("gradient-flow", "gradient_flow_widget")),
    LiveDemo("clipping", "Exploding gradients and clipping", _live("clipping", "clipping_widget")),
    LiveDemo("loss-cliff", "The loss cliff", _live("loss-cliff", "loss_cliff_widget")),
    LiveDemo("clip-vanishing", "Clipping a vanishing gradient", _kernel_free("clip-vanishing")),
    LiveDemo("lstm-exploding", "An LSTM whose gradient explodes",
             _kernel_free("lstm-exploding")),
)


def dashboard(demos=LIVE_DEMOS):
    """Display the demo picker and the first demo (the dashboard's only cell); returns it."""
    import ipywidgets as W
    from IPython.display import display

    demos = list(demos)
    header = W.HTML("<h1>Inside the LSTM: live classroom</h1>"
                    "<p>Move a control: the kernel recomputes the figure.</p>")
    picker = W.Dropdown(options=[(d.title, k) for k, d in enumerate(demos)], value=0,
                        description="Demo", layout=W.Layout(width="560px"))
    back = W.Button(description="← previous", tooltip="previous demo")
    forward = W.Button(description="next →", tooltip="next demo")
    status = W.HTML()
    errors = W.Output()
    stage = W.VBox()
    built: dict[int, object] = {}

    def show(k: int) -> None:
        back.disabled, forward.disabled = k == 0, k == len(demos) - 1
        if k not in built:
            status.value = f"<p>Preparing <b>{demos[k].title}</b>…</p>"
            try:
                built[k] = demos[k].make()
            except Exception:  # shown to the teacher, never swallowed
                import traceback

                errors.outputs = ({"output_type": "stream", "name": "stderr",
                                   "text": traceback.format_exc()},)
                status.value = f"<p>{demos[k].title} could not be built (see below).</p>"
                return
        stage.children = [built[k]]
        status.value = ""

    picker.observe(lambda change: show(change["new"]), names="value")
    back.on_click(lambda _: setattr(picker, "value", max(picker.value - 1, 0)))
    forward.on_click(lambda _: setattr(picker, "value", min(picker.value + 1, len(demos) - 1)))
    show(0)
    box = W.VBox([header, W.HBox([back, picker, forward]), status, stage, errors])
    display(box)
    return box


def write_notebook(folder: Path) -> Path:
    """Write the dashboard notebook (one code cell calling :func:`dashboard`) into ``folder``."""
    nb = {
        "cells": [{
            "cell_type": "code", "execution_count": None, "id": "dashboard", "metadata": {},
            "outputs": [],
            "source": ["from lstm_edu.classroom.serve import dashboard\n", "dashboard();"],
        }],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4, "nbformat_minor": 5,
    }
    path = Path(folder) / NOTEBOOK
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def voila_argv(notebook: Path, port: int, cull_after: int = DEFAULT_CULL_S,
               exact: bool = True) -> list[str]:
    """Voila's command line: loopback only, ``port`` (or, unless ``exact``, the next free one
    should it be taken meanwhile), code hidden, the classroom template, one heated kernel,
    idle kernels of closed pages culled (0: never)."""
    retries = 0 if exact else 50
    argv = [str(notebook), f"--port={port}", "--Voila.ip=127.0.0.1",
            f"--Voila.port_retries={retries}",
            "--no-browser", "--strip_sources=True", f"--template={TEMPLATE}", "--theme=light",
            "--show_tracebacks=True", "--preheat_kernel=True", "--pool_size=1",
            # Kernels talk to the server over local sockets, not TCP: nothing to eavesdrop on
            # (and no "running over TCP without encryption" warning).
            "--KernelManager.transport=ipc",
            f"--VoilaKernelManager.fill_delay={REFILL_DELAY_S}"]
    if cull_after > 0:
        argv += ["--VoilaConfiguration.multi_kernel_manager_class="
                 "lstm_edu.classroom.kernels.ClassroomKernelManager",
                 f"--ClassroomKernelManager.page_load_grace={max(cull_after, 60)}",
                 f"--MappingKernelManager.cull_idle_timeout={cull_after}",
                 f"--MappingKernelManager.cull_interval={max(1, min(30, cull_after // 2))}",
                 "--MappingKernelManager.cull_connected=False"]
    return argv


async def _announce(app, open_browser: bool) -> None:
    """Print the address Voila serves (read back from it) once the heated page is ready."""
    url = f"http://127.0.0.1:{app.port}/"
    print(f"Inside the LSTM live classroom: preparing the first page on port {app.port} ...",
          flush=True)
    try:
        for task in list(getattr(app.kernel_manager, "_pools", {}).values())[0][:1]:
            content = await task
            await content["task"]
    except Exception as err:  # noqa: BLE001 - the page is still served; say so and go on
        print(f"(could not wait for the first page: {err})", flush=True)
    print(f"Inside the LSTM live classroom: {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        webbrowser.open(url)


def serve(port: int = DEFAULT_PORT, open_browser: bool = True,
          cull_after: int = DEFAULT_CULL_S, exact: bool = True) -> int:
    """Run the live dashboard on http://127.0.0.1:``port`` until interrupted; exit status.

    ``exact=False``: should ``port`` be taken between choosing it and listening, Voila takes
    the next free one; the address printed is always the one Voila listens on.
    """
    try:
        import tornado.ioloop
        from voila.app import Voila
    except ImportError as err:  # pragma: no cover - voila is in requirements.txt
        raise SystemExit("serve needs Voila: pip install -r requirements.txt") from err
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH")) if p)
    with tempfile.TemporaryDirectory(prefix="lstm-edu-classroom-") as tmp:
        nb = write_notebook(Path(tmp))
        app = Voila.instance()
        app.initialize(voila_argv(nb, port, cull_after, exact))
        loop = tornado.ioloop.IOLoop.current()
        loop.add_callback(lambda: asyncio.ensure_future(_announce(app, open_browser)))
        try:
            app.start()
        except SystemExit as stop:   # Voila could not listen (the port was taken meanwhile)
            if stop.code:
                print(f"python -m lstm_edu.classroom serve: error: argument --port: could not "
                      f"listen on 127.0.0.1:{port}", file=sys.stderr)
                return 2
    return 0
