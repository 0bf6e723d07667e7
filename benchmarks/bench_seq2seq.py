"""Chapter 11's longer runs, precomputed: ``lstm_edu/data/results/seq2seq.json`` with provenance.

Every run trains ``lstm_edu.Seq2Seq`` (one-layer LSTM encoder and decoder, H = 64 units,
embeddings of 32) with ``fit_seq2seq`` (Adam, teacher forcing, clipping at norm 5) over
``--seeds`` seeds per setting (the seed draws the weights and the minibatches; the data sets
are the same for all), with and without additive attention:

1. **iso**: the chapter's own configuration on ``make_dates`` (5000 training dates, the first
   500 of the test split held out): 300 updates of 64. Exact match on held-out dates and the
   CPU seconds of training, so the chapter's single run can be set against the spread.
2. **lists** (the shape of Bahdanau et al. 2015, Fig. 2): ``make_date_lists`` with 1 to 3
   dates per example (sources of about 8 to 90 characters, targets of 10 to 30), 8000
   training lists, 800 updates of 32, attention size 32. Measured on 400 held-out lists:
   - exact match by source length (bins of 10 characters);
   - token accuracy by output position, teacher forced (the true prefix given) against free
     running (the model's own prefix): exposure bias;
   - greedy against beam search (beam 2 and 4) on the first 150 test lists: exact match and
     mean log probability of the chosen outputs;
   - for seed 0 with attention: the attention weights of 4 test lists (for a heat map).
Summaries: mean over seeds with a seeded bootstrap 95 % interval (``training.stats``).

Usage: ``nice -n 10 python benchmarks/bench_seq2seq.py [--seeds 5] [--quick]``.
About 9 CPU-minutes on this 2-core machine (one BLAS thread; measured 2026-12-02: 517 CPU-s,
587 s wall at load 2.8-4.0). ``--quick``: 2 seeds, few steps, writes
``benchmarks/results/seq2seq_quick.json`` instead (to test the script; not shipped).
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")          # before numpy loads its BLAS

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import _provenance  # noqa: E402 (benchmarks/, beside this script)
import numpy as np  # noqa: E402

from lstm_edu import Seq2Seq  # noqa: E402
from lstm_edu.data.dates import (  # noqa: E402
    decode_target,
    make_date_lists,
    make_dates,
    source_vocab,
    target_vocab,
)
from lstm_edu.seq2seq import exact_match, fit_seq2seq, token_accuracy_by_position  # noqa: E402
from lstm_edu.seq2seq.decode import greedy_attention  # noqa: E402
from lstm_edu.training.stats import bootstrap_ci  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "lstm_edu" / "data" / "results"
ISO = {"n_train": 5000, "n_test": 500, "hidden_size": 64, "embed_size": 32, "steps": 300,
       "batch_size": 64, "lr": 0.01, "clip": 5.0, "data_seed": 0}
LISTS = {"n_train": 8000, "n_test": 400, "n_dates": [1, 3], "hidden_size": 64,
         "embed_size": 32, "attention_size": 32, "steps": 800, "batch_size": 32, "lr": 0.01,
         "clip": 5.0, "data_seed": 1, "bin_width": 10, "n_beam": 150, "beams": [1, 2, 4],
         "n_heatmaps": 4}


def model_for(cfg, attention, seed):
    return Seq2Seq(len(source_vocab()), len(target_vocab()), cfg["hidden_size"],
                   attention=attention, seed=seed, embed_size=cfg["embed_size"],
                   attention_size=cfg.get("attention_size"))


def train(cfg, attention, seed, data):
    model = model_for(cfg, attention, seed)
    t0 = time.process_time()
    fit_seq2seq(model, data, steps=cfg["steps"], batch_size=cfg["batch_size"], lr=cfg["lr"],
                seed=seed, clip=cfg["clip"])
    return model, time.process_time() - t0


def iso_runs(cfg, seeds):
    sp = make_dates(cfg["n_train"], 500, 1000, seed=cfg["data_seed"])
    tr, (src, tgt) = sp.train.arrays(), sp.test.arrays()
    test = (src[:, :cfg["n_test"]], tgt[:, :cfg["n_test"]])
    runs = []
    for attention in (True, False):
        for seed in seeds:
            model, cpu = train(cfg, attention, seed, tr)
            runs.append({"attention": attention, "seed": seed, "cpu_seconds": round(cpu, 2),
                         "exact_match": float(exact_match(model, test).mean())})
            print("iso", runs[-1], flush=True)
    return runs


def list_run(cfg, attention, seed, sp, test):
    model, cpu = train(cfg, attention, seed, sp.train.arrays())
    hits = exact_match(model, test)
    forced, free = token_accuracy_by_position(model, test)
    nb = cfg["n_beam"]
    src_b, tgt_b = test[0][:, :nb], test[1][:, :nb]
    src_b = src_b[: np.sum(src_b != 0, axis=0).max()]
    beams = {}
    for k in cfg["beams"]:
        outs = model.translate(src_b, max_len=tgt_b.shape[0] + 2, beam_size=k)
        want = [[int(t) for t in col if t > 2] for col in tgt_b.T]
        beams[str(k)] = {"exact_match": float(np.mean([o == w for o, w in
                                                       zip(outs, want, strict=True)])),
                         "mean_log_prob": float(np.mean(model.sequence_log_prob(src_b, outs)))}
    return model, {"attention": attention, "seed": seed, "cpu_seconds": round(cpu, 2),
                   "exact_match": float(hits.mean()), "hits": hits.astype(int).tolist(),
                   "forced_by_position": np.round(forced, 4).tolist(),
                   "free_by_position": np.round(free, 4).tolist(), "beam": beams}


def heatmaps(model, sp, test, n):
    """Attention of the first n test lists with 3 dates: sources, outputs, weights."""
    picks = [b for b, s in enumerate(sp.test.sources) if s.count(" and ") == 2][:n]
    src = test[0][:, picks]
    src = src[: np.sum(src != 0, axis=0).max()]
    outs, alpha = greedy_attention(model, src, max_len=test[1].shape[0] + 2)
    return [{"source": sp.test.sources[b], "target": sp.test.targets[b],
             "output": decode_target(outs[j]),
             "attention": np.round(alpha[j, :len(outs[j]) + 1, :len(sp.test.sources[b])],
                                   3).tolist()}
            for j, b in enumerate(picks)]


def summary(values):
    ci = bootstrap_ci(np.asarray(values, dtype=float)) if len(values) > 1 else None
    return ci or {"mean": float(values[0]), "low": float(values[0]), "high": float(values[0]),
                  "n": 1}


def lists_result(cfg, seeds):
    sp = make_date_lists(cfg["n_train"], 100, cfg["n_test"], n_dates=tuple(cfg["n_dates"]),
                         seed=cfg["data_seed"])
    test = sp.test.arrays()
    lengths = np.array([len(s) for s in sp.test.sources])
    runs, maps = [], None
    for attention in (True, False):
        for seed in seeds:
            model, run = list_run(cfg, attention, seed, sp, test)
            runs.append(run)
            if attention and seed == seeds[0]:
                maps = heatmaps(model, sp, test, cfg["n_heatmaps"])
            print("lists", {k: v for k, v in run.items() if k != "hits"}, flush=True)
    w = cfg["bin_width"]
    bins = sorted({int(n // w) * w for n in lengths})
    by_length = {}
    for attention in (True, False):
        rows = []
        for lo in bins:
            sel = (lengths >= lo) & (lengths < lo + w)
            per_seed = [float(np.mean(np.asarray(r["hits"])[sel])) for r in runs
                        if r["attention"] == attention]
            rows.append({"from": lo, "to": lo + w, "n": int(sel.sum()),
                         "exact_match": summary(per_seed)})
        by_length["attention" if attention else "no attention"] = rows
    return {"task": cfg, "source_lengths": lengths.tolist(), "runs": runs,
            "by_length": by_length, "heatmaps": maps}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    iso, lists = dict(ISO), dict(LISTS)
    if args.quick:
        iso.update(steps=20, n_test=50)
        lists.update(steps=20, n_train=500, n_test=60, n_beam=10)
    seeds = list(range(2 if args.quick else args.seeds))
    start, load0 = time.perf_counter(), list(os.getloadavg())
    result = {"iso": {"task": iso, "runs": iso_runs(iso, seeds)},
              "lists": lists_result(lists, seeds)}
    command = "python benchmarks/bench_seq2seq.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    result["computed"] = _provenance.provenance(start, load0, command, seeds=seeds,
                                                cpu_seconds=round(time.process_time(), 1))
    out = (ROOT / "benchmarks" / "results" / "seq2seq_quick.json" if args.quick
           else RESULTS / "seq2seq.json")
    out.write_text(json.dumps(result, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
