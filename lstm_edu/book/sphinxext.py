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
- lets long inline code (``lstm_edu.viz.gradient_flow.compute_grad_norms``) break after its
  dots, so that it neither widens a phone's page nor a table's column;
- serves the live playgrounds (``lstm_edu.viz.playgrounds``): on a page with one, after
  plotly.js, ``lstm_edu_forward.js`` (the JavaScript twin of the forward pass,
  ``window.lstmEdu.forward``) and ``lstm_edu_playgrounds.js``, and on every page their small
  stylesheet ``lstm_edu_playgrounds.css``;
- adds the book's small stylesheet (``lstm_edu.css``: visually hidden figure descriptions,
  figure spacing, the Chinese web font, long code and equations on phones, scroll cues, no
  colour-mode switch) and page script (``lstm_edu_page.js``: light mode only, scroll cues);
  copies ``static/`` (with ``fonts/``: the CJK subset font and its licence) into ``_static``;
- makes search work from disk: Sphinx's search page fetches every result's page for its
  snippet, which Chromium blocks on ``file://`` (one console error per result, no snippet).
  At the end of the build the extension writes each page's text to
  ``_static/lstm_edu_search_text.js``, and ``lstm_edu_search.js`` (search page only) answers
  those fetches from it;
- runs the build's notebook kernels with CurveZMQ transport encryption (jupyter_client's own
  ``KernelManager.transport_encryption = "auto"``, taken when the kernelspec declares
  ``curve`` support, as ipykernel's does): ipykernel would otherwise warn on every notebook
  that it "is running over TCP without encryption".

Enable it in ``_config.yml`` under ``sphinx.extra_extensions``. It has no options.
What it does not cover: the figures themselves (``lstm_edu.book.render``, ``lstm_edu.viz``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from importlib import metadata
from pathlib import Path

from lstm_edu.book.render import BOOK_BUILD_ENV, PLOTLY_JS, PLOTLY_MIME, STATIC_DIR

MATHJAX_DIST = "sphinx-mathjax-offline"
#: The MathJax pieces the book loads: the tex-chtml component, its fonts, and the modules
#: it may load on demand (TeX extensions, the menu, accessibility).
MATHJAX_PARTS = ("tex-chtml.js", "a11y", "adaptors", "input", "output", "sre", "ui")
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
#: The marker ``lstm_edu.book.render`` puts on every figure.
FIGURE_MARKER = 'class="lstm-edu-figure"'
#: The marker ``lstm_edu.viz.playgrounds`` puts on every live playground, and the scripts such
#: a page needs after plotly.js: the twin of the forward pass, then the playgrounds.
PLAYGROUND_MARKER = 'class="lstm-edu-playground"'
PLAYGROUND_JS = ("lstm_edu_forward.js", "lstm_edu_playgrounds.js")
#: docutils' role for a citation inside its ``role="list"`` container (deprecated in ARIA 1.2).
BIBLIOENTRY = 'role="doc-biblioentry"'
#: Written into ``_static`` at the end of the build: every page's text, for search snippets.
SEARCH_TEXT_JS = "lstm_edu_search_text.js"
#: Not part of a page's text: permalinks, scripts, styles (as Sphinx's own ``htmlToText``).
NOT_TEXT = (".headerlink", "script", "style", "noscript")
#: Inline code long enough to run past a phone's line: ``lstm_edu.viz.gradient_flow.compute...``.
LONG_LITERAL = re.compile(r'(<span class="pre">)([^<]{16,})(</span>)')
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
#: Elements whose end separates words (a heading from the paragraph after it, cell from cell).
BLOCKS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer "
                   "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td "
                   "tfoot th thead tr ul".split())


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
            f"lstm_edu.book.sphinxext: the book serves MathJax offline from the "
            f"'{MATHJAX_DIST}' distribution, which is not installed; "
            f"run `pip install -r requirements.txt`"
        ) from err
    path = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (path / "tex-chtml.js").is_file():
        raise RuntimeError(f"lstm_edu.book.sphinxext: no tex-chtml.js under {path}")
    return path


def _copy_assets(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLOTLY_JS, static / "plotly.min.js")
    shutil.copytree(STATIC_DIR, static, dirs_exist_ok=True)   # CSS, JS, fonts/
    _write_search_text(app)
    src, dst = mathjax_dir(), static / "mathjax"
    for part in MATHJAX_PARTS:
        if (src / part).is_dir():
            shutil.copytree(src / part, dst / part, dirs_exist_ok=True)
        else:
            dst.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / part, dst / part)


def break_long_names(body: str) -> str:
    """Let long inline code break after its dots and slashes (``<wbr>``), as a reader would
    split a dotted name, instead of widening a phone's page or a table's column. Copying the
    name copies no extra character."""
    def wbr(m: re.Match) -> str:
        text = re.sub(r"([./])(?=[^./])", r"\1<wbr>", m.group(2))
        return m.group(1) + text + m.group(3)

    return LONG_LITERAL.sub(wbr, body)


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
    """Per page: plotly.js where a figure is (and the playgrounds' two scripts where a
    playground is); no Thebe, no widget state.

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
    if PLAYGROUND_MARKER in context.get("body", ""):
        for k, name in enumerate(PLAYGROUND_JS):
            app.add_js_file(name, priority=401 + k)
    if BIBLIOENTRY in context.get("body", ""):
        context["body"] = context["body"].replace(BIBLIOENTRY, 'role="listitem"')
    if "body" in context:
        context["body"] = break_long_names(context["body"])
    if pagename == "search":   # deferred: they run after searchtools.js, before it searches
        app.add_js_file(SEARCH_TEXT_JS, priority=800, loading_method="defer")
        app.add_js_file("lstm_edu_search.js", priority=801, loading_method="defer")


def page_text(html: str) -> dict:
    """A built page's text as the search snippets use it: ``{"text": str, "anchors": {"#id":
    [start, end]}}``, the text of the page's article with runs of white space made one space,
    and for every section the slice of that text which is the section's."""
    from bs4 import BeautifulSoup, NavigableString, Tag  # a dependency of the book's theme

    html = SCRIPT.sub("", html)    # a figure's data (hundreds of KB) is no text, and slow to parse
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one("article.bd-article") or soup.select_one('[role="main"]') or soup
    for dropped in main.select(", ".join(NOT_TEXT)):
        dropped.decompose()
    parts: list[str] = []
    size = 0
    anchors: dict[str, list[int]] = {}

    def add(text: str) -> None:
        nonlocal size
        text = re.sub(r"\s+", " ", text)
        if text.startswith(" ") and (not parts or parts[-1].endswith(" ")):
            text = text[1:]
        if text:
            parts.append(text)
            size += len(text)

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                start = size
                walk(child)
                if child.name in BLOCKS:
                    add(" ")
                if child.name == "section" and child.get("id"):
                    anchors["#" + child["id"]] = [start, size]
            elif type(child) is NavigableString:      # not comments, doctypes, CDATA
                add(str(child))

    walk(main)
    return {"text": "".join(parts), "anchors": anchors}


def _write_search_text(app) -> None:
    """``_static/lstm_edu_search_text.js``: the text of every page, by docname."""
    outdir = Path(app.outdir)
    pages = {}
    for docname in sorted(app.env.found_docs):
        built = outdir / app.builder.get_target_uri(docname)
        if built.is_file():
            pages[docname] = page_text(built.read_text(encoding="utf-8"))
    text = json.dumps(pages, ensure_ascii=False, separators=(",", ":"))
    (outdir / "_static" / SEARCH_TEXT_JS).write_text(
        "// Written by lstm_edu.book.sphinxext: every page's text, for the search snippets.\n"
        f"window.lstmEduPageText = {text};\n", encoding="utf-8")


def _encrypt_kernel_transport() -> None:
    """The build's kernels get CurveZMQ keys from their manager (jupyter_client's own policy
    ``transport_encryption = "auto"``: used when the kernelspec declares ``curve``, plain TCP
    on 127.0.0.1 otherwise). myst-nb and jupyter-cache start kernels without a config, so the
    policy is set as the trait's default, in the build's process only."""
    try:
        import zmq
        from jupyter_client.manager import KernelManager
    except ImportError:
        return
    trait = KernelManager.class_traits().get("transport_encryption")
    if trait is not None and zmq.has("curve"):
        trait.default_value = "auto"


def _use_local_mathjax(app, config) -> None:
    mathjax_dir()  # fail early, with a clear message, when MathJax is not installed
    config.mathjax_path = "mathjax/tex-chtml.js"


def setup(app):
    # The kernels that execute the chapters inherit this: their playgrounds leave the scripts
    # to the page (lstm_edu.viz.playgrounds.Playground), which this extension serves.
    os.environ[BOOK_BUILD_ENV] = "1"
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("html-page-context", _page_scripts, priority=900)  # after myst-nb adds its own
    app.connect("build-finished", _copy_assets)
    app.add_css_file("lstm_edu.css")
    app.add_css_file("lstm_edu_playgrounds.css")
    app.add_js_file("lstm_edu_page.js", priority=200)   # in the head: light before first paint
    _encrypt_kernel_transport()
    from lstm_edu import __version__

    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
