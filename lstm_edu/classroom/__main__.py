"""Command line of classroom mode: ``python -m lstm_edu.classroom {export,serve}``.

What it covers: argument parsing (argparse: ``--help`` for both commands, a clear message and
exit status 2 for bad arguments) and dispatch to :mod:`lstm_edu.classroom.export` and
:mod:`lstm_edu.classroom.serve`.
"""

from __future__ import annotations

import argparse
import sys
import time

from lstm_edu.classroom import DEMO_NAMES
from lstm_edu.classroom.serve import DEFAULT_PORT

DESCRIPTION = """\
Inside the LSTM in the classroom.

  export DIR   write a self-contained, offline folder of projector-ready pages (one per
               kernel-free animation, plotly.js included once, an index page); open
               DIR/index.html from disk in any browser, no internet needed.
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


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m lstm_edu.classroom", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="{export,serve}")
    ex = sub.add_parser(
        "export", help="write an offline folder of projector-ready demo pages",
        description="Write an offline folder of projector-ready demo pages: DIR/index.html "
                    "plus one page per demo and plotly.min.js (once). Opens from disk.")
    ex.add_argument("dir", metavar="DIR", help="folder to write (created if missing)")
    ex.add_argument("--demos", nargs="+", choices=DEMO_NAMES, metavar="NAME",
                    help=f"only these demos, in this order (default: all): "
                         f"{', '.join(DEMO_NAMES)}")
    ex.add_argument("--no-projector", dest="projector", action="store_false",
                    help="book-sized fonts and lines instead of the large projector preset")
    sv = sub.add_parser(
        "serve", help="start the live widget dashboard on localhost (Voila)",
        description="Start the live dashboard of the widgets on http://127.0.0.1:PORT, code "
                    "hidden, a real kernel behind every control. Ctrl-C stops it.")
    sv.add_argument("--port", type=_port, default=DEFAULT_PORT,
                    help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    sv.add_argument("--no-browser", dest="open_browser", action="store_false",
                    help="do not open a browser window")
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.command == "export":
        from lstm_edu.classroom.export import export

        t0 = time.perf_counter()
        try:
            pages = export(args.dir, demos=args.demos, projector=args.projector)
        except (ValueError, OSError) as err:
            print(f"python -m lstm_edu.classroom export: error: {err}", file=sys.stderr)
            return 2
        print(f"wrote {len(pages)} pages to {pages[0].parent} in "
              f"{time.perf_counter() - t0:.1f} s; open {pages[0]}")
        return 0
    from lstm_edu.classroom.serve import serve

    serve(port=args.port, open_browser=args.open_browser)
    return 0


if __name__ == "__main__":
    sys.exit(main())
