"""Command line of classroom mode: ``python -m lstm_edu.classroom {export,serve}``.

What it covers: argument parsing (argparse: ``--help`` for both commands; every bad argument,
also one found only when it is used, such as a folder that cannot be written or a port that
is taken, answered in argparse's style: the usage line, then ``error: argument NAME: what is
wrong``, exit status 2) and dispatch to :mod:`lstm_edu.classroom.export` and
:mod:`lstm_edu.classroom.serve`.
"""

from __future__ import annotations

import argparse
import sys
import time

from lstm_edu.classroom import DEMO_NAMES, PLAYGROUND_NAMES
from lstm_edu.classroom.serve import (
    DEFAULT_CULL_S,
    DEFAULT_PORT,
    MIN_CULL_S,
    PortInUse,
    free_port,
)

DESCRIPTION = """\
Inside the LSTM in the classroom.

  export DIR   write a self-contained, offline folder of projector-ready pages (one per
               kernel-free animation, in lesson order, plotly.js included once, an index
               page); open DIR/index.html from disk in any browser, no internet needed.
               Keys on every page: → next demo, ← previous, F full screen, Q the question,
               P print a one-page handout.
  serve        start a live dashboard of the widgets on http://127.0.0.1:PORT (Voila, code
               hidden; a real Python kernel recomputes each figure as you move a control).
"""


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {port}")
    return port


def _seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of seconds, got {text!r}") \
            from None
    if value != 0 and value < MIN_CULL_S:
        raise argparse.ArgumentTypeError(
            f"must be 0 (never) or at least {MIN_CULL_S} (a page that is still loading must "
            f"keep its kernel), got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m lstm_edu.classroom", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="{export,serve}")
    ex = sub.add_parser(
        "export", help="write an offline folder of projector-ready demo pages",
        description="Write an offline folder of projector-ready demo pages: DIR/index.html "
                    "plus one page per demo, in lesson order, and plotly.min.js, lesson.css "
                    "and lesson.js (once). Opens from disk. On a page: → next demo, "
                    "← previous, F full screen, Q the question, P print a one-page handout.")
    ex.add_argument("dir", metavar="DIR", help="folder to write (created if missing)")
    ex.add_argument("--demos", nargs="+", choices=DEMO_NAMES + PLAYGROUND_NAMES, metavar="NAME",
                    help=f"only these demos, in this order (default: all, in lesson order, "
                         f"then the live playgrounds): {', '.join(DEMO_NAMES)}; live "
                         f"playgrounds: {', '.join(PLAYGROUND_NAMES)}")
    ex.add_argument("--no-projector", dest="projector", action="store_false",
                    help="book-sized fonts and lines instead of the large projector preset")
    sv = sub.add_parser(
        "serve", help="start the live widget dashboard on localhost (Voila)",
        description="Start the live dashboard of the widgets on http://127.0.0.1:PORT, code "
                    "hidden, a real kernel behind every control. It prints the address once "
                    "it answers. Ctrl-C stops it.")
    sv.add_argument("--port", type=_port, default=None,
                    help=f"port on 127.0.0.1 (default: {DEFAULT_PORT}, or the next free one "
                         f"if it is taken)")
    sv.add_argument("--no-browser", dest="open_browser", action="store_false",
                    help="do not open a browser window")
    sv.add_argument("--cull-after", type=_seconds, default=DEFAULT_CULL_S, metavar="SECONDS",
                    help=f"shut down the kernel of a page closed or reloaded this many seconds "
                         f"ago (default {DEFAULT_CULL_S}; 0: never). The page on screen "
                         f"keeps its kernel however long it is left alone.")
    p.subparsers = {"export": ex, "serve": sv}
    return p


def main(argv=None) -> int:
    p = parser()
    args = p.parse_args(argv)
    sub = p.subparsers[args.command]
    if args.command == "export":
        from lstm_edu.classroom.export import ExportError, export

        t0 = time.perf_counter()
        try:
            pages = export(args.dir, demos=args.demos, projector=args.projector)
        except ExportError as err:
            sub.error(f"argument DIR: {err}; choose a folder you can write to")
        except ValueError as err:
            sub.error(f"argument DIR: {err}")
        print(f"wrote {len(pages)} pages to {pages[0].parent} in "
              f"{time.perf_counter() - t0:.1f} s; open {pages[0]}")
        return 0
    from lstm_edu.classroom.serve import serve

    try:
        port = free_port(DEFAULT_PORT) if args.port is None else free_port(args.port, tries=1)
    except PortInUse as err:
        hint = ("choose another port, or leave --port out to take the next free one"
                if args.port is not None else "free one of them or pass --port")
        sub.error(f"argument --port: {err}; {hint}")
    return serve(port=port, open_browser=args.open_browser, cull_after=args.cull_after,
                 exact=args.port is not None)


if __name__ == "__main__":
    sys.exit(main())
