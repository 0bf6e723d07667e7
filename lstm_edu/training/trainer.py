"""A small training loop with callbacks and a history the figures can plot.

What it covers
--------------
- ``fit(model, data, ...) -> History`` (and the ``Trainer`` class behind it): minibatch
  training of any model with ``params`` and ``loss_and_grads(x, y)`` (a
  ``lstm_edu.training.SequenceModel``), gradient-norm clipping, periodic evaluation, and stopping
  as soon as a target metric is reached. Deterministic: the same ``seed`` (and model seed)
  gives the same batches, the same updates, the same ``History`` (up to wall times).
- Callbacks (minGPT's idea: the loop prints nothing; the notebook decides what to show).
  A callback is a function ``cb(trainer)`` called after every step, or an object with any of
  ``on_train_begin``, ``on_step_end``, ``on_eval_end``, ``on_train_end`` (each takes the
  trainer). Setting ``trainer.should_stop = True`` ends training after the current step.
- Variable-length batches: wherever a batch is ``(x, y)`` it may also be ``(x, lengths, y)``
  (a batch function's return value, the ``data`` tuple, ``eval_data``); the loop then calls
  ``model.loss_and_grads(x, y, lengths=lengths)`` and ``model.evaluate(x, y, lengths=lengths)``.
- ``progress=True``: a ``tqdm.auto`` progress bar.

What it does not cover: the model (``lstm_edu.training.model``), the data (``lstm_edu.data``),
the figures (``lstm_edu.viz.plots``) and the live loss curve (``lstm_edu.viz.live.LiveLossPlot``,
a callback for this loop).

Example::

    from lstm_edu.training import build_model
    from lstm_edu.data import adding_problem
    model = build_model("lstm", input_size=2, hidden_size=32, seed=0)
    hist = fit(model, lambda rng, b: adding_problem(b, 50, rng), batch_size=32,
               eval_data=adding_problem(1000, 50, seed=123), target=("mse", 0.01))
    hist.sequences_to_target
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from lstm_edu.packing import check_lengths
from lstm_edu.training.optim import Adam, clip_grad_norm, grad_norm

__all__ = ["History", "Trainer", "fit", "batches_from_arrays", "blas_threads"]


# --------------------------------------------------------------------------- history


@dataclass
class History:
    """What happened during training, ready to plot.

    Per training step: ``steps`` (1, 2, ...), ``losses`` (minibatch loss before the update),
    ``sequences`` (training sequences seen so far), ``times`` (seconds since start),
    ``grad_norms`` (global norm before clipping).
    Per evaluation: ``eval_steps``, ``eval_sequences``, ``eval_times`` and ``metrics``
    (name -> list of values, e.g. ``{"loss": [...], "mse": [...]}``).
    ``target``: ``(metric, value)`` or None; ``target_step`` / ``sequences_to_target``: when it
    was first reached (None if never). ``config``: the settings of the run.
    """

    steps: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    sequences: list = field(default_factory=list)
    times: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    eval_sequences: list = field(default_factory=list)
    eval_times: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    target: tuple | None = None
    target_step: int | None = None
    sequences_to_target: int | None = None
    stopped_early: bool = False
    config: dict = field(default_factory=dict)

    @property
    def wall_time(self) -> float:
        """Seconds from the start of training to the last step or evaluation."""
        return max(self.times[-1] if self.times else 0.0,
                   self.eval_times[-1] if self.eval_times else 0.0)

    @property
    def sequences_seen(self) -> int:
        return self.sequences[-1] if self.sequences else 0

    @property
    def reached_target(self) -> bool:
        return self.target_step is not None

    def final(self, metric: str) -> float:
        """The last evaluated value of ``metric``."""
        if not self.metrics.get(metric):
            raise KeyError(f"no evaluations of {metric!r}; have {sorted(self.metrics)}")
        return self.metrics[metric][-1]

    def best(self, metric: str) -> float:
        vals = self.metrics[metric]
        return max(vals) if _maximize(metric) else min(vals)

    def to_dict(self) -> dict:
        """Plain-JSON form (for ``json.dump``)."""
        d = asdict(self)
        d["wall_time"] = self.wall_time
        return d

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.metrics.items() if v)
        tgt = (f", target {self.target} reached after {self.sequences_to_target} sequences"
               if self.reached_target else (f", target {self.target} not reached"
                                            if self.target else ""))
        return (f"History({len(self.steps)} steps, {self.sequences_seen} sequences, "
                f"{self.wall_time:.1f} s{', ' + last if last else ''}{tgt})")


_EVENTS = ("on_train_begin", "on_step_end", "on_eval_end", "on_train_end")


def _maximize(metric: str) -> bool:
    return "acc" in metric.lower()


# --------------------------------------------------------------------------- BLAS threads


def blas_threads(n: int | None):
    """Context manager limiting the BLAS thread pool to ``n`` threads (None: unchanged).

    The book's models multiply small matrices (32 x 128) hundreds of times a second; there,
    BLAS threads cost more than they gain, and on a busy 2-core machine a thread spinning for
    a descheduled partner made training 3-8x slower (measured, ``benchmarks/README.md``).
    """
    if n is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n, user_api="blas")


# --------------------------------------------------------------------------- data


def batches_from_arrays(x, y, batch_axis_y: int = 0, lengths=None):
    """Turn a fixed dataset into a batch function ``fn(rng, batch_size) -> (x, y)`` that walks
    through shuffled epochs. x: ``(T, N, I)``; y: batch axis ``batch_axis_y`` (0 for
    ``(N,)``/``(N, O)``, 1 for per-step ``(T, N)``). With ``lengths (N,)`` (ints in [1, T])
    the batches are ``(x, lengths, y)``, each batch cut to its own longest sequence."""
    x = np.asarray(x)
    y = np.asarray(y)
    N = x.shape[1]
    if y.shape[batch_axis_y] != N:
        raise ValueError(f"y has {y.shape[batch_axis_y]} examples on axis {batch_axis_y}, "
                         f"x has {N} (axis 1)")
    if lengths is not None:
        lengths = check_lengths(lengths, x.shape[0], N)
    state = {"perm": None, "pos": N}

    def fn(rng, batch_size):
        b = min(batch_size, N)
        if state["pos"] + b > N:
            state["perm"] = rng.permutation(N)
            state["pos"] = 0
        idx = state["perm"][state["pos"]:state["pos"] + b]
        state["pos"] += b
        if lengths is None:
            return x[:, idx], np.take(y, idx, axis=batch_axis_y)
        n = lengths[idx]
        T = int(n.max())                        # no step that no sequence of the batch uses
        yb = np.take(y, idx, axis=batch_axis_y)
        return x[:T, idx], n, (yb[:T] if batch_axis_y == 1 else yb)

    return fn


def _split_batch(batch, what):
    """``(x, y)`` -> ``(x, y, None)``; ``(x, lengths, y)`` -> ``(x, y, lengths)``."""
    seq = isinstance(batch, (tuple, list))
    if seq and len(batch) == 2:
        return batch[0], batch[1], None
    if seq and len(batch) == 3:
        return batch[0], batch[2], batch[1]
    raise ValueError(f"{what}: expected a tuple (x, y) or (x, lengths, y), got "
                     f"{type(batch).__name__}{' of length ' + str(len(batch)) if seq else ''}")


# --------------------------------------------------------------------------- trainer


class Trainer:
    """Minibatch training with callbacks. Use ``fit`` for the one-call version.

    Parameters
    ----------
    model : has ``params`` (dict of arrays, updated in place) and ``loss_and_grads(x, y)``
        (and ``lengths=`` for variable-length batches); ``evaluate(x, y) -> dict`` is used
        when ``eval_data`` is a tuple.
    data : ``fn(rng, batch_size) -> (x, y)`` or ``(x, lengths, y)`` (a generator such as
        ``lambda rng, b: adding_problem(b, 100, rng)``) or a tuple ``(x, y)`` /
        ``(x, lengths, y)`` of arrays, sampled in shuffled epochs.
    optimizer : default ``Adam(lr)``.
    lr : learning rate for the default Adam (ignored if ``optimizer`` is given).
    batch_size, max_steps : minibatch size; stop after this many updates.
    max_sequences : also stop once this many training sequences were seen (a budget).
    clip : max global gradient norm (``clip_grad_norm``); None = no clipping.
    eval_data : ``(x, y)`` or ``(x, lengths, y)`` evaluated with ``model.evaluate``, or
        ``fn(model) -> dict``.
    eval_every : evaluate every this many steps (and after the last step).
    target : ``(metric, value)``: stop when an evaluation reaches it (``<=`` for losses,
        ``>=`` for metrics whose name contains "acc"). ``stop_at_target=False`` records it only.
    seed : seeds the batch sampler (the model has its own seed).
    progress : show a ``tqdm.auto`` bar.
    callbacks : functions or callback objects (see the module docstring).
    threads : BLAS threads while training (default 1, see ``blas_threads``); None = leave.
    """

    def __init__(self, model, data, *, optimizer=None, lr: float = 1e-2, batch_size: int = 32,
                 max_steps: int = 1000, max_sequences: int | None = None,
                 clip: float | None = 1.0, eval_data=None, eval_every: int = 50,
                 target: tuple | None = None, stop_at_target: bool = True, seed: int = 0,
                 progress: bool = False, callbacks=(), threads: int | None = 1):
        if not (isinstance(batch_size, (int, np.integer)) and batch_size > 0):
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if not (isinstance(max_steps, (int, np.integer)) and max_steps > 0):
            raise ValueError(f"max_steps must be a positive int, got {max_steps!r}")
        if not (isinstance(eval_every, (int, np.integer)) and eval_every > 0):
            raise ValueError(f"eval_every must be a positive int, got {eval_every!r}")
        if target is not None:
            if not (isinstance(target, tuple) and len(target) == 2):
                raise ValueError(f"target must be a (metric, value) tuple, got {target!r}")
            if eval_data is None:
                raise ValueError("target needs eval_data to measure the metric on")
        self.model = model
        if isinstance(data, tuple):
            axis = 1 if getattr(model, "over", "last") == "all" else 0
            dx, dy, dlen = _split_batch(data, "data")
            data = batches_from_arrays(dx, dy, batch_axis_y=axis, lengths=dlen)
        if eval_data is not None and not callable(eval_data):
            _split_batch(eval_data, "eval_data")
        if not callable(data):
            raise TypeError(f"data must be fn(rng, batch_size) or an (x, y) tuple, got "
                            f"{type(data).__name__}")
        self.data = data
        self.optimizer = optimizer if optimizer is not None else Adam(lr=lr)
        self.batch_size = int(batch_size)
        self.max_steps = int(max_steps)
        self.max_sequences = max_sequences
        self.clip = clip
        self.eval_data = eval_data
        self.eval_every = int(eval_every)
        self.target = target
        self.stop_at_target = stop_at_target
        self.seed = seed
        self.progress = progress
        self.callbacks = list(callbacks)
        self.threads = threads
        # state visible to callbacks
        self.step = 0
        self.loss = math.nan
        self.grads = None
        self.last_metrics: dict = {}
        self.should_stop = False
        self.history = History(target=target, config=self._config())

    def _config(self) -> dict:
        return {"model": repr(self.model), "optimizer": repr(self.optimizer),
                "batch_size": self.batch_size, "max_steps": self.max_steps,
                "max_sequences": self.max_sequences, "clip": self.clip,
                "eval_every": self.eval_every, "seed": self.seed}

    def add_callback(self, cb) -> "Trainer":
        self.callbacks.append(cb)
        return self

    def _fire(self, event: str) -> None:
        for cb in self.callbacks:
            fn = getattr(cb, event, None)
            if fn is None and event == "on_step_end" and callable(cb) and not any(
                    hasattr(cb, e) for e in _EVENTS):
                fn = cb
            if fn is not None:
                fn(self)

    def evaluate(self) -> dict:
        if callable(self.eval_data):
            return dict(self.eval_data(self.model))
        x, y, lengths = _split_batch(self.eval_data, "eval_data")
        if lengths is None:
            return self.model.evaluate(x, y)
        return self.model.evaluate(x, y, lengths=lengths)

    def _target_reached(self, metrics: dict) -> bool:
        name, value = self.target
        if name not in metrics:
            raise KeyError(f"target metric {name!r} not among the evaluated {sorted(metrics)}")
        return metrics[name] >= value if _maximize(name) else metrics[name] <= value

    def _do_eval(self, t0: float) -> None:
        m = self.evaluate()
        h = self.history
        h.eval_steps.append(self.step)
        h.eval_sequences.append(h.sequences_seen)
        h.eval_times.append(time.perf_counter() - t0)
        for k, v in m.items():
            h.metrics.setdefault(k, []).append(float(v))
        self.last_metrics = m
        if self.target is not None and h.target_step is None and self._target_reached(m):
            h.target_step = self.step
            h.sequences_to_target = h.sequences_seen
            if self.stop_at_target:
                self.should_stop = True
                h.stopped_early = True
        self._fire("on_eval_end")

    def run(self) -> History:
        """Train until ``max_steps``, ``max_sequences``, the target, or ``should_stop``."""
        with blas_threads(self.threads):
            return self._run()

    def _run(self) -> History:
        rng = np.random.default_rng(self.seed)
        h = self.history
        bar = None
        if self.progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=self.max_steps, desc="training", leave=True)
        self._fire("on_train_begin")
        t0 = time.perf_counter()
        seen = 0
        try:
            while self.step < self.max_steps and not self.should_stop:
                x, y, lengths = _split_batch(self.data(rng, self.batch_size), "data")
                loss, grads = (self.model.loss_and_grads(x, y) if lengths is None else
                               self.model.loss_and_grads(x, y, lengths=lengths))
                if not math.isfinite(loss):
                    raise FloatingPointError(f"loss became {loss} at step {self.step + 1}")
                params = self.model.params
                norm = (clip_grad_norm(grads, self.clip, keys=params) if self.clip
                        else grad_norm(grads, keys=params))
                self.optimizer.step(params, grads)
                self.step += 1
                seen += x.shape[1]
                self.loss, self.grads = loss, grads
                h.steps.append(self.step)
                h.losses.append(float(loss))
                h.sequences.append(seen)
                h.times.append(time.perf_counter() - t0)
                h.grad_norms.append(float(norm))
                if bar is not None:
                    bar.update(1)
                    if self.step % 10 == 0:
                        bar.set_postfix(loss=f"{loss:.4g}", refresh=False)
                self._fire("on_step_end")
                if self.max_sequences is not None and seen >= self.max_sequences:
                    self.should_stop = True
                last = self.should_stop or self.step >= self.max_steps
                if self.eval_data is not None and (self.step % self.eval_every == 0 or last):
                    self._do_eval(t0)
        finally:
            if bar is not None:
                bar.close()
        self._fire("on_train_end")
        return h


def fit(model, data, **kwargs) -> History:
    """Train ``model`` on ``data`` and return the ``History``; keywords as ``Trainer``."""
    return Trainer(model, data, **kwargs).run()
