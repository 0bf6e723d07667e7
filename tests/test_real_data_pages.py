"""The real-data comparisons reach a reader as HTML tables (issue 15), with every row filled.

Reads the built book (``book_html``): chapter 5's airline passengers against the airline model,
chapter 6's Japanese vowels and ItalyPowerDemand against the archives' baselines.
"""

import re

import pytest
from bs4 import BeautifulSoup

NUMBER = re.compile(r"^-?\d+(\.\d+)?( \[-?\d+(\.\d+)?, -?\d+(\.\d+)?\])?$")

TABLES = {
    # page: {first header cell: (row labels that must be there, number of columns)}
    "chapters/05_training.html": {
        "forecast of 1960": (["seasonal naive", "airline model",
                              "LSTM on changes of log (10 seeds)", "LSTM on levels (10 seeds)"], 2),
        "MAE (thousand passengers) [95 % interval over seeds]": (
            ["seasonal naive", "seasonal naive + drift", "airline model",
             "LSTM on changes of log (10 seeds)"], 4),
    },
    "chapters/06_applications.html": {
        "370 test utterances": (["1-NN DTW (deterministic; Wilson interval over utterances)",
                                 "difference, LSTM - DTW (paired)"], 2),
        "1029 test days": (["1-NN Euclidean (Wilson interval over days)",
                            "1-NN DTW, full window (Wilson interval over days)",
                            "difference, LSTM - 1-NN Euclidean (paired)"], 4),
    },
}


def tables_of(html_path):
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    out = {}
    for table in soup.find_all("table"):
        head = [th.get_text(" ", strip=True) for th in table.find_all("th")]
        rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
                for tr in table.find_all("tr") if tr.find_all("td")]
        if head:
            out[head[0]] = (head, rows)
    return out


@pytest.mark.parametrize("page", sorted(TABLES))
def test_real_data_comparisons_are_html_tables(book_html, page):
    found = tables_of(book_html / page)
    for first, (labels, n_cols) in TABLES[page].items():
        assert first in found, f"{page}: no HTML table headed {first!r} (found {sorted(found)})"
        head, rows = found[first]
        assert len(head) == n_cols and all(len(r) == n_cols for r in rows), (page, head, rows)
        by_label = {r[0]: r[1:] for r in rows}
        for label in labels:
            assert label in by_label, (page, first, label, list(by_label))
        for label, cells in by_label.items():
            for cell in cells:
                assert cell == "-" or NUMBER.match(cell), (page, first, label, cell)
