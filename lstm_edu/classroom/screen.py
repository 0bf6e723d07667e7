"""Fit a demo's figure to one projector screen (1280x720 up to 1920x1080), controls included.

What it covers
--------------
``fit_to_screen(name, fig)`` changes the figure's *layout only* (in place; the data and
frames stay as ``lstm_edu.viz`` computed them), so that the export can let plotly draw it at
whatever size the screen leaves under the page's bar:

- every demo: no fixed height or width (``autosize``: the page's CSS gives the size); the
  title on one or two lines of a landscape screen (the book wraps it for a 390 px phone) and
  a top margin that holds exactly those lines; a bottom margin for the Play buttons, the
  slider and its labels;
- per demo (``FITS``), where the book's layout is made for a long, narrow page: ``valve`` puts
  its two panels side by side; ``gates`` spaces its six rows so that their tick labels and
  colour bars do not collide; ``gradient-flow`` stacks its three sliders beside the plot
  instead of under it; ``cell-tracer`` gives the numbers around its nodes room; ``clipping``
  shortens two axis titles to the height of their rows.

Each per-demo change checks the structure it expects and leaves a figure it does not
recognise as it is (the export's browser tests then say what no longer fits).
The viz modules themselves are not changed: the book keeps its own layout.
It does not cover the page around the figure (``lstm_edu.classroom.export``).
"""

from __future__ import annotations

import re
from typing import Callable

import plotly.graph_objects as go

#: Title font (px) and the most characters a title line may show on a 1280 px screen.
TITLE_PX = 26
TITLE_CHARS = 72
#: Heights (px) under the plot: x tick labels, an x axis title, the slider (its value, rail
#: and step labels) and a legend row. Controls are placed by pixels below the plot (plotly's
#: ``pad``), not by fractions of a plot height that differs from screen to screen.
TICKS_PX, AXIS_TITLE_PX, SLIDER_PX, LEGEND_PX = 34, 40, 112, 42
#: Play/Pause sit left of the slider's rail, on its row; the rail starts at this fraction.
RAIL_X = 0.22

_BR = re.compile(r"<br\s*/?>")
_TAG = re.compile(r"<[^>]+>")


def rewrap(text: str, width: int = TITLE_CHARS) -> str:
    """``text`` on lines of at most ``width`` visible characters (its old breaks removed)."""
    lines, line = [], ""
    for word in _BR.sub(" ", str(text)).split():
        if line and len(_TAG.sub("", line)) + 1 + len(_TAG.sub("", word)) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(lines)


def _titles(fig: go.Figure) -> int:
    """Rewrap the title and the titles frames set; return the most lines any of them takes."""
    lines = 0
    holders = [fig.layout] + [fr.layout for fr in fig.frames or () if fr.layout is not None]
    for lay in holders:
        if lay.title and lay.title.text:
            lay.title.text = rewrap(lay.title.text)
            lines = max(lines, lay.title.text.count("<br>") + 1)
    return lines


def _subplot_titles(fig: go.Figure) -> list:
    """The annotations plotly's ``make_subplots`` made for subplot titles."""
    return [a for a in fig.layout.annotations or ()
            if a.xref == "paper" and a.yref == "paper" and a.yanchor == "bottom"
            and a.showarrow is False]


def _valve(fig: go.Figure) -> None:
    # Stacked for a phone (curves above, bars below): side by side on a landscape screen.
    lay = fig.layout
    if not (lay.xaxis2 and lay.yaxis2 and lay.yaxis.domain and lay.yaxis2.domain):
        return
    top, bottom = lay.yaxis.domain, lay.yaxis2.domain
    if not top[0] > bottom[1]:
        return
    titles = sorted(_subplot_titles(fig), key=lambda a: -a.y)
    lay.xaxis.domain, lay.yaxis.domain = [0.0, 0.64], [0.0, 1.0]
    lay.xaxis2.domain, lay.yaxis2.domain = [0.74, 1.0], [0.0, 1.0]
    for ann, x in zip(titles, (0.32, 0.87), strict=False):
        ann.update(x=x, y=1.0)


def _gates(fig: go.Figure) -> None:
    # Six rows share about 450 px at 1280x720: gaps that hold a tick label on each side, and
    # one tick label at each end of every axis and colour bar.
    rows = [getattr(fig.layout, f"yaxis{'' if k == 1 else k}") for k in range(1, 13)]
    if any(ax is None or ax.domain is None for ax in rows):
        return
    gap = 0.06
    height = (1 - 5 * gap) / 6
    for k, ax in enumerate(rows):
        r = k // 2
        ax.domain = [1 - r * (height + gap) - height, 1 - r * (height + gap)]
    for r, tr in enumerate(t for t in fig.data if t.type == "heatmap"):
        if tr.colorbar is not None and r < 6:
            lo, hi = tr.zmin, tr.zmax
            tr.colorbar.update(y=1 - r * (height + gap) - height / 2, len=height,
                               lenmode="fraction")
            if lo is not None and hi is not None:
                tr.colorbar.update(tickvals=[lo, hi], ticktext=[f"{lo:.3g}", f"{hi:.3g}"])
    for k, ax in enumerate(rows):
        if k % 2 == 0 and ax.tickvals is not None and len(ax.tickvals) > 2:
            ax.tickvals = [ax.tickvals[0], ax.tickvals[-1]]
        elif k % 2 == 1 and ax.range is not None:
            lo, hi = (v / 1.05 for v in ax.range)
            ax.update(tickvals=[lo, hi], tickformat=".2g")


def _gradient_flow(fig: go.Figure) -> None:
    # Three sliders under the plot need 380 px: the plot on the left 56 %, the sliders beside
    # it on the right, the legend below.
    if len(fig.layout.sliders or ()) != 3:
        return
    fig.layout.xaxis.domain = [0.0, 0.56]
    fig.layout.margin.b = _below_plot(fig) + LEGEND_PX
    for s, y in zip(fig.layout.sliders, (1.0, 0.66, 0.32), strict=True):
        s.update(x=0.62, len=0.38, y=y, yanchor="top", pad=dict(t=0, b=0))
        s.currentvalue.xanchor = "left"


def _cell_tracer(fig: go.Figure) -> None:
    # Numbers sit above and below the nodes: more room at the diagram's top and bottom.
    y = fig.layout.yaxis
    if y.range is not None:
        lo, hi = y.range
        y.range = [lo - 0.9, hi + 0.6]
    fig.update_layout(margin=dict(l=20, r=20))


def _bptt(fig: go.Figure) -> None:
    fig.update_layout(margin=dict(l=20, r=20))


def _clipping(fig: go.Figure) -> None:
    # Two rows of about 170 px: the axis titles must be shorter than that.
    short = {"training loss (MSE)": "loss (MSE)", "gradient norm ‖g‖": "‖g‖"}
    for ax in (fig.layout.yaxis, fig.layout.yaxis2):
        if ax is not None and ax.title and ax.title.text in short:
            ax.title.text = short[ax.title.text]


#: Per-demo changes after the common ones, by demo name.
FITS: dict[str, Callable[[go.Figure], None]] = {
    "valve": _valve,
    "gates": _gates,
    "gradient-flow": _gradient_flow,
    "cell-tracer": _cell_tracer,
    "bptt": _bptt,
    "clipping": _clipping,
}


def _legend_shown(fig: go.Figure) -> bool:
    if fig.layout.showlegend is not None:
        return bool(fig.layout.showlegend)
    # plotly lists scatter and bar traces in the legend unless told otherwise, not heatmaps.
    named = [t for t in fig.data if t.name and (t.showlegend or (
        t.showlegend is None and t.type in ("scatter", "bar")))]
    return len(named) >= 2


def _below_plot(fig: go.Figure) -> int:
    """Pixels the x axes take under the plot area (tick labels, titles)."""
    axes = [fig.layout[k] for k in fig.layout if k.startswith("xaxis")]
    shown = [ax for ax in axes if ax.visible is not False]
    px = 8
    if any(ax.showticklabels is not False for ax in shown):
        px += TICKS_PX
    if any(ax.title and ax.title.text for ax in shown):
        px += AXIS_TITLE_PX
    return px


def _controls_under_plot(fig: go.Figure) -> int:
    """One slider (and Play/Pause left of it) at fixed pixels under the plot; the bottom
    margin that holds them and the legend."""
    below = _below_plot(fig)
    sliders, menus = fig.layout.sliders or (), fig.layout.updatemenus or ()
    if len(sliders) == 1:
        x = RAIL_X if menus else 0.0
        sliders[0].update(x=x, len=1.0 - x, y=0, yanchor="top", pad=dict(t=below, b=6))
        for um in menus:
            um.update(x=0.0, xanchor="left", y=0, yanchor="top", pad=dict(t=below + 34, r=10))
    return below + (SLIDER_PX if sliders else 0) + (LEGEND_PX if _legend_shown(fig) else 0)


def fit_to_screen(name: str, fig: go.Figure) -> go.Figure:
    """Give demo ``name``'s figure a layout that fills one screen with its controls; returns it."""
    lines = _titles(fig)
    top = 14 + round(lines * 1.25 * TITLE_PX) + 10 if lines else 20
    if _subplot_titles(fig):
        top += 34
    bottom = _controls_under_plot(fig)
    fig.update_layout(height=None, width=None, autosize=True, title_font_size=TITLE_PX,
                      margin=dict(t=top, b=bottom, l=70, r=30))
    FITS.get(name, lambda f: None)(fig)
    return fig
