"""Small published datasets shipped with the package: real data, loaded without any network.

What it covers
--------------
==========================  ==============================================================
``load_airline``            Box & Jenkins' airline passengers, monthly 1949-1960: ``(144,)``
``load_shampoo_sales``      shampoo sales, monthly over three years: ``(36,)``
``load_japanese_vowels``    UCI Japanese vowels: 9 speakers, 12 LPC cepstrum coefficients
                            per frame, 7-29 frames; 270 train / 370 test utterances
``load_italy_power_demand`` UCR ItalyPowerDemand: 24 hourly loads per day, 2 classes;
                            67 train / 1029 test days
``real_data_sources``       source, citation and licence of each (``real/sources.json``)
==========================  ==============================================================

The files beside this module (``lstm_edu/data/real/``) were taken, unchanged in value, from
the plain data files of the ``sktime`` 1.2.0 wheel (``sktime/datasets/data/``);
``real/sources.json`` records for each dataset where it comes from, what to cite, its
licence, the SHA-256 of the files it was converted from and how. Splits are the published
ones. Labels are 0-based here (the archives number them from 1: ``label + 1`` is the
archive's class).

What it does not cover: downloading anything, synthetic data (``lstm_edu.data.synthetic``,
``lstm_edu.data.sales``), windows and scaling for forecasting (``lstm_edu.data.sales``),
padding variable-length sequences into a batch (``lstm_edu.training.apps.pad_sequences``).
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from typing import NamedTuple

import numpy as np

__all__ = ["Split", "load_airline", "load_shampoo_sales", "load_japanese_vowels",
           "load_italy_power_demand", "real_data_sources"]


class Split(NamedTuple):
    """A classification dataset with its published train/test split.

    x_train, x_test: a list of ``(T_i, I)`` arrays (variable length) or one ``(N, T)`` array;
    y_train, y_test: ``(N,)`` int64 labels, 0-based.
    """

    x_train: object
    y_train: np.ndarray
    x_test: object
    y_test: np.ndarray


def _file(name: str):
    f = resources.files("lstm_edu.data.real").joinpath(name)
    if not f.is_file():
        raise FileNotFoundError(f"lstm_edu/data/real/{name} is missing from the installed "
                                f"package (reinstall lstm_edu)")
    return f


def _monthly_csv(name: str, return_months: bool):
    rows = list(csv.reader(io.StringIO(_file(name).read_text(encoding="utf-8"))))[1:]
    values = np.array([float(v) for _, v in rows])
    return (values, [m for m, _ in rows]) if return_months else values


def load_airline(return_months: bool = False):
    """Monthly totals of international airline passengers (thousands), January 1949 to
    December 1960: Box & Jenkins' Series G.

    Returns ``(144,)`` float64 (the first value, January 1949, is 112), or with
    ``return_months=True`` also the 144 labels ``"1949-01"``, ..., ``"1960-12"``.
    """
    return _monthly_csv("airline.csv", return_months)


def load_shampoo_sales(return_months: bool = False):
    """Monthly sales of a shampoo over three years (Makridakis, Wheelwright & Hyndman 1998).

    Returns ``(36,)`` float64 (the first month: 266.0), or with ``return_months=True`` also the
    labels ``"1991-01"``, ..., ``"1993-12"`` (sktime's; the source only says years 1 to 3).
    """
    return _monthly_csv("shampoo_sales.csv", return_months)


def load_japanese_vowels() -> Split:
    """UCI Japanese vowels: who said /ae/? Nine male speakers, 640 utterances.

    Each utterance is a ``(T_i, 12)`` float64 array: ``T_i`` frames (7 to 29; 25.6 ms frames
    every 6.4 ms at 10 kHz) of 12 LPC cepstrum coefficients. ``x_train``: a list of 270
    (30 per speaker), ``x_test``: a list of 370 (31, 35, 88, 44, 29, 24, 40, 50 and 29 of
    speakers 1 to 9, recorded on other occasions); ``y_*``: the speaker, 0 to 8.
    """
    with _file("japanese_vowels.npz").open("rb") as fh, np.load(fh) as z:
        out = []
        for split in ("train", "test"):
            frames = z[f"{split}_frames_micro"].astype(np.float64) / 1e6   # exact: 6 decimals
            ends = np.cumsum(z[f"{split}_lengths"].astype(np.int64))
            out += [np.split(frames, ends[:-1]), z[f"{split}_speaker"].astype(np.int64)]
    return Split(*out)


def load_italy_power_demand() -> Split:
    """UCR ItalyPowerDemand: Italy's electrical power demand over one day, 24 hourly values
    (each day z-normalized, as in the archive); the class says which half of the year the day
    is in (the archive's two classes: October-March and April-September, label 0 or 1).

    ``x_train (67, 24)``, ``x_test (1029, 24)`` float64; ``y_*`` int64 in {0, 1}.
    """
    with _file("italy_power_demand.npz").open("rb") as fh, np.load(fh) as z:
        return Split(z["train_x"].astype(np.float64), z["train_label"].astype(np.int64),
                     z["test_x"].astype(np.float64), z["test_label"].astype(np.int64))


def real_data_sources() -> dict:
    """``{dataset name: {"title", "source", "citation", "licence", ...}}`` from
    ``lstm_edu/data/real/sources.json``: what to cite and under which terms each is shipped."""
    return json.loads(_file("sources.json").read_text(encoding="utf-8"))["datasets"]
