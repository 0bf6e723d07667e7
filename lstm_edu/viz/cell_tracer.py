r"""Cell tracer: a 2-unit LSTM cell drawn as a diagram, with the actual numbers at every node.

What it covers
--------------
- ``NODES``: the diagram's nodes, in a fixed order: ``x`` (x_t), ``h_prev`` (h_{t-1}),
  ``c_prev`` (c_{t-1}), the gates ``f``, ``i``, ``g``, ``o``, the products ``fc`` (f ⊙ c_{t-1})
  and ``ig`` (i ⊙ g), ``c`` (c_t), ``tanh_c`` (tanh c_t) and ``h`` (h_t).
- ``cell_tracer_steps(lstm, x, dh=None, batch=0)``: node values of every step from
  ``lstm.forward(x)``, and, stepping backward through time, the gradient ``∂L/∂node`` that
  arrives at every node for the loss ``L = Σ_t dh_t · h_t`` (default: ``dh`` = ones at the
  last step). Returns ``{"forward": [T dicts node -> (n,)], "backward": [T dicts]}`` where
  ``n`` is H (I for ``x``). Both passes are the book's reference loops (``lstm_edu.cells``):
  ``lstm_forward`` gives every node's value; stepping back, ``lstm_step_backward`` gives what
  leaves each step (``∂L/∂x_t``, ``∂L/∂h_{t-1}``, ``∂L/∂c_{t-1}``) and the nodes inside the
  step show the gradient arriving at them (the formulas below); tests check both against
  ``lstm.backward``.
- ``cell_tracer(lstm=None, x=None, dh=None, projector=False)``: the kernel-free figure: the
  slider steps forward t = 1..T, then backward t = T..1; Play runs the whole pass.

Gradients arriving at the nodes of step t (``dh`` is ∂L/∂h_t from the loss plus from step
t+1, ``dc_next`` what step t+1 sends back along the cell state)::

    do = dh * tanh(c)        d_tanh_c = dh * o        dc = dc_next + dh * o * (1 - tanh(c)^2)
    di = dc * g   dg = dc * i   df = dc * c_prev      (d fc = d ig = dc)

Colours: node labels are black or white, whichever reads on the node (>= 4.5:1); the rings
lit during the backward pass and its numbers are ``theme.COLORS["grad"]``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_edu.cells import lstm_forward, lstm_step_backward
from lstm_edu.viz import theme
from lstm_edu.viz._controls import animation_controls, display_round

NODES = ("x", "h_prev", "c_prev", "f", "i", "g", "o", "fc", "ig", "c", "tanh_c", "h")
LABELS = {
    "x": "x<sub>t</sub>", "h_prev": "h<sub>t−1</sub>", "c_prev": "c<sub>t−1</sub>",
    "f": "f", "i": "i", "g": "g", "o": "o", "fc": "×", "ig": "×", "c": "c<sub>t</sub>",
    "tanh_c": "tanh", "h": "h<sub>t</sub>",
}
POS = {
    "x": (0.4, 0.4), "h_prev": (0.4, 2.2), "c_prev": (0.4, 6.0),
    "f": (2.5, 3.5), "i": (4.2, 3.5), "g": (5.9, 3.5), "o": (7.4, 3.5),
    "fc": (2.5, 6.0), "ig": (5.05, 4.9), "c": (8.8, 6.0), "tanh_c": (8.8, 4.5), "h": (8.8, 2.2),
}
_JUNCTION = (1.4, 1.4)
EDGES = (
    ("c_prev", "fc"), ("f", "fc"), ("fc", "c"), ("i", "ig"), ("g", "ig"), ("ig", "c"),
    ("c", "tanh_c"), ("tanh_c", "h"), ("o", "h"),
    ("J", "f"), ("J", "i"), ("J", "g"), ("J", "o"),
)
_COLOR = {"x": theme.COLORS["rnn"], "h_prev": theme.COLORS["h"], "h": theme.COLORS["h"],
          "f": theme.COLORS["f"], "i": theme.COLORS["i"], "g": theme.COLORS["g"],
          "o": theme.COLORS["o"], "c_prev": theme.COLORS["c"], "fc": theme.COLORS["c"],
          "ig": theme.COLORS["c"], "c": theme.COLORS["c"], "tanh_c": theme.COLORS["c"]}


def example_cell_input(T: int = 4, seed: int = 0):
    """A 2-unit ``LSTM`` with 2 inputs and ``x: (T, 1, 2)``."""
    from lstm_edu import LSTM

    lstm = LSTM(2, 2, seed=seed)
    t = np.arange(T)
    x = np.stack([np.cos(t), np.where(t % 2 == 0, 1.0, -0.5)], axis=-1)[:, None, :]
    return lstm, x


def cell_tracer_steps(lstm, x, dh=None, batch: int = 0) -> dict[str, list[dict]]:
    """Node values (forward) and node gradients (backward) of every step; see module doc."""
    x = np.asarray(x)
    T = x.shape[0]
    p = lstm.params
    H = np.shape(p["weight_hh"])[1]
    xb = x[:, batch:batch + 1]                                  # (T, 1, I): one sequence
    zeros = np.zeros((1, H), dtype=np.result_type(xb, p["weight_hh"]))
    h, c, caches = lstm_forward(xb, zeros, zeros, p)            # (T, 1, H), (T, 1, H)
    if dh is None:
        dh = np.zeros((T, x.shape[1], H))
        dh[-1] = 1.0
    dh = np.asarray(dh)[:, batch:batch + 1]                     # (T, 1, H)
    fwd = []
    for t, k in enumerate(caches):
        fwd.append({"x": k["x_t"][0], "h_prev": k["h_prev"][0], "c_prev": k["c_prev"][0],
                    "f": k["f"][0], "i": k["i"][0], "g": k["g"][0], "o": k["o"][0],
                    "fc": (k["f"] * k["c_prev"])[0], "ig": (k["i"] * k["g"])[0],
                    "c": c[t, 0], "tanh_c": k["tanh_c"][0], "h": h[t, 0]})
    bwd = [None] * T
    dh_next, dc_next = zeros, zeros
    for t in reversed(range(T)):
        k = caches[t]
        dht = dh[t] + dh_next                                   # all of ∂L/∂h_t
        dc = dc_next + dht * k["o"] * (1 - k["tanh_c"] ** 2)    # all of ∂L/∂c_t
        dx, dh_next, dc_next, _ = lstm_step_backward(dht, dc_next, k)
        d = {"h": dht, "tanh_c": dht * k["o"], "o": dht * k["tanh_c"], "c": dc, "fc": dc,
             "ig": dc, "i": dc * k["g"], "g": dc * k["i"], "f": dc * k["c_prev"],
             "c_prev": dc_next, "x": dx, "h_prev": dh_next}
        bwd[t] = {n: v[0] for n, v in d.items()}
    return {"forward": fwd, "backward": bwd}


def _fmt(vals) -> str:
    return "<br>".join(f"{v:+.3f}" for v in np.asarray(vals, dtype=float))


#: Where each node's numbers sit, next to its circle (default: below it).
_TEXT_AT = {"c_prev": "top center", "fc": "top center", "c": "top center",
            "h_prev": "top center", "tanh_c": "middle left", "ig": "middle left"}
#: Diameter of a node's circle, px.
NODE_SIZE = 40
#: Diameter of the ring lit around every node in the backward pass; the numbers sit outside it.
RING_SIZE = 48


def _values_trace(step: dict, backward: bool) -> go.Scatter:
    # The numbers ride on invisible markers as large as the nodes, so plotly places them just
    # outside each circle at any scale (theme.apply(projector=True) scales both alike).
    prefix = "∂L/∂" if backward else ""
    return go.Scatter(
        x=[POS[n][0] for n in NODES], y=[POS[n][1] for n in NODES], mode="markers+text",
        marker=dict(size=RING_SIZE + 4, opacity=0), text=[_fmt(step[n]) for n in NODES],
        cliponaxis=False,
        textposition=[_TEXT_AT.get(n, "bottom center") for n in NODES],
        textfont=dict(size=12, color=theme.TEXT_COLORS["grad" if backward else "ink"]),
        customdata=[display_round(step[n]).tolist() for n in NODES],
        hovertext=[f"{prefix}{LABELS[n]}: {_fmt(step[n]).replace('<br>', ', ')}" for n in NODES],
        hoverinfo="text", showlegend=False, name="backward" if backward else "forward",
    )


def _halo_trace(backward: bool) -> go.Scatter:
    """A ring around every node, lit (in the gradient's colour) while stepping backward."""
    return go.Scatter(
        x=[POS[n][0] for n in NODES], y=[POS[n][1] for n in NODES], mode="markers",
        marker=dict(size=RING_SIZE, symbol="circle-open", color=theme.COLORS["grad"],
                    line=dict(width=2.5), opacity=1.0 if backward else 0.0),
        hoverinfo="skip", showlegend=False, cliponaxis=False,
    )


def cell_tracer(lstm=None, x=None, dh=None, batch: int = 0, projector: bool = False
                ) -> go.Figure:
    """Kernel-free cell tracer for a 2-unit ``lstm`` on ``x: (T, B, I)`` (defaults provided).

    Traces: 0 edges, 1 highlight halo (shown while stepping backward), 2 nodes with their
    names, 3 the numbers at every node (``customdata[k]`` = values of ``NODES[k]``).
    Frames ``"forward t=1"``..``"forward t=T"``, ``"backward t=T"``..``"backward t=1"``
    update traces 1 and 3.
    """
    if lstm is None or x is None:
        lstm0, x0 = example_cell_input()
        lstm = lstm0 if lstm is None else lstm
        x = x0 if x is None else x
    steps = cell_tracer_steps(lstm, x, dh, batch)
    T = len(steps["forward"])
    pos = dict(POS, J=_JUNCTION)
    ex, ey = [], []
    for a, b in EDGES + (("h_prev", "J"), ("x", "J")):
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", hoverinfo="skip", showlegend=False,
                             line=dict(color=theme.COLORS["edge"], width=2)))
    fig.add_trace(_halo_trace(False))
    fig.add_trace(go.Scatter(
        x=[POS[n][0] for n in NODES], y=[POS[n][1] for n in NODES], mode="markers+text",
        text=[f"<b>{LABELS[n]}</b>" for n in NODES],
        textfont=dict(color=[theme.text_on(_COLOR[n]) for n in NODES], size=15),
        marker=dict(size=NODE_SIZE, color=[_COLOR[n] for n in NODES],
                    line=dict(color="white", width=2)),
        hoverinfo="skip", showlegend=False,
    ))
    fig.add_trace(_values_trace(steps["forward"][0], False))
    # the conveyor belt and the outputs to the next step
    fig.add_annotation(x=10.2, y=6.0, ax=POS["c"][0] + 0.35, ay=6.0, xref="x", yref="y",
                       axref="x", ayref="y", text="", arrowhead=2, arrowwidth=3,
                       arrowcolor=theme.COLORS["c"])
    fig.add_annotation(x=10.2, y=2.2, ax=POS["h"][0] + 0.35, ay=2.2, xref="x", yref="y",
                       axref="x", ayref="y", text="", arrowhead=2, arrowwidth=3,
                       arrowcolor=theme.COLORS["h"])
    fig.add_annotation(x=5.6, y=5.75, text="cell state: the conveyor belt", showarrow=False,
                       font=dict(color=theme.TEXT_COLORS["c"], size=13))
    names, labels, frames = [], [], []
    for t in range(T):
        names.append(f"forward t={t + 1}")
        labels.append(f"→{t + 1}")
        frames.append((False, t))
    for t in reversed(range(T)):
        names.append(f"backward t={t + 1}")
        labels.append(f"←{t + 1}")
        frames.append((True, t))
    fig.frames = [
        go.Frame(
            name=n, traces=[1, 3],
            data=[_halo_trace(back), _values_trace(steps["backward" if back else "forward"][t],
                                                   back)],
            layout=dict(title_text=_title(back, t)),
        ) for n, (back, t) in zip(names, frames, strict=True)
    ]
    fig.update_layout(
        title=_title(False, 0), height=640, margin=dict(b=110, l=20, r=20),
        xaxis=dict(visible=False, range=[-0.5, 10.5]),
        yaxis=dict(visible=False, range=[-1.2, 7.6]),
        **animation_controls(names, labels, prefix="step: ", frame_ms=900),
    )
    theme.describe(fig, (
        f"Diagram of one LSTM cell with 2 units traced over {T} time steps. From the left the "
        "input x_t and previous hidden state h_t−1 feed the forget gate f, input gate i, "
        "candidate g and output gate o; the cell state runs along the top: c_t = f × c_t−1 + "
        "i × g, and h_t = o × tanh(c_t). Beside every node are its two numbers. The slider "
        "first steps forward through time, then backward, where a ring lights up around every "
        "node and the numbers become the gradient of the loss with respect to each node."))
    return theme.apply(fig, projector=projector)


def _title(backward: bool, t: int) -> str:
    if backward:
        return f"Cell tracer, backward at t = {t + 1}: the gradient ∂L/∂· at every node"
    return f"Cell tracer, forward at t = {t + 1}: the value at every node (2 units)"
