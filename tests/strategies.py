"""Hypothesis strategies shared by the tests: publication dates, date expressions, noisy text."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from hypothesis import strategies as st

from sources import Published

Precision = Literal["year", "month", "day"]
PRECISIONS: tuple[Precision, ...] = ("year", "month", "day")
MONTH_SPELLINGS = ("January", "Feb.", "March", "Apr", "May", "June", "Jul.", "August", "Sept",
                   "Sep.", "October", "Nov", "December", "MARCH")
SEASON_WORDS = ("spring", "Summer", "autumn", "fall", "winter")
PREFIX_WORDS = ("", "by ", "By ", "around ", "about ", "circa ", "no earlier than ", "NET ",
                "not before ", "after ", "before ", "no later than ", "not later than ")
RELATIVE_PHRASES = ("later this decade", "this year", "next year", "last year", "in three years",
                    "in 3 years", "within two years", "this decade", "next decade",
                    "later this year", "early next year", "earlier this year", "August 29",
                    "from August 29 to 30", "1 January", "29 February", "last month",
                    "later this month")
# Pieces that look like parts of dates, for text built to trip the grammar up.
NOISE_TOKENS = ("2025", "2025-", "-2025", "20", "25", "1999", "2100", "99", "0", "-", "–", "—",
                " ", "  ", "\n", ",", ".", "/", ":", "the ", "by ", "mid-", "early ", "s",
                "0s", "FY", "Q3 ", "H1 ", "of ", "to ", "and ", "between ", "from ", "spring ",
                "March ", "Tuesday, ", "1st ", "29 ", "km", "$", "%", "year", "decade", "this ",
                "next ", "in ", "three ", "later ", "a ", "month")


def _at_precision(day: dt.date, precision: Precision) -> Published:
    """The publication date `day` cut to `precision` (a year starts on 1 January)."""
    if precision == "year":
        day = dt.date(day.year, 1, 1)
    elif precision == "month":
        day = day.replace(day=1)
    return Published(date=day, precision=precision)


def published() -> st.SearchStrategy[Published]:
    """A publication date between 1950 and 2150 at year, month or day precision."""
    return st.builds(_at_precision,
                     st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)),
                     st.sampled_from(PRECISIONS))


def years() -> st.SearchStrategy[int]:
    """A year the grammar reads (1900-2199)."""
    return st.integers(min_value=1900, max_value=2199)


def absolute_dates() -> st.SearchStrategy[str]:
    """A date expression that needs no anchor, with an optional prefix word."""
    year = years()
    core = st.one_of(
        year.map(str),
        st.tuples(st.sampled_from(MONTH_SPELLINGS), year).map(lambda t: f"{t[0]} {t[1]}"),
        st.tuples(st.sampled_from(MONTH_SPELLINGS), st.integers(1, 28), year).map(
            lambda t: f"{t[0]} {t[1]}, {t[2]}"),
        st.tuples(st.integers(1, 28), st.sampled_from(MONTH_SPELLINGS), year).map(
            lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(st.sampled_from(SEASON_WORDS), year).map(lambda t: f"{t[0]} {t[1]}"),
        st.tuples(st.sampled_from(("early", "mid-", "late")), year).map(
            lambda t: f"{t[0]}{'' if t[0].endswith('-') else ' '}{t[1]}"),
        st.tuples(st.integers(1, 4), year).map(lambda t: f"Q{t[0]} {t[1]}"),
        st.tuples(st.integers(190, 218), st.sampled_from(("the ", "early ", "mid-", "late ", ""))).map(
            lambda t: f"{t[1]}{t[0]}0s"),
        st.tuples(st.integers(1900, 2194), st.integers(1, 5)).map(lambda t: f"{t[0]}–{t[0] + t[1]}"),
        year.map(lambda y: f"FY{y}"),
    )
    return st.tuples(st.sampled_from(PREFIX_WORDS), core).map("".join)


def relative_dates() -> st.SearchStrategy[str]:
    """A date expression that needs the publication date to have an interval."""
    return st.sampled_from(RELATIVE_PHRASES)


def noisy_text() -> st.SearchStrategy[str]:
    """Text stitched from date-like fragments, digits and dashes."""
    return st.lists(st.sampled_from(NOISE_TOKENS), max_size=40).map("".join)


def sentences_with_dates() -> st.SearchStrategy[str]:
    """A sentence of noise and real date expressions."""
    piece = st.one_of(absolute_dates(), relative_dates(), noisy_text(), st.text(max_size=12))
    return st.lists(piece, max_size=8).map(" ".join)
