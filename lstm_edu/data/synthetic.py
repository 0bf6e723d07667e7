"""Seeded synthetic sequence tasks. Everything is generated locally; nothing is downloaded.

Every generator takes ``seed`` (an int or a ``numpy.random.Generator``; the same int gives the
same data) and returns arrays in the book's layout: inputs ``x (T, N, I)`` (time first, then
examples), targets ``y (N,)`` for one answer per sequence.

=====================  ==============  ===================================  =================
task                   x               y                                    reference
=====================  ==============  ===================================  =================
``adding_problem``     (T, N, 2)       (N,) float in [0, 2]                 H&S 1997, exp. 4
``temporal_order``     (T, N, 8)       (N,) int in {0,1,2,3}                H&S 1997, exp. 6a
``recall_marked``      (T, N, 2)       (T, N) float in [0, 1]               forget-gate task
``dna_motifs``         (L, N, 4)       (N,) int in {0, 1}                   --
``tone_sequences``     (F, N, 16)      (N,) int in {0,...,3}                --
``sensor_series``      series (n,)     labels (n,) in {0, 1}                --
=====================  ==============  ===================================  =================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "adding_problem",
    "ADDING_CONSTANT_GUESS_MSE",
    "temporal_order",
    "TEMPORAL_ORDER_SYMBOLS",
    "recall_marked",
    "dna_motifs",
    "tone_sequences",
    "TONE_WORDS",
    "SensorSeries",
    "sensor_series",
    "sliding_windows",
]


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _check_pos(name, v, minimum=1):
    if not (isinstance(v, (int, np.integer)) and v >= minimum):
        raise ValueError(f"{name} must be an int >= {minimum}, got {v!r}")


# ----------------------------------------------------------------------------- adding

#: MSE of the best constant guess (predict E[y] = 1) on ``adding_problem``:
#: y = X1 + X2 with X1, X2 ~ U[0, 1] independent, so Var(y) = 2 * (1/12) = 1/6 = 0.1667.
ADDING_CONSTANT_GUESS_MSE = 1.0 / 6.0


def adding_problem(n: int, T: int, seed=0, dtype=np.float64):
    """The adding problem: remember two marked numbers across up to ``T`` steps, output their sum.

    Channel 0 holds values drawn uniformly from [0, 1]; channel 1 is 0 except for exactly two
    markers (1.0): one at a uniform position in the first half ``[0, T//2)``, one in the second
    half ``[T//2, T)``. The target is the sum of the two marked values, in [0, 2], mean 1.
    A model that ignores the input can do no better than predicting 1, an MSE of
    ``ADDING_CONSTANT_GUESS_MSE = 1/6``.

    This is the common modern form (Le, Jaitly & Hinton 2015; Arjovsky et al. 2016) of
    Hochreiter & Schmidhuber's (1997) experiment 4, which used values in [-1, 1], put the first
    marker in the first 10 steps, the second in the first half, and the target 0.5 + (X1+X2)/4.

    Returns ``x (T, n, 2)``, ``y (n,)``.
    """
    _check_pos("n", n)
    _check_pos("T", T, 2)
    rng = _rng(seed)
    x = np.zeros((T, n, 2), dtype=dtype)
    x[:, :, 0] = rng.uniform(0.0, 1.0, (T, n))
    half = T // 2
    p1 = rng.integers(0, half, n)
    p2 = rng.integers(half, T, n)
    cols = np.arange(n)
    x[p1, cols, 1] = 1.0
    x[p2, cols, 1] = 1.0
    y = x[p1, cols, 0] + x[p2, cols, 0]
    return x, y


# ----------------------------------------------------------------------------- temporal order

TEMPORAL_ORDER_SYMBOLS = ("a", "b", "c", "d", "X", "Y", "E", "B")


def temporal_order(n: int, T: int = 100, seed=0, dtype=np.float64, return_strings=False):
    """Temporal order (Hochreiter & Schmidhuber 1997, experiment 6a), scaled to length ``T``.

    Each sequence starts with ``E`` and ends with ``B``; in between are random distractors
    ``a, b, c, d``, except at two positions ``t1`` in ``[0.1T, 0.2T)`` and ``t2`` in
    ``[0.5T, 0.6T)`` which hold ``X`` or ``Y``. The class is the order of the two:
    ``XX -> 0, XY -> 1, YX -> 2, YY -> 3``. (The paper: T in [100, 110], t1 in [10, 20],
    t2 in [50, 60].)

    Returns ``x (T, n, 8)`` one-hot over ``TEMPORAL_ORDER_SYMBOLS``, ``y (n,)`` int in 0..3;
    with ``return_strings=True`` also the sequences as strings.
    """
    _check_pos("n", n)
    _check_pos("T", T, 10)
    rng = _rng(seed)
    ids = rng.integers(0, 4, (T, n))  # distractors a..d
    ids[0] = 6  # E
    ids[-1] = 7  # B
    t1 = rng.integers(int(0.1 * T), max(int(0.2 * T), int(0.1 * T) + 1), n)
    t2 = rng.integers(int(0.5 * T), max(int(0.6 * T), int(0.5 * T) + 1), n)
    s1 = rng.integers(0, 2, n)
    s2 = rng.integers(0, 2, n)
    cols = np.arange(n)
    ids[t1, cols] = 4 + s1
    ids[t2, cols] = 4 + s2
    x = np.eye(8, dtype=dtype)[ids]
    y = 2 * s1 + s2
    if return_strings:
        strings = ["".join(TEMPORAL_ORDER_SYMBOLS[k] for k in ids[:, j]) for j in range(n)]
        return x, y, strings
    return x, y


# ----------------------------------------------------------------------------- recall marked


def recall_marked(n: int, T: int = 100, p_mark: float = 0.05, seed=0, dtype=np.float64):
    """Output, at every step, the value at the most recent marker: a task that needs forgetting.

    Channel 0: values uniform in [0, 1]; channel 1: a marker (1.0) at step 0 and then at each
    step independently with probability ``p_mark``. Target at step t: the value at the latest
    marker at or before t. Every new marker must *replace* what the cell stored: a cell without
    a forget gate (``c_t = c_{t-1} + i*g``) can only add to its memory (Gers et al. 2000).
    Constant-guess MSE: 1/12.

    Returns ``x (T, n, 2)``, ``y (T, n)``.
    """
    _check_pos("n", n)
    _check_pos("T", T, 2)
    if not 0.0 < p_mark <= 1.0:
        raise ValueError(f"p_mark must be in (0, 1], got {p_mark!r}")
    rng = _rng(seed)
    vals = rng.uniform(0.0, 1.0, (T, n))
    mark = rng.uniform(size=(T, n)) < p_mark
    mark[0] = True
    x = np.stack([vals, mark.astype(float)], axis=-1).astype(dtype)
    # index of the latest marker at or before t
    idx = np.where(mark, np.arange(T)[:, None], 0)
    idx = np.maximum.accumulate(idx, axis=0)
    y = np.take_along_axis(vals, idx, axis=0).astype(dtype)
    return x, y


# ----------------------------------------------------------------------------- DNA motifs

DNA = "ACGT"


def dna_motifs(n: int, length: int = 40, motif: str = "TATAAT", seed=0, dtype=np.float64,
               return_strings=False):
    """DNA sequences, half of which contain a motif (default ``TATAAT``, the bacterial
    Pribnow/-10 box) at a random position; the task is to tell which.

    Bases are uniform over A, C, G, T. Positives (label 1) get the motif planted at a uniform
    position; negatives (label 0) are redrawn until they do not contain it. Balanced: labels
    alternate 0, 1 before shuffling.

    Returns ``x (length, n, 4)`` one-hot over ``"ACGT"``, ``y (n,)`` in {0, 1}; with
    ``return_strings=True`` also the sequences.
    """
    _check_pos("n", n)
    if not motif or any(ch not in DNA for ch in motif) or len(motif) > length:
        raise ValueError(f"motif must be a non-empty ACGT string of length <= {length}: {motif!r}")
    rng = _rng(seed)
    y = np.arange(n) % 2
    rng.shuffle(y)
    seqs = []
    for label in y:
        while True:
            s = "".join(DNA[k] for k in rng.integers(0, 4, length))
            if label:
                p = int(rng.integers(0, length - len(motif) + 1))
                s = s[:p] + motif + s[p + len(motif):]
                break
            if motif not in s:
                break
        seqs.append(s)
    ids = np.array([[DNA.index(ch) for ch in s] for s in seqs]).T  # (L, n)
    x = np.eye(4, dtype=dtype)[ids]
    if return_strings:
        return x, y, seqs
    return x, y


# ----------------------------------------------------------------------------- tones

#: The four "words" of ``tone_sequences``: a sequence of tone heights (0 low, 1 mid, 2 high).
TONE_WORDS = {0: (0, 1, 2), 1: (2, 1, 0), 2: (0, 2, 0), 3: (2, 0, 2)}
_TONE_HZ = (220.0, 440.0, 700.0)


def tone_sequences(n: int, n_frames: int = 30, seed=0, dtype=np.float64, snr_db: float = 5.0,
                   return_waveforms=False):
    """A speech-like task: classify a "word" made of three tones from its spectrogram frames.

    Each word (``TONE_WORDS``: rising, falling, low-high-low, high-low-high) is three tone
    segments with random durations (each at least 5 frames) and a random +-8% pitch shift,
    plus white noise at ``snr_db``. Sampled at 2 kHz, framed in 64-sample frames; each frame's
    feature is log(1 + |FFT|) averaged into 16 frequency bands (0-1 kHz). The order of the
    tones, not their presence, decides the class: words 0 and 1 share the same three tones.

    Returns ``x (n_frames, n, 16)`` (log spectral energies, >= 0), ``y (n,)`` in 0..3; with
    ``return_waveforms=True`` also the waveforms ``(n, n_frames*64)`` in the signal's units.
    """
    _check_pos("n", n)
    _check_pos("n_frames", n_frames, 15)
    rng = _rng(seed)
    fs, frame, bands = 2000.0, 64, 16
    n_samp = n_frames * frame
    t = np.arange(n_samp) / fs
    y = rng.integers(0, 4, n)
    waves = np.empty((n, n_samp))
    noise_std = np.sqrt(0.5 / 10 ** (snr_db / 10))  # sine power 0.5
    for j in range(n):
        # three segment lengths >= 5 frames summing to n_frames
        extra = rng.multinomial(n_frames - 15, [1 / 3] * 3)
        bounds = np.cumsum(np.r_[0, 5 + extra]) * frame
        shift = 1.0 + rng.uniform(-0.08, 0.08)
        phase = 0.0
        w = np.empty(n_samp)
        for s, tone in enumerate(TONE_WORDS[int(y[j])]):
            a, b = bounds[s], bounds[s + 1]
            f = _TONE_HZ[tone] * shift
            w[a:b] = np.sin(phase + 2 * np.pi * f * (t[a:b] - t[a]))
            phase += 2 * np.pi * f * (b - a) / fs
        waves[j] = w + rng.normal(0, noise_std, n_samp)
    spec = np.abs(np.fft.rfft(waves.reshape(n, n_frames, frame), axis=-1))[..., 1:]  # 32 bins
    feats = np.log1p(spec.reshape(n, n_frames, bands, -1).mean(-1))
    x = np.ascontiguousarray(feats.transpose(1, 0, 2)).astype(dtype)
    if return_waveforms:
        return x, y, waves
    return x, y


# ----------------------------------------------------------------------------- sensor


@dataclass
class SensorSeries:
    """A sensor-like series with injected anomalies.

    t: (n,) step index (one reading every 10 minutes).  values: (n,) readings (~ degrees C).
    labels: (n,) 1 where an anomaly was injected, else 0.
    events: list of ``(start, stop, kind)`` with kind in ``"spike"``, ``"level_shift"``,
    ``"dropout"`` (stuck-at-zero), ``"noise_burst"``.
    """

    t: np.ndarray
    values: np.ndarray
    labels: np.ndarray
    events: list


def sensor_series(n: int = 3000, n_anomalies: int = 8, seed=0, normal_until: float = 0.4):
    """A temperature-like sensor: daily cycle (144 readings/day) + slow drift + AR(1) noise,
    with ``n_anomalies`` injected events after the first ``normal_until`` fraction of the series
    (that first part is anomaly-free, for training a forecaster on normal behaviour).

    Values are around 20 +- 5; anomalies: spikes (+-6 to 10 for 1-3 readings), level shifts
    (+-4 for 30-80 readings), dropouts (0 for 10-40 readings), noise bursts (x4 noise).
    """
    _check_pos("n", n, 300)
    if not 0 <= n_anomalies <= n // 200:
        raise ValueError(f"n_anomalies must be in [0, {n // 200}], got {n_anomalies}")
    rng = _rng(seed)
    t = np.arange(n)
    base = 20 + 4 * np.sin(2 * np.pi * t / 144 - np.pi / 2) + 1.5 * np.sin(2 * np.pi * t / 1008)
    noise = np.zeros(n)
    e = rng.normal(0, 0.3, n)
    for k in range(1, n):
        noise[k] = 0.8 * noise[k - 1] + e[k]
    values = base + noise
    labels = np.zeros(n, dtype=np.int64)
    events = []
    start0 = int(normal_until * n)
    slots = np.sort(rng.choice(np.arange(start0, n - 100, 100), n_anomalies, replace=False))
    kinds = ("spike", "level_shift", "dropout", "noise_burst")
    for s in slots:
        s = int(s + rng.integers(0, 20))
        kind = kinds[int(rng.integers(0, 4))]
        if kind == "spike":
            ln = int(rng.integers(1, 4))
            values[s:s + ln] += rng.choice([-1, 1]) * rng.uniform(6, 10)
        elif kind == "level_shift":
            ln = int(rng.integers(30, 81))
            values[s:s + ln] += rng.choice([-1, 1]) * 4.0
        elif kind == "dropout":
            ln = int(rng.integers(10, 41))
            values[s:s + ln] = 0.0
        else:
            ln = int(rng.integers(20, 61))
            values[s:s + ln] += rng.normal(0, 1.2, ln)
        labels[s:s + ln] = 1
        events.append((s, s + ln, kind))
    return SensorSeries(t, values, labels, events)


def sliding_windows(series, window: int, horizon: int = 1, dtype=np.float64):
    """Supervised windows of a 1-D series: inputs are ``window`` consecutive values, the target
    is the value ``horizon`` steps after the window's end.

    Returns ``x (window, N, 1)``, ``y (N,)`` with ``N = len(series) - window - horizon + 1``;
    example ``j`` covers ``series[j : j+window]`` and targets ``series[j+window+horizon-1]``.
    """
    s = np.asarray(series, dtype=dtype)
    if s.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {s.shape}")
    _check_pos("window", window)
    _check_pos("horizon", horizon)
    N = len(s) - window - horizon + 1
    if N < 1:
        raise ValueError(f"series of length {len(s)} too short for window={window}, "
                         f"horizon={horizon}")
    idx = np.arange(N)[None, :] + np.arange(window)[:, None]
    return s[idx][..., None], s[np.arange(N) + window + horizon - 1]
