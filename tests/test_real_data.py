"""The shipped real datasets: shapes, ranges, the facts their publications state, offline."""

import socket

import numpy as np
import pytest

from lstm_edu import data
from lstm_edu.data import real


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a loader tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_airline_is_box_jenkins_series_g(no_network):
    y, months = data.load_airline(return_months=True)
    assert y.shape == (144,) and y.dtype == np.float64
    assert months[0] == "1949-01" and months[-1] == "1960-12" and len(set(months)) == 144
    # Series G as printed: Jan 1949 112, Dec 1949 118, Jul 1960 622 (the peak), Dec 1960 432
    assert (y[0], y[11], y[-6], y[-1]) == (112, 118, 622, 432) and y.max() == 622
    assert y.min() == 104                           # November 1949
    assert np.all(y == np.round(y))                 # counts, in thousands
    annual = y.reshape(12, 12).sum(1)
    assert np.all(np.diff(annual) > 0)              # every year above the last


def test_shampoo_sales_three_years(no_network):
    y, months = data.load_shampoo_sales(return_months=True)
    assert y.shape == (36,) and months[0] == "1991-01" and months[-1] == "1993-12"
    assert y[0] == pytest.approx(266.0) and y[1] == pytest.approx(145.9)
    assert 100 < y.min() and y.max() < 700
    assert y[-12:].sum() > y[:12].sum()             # the series' upward trend


def test_japanese_vowels_published_split(no_network):
    s = data.load_japanese_vowels()
    assert len(s.x_train) == 270 and len(s.x_test) == 370        # UCI: 270 / 370
    assert all(a.ndim == 2 and a.shape[1] == 12 and a.dtype == np.float64
               for a in s.x_train + s.x_test)
    lengths = [len(a) for a in s.x_train + s.x_test]
    assert min(lengths) == 7 and max(lengths) == 29               # "7-29 frames"
    assert np.bincount(s.y_train).tolist() == [30] * 9            # 30 per speaker
    assert np.bincount(s.y_test).tolist() == [31, 35, 88, 44, 29, 24, 40, 50, 29]  # UCI
    assert s.y_train.dtype == np.int64 and set(s.y_train) == set(range(9))
    first = s.x_train[0]                          # the source file's first frame
    np.testing.assert_array_equal(first[0, :3], [1.860936, -0.207383, 0.261557])
    allx = np.concatenate(s.x_train + s.x_test)
    assert np.isfinite(allx).all() and np.abs(allx).max() < 3


def test_italy_power_demand_published_split(no_network):
    s = data.load_italy_power_demand()
    assert s.x_train.shape == (67, 24) and s.x_test.shape == (1029, 24)   # UCR: 67 / 1029
    assert set(s.y_train) == set(s.y_test) == {0, 1}
    assert np.bincount(s.y_train).tolist() == [34, 33]
    # every day z-normalized, as all UCR series: mean 0, (sample) standard deviation 1
    for x in (s.x_train, s.x_test):
        np.testing.assert_allclose(x.mean(1), 0, atol=1e-6)
        np.testing.assert_allclose(x.std(1, ddof=1), 1, atol=1e-6)


def test_italy_power_demand_reproduces_the_archives_published_errors(no_network):
    """The UCR archive's DataSummary.csv (typed into sources.json from the archive, not
    computed): 1-NN Euclidean 0.0447 and full-window DTW 0.0496 on the published split."""
    from lstm_edu.training.apps import dtw_distances, nearest_neighbour

    s = data.load_italy_power_demand()
    published = data.real_data_sources()["italy_power_demand"]["published"]["error_rate"]
    assert published == {"1-NN Euclidean": 0.0447, "1-NN DTW, learned window (0)": 0.0447,
                         "1-NN DTW, full window": 0.0496}
    euclid = ((s.x_test[:, None, :] - s.x_train[None]) ** 2).sum(-1)
    dtw = dtw_distances([d[:, None] for d in s.x_test], [d[:, None] for d in s.x_train])
    for key, dist in (("1-NN Euclidean", euclid), ("1-NN DTW, full window", dtw)):
        error = np.mean(nearest_neighbour(dist, s.y_train) != s.y_test)
        assert round(float(error), 4) == published[key], key


def test_every_dataset_has_source_citation_and_licence(no_network):
    src = data.real_data_sources()
    assert set(src) == {"airline", "shampoo_sales", "japanese_vowels", "italy_power_demand"}
    for name, d in src.items():
        for key in ("title", "file", "source", "citation", "licence", "obtained_from"):
            assert d.get(key), (name, key)
        assert real._file(d["file"]).is_file()
    assert src["japanese_vowels"]["licence"] == "CC BY 4.0"


def test_shipped_files_stay_small():
    from importlib import resources

    folder = resources.files("lstm_edu.data.real")
    total = sum(len(f.read_bytes()) for f in folder.iterdir() if f.is_file())
    assert total < 3_000_000                        # the budget for all of them


def test_loaders_return_fresh_arrays():
    a = data.load_airline()
    a[0] = -1
    assert data.load_airline()[0] == 112
