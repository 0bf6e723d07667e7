"""Small helpers for the training and applications chapters (05, 06).

What it covers
--------------
- ``pad_sequences``: variable-length sequences -> one right-padded batch ``x (T, N, I)`` and
  its ``lengths (N,)``, the form ``SequenceModel`` and ``fit`` take (``(x, lengths, y)``).
- The time-series classification archives' baseline: ``dtw_distances`` (dynamic time warping,
  Sakoe & Chiba 1978, between every pair of variable-length multivariate sequences) and
  ``nearest_neighbour`` (1-NN labels from a distance matrix).
- Forecasting a monthly series: ``lstm_forecast`` (train small LSTMs on windows of the past
  ``window`` months, on levels or month-to-month changes, optionally of the log, and forecast
  recursively; averaged over seeds), ``naive_forecasts`` (last value, seasonal naive,
  seasonal naive + drift), ``mae``. The classical model beside them: ``training.classical``.
- ``KeepModel``: a training callback that keeps the trained model of a run whose function
  returns only results (e.g. ``lstm_edu.training.experiments.adding_run``), to look inside it.
- Anomaly detection by forecasting: ``flag_anomalies`` (threshold on prediction errors,
  chosen on normal data) and ``precision_recall`` (point-wise, measured against labels).

What it does not cover: training itself (``lstm_edu.training.trainer``), the data
(``lstm_edu.data``), the figures (``lstm_edu.viz.plots.forecast_figure``, ``lines_figure``).
Shapes: a series is 1-D ``(n,)``; model inputs are ``x (T, N, I)`` as everywhere in the book.
"""

from __future__ import annotations

import numpy as np

from lstm_edu.data import Standardizer, forecast, supervised_windows
from lstm_edu.training.model import build_model
from lstm_edu.training.trainer import fit

__all__ = ["pad_sequences", "dtw_distances", "nearest_neighbour", "KeepModel", "lstm_forecast",
           "naive_forecasts", "mae", "flag_anomalies", "precision_recall"]


def pad_sequences(seqs, max_len: int | None = None, dtype=np.float64):
    """Right-pad sequences ``seqs[j]`` of shape ``(T_j, I)`` into ``(x (T, N, I), lengths (N,))``.

    ``x[:T_j, j] = seqs[j]`` and zeros after it; ``T = max_len`` or the longest ``T_j``.
    Sequences longer than ``max_len`` raise (nothing is cut silently). Example, one-hot words:
    ``pad_sequences([one_hot(vocab.encode(t), len(vocab)) for t in texts])``.
    """
    seqs = [np.asarray(s, dtype=dtype) for s in seqs]
    if not seqs:
        raise ValueError("seqs: expected at least one sequence, got none")
    bad = [j for j, s in enumerate(seqs) if s.ndim != 2 or len(s) == 0
           or s.shape[1] != seqs[0].shape[1]]
    if bad:
        raise ValueError(f"seqs: expected 2-D arrays (T_j >= 1, I={seqs[0].shape[-1]}), got "
                         f"shape {seqs[bad[0]].shape} at index {bad[0]}")
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    T = int(lengths.max()) if max_len is None else int(max_len)
    if lengths.max() > T:
        raise ValueError(f"max_len: expected at least the longest sequence "
                         f"({lengths.max()} steps), got {max_len}")
    x = np.zeros((T, len(seqs), seqs[0].shape[1]), dtype=dtype)
    for j, s in enumerate(seqs):
        x[:len(s), j] = s
    return x, lengths


def dtw_distances(queries, references, chunk: int = 32) -> np.ndarray:
    """Dynamic-time-warping distance between every query and every reference: ``(Nq, Nr)``.

    Sequences are ``(T_i, I)`` arrays of any lengths. The cost of matching frames ``a_i`` and
    ``b_j`` is ``||a_i - b_j||^2`` (all ``I`` channels at once: the "dependent" multivariate
    DTW), no warping window, and ``D(i, j) = cost(i, j) + min(D(i-1, j), D(i, j-1),
    D(i-1, j-1))``; the distance is ``D`` at the two sequences' last frames. Vectorized over
    pairs (``chunk`` queries at a time), looping over the ``T x T`` frame pairs.
    """
    xq, lq = pad_sequences(queries)
    xr, lr = pad_sequences(references)
    out = np.empty((len(lq), len(lr)))
    sq_r = np.einsum("tni,tni->nt", xr, xr)                             # (Nr, Tr)
    for s in range(0, len(lq), chunk):
        a = xq[:, s:s + chunk]                                           # (Tq, n, I)
        cost = (np.einsum("tni,tni->nt", a, a)[:, None, :, None] + sq_r[None, :, None, :]
                - 2 * np.einsum("tni,umi->nmtu", a, xr))                 # (n, Nr, Tq, Tr)
        D = np.full(cost.shape[:2] + (cost.shape[2] + 1, cost.shape[3] + 1), np.inf)
        D[:, :, 0, 0] = 0.0
        for i in range(cost.shape[2]):
            for j in range(cost.shape[3]):
                best = np.minimum(np.minimum(D[:, :, i, j + 1], D[:, :, i + 1, j]), D[:, :, i, j])
                D[:, :, i + 1, j + 1] = cost[:, :, i, j] + best
        n = np.arange(a.shape[1])[:, None]
        out[s:s + chunk] = D[n, np.arange(len(lr))[None, :], lq[s:s + chunk, None], lr[None, :]]
    return out


def nearest_neighbour(distances, labels) -> np.ndarray:
    """1-NN: each query (row of ``distances (Nq, Nr)``) takes the label of its nearest
    reference. ``labels (Nr,)``; ties go to the first reference. Returns ``(Nq,)``."""
    distances, labels = np.asarray(distances), np.asarray(labels)
    if distances.ndim != 2 or distances.shape[1] != labels.shape[0]:
        raise ValueError(f"distances: expected shape (Nq, {labels.shape[0]}) (one column per "
                         f"label), got {distances.shape}")
    return labels[distances.argmin(axis=1)]


def _fit_one(series, window, hidden_size, steps, lr, seed):
    """One LSTM forecaster on a standardized 1-D ``series``: returns ``(model, scaler)``."""
    scaler = Standardizer.fit(series)               # fit on the training series only
    x, y = supervised_windows(scaler.transform(series), window=window)  # (W, N, 1), (N,)
    model = build_model("lstm", 1, hidden_size, seed=seed)
    fit(model, (x, y), batch_size=len(y), lr=lr, max_steps=steps, seed=seed)
    return model, scaler


def lstm_forecast(train, steps: int = 12, *, window: int = 6, diff: bool = False,
                  log: bool = False, hidden_size: int = 8, train_steps: int = 150,
                  lr: float = 0.01, seeds=(0, 1, 2, 3, 4)) -> np.ndarray:
    """Forecast the ``steps`` values after ``train`` (1-D, original units) with small LSTMs.

    For each seed: standardize (mean and std of the training series only), cut supervised
    windows of the past ``window`` values -> next value, train full-batch Adam for
    ``train_steps`` updates, forecast recursively (``lstm_edu.data.forecast``). With
    ``diff=True`` the model learns month-to-month changes ``train[t] - train[t-1]`` and the
    forecast is ``train[-1]`` plus their running sum. With ``log=True`` all of this happens on
    ``log(train)`` (changes become growth rates, a multiplicative season an additive one) and
    each seed's forecast is ``exp``'d back. Returns the mean over seeds, ``(steps,)``.
    """
    train = np.asarray(train, dtype=float)
    if log:
        if (train <= 0).any():
            raise ValueError(f"train: expected positive values for log=True, got min {train.min()}")
        train = np.log(train)
    series = np.diff(train) if diff else train
    outs = []
    for seed in seeds:
        model, sc = _fit_one(series, window, hidden_size, train_steps, lr, seed)
        z = forecast(lambda w, m=model: m.predict(w)[0, 0], sc.transform(series), steps, window)
        f = sc.inverse_transform(z)
        f = train[-1] + np.cumsum(f) if diff else f
        outs.append(np.exp(f) if log else f)
    return np.mean(outs, axis=0)


def naive_forecasts(train, steps: int = 12, season: int = 12) -> dict:
    """Baselines for the ``steps`` values after ``train``: ``"last value"`` (repeat the last
    month), ``"seasonal naive"`` (the same month one season earlier) and ``"seasonal naive +
    drift"`` (that, plus the growth over the last season). Needs ``steps <= season``."""
    train = np.asarray(train, dtype=float)
    if not (0 < steps <= season <= len(train) - 1):
        raise ValueError(f"need 0 < steps <= season < len(train); got steps={steps}, "
                         f"season={season}, len(train)={len(train)}")
    seasonal = train[-season:][:steps]
    drift = train[-1] - train[-1 - season]
    return {"last value": np.full(steps, train[-1]), "seasonal naive": seasonal,
            "seasonal naive + drift": seasonal + drift}


def mae(pred, actual) -> float:
    """Mean absolute error, a Python float."""
    return float(np.mean(np.abs(np.asarray(pred, float) - np.asarray(actual, float))))


class KeepModel:
    """Callback for ``lstm_edu.training.fit``: at the end of training, ``self.model`` is the trained
    model (``trainer.model``). Example: ``k = KeepModel(); adding_run(..., callbacks=[k])``."""

    def __init__(self):
        self.model = None

    def on_train_end(self, trainer) -> None:
        self.model = trainer.model


def flag_anomalies(errors, normal_errors, quantile: float = 0.995) -> tuple[np.ndarray, float]:
    """Flag points whose absolute prediction error exceeds a threshold set on *normal* data:
    the ``quantile`` of ``|normal_errors|``. Returns ``(flags (n,) bool, threshold)``."""
    thr = float(np.quantile(np.abs(np.asarray(normal_errors, float)), quantile))
    return np.abs(np.asarray(errors, float)) > thr, thr


def precision_recall(flags, labels) -> dict:
    """Point-wise precision (flagged points that are anomalous) and recall (anomalous points
    flagged), plus ``events_found``: the fraction of labelled events (runs of 1s) with at least
    one flagged point. Python floats; precision is 0.0 if nothing is flagged."""
    f = np.asarray(flags, bool)
    lab = np.asarray(labels, bool)
    if f.shape != lab.shape:
        raise ValueError(f"flags {f.shape} and labels {lab.shape} must have the same shape")
    tp = int(np.sum(f & lab))
    starts = np.flatnonzero(np.diff(np.r_[0, lab.astype(int)]) == 1)
    stops = np.flatnonzero(np.diff(np.r_[lab.astype(int), 0]) == -1) + 1
    found = [bool(f[a:b].any()) for a, b in zip(starts, stops, strict=True)]
    return {"precision": tp / int(f.sum()) if f.any() else 0.0,
            "recall": tp / int(lab.sum()) if lab.any() else 0.0,
            "events_found": float(np.mean(found)) if found else 0.0}
