"""How the book's plotly figures reach the reader, with or without a kernel, offline.

What it covers
--------------
A plotly renderer, registered as ``"lstm_edu"`` and made the default when ``lstm_edu`` is
imported, whose output carries two representations of every figure:

- ``application/vnd.plotly.v1+json``: the figure itself, drawn by JupyterLab, Notebook 7 and
  VS Code (live Jupyter, Binder, a classroom);
- ``text/html``: only the figure's ``<div>`` and the one ``Plotly.newPlot`` call, with
  **no** plotly.js and **no** MathJax inlined and nothing loaded from a CDN. Jupyter Book
  picks this one (it skips the plotly mime type); ``lstm_edu.book.sphinxext`` serves plotly.js once
  from the book's own ``_static`` on the pages that need it.

The div id is derived from the figure's content, so re-running a notebook yields identical
output (nbval and execution caches stay stable). Animations never start by themselves
(``auto_play=False``): the reader presses Play.

What it does not cover: building figures (``lstm_edu.viz``) or their look (``lstm_edu.viz.theme``).
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer

RENDERER_NAME = "lstm_edu"
PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: plotly.js options for every figure: responsive width, and no mode bar. plotly's mode bar
#: (zoom, pan, download, logo) sits over the top right of the figure, where it covered the
#: titles on every page, and on a touch screen it appears at every tap. What readers use stays:
#: hover values, legend clicks, drag to zoom and double-click to reset, the sliders and Play.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


def figure_id(fig_json: str) -> str:
    """A short, stable id for a figure: the same figure always gets the same id."""
    return "lstm-edu-fig-" + hashlib.sha1(fig_json.encode("utf-8")).hexdigest()[:12]


def _text(value) -> str:
    """A plotly title (a string or ``{"text": ...}``) as plain text."""
    if isinstance(value, dict):
        value = value.get("text")
    return str(value).strip() if value else ""


def _trace_kind(trace: dict) -> str:
    kind = trace.get("type", "scatter")
    if kind == "scatter":
        return "lines" if "lines" in (trace.get("mode") or "lines") else "points"
    return {"bar": "bars", "heatmap": "heatmap", "contour": "contours"}.get(kind, kind)


def figure_description(fig_dict: dict) -> str:
    """The figure's accessible description.

    ``layout.meta["description"]`` where the figure's author wrote one (``theme.describe``);
    otherwise one composed from what the figure shows: its title, the kinds and names of its
    traces and its axis titles, e.g. "Loss. Chart with lines: train, test; x axis: step; y
    axis: loss".
    """
    layout = fig_dict.get("layout", {}) or {}
    meta = layout.get("meta")
    if isinstance(meta, dict) and meta.get("description"):
        return str(meta["description"])
    traces = fig_dict.get("data", []) or []
    kinds = list(dict.fromkeys(_trace_kind(t) for t in traces))
    names = list(dict.fromkeys(str(t["name"]) for t in traces if t.get("name")))
    parts = [_text(layout.get("title"))]
    if kinds:
        listed = f": {', '.join(names)}" if names else ""
        parts.append(f"Chart with {' and '.join(kinds)}{listed}")
    for axis in ("xaxis", "yaxis"):
        label = _text((layout.get(axis) or {}).get("title"))
        if label:
            parts.append(f"{axis[0]} axis: {label}")
    return ". ".join(p for p in parts if p) or "Interactive figure"


#: The book's static files (JavaScript, CSS), served from ``_static`` by the Sphinx extension.
STATIC_DIR = Path(__file__).parent / "static"
#: plotly's own bundled plotly.js, served once from the book's ``_static`` (and the export).
PLOTLY_JS = Path(pio.__file__).parent.parent / "package_data" / "plotly.min.js"
#: Set to "1" by ``lstm_edu.book.sphinxext`` in the build's environment, which the kernels that
#: execute the chapters inherit: outputs made for the built book, which serves the scripts.
BOOK_BUILD_ENV = "LSTM_EDU_BOOK_BUILD"
#: Page-level support for figures with controls (``static/figure_controls.js``, which says what
#: it does), inlined with every such figure and run once per page.
FIGURE_CONTROLS_SUPPORT = (
    "<script>\n" + (STATIC_DIR / "figure_controls.js").read_text(encoding="utf-8") + "</script>"
)


def _has_controls(fig_dict: dict) -> bool:
    layout = fig_dict.get("layout", {}) or {}
    return bool(layout.get("sliders") or layout.get("updatemenus"))


def figure_html(fig_dict: dict, div_id: str | None = None) -> str:
    """The HTML for one figure: its div and script, no plotly.js, no MathJax, no CDN.

    The script only draws when plotly.js is already on the page (the built book loads it
    from ``_static``); it never fetches anything itself. A figure with sliders or buttons also
    gets keyboard-operable twins of them (``FIGURE_CONTROLS_SUPPORT``).
    """
    fig_json = pio.to_json(fig_dict, validate=False, remove_uids=True, pretty=False)
    div_id = div_id or figure_id(fig_json)
    controls = _has_controls(fig_dict)
    body = pio.to_html(
        json.loads(fig_json),
        config=PLOTLY_CONFIG,
        post_script="lstmEduKeys('{plot_id}');" if controls else None,
        auto_play=False,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        div_id=div_id,
        validate=False,
    )
    desc = html.escape(figure_description(fig_dict), quote=True)
    return (
        f'<figure class="lstm-edu-figure" aria-label="{desc}">'
        f"{FIGURE_CONTROLS_SUPPORT if controls else ''}{body}"
        f'<figcaption class="lstm-edu-sr-only">{desc}</figcaption></figure>'
    )


class BookRenderer(MimetypeRenderer):
    """Emit the plotly JSON (live Jupyter) and a self-contained div (static book).

    The same figure shown twice in one kernel session gets ids ``…``, ``…-2``, … so two
    copies on one page never draw into the same div; a re-run from the top repeats them.
    """

    def __init__(self):
        self._shown: dict[str, int] = {}

    def to_mimebundle(self, fig_dict):
        fig_json = pio.to_json(fig_dict, validate=False, remove_uids=True, pretty=False)
        plain = json.loads(fig_json)
        div_id = figure_id(fig_json)
        self._shown[div_id] = count = self._shown.get(div_id, 0) + 1
        if count > 1:
            div_id = f"{div_id}-{count}"
        live = dict(plain, config=dict(PLOTLY_CONFIG))
        return {PLOTLY_MIME: live, "text/html": figure_html(plain, div_id)}


def register(make_default: bool = True) -> None:
    """Register the ``"lstm_edu"`` plotly renderer (and make it the default)."""
    pio.renderers[RENDERER_NAME] = BookRenderer()
    if make_default:
        pio.renderers.default = RENDERER_NAME
