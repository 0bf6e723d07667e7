"""Kernel-free controls shared by the figures: frame sliders with Play/Pause, restyle sliders.

What it covers
--------------
- ``animation_controls(names, labels, ...)``: a slider whose steps animate to the frames
  ``names`` (one step per frame, labels shown under the rail) and a Play/Pause menu that
  plays the same frames. Pure plotly.js: works in the static book with no kernel.
- ``restyle_slider(steps, ...)``: a slider whose steps change trace properties directly
  (``method="restyle"``), for figures with several independent sliders.
- ``display_round(a, digits=4)``: round to ``digits`` significant digits for display;
  ``short_number(v)``: a number as a reader wants it printed on a diagram (``0.43``,
  ``1.2×10⁻⁵``), never in e-notation.
- ``show_frame(fig, name)``: copy a frame's data into the figure (the live widgets' lookup).

Every slider fills the figure's width on a row of its own, under its Play/Pause buttons, so a
390 px phone still has room for its labels (plotly.js drops labels that would overlap). Their
colours (rails, ticks and button borders at >= 3:1 on white) come from the book's template
(``lstm_edu.viz.theme``), so every slider has them, also one built elsewhere.
"""

from __future__ import annotations

import numpy as np

#: Significant digits kept in figure data that is only displayed (tests use a matching rtol).
DISPLAY_DIGITS = 4
#: Relative tolerance between figure data and the model values after display rounding.
DISPLAY_RTOL = 10.0 ** (1 - DISPLAY_DIGITS)


def display_round(a, digits: int = DISPLAY_DIGITS) -> np.ndarray:
    """``a`` rounded to ``digits`` significant digits (NaN stays NaN, 0 stays 0)."""
    a = np.asarray(a, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where(np.isfinite(a) & (a != 0), np.floor(np.log10(np.abs(a))), 0)
        scale = 10.0 ** (digits - 1 - mag)
        out = np.round(a * scale) / scale
    return np.where(np.isfinite(a), out, a)


#: px from the plot's bottom edge to the buttons: room for tick labels and an axis title.
_BUTTONS_T = 48
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def short_number(v, digits: int = 2) -> str:
    """``v`` to ``digits`` significant digits, as plain decimals for 0.001 <= |v| < 10000
    (``0.43``, ``12``, ``0.0031``) and as ``m×10ᵏ`` otherwise (``1.2×10⁻⁵``); "" for None."""
    if v is None:
        return ""
    v = float(v)
    if v == 0 or not np.isfinite(v):
        return f"{v:g}"
    if 1e-3 <= abs(v) < 1e4:
        return f"{float(f'{v:.{digits}g}'):g}"
    m, e = f"{v:.{digits - 1}e}".split("e")
    return f"{float(m):g}×10{str(int(e)).translate(_SUPERSCRIPT)}"


def animation_controls(
    names: list[str],
    labels: list[str],
    prefix: str = "",
    frame_ms: int = 500,
    y: float = -0.02,
    active: int = 0,
) -> dict:
    """``sliders`` and ``updatemenus`` (Play/Pause) for frames named ``names``; the slider
    starts at ``names[active]`` (the figure's initial data must be that frame's).

    Returns a dict to pass to ``fig.update_layout(**...)``.
    """
    if len(names) != len(labels):
        raise ValueError(f"animation_controls: {len(names)} names but {len(labels)} labels")
    anim = dict(mode="immediate", frame=dict(duration=frame_ms, redraw=True),
                transition=dict(duration=0))
    steps = [
        dict(method="animate", label=lab, args=[[name], anim])
        for name, lab in zip(names, labels, strict=True)
    ]
    slider = dict(
        # The rail fills the width on its own row, under the buttons; its value is printed
        # at its right end, level with the buttons, so nothing overlaps on a phone.
        active=active, steps=steps, x=0.0, len=1.0, y=y, yanchor="top", pad=dict(t=_BUTTONS_T + 44,
                                                                             b=10),
        currentvalue=dict(prefix=prefix, visible=True, xanchor="right"),
    )
    play = dict(
        type="buttons", direction="left", showactive=False, x=0.0, y=y, xanchor="left",
        yanchor="top", pad=dict(t=_BUTTONS_T, r=10),
        buttons=[
            dict(label="▶ Play", method="animate",
                 args=[None, dict(anim, fromcurrent=True)]),
            dict(label="❚❚ Pause", method="animate",
                 args=[[None], dict(mode="immediate", frame=dict(duration=0, redraw=False),
                                    transition=dict(duration=0))]),
        ],
    )
    return dict(sliders=[slider], updatemenus=[play])


def restyle_slider(
    steps: list[tuple[str, dict, list[int]]],
    prefix: str,
    active: int = 0,
    y: float = 0.0,
    x: float = 0.0,
    length: float = 1.0,
) -> dict:
    """A slider whose step ``(label, {prop: [value per trace]}, trace_indices)`` restyles traces."""
    return dict(
        active=active, x=x, len=length, y=y, yanchor="top", pad=dict(t=30, b=10),
        currentvalue=dict(prefix=prefix, visible=True, xanchor="left"),
        steps=[dict(method="restyle", label=lab, args=[props, idx]) for lab, props, idx in steps],
    )


def show_frame(fig, name: str):
    """Copy frame ``name``'s data (and layout) into ``fig``'s traces, in place; returns ``fig``.

    This is what plotly.js does when the slider picks that frame; the live widgets use it to
    look up a precomputed step instead of recomputing it.
    """
    frame = next((f for f in fig.frames if f.name == name), None)
    if frame is None:
        raise ValueError(f"show_frame: no frame named {name!r}; "
                         f"frames are {[f.name for f in fig.frames][:5]}...")
    idx = frame.traces if frame.traces is not None else range(len(frame.data))
    with fig.batch_update():
        for i, tr in zip(idx, frame.data, strict=True):
            fig.data[i].update(tr.to_plotly_json())
        if frame.layout is not None:
            fig.layout.update(frame.layout.to_plotly_json())
    return fig
