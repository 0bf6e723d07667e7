"""Export the classroom demos as a self-contained, offline folder of projector-ready pages.

What it covers
--------------
``export(out_dir, demos=None, projector=True)`` writes into ``out_dir``:

- ``index.html``: the list of demos, large links, opens from disk (``file://``);
- ``<name>.html``: one page per kernel-free demo (``lstm_edu.classroom.DEMOS``), the figure
  drawn by ``lstm_edu.book.render.figure_html`` (its div and script, an accessible description,
  no plotly.js, no MathJax, no CDN), with Play and slider working in the browser alone;
- ``plotly.min.js``: plotly's own bundled copy, written **once** and referenced by a relative
  path from every page.

Nothing on any page reaches the network. It does not cover the live dashboard
(``lstm_edu.classroom.serve``).
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from lstm_edu.book.render import PLOTLY_JS, figure_html
from lstm_edu.classroom import DEMOS, Demo, get_demo

PLOTLY_FILE = "plotly.min.js"

CSS = """\
html { font-size: 22px; }
body { font-family: Helvetica, Arial, sans-serif; color: #222; background: #fff;
       margin: 0 auto; padding: 0.6rem 1.2rem 2rem; max-width: 1600px; line-height: 1.4; }
h1 { font-size: 1.8rem; margin: 0.4rem 0; }
nav a, main a { color: #0a4f8a; }
nav { font-size: 1rem; margin-bottom: 0.4rem; }
nav a { margin-right: 1.2rem; }
a:focus { outline: 3px solid #0072B2; outline-offset: 2px; }
ol.demos { font-size: 1.3rem; }
ol.demos li { margin: 0.8rem 0; }
ol.demos span { display: block; font-size: 1rem; color: #444; }
.lstm-edu-sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0;
  margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
figure.lstm-edu-figure { margin: 0; }
"""


def _page(title: str, body: str, scripts: str = "") -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{CSS}</style>\n{scripts}</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def demo_page(demo: Demo, projector: bool, prev: Demo | None, next_: Demo | None) -> str:
    """The HTML page of one demo (plotly.js loaded from ``plotly.min.js`` beside it)."""
    fig = demo.make(projector=projector)
    links = ['<a href="index.html">All demos</a>']
    if prev is not None:
        links.append(f'<a href="{prev.name}.html">← {html.escape(prev.title)}</a>')
    if next_ is not None:
        links.append(f'<a href="{next_.name}.html">{html.escape(next_.title)} →</a>')
    body = (
        f'<nav aria-label="demos">{" ".join(links)}</nav>\n'
        f"<main>\n<h1>{html.escape(demo.title)}</h1>\n"
        f"{figure_html(fig.to_plotly_json())}\n</main>"
    )
    scripts = f'<script src="{PLOTLY_FILE}"></script>\n'
    return _page(f"{demo.title} · Inside the LSTM", body, scripts)


def index_page(demos: list[Demo]) -> str:
    """The index page: one large link per demo, in lesson order."""
    items = "\n".join(
        f'<li><a href="{d.name}.html">{html.escape(d.title)}</a>'
        f"<span>{html.escape(d.blurb)}</span></li>"
        for d in demos
    )
    body = (
        "<main>\n<h1>Inside the LSTM: classroom demos</h1>\n"
        "<p>Every demo works offline: press ▶ Play or drag the slider.</p>\n"
        f'<ol class="demos">\n{items}\n</ol>\n</main>'
    )
    return _page("Inside the LSTM: classroom demos", body)


def export(out_dir, demos=None, projector: bool = True) -> list[Path]:
    """Write the classroom folder to ``out_dir``; return the pages written (index first).

    ``demos``: names from ``lstm_edu.classroom.DEMO_NAMES`` (default: all, in lesson order).
    ``out_dir`` may exist; it must not be a file.
    """
    chosen = list(DEMOS) if not demos else [get_demo(n) for n in dict.fromkeys(demos)]
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out_dir: {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLOTLY_JS, out / PLOTLY_FILE)
    pages = [out / "index.html"]
    pages[0].write_text(index_page(chosen), encoding="utf-8")
    for k, demo in enumerate(chosen):
        prev = chosen[k - 1] if k > 0 else None
        next_ = chosen[k + 1] if k + 1 < len(chosen) else None
        path = out / f"{demo.name}.html"
        path.write_text(demo_page(demo, projector, prev, next_), encoding="utf-8")
        pages.append(path)
    return pages
