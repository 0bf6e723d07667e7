"""Live widgets driven by setting their controls' ``.value``: the figure follows, errors show."""

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_edu import LSTM
from lstm_edu.activations import sigmoid
from lstm_edu.book.render import PLOTLY_MIME
from lstm_edu.viz import bptt, cell_tracer, clipping, gates, gradient_flow, widgets
from lstm_edu.viz._controls import DISPLAY_RTOL


def close(a, b, rtol=DISPLAY_RTOL):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=1e-12)


def shown(w) -> dict:
    """The plotly figure currently displayed in the widget's Output."""
    (out,) = w.output.outputs
    assert out["output_type"] == "display_data"
    return out["data"][PLOTLY_MIME]


def test_gate_widget_time_and_forget_bias():
    lstm, x = gates.example_lstm_input()
    w = widgets.gate_widget(lstm, x)
    assert set(w.controls) == {"t", "forget_shift", "input_scale"}
    w.controls["t"].value = 5
    tr = lstm.forward(x)
    close(w.figure.data[6].y, tr.gates["i"][4, 0])
    close(w.figure.data[11].y, tr.h[4, 0])
    assert tuple(w.figure.data[12].x) == (5, 5)
    w.controls["forget_shift"].value = 4.0
    w.controls["input_scale"].value = 2.0
    H = 4
    p = {k: np.array(v, copy=True) for k, v in lstm.params.items()}
    p["bias_ih"][H:2 * H] += 4.0
    ref = LSTM.from_params(p).forward(2.0 * x)
    close(w.figure.data[1].z, ref.gates["f"][:, 0].T)
    close(w.figure.data[10].y, ref.c[4, 0])
    assert not w.errors.outputs
    assert len(shown(w)["data"]) == 18


def test_cell_tracer_widget_backward_lookup():
    lstm, x = cell_tracer.example_cell_input()
    w = widgets.cell_tracer_widget(lstm, x)
    w.controls["direction"].value = "backward"
    w.controls["t"].value = 1
    T = x.shape[0]
    dh = np.zeros((T, 1, 2))
    dh[-1] = 1.0
    g = lstm.backward(lstm.forward(x), dh)
    val = dict(zip(cell_tracer.NODES, w.figure.data[3].customdata, strict=True))
    close(val["x"], g["x"][0, 0])
    close(val["c_prev"], g["c0"][0])
    assert "backward at t = 1" in w.figure.layout.title.text


def test_gradient_flow_widget_recomputes():
    w = widgets.gradient_flow_widget(T=30)
    w.controls["rho"].value = 1.35
    w.controls["forget_bias"].value = 2.5
    w.controls["T"].value = 40
    x = gradient_flow.example_sequence(40)
    rnn = gradient_flow.compute_grad_norms(gradient_flow.rnn_with_spectral_radius(1.35), x)
    lstm = gradient_flow.compute_grad_norms(gradient_flow.lstm_with_forget_bias(2.5), x)
    close(w.figure.data[0].y, rnn["h"])
    close(w.figure.data[1].y, lstm["h"])
    close(w.figure.data[2].y, lstm["c"])
    assert len(w.figure.data[0].x) == 40
    close(w.figure.data[0].x, np.arange(40))
    assert shown(w)["data"][0]["x"]            # the displayed figure carries the new data


def test_clipping_widget_looks_up_runs():
    runs = clipping.clipping_runs((0.5, 2.0), steps=12)
    w = widgets.clipping_widget((0.5, 2.0), runs=runs)
    w.controls["clip"].value = 2.0
    close(w.figure.data[2].y, runs[2.0]["loss"])
    close(w.figure.data[3].y, runs[2.0]["grad_norm"])
    assert not w.figure.layout.sliders      # no plotly slider beside the live one


def test_loss_cliff_widget_recomputes_paths():
    w = widgets.loss_cliff_widget()
    w.controls["lr"].value = 0.5
    w.controls["clip"].value = 1.0
    free, clipped = clipping.descend_many(2.0, -0.48, [None, 1.0], lr=0.5, steps=12)
    close(w.figure.data[1].x, free["w"])
    close(w.figure.data[2].y, clipped["b"])
    assert "1" in w.figure.data[2].name


def test_valve_widget():
    w = widgets.valve_widget()
    w.controls["z"].value = 2.0
    w.controls["value"].value = -1.5
    s = sigmoid(2.0)
    close(w.figure.data[3].y, [s, s * (1 - s)])
    close(w.figure.data[4].y, [-1.5, -1.5 * s])


def test_bptt_widget():
    w = widgets.bptt_widget()
    w.controls["T"].value = 4
    w.controls["rho"].value = 1.5
    w.controls["k"].value = 4
    num = bptt.bptt_numbers(4, 1.5)
    cd = w.figure.data[3].customdata
    close(cd[:4], num["h"])
    close(cd[4:], num["x"])
    assert w.controls["k"].max == 4
    assert "1.5" in w.figure.layout.title.text


def test_callback_errors_land_in_the_errors_output(monkeypatch):
    w = widgets.gradient_flow_widget(T=20)
    before = w.figure.data[0].y

    def boom(*a, **k):
        raise RuntimeError("deliberate failure in compute_grad_norms")

    monkeypatch.setattr(gradient_flow, "compute_grad_norms", boom)
    w.controls["rho"].value = 1.7           # not cached: calls the broken function
    (err,) = w.errors.outputs
    assert err["name"] == "stderr" and "deliberate failure" in err["text"]
    assert "Traceback" in err["text"]
    close(w.figure.data[0].y, before)      # the figure kept its last good state
    monkeypatch.undo()
    w.controls["rho"].value = 1.75
    assert w.errors.outputs == ()


def test_live_figure_replacing_figure():
    fig = go.Figure(go.Scatter(y=[1, 2]))
    import ipywidgets as ipw

    slider = ipw.IntSlider(value=1, min=1, max=5)
    w = widgets.LiveFigure(fig, {"n": slider}, lambda f, v: go.Figure(go.Scatter(y=[v["n"]])))
    slider.value = 4
    assert list(w.figure.data[0].y) == [4]
    assert shown(w)["data"][0]["y"]


@pytest.mark.parametrize("name", [n for n in widgets.__all__ if n != "LiveFigure"])
def test_every_widget_builds_and_exposes_controls(name):
    w = getattr(widgets, name)()
    assert isinstance(w.figure, go.Figure) and w.controls
    assert not w.errors.outputs and w.output.outputs
    assert all(hasattr(c, "value") for c in w.controls.values())
