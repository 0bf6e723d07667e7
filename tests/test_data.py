"""Datasets: shapes, ranges, determinism, documented properties, no network."""

import socket

import numpy as np
import pytest

import lstm_edu.data as D
from lstm_edu.data.text import _write_sentiment_csv


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def guard(*a, **k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket, "create_connection", guard)


def test_adding_problem():
    x, y = D.adding_problem(500, 40, seed=1)
    assert x.shape == (40, 500, 2) and y.shape == (500,)
    assert np.all((x[..., 0] >= 0) & (x[..., 0] <= 1))
    marks = x[..., 1]
    assert set(np.unique(marks)) == {0.0, 1.0}
    assert np.all(marks[:20].sum(0) == 1) and np.all(marks[20:].sum(0) == 1)
    np.testing.assert_allclose(y, (x[..., 0] * marks).sum(0))
    assert np.all((y >= 0) & (y <= 2))
    a, b = D.adding_problem(5, 10, seed=7), D.adding_problem(5, 10, seed=7)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], D.adding_problem(5, 10, seed=8)[0])
    # same Generator state -> same data, a Generator advances
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    np.testing.assert_array_equal(D.adding_problem(4, 6, g1)[1], D.adding_problem(4, 6, g2)[1])


def test_constant_guess_mse_is_one_sixth():
    assert D.ADDING_CONSTANT_GUESS_MSE == pytest.approx(1 / 6)
    _, y = D.adding_problem(200_000, 20, seed=0)
    assert np.mean(y) == pytest.approx(1.0, abs=0.005)
    assert np.mean((y - 1) ** 2) == pytest.approx(1 / 6, abs=0.002)


def test_temporal_order():
    x, y, s = D.temporal_order(200, 100, seed=0, return_strings=True)
    assert x.shape == (100, 200, 8) and set(np.unique(y)) <= {0, 1, 2, 3}
    np.testing.assert_array_equal(x.sum(-1), 1)
    for seq, label in zip(s, y, strict=True):
        assert seq[0] == "E" and seq[-1] == "B"
        xs = [k for k, ch in enumerate(seq) if ch in "XY"]
        assert len(xs) == 2 and 10 <= xs[0] < 20 and 50 <= xs[1] < 60
        assert label == 2 * (seq[xs[0]] == "Y") + (seq[xs[1]] == "Y")


def test_recall_marked():
    x, y = D.recall_marked(50, 30, p_mark=0.2, seed=0)
    assert x.shape == (30, 50, 2) and y.shape == (30, 50)
    for j in range(50):
        last = None
        for t in range(30):
            if x[t, j, 1] == 1:
                last = x[t, j, 0]
            assert y[t, j] == last


def test_dna_motifs():
    x, y, s = D.dna_motifs(100, 30, motif="GATTACA", seed=0, return_strings=True)
    assert x.shape == (30, 100, 4) and y.sum() == 50
    np.testing.assert_array_equal(x.sum(-1), 1)
    assert all(("GATTACA" in q) == bool(lab) for q, lab in zip(s, y, strict=True))
    assert "".join("ACGT"[k] for k in x[:, 0].argmax(-1)) == s[0]


def test_tone_sequences():
    x, y, w = D.tone_sequences(40, n_frames=30, seed=0, return_waveforms=True)
    assert x.shape == (30, 40, 16) and w.shape == (40, 30 * 64)
    assert np.all(x >= 0) and set(np.unique(y)) <= {0, 1, 2, 3}
    # a rising word has its energy move to higher bands over time
    j = int(np.flatnonzero(y == 0)[0])
    early, late = x[:3, j].argmax(-1), x[-3:, j].argmax(-1)
    assert early.max() < late.min()


def test_sensor_series():
    s = D.sensor_series(3000, n_anomalies=8, seed=1)
    assert s.values.shape == s.labels.shape == (3000,)
    assert len(s.events) == 8 and s.labels[: int(0.4 * 3000)].sum() == 0
    for a, b, kind in s.events:
        assert s.labels[a:b].all() and kind in ("spike", "level_shift", "dropout", "noise_burst")
    normal = s.values[s.labels == 0]
    assert 10 < normal.min() and normal.max() < 30


def test_sliding_windows():
    x, y = D.sliding_windows(np.arange(10.0), 3, horizon=2)
    assert x.shape == (3, 6, 1) and y.shape == (6,)
    np.testing.assert_array_equal(x[:, 0, 0], [0, 1, 2])
    assert y[0] == 4 and y[-1] == 9
    with pytest.raises(ValueError, match="too short"):
        D.sliding_windows(np.arange(3.0), 3)


def test_sales_workflow():
    s = D.monthly_sales(seed=0)
    assert len(s.values) == len(s.months) == 60
    assert s.months[0] == "2019-01" and s.months[-1] == "2023-12"
    np.testing.assert_allclose(s.values, s.trend + s.seasonal + s.noise)
    assert s.values.min() > 0
    train, test = D.train_test_split(s.values, 12)
    assert len(train) == 48 and len(test) == 12 and test[0] == s.values[48]
    sc = D.Standardizer.fit(train)
    z = sc.transform(train)
    assert z.mean() == pytest.approx(0, abs=1e-12) and z.std() == pytest.approx(1)
    np.testing.assert_allclose(sc.inverse_transform(sc.transform(test)), test)
    x, y = D.supervised_windows(z, 6)
    assert x.shape == (6, 42, 1) and y[0] == z[6]
    # forecast with a "model" that predicts the last value: a flat line
    f = D.forecast(lambda w: w[-1, 0, 0], z, steps=12)
    np.testing.assert_allclose(f, z[-1])
    f2 = D.forecast(lambda w: w[-1, 0, 0] + 1, [0.0] * 6, steps=3)
    np.testing.assert_allclose(f2, [1, 2, 3])


def test_sentiment_corpus():
    texts, labels = D.load_sentiment()
    assert 300 <= len(texts) == len(labels) <= 2000
    assert labels.sum() == len(labels) // 2 and len(set(texts)) == len(texts)
    assert all(0 < len(t.split()) <= 12 for t in texts)
    assert any(" not " in t for t in texts) and any(" but " in t for t in texts)
    # the shipped file is exactly what the generator writes
    assert list(zip(texts, labels.tolist(), strict=True)) == D.make_sentiment_corpus()


def test_sentiment_csv_regenerates(tmp_path):
    p = tmp_path / "s.csv"
    _write_sentiment_csv(p)
    from importlib import resources

    shipped = resources.files("lstm_edu.data").joinpath("sentiment.csv").read_text("utf-8")
    assert p.read_text("utf-8") == shipped


def test_text_and_vocab():
    text = D.load_text("rhymes")
    assert 2000 < len(text) < 10_000 and "Humpty Dumpty" in text
    v = D.Vocab.build(text)
    assert v.decode(v.encode(text)) == text
    fn, v2 = D.char_batches(text, 20)
    x, y = fn(np.random.default_rng(0), 4)
    assert x.shape == (20, 4, len(v2)) and y.shape == (20, 4)
    np.testing.assert_array_equal(x[1:].argmax(-1), y[:-1])  # y is x shifted by one
    wv = D.Vocab.build(["the film was good", "the film was bad"], level="word")
    assert wv.itos[:2] == ["<pad>", "<unk>"] and wv.encode("the cat")[1] == 1
    xb = D.encode_batch(["the film was good", "bad"], wv)
    assert xb.shape == (4, 2, len(wv))
    assert xb[:3, 1].sum() == 0 and xb[3, 1].argmax() == wv.stoi["bad"]  # left-padded
    with pytest.raises(ValueError, match="name"):
        D.load_text("hamlet")


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="T"):
        D.adding_problem(3, 1)
    with pytest.raises(ValueError, match="n"):
        D.temporal_order(0)
    with pytest.raises(ValueError, match="motif"):
        D.dna_motifs(4, motif="XYZ")
