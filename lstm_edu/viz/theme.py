"""One look for the whole book: colours, a plotly template, a projector preset, descriptions.

What it covers
--------------
- ``COLORS``: one fixed colour per quantity, used by every figure: the gates ``i``, ``f``,
  ``g``, ``o``, the cell state ``c``, the hidden state ``h``, the ``rnn`` and ``lstm`` models,
  ``grad`` (a gradient's path, the backward pass), ``edge`` (neutral connectors) and ``ink``.
  They come from ``PALETTE``: the Okabe–Ito palette (``OKABE_ITO``, distinguishable for the
  common colour-vision deficiencies), each hue darkened just enough for a line or a mark to
  reach 3:1 against the white background (WCAG 2.1, 1.4.11). Vermillion is darkened further,
  to 5.3:1, so that it stays apart from the darkened orange for deuteranopes; yellow is left
  out (1.3:1 on white: no line, mark or text can use it).
- ``TEXT_COLORS``: the same hues darkened to 4.5:1 for coloured *text* (WCAG 1.4.3);
  ``text_on(fill)`` picks black or white for a label drawn on a filled shape; ``contrast``
  is WCAG's contrast ratio of two colours.
- ``GATE_NAMES``: the human names of those symbols (``"f"`` → ``"forget gate f"``).
- ``template(projector=False)``: the plotly template (large fonts and thick lines when
  ``projector=True``), registered as ``"lstm_edu"`` and ``"lstm_edu_projector"``; white paper
  and plot backgrounds set explicitly (the book has one, light, mode: no figure inherits a page
  colour), titles at the top left, legends below the figure (never over the data), sliders
  and buttons whose rails and borders can be seen (3:1).
  ``register()`` makes ``"lstm_edu"`` plotly's default template (``lstm_edu.viz`` calls it).
- ``apply(fig, projector=False)``: put a figure in the book's look: the template, titles
  wrapped to ``TITLE_CHARS`` characters a line (a phone is 390 px wide) with the top margin
  they need, log axes labelled at powers of ten only (``10⁻³``, no ``2 5`` minor labels, no SI
  prefixes such as ``1f`` or ``1T``); with ``projector=True`` also enlarge the line widths,
  marker and text sizes the figure set explicitly.
- ``describe(fig, text)``: attach the short accessible description that the renderer
  (``lstm_edu.book.render``) emits as ``aria-label`` and a visually hidden caption; it is stored
  in ``fig.layout.meta["description"]``.

It does not build figures (``lstm_edu.viz``) nor display them (``lstm_edu.book.render``).
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "COLORS",
    "TEXT_COLORS",
    "GATE_NAMES",
    "SEQUENTIAL",
    "DIVERGING",
    "TITLE_CHARS",
    "contrast",
    "text_on",
    "template",
    "register",
    "apply",
    "describe",
    "description",
]

#: The Okabe–Ito colour-blind-safe palette (Okabe & Ito, 2008), as published.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

#: The book's palette: each Okabe–Ito hue (HLS hue kept) at >= 3.3:1 on white (vermillion
#: 5.3:1, see the module docstring); no yellow.
PALETTE = {
    "black": "#000000",
    "orange": "#BD8200",
    "sky_blue": "#1C95DA",
    "bluish_green": "#009E73",
    "blue": "#0072B2",
    "vermillion": "#B14E00",
    "reddish_purple": "#C971A1",
    "grey": "#8D8D8D",
}

#: The same hues at >= 4.5:1 on white, for coloured text.
_TEXT = {
    "black": "#000000",
    "orange": "#9A6A00",
    "sky_blue": "#177AB2",
    "bluish_green": "#008360",
    "blue": "#0072B2",
    "vermillion": "#BE5400",
    "reddish_purple": "#BA4B89",
    "grey": "#737373",
}

_HUES = {
    "i": "blue",               # input gate
    "f": "vermillion",         # forget gate
    "g": "bluish_green",       # candidate (cell input)
    "o": "reddish_purple",     # output gate
    "c": "orange",             # cell state, the conveyor belt
    "h": "sky_blue",           # hidden state
    "rnn": "grey",             # vanilla (tanh) RNN
    "lstm": "black",           # LSTM
    "grad": "vermillion",      # a gradient's path, the backward pass
    "edge": "grey",            # neutral connectors of a diagram
    "ink": "black",            # text, arrows, neutral lines
}

#: One colour per quantity, the same in every figure of the book (lines, marks, fills).
COLORS = {k: PALETTE[v] for k, v in _HUES.items()}
#: The colour of each quantity for coloured text (axis titles, labels, numbers).
TEXT_COLORS = {k: _TEXT[v] for k, v in _HUES.items()}

GATE_NAMES = {
    "i": "input gate i",
    "f": "forget gate f",
    "g": "candidate g",
    "o": "output gate o",
    "c": "cell state c",
    "h": "hidden state h",
}

#: Colour scales: values in [0, 1] (gates) and values in [-1, 1] (g, c, h). Both colour-blind safe.
SEQUENTIAL = "Cividis"
DIVERGING = "PuOr"

#: Characters per title line: a 390 px phone shows about this many at the title's font size.
TITLE_CHARS = 36

_SIZES = {
    False: {"font": 14, "title": 18, "line": 2.5, "marker": 8, "scale": 1.0},
    True: {"font": 24, "title": 30, "line": 5.0, "marker": 14, "scale": 1.7},
}
_TITLE_PAD = 16          # px above the title
_TITLE_GAP = 18          # px between the title's last line and the plot


def _rgb(color: str) -> tuple[int, int, int]:
    h = color.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"color: expected '#rrggbb', got {color!r}")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _luminance(color: str) -> float:
    def lin(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours, from 1 (same) to 21 (black/white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill``: the colour of a label on it."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#FFFFFF") else "#FFFFFF"


def template(projector: bool = False) -> go.layout.Template:
    """The book's plotly template; ``projector=True`` for a classroom projector."""
    s = _SIZES[bool(projector)]
    colorway = [COLORS[k] for k in ("i", "f", "g", "o", "c", "h", "lstm", "rnn")]
    axis = dict(
        showgrid=True,
        gridcolor="#E5E5E5",
        zeroline=False,
        linecolor="#444444",
        tickcolor="#444444",
        ticks="outside",
        title=dict(font=dict(size=s["font"])),
        tickfont=dict(size=round(s["font"] * 0.9)),
        minorloglabels="none",
        automargin=True,
    )
    return go.layout.Template(
        layout=dict(
            colorway=colorway,
            font=dict(family="Helvetica, Arial, sans-serif", size=s["font"], color="#222222"),
            # Top left of the figure, from the top edge down: apply() sets the margin it needs.
            title=dict(font=dict(size=s["title"]), x=0, xref="container", xanchor="left",
                       y=1, yref="container", yanchor="top", pad=dict(t=_TITLE_PAD, l=12)),
            paper_bgcolor="#FFFFFF",
            plot_bgcolor="#FFFFFF",
            xaxis=axis,
            yaxis=axis,
            hoverlabel=dict(font=dict(size=s["font"])),
            # Below everything else, in the figure's margin: a legend never covers data.
            legend=dict(font=dict(size=s["font"]), orientation="h", x=0, xanchor="left",
                        y=0, yref="container", yanchor="bottom", bgcolor="#FFFFFF"),
            colorscale=dict(sequential=SEQUENTIAL, diverging=DIVERGING),
            margin=dict(l=60, r=30, t=70, b=60),
            # Every slider and button: rail, grip and ticks, button borders >= 3:1 on white
            # (plotly's own #bec8d9 is 1.7:1).
            sliderdefaults=dict(bordercolor="#767676", tickcolor="#444444", bgcolor="#F2F2F2",
                                activebgcolor="#C8C8C8"),
            updatemenudefaults=dict(bordercolor="#767676", bgcolor="#FFFFFF"),
        ),
        data=dict(
            scatter=[go.Scatter(line=dict(width=s["line"]), marker=dict(size=s["marker"]))],
            heatmap=[go.Heatmap(colorbar=dict(tickfont=dict(size=round(s["font"] * 0.9)),
                                              thickness=14, outlinewidth=0))],
        ),
    )


pio.templates["lstm_edu"] = template(False)
pio.templates["lstm_edu_projector"] = template(True)


def register() -> None:
    """Make ``"lstm_edu"`` plotly's default template: a figure a chapter builds itself gets the
    book's fonts, colours and white backgrounds even before ``apply``."""
    pio.templates.default = "lstm_edu"


_TAG = re.compile(r"<[^>]+>")


def _visible(text: str) -> int:
    """Characters a reader sees in a plotly string (tags such as ``<sub>`` not counted)."""
    return len(_TAG.sub("", text))


def _greedy(parts: list[str], width: int) -> list[str]:
    lines = []
    for part in parts:
        line = ""
        for word in part.split():
            if line and _visible(line) + 1 + _visible(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def wrap_title(text: str, width: int = TITLE_CHARS) -> str:
    """``text`` with ``<br>`` between words so no line shows more than ``width`` characters
    (a longer single word stays whole); existing ``<br>`` are kept. A long title breaks after
    its first colon instead when that takes no more lines."""
    parts = re.split(r"<br\s*/?>", str(text))
    lines = _greedy(parts, width)
    head, colon, rest = parts[0].partition(": ")
    if colon and len(lines) > 1:
        at_colon = _greedy([head + ":", rest, *parts[1:]], width)
        if len(at_colon) <= len(lines):
            lines = at_colon
    return "<br>".join(lines)


def _scale(obj, path: tuple[str, str], factor: float) -> None:
    """Multiply ``obj.<path[0]>.<path[1]>`` by ``factor`` when it is set explicitly."""
    parent = getattr(obj, path[0], None)
    if parent is None:
        return
    value = getattr(parent, path[1], None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        setattr(parent, path[1], value * factor)


def apply(fig: go.Figure, projector: bool = False) -> go.Figure:
    """Give ``fig`` the book's look (in place) and return it.

    The template; the title (and the titles frames set) wrapped to ``TITLE_CHARS`` characters
    a line, with a top margin that holds those lines; log axes labelled at powers of ten only.
    A legend the figure placed itself (``legend.y``) keeps plotly's meaning (``yref="paper"``);
    one it did not place goes below the figure (the template's ``yref="container"``).
    ``projector=True`` uses the large template and also scales what the figure set itself:
    line widths, marker sizes, text sizes of traces (also in animation frames), annotation
    and slider fonts, and the figure height.
    """
    fig.update_layout(template="lstm_edu_projector" if projector else "lstm_edu")
    s = _SIZES[bool(projector)]
    if projector:
        k = s["scale"]
        traces = list(fig.data) + [t for fr in fig.frames or () for t in fr.data]
        for tr in traces:
            for path in (("line", "width"), ("marker", "size"), ("textfont", "size")):
                _scale(tr, path, k)
        for ann in fig.layout.annotations or ():
            _scale(ann, ("font", "size"), k)
            if ann.font is None or ann.font.size is None:
                ann.font.size = s["font"]
        for sl in fig.layout.sliders or ():
            sl.font.size = s["font"]
            sl.currentvalue.font.size = s["font"]
        for um in fig.layout.updatemenus or ():
            um.font.size = s["font"]
        if fig.layout.height:
            fig.layout.height = fig.layout.height * 1.25
    if fig.layout.legend.y is not None and fig.layout.legend.yref is None:
        fig.layout.legend.yref = "paper"     # a figure's own legend position keeps its meaning
    _log_axes(fig)
    _title_margin(fig, s)
    return fig


def _log_axes(fig: go.Figure) -> None:
    """Log axes: labels at powers of ten written 10^k, no minor labels, no SI prefixes."""
    def fix(axis):
        if axis.type == "log" and axis.tickvals is None:
            axis.update(exponentformat="power", showexponent="all", minorloglabels="none")

    fig.for_each_xaxis(fix)
    fig.for_each_yaxis(fix)


def _title_margin(fig: go.Figure, s: dict) -> None:
    """Wrap the titles (also those frames set) and give the top margin the lines they take."""
    lines = 0
    if fig.layout.title.text:
        fig.layout.title.text = wrap_title(fig.layout.title.text)
        lines = fig.layout.title.text.count("<br>") + 1
    for fr in fig.frames or ():
        if fr.layout is not None and fr.layout.title.text:
            fr.layout.title.text = wrap_title(fr.layout.title.text)
            lines = max(lines, fr.layout.title.text.count("<br>") + 1)
    top = _TITLE_PAD + round(lines * 1.3 * s["title"]) + _TITLE_GAP if lines else 30
    if any(str(a.yref).split()[-1] in ("paper", "domain") and (a.y or 0) >= 1
           and a.yanchor == "bottom" for a in fig.layout.annotations or ()):
        top += round(1.6 * s["font"])            # subplot titles sit above the plots
    fig.layout.margin.t = top


def describe(fig: go.Figure, text: str) -> go.Figure:
    """Attach the accessible description ``text`` (in ``fig.layout.meta["description"]``)."""
    text = " ".join(str(text).split())
    if not text:
        raise ValueError("describe: text must be a non-empty description of the figure")
    meta = fig.layout.meta
    meta = dict(meta) if isinstance(meta, dict) else {}
    meta["description"] = text
    fig.layout.meta = meta
    return fig


def description(fig: go.Figure) -> str | None:
    """The description attached by :func:`describe`, or ``None``."""
    meta = fig.layout.meta
    return meta.get("description") if isinstance(meta, dict) else None
