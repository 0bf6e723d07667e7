"""Figures of the chapter "Sequence to sequence and attention", kernel-free.

What it covers
--------------
- ``attention_examples(model, texts, max_len)``: greedy translations of date strings with the
  attention weights of every output step (the computation behind the heat map).
- ``attention_heatmap(examples)``: the weights as a heat map, source characters across, output
  characters down; a slider (plotly frames: no kernel) picks the example.
- ``length_figure(by_length)``: exact match against source length, with and without attention,
  mean over seeds with 95 % intervals (the shape of Bahdanau et al. 2015, Fig. 2).
- ``exposure_figure(curves)``: token accuracy by output position, teacher forced against free
  running, buttons choose the model (no kernel).
- ``beam_figure(rows)``: exact match and mean log probability against the beam size.
- ``exposure_curves(result)``, ``beam_rows(result)``: the summaries over seeds these figures
  draw, from ``benchmarks/bench_seq2seq.py``'s results (``load_result("seq2seq")``). Every
  factory given no data draws those precomputed results.

Shapes: one example's ``attention`` is (n_out, S): output steps by source characters, each row
summing to 1 (the row of the step that emitted EOS included). All figures use the book's theme
(``theme.apply``) and carry an accessible description (``theme.describe``). Not covered:
training (``lstm_edu.seq2seq``), the experiments (``benchmarks/bench_seq2seq.py``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_edu.viz import theme
from lstm_edu.viz._controls import display_round

__all__ = ["attention_examples", "attention_heatmap", "length_figure", "exposure_figure",
           "beam_figure", "exposure_curves", "beam_rows", "precomputed"]

INK = theme.OKABE_ITO["black"]
STYLE = {"attention": dict(color=theme.PALETTE["blue"], dash="solid", symbol="circle"),
         "no attention": dict(color=theme.PALETTE["vermillion"], dash="dash", symbol="square")}


def precomputed() -> dict:
    """The results of ``benchmarks/bench_seq2seq.py`` (``lstm_edu/data/results/seq2seq.json``)."""
    from lstm_edu.data import load_result

    return load_result("seq2seq")


def exposure_curves(result=None) -> dict:
    """{"attention" | "no attention": (forced (U,), free (U,))}: the mean over seeds of the
    token accuracy by output position on the date lists, teacher forced and free running."""
    runs = (result or precomputed())["lists"]["runs"]
    out = {}
    for attention, name in ((False, "no attention"), (True, "attention")):
        mine = [r for r in runs if r["attention"] == attention]
        out[name] = tuple(np.mean([r[key] for r in mine], axis=0)
                          for key in ("forced_by_position", "free_by_position"))
    return out


def beam_rows(result=None) -> list:
    """Rows {"model", "beam", "seeds", "exact_match", "log_prob"} (bootstrap intervals over
    seeds, ``training.stats.bootstrap_ci``) for each model and beam size."""
    from lstm_edu.training.stats import bootstrap_ci

    runs, rows = (result or precomputed())["lists"]["runs"], []
    for attention, name in ((True, "attention"), (False, "no attention")):
        mine = [r for r in runs if r["attention"] == attention]
        for k in sorted(mine[0]["beam"], key=int):
            rows.append({"model": name, "beam": int(k), "seeds": len(mine), **{
                out: bootstrap_ci([r["beam"][k][key] for r in mine])
                for out, key in (("exact_match", "exact_match"), ("log_prob", "mean_log_prob"))}})
    return rows


def attention_examples(model, texts, max_len=12):
    """Date strings -> [{"source", "output", "attention" (n_out, S) list}] by greedy decoding."""
    from lstm_edu.data.dates import decode_target, encode_sources
    from lstm_edu.seq2seq.decode import greedy_attention

    if isinstance(texts, str) or not texts:
        raise ValueError(f"texts: expected a non-empty list of date strings, got {texts!r}")
    outs, alpha = greedy_attention(model, encode_sources(list(texts)), max_len=max_len)
    return [{"source": text, "output": decode_target(out),
             "attention": alpha[b, :len(out) + 1, :len(text)].tolist()}
            for b, (text, out) in enumerate(zip(texts, outs, strict=True))]


def _check_examples(examples):
    if not examples or not all({"source", "output", "attention"} <= set(e) for e in examples):
        raise ValueError("examples: expected a non-empty list of dicts with 'source', "
                         f"'output' and 'attention', got {examples!r:.80}")
    for e in examples:
        a = np.asarray(e["attention"], dtype=float)
        if a.ndim != 2 or a.shape[1] != len(e["source"]) or a.shape[0] < len(e["output"]):
            raise ValueError(f"examples: attention of {e['source']!r} must be (n_out >= "
                             f"{len(e['output'])}, S={len(e['source'])}), got {a.shape}")


def _heat(e):
    a = display_round(np.asarray(e["attention"], dtype=float))
    rows = list(e["output"]) + ["<eos>"] * (a.shape[0] - len(e["output"]))
    cols = [ch if ch != " " else "␣" for ch in e["source"]]
    hover = [[f"{rows[u]} ← {cols[j]}" for j in range(a.shape[1])] for u in range(a.shape[0])]
    return go.Heatmap(z=a, x=list(range(a.shape[1])), y=list(range(a.shape[0])), zmin=0,
                      zmax=1, colorscale=theme.SEQUENTIAL, customdata=hover,
                      hovertemplate=("output %{y} ← source %{x} (%{customdata}): weight "
                                     "%{z:.3f}<extra></extra>"),
                      colorbar=dict(title="weight", thickness=12)), rows, cols


def _axes(rows, cols):
    return dict(xaxis=dict(tickvals=list(range(len(cols))), ticktext=cols, tickangle=0,
                           range=[-0.5, len(cols) - 0.5], title="source character"),
                yaxis=dict(tickvals=list(range(len(rows))), ticktext=rows, autorange=False,
                           range=[len(rows) - 0.5, -0.5], title="output character"))


def attention_heatmap(examples=None, projector: bool = False) -> go.Figure:
    """Heat map of ``examples[k]["attention"]``; a slider picks k (frames, no kernel).
    Default: the precomputed lists of three dates (``precomputed()["lists"]["heatmaps"]``)."""
    examples = examples if examples is not None else precomputed()["lists"]["heatmaps"]
    _check_examples(examples)
    heats = [_heat(e) for e in examples]
    fig = go.Figure(heats[0][0])
    names = [str(k) for k in range(len(examples))]
    fig.frames = [go.Frame(name=n, data=[h], traces=[0], layout=go.Layout(**_axes(r, c)))
                  for n, (h, r, c) in zip(names, heats, strict=True)]
    anim = dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))
    steps = [dict(method="animate", label=f"{k + 1}", args=[[n], anim])
             for k, n in enumerate(names)]
    width = max(len(e["source"]) for e in examples)
    n_rows = max(len(h[1]) for h in heats)
    fig.update_layout(
        title="Where the decoder looks: attention weights, source against output",
        height=260 + round(min(26.0, 520 / n_rows) * n_rows), margin=dict(b=150),
        sliders=[dict(active=0, steps=steps, x=0, len=1, y=-0.12, pad=dict(t=40),
                      currentvalue=dict(prefix="example ", font=dict(size=14)))],
        **_axes(heats[0][1], heats[0][2]))
    fig.update_xaxes(tickfont=dict(size=11 if width < 40 else 8), showgrid=False)
    fig.update_yaxes(showgrid=False)
    theme.describe(fig, (
        f"Heat map of attention weights for {len(examples)} examples (a slider picks one): "
        "source characters along the x axis, the output characters the decoder wrote down the "
        "y axis, darker where the decoder put more weight. First example: "
        f"{examples[0]['source']!r} translated to {examples[0]['output']!r}."))
    return theme.apply(fig, projector=projector)


def length_figure(by_length=None, projector: bool = False) -> go.Figure:
    """Exact match by source length: ``by_length[name]`` = rows ``{"from", "to", "n",
    "exact_match": {"mean", "low", "high"}}`` (a bin of source lengths in characters, the
    number of test lists in it, the mean over seeds of the fraction exact with its interval)."""
    by_length = by_length if by_length is not None else precomputed()["lists"]["by_length"]
    if not by_length or not all(by_length.values()):
        raise ValueError(f"by_length: expected {{name: rows}}, got {by_length!r:.80}")
    fig = go.Figure()
    for name, rows in by_length.items():
        st = STYLE.get(name, dict(color=INK, dash="dot", symbol="diamond"))
        ci = [r["exact_match"] for r in rows]
        mean = display_round([100 * c["mean"] for c in ci]).tolist()
        fig.add_scatter(
            x=[(r["from"] + r["to"]) / 2 for r in rows], y=mean, name=name,
            mode="lines+markers", line=dict(color=st["color"], dash=st["dash"]),
            marker=dict(symbol=st["symbol"], size=9),
            error_y=dict(type="data", symmetric=False, color=st["color"],
                         array=[100 * c["high"] - m for c, m in zip(ci, mean, strict=True)],
                         arrayminus=[m - 100 * c["low"] for c, m in zip(ci, mean, strict=True)]),
            customdata=[[r["from"], r["to"], r["n"]] for r in rows],
            hovertemplate=(f"{name}<br>sources of %{{customdata[0]}}-%{{customdata[1]}} "
                           "characters (%{customdata[2]} lists): %{y:.1f} % exact"
                           "<extra></extra>"))
    fig.update_layout(title="Exact match against source length, with and without attention",
                      xaxis_title="source length (characters)", yaxis_title="exact match (%)",
                      yaxis_range=[-3, 103], height=440, hovermode="closest",
                      legend=dict(orientation="h", yanchor="top", y=-0.22, x=0),
                      margin=dict(b=110))
    parts = [f"{name}: {100 * rows[0]['exact_match']['mean']:.0f} % at {rows[0]['from']}-"
             f"{rows[0]['to']} characters, {100 * rows[-1]['exact_match']['mean']:.0f} % at "
             f"{rows[-1]['from']}-{rows[-1]['to']}" for name, rows in by_length.items()]
    theme.describe(fig, "Line chart of exact-match accuracy (mean over seeds, 95 % interval) "
                        "against source length. " + "; ".join(parts) + ".")
    return theme.apply(fig, projector=projector)


def exposure_figure(curves=None, projector: bool = False) -> go.Figure:
    """``curves[name] = (forced (U,), free (U,))`` accuracies by output position; buttons
    choose ``name`` (no kernel). Default: ``exposure_curves()``."""
    curves = curves if curves is not None else exposure_curves()
    if not curves:
        raise ValueError("curves: expected {model name: (forced, free)}, got nothing")
    fig, names = go.Figure(), list(curves)
    for k, name in enumerate(names):
        forced, free = (np.asarray(c, dtype=float) for c in curves[name])
        pos = list(range(1, forced.size + 1))
        for y, label, color, dash in ((forced, "teacher forced", theme.PALETTE["blue"], "solid"),
                                      (free, "free running", theme.PALETTE["vermillion"],
                                       "dash")):
            fig.add_scatter(x=pos, y=display_round(100 * y), name=label, visible=k == 0,
                            mode="lines+markers", line=dict(color=color, dash=dash),
                            marker=dict(size=6), legendgroup=label,
                            hovertemplate=(f"{name}, {label}<br>position %{{x}}: %{{y:.1f}} % "
                                           "correct<extra></extra>"))
    buttons = [dict(label=name, method="update", args=[
        {"visible": [j // 2 == k for j in range(2 * len(names))]}])
        for k, name in enumerate(names)]
    fig.update_layout(
        title="Exposure bias: the true prefix against the model's own",
        xaxis_title="output position", yaxis_title="tokens correct (%)", yaxis_range=[-3, 103],
        updatemenus=[dict(type="buttons", direction="right", buttons=buttons, x=0, y=1.02,
                          xanchor="left", yanchor="bottom", showactive=True)],
        legend=dict(orientation="h", yanchor="top", y=-0.22, x=0), margin=dict(t=120, b=110),
        height=460, hovermode="closest")
    parts = [f"{name}: teacher forced {100 * np.mean(curves[name][0]):.0f} %, free running "
             f"{100 * np.mean(curves[name][1]):.0f} % on average" for name in names]
    theme.describe(fig, "Line chart of the share of correct output tokens by position, with "
                        "the true previous tokens given (teacher forced) and with the model's "
                        "own (free running); buttons choose the model. " + "; ".join(parts)
                        + ".")
    return theme.apply(fig, projector=projector)


def beam_figure(rows=None, projector: bool = False) -> go.Figure:
    """``rows``: {"model", "beam", "exact_match", "log_prob"} with the last two as intervals
    ({"mean", "low", "high"}); two panels against the beam size. Default: ``beam_rows()``."""
    rows = rows if rows is not None else beam_rows()
    if not rows:
        raise ValueError("rows: expected beam rows, got none")
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.16, subplot_titles=(
        "exact match (%)", "mean log p(output)"))
    for name in dict.fromkeys(r["model"] for r in rows):
        st = STYLE.get(name, dict(color=INK, dash="dot", symbol="diamond"))
        mine = [r for r in rows if r["model"] == name]
        for col, key, scale in ((1, "exact_match", 100), (2, "log_prob", 1)):
            m = display_round([scale * r[key]["mean"] for r in mine]).tolist()
            fig.add_scatter(
                x=[r["beam"] for r in mine], y=m, name=name, showlegend=col == 1,
                legendgroup=name, mode="lines+markers",
                line=dict(color=st["color"], dash=st["dash"]),
                marker=dict(symbol=st["symbol"], size=9),
                error_y=dict(type="data", symmetric=False, color=st["color"],
                             array=[scale * r[key]["high"] - v for r, v in
                                    zip(mine, m, strict=True)],
                             arrayminus=[v - scale * r[key]["low"] for r, v in
                                         zip(mine, m, strict=True)]),
                hovertemplate=f"{name}<br>beam %{{x}}: %{{y:.3g}}<extra></extra>", row=1, col=col)
    beams = sorted({r["beam"] for r in rows})
    fig.update_xaxes(title="beam size", tickvals=beams)
    fig.update_layout(title="Greedy (beam 1) against beam search", height=440,
                      legend=dict(orientation="h", yanchor="top", y=-0.25, x=0),
                      margin=dict(b=120), hovermode="closest")
    parts = [f"{r['model']}, beam {r['beam']}: {100 * r['exact_match']['mean']:.1f} % exact, "
             f"log p {r['log_prob']['mean']:.2f}" for r in rows]
    theme.describe(fig, "Two line charts against the beam size: exact match and the mean log "
                        "probability of the chosen outputs. " + "; ".join(parts) + ".")
    return theme.apply(fig, projector=projector)
