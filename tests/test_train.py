"""The training loop: reaches a target, is deterministic, calls callbacks, stops early."""

import numpy as np
import pytest

from lstm_edu.data import adding_problem
from lstm_edu.training.model import build_model
from lstm_edu.training.optim import SGD
from lstm_edu.training.trainer import History, Trainer, fit
from lstm_edu.viz.live import LiveLossPlot, in_kernel
from lstm_edu.viz.plots import compare_runs, loss_curve

T = 10


def data(rng, b):
    return adding_problem(b, T, rng)


TEST = adding_problem(300, T, seed=99)


def short_run(seed=0, **kw):
    model = build_model("lstm", 2, 16, seed=seed, forget_bias=1.0)
    opts = dict(batch_size=32, lr=0.02, max_steps=600, eval_data=TEST, eval_every=20,
                target=("mse", 0.01), seed=seed)
    opts.update(kw)
    return model, fit(model, data, **opts)


def test_short_run_reaches_target_and_stops_early():
    model, h = short_run()
    assert h.reached_target and h.stopped_early
    assert h.final("mse") <= 0.01
    assert model.evaluate(*TEST)["mse"] == pytest.approx(h.final("mse"))
    assert len(h.steps) < 600  # stopped before the step budget
    assert h.sequences_to_target == h.sequences[-1] == 32 * len(h.steps)
    assert h.eval_steps[-1] == h.steps[-1] and h.eval_steps[0] == 20
    # it learned: far below the constant-guess MSE of 1/6
    assert h.metrics["mse"][0] > h.metrics["mse"][-1]
    assert "reached" in repr(h)


def test_same_seed_same_history_different_seed_differs():
    _, a = short_run(seed=3, max_steps=40, target=None)
    _, b = short_run(seed=3, max_steps=40, target=None)
    _, c = short_run(seed=4, max_steps=40, target=None)
    assert a.losses == b.losses and a.metrics == b.metrics
    assert a.losses != c.losses


def test_callbacks_are_called_in_order_and_can_stop():
    events = []

    class Recorder:
        def on_train_begin(self, tr):
            events.append("begin")

        def on_step_end(self, tr):
            events.append(("step", tr.step))

        def on_eval_end(self, tr):
            events.append(("eval", tr.step, round(tr.last_metrics["mse"], 9)))

        def on_train_end(self, tr):
            events.append("end")

    calls = []

    def stopper(tr):  # a plain function is an on_step_end callback
        calls.append(tr.loss)
        if tr.step == 7:
            tr.should_stop = True

    model = build_model("rnn", 2, 8, seed=0)
    h = Trainer(model, data, max_steps=50, eval_data=TEST, eval_every=5,
                callbacks=[Recorder()]).add_callback(stopper).run()
    assert events[0] == "begin" and events[-1] == "end"
    assert [e[1] for e in events if e[0] == "step"] == list(range(1, 8))
    # evaluations at step 5 and at the (early) last step 7
    assert [e[1] for e in events if e[0] == "eval"] == [5, 7]
    assert len(calls) == 7 and h.steps[-1] == 7
    assert np.isfinite(calls).all()


def test_max_sequences_budget_and_no_target():
    _, h = short_run(max_steps=1000, max_sequences=320, target=None)
    assert h.sequences_seen == 320 and len(h.steps) == 10
    assert not h.reached_target and h.sequences_to_target is None


def test_fixed_dataset_tuple_and_sgd():
    x, y = adding_problem(64, T, seed=1)
    model = build_model("gru", 2, 8, seed=0)
    h = fit(model, (x, y), optimizer=SGD(lr=0.1, momentum=0.9), batch_size=16, max_steps=12,
            clip=None)
    assert h.sequences_seen == 12 * 16 and len(h.grad_norms) == 12
    assert not h.metrics


def test_target_accuracy_is_maximized():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 40, 2))
    y = (x[-1, :, 0] > 0).astype(int)  # readable from the last input
    model = build_model("lstm", 2, 8, output_size=2, task="classification", seed=0)
    h = fit(model, (x, y), batch_size=40, lr=0.05, max_steps=300, eval_data=(x, y),
            eval_every=5, target=("accuracy", 0.95))
    assert h.reached_target and h.final("accuracy") >= 0.95


def test_bad_arguments():
    model = build_model("lstm", 2, 4)
    with pytest.raises(ValueError, match="eval_data"):
        Trainer(model, data, target=("mse", 0.1))
    with pytest.raises(ValueError, match="batch_size"):
        Trainer(model, data, batch_size=0)
    with pytest.raises(TypeError, match="data"):
        Trainer(model, [1, 2])


def test_live_plot_is_harmless_without_kernel_and_figures_plot_history():
    assert not in_kernel()
    live = LiveLossPlot(interval=0.0)
    _, h = short_run(max_steps=30, target=None, callbacks=[live])
    assert live.out is None and live.draws == 0
    fig = live.figure
    assert len(fig.data) == 2
    np.testing.assert_allclose(fig.data[0].y, h.losses)
    np.testing.assert_allclose(fig.data[1].x, h.eval_sequences)
    fig2 = compare_runs({"lstm": h, "rnn": h}, metric="mse", baseline=1 / 6, target=0.01)
    assert [t.name for t in fig2.data] == ["lstm", "rnn"]
    assert isinstance(loss_curve(History()), type(fig))


def test_progress_bar_runs():
    _, h = short_run(max_steps=5, target=None, progress=True)
    assert len(h.steps) == 5


def test_blas_threads_limits_and_restores():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from lstm_edu.training.trainer import blas_threads

    def n_blas():
        return [i["num_threads"] for i in threadpoolctl.threadpool_info()
                if i["user_api"] == "blas"]

    before = n_blas()
    with blas_threads(1):
        assert all(n == 1 for n in n_blas())
    assert n_blas() == before
    with blas_threads(None):
        assert n_blas() == before


# ---------------------------------------------------------------- variable lengths (issue 12)


def ragged(n=48, seed=0, T_pad=12, fill=0.0):
    """Sequences of 2..8 steps whose label is the sign of their last valid input, right-padded
    to T_pad with ``fill``: only a last-valid-step read-out can see the label."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 9, n)
    x = np.full((T_pad, n, 1), fill)
    for j, k in enumerate(lengths):
        x[:k, j, 0] = rng.normal(size=k)
    y = (x[lengths - 1, np.arange(n), 0] > 0).astype(int)
    return x, lengths, y


def test_batches_from_arrays_with_lengths_cut_each_batch_to_its_longest():
    from lstm_edu.training.trainer import batches_from_arrays

    x, lengths, y = ragged(10)
    fn = batches_from_arrays(x, y, lengths=lengths)
    rng = np.random.default_rng(0)
    seen = []
    for _ in range(2):                                   # one epoch in two batches of 5
        xb, nb, yb = fn(rng, 5)
        assert xb.shape == (nb.max(), 5, 1) and yb.shape == (5,)
        seen += [int(np.flatnonzero(x[0, :, 0] == xb[0, j, 0])[0]) for j in range(5)]
        np.testing.assert_array_equal(nb, lengths[seen[-5:]])
        np.testing.assert_array_equal(yb, y[seen[-5:]])
    assert sorted(seen) == list(range(10))


def test_fit_on_x_lengths_y_learns_and_ignores_the_padding():
    x, n, y = ragged(96, seed=1)
    x_te, n_te, y_te = ragged(200, seed=2)
    runs = {}
    for fill, T_pad in ((0.0, 12), (3.0, 20)):          # different padding, values and amount
        xp = np.full((T_pad, 96, 1), fill)
        xp[:12] = np.where(np.arange(12)[:, None, None] < n[:, None], x, fill)
        model = build_model("lstm", 1, 8, output_size=2, task="classification", seed=0)
        runs[fill] = fit(model, (xp, n, y), batch_size=32, lr=0.05, max_steps=60,
                         eval_data=(x_te, n_te, y_te), eval_every=20, seed=0)
    a, b = runs.values()
    np.testing.assert_allclose(a.losses, b.losses, rtol=1e-9)
    assert a.metrics == pytest.approx(b.metrics, rel=1e-9)
    assert a.final("accuracy") > 0.9                    # the sign of the last valid input
    # the old left-over padding read-out (the last row) cannot see the label
    model = build_model("lstm", 1, 8, output_size=2, task="classification", seed=0)
    h = fit(model, (x, y), batch_size=32, lr=0.05, max_steps=60, eval_data=(x_te, y_te),
            eval_every=60, seed=0)
    assert h.final("accuracy") < 0.75


def test_batch_function_may_return_x_lengths_y():
    x, n, y = ragged(32, seed=3)
    model = build_model("gru", 1, 4, output_size=2, task="classification", over="all", seed=0)
    yy = np.repeat(y[None], 12, axis=0)                  # per-step labels (T, B)
    h = fit(model, lambda rng, b: (x, n, yy), batch_size=32, max_steps=3,
            eval_data=(x, n, yy), eval_every=3)
    assert len(h.losses) == 3 and 0 <= h.final("accuracy") <= 1
    assert h.final("loss") == pytest.approx(model.evaluate(x, yy, lengths=n)["loss"])


def test_bad_batches_name_the_argument():
    model = build_model("lstm", 1, 4)
    x, n, y = ragged(8)
    with pytest.raises(ValueError, match="data"):
        Trainer(model, (x, n, y, y))
    with pytest.raises(ValueError, match="eval_data"):
        Trainer(model, (x, y), eval_data=(x,))
    with pytest.raises(ValueError, match="lengths"):
        Trainer(model, (x, np.zeros(8, int), y))
    with pytest.raises(ValueError, match="data"):
        fit(model, lambda rng, b: (x,), max_steps=1)
