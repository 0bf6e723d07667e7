"""Export the classroom demos as a self-contained, offline folder of projector-ready pages.

What it covers
--------------
``export(out_dir, demos=None, projector=True)`` writes into ``out_dir``:

- ``index.html``: the demos in lesson order, large links; → opens the first;
- ``<name>.html``: one page per kernel-free demo (``lstm_edu.classroom.DEMOS``) in *lesson
  mode*: one screen, a bar on top (←/→ with the demo's number, its title, Question, Full
  screen, Print) and the figure filling the rest of the screen, fitted by
  :func:`lstm_edu.classroom.screen.fit_to_screen` and drawn by
  ``lstm_edu.book.render.figure_html`` (its div and script, an accessible description, no
  plotly.js, no MathJax, no CDN); Play and the sliders work in the browser alone. Printed, the
  page is a one-page handout: the figure at the frame on screen, its caption, its questions;
- ``<name>.html`` for each live playground (``lstm_edu.classroom.PLAYGROUNDS``, after the
  demos, in the same ←/→ sequence): the reader's own text or numbers, run by the trained
  model in the browser (``lstm_edu.viz.playgrounds``);
- ``plotly.min.js`` (plotly's own bundled copy), ``lesson.css`` and ``lesson.js``
  (``lstm_edu/classroom/static``, which say what they do), and for the playgrounds
  ``lstm_edu_forward.js``, ``lstm_edu_playgrounds.js`` and ``lstm_edu_playgrounds.css`` (the
  book's own, ``lstm_edu/book/static``): written **once**, referenced by a relative path from
  every page.

Nothing on any page reaches the network. A folder that cannot be written raises
``ExportError`` (an ``OSError``) saying which folder and why, in words.
It does not cover the live dashboard (``lstm_edu.classroom.serve``).
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from lstm_edu.book.render import PLOTLY_JS, STATIC_DIR, figure_html
from lstm_edu.classroom import DEMOS, PLAYGROUNDS, Demo, LivePlayground, get_demo
from lstm_edu.classroom.screen import fit_to_screen

STATIC = Path(__file__).parent / "static"
PLOTLY_FILE = "plotly.min.js"
#: The lesson-mode files copied next to the pages (from ``STATIC``).
LESSON_FILES = ("lesson.css", "lesson.js")
#: The playgrounds' files copied next to the pages (from the book's ``STATIC_DIR``).
PLAYGROUND_FILES = ("lstm_edu_forward.js", "lstm_edu_playgrounds.js", "lstm_edu_playgrounds.css")
KEYS_HELP = ("Keys: → next demo, ← previous, F full screen, Q the question, P print the "
             "handout.")


class ExportError(OSError):
    """The export folder cannot be made or written; the message says which and why."""


def _page(title: str, body: str, body_attrs: str, scripts: str = "") -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="stylesheet" href="lesson.css">\n'
        f"{scripts}</head>\n"
        f"<body {body_attrs}>\n{body}\n"
        '<script src="lesson.js"></script>\n</body>\n</html>\n'
    )


def _nav(k: int, demos: list[Demo]) -> str:
    def link(rel: str, j: int, arrow: str, key: str) -> str:
        if not 0 <= j < len(demos):
            return f'<span class="lesson-end" aria-hidden="true">{arrow}</span>'
        label = html.escape(f"{'Previous' if rel == 'prev' else 'Next'} demo: "
                            f"{demos[j].title} ({key} key)", quote=True)
        return (f'<a href="{demos[j].name}.html" rel="{rel}" aria-label="{label}" '
                f'title="{label}">{arrow}</a>')

    return (
        '<nav class="lesson-nav" aria-label="demos">'
        f"{link('prev', k - 1, '←', '←')}"
        f'<a class="lesson-count" href="index.html" aria-label="All demos: this is demo '
        f'{k + 1} of {len(demos)}" title="All demos">{k + 1} / {len(demos)}</a>'
        f"{link('next', k + 1, '→', '→')}</nav>"
    )


def demo_page(demo: Demo, projector: bool, k: int, demos: list[Demo]) -> str:
    """The lesson-mode page of ``demos[k] == demo`` (loads the shared files beside it)."""
    fig = fit_to_screen(demo.name, demo.make(projector=projector))
    tools = []
    question = ""
    if demo.questions:
        tools.append('<button type="button" data-action="question" aria-expanded="false" '
                     'aria-controls="lesson-question">Question <kbd>Q</kbd></button>')
        asked = "".join(f"<p>{html.escape(q)}</p>" for q in demo.questions)
        question = (f'<aside id="lesson-question" class="lesson-question" hidden>'
                    f"<h2>Predict, then run</h2>{asked}</aside>\n")
    tools += ['<button type="button" data-action="fullscreen" aria-pressed="false">'
              "Full screen <kbd>F</kbd></button>",
              '<button type="button" data-action="print">Print <kbd>P</kbd></button>']
    body = (
        f'<header class="lesson-bar">{_nav(k, demos)}\n'
        f"<h1>{html.escape(demo.title)}</h1>\n"
        f'<div class="lesson-tools" role="group" aria-label="lesson tools">{"".join(tools)}'
        "</div></header>\n"
        f'<main class="lesson-main">\n{question}'
        f"{figure_html(fig.to_plotly_json())}\n"
        '<p class="lesson-frame"></p>\n</main>'
    )
    scripts = f'<script src="{PLOTLY_FILE}"></script>\n'
    return _page(f"{demo.title} · Inside the LSTM", body, 'class="lesson"', scripts)


def playground_page(play: LivePlayground, k: int, demos: list) -> str:
    """The page of the live playground ``demos[k] == play``: the bar, then the playground."""
    from lstm_edu.viz.playgrounds import playground_html

    tools = ('<button type="button" data-action="fullscreen" aria-pressed="false">'
             "Full screen <kbd>F</kbd></button>")
    body = (
        f'<header class="lesson-bar">{_nav(k, demos)}\n'
        f"<h1>{html.escape(play.title)}</h1>\n"
        f'<div class="lesson-tools" role="group" aria-label="lesson tools">{tools}</div>'
        "</header>\n"
        f'<main class="lesson-main lesson-play-main">\n<p>{html.escape(play.blurb)}</p>\n'
        f"{playground_html(play.playground)}\n</main>"
    )
    scripts = (f'<link rel="stylesheet" href="lstm_edu_playgrounds.css">\n'
               f'<script src="{PLOTLY_FILE}"></script>\n'
               '<script src="lstm_edu_forward.js"></script>\n'
               '<script src="lstm_edu_playgrounds.js"></script>\n')
    return _page(f"{play.title} · Inside the LSTM", body, 'class="lesson lesson-play"', scripts)


def index_page(demos: list) -> str:
    """The index page: one large link per demo, in lesson order (→ opens the first), then
    the live playgrounds."""
    def items(chosen, first):
        return "\n".join(
            f'<li><a href="{d.name}.html"{first if k == 0 else ""}>'
            f"{html.escape(d.title)}</a><span>{html.escape(d.blurb)}</span></li>"
            for k, d in enumerate(chosen))

    nxt = ' rel="next"'
    shown = [d for d in demos if isinstance(d, Demo)]
    live = [d for d in demos if isinstance(d, LivePlayground)]
    body = ["<main>\n<h1>Inside the LSTM: classroom demos</h1>\n"]
    if shown:
        body.append("<p>Every demo works offline: press ▶ Play or drag the slider.</p>\n"
                    f'<ol class="demos">\n{items(shown, nxt)}\n</ol>\n')
    if live:
        body.append("<h2>Live: your own input</h2>\n<p>Type or set the numbers: the trained "
                    "LSTM runs in the browser, offline.</p>\n"
                    f'<ul class="demos playgrounds">\n'
                    f'{items(live, "" if shown else nxt)}\n</ul>\n')
    body.append(f'<p class="lesson-keys">{html.escape(KEYS_HELP)}</p>\n</main>')
    body = "".join(body)
    return _page("Inside the LSTM: classroom demos", body, 'class="lesson-index"')


def _write(path: Path, text: str | None = None, copy_from: Path | None = None) -> None:
    try:
        if copy_from is not None:
            shutil.copyfile(copy_from, path)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ExportError(f"cannot write {path} ({err.strerror or err})") from err


def export(out_dir, demos=None, projector: bool = True) -> list[Path]:
    """Write the classroom folder to ``out_dir``; return the pages written (index first).

    ``demos``: names from ``lstm_edu.classroom.DEMO_NAMES`` and ``PLAYGROUND_NAMES`` (default:
    all demos, in lesson order, then all playgrounds).
    ``out_dir`` may exist; it must be a folder. Raises ``ValueError`` for an unknown demo or a
    path that is not a folder, ``ExportError`` when the folder cannot be made or written.
    """
    chosen = [*DEMOS, *PLAYGROUNDS] if not demos else [get_demo(n) for n in dict.fromkeys(demos)]
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExportError(f"cannot write to {out}: cannot create the folder "
                          f"({err.strerror or err})") from err
    _write(out / PLOTLY_FILE, copy_from=PLOTLY_JS)
    for name in LESSON_FILES:
        _write(out / name, copy_from=STATIC / name)
    if any(isinstance(d, LivePlayground) for d in chosen):
        for name in PLAYGROUND_FILES:
            _write(out / name, copy_from=STATIC_DIR / name)
    pages = [out / "index.html"]
    _write(pages[0], index_page(chosen))
    for k, demo in enumerate(chosen):
        path = out / f"{demo.name}.html"
        page = (playground_page(demo, k, chosen) if isinstance(demo, LivePlayground)
                else demo_page(demo, projector, k, chosen))
        _write(path, page)
        pages.append(path)
    return pages
