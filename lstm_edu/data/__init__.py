"""Seeded generators and small shipped datasets for training demos. No network access.

Synthetic tasks (``lstm_edu.data.synthetic``): ``adding_problem``, ``temporal_order``,
``recall_marked``, ``dna_motifs``, ``tone_sequences``, ``sensor_series``, ``sliding_windows``.
Forecasting (``lstm_edu.data.sales``): ``monthly_sales``, ``train_test_split``,
``Standardizer``, ``supervised_windows``, ``forecast``.
Text (``lstm_edu.data.text``): ``load_sentiment``, ``load_text``, ``Vocab``, ``one_hot``,
``encode_batch``, ``char_batches``.
The original papers' tasks, exactly as defined there, with their "solved" criteria
(``lstm_edu.data.paper_tasks``: Hochreiter & Schmidhuber 1997, Experiments 4, 5, 6a/6b;
``lstm_edu.data.reber``: the embedded Reber grammar, Experiment 1, and Gers et al. 2000's
continual stream): ``adding_problem_1997``, ``multiplication_problem_1997``,
``temporal_order_1997``, ``embedded_reber``, ``continual_embedded_reber`` and the criteria
``solved_*``; ``PAPER_RESULTS`` holds the papers' reported numbers.
Translation-like task (``lstm_edu.data.dates``): ``make_dates`` (dates in 15 English and Chinese
formats to ISO ``YYYY-MM-DD``, disjoint splits), ``DateSet``, ``DateSplits``, ``format_date``.
Precomputed results: ``load_result(name)`` reads ``results/<name>.json``.
Real, published data (``lstm_edu.data.real``, shipped in ``real/`` with ``real/sources.json``
giving each one's source, citation and licence): ``load_airline``, ``load_shampoo_sales``,
``load_japanese_vowels``, ``load_italy_power_demand``, ``real_data_sources``.

Layout: inputs ``x (T, N, I)`` (time first), targets ``y (N,)`` or ``(T, N)``.
"""

import json
from importlib import resources

from lstm_edu.data.dates import DateSet, DateSplits, format_date, make_dates
from lstm_edu.data.paper_tasks import (
    PAPER_RESULTS,
    adding_problem_1997,
    correct_adding_1997,
    correct_temporal_order_1997,
    multiplication_problem_1997,
    solved_adding_1997,
    solved_multiplication_1997,
    solved_temporal_order_1997,
    temporal_order_1997,
)
from lstm_edu.data.real import (
    load_airline,
    load_italy_power_demand,
    load_japanese_vowels,
    load_shampoo_sales,
    real_data_sources,
)
from lstm_edu.data.reber import (
    ReberBatch,
    ReberStream,
    classify_cerg_2000,
    continual_embedded_reber,
    embedded_reber,
    embedded_reber_train_test,
    reber_predictions_correct,
    solved_continual_reber,
    solved_reber_1997,
)
from lstm_edu.data.sales import (
    SalesSeries,
    Standardizer,
    forecast,
    monthly_sales,
    supervised_windows,
    train_test_split,
)
from lstm_edu.data.synthetic import (
    ADDING_CONSTANT_GUESS_MSE,
    TEMPORAL_ORDER_SYMBOLS,
    TONE_WORDS,
    SensorSeries,
    adding_problem,
    dna_motifs,
    recall_marked,
    sensor_series,
    sliding_windows,
    temporal_order,
    tone_sequences,
)
from lstm_edu.data.text import (
    Vocab,
    char_batches,
    encode_batch,
    load_sentiment,
    load_text,
    make_sentiment_corpus,
    one_hot,
)


def load_result(name: str) -> dict:
    """A precomputed result shipped in ``lstm_edu/data/results/<name>.json``."""
    f = resources.files("lstm_edu.data").joinpath("results", f"{name}.json")
    if not f.is_file():
        raise FileNotFoundError(f"no precomputed result {name!r} (benchmarks/README.md says "
                                "which script writes it)")
    return json.loads(f.read_text(encoding="utf-8"))


__all__ = [
    "ADDING_CONSTANT_GUESS_MSE", "TEMPORAL_ORDER_SYMBOLS", "TONE_WORDS", "SalesSeries",
    "SensorSeries", "Standardizer", "Vocab", "adding_problem", "char_batches", "dna_motifs",
    "encode_batch", "forecast", "load_result", "load_sentiment", "load_text",
    "make_sentiment_corpus", "monthly_sales", "one_hot", "recall_marked", "sensor_series",
    "sliding_windows", "supervised_windows", "temporal_order", "tone_sequences",
    "train_test_split", "PAPER_RESULTS", "adding_problem_1997", "correct_adding_1997",
    "correct_temporal_order_1997", "multiplication_problem_1997", "solved_adding_1997",
    "solved_multiplication_1997", "solved_temporal_order_1997", "temporal_order_1997",
    "ReberBatch", "ReberStream", "classify_cerg_2000", "continual_embedded_reber",
    "embedded_reber", "embedded_reber_train_test", "reber_predictions_correct",
    "solved_continual_reber", "solved_reber_1997", "DateSet", "DateSplits", "format_date",
    "make_dates", "load_airline", "load_shampoo_sales", "load_japanese_vowels",
    "load_italy_power_demand", "real_data_sources",
]
