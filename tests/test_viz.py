"""Figures as data: every frame and slider step holds the values of a real lstm_edu run.

Each test recomputes the expected numbers independently from ``lstm_edu`` (forward,
backward, or a different route to the same gradient) and compares them with the figure.
"""

import colorsys
import itertools
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_edu import LSTM, RNN
from lstm_edu.activations import sigmoid
from lstm_edu.training.stats import wilson_ci
from lstm_edu.viz import bptt, cell_tracer, clipping, gates, gradient_flow, theme, valve
from lstm_edu.viz._controls import DISPLAY_RTOL, show_frame

RTOL = DISPLAY_RTOL          # figure data are rounded to 4 significant digits for display


def close(a, b, rtol=RTOL, atol=1e-12):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def assert_animated(fig: go.Figure, n_frames: int):
    """Slider steps animate to existing frames in order; a Play button plays all frames."""
    names = [f.name for f in fig.frames]
    assert len(names) == n_frames and len(set(names)) == n_frames
    steps = fig.layout.sliders[0].steps
    assert [s.args[0][0] for s in steps] == names
    assert all(s.method == "animate" for s in steps)
    play = fig.layout.updatemenus[0].buttons[0]
    assert "Play" in play.label and play.method == "animate" and play.args[0] is None
    pause = fig.layout.updatemenus[0].buttons[1]
    assert "Pause" in pause.label and list(pause.args[0]) == [None]


def suffix_grads(model, x, t, v):
    """∂L/∂h_t (and ∂L/∂c_t holding h_t) for L = v·h_{T-1}: rerun from step t+1 with
    h0 = h_t, c0 = c_t and read grads["h0"], grads["c0"] (an independent route)."""
    T, H = x.shape[0], len(v)
    tr = model.forward(x)
    kw = {"c0": tr.c[t]} if hasattr(tr, "c") else {}
    sub = model.forward(x[t + 1:], h0=tr.h[t], **kw)
    dh = np.zeros((T - t - 1, 1, H))
    dh[-1, 0] = v
    g = model.backward(sub, dh)
    return g["h0"][0], g.get("c0", [None])[0]


# -------------------------------------------------------------------------------- theme
def test_theme_colors_are_okabe_ito_and_distinct():
    keys = ["i", "f", "g", "o", "c", "h", "rnn", "lstm"]
    cols = [theme.COLORS[k] for k in keys]
    assert len(set(cols)) == len(cols)
    assert set(cols) <= set(theme.PALETTE.values())      # the book's Okabe–Ito variants


def _hls(color):
    return colorsys.rgb_to_hls(*(int(color[k:k + 2], 16) / 255 for k in (1, 3, 5)))


def test_palette_keeps_the_okabe_ito_hues_and_reaches_wcag_contrast():
    """Each colour is its Okabe–Ito parent's hue, no lighter; marks reach 3:1 and text colours
    4.5:1 on white (WCAG 2.1 AA), computed here from the hex values."""
    def lum(color):
        c = [int(color[k:k + 2], 16) / 255 for k in (1, 3, 5)]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    on_white = {c: 1.05 / (lum(c) + 0.05) for c in {*theme.PALETTE.values(),
                                                    *theme.TEXT_COLORS.values()}}
    for name, color in theme.PALETTE.items():
        h0, l0, _ = _hls(theme.OKABE_ITO[name])
        h, light, _ = _hls(color)
        assert abs(h - h0) < 0.01 or name in ("black", "grey"), (name, h, h0)
        assert light <= l0 + 1e-9, name
        assert on_white[color] >= 3.0, (name, on_white[color])
    assert all(on_white[c] >= 4.5 for c in theme.TEXT_COLORS.values()), theme.TEXT_COLORS
    assert theme.text_on(theme.COLORS["h"]) == "#000000"       # black on the light blue node
    assert theme.text_on(theme.COLORS["lstm"]) == "#FFFFFF"    # white on black
    assert theme.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)


def test_gate_and_state_colours_stay_apart_for_colour_blind_readers():
    """Machado et al. (2009) simulations (severity 1) of protanopia, deuteranopia and
    tritanopia: every pair of i, f, g, o, c, h keeps a CIE76 colour difference above 10
    (darkening orange alone would have merged it with vermillion for deuteranopes)."""
    sims = {
        "normal": np.eye(3),
        "protan": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
        "deutan": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                   [-0.011820, 0.042940, 0.968881]],
        "tritan": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
    }

    def lab(color, m):
        c = np.array([int(color[k:k + 2], 16) / 255 for k in (1, 3, 5)])
        lin = np.clip(np.asarray(m) @ np.where(c <= 0.04045, c / 12.92,
                                                ((c + 0.055) / 1.055) ** 2.4), 0, 1)
        xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                        [0.0193, 0.1192, 0.9505]]) @ lin / [0.95047, 1.0, 1.08883]
        f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
        return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])

    keys = ["i", "f", "g", "o", "c", "h"]
    for name, m in sims.items():
        for a, b in itertools.combinations(keys, 2):
            d = np.linalg.norm(lab(theme.COLORS[a], m) - lab(theme.COLORS[b], m))
            assert d > 10, (name, a, b, d)


def test_describe_and_projector():
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], line=dict(width=2)))
    fig.add_annotation(text="a", x=0, y=0, font=dict(size=10))
    theme.describe(fig, "  a line \n from 0 to 1 ")
    assert fig.layout.meta["description"] == "a line from 0 to 1"
    theme.apply(fig, projector=True)
    assert fig.layout.template.layout.font.size >= 20
    assert fig.data[0].line.width > 2 and fig.layout.annotations[0].font.size > 10
    with pytest.raises(ValueError, match="non-empty"):
        theme.describe(go.Figure(), " ")


FACTORIES = [gates.gate_animation, cell_tracer.cell_tracer, valve.sigmoid_valve,
             bptt.bptt_diagram]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_every_figure_is_described_titled_and_light(factory):
    for projector in (False, True):
        fig = factory(projector=projector)
        assert len(theme.description(fig)) > 80
        assert fig.layout.title.text
        size = len(fig.to_json())
        assert size < 200_000, size
    json.loads(fig.to_json())      # serializable


# -------------------------------------------------------------------------------- gates
def test_gate_animation_frames_hold_the_trace():
    lstm = LSTM(3, 5, seed=4)
    x = np.random.default_rng(1).standard_normal((7, 2, 3))
    fig = gates.gate_animation(lstm, x, batch=1)
    tr = lstm.forward(x)
    ref = {**{k: tr.gates[k][:, 1] for k in "ifgo"}, "c": tr.c[:, 1], "h": tr.h[:, 1]}
    assert_animated(fig, 7)
    assert [s.label for s in fig.layout.sliders[0].steps] == [str(t) for t in range(1, 8)]
    for j, k in enumerate(gates.QUANTITIES):
        close(fig.data[j].z, ref[k].T)
        for t, frame in enumerate(fig.frames):
            assert frame.traces[j] == 6 + j
            close(frame.data[j].y, ref[k][t])
            assert frame.data[6 + j].x == (t + 1, t + 1)


# -------------------------------------------------------------------------- cell tracer
def test_cell_tracer_forward_frames_hold_every_node_value():
    lstm, x = cell_tracer.example_cell_input(T=3, seed=2)
    fig = cell_tracer.cell_tracer(lstm, x)
    tr = lstm.forward(x)
    assert_animated(fig, 6)
    N = cell_tracer.NODES
    for t in range(3):
        cd = fig.frames[t].data[1].customdata
        assert fig.frames[t].name == f"forward t={t + 1}"
        val = dict(zip(N, cd, strict=True))
        close(val["x"], x[t, 0])
        for k in "ifgo":
            close(val[k], tr.gates[k][t, 0])
        close(val["c"], tr.c[t, 0])
        close(val["h"], tr.h[t, 0])
        close(val["tanh_c"], np.tanh(tr.c[t, 0]))
        close(val["fc"], tr.gates["f"][t, 0] * (tr.c[t - 1, 0] if t else 0))
        close(val["h_prev"], tr.h[t - 1, 0] if t else np.zeros(2))


def test_cell_tracer_backward_frames_agree_with_lstm_backward():
    lstm, x = cell_tracer.example_cell_input(T=4, seed=3)
    dh = np.random.default_rng(0).standard_normal((4, 1, 2))
    fig = cell_tracer.cell_tracer(lstm, x, dh)
    grads = lstm.backward(lstm.forward(x), dh)
    by_name = {f.name: dict(zip(cell_tracer.NODES, f.data[1].customdata, strict=True))
               for f in fig.frames}
    for t in range(4):
        close(by_name[f"backward t={t + 1}"]["x"], grads["x"][t, 0])
    close(by_name["backward t=1"]["h_prev"], grads["h0"][0])
    close(by_name["backward t=1"]["c_prev"], grads["c0"][0])
    # the parameter gradient rebuilt from the node gradients equals lstm.backward's
    steps = cell_tracer.cell_tracer_steps(lstm, x, dh)
    db = sum(np.concatenate([s["i"] * f["i"] * (1 - f["i"]), s["f"] * f["f"] * (1 - f["f"]),
                             s["g"] * (1 - f["g"] ** 2), s["o"] * f["o"] * (1 - f["o"])])
             for s, f in zip(steps["backward"], steps["forward"], strict=True))
    close(db, grads["bias_ih"], rtol=1e-10)


# ------------------------------------------------------------------------ gradient flow
@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_compute_grad_norms_matches_suffix_runs(kind):
    model = (gradient_flow.rnn_with_spectral_radius(1.1, 3, 6, seed=2) if kind == "rnn"
             else gradient_flow.lstm_with_forget_bias(1.0, 3, 6, seed=2))
    x = gradient_flow.example_sequence(12, 3, seed=2)
    v = gradient_flow.loss_direction(6, seed=5)
    n = gradient_flow.compute_grad_norms(model, x, v)
    assert n["h"][-1] == pytest.approx(1.0)
    tr = model.forward(x)
    for t in (0, 5, 10):
        dh_t, dc_t = suffix_grads(model, x, t, v)
        assert n["h"][t] == pytest.approx(np.linalg.norm(dh_t), rel=1e-10)
        if kind == "lstm":   # total ∂L/∂c_t = (holding h_t) + path through h_t = o tanh(c_t)
            local = dh_t * tr.gates["o"][t, 0] * (1 - np.tanh(tr.c[t, 0]) ** 2)
            assert n["c"][t] == pytest.approx(np.linalg.norm(dc_t + local), rel=1e-10)


def test_spectral_radius_and_forget_bias_are_set():
    rnn = gradient_flow.rnn_with_spectral_radius(1.3, 2, 8)
    assert np.max(np.abs(np.linalg.eigvals(rnn.params["weight_hh"]))) == pytest.approx(1.3)
    lstm = gradient_flow.lstm_with_forget_bias(2.5, 2, 8)
    assert np.all(lstm.params["bias_ih"][8:16] + lstm.params["bias_hh"][8:16] == 2.5)


def test_vanishing_exploding_and_preserved():
    x = gradient_flow.example_sequence(60)
    small = gradient_flow.compute_grad_norms(gradient_flow.rnn_with_spectral_radius(0.6), x)
    big = gradient_flow.compute_grad_norms(gradient_flow.rnn_with_spectral_radius(2.0), x)
    lstm = gradient_flow.compute_grad_norms(gradient_flow.lstm_with_forget_bias(5.0), x)
    assert small["h"][0] < 1e-10 and big["h"][0] > 10
    assert lstm["c"][0] > 1e-3 > small["h"][0] * 1e6


def test_gradient_flow_sliders_match_the_grid():
    rhos, biases, lengths = (0.8, 1.2), (0.0, 3.0), (10, 20)
    fig = gradient_flow.gradient_flow_lab(rhos, biases, lengths, rho0=0.8, bias0=0.0)
    s_rho, s_bias, s_len = fig.layout.sliders
    assert [s.label for s in s_rho.steps] == ["0.8", "1.2"]
    assert [s.label for s in s_bias.steps] == ["0", "3"]
    assert [s.label for s in s_len.steps] == ["10", "20"]
    for rho, step in zip(rhos, s_rho.steps, strict=True):
        assert step.method == "restyle" and list(step.args[1]) == [0, 3]
        for T, y in zip(lengths, step.args[0]["y"], strict=True):
            ref = gradient_flow.compute_grad_norms(gradient_flow.rnn_with_spectral_radius(rho),
                                                   gradient_flow.example_sequence(T))["h"]
            close(y, ref)
    for b, step in zip(biases, s_bias.steps, strict=True):
        assert list(step.args[1]) == [1, 2, 4, 5]
        ys = step.args[0]["y"]
        for j, T in enumerate(lengths):
            ref = gradient_flow.compute_grad_norms(gradient_flow.lstm_with_forget_bias(b),
                                                   gradient_flow.example_sequence(T))
            close(ys[2 * j], ref["h"])
            close(ys[2 * j + 1], ref["c"])
    for j, step in enumerate(s_len.steps):
        assert step.method == "update"
        assert list(step.args[0]["visible"]) == [3 * j <= i < 3 * j + 3 for i in range(6)]
    # the initial traces are the grid's first values
    close(fig.data[3].y, s_rho.steps[0].args[0]["y"][1])
    assert fig.layout.yaxis.type == "log"


# ----------------------------------------------------------------------------- clipping
def test_one_unit_surface_matches_single_unit_rnns_and_finite_differences():
    ws, bs = np.array([0.5, 1.5, 2.5]), np.array([-0.3, 0.2])
    surf = clipping.one_unit_loss_surface(ws, bs, T=20)
    for i, b in enumerate(bs):
        for j, w in enumerate(ws):
            def loss(w_, b_):
                rnn = RNN.from_params({"weight_ih": np.zeros((1, 1)), "weight_hh": [[w_]],
                                       "bias_ih": np.zeros(1), "bias_hh": np.array([b_])})
                h = rnn.forward(np.zeros((20, 1, 1)), h0=np.full((1, 1), 0.5)).h
                return (h[-1, 0, 0] - 0.7) ** 2
            assert surf["loss"][i, j] == pytest.approx(loss(w, b), rel=1e-12)
            eps = 1e-6
            fd_w = (loss(w + eps, b) - loss(w - eps, b)) / (2 * eps)
            fd_b = (loss(w, b + eps) - loss(w, b - eps)) / (2 * eps)
            assert surf["dw"][i, j] == pytest.approx(fd_w, rel=1e-5, abs=1e-9)
            assert surf["db"][i, j] == pytest.approx(fd_b, rel=1e-5, abs=1e-9)


def test_loss_cliff_figure_and_clipped_steps():
    ws, bs = clipping.W_GRID[::4], clipping.B_GRID[::4]
    fig = clipping.loss_cliff(ws, bs, steps=15)
    close(fig.data[0].z, clipping.one_unit_loss_surface(ws, bs)["loss"])
    free, clipped = clipping.descend_many(2.0, -0.48, [None, 0.5], lr=0.3, steps=15)
    close(fig.data[1].x, free["w"])
    close(fig.data[2].y, clipped["b"])
    step = np.hypot(np.diff(clipped["w"]), np.diff(clipped["b"]))
    assert np.all(step <= 0.3 * 0.5 + 1e-12)
    assert np.max(np.hypot(np.diff(free["w"]), np.diff(free["b"]))) > 1.0   # the cliff
    single = clipping.descend(2.0, -0.48, lr=0.3, steps=15, clip=0.5)
    close(single["w"], clipped["w"], rtol=1e-12)


def test_clipping_comparison_frames_hold_the_runs():
    th = (0.5, 2.0)
    runs = clipping.clipping_runs(th, steps=15)
    fig = clipping.clipping_comparison(th, runs=runs)
    assert_animated(fig, 2)
    assert [s.label for s in fig.layout.sliders[0].steps] == ["0.5", "2"]
    close(fig.data[0].y, runs[None]["loss"])
    close(fig.data[1].y, runs[None]["grad_norm"])
    for c, frame in zip(th, fig.frames, strict=True):
        close(frame.data[0].y, runs[c]["loss"])
        close(frame.data[1].y, runs[c]["grad_norm"])
        assert list(frame.data[2].y) == [c, c]
    assert fig.layout.sliders[0].active == 0            # no 1.0 among them: the first
    full = clipping.clipping_comparison((0.5, 1.0, 2.0), runs=runs | {
        1.0: clipping.train_with_clipping(1.0, steps=15)})
    assert full.layout.sliders[0].active == 1           # the text's threshold, 1, first
    assert list(full.data[4].y) == [1.0, 1.0]
    again = clipping.train_with_clipping(0.5, steps=15)
    close(again["grad_norm"], runs[0.5]["grad_norm"], rtol=1e-12)
    assert runs[None]["grad_norm"].max() > 10 * 2.0     # the unclipped run explodes


# -------------------------------------------------------------------------------- valve
def test_sigmoid_valve_frames():
    z = np.array([-4.0, 0.0, 1.5])
    fig = valve.sigmoid_valve(z, value=0.8)
    assert_animated(fig, 3)
    for zi, frame in zip(z, fig.frames, strict=True):
        marker, bar = frame.data
        s = sigmoid(zi)
        assert list(marker.x) == [zi, zi]
        close(marker.y, [s, s * (1 - s)], rtol=1e-12)
        close(bar.y, [0.8, 0.8 * s])


# --------------------------------------------------------------------------------- BPTT
def test_bptt_frames_hold_real_gradient_norms():
    T, rho = 5, 1.2
    fig = bptt.bptt_diagram(T, rho)
    assert_animated(fig, T + 1)
    rnn = gradient_flow.rnn_with_spectral_radius(rho)
    x = gradient_flow.example_sequence(T)
    v = gradient_flow.loss_direction(16)
    dh = np.zeros((T, 1, 16))
    dh[-1, 0] = v
    gx = np.linalg.norm(rnn.backward(rnn.forward(x), dh)["x"][:, 0], axis=1)
    gh = [np.linalg.norm(suffix_grads(rnn, x, t, v)[0]) for t in range(T - 1)] + [1.0]
    for k, frame in enumerate(fig.frames):
        cd = frame.data[1].customdata
        for t in range(T):
            if t >= T - k:
                close(cd[t], gh[t])
                close(cd[T + t], gx[t])
            else:
                assert cd[t] is None and cd[T + t] is None


def test_show_frame_copies_frame_data():
    fig = valve.sigmoid_valve(np.array([-1.0, 2.0]))
    show_frame(fig, "z=2")
    close(fig.data[3].y[0], sigmoid(2.0), rtol=1e-12)
    with pytest.raises(ValueError, match="no frame named"):
        show_frame(fig, "z=7")


# ------------------------------------------------------------------------------ one look
ONE_LOOK = [gates.gate_animation, cell_tracer.cell_tracer, valve.sigmoid_valve,
            bptt.bptt_diagram, gradient_flow.gradient_flow_lab, clipping.loss_cliff]


@pytest.mark.parametrize("factory", ONE_LOOK, ids=lambda f: f.__name__)
def test_every_figure_has_the_book_look(factory):
    """The book's template, a description, a labelled colour bar on every heatmap, and log
    axes labelled at powers of ten only (no SI prefixes, no minor labels)."""
    for projector in (False, True):
        fig = factory(projector=projector)
        assert fig.layout.template.layout.font.family.startswith("Helvetica")
        assert fig.layout.template.layout.paper_bgcolor == "#FFFFFF"
        assert len(theme.description(fig)) > 80
        for tr in fig.data:
            if tr.type == "heatmap":
                assert tr.showscale is not False and tr.colorbar.title.text, tr.name
        for axis in [fig.layout[k] for k in fig.layout if k.startswith(("xaxis", "yaxis"))]:
            if axis.type == "log":
                assert axis.exponentformat == "power" and axis.minorloglabels == "none"


def test_plots_figures_have_the_book_look():
    from lstm_edu.training.trainer import History
    from lstm_edu.viz import plots

    h = History(steps=[1, 2], losses=[0.3, 0.01], sequences=[8, 16], eval_sequences=[16],
                metrics={"mse": [0.02]})
    x = np.arange(6)
    figs = [plots.loss_curve(h), plots.compare_runs({"lstm": h, "rnn": h}, metric="mse"),
            plots.forecast_figure(list("abcdef"), x * 1.0, 2, {"naive": [1, 2]}),
            plots.lines_figure(x, {"a": x * 1.0}, spans=[(1, 2)], xtitle="t")]
    for fig in figs:
        assert fig.layout.template.layout.font.family.startswith("Helvetica")
        assert theme.description(fig)
    assert figs[0].layout.yaxis.exponentformat == "power"
    assert "a against t" in theme.description(figs[3])


def test_titles_wrap_for_a_phone_and_the_margin_holds_them():
    fig = theme.apply(go.Figure(layout=dict(title="Gradient clipping: why the clipped run "
                                                  "learns and the other one does not")))
    shown = [re.sub(r"<[^>]+>", "", line) for line in fig.layout.title.text.split("<br>")]
    assert len(shown) >= 2 and all(len(line) <= theme.TITLE_CHARS for line in shown)
    assert shown[0] == "Gradient clipping:"          # the colon is the natural break
    assert fig.layout.margin.t >= len(shown) * 18


def test_short_numbers_are_never_e_notation():
    from lstm_edu.viz._controls import short_number

    assert [short_number(v) for v in (0.4251, 12.34, 0.00312, 1.0)] == ["0.43", "12", "0.0031",
                                                                       "1"]
    assert short_number(1.23e-5) == "1.2×10⁻⁵" and short_number(4.2e14) == "4.2×10¹⁴"
    fig = bptt.bptt_diagram(6, 0.5)
    texts = [t for fr in fig.frames for t in fr.data[1].text if t]
    assert texts and not any("e-" in t or "e+" in t for t in texts)


def test_valve_curve_labels_sit_off_the_other_curves_and_there_is_no_legend():
    fig = valve.sigmoid_valve()
    assert not any(t.showlegend is not False for t in fig.data[:3])
    curves = valve.valve_values(valve.CURVE_Z)
    key = {"tanh(z)": "tanh", "σ(z)": "opening", "σ′(z) = σ(1−σ)": "slope"}
    for text, x, y, xanchor, _, _ in valve.CURVE_LABELS:
        span = (x, x + 2.5) if xanchor == "left" else (x - 2.0, x)
        inside = (valve.CURVE_Z >= span[0]) & (valve.CURVE_Z <= span[1])
        for name, values in curves.items():
            if name in ("z", "passed", key[text]):
                continue
            gap = np.min(np.abs(values[inside] - (y + 0.08)))    # the label's middle
            assert gap > 0.1, (text, name, gap)


def test_valve_panels_are_stacked_for_a_phone():
    fig = valve.sigmoid_valve()
    assert fig.layout.xaxis.domain == fig.layout.xaxis2.domain       # one column
    assert max(fig.layout.yaxis2.domain) < min(fig.layout.yaxis.domain)


# ------------------------------------------------------------------- clipping that learns
def test_clipped_run_learns_and_unclipped_does_not():
    runs = clipping.clipping_runs((1.0,))
    guess = clipping.ADDING_CONSTANT_GUESS_MSE
    assert runs[1.0]["test_mse"] < guess / 2 < guess < runs[None]["test_mse"]
    assert np.all(np.isfinite(runs[1.0]["loss"]))
    assert np.max(runs[1.0]["grad_norm"]) > 1.0      # clipping had something to clip


@pytest.mark.slow
def test_clipping_over_ten_seeds():
    """Issue 10's bar: over 10 seeds the clipped run ends well below the constant guess (below
    half of it, every seed), the unclipped one does so at a rate whose 95 % Wilson interval
    lies below the clipped rate's. (Which unclipped seeds learn differs between processors:
    unclipped training amplifies the last bits of the arithmetic, and two machines disagreed.)"""
    r = clipping.clipping_trials(1.0, range(10))
    guess = r["constant_guess"]
    assert len(r["seeds"]) == 10 and guess == pytest.approx(1 / 6)
    assert np.all(r["clipped"] < guess / 2), r["clipped"]
    k_free = int(np.sum(r["unclipped"] < guess / 2))
    assert wilson_ci(k_free, 10)["high"] < wilson_ci(10, 10)["low"], r["unclipped"]
    assert np.median(r["unclipped"]) > guess
