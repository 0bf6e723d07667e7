"""Contrast of every figure (WCAG 2.1 AA), computed from the figures' own colours.

Every figure factory of ``lstm_edu.viz`` (found through ``lstm_edu.viz.__all__``: every
function that returns a plotly Figure) and the ``lstm_edu.viz.plots`` figures on small data
are built, and their JSON walked, frames included (a frame's trace is merged onto the trace it
updates, as plotly.js does). Each colour is parsed from the figure itself (``#rgb``,
``#rrggbb``, ``rgb()``, ``rgba()``, a few CSS names), blended over what lies under it when it
is translucent, and compared with WCAG's contrast ratio
``(L1 + 0.05) / (L2 + 0.05)`` of relative luminances:

- text ≥ 4.5:1 (1.4.3): the layout font, titles, axis titles and tick labels, legend text on
  the legend's background, annotations on their own background or on the shape they sit on,
  trace text on the node it is drawn on (``textposition`` "middle center" over a visible
  marker) or on the plot background, bar labels drawn outside, colour-bar labels, slider
  and button labels;
- lines and marks ≥ 3:1 (1.4.11): trace lines, markers and bars against the plot background
  (and, for marks drawn over a heatmap, against both end colours of its colour scale), arrow
  and shape lines, shaded spans (by their fill or by an edge line), slider rails and ticks,
  button borders.

Slider and button colours a figure does not set come from its template's ``sliderdefaults`` /
``updatemenudefaults``, then from plotly.js's defaults. Backgrounds come from the figure's
template (``paper_bgcolor``, ``plot_bgcolor``), which must
set them explicitly to white: the book has one (light) mode, and a figure must not inherit a
page colour. Not measured: grid lines (decoration), hover labels (transient), text drawn
over trace lines, and marks over the middle of a heatmap's colour scale.
"""

from __future__ import annotations

import base64
import importlib
import inspect
import pkgutil
import re

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import pytest

from lstm_edu import viz
from lstm_edu.viz import plots

TEXT, MARK = 4.5, 3.0
#: plotly.js defaults for what a figure does not set (plotly.js 4, src/components/*).
PLOTLYJS = {"font": "#444", "bg": "#fff", "shape_line": "#444", "slider_border": "#bec8d9",
            "slider_tick": "#333", "button_border": "#BEC8D9", "button_active": "#F4FAFF",
            "colorway": ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                         "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]}
NAMED = {"white": (255, 255, 255), "black": (0, 0, 0), "red": (255, 0, 0),
         "grey": (128, 128, 128), "gray": (128, 128, 128), "transparent": (0, 0, 0, 0.0)}


# ------------------------------------------------------------------------------ colour maths
def parse(color) -> tuple[float, float, float, float]:
    """``(r, g, b, a)`` with r, g, b in 0..255 and a in 0..1, from a CSS colour string."""
    s = str(color).strip().lower()
    if s in NAMED:
        v = NAMED[s]
        return (*map(float, v[:3]), float(v[3]) if len(v) == 4 else 1.0)
    if s.startswith("#"):
        h = s[1:]
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h)
        if len(h) in (6, 8):
            r, g, b = (int(h[k:k + 2], 16) for k in (0, 2, 4))
            return float(r), float(g), float(b), int(h[6:8], 16) / 255 if len(h) == 8 else 1.0
    m = re.fullmatch(r"rgba?\(([^)]*)\)", s)
    if m:
        parts = [float(p) for p in m.group(1).replace("/", ",").split(",")]
        return parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else 1.0
    pytest.fail(f"cannot parse the colour {color!r}")


def over(fg, bg, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """``fg`` (its own alpha times ``alpha``) composited over the opaque ``bg``."""
    f, b = parse(fg) if isinstance(fg, str) else fg, parse(bg) if isinstance(bg, str) else bg
    a = f[3] * alpha
    return tuple(a * f[k] + (1 - a) * b[k] for k in range(3)) + (1.0,)


def luminance(rgb) -> float:
    def lin(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_maths_on_known_pairs():
    """WCAG's own reference points: black/white 21:1, #777 on white ~4.48:1."""
    assert ratio(parse("#000"), parse("white")) == pytest.approx(21.0)
    assert ratio(parse("#777777"), parse("#fff")) == pytest.approx(4.48, abs=0.01)
    assert ratio(parse("rgb(255, 255, 255)"), parse("#FFFFFF")) == pytest.approx(1.0)
    half = over("rgba(0, 0, 0, 0.5)", "#ffffff")
    assert half[:3] == pytest.approx((127.5, 127.5, 127.5))


# ------------------------------------------------------------------------------ the figures
#: Modules of ``lstm_edu.viz`` that hold no figure factory of their own.
NOT_FIGURES = {"widgets", "live", "tables", "theme", "_controls", "plots"}


def factories() -> dict:
    """Every figure factory of ``lstm_edu.viz`` that runs on its defaults: the public
    functions of its modules (``module.function``) annotated to return a Figure, with no
    required argument. (Factories that need data, such as ``gates.gate_figure(hist)``, are
    built by their defaulting twins, e.g. ``gates.gate_animation``.)"""
    out = {}
    for info in pkgutil.iter_modules(viz.__path__):
        if info.name in NOT_FIGURES:
            continue
        mod = importlib.import_module(f"lstm_edu.viz.{info.name}")
        for name, f in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(f) or f.__module__ != mod.__name__:
                continue
            sig = inspect.signature(f)
            required = [p for p in sig.parameters.values() if p.default is p.empty
                        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            if "Figure" in str(sig.return_annotation) and not required:
                out[f"{info.name}.{name}"] = f
    return out


PLOTS = ("loss_curve", "compare_runs", "forecast_figure", "lines_figure")


def plots_figures():
    """The ``lstm_edu.viz.plots`` figures (``PLOTS``), on small data."""
    from lstm_edu.training.trainer import History

    h = History(steps=[1, 2, 3, 4], losses=[0.3, 0.2, 0.05, 0.01], sequences=[8, 16, 24, 32],
                eval_sequences=[16, 32], metrics={"loss": [0.2, 0.01], "mse": [0.2, 0.01]},
                target=("mse", 0.02))
    months = [f"2020-{m:02d}" for m in range(1, 13)] + [f"2021-{m:02d}" for m in range(1, 13)]
    values = 100 + 10 * np.sin(np.arange(24))
    x = np.arange(40)
    return {
        "loss_curve": plots.loss_curve(h),
        "compare_runs": plots.compare_runs({"lstm": h, "rnn": h, "gru": h}, metric="mse",
                                           baseline=1 / 6, target=0.01),
        "forecast_figure": plots.forecast_figure(months, values, 6,
                                                 {"naive": values[-6:] + 1, "LSTM": values[-6:]}),
        "lines_figure": plots.lines_figure(x, {"signal": np.sin(x), "score": np.cos(x)},
                                           spans=[(5, 8)], marks=np.sin(x) > 0.9,
                                           title="a signal", xtitle="t", ytitle="value"),
    }


def all_figures() -> dict[str, go.Figure]:
    figs = {}
    for name, f in factories().items():
        takes = "projector" in inspect.signature(f).parameters
        for projector in (False, True) if takes else (False,):
            figs[f"{name}{'[projector]' if projector else ''}"] = (
                f(projector=projector) if takes else f())
    figs.update(plots_figures())
    return figs


@pytest.fixture(scope="module")
def figures():
    return all_figures()


def test_every_factory_is_found():
    names = set(factories())
    assert {"gates.gate_animation", "cell_tracer.cell_tracer", "gradient_flow.gradient_flow_lab",
            "clipping.clipping_comparison", "clipping.loss_cliff", "valve.sigmoid_valve",
            "bptt.bptt_diagram"} <= names
    exported = {n for n in viz.__all__ if inspect.isfunction(getattr(viz, n))
                and "Figure" in str(inspect.signature(getattr(viz, n)).return_annotation)}
    found = {getattr(viz, n) for n in exported}
    assert found <= set(factories().values()), "a factory lstm_edu.viz exports is missed"


# ------------------------------------------------------------------------------ the walk
def _merge(base: dict, upd: dict) -> dict:
    out = dict(base)
    for k, v in upd.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _get(d: dict, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or d.get(p) is None:
            return default
        d = d[p]
    return d


def _array(value):
    """plotly 7 stores numpy arrays as ``{"dtype", "bdata"(, "shape")}``: decode those."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return a.reshape([int(k) for k in str(shape).split(",")]) if shape else a
    return value


def _num(v):
    """A coordinate as a float, or None (a gap, a category, a date)."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _each(value, n: int) -> list:
    """A per-point property as a list of n values (scalars repeated)."""
    value = _array(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)[:n] + [None] * max(0, n - len(value))
    return [value] * n


class Walk:
    """The contrast checks of one figure: ``checks`` is a list of (what, ratio, needed)."""

    def __init__(self, fig: go.Figure):
        d = fig.to_dict()
        self.layout = d.get("layout", {})
        tl = (fig.layout.template.to_plotly_json().get("layout") or {})
        self.tl = tl
        self.paper = self.layout.get("paper_bgcolor") or tl.get("paper_bgcolor") or PLOTLYJS["bg"]
        self.plot = self.layout.get("plot_bgcolor") or tl.get("plot_bgcolor") or PLOTLYJS["bg"]
        self.font = (_get(self.layout, "font", "color") or _get(tl, "font", "color")
                     or PLOTLYJS["font"])
        self.colorway = self.layout.get("colorway") or tl.get("colorway") or PLOTLYJS["colorway"]
        self.checks: list[tuple[str, float, float]] = []
        data = d.get("data", [])
        self.heat_ends = self._heatmap_ends(data)
        for i, tr in enumerate(data):
            self.trace(tr, i, f"trace {i}")
        for fr in d.get("frames", []) or []:
            idx = fr.get("traces") or list(range(len(fr.get("data", []))))
            for i, tr in zip(idx, fr.get("data", []), strict=True):
                self.trace(_merge(data[i], tr), i, f"frame {fr.get('name')} trace {i}")
        self.layout_checks()

    # -- helpers
    def need(self, what: str, fg, bg, needed: float) -> None:
        self.checks.append((what, ratio(over(fg, bg), parse(bg) if isinstance(bg, str) else bg),
                            needed))

    def _heatmap_ends(self, data) -> dict:
        """Per axis pair: the heatmaps' cell extents and the two end colours of their scales."""
        ends = {}
        for tr in data:
            if tr.get("type") != "heatmap":
                continue
            cs = tr.get("colorscale") or _get(self.tl, "colorscale", "sequential") or "Viridis"
            if isinstance(cs, str):
                cs = plotly.colors.get_colorscale(cs)
            cols = [c for _, c in cs]
            z = np.asarray(_array(tr.get("z")), dtype=float)
            extent = []
            for axis, n in (("x", z.shape[1]), ("y", z.shape[0])):
                v = _array(tr.get(axis))
                v = np.arange(n, dtype=float) if v is None else np.asarray(v)
                if v.dtype.kind not in "iuf":          # categories or dates: the whole axis
                    extent.append((-np.inf, np.inf))
                    continue
                half = (v[1] - v[0]) / 2 if len(v) > 1 else 0.5
                extent.append((min(v) - abs(half), max(v) + abs(half)))
            key = (tr.get("xaxis", "x"), tr.get("yaxis", "y"))
            ends.setdefault(key, []).append((extent, [cols[0], cols[-1]]))
        return ends

    def backgrounds(self, tr, points) -> list:
        """What lies under a mark (or a line through ``points``, a list of (x, y)): the plot
        background, and the end colours of any heatmap whose cells one of the points is on."""
        key = (tr.get("xaxis", "x"), tr.get("yaxis", "y"))
        out = [parse(self.plot)]
        for (ex, ey), cols in self.heat_ends.get(key, []):
            def inside(v, lo_hi):
                return lo_hi[0] == -np.inf or (v is not None and lo_hi[0] <= v <= lo_hi[1])

            if any(inside(x, ex) and inside(y, ey) for x, y in points):
                out += [over(c, self.plot) for c in cols]
        return out

    # -- traces
    def trace(self, tr: dict, i: int, where: str) -> None:
        kind = tr.get("type", "scatter")
        alpha = float(tr.get("opacity", 1.0))
        default = self.colorway[i % len(self.colorway)]
        if kind == "scatter":
            self.scatter(tr, alpha, default, where)
        elif kind == "bar":
            self.bar(tr, alpha, default, where)
        elif kind == "heatmap" and tr.get("showscale", True):
            cb = tr.get("colorbar") or {}
            for part in ("tickfont", "title"):
                col = _get(cb, part, "color") or _get(cb, part, "font", "color") or self.font
                self.need(f"{where} colour-bar {part}", col, self.paper, TEXT)

    def scatter(self, tr, alpha, default, where):
        xs = _array(tr.get("x") if tr.get("x") is not None else tr.get("y"))
        xs = list(xs) if xs is not None else []
        n = len(xs)
        if n == 0 or all(v is None for v in xs):
            return
        ys = _array(tr.get("y"))
        ys = list(ys) if ys is not None and tr.get("x") is not None else [None] * n
        mode = tr.get("mode") or ("lines+markers" if n < 20 else "lines")
        line = tr.get("line") or {}
        line_color = line.get("color") or default
        points = [(_num(a), _num(b)) for a, b in zip(xs, ys, strict=True)]
        if "lines" in mode and line.get("width", 1) != 0:
            for bg in self.backgrounds(tr, points):
                self.need(f"{where} line", over(line_color, bg, alpha), bg, MARK)
        marker = tr.get("marker") or {}
        mcols = _each(marker.get("color") or line_color, n)
        mops = _each(marker.get("opacity", 1.0), n)
        sizes = _each(marker.get("size", 6), n)
        shown = ["markers" in mode and (mo if mo is not None else 1.0) * alpha > 0
                 and (s if s is not None else 6) > 0 for mo, s in zip(mops, sizes, strict=True)]
        for k in range(n):
            if shown[k] and isinstance(mcols[k], str):
                for bg in self.backgrounds(tr, [points[k]]):
                    a = alpha * (mops[k] if mops[k] is not None else 1.0)
                    self.need(f"{where} marker {k}", over(mcols[k], bg, a), bg, MARK)
        if "text" not in mode:
            return
        texts = _each(tr.get("text"), n)
        pos = _each(tr.get("textposition") or "middle center", n)
        fcol = _each(_get(tr, "textfont", "color") or self.font, n)
        for k in range(n):
            if not texts[k] or not str(texts[k]).strip():
                continue
            on_node = shown[k] and (pos[k] or "middle center") == "middle center" \
                and isinstance(mcols[k], str)
            a = alpha * (mops[k] if mops[k] is not None else 1.0)
            bg = over(mcols[k], self.plot, a) if on_node else self.plot
            self.need(f"{where} text {k} {str(texts[k])[:16]!r}", fcol[k] or self.font, bg, TEXT)

    def bar(self, tr, alpha, default, where):
        vals = _array(tr.get("y") if tr.get("y") is not None else tr.get("x"))
        n = 0 if vals is None else len(vals)
        cols = _each(_get(tr, "marker", "color") or default, n)
        for k in range(n):
            if isinstance(cols[k], str):
                for bg in self.backgrounds(tr, []):
                    self.need(f"{where} bar {k}", over(cols[k], bg, alpha), bg, MARK)
        if not tr.get("text"):
            return
        pos = tr.get("textposition") or "auto"
        out_col = _get(tr, "outsidetextfont", "color") or _get(tr, "textfont", "color")
        in_col = _get(tr, "insidetextfont", "color") or _get(tr, "textfont", "color")
        for k in range(n):
            if pos in ("outside", "auto"):
                self.need(f"{where} bar label {k}", out_col or self.font, self.plot, TEXT)
            if pos in ("inside", "auto") and in_col and isinstance(cols[k], str):
                self.need(f"{where} bar label {k} (inside)", in_col,
                          over(cols[k], self.plot, alpha), TEXT)

    # -- layout
    def layout_checks(self):
        L = self.layout
        self.need("layout font", self.font, self.paper, TEXT)
        if _get(L, "title", "font", "color"):
            self.need("title", L["title"]["font"]["color"], self.paper, TEXT)
        for key, ax in L.items():
            if not re.fullmatch(r"[xy]axis\d*", key) or not isinstance(ax, dict):
                continue
            for part in (("title", "font", "color"), ("tickfont", "color")):
                if _get(ax, *part):
                    self.need(f"{key} {part[0]}", _get(ax, *part), self.paper, TEXT)
            if _get(ax, "tickcolor") and ax.get("ticks"):
                self.need(f"{key} ticks", ax["tickcolor"], self.paper, MARK)
        legend = L.get("legend") or {}
        lbg = over(legend.get("bgcolor") or self.paper, self.plot)
        self.need("legend text", _get(legend, "font", "color") or self.font, lbg, TEXT)
        for j, sh in enumerate(L.get("shapes") or []):
            self.shape(sh, j)
        for j, ann in enumerate(L.get("annotations") or []):
            self.annotation(ann, j)
        sdef = self.tl.get("sliderdefaults") or {}
        udef = self.tl.get("updatemenudefaults") or {}
        for j, sl in enumerate(L.get("sliders") or []):
            sl = {**sdef, **sl}
            self.need(f"slider {j} labels", _get(sl, "font", "color") or self.font, self.paper,
                      TEXT)
            cv = _get(sl, "currentvalue", "font", "color") or _get(sl, "font", "color")
            self.need(f"slider {j} value", cv or self.font, self.paper, TEXT)
            self.need(f"slider {j} rail", sl.get("bordercolor") or PLOTLYJS["slider_border"],
                      self.paper, MARK)
            self.need(f"slider {j} ticks", sl.get("tickcolor") or PLOTLYJS["slider_tick"],
                      self.paper, MARK)
        for j, um in enumerate(L.get("updatemenus") or []):
            um = {**udef, **um}
            font = _get(um, "font", "color") or self.font
            for bg in (um.get("bgcolor") or self.paper, PLOTLYJS["button_active"]):
                self.need(f"buttons {j} labels", font, over(bg, self.paper), TEXT)
            self.need(f"buttons {j} border", um.get("bordercolor") or PLOTLYJS["button_border"],
                      self.paper, MARK)

    def shape(self, sh, j):
        alpha = float(sh.get("opacity", 1.0))
        line = sh.get("line") or {}
        width = line.get("width", 2)
        edge = width and width > 0 and line.get("color") != "rgba(0,0,0,0)"
        if sh.get("type") == "line" or (sh.get("type") == "rect" and not sh.get("fillcolor")):
            if edge:
                self.need(f"shape {j} line", over(line.get("color") or PLOTLYJS["shape_line"],
                                                  self.plot, alpha), self.plot, MARK)
            return
        if sh.get("type") == "rect" and sh.get("fillcolor"):
            fill = over(sh["fillcolor"], self.plot, alpha)
            best = ratio(fill, parse(self.plot))
            if edge:
                col = over(line.get("color") or PLOTLYJS["shape_line"], self.plot, alpha)
                best = max(best, ratio(col, parse(self.plot)))
            self.checks.append((f"shape {j} (shaded span: fill or edge)", best, MARK))

    def _under(self, ann) -> tuple:
        """The colour under an annotation: a filled shape containing its anchor, else the plot."""
        for sh in self.layout.get("shapes") or []:
            if sh.get("type") != "rect" or not sh.get("fillcolor"):
                continue
            if sh.get("xref") != ann.get("xref") or str(sh.get("yref", "")).split()[0] != \
                    str(ann.get("yref", "")).split()[0]:
                continue
            x, y = ann.get("x"), ann.get("y")
            lo, hi = sorted([sh["x0"], sh["x1"]], key=str if isinstance(x, str) else float)
            inside_x = (lo <= x <= hi) if isinstance(x, str) == isinstance(lo, str) else False
            inside_y = sh.get("y0", 0) <= (y if y is not None else 0.5) <= sh.get("y1", 1)
            if inside_x and inside_y:
                return over(sh["fillcolor"], self.plot, float(sh.get("opacity", 1.0)))
        return parse(self.plot)

    def annotation(self, ann, j):
        text = ann.get("text")
        if ann.get("showarrow", True) and ann.get("arrowcolor"):
            self.need(f"annotation {j} arrow", ann["arrowcolor"], self.plot, MARK)
        if not text or not str(text).strip():
            return
        under = self._under(ann)
        bg = over(ann["bgcolor"], under) if ann.get("bgcolor") else under
        if ann.get("bgcolor") and self.heat_ends:       # a box over a heatmap: its darkest end
            bg = min((over(ann["bgcolor"], over(c, self.plot)) for items in
                      self.heat_ends.values() for _, cols in items for c in cols), key=luminance)
        col = _get(ann, "font", "color") or self.font
        self.need(f"annotation {j} {str(text)[:20]!r}", col, bg, TEXT)


def failures(fig: go.Figure) -> list[str]:
    """The checks of ``fig`` below their WCAG threshold, as readable lines."""
    return [f"{what}: {r:.2f}:1 < {needed}:1" for what, r, needed in Walk(fig).checks
            if r < needed - 1e-9]


# ------------------------------------------------------------------------------ the tests
def test_template_backgrounds_are_explicitly_white():
    """No dark-mode half state: the book's templates set both backgrounds to white."""
    import plotly.io as pio

    for name in ("lstm_edu", "lstm_edu_projector"):
        lay = pio.templates[name].layout
        assert parse(lay.paper_bgcolor) == parse("#ffffff"), name
        assert parse(lay.plot_bgcolor) == parse("#ffffff"), name


def figure_names() -> list[str]:
    """The keys of ``all_figures()``, without building them."""
    names = list(PLOTS)
    for n, f in factories().items():
        names.append(n)
        if "projector" in inspect.signature(f).parameters:
            names.append(f"{n}[projector]")
    return sorted(names)


@pytest.mark.parametrize("name", figure_names())
def test_figure_meets_wcag_contrast(figures, name):
    fig = figures[name]
    walk = Walk(fig)
    assert len(walk.checks) > 3, "the walk found almost nothing to check"
    assert parse(walk.paper) == parse("#ffffff") and parse(walk.plot) == parse("#ffffff"), \
        f"{name}: backgrounds {walk.paper}, {walk.plot} (the template must make them white)"
    bad = failures(fig)
    assert not bad, f"{name}: {len(bad)} contrast failures:\n" + "\n".join(bad[:40])


def test_the_walk_catches_low_contrast():
    """A light-blue line, white text on a light node and a pale annotation all fail."""
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="lines+markers+text", text=["a", "b"],
                               line_color="#56B4E9", marker=dict(color="#E69F00", size=40),
                               textfont_color="white"))
    fig.add_annotation(x=0.5, y=0.5, text="note", font_color="#BBBBBB", showarrow=False)
    fig.update_layout(template="lstm_edu")
    bad = failures(fig)
    assert any("line" in b for b in bad) and any("text 0" in b for b in bad)
    assert any("annotation" in b for b in bad) and any("marker" in b for b in bad)
