"""lstm_edu.data.dates: splits, targets, formats, vocabularies, determinism.

Sources are parsed back to dates by a parser written here from the format descriptions (regular
expressions, month names, Chinese numerals), independent of the generator's code.
"""

import datetime as dt
import re

import numpy as np
import pytest

from lstm_edu.data import dates as D
from lstm_edu.seq2seq import BOS, EOS, PAD

MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
ZH = {c: k for k, c in enumerate("〇一二三四五六七八九")}


def zh_number(text):
    """Chinese numeral 1..31: 三 3, 十 10, 十二 12, 二十 20, 三十一 31."""
    if "十" not in text:
        return ZH[text]
    tens, _, ones = text.partition("十")
    return (ZH[tens] if tens else 1) * 10 + (ZH[ones] if ones else 0)


def parse(text):
    """(date, weekday index or None) from any of the generator's formats."""
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:星期([一二三四五六日]))?", text)
    if m:
        weekday = None if m[4] is None else "一二三四五六日".index(m[4])
        return dt.date(int(m[1]), int(m[2]), int(m[3])), weekday
    m = re.fullmatch(r"([〇一二三四五六七八九]{4})年(\S+)月(\S+)日", text)
    if m:
        year = int("".join(str(ZH[c]) for c in m[1]))
        return dt.date(year, zh_number(m[2]), zh_number(m[3])), None
    m = re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", text)
    if m:
        return dt.date(int(m[3]), int(m[1]), int(m[2])), None
    m = re.fullmatch(r"(\d\d)\.(\d\d)\.(\d{4})", text)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1])), None
    words = re.findall(r"[a-z]+|\d+", text.lower())
    weekday = next((DAYS.index(w) for w in words if w in DAYS), None)
    month = [MONTHS.index(w[:3]) + 1 for w in words if w[:3] in MONTHS and w not in DAYS]
    numbers = [int(w) for w in words if w.isdigit()]
    year = [n for n in numbers if n >= 1000]
    day = [n for n in numbers if n < 1000]
    assert len(month) == len(year) == len(day) == 1, text
    suffix = re.search(r"\d(st|nd|rd|th)\b", text)
    if suffix:
        expected = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
        assert suffix[1] == expected.get(day[0], "th"), text
    return dt.date(year[0], month[0], day[0]), weekday


@pytest.fixture(scope="module")
def splits():
    return D.make_dates(n_train=3000, n_val=500, n_test=500, seed=0)


def test_examples_written_by_hand():
    d = dt.date(1987, 3, 3)
    assert D.format_date(d, "tuesday, march 3 1987") == "tuesday, march 3 1987"
    assert D.format_date(dt.date(2023, 12, 21), "一九八七年三月三日") == "二〇二三年十二月二十一日"
    assert D.format_date(dt.date(2010, 10, 10), "一九八七年三月三日") == "二〇一〇年十月十日"
    assert D.format_date(dt.date(2000, 1, 11), "March 3rd, 1987") == "January 11th, 2000"
    assert D.format_date(dt.date(1999, 8, 22), "the 3rd of march 1987") == (
        "the 22nd of august 1999")
    assert D.format_date(dt.date(1987, 4, 3), "03/03/1987 (month first)") == "04/03/1987"
    assert D.format_date(dt.date(1987, 4, 3), "03.03.1987 (day first)") == "03.04.1987"
    assert D.format_date(dt.date(2024, 2, 29), "1987年3月3日星期二") == "2024年2月29日星期四"
    for name in D.FORMATS:                              # each name is its own 3 March 1987
        assert D.format_date(d, name) == name.split(" (")[0]


def test_splits_are_disjoint_and_sized(splits):
    parts = (splits.train, splits.val, splits.test)
    assert [len(p) for p in parts] == [3000, 500, 500]
    targets = [set(p.targets) for p in parts]
    assert all(len(t) == len(p) for t, p in zip(targets, parts, strict=True))  # distinct dates
    assert not (targets[0] & targets[1] or targets[0] & targets[2] or targets[1] & targets[2])


def test_every_target_is_the_source_date(splits):
    for part in (splits.train, splits.val, splits.test):
        for source, target, fmt in zip(part.sources, part.targets, part.formats, strict=True):
            date, weekday = parse(source)
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", target)
            assert dt.date.fromisoformat(target) == date, source
            assert weekday is None or weekday == date.weekday(), source
            assert D.FIRST <= date <= D.LAST
            assert source == D.format_date(date, fmt)


def test_all_formats_appear_balanced_and_lengths_vary(splits):
    for part in (splits.train, splits.val, splits.test):
        counts = np.array([part.formats.count(f) for f in D.FORMATS])
        assert counts.sum() == len(part) and counts.max() - counts.min() <= 1
    lengths = [len(s) for s in splits.train.sources]
    assert min(lengths) <= 10 and max(lengths) >= 25 and len(set(lengths)) >= 15


def test_deterministic_by_seed():
    a, b = D.make_dates(200, 50, 50, seed=3), D.make_dates(200, 50, 50, seed=3)
    c = D.make_dates(200, 50, 50, seed=4)
    assert a == b and a.train.sources != c.train.sources


def test_vocabularies_and_encoding(splits):
    sv, tv = D.source_vocab(), D.target_vocab()
    assert sv.itos[PAD] == "<pad>" and [tv.itos[k] for k in (PAD, BOS, EOS)] == [
        "<pad>", "<bos>", "<eos>"]
    assert sorted(tv.itos[3:]) == sorted("0123456789-")
    src, tgt = splits.test.arrays()
    assert src.dtype == tgt.dtype == np.int64
    assert src.shape == (max(len(s) for s in splits.test.sources), 500)
    assert tgt.shape == (11, 500) and np.all(tgt[10] == EOS) and not np.any(tgt == BOS)
    for b in (0, 1, 499):
        n = len(splits.test.sources[b])
        assert sv.decode(src[:n, b]) == splits.test.sources[b] and np.all(src[n:, b] == PAD)
        assert D.decode_target(tgt[:, b]) == splits.test.targets[b]
    assert D.decode_target([BOS, 4, 5, PAD, EOS, 6]) == "12"


def test_bad_input():
    with pytest.raises(ValueError, match="n_train \\+ n_val \\+ n_test: expected at most 31"):
        D.make_dates(20, 10, 10, first=dt.date(2000, 1, 1), last=dt.date(2000, 1, 31))
    with pytest.raises(ValueError, match="n_val"):
        D.make_dates(10, 0, 10)
    with pytest.raises(ValueError, match="fmt: expected one of"):
        D.format_date(dt.date(2000, 1, 1), "1/1/00")
    with pytest.raises(TypeError, match="date: expected a datetime.date"):
        D.format_date("2000-01-01", "3 March 1987")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        D.encode_sources(["Q1 2000"])


def test_date_lists():
    sp = D.make_date_lists(300, 20, 100, n_dates=(1, 3), seed=4)
    assert (len(sp.train), len(sp.val), len(sp.test)) == (300, 20, 100)
    pools = []
    for part in (sp.train, sp.val, sp.test):
        dates = set()
        for src, tgt in zip(part.sources, part.targets, strict=True):
            pieces = src.split(D.LIST_SEPARATOR)
            assert 1 <= len(pieces) <= 3 and len(tgt) == 10 * len(pieces)
            for k, piece in enumerate(pieces):
                date, weekday = parse(piece)
                assert date.isoformat() == tgt[10 * k:10 * k + 10]
                assert weekday is None or weekday == date.weekday()
                dates.add(date)
        pools.append(dates)
    assert not (pools[0] & pools[2]) and not (pools[0] & pools[1]) and not (pools[1] & pools[2])
    counts = np.bincount([len(s.split(D.LIST_SEPARATOR)) for s in sp.train.sources])
    assert counts[1:].min() > 60                                 # 1, 2 and 3 dates all common
    src, tgt = sp.test.arrays()
    assert tgt.shape[0] == 31 and src.max() < len(D.source_vocab())
    with pytest.raises(ValueError, match="n_dates: expected a pair"):
        D.make_date_lists(10, 10, 10, n_dates=(0, 2))
