"""What an LSTM costs, measured: multiply-adds, BPTT memory, and time for lstm_edu and torch.

One run writes ``lstm_edu/data/results/practice_cost.json`` (read by chapter 10, "LSTMs in
practice", with its provenance: date, machine, load, versions, git commit, command):

1. **Multiply-adds.** The formula G*H*(n_in + H) per step, sequence, layer and direction
   (``lstm_edu.cost.macs_per_step``) against two counts: lstm_edu's reference loops run on a
   counting array (``lstm_edu.cost.count_macs``) and torch's own ``FlopCounterMode`` over a
   ``torch.nn.LSTMCell`` / ``GRUCell`` / ``RNNCell`` loop (FLOPs / 2). The script stops if
   they disagree.
2. **BPTT memory.** ``lstm_edu.cost.trace_bytes`` of ``LSTM.forward``'s trace and of a
   2-layer bidirectional ``StackedLSTM``'s, over T, B and H: the bytes that must be kept for the
   backward pass, and the slope in bytes per T*B*H.
3. **Time against T, H, B and layers.** One forward + backward (loss sum(output * dy)) of
   ``StackedLSTM`` and of ``torch.nn.LSTM(I, H, num_layers=L)`` with the same float32 weights
   and data, interleaved pairs after a warm-up. Reported: the fastest of the repeats for each
   (``lstm_edu ms``, ``torch ms``; on a shared machine the minimum is what the code costs when
   it gets the CPU, the median mostly measures the other jobs) and their ratio; the medians and
   the median of the per-pair ratios are kept too. One thread for both (set below, before
   numpy and torch load their BLAS).
4. **The sequential dependence.** The same work (products and tanh) as T dependent products
   (B, H) @ (H, 4H), one per step as the recurrence must do them, against one product
   (T*B, H) @ (H, 4H), as a layer without recurrence (a Transformer's projections) can do it.

Usage: ``python benchmarks/bench_cost.py [--repeats N] [--quick]`` (about 1-2 min here;
``--quick``: 3 pairs per point, for a smoke test, nothing written unless ``--write``).
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")          # before numpy and torch load their BLAS

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import _provenance  # noqa: E402 (benchmarks/, beside this script)
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from lstm_edu import LSTM, StackedLSTM  # noqa: E402
from lstm_edu.cost import count_macs, macs_per_step, trace_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lstm_edu" / "data" / "results" / "practice_cost.json"
BASE = dict(T=50, B=16, I=16, H=64, L=1)
SWEEPS = {"T": [25, 50, 100, 200], "H": [32, 64, 128, 256], "B": [1, 4, 16, 64],
          "L": [1, 2, 3]}
TORCH_CELLS = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell, "rnn": torch.nn.RNNCell}


def torch_macs(kind, T, B, I, H):
    """torch's FlopCounterMode over a cell loop, forward only, as multiply-adds (FLOPs / 2)."""
    cell = TORCH_CELLS[kind](I, H)
    x = torch.randn(T, B, I)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        h = torch.zeros(B, H)
        state = (h, torch.zeros(B, H)) if kind == "lstm" else h
        for t in range(T):
            state = cell(x[t], state)
    return counter.get_total_flops() // 2


def mac_rows():
    rows = []
    for kind in ("lstm", "gru", "rnn"):
        for T, B, I, H in [(7, 2, 3, 5), (20, 4, 16, 32)]:
            counted = count_macs(kind, T, B, I, H)
            row = {"kind": kind, "T": T, "B": B, "I": I, "H": H,
                   "formula per step": macs_per_step(kind, I, H),
                   "formula x T x B": T * B * macs_per_step(kind, I, H),
                   "lstm_edu counted": counted["forward"],
                   "torch counted": torch_macs(kind, T, B, I, H),
                   "lstm_edu backward counted": counted["backward"]}
            if not row["formula x T x B"] == row["lstm_edu counted"] == row["torch counted"]:
                sys.exit(f"multiply-add counts disagree: {row}")
            rows.append(row)
    return rows


def memory_rows():
    rows = []
    points = [(T, 16, 64) for T in (25, 50, 100, 200)] + [(50, B, 64) for B in (4, 64)] + \
        [(50, 16, H) for H in (32, 128)]
    for T, B, H in points:
        x = np.zeros((T, B, 16))
        one = trace_bytes(LSTM(16, H, seed=0).forward(x))
        stack = trace_bytes(StackedLSTM(16, H, num_layers=2, bidirectional=True,
                                        seed=0).forward(x))
        rows.append({"T": T, "B": B, "H": H, "LSTM trace bytes": one,
                     "LSTM bytes per T*B*H": one / (T * B * H),
                     "2-layer bi StackedLSTM trace bytes": stack,
                     "stacked bytes per T*B*H": stack / (T * B * H)})
    return rows


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_point(T, B, I, H, L, repeats):
    """Median seconds of lstm_edu and torch (forward + backward) and the median ratio."""
    rng = np.random.default_rng(0)
    net = StackedLSTM(I, H, num_layers=L, seed=0, dtype=np.float32)
    x = rng.standard_normal((T, B, I)).astype(np.float32)
    dy = rng.standard_normal((T, B, H)).astype(np.float32)
    ref = torch.nn.LSTM(I, H, num_layers=L)
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in net.params.items()})
    tx, tdy = torch.from_numpy(x).requires_grad_(True), torch.from_numpy(dy)

    def ours():
        net.backward(net.forward(x), dy)

    def theirs():
        ref.zero_grad(set_to_none=True)
        tx.grad = None
        out, _ = ref(tx)
        (out * tdy).sum().backward()

    for _ in range(2):
        ours()
        theirs()
    pairs = [(_timed(ours), _timed(theirs)) for _ in range(repeats)]
    ours_min, theirs_min = min(a for a, _ in pairs), min(b for _, b in pairs)
    return {"T": T, "B": B, "I": I, "H": H, "layers": L,
            "lstm_edu ms": 1e3 * ours_min, "torch ms": 1e3 * theirs_min,
            "ratio": ours_min / theirs_min,
            "lstm_edu median ms": 1e3 * statistics.median(a for a, _ in pairs),
            "torch median ms": 1e3 * statistics.median(b for _, b in pairs),
            "median pair ratio": statistics.median(a / b for a, b in pairs),
            "multiply-adds (forward)": T * B * macs_per_step("lstm", I, H, L)}


def time_rows(repeats):
    rows, seen = [], {}
    for name, values in SWEEPS.items():
        for v in values:
            point = {**BASE, name: v}
            key = tuple(point.values())
            if key not in seen:
                seen[key] = time_point(**point, repeats=repeats)
            rows.append({"varied": name, **seen[key]})
    return rows


def sequential_point(T, B, H, repeats):
    """T dependent (B, H) @ (H, 4H) products (+ tanh) against one (T*B, H) @ (H, 4H)."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((H, 4 * H)).astype(np.float32) / np.sqrt(H)
    xs = rng.standard_normal((T * B, H)).astype(np.float32)

    def steps():                               # step t needs step t-1's result
        h = xs[:B]
        for t in range(T):
            h = np.tanh((h @ w)[:, :H] + xs[t * B:(t + 1) * B])

    def parallel():                            # every position at once: the same work
        np.tanh((xs @ w)[:, :H] + xs)

    a = min(_timed(steps) for _ in range(repeats))
    b = min(_timed(parallel) for _ in range(repeats))
    return {"T": T, "B": B, "H": H, "multiply-adds": T * B * H * 4 * H,
            "T sequential products ms": 1e3 * a, "one product ms": 1e3 * b, "ratio": a / b}


def sequential_rows(repeats):
    return [sequential_point(T, B, H, repeats) for T, B, H in
            [(100, 1, 64), (100, 16, 64), (100, 64, 128)]]


def provenance(start, load0, command):
    return _provenance.provenance(
        start, load0, command, torch=torch.__version__, torch_threads=torch.get_num_threads(),
        note="times are the fastest of interleaved repeats after a warm-up (medians "
        "kept too), one thread each; other jobs shared the 2 CPUs (see the load "
        "averages)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed pairs per point")
    parser.add_argument("--quick", action="store_true", help="3 pairs, write nothing")
    parser.add_argument("--write", action="store_true", help="write even with --quick")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else args.repeats
    torch.set_num_threads(1)
    start, load0 = time.perf_counter(), list(os.getloadavg())
    result = {"macs": mac_rows(), "memory": memory_rows(), "time": time_rows(repeats),
              "sequential": sequential_rows(repeats), "base": BASE}
    command = "python benchmarks/bench_cost.py" + "".join(f" {a}" for a in (argv or sys.argv[1:]))
    result = {"computed": provenance(start, load0, command), **result}
    for key in ("time", "sequential"):
        for row in result[key]:
            print({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})
    if not args.quick or args.write:
        OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} in {result['computed']['total_seconds']} s")


if __name__ == "__main__":
    main()
