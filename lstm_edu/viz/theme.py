"""One look for the whole book: colours, a plotly template, a projector preset, descriptions.

What it covers
--------------
- ``COLORS``: one fixed colour per quantity, used by every figure: the gates ``i``, ``f``,
  ``g``, ``o``, the cell state ``c``, the hidden state ``h``, the ``rnn`` and ``lstm`` models,
  and ``grad`` (the highlighter colour of a gradient path). All come from the Okabe–Ito
  palette, which stays distinguishable for the common colour-vision deficiencies.
- ``GATE_NAMES``: the human names of those symbols (``"f"`` → ``"forget gate f"``).
- ``template(projector=False)``: the plotly template (large fonts and thick lines when
  ``projector=True``), registered as ``"lstm_edu"`` and ``"lstm_edu_projector"``.
- ``apply(fig, projector=False)``: put a figure in the book's look; with ``projector=True``
  also enlarge the line widths, marker and text sizes the figure set explicitly.
- ``describe(fig, text)``: attach the short accessible description that the renderer
  (``lstm_edu.book.render``) emits as ``aria-label`` and a visually hidden caption; it is stored
  in ``fig.layout.meta["description"]``.

It does not build figures (``lstm_edu.viz``) nor display them (``lstm_edu.book.render``).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "OKABE_ITO",
    "COLORS",
    "GATE_NAMES",
    "SEQUENTIAL",
    "DIVERGING",
    "template",
    "apply",
    "describe",
]

#: The Okabe–Ito colour-blind-safe palette (Okabe & Ito, 2008).
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

#: One colour per quantity, the same in every figure of the book.
COLORS = {
    "i": OKABE_ITO["blue"],            # input gate
    "f": OKABE_ITO["vermillion"],      # forget gate
    "g": OKABE_ITO["bluish_green"],    # candidate (cell input)
    "o": OKABE_ITO["reddish_purple"],  # output gate
    "c": OKABE_ITO["orange"],          # cell state, the conveyor belt
    "h": OKABE_ITO["sky_blue"],        # hidden state
    "rnn": OKABE_ITO["grey"],          # vanilla (tanh) RNN
    "lstm": OKABE_ITO["black"],        # LSTM
    "grad": OKABE_ITO["yellow"],       # highlighter under a gradient path
    "ink": OKABE_ITO["black"],         # text, arrows, neutral lines
}

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

_SIZES = {
    False: {"font": 14, "title": 18, "line": 2.5, "marker": 8, "scale": 1.0},
    True: {"font": 24, "title": 30, "line": 5.0, "marker": 14, "scale": 1.7},
}


def template(projector: bool = False) -> go.layout.Template:
    """The book's plotly template; ``projector=True`` for a classroom projector."""
    s = _SIZES[bool(projector)]
    colorway = [COLORS[k] for k in ("i", "f", "g", "o", "c", "h", "lstm", "rnn")]
    axis = dict(
        showgrid=True,
        gridcolor="#E5E5E5",
        zeroline=False,
        linecolor="#444444",
        ticks="outside",
        title=dict(font=dict(size=s["font"])),
        tickfont=dict(size=round(s["font"] * 0.9)),
        automargin=True,
    )
    return go.layout.Template(
        layout=dict(
            colorway=colorway,
            font=dict(family="Helvetica, Arial, sans-serif", size=s["font"], color="#222222"),
            title=dict(font=dict(size=s["title"]), x=0.02, xanchor="left"),
            paper_bgcolor="white",
            plot_bgcolor="white",
            xaxis=axis,
            yaxis=axis,
            hoverlabel=dict(font=dict(size=s["font"])),
            legend=dict(font=dict(size=s["font"])),
            colorscale=dict(sequential=SEQUENTIAL, diverging=DIVERGING),
            margin=dict(l=60, r=30, t=70, b=60),
        ),
        data=dict(
            scatter=[go.Scatter(line=dict(width=s["line"]), marker=dict(size=s["marker"]))],
            heatmap=[go.Heatmap(colorbar=dict(tickfont=dict(size=round(s["font"] * 0.9))))],
        ),
    )


pio.templates["lstm_edu"] = template(False)
pio.templates["lstm_edu_projector"] = template(True)


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

    ``projector=True`` uses the large template and also scales what the figure set itself:
    line widths, marker sizes, text sizes of traces (also in animation frames), annotation
    and slider fonts, and the figure height.
    """
    fig.update_layout(template="lstm_edu_projector" if projector else "lstm_edu")
    if not projector:
        return fig
    k = _SIZES[True]["scale"]
    traces = list(fig.data) + [t for fr in fig.frames or () for t in fr.data]
    for tr in traces:
        for path in (("line", "width"), ("marker", "size"), ("textfont", "size")):
            _scale(tr, path, k)
    for ann in fig.layout.annotations or ():
        _scale(ann, ("font", "size"), k)
        if ann.font is None or ann.font.size is None:
            ann.font.size = _SIZES[True]["font"]
    for sl in fig.layout.sliders or ():
        sl.font.size = _SIZES[True]["font"]
        sl.currentvalue.font.size = _SIZES[True]["font"]
    for um in fig.layout.updatemenus or ():
        um.font.size = _SIZES[True]["font"]
    if fig.layout.height:
        fig.layout.height = fig.layout.height * 1.25
    # A larger title needs a taller top margin, or a legend placed above the plot runs into it.
    fig.layout.margin.t = (fig.layout.margin.t or 70) * k
    return fig


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
