"""Speed of lstm_edu's LSTM forward+backward against torch.nn.LSTM on CPU, float32.

Both run in the same process on the same data, interleaved (numpy, torch, numpy, torch, ...),
so drifts in machine load hit both alike. Each repeat is one full forward + backward:

- numpy: ``trace = lstm.forward(x, h0, c0)`` then ``lstm.backward(trace, dh)``;
- torch: ``out, _ = lstm(x, (h0, c0))``, ``(out * dh).sum().backward()``.

The reported ratio is the median over repeats of (numpy time / torch time) of each pair.
Usage: ``python benchmarks/bench_lstm.py [--repeats N] [--quick]``. Writes the markdown table
to ``benchmarks/results/bench_lstm.md``.
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from lstm_edu import LSTM

SHAPES = [(100, 32, 16, 64), (50, 64, 1, 32), (200, 1, 8, 32), (100, 128, 64, 256)]
RESULTS = Path(__file__).parent / "results" / "bench_lstm.md"


def bench_shape(T, B, I, H, repeats):  # noqa: E741 (the book's letters)
    rng = np.random.default_rng(0)
    model = LSTM(I, H, seed=0, dtype=np.float32)
    x = rng.standard_normal((T, B, I)).astype(np.float32)
    h0 = rng.standard_normal((B, H)).astype(np.float32)
    c0 = rng.standard_normal((B, H)).astype(np.float32)
    dh = rng.standard_normal((T, B, H)).astype(np.float32)

    ref = torch.nn.LSTM(I, H)
    with torch.no_grad():
        for name, value in model.params.items():
            getattr(ref, f"{name}_l0").copy_(torch.from_numpy(value))
    tx = torch.from_numpy(x).requires_grad_(True)
    th0 = torch.from_numpy(h0).unsqueeze(0).requires_grad_(True)
    tc0 = torch.from_numpy(c0).unsqueeze(0).requires_grad_(True)
    tdh = torch.from_numpy(dh)

    def run_numpy():
        trace = model.forward(x, h0, c0)
        model.backward(trace, dh)

    def run_torch():
        ref.zero_grad(set_to_none=True)
        tx.grad = th0.grad = tc0.grad = None
        out, _ = ref(tx, (th0, tc0))
        (out * tdh).sum().backward()

    def timed(fn):
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    for _ in range(3):  # warm-up: BLAS threads, allocator, torch's dispatcher
        run_numpy()
        run_torch()
    t_np, t_torch, ratios = [], [], []
    for _ in range(repeats):
        a, b = timed(run_numpy), timed(run_torch)
        t_np.append(a)
        t_torch.append(b)
        ratios.append(a / b)
    return statistics.median(t_np), statistics.median(t_torch), statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed pairs per shape")
    parser.add_argument("--quick", action="store_true", help="5 repeats, skip the largest shape")
    args = parser.parse_args(argv)
    repeats = 5 if args.quick else args.repeats
    shapes = SHAPES[:3] if args.quick else SHAPES

    lines = [
        f"LSTM forward+backward, float32, CPU; torch {torch.__version__}, numpy {np.__version__}, "
        f"torch threads {torch.get_num_threads()}; median of {repeats} interleaved pairs.",
        "",
        "| (T, B, I, H) | numpy ms | torch ms | ratio numpy/torch |",
        "|---|---:|---:|---:|",
    ]
    for T, B, I, H in shapes:  # noqa: E741
        t_np, t_torch, ratio = bench_shape(T, B, I, H, repeats)
        lines.append(f"| ({T}, {B}, {I}, {H}) | {1e3 * t_np:.2f} | {1e3 * t_torch:.2f} "
                     f"| {ratio:.2f} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
