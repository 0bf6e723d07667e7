"""A Sphinx extension that makes the built book work offline, with a clean console.

What it covers
--------------
- serves plotly's own bundled ``plotly.min.js`` once, from the book's ``_static``, and adds it
  only to the pages that hold a figure (``lstm_edu.book.render`` emits divs without plotly.js);
- serves MathJax 3 from ``_static/mathjax`` (the files shipped by the ``sphinx-mathjax-offline``
  distribution) instead of Sphinx's CDN default;
- tells myst-nb (through the ``myst_nb.mime_renderers`` entry point, ``PlotlyJsonInBook``) that
  the plotly JSON in a figure's output is for live Jupyter only: the book draws the figure from
  its ``text/html`` twin, so the JSON is neither rendered nor reported as an unknown type;
- drops the Thebe scripts Jupyter Book always adds (a CDN address and a console error; the
  book sends readers to Binder for live code instead) and the embedded ipywidgets state that
  the static book never renders;
- gives bibliography entries the ARIA role their list needs (docutils writes the deprecated
  ``doc-biblioentry`` inside ``role="list"``: a critical axe-core violation);
- adds the book's small stylesheet (``lstm_edu.css``: visually hidden figure descriptions,
  figure spacing).

Enable it in ``_config.yml`` under ``sphinx.extra_extensions``. It has no options.
What it does not cover: the figures themselves (``lstm_edu.book.render``, ``lstm_edu.viz``).
"""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

from lstm_edu.book.render import PLOTLY_JS, PLOTLY_MIME, STATIC_DIR

MATHJAX_DIST = "sphinx-mathjax-offline"
#: The MathJax pieces the book loads: the tex-chtml component, its fonts, and the modules
#: it may load on demand (TeX extensions, the menu, accessibility).
MATHJAX_PARTS = ("tex-chtml.js", "a11y", "adaptors", "input", "output", "sre", "ui")
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
#: The marker ``lstm_edu.book.render`` puts on every figure.
FIGURE_MARKER = 'class="lstm-edu-figure"'
#: docutils' role for a citation inside its ``role="list"`` container (deprecated in ARIA 1.2).
BIBLIOENTRY = 'role="doc-biblioentry"'


class PlotlyJsonInBook:
    """myst-nb mime plugin: the plotly JSON output renders to nothing in the book.

    ``lstm_edu.book.render`` gives every figure a ``text/html`` twin that the book uses instead.
    """

    mime_priority_overrides = (("*", PLOTLY_MIME, None),)

    @staticmethod
    def handle_mime(renderer, data, inline):
        return [] if data.mime_type == PLOTLY_MIME else None


def mathjax_dir() -> Path:
    """Where the installed ``sphinx-mathjax-offline`` keeps MathJax 3."""
    try:
        dist = metadata.distribution(MATHJAX_DIST)
    except metadata.PackageNotFoundError as err:
        raise RuntimeError(
            f"lstm_edu.sphinxext: the book serves MathJax offline from the "
            f"'{MATHJAX_DIST}' distribution, which is not installed; "
            f"run `pip install -r requirements.txt`"
        ) from err
    path = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (path / "tex-chtml.js").is_file():
        raise RuntimeError(f"lstm_edu.sphinxext: no tex-chtml.js under {path}")
    return path


def _copy_assets(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLOTLY_JS, static / "plotly.min.js")
    shutil.copytree(STATIC_DIR, static, dirs_exist_ok=True)   # the book's own CSS and JS
    src, dst = mathjax_dir(), static / "mathjax"
    for part in MATHJAX_PARTS:
        if (src / part).is_dir():
            shutil.copytree(src / part, dst / part, dirs_exist_ok=True)
        else:
            dst.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / part, dst / part)


def _is_dropped_script(js) -> bool:
    """Thebe's scripts, and the ipywidgets state that nothing in the static book renders."""
    name = str(getattr(js, "filename", None) or "")
    attributes = getattr(js, "attributes", {})
    return (
        name.endswith("sphinx-thebe.js")
        or "THEBE_JS_URL" in attributes.get("body", "")
        or attributes.get("type") == WIDGET_STATE_MIME
    )


def _page_scripts(app, pagename, templatename, context, doctree) -> None:
    """Per page: plotly.js where a figure is; no Thebe, no widget state.

    Jupyter Book always loads sphinx-thebe, whose inline script names a CDN and, declared
    twice, logs a console error (the book runs code in Binder instead). myst-nb embeds the
    executed notebook's ipywidgets state (hundreds of KB); the book never shows live widgets
    (their cells are tagged ``remove-output``), so the state is dead weight.
    ``script_files`` is this page's copy of the list (Sphinx restores it after the page), so
    removing entries here touches this page only.
    """
    scripts = context.get("script_files")
    if scripts is not None:
        scripts[:] = [js for js in scripts if not _is_dropped_script(js)]
    if FIGURE_MARKER in context.get("body", ""):
        app.add_js_file("plotly.min.js", priority=400)
    if BIBLIOENTRY in context.get("body", ""):
        context["body"] = context["body"].replace(BIBLIOENTRY, 'role="listitem"')


def _use_local_mathjax(app, config) -> None:
    mathjax_dir()  # fail early, with a clear message, when MathJax is not installed
    config.mathjax_path = "mathjax/tex-chtml.js"


def setup(app):
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("html-page-context", _page_scripts, priority=900)  # after myst-nb adds its own
    app.connect("build-finished", _copy_assets)
    app.add_css_file("lstm_edu.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
