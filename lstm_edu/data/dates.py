"""Dates written the way people write them -> ISO 8601 ``YYYY-MM-DD``: a small translation task.

What it covers: a seeded generator of (source, target) string pairs such as
``"tuesday, march 3 1987" -> "1987-03-03"`` in fifteen English and Chinese formats (``FORMATS``),
fixed train / validation / test splits that share no date, character vocabularies in the token
convention of ``lstm_edu.seq2seq`` (PAD = 0; BOS = 1, EOS = 2 in the target vocabulary) and
encode / decode helpers, and ``make_date_lists``: *lists* of several dates joined by
``" and "`` (the target: their ISO forms one after another, 10 characters each), the long
inputs of the chapter's length experiment. Everything is generated locally; nothing is
downloaded.
Not covered: parsing free text, two-digit years, time zones.

Shapes (N examples; S, U the longest source / target in the batch)::

    src (S, N) int64   source characters, right-padded with PAD          (``encode_sources``)
    tgt (U, N) int64   the 10 ISO characters, then EOS (U = 11), no BOS  (``encode_targets``)

The slash and dot formats are kept apart on purpose: ``"03/04/1987"`` is month/day (US) and
``"03.04.1987"`` day.month (European), so the separator decides: a model must read it.
Weekday names are the true weekday of the date, so they carry no free information.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lstm_edu._validation import check_size
from lstm_edu.data.text import Vocab
from lstm_edu.seq2seq.batch import BOS, EOS, PAD

__all__ = ["FORMATS", "DateSet", "DateSplits", "make_dates", "make_date_lists", "format_date",
           "source_vocab", "target_vocab", "encode_sources", "encode_targets", "decode_target",
           "LIST_SEPARATOR"]

LIST_SEPARATOR = " and "

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ZH_DIGITS = "〇一二三四五六七八九"
ZH_WEEKDAYS = "一二三四五六日"                      # 星期一 (Monday) ... 星期日 (Sunday)
FIRST, LAST = dt.date(1900, 1, 1), dt.date(2099, 12, 31)


def _ordinal(n):
    """1 -> '1st', 2 -> '2nd', 3 -> '3rd', 11 -> '11th', 22 -> '22nd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _zh_number(n):
    """1..31 in Chinese numerals: 3 -> 三, 10 -> 十, 12 -> 十二, 20 -> 二十, 31 -> 三十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else ZH_DIGITS[tens] + "十")
    return head + (ZH_DIGITS[ones] if ones else "")


def _month(d):
    return MONTHS[d.month - 1]


def _weekday(d):
    return WEEKDAYS[d.weekday()]


FORMATS = {  # name -> function(date) -> text; names show 3 March 1987 (a Tuesday)
    "3 March 1987": lambda d: f"{d.day} {_month(d).title()} {d.year}",
    "3 Mar 1987": lambda d: f"{d.day} {_month(d)[:3].title()} {d.year}",
    "Mar 3, 1987": lambda d: f"{_month(d)[:3].title()} {d.day}, {d.year}",
    "March 3, 1987": lambda d: f"{_month(d).title()} {d.day}, {d.year}",
    "March 3rd, 1987": lambda d: f"{_month(d).title()} {_ordinal(d.day)}, {d.year}",
    "the 3rd of march 1987": lambda d: f"the {_ordinal(d.day)} of {_month(d)} {d.year}",
    "tuesday, march 3 1987": lambda d: f"{_weekday(d)}, {_month(d)} {d.day} {d.year}",
    "Tuesday, 3 March 1987": lambda d: f"{_weekday(d).title()}, {d.day} {_month(d).title()} "
                                       f"{d.year}",
    "03-MAR-1987": lambda d: f"{d.day:02d}-{_month(d)[:3].upper()}-{d.year}",
    "03/03/1987 (month first)": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "03.03.1987 (day first)": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "1987年3月3日": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "1987年03月03日": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    "1987年3月3日星期二": lambda d: f"{d.year}年{d.month}月{d.day}日星期{ZH_WEEKDAYS[d.weekday()]}",
    "一九八七年三月三日": lambda d: "".join(ZH_DIGITS[int(k)] for k in str(d.year))
                                   + f"年{_zh_number(d.month)}月{_zh_number(d.day)}日",
}


def format_date(date, fmt):
    """``date`` (a ``datetime.date``) written in the format named ``fmt`` (a key of FORMATS)."""
    if not isinstance(date, dt.date):
        raise TypeError(f"date: expected a datetime.date, got {type(date).__name__}")
    if fmt not in FORMATS:
        raise ValueError(f"fmt: expected one of {list(FORMATS)}, got {fmt!r}")
    return FORMATS[fmt](date)


@lru_cache(maxsize=None)
def source_vocab():
    """Characters of every format: id 0 is ``"<pad>"``, the rest sorted (a char ``Vocab``)."""
    days = [FIRST + dt.timedelta(days=k) for k in range(366 * 2)]   # every month, day, weekday
    chars = {ch for d in days for f in FORMATS.values() for ch in f(d)}
    chars |= set("0123456789" + ZH_DIGITS)
    return Vocab(["<pad>", *sorted(chars)], level="char")


@lru_cache(maxsize=None)
def target_vocab():
    """``"<pad>"``, ``"<bos>"``, ``"<eos>"`` at ids PAD, BOS, EOS, then ``0-9`` and ``-``."""
    specials = {PAD: "<pad>", BOS: "<bos>", EOS: "<eos>"}
    return Vocab([specials[k] for k in range(3)] + list("0123456789-"), level="char")


def _pad_columns(seqs):
    """Lists of ids -> (L, N) int64, right-padded with PAD."""
    out = np.full((max(len(s) for s in seqs), len(seqs)), PAD, dtype=np.int64)
    for b, s in enumerate(seqs):
        out[:len(s), b] = s
    return out


def encode_sources(texts):
    """Source strings -> src (S, N) int64 (S = the longest), right-padded with PAD."""
    if isinstance(texts, str) or not texts:
        raise ValueError(f"texts: expected a non-empty list of strings, got {texts!r}")
    return _pad_columns([source_vocab().encode(t) for t in texts])


def encode_targets(texts):
    """ISO strings -> tgt (U, N) int64: the characters, then EOS, then PAD (no BOS)."""
    if isinstance(texts, str) or not texts:
        raise ValueError(f"texts: expected a non-empty list of strings, got {texts!r}")
    return _pad_columns([target_vocab().encode(t) + [EOS] for t in texts])


def decode_target(ids):
    """Target ids (one sequence) -> string: stops at EOS, skips PAD and BOS."""
    vocab, chars = target_vocab(), []
    for k in ids:
        if int(k) == EOS:
            break
        if int(k) not in (PAD, BOS):
            chars.append(vocab.itos[int(k)])
    return "".join(chars)


@dataclass(frozen=True)
class DateSet:
    """One split: parallel lists ``sources``, ``targets`` (ISO), ``formats`` (FORMATS keys)."""

    sources: list
    targets: list
    formats: list

    def __len__(self):
        return len(self.sources)

    def arrays(self):
        """``(src (S, N), tgt (U, N))``: the batch form ``Seq2Seq.loss`` takes."""
        return encode_sources(self.sources), encode_targets(self.targets)


@dataclass(frozen=True)
class DateSplits:
    train: DateSet
    val: DateSet
    test: DateSet


def _split(dates, rng):
    """Each date in one format; the formats balanced (each used N/F times, rounded)."""
    names = list(FORMATS)
    fmt_ids = rng.permutation(np.arange(len(dates)) % len(names))
    formats = [names[k] for k in fmt_ids]
    return DateSet([FORMATS[f](d) for d, f in zip(dates, formats, strict=True)],
                   [d.isoformat() for d in dates], formats)


def make_dates(n_train=20000, n_val=1000, n_test=1000, seed=0, first=FIRST, last=LAST):
    """Train / validation / test splits of distinct dates in [first, last], seeded.

    The ``n_train + n_val + n_test`` dates are drawn without replacement, so no date is in two
    splits; each is written in one format, the formats balanced within each split.
    """
    sizes = [check_size(n, name) for n, name in
             ((n_train, "n_train"), (n_val, "n_val"), (n_test, "n_test"))]
    if not (isinstance(first, dt.date) and isinstance(last, dt.date) and first <= last):
        raise ValueError(f"first, last: expected two datetime.date with first <= last, "
                         f"got {first!r}, {last!r}")
    n_days = (last - first).days + 1
    if sum(sizes) > n_days:
        raise ValueError(f"n_train + n_val + n_test: expected at most {n_days} (the days from "
                         f"{first} to {last}), got {sum(sizes)}")
    rng = np.random.default_rng(seed)
    offsets = rng.choice(n_days, size=sum(sizes), replace=False)
    dates = [first + dt.timedelta(days=int(k)) for k in offsets]
    cut = np.cumsum(sizes)
    return DateSplits(_split(dates[:cut[0]], rng), _split(dates[cut[0]:cut[1]], rng),
                      _split(dates[cut[1]:], rng))


def _lists(dates, n_dates, n, rng):
    """n lists of n_dates[0]..n_dates[1] dates drawn from ``dates``, each in a random format."""
    names, sources, targets, formats = list(FORMATS), [], [], []
    for k in rng.integers(n_dates[0], n_dates[1] + 1, n):
        picked = [dates[int(i)] for i in rng.choice(len(dates), size=int(k), replace=False)]
        fmts = [names[int(i)] for i in rng.integers(0, len(names), int(k))]
        sources.append(LIST_SEPARATOR.join(FORMATS[f](d) for d, f in zip(picked, fmts,
                                                                          strict=True)))
        targets.append("".join(d.isoformat() for d in picked))
        formats.append(LIST_SEPARATOR.join(fmts))
    return DateSet(sources, targets, formats)


def make_date_lists(n_train=5000, n_val=200, n_test=500, n_dates=(1, 3), seed=0):
    """Splits of date *lists*: ``"3 March 1987 and 1999年12月1日"`` -> ``"1987-03-031999-12-01"``.

    Each example holds ``n_dates[0]`` to ``n_dates[1]`` distinct dates (uniformly), each in a
    random format, joined by ``LIST_SEPARATOR``; the target is their ISO forms in the same
    order, concatenated (each is exactly 10 characters, so no separator is needed). The dates
    of the three splits come from disjoint pools (60 %, 20 %, 20 % of 1900-2099), so no date
    of a test list was seen in training.
    """
    sizes = [check_size(n, name) for n, name in
             ((n_train, "n_train"), (n_val, "n_val"), (n_test, "n_test"))]
    if (not isinstance(n_dates, tuple) or len(n_dates) != 2
            or not all(isinstance(k, int) for k in n_dates) or not 1 <= n_dates[0] <= n_dates[1]):
        raise ValueError(f"n_dates: expected a pair of ints (low, high) with 1 <= low <= high, "
                         f"got {n_dates!r}")
    rng = np.random.default_rng(seed)
    n_days = (LAST - FIRST).days + 1
    order = rng.permutation(n_days)
    cut = [int(0.6 * n_days), int(0.8 * n_days)]
    pools = [[FIRST + dt.timedelta(days=int(k)) for k in part]
             for part in np.split(order, cut)]
    return DateSplits(*(_lists(pool, n_dates, n, rng)
                        for pool, n in zip(pools, sizes, strict=True)))
