r"""Exploding gradients and clipping (Pascanu, Mikolov & Bengio 2013).

What it covers
--------------
- ``one_unit_loss_surface(ws, bs, T=30, h0=0.5, target=0.7)``: the loss
  ``L(w, b) = (h_T - target)^2`` of the one-unit RNN ``h_t = tanh(w h_{t-1} + b)`` (no input)
  on a grid, with ``∂L/∂w`` and ``∂L/∂b``; every grid point is one unit of a single
  block-diagonal ``lstm_edu.RNN``, so value and gradient come from its forward and backward
  pass. Returns ``{"loss", "dw", "db"}``, each ``(len(bs), len(ws))``.
- ``descend(w0, b0, lr, steps, clip=None, ...)``: gradient descent on that loss, with
  optional norm clipping; returns ``{"w", "b", "loss", "grad_norm"}`` each ``(steps + 1,)``;
  ``descend_many(w0, b0, clips, ...)`` runs several (one per clip) in one batched model.
- ``loss_cliff(...)``: kernel-free figure: the loss surface with its cliff (a wall where
  h_T jumps between the two stable fixed points), and gradient-descent paths from the same
  start with and without clipping.
- ``train_with_clipping(clip=None, steps=800, ...)``: a tanh RNN (hidden 16, recurrent matrix
  of spectral radius 1.5, ``lstm_edu.analysis.rnn_with_spectral_radius``) with a linear
  read-out (``lstm_edu.training.model.SequenceModel``) trained on the adding problem
  (``lstm_edu.data.adding_problem``, T = 10) by SGD with momentum 0.9 and learning rate 0.1
  (``lstm_edu.training.optim``), its gradient norm-clipped at ``clip`` (``clip_grad_norm``) or
  not at all. Returns ``{"loss": (steps,), "grad_norm": (steps,)}`` (the training loss of each
  batch before its update and the norm *before* clipping) and ``"test_mse"``, the final MSE
  on 1,000 held-out sequences. A step whose gradient is not finite is skipped (the run has
  diverged; its losses are then ``inf``/``nan`` and the figure leaves them out).
- ``clipping_runs(thresholds, steps)``: those runs without clipping and at every threshold.
- ``clipping_trials(clip=1.0, seeds=range(10))``: the same comparison over seeds: the final
  test MSE of every seed without and with clipping, beside the constant guess (1/6). Measured
  on two machines (``OMP_NUM_THREADS=1``, about 15 s): clipped at 1, all 10 seeds end below
  half the constant guess (0.012 to 0.054); without clipping most seeds end near or above the
  constant guess (up to 3.0), and one or two learn. Which ones differs between the machines:
  unclipped training amplifies the last bits of the floating-point arithmetic.
- ``clipping_comparison(thresholds, ...)``: kernel-free figure: loss and gradient norm over
  training steps, without clipping and with clipping at the threshold chosen by a slider.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_edu.analysis import rnn_with_spectral_radius
from lstm_edu.data import ADDING_CONSTANT_GUESS_MSE, adding_problem
from lstm_edu.viz import theme
from lstm_edu.viz._controls import animation_controls, display_round

W_GRID = np.linspace(0.0, 4.0, 81)
B_GRID = np.linspace(-1.5, 1.5, 61)
THRESHOLDS = (0.25, 0.5, 1.0, 2.0, 4.0)
_CHUNK = 512
#: The held-out sequences every run is measured on (the same for all seeds).
_TEST_SEED, _TEST_SIZE = 2013, 1000


def _one_unit(w, b, T: int, h0: float, target: float) -> dict[str, np.ndarray]:
    """Loss and gradient of independent one-unit RNNs with parameters ``w[k], b[k]`` (flat).

    All units run as one block-diagonal ``lstm_edu.RNN`` (chunks of at most ``_CHUNK``).
    """
    from lstm_edu import RNN

    w, b = np.asarray(w, float).ravel(), np.asarray(b, float).ravel()
    out = {k: np.empty(w.size) for k in ("loss", "dw", "db")}
    for s in range(0, w.size, _CHUNK):
        wk, bk = w[s:s + _CHUNK], b[s:s + _CHUNK]
        n = wk.size
        rnn = RNN.from_params({"weight_ih": np.zeros((n, 1)), "weight_hh": np.diag(wk),
                               "bias_ih": np.zeros(n), "bias_hh": bk.copy()})
        trace = rnn.forward(np.zeros((T, 1, 1)), h0=np.full((1, n), h0))
        err = trace.h[-1, 0] - target
        dh = np.zeros((T, 1, n))
        dh[-1, 0] = 2 * err
        grads = rnn.backward(trace, dh)
        out["loss"][s:s + n] = err ** 2
        out["dw"][s:s + n] = np.diag(grads["weight_hh"])
        out["db"][s:s + n] = grads["bias_hh"]
    return out


def one_unit_loss_surface(ws=W_GRID, bs=B_GRID, T: int = 30, h0: float = 0.5,
                          target: float = 0.7) -> dict[str, np.ndarray]:
    """Loss and gradient of the one-unit RNN over the grid ``bs × ws`` (see module doc)."""
    W, Bg = np.meshgrid(np.asarray(ws, float), np.asarray(bs, float))      # (nb, nw)
    return {k: v.reshape(W.shape) for k, v in _one_unit(W, Bg, T, h0, target).items()}


def descend_many(w0, b0, clips, lr: float = 0.2, steps: int = 25, T: int = 30,
                 h0: float = 0.5, target: float = 0.7) -> list[dict[str, np.ndarray]]:
    """Several gradient descents at once (one unit each), from ``(w0, b0)`` with clipping
    thresholds ``clips`` (``None`` = no clipping); one result like ``descend`` per clip."""
    n = len(clips)
    cl = np.array([np.inf if c is None else float(c) for c in clips])
    w, b = np.full(n, float(w0)), np.full(n, float(b0))
    hist = {k: [] for k in ("w", "b", "loss", "grad_norm")}
    for step in range(steps + 1):
        r = _one_unit(w, b, T, h0, target)
        g = np.stack([r["dw"], r["db"]])                                  # (2, n)
        norm = np.linalg.norm(g, axis=0)
        for k, val in (("w", w), ("b", b), ("loss", r["loss"]), ("grad_norm", norm)):
            hist[k].append(val.copy())
        if step == steps:
            break
        scale = np.where(norm > cl, cl / np.where(norm > 0, norm, 1), 1.0)
        w, b = w - lr * scale * g[0], b - lr * scale * g[1]
    arr = {k: np.array(v) for k, v in hist.items()}                        # (steps + 1, n)
    return [{k: arr[k][:, j] for k in arr} for j in range(n)]


def descend(w0: float, b0: float, lr: float = 0.2, steps: int = 25, clip: float | None = None,
            T: int = 30, h0: float = 0.5, target: float = 0.7) -> dict[str, np.ndarray]:
    """Gradient descent on the one-unit loss from ``(w0, b0)``, optionally norm-clipped."""
    return descend_many(w0, b0, [clip], lr, steps, T, h0, target)[0]


def loss_cliff(ws=W_GRID, bs=B_GRID, start=(2.0, -0.48), lr: float = 0.3, steps: int = 15,
               clip: float = 0.5, projector: bool = False, surface: dict | None = None
               ) -> go.Figure:
    """Kernel-free figure: the one-unit RNN's loss surface and descent with/without clipping.

    Traces: 0 heatmap of the loss (z (len(bs), len(ws))), 1 path without clipping,
    2 path with clipping at ``clip``.
    """
    surf = one_unit_loss_surface(ws, bs) if surface is None else surface
    fig = go.Figure(go.Heatmap(
        x=np.asarray(ws).tolist(), y=np.asarray(bs).tolist(),
        z=display_round(surf["loss"]).tolist(), colorscale=theme.SEQUENTIAL,
        colorbar=dict(title="loss"),
        customdata=display_round(np.hypot(surf["dw"], surf["db"])).tolist(),
        hovertemplate="w = %{x:.3g}, b = %{y:.3g}<br>loss = %{z:.4g}<br>"
                      "‖∇L‖ = %{customdata:.4g}<extra></extra>",
    ))
    paths = descend_many(*start, [None, clip], lr=lr, steps=steps)
    # Over the heatmap the paths need >= 3:1 against both ends of its colour scale (dark blue
    # and yellow): the darker text variants of vermillion and sky blue have it.
    for p, name, color, dash in ((paths[0], "gradient descent, no clipping",
                                  theme.TEXT_COLORS["f"], "solid"),
                                 (paths[1], f"clipped at ‖g‖ ≤ {clip:g}", theme.TEXT_COLORS["h"],
                                  "dash")):
        fig.add_trace(go.Scatter(
            x=display_round(p["w"]), y=display_round(p["b"]), mode="lines+markers", name=name,
            line=dict(color=color, dash=dash), marker=dict(size=7),
            customdata=np.stack([p["loss"], p["grad_norm"]], axis=1),
            hovertemplate="w = %{x:.4g}, b = %{y:.4g}<br>loss = %{customdata[0]:.4g}<br>"
                          "‖∇L‖ = %{customdata[1]:.4g}<extra>" + name + "</extra>",
        ))
    fig.update_layout(
        annotations=[dict(x=0.99, y=0.99, xref="paper", yref="paper", showarrow=False,
                          xanchor="right", yanchor="top", bgcolor="rgba(255,255,255,0.8)",
                          text="the unclipped path is thrown off the chart")],
        title="The cliff: loss of a one-unit RNN h<sub>t</sub> = tanh(w h<sub>t−1</sub> + b) "
              "after 30 steps",
        xaxis=dict(title="recurrent weight w", range=[min(ws), max(ws)]),
        yaxis=dict(title="bias b", range=[min(bs), max(bs)]),
        height=540,
    )
    theme.describe(fig, (
        "Heatmap of the loss (h_30 − 0.7)² of a one-unit tanh RNN over its recurrent weight w "
        "(x axis) and bias b (y axis), starting from h_0 = 0.5. For w above 1 a sharp wall "
        "separates low loss from high loss: crossing it flips the final state to the other "
        "fixed point. Two gradient-descent paths start at the same point near the wall: "
        "without clipping a huge gradient on the wall throws the parameters far away; with "
        "norm clipping the step stays small."))
    return theme.apply(fig, projector=projector)


def train_with_clipping(clip: float | None = None, steps: int = 800, lr: float = 0.1,
                        momentum: float = 0.9, hidden_size: int = 16, rho: float = 1.5,
                        T: int = 10, batch: int = 32, seed: int = 0) -> dict:
    """Train the RNN of the module docstring on the adding problem, optionally norm-clipped.

    ``clip``: the clipping threshold (``None``: no clipping). ``seed`` sets the model (its
    initialization) and the training batches. Returns ``{"loss": (steps,), "grad_norm":
    (steps,), "test_mse": float}``; with ``clip`` the update uses ``g * min(1, clip / ‖g‖)``.
    """
    from lstm_edu.training.heads import LinearHead
    from lstm_edu.training.model import SequenceModel
    from lstm_edu.training.optim import SGD, clip_grad_norm, grad_norm

    if clip is not None and not clip > 0:
        raise ValueError(f"clip: expected a positive threshold or None, got {clip!r}")
    core = rnn_with_spectral_radius(rho, 2, hidden_size, seed)
    model = SequenceModel(core, LinearHead(hidden_size, 1, seed=seed + 1))
    opt = SGD(lr=lr, momentum=momentum)
    xs, ys = adding_problem(steps * batch, T, seed=seed + 100)   # every batch, drawn at once
    losses, norms = np.empty(steps), np.empty(steps)
    # A diverging run overflows on purpose: its losses become inf and are reported as such.
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            b = slice(step * batch, (step + 1) * batch)
            losses[step], grads = model.loss_and_grads(xs[:, b], ys[b])
            norms[step] = grad_norm(grads)
            if not np.isfinite(norms[step]):
                continue                                   # diverged: no usable direction
            if clip is not None and norms[step] > clip:
                clip_grad_norm(grads, clip)
            opt.step(model.params, grads)
        x_test, y_test = adding_problem(_TEST_SIZE, T, _TEST_SEED)
        test = model.evaluate(x_test, y_test)["mse"]
    return {"loss": losses, "grad_norm": norms, "test_mse": float(test)}


def clipping_runs(thresholds=THRESHOLDS, steps: int = 800, seed: int = 0) -> dict:
    """``train_with_clipping`` without clipping (key ``None``) and at every threshold.

    Each run is computed once per process (they are deterministic); the arrays returned are
    copies, so a caller may change them."""
    return {c: {k: v.copy() if isinstance(v, np.ndarray) else v
                for k, v in _run(c, steps, seed).items()} for c in [None, *thresholds]}


@lru_cache(maxsize=64)
def _run(clip, steps: int, seed: int) -> dict:
    return train_with_clipping(clip, steps, seed=seed)


def clipping_trials(clip: float = 1.0, seeds=range(10), steps: int = 800) -> dict:
    """The clipping comparison over ``seeds``: the final test MSE of each seed's run without
    and with clipping at ``clip``.

    Returns ``{"seeds": [...], "unclipped": (n,), "clipped": (n,), "constant_guess": 1/6}``.
    About 0.7 s a run here (``OMP_NUM_THREADS=1``): 10 seeds take about 15 s.
    """
    seeds = [int(s) for s in seeds]
    return {
        "seeds": seeds,
        "unclipped": np.array([_run(None, steps, s)["test_mse"] for s in seeds]),
        "clipped": np.array([_run(clip, steps, s)["test_mse"] for s in seeds]),
        "constant_guess": ADDING_CONSTANT_GUESS_MSE,
    }


def _shown(a) -> np.ndarray:
    """Values for a log axis, as float32 (4 significant digits are shown; half the page
    weight): non-finite ones (a diverged run) left out as gaps."""
    a = np.asarray(a, dtype=float)
    shown = np.where(np.isfinite(a), display_round(np.where(np.isfinite(a), a, 1.0)), np.nan)
    return shown.astype(np.float32)


def _clipped_traces(run: dict, clip: float) -> list[go.Scatter]:
    steps = np.arange(1, len(run["loss"]) + 1)
    name = f"clipped at ‖g‖ ≤ {clip:g}"
    return [
        go.Scatter(x=steps, y=_shown(run["loss"]), name=name, legendgroup="clip",
                   line=dict(color=theme.COLORS["h"]), showlegend=True,
                   hovertemplate="step %{x}: loss %{y:.4g}<extra>clipped</extra>"),
        go.Scatter(x=steps, y=_shown(run["grad_norm"]), name=name, legendgroup="clip",
                   line=dict(color=theme.COLORS["h"]), showlegend=False,
                   hovertemplate="step %{x}: ‖g‖ %{y:.4g}<extra>clipped</extra>"),
        go.Scatter(x=[1, len(steps)], y=[clip, clip], mode="lines", name="threshold",
                   line=dict(color=theme.COLORS["ink"], dash="dot", width=1.5),
                   showlegend=False, hoverinfo="skip"),
    ]


def clipping_comparison(thresholds=THRESHOLDS, steps: int = 800, projector: bool = False,
                        runs: dict | None = None) -> go.Figure:
    """Kernel-free figure: training loss and gradient norm with vs without clipping.

    ``runs`` (optional) maps ``None`` and each threshold to ``train_with_clipping`` results.
    Traces: 0 loss without clipping, 1 ‖g‖ without clipping, 2 loss clipped, 3 ‖g‖ clipped,
    4 the threshold line, 5 the loss of the constant guess (1/6), which a run must get below to
    have learned anything. Frames ``"clip=<θ>"`` update traces 2–4.
    """
    thresholds = list(thresholds)
    runs = runs or clipping_runs(thresholds, steps)
    base = runs[None]
    x = np.arange(1, len(base["loss"]) + 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig.add_trace(go.Scatter(x=x, y=_shown(base["loss"]), name="no clipping",
                             legendgroup="none", line=dict(color=theme.COLORS["f"]),
                             hovertemplate="step %{x}: loss %{y:.4g}<extra>no clipping</extra>"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=_shown(base["grad_norm"]), name="no clipping",
                             legendgroup="none", line=dict(color=theme.COLORS["f"]),
                             showlegend=False,
                             hovertemplate="step %{x}: ‖g‖ %{y:.4g}<extra>no clipping</extra>"),
                  row=2, col=1)
    start = thresholds.index(1.0) if 1.0 in thresholds else 0   # the text's threshold
    for j, tr in enumerate(_clipped_traces(runs[thresholds[start]], thresholds[start])):
        fig.add_trace(tr, row=1 if j == 0 else 2, col=1)
    names = [f"clip={c:g}" for c in thresholds]
    fig.frames = [go.Frame(name=n, data=_clipped_traces(runs[c], c), traces=[2, 3, 4])
                  for n, c in zip(names, thresholds, strict=True)]
    # Trace 5: the constant guess, named in the legend (a label on the line would cover data).
    fig.add_trace(go.Scatter(x=[1, len(x)], y=[ADDING_CONSTANT_GUESS_MSE] * 2, mode="lines",
                             name="constant guess (1/6)", hoverinfo="skip",
                             line=dict(color=theme.COLORS["ink"], width=1.5, dash="dash")),
                  row=1, col=1)
    fig.update_yaxes(type="log", title_text="training loss (MSE)", row=1, col=1)
    fig.update_yaxes(type="log", title_text="gradient norm ‖g‖", row=2, col=1)
    fig.update_xaxes(title_text="training step", row=2, col=1)
    fig.update_layout(
        title="Exploding gradients in an RNN and norm clipping (Pascanu et al. 2013)",
        height=680, margin=dict(b=120),
        **animation_controls(names, [f"{c:g}" for c in thresholds],
                             prefix="clipping threshold = ", frame_ms=900, y=-0.08,
                             active=start),
    )
    theme.describe(fig, (
        "Two log-scale line charts over training steps of a tanh RNN (recurrent spectral "
        "radius 1.5 at the start) learning the adding problem by SGD with momentum: on top the "
        "training loss, with a dashed line at the constant guess 1/6, below the gradient norm "
        "measured before clipping. Without clipping the gradient explodes, the loss jumps far "
        "above the constant guess and does not come back; with norm clipping at the threshold "
        "chosen by the slider (dotted line) the loss falls well below the constant guess. "
        "The legend is below the slider."))
    return theme.apply(fig, projector=projector)
