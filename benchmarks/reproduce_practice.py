"""Chapter 10's two experiments, precomputed: dropout against over-fitting, initialization on a
long lag. Writes ``lstm_edu/data/results/practice_experiments.json`` with its provenance.

Both train ``lstm_edu.StackedLSTM`` (or ``StackedRNN``) with a linear read-out of the last
layer's final state, mean squared error, Adam (``lstm_edu.training.optim``) and gradient-norm
clipping at 1, for a **fixed budget** of updates, over **10 seeds** per setting (the seed draws
the weights, the dropout masks and the minibatches; the data sets are the same for all).
Each table row gives the mean over seeds and a seeded percentile-bootstrap 95 % interval
(``lstm_edu.training.stats.bootstrap_ci``); ``compare`` against the first row says "no
difference measured" where the intervals overlap.

1. **Dropout** (``dropout``). Sentiment of the book's 600 template sentences
   (``lstm_edu.data.load_sentiment``, one-hot words, right-padded, run with ``lengths``),
   with only 120 sentences to train on, so that a 2-layer LSTM of 32 units over-fits; the
   other 480 are the test set. Target +-1, MSE; full-batch Adam (lr 0.01) for 250 updates.
   Settings: none; between layers p = 0.3 (torch's ``dropout``, Zaremba et al. 2014);
   variational input + recurrent p = 0.3 (Gal & Ghahramani 2016; on one-hot inputs the input
   mask drops whole word types from a sentence); both. Reported, each measured without
   dropout: test accuracy, test and train MSE, and the gap (test - train MSE).
2. **Initialization** (``init``). The adding problem (``lstm_edu.data.adding_problem``) at
   T = 100: two marked numbers, at least one step and up to T - 1 steps apart, the target their
   sum; predicting the mean scores 1/6. One layer of 32 units, minibatches of 32, Adam lr 0.01,
   400 updates. Settings: LSTM with torch's default init; orthogonal W_hh; chrono biases with
   T_max = T; tanh RNN default; tanh RNN identity (Le et al. 2015).
   Reported: test MSE on 1000 held-out sequences and the fraction of seeds below 0.01.

Usage: ``python benchmarks/reproduce_practice.py [--seeds 10] [--only dropout|init]``.
About 10 minutes on this 2-core machine (one BLAS thread).
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

from lstm_edu import StackedLSTM, StackedRNN  # noqa: E402
from lstm_edu.data import Vocab, adding_problem, load_sentiment, one_hot  # noqa: E402
from lstm_edu.init import chrono_, identity_, orthogonal_  # noqa: E402
from lstm_edu.training.apps import pad_sequences  # noqa: E402
from lstm_edu.training.optim import Adam, clip_grad_norm  # noqa: E402
from lstm_edu.training.stats import bootstrap_ci, compare, wilson_ci  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lstm_edu" / "data" / "results" / "practice_experiments.json"

DROPOUT_SETTINGS = {
    "none": {},
    "between layers (p=0.3)": {"dropout": 0.3},
    "variational, input + recurrent (p=0.3)": {"input_dropout": 0.3, "recurrent_dropout": 0.3},
    "both": {"dropout": 0.3, "input_dropout": 0.3, "recurrent_dropout": 0.3},
}
INIT_SETTINGS = ["LSTM default", "LSTM orthogonal", "LSTM chrono", "RNN default", "RNN identity"]
DROPOUT_TASK = dict(n_train=120, split_seed=0, H=32, layers=2, lr=0.01, updates=250)
INIT_TASK = dict(T=100, n_test=1000, H=32, batch=32, lr=0.01, updates=400, solved_below=0.01)


class Regressor:
    """A stacked recurrent net and a linear read-out of its last layer's final state."""

    def __init__(self, net, seed):
        self.net = net
        rng = np.random.default_rng(seed + 10_000)
        H = net.hidden_size
        self.params = dict(net.params)                       # the same arrays: updated in place
        self.params["readout_w"] = rng.uniform(-1, 1, (1, H)) / np.sqrt(H)
        self.params["readout_b"] = np.zeros(1)

    def predict(self, x, lengths=None):
        return (self.net.forward(x, lengths=lengths).h_n[-1] @ self.params["readout_w"].T)[
            :, 0] + self.params["readout_b"][0]

    def loss_and_grads(self, x, y, train, rng, lengths=None):
        tr = self.net.forward(x, lengths=lengths, train=train, seed=rng)
        h = tr.h_n[-1]                                       # (B, H) last layer, last step
        pred = (h @ self.params["readout_w"].T)[:, 0] + self.params["readout_b"][0]
        err = pred - y
        d_pred = 2 * err / len(y)                            # d mean(err^2) / d pred
        dh_n = np.zeros_like(tr.h_n)
        dh_n[-1] = d_pred[:, None] * self.params["readout_w"]
        grads = self.net.backward(tr, np.zeros_like(tr.output), dh_n)
        grads["readout_w"] = d_pred[None, :] @ h
        grads["readout_b"] = np.array([d_pred.sum()])
        return float(np.mean(err ** 2)), {k: grads[k] for k in self.params}


def mse(model, x, y, lengths=None):
    return float(np.mean((model.predict(x, lengths) - y) ** 2))


def dropout_data():
    """((x, y, lengths) to train, the same to test): one-hot words right-padded (T, N, V)."""
    c = DROPOUT_TASK
    texts, labels = load_sentiment()
    vocab = Vocab.build(texts, level="word")
    x, lengths = pad_sequences([one_hot(vocab.encode(t), len(vocab)) for t in texts])
    assert np.array_equal(lengths, [len(t.split()) for t in texts])   # right-padded (T, N, V)
    y = 2.0 * np.asarray(labels) - 1                         # +-1
    order = np.random.default_rng(c["split_seed"]).permutation(len(texts))
    parts = order[:c["n_train"]], order[c["n_train"]:]
    return [(x[:, idx], y[idx], lengths[idx]) for idx in parts]


def dropout_run(setting, seed, data):
    c = DROPOUT_TASK
    (x, y, n), (x_test, y_test, n_test) = data
    net = StackedLSTM(x.shape[2], c["H"], num_layers=c["layers"], seed=seed,
                      **DROPOUT_SETTINGS[setting])
    model, opt, rng = Regressor(net, seed), Adam(lr=c["lr"]), np.random.default_rng(seed + 1)
    start = time.perf_counter()
    for _ in range(c["updates"]):
        _, grads = model.loss_and_grads(x, y, train=True, rng=rng, lengths=n)
        clip_grad_norm(grads, 1.0)
        opt.step(model.params, grads)
    train, test = mse(model, x, y, n), mse(model, x_test, y_test, n_test)
    accuracy = float(np.mean(np.sign(model.predict(x_test, n_test)) == y_test))
    return {"setting": setting, "seed": seed, "test_accuracy": accuracy, "test_mse": test,
            "train_mse": train, "gap": test - train,
            "seconds": round(time.perf_counter() - start, 2)}


def init_model(setting, seed):
    c = INIT_TASK
    if setting.startswith("RNN"):
        net = StackedRNN(2, c["H"], seed=seed)
        if setting == "RNN identity":
            identity_(net.params)
        return net
    net = StackedLSTM(2, c["H"], seed=seed)
    if "orthogonal" in setting:
        orthogonal_(net.params, seed=seed)
    if "chrono" in setting:
        chrono_(net.params, t_max=c["T"], seed=seed)
    return net


def init_run(setting, seed, test):
    c = INIT_TASK
    model, opt = Regressor(init_model(setting, seed), seed), Adam(lr=c["lr"])
    start = time.perf_counter()
    for step in range(c["updates"]):
        x, y = adding_problem(c["batch"], c["T"], seed=(seed, step))
        _, grads = model.loss_and_grads(x, y, train=False, rng=None)
        clip_grad_norm(grads, 1.0)
        opt.step(model.params, grads)
    test_mse = mse(model, *test)
    return {"setting": setting, "seed": seed, "test_mse": test_mse,
            "solved": test_mse < c["solved_below"],
            "seconds": round(time.perf_counter() - start, 2)}


def summarize(runs, settings, metrics):
    """One row per setting: mean and bootstrap 95 % interval of each metric, and the verdict
    of the first metric against the first setting."""
    rows, first = [], None
    for s in settings:
        mine = [r for r in runs if r["setting"] == s]
        row = {"setting": s, "seeds": len(mine)}
        for m in metrics:
            row[m] = bootstrap_ci([r[m] for r in mine], seed=0)
        if "solved" in mine[0]:
            row["solved"] = wilson_ci(sum(r["solved"] for r in mine), len(mine))
        first = first or row
        row["vs first"] = compare(row[metrics[0]], first[metrics[0]])["verdict"]
        rows.append(row)
    return rows


def provenance(start, load0, command, seeds):
    return _provenance.provenance(start, load0, command, seeds=list(seeds))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--only", choices=["dropout", "init"], default=None)
    args = parser.parse_args(argv)
    seeds = range(args.seeds)
    start, load0 = time.perf_counter(), list(os.getloadavg())
    result = {}
    if args.only in (None, "dropout"):
        data = dropout_data()
        runs = [dropout_run(s, seed, data) for s in DROPOUT_SETTINGS for seed in seeds]
        result["dropout"] = {"task": DROPOUT_TASK, "settings": DROPOUT_SETTINGS, "runs": runs,
                             "rows": summarize(runs, list(DROPOUT_SETTINGS),
                                               ["test_accuracy", "test_mse", "train_mse",
                                                "gap"])}
        print(json.dumps(result["dropout"]["rows"], indent=1))
    if args.only in (None, "init"):
        test = adding_problem(INIT_TASK["n_test"], INIT_TASK["T"], seed=10**6)
        runs = [init_run(s, seed, test) for s in INIT_SETTINGS for seed in seeds]
        result["init"] = {"task": INIT_TASK, "runs": runs,
                          "constant_guess_mse": 1 / 6,
                          "rows": summarize(runs, INIT_SETTINGS, ["test_mse"])}
        print(json.dumps(result["init"]["rows"], indent=1))
    command = "python benchmarks/reproduce_practice.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    result["computed_" + (args.only or "all")] = provenance(start, load0, command, seeds)
    if args.only and OUT.exists():          # keep the other experiment's results (read now:
        result = {**json.loads(OUT.read_text(encoding="utf-8")), **result}   # it may run too)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
