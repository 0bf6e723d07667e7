"""The book's own training runs, in one line each: the modern adding problem and recall_marked.

What it covers
--------------
- ``run_task(task, cell, T)``: one seeded run of an LSTM, an RNN or an ``LSTMVariant`` on the
  adding problem in its modern form (``lstm_edu.data.adding_problem``: values in [0, 1], a
  marker in each half, target the sum) or on ``recall_marked``, recording when the test MSE
  first fell below a target; it stops there, or (``stop_at_target=False``) trains on to a fixed
  budget. ``adding_run`` is the adding problem with ``ADDING_DEFAULTS``.
- ``constant_guess_mse``: the 1/6 baseline, analytically and by sampling.
- ``load_precomputed(name)``: the results the benchmarks ship as JSON.

Every run is seeded (model init and batches); its ``RunResult`` records the settings.
What it does not cover: the paper's own tasks, networks and stopping rule
(``lstm_edu.training.paper``), and the multi-seed suites (``benchmarks/reproduce_paper.py``).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field

import numpy as np

from lstm_edu.data import ADDING_CONSTANT_GUESS_MSE, adding_problem, load_result, recall_marked
from lstm_edu.training.model import build_model
from lstm_edu.training.trainer import fit
from lstm_edu.variants import VARIANT_GATES

__all__ = [
    "RunResult",
    "ADDING_DEFAULTS",
    "constant_guess_mse",
    "run_task",
    "adding_run",
    "load_precomputed",
]

#: Settings of this book's adding-problem runs (chosen so T=100 trains in well under a minute
#: on a 2-core laptop CPU).
ADDING_DEFAULTS = dict(hidden_size=32, batch_size=32, lr=0.02, clip=1.0, forget_bias=1.0,
                       n_test=500, eval_every=25, target=0.01)


@dataclass
class RunResult:
    """One training run. ``sequences_to_target`` is None if the target was not reached within
    ``budget`` sequences; ``final`` is the last evaluated metric value. ``history`` (the full
    ``lstm_edu.training.trainer.History``) is kept for plots but left out of ``to_dict``."""

    task: str
    cell: str
    T: int
    seed: int
    metric: str
    target: float
    sequences_to_target: int | None
    final: float
    sequences_seen: int
    wall_time: float
    settings: dict
    history: object = field(default=None, repr=False)

    @property
    def solved(self) -> bool:
        return self.sequences_to_target is not None

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("history")
        d["solved"] = self.solved
        return d


def constant_guess_mse(T: int = 100, n: int = 200_000, seed: int = 0) -> dict:
    """The adding problem's best constant guess, predicting E[y] = 1.

    Analytically: y = X1 + X2, X1, X2 ~ U[0, 1] independent, MSE = Var(y) = 2 * 1/12 = 1/6.
    Returns ``{"analytic": 0.1667, "empirical": MSE of predicting 1 on n sampled sequences}``.
    """
    _, y = adding_problem(n, T, seed=seed)
    return {"analytic": ADDING_CONSTANT_GUESS_MSE, "empirical": float(np.mean((y - 1.0) ** 2))}


# --------------------------------------------------------------------------- runs

_TASKS = {
    # name: (generator, input size, over, target metric, baseline MSE)
    "adding": (adding_problem, 2, "last", "mse", ADDING_CONSTANT_GUESS_MSE),
    "recall_marked": (recall_marked, 2, "all", "mse", 1.0 / 12.0),
}


def run_task(task: str, cell: str, T: int, *, hidden_size: int = 32, batch_size: int = 32,
             lr: float = 0.02, clip: float | None = 1.0, forget_bias: float | None = 1.0,
             max_sequences: int = 40_000, target: float = 0.01, n_test: int = 500,
             eval_every: int = 25, seed: int = 0, progress: bool = False,
             callbacks=(), task_kwargs: dict | None = None,
             stop_at_target: bool = True) -> RunResult:
    """Train ``cell`` on ``task`` (``"adding"`` or ``"recall_marked"``) at length ``T`` until
    the test MSE is below ``target`` or ``max_sequences`` training sequences were seen.
    ``stop_at_target=False``: a fixed budget; the run goes on to ``max_sequences`` and records
    when the target was first reached (``final`` is then the metric at the budget's end).

    ``forget_bias`` applies to cells with a forget gate (``"lstm"``, ``"full"``, ``"nog"``,
    ``"peephole"``) and is ignored for the others. ``task_kwargs`` go to the generator
    (e.g. ``{"p_mark": 0.2}`` for ``recall_marked``).
    """
    if task not in _TASKS:
        raise ValueError(f"task must be one of {sorted(_TASKS)}, got {task!r}")
    gen0, I, over, metric, _ = _TASKS[task]  # noqa: E741 (the book's letters)
    gen = functools.partial(gen0, **(task_kwargs or {}))
    has_f = cell == "lstm" or "f" in VARIANT_GATES.get(cell, ())
    fb = forget_bias if has_f else None
    model = build_model(cell, I, hidden_size, over=over, seed=seed, forget_bias=fb)
    test = gen(n_test, T, seed=1_000_000 + seed)
    hist = fit(model, lambda rng, b: gen(b, T, seed=rng), batch_size=batch_size, lr=lr, clip=clip,
               max_steps=-(-max_sequences // batch_size), eval_data=test,
               eval_every=eval_every, target=(metric, target), seed=seed, progress=progress,
               callbacks=callbacks, stop_at_target=stop_at_target)
    settings = dict(hidden_size=hidden_size, batch_size=batch_size, optimizer=f"Adam(lr={lr})",
                    clip=clip, forget_bias=fb, max_sequences=max_sequences, n_test=n_test,
                    eval_every=eval_every, params=model.num_params,
                    stop_at_target=stop_at_target, **(task_kwargs or {}))
    return RunResult(task, cell, T, seed, metric, target, hist.sequences_to_target,
                     hist.final(metric), hist.sequences_seen, round(hist.wall_time, 2),
                     settings, hist)


def adding_run(cell: str = "lstm", T: int = 100, *, max_sequences: int = 40_000,
               seed: int = 0, **kwargs) -> RunResult:
    """One adding-problem run with ``ADDING_DEFAULTS`` (override any by keyword).

    Example::

        r = adding_run("lstm", T=100, seed=0)
        r.sequences_to_target, r.wall_time
    """
    opts = {**ADDING_DEFAULTS, **kwargs}
    return run_task("adding", cell, T, max_sequences=max_sequences, seed=seed, **opts)


def load_precomputed(name: str = "paper_reproduction") -> dict:
    """A JSON result shipped in ``lstm_edu/data/results/<name>.json``: ``paper_reproduction``
    (written by ``benchmarks/reproduce_paper.py``; read with ``lstm_edu.training.paper``),
    ``practice_experiments`` and ``practice_cost`` (``benchmarks/reproduce_practice.py``,
    ``benchmarks/bench_cost.py``). Each records when, where and how it was computed."""
    return load_result(name)
