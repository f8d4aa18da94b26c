"""Date-times as tables print them: `12/1/2011 2:07PM EST`, `12/1/11 2:06 PM (-05:00)`, `2:07 PMDec 01`.

A date-time becomes a one-day `DateValue` with `minute` (minutes past midnight on the local wall
clock). A zone suffix is kept in `tz` for information only: the minutes are never shifted, because
tables state local times (an airport's own zone), so wall-clock minutes compare as they are.
Status words around the value ("Delayed", "(Estimated)", "*") are ignored. A cell with no time or no
usable date gives `None`; a missing year is taken from `reference` (the year nearest to it).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from claims.values import DateValue

MONTHS = {name: i for i, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
# Meridiem spellings after a time; noon and midnight fix the hour themselves.
MERIDIEM = {"a": "am", "am": "am", "a.m.": "am", "p": "pm", "pm": "pm", "p.m.": "pm",
            "noon": "noon", "midnight": "midnight"}

_MON = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TIME = re.compile(r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?\s*"
                   r"(?P<ap>a\.m\.|p\.m\.|am|pm|noon|midnight|a|p)?", re.I)
_ZONE = re.compile(r"\((?P<off>[+-]\d{2}:\d{2})\)|\b(?P<abbr>[A-Z]{1,3}[SD]T|UTC|GMT|Z)\b")
# Date shapes, each giving some of year/month/day; tried on the text with the time removed.
_DATES = [
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d/])(?P<mo>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])"),
    re.compile(r"(?<![\d-])(?P<mo>\d{1,2})-(?P<d>\d{1,2})-(?P<y>\d{2})(?![\d-])"),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})-" + _MON + r"-(?P<y>\d{4})", re.I),
    re.compile(r"\b" + _MON + r"\s*(?P<d>\d{1,2})(?!\d)(?:,\s*(?P<y>\d{4}))?", re.I),
    re.compile(r"(?<![\d/])(?P<mo>\d{1,2})/(?P<d>\d{1,2})(?![\d/])"),
]


def normalise_datetime(text: str, *, reference: dt.date | None = None) -> DateValue | None:
    """The date-time in `text` as a one-day DateValue with `minute`, or None when it has none.

    >>> normalise_datetime("12/1/11 2:06 PM (-05:00)").minute
    846
    >>> normalise_datetime("2:07 PMDec 01", reference=dt.date(2011, 12, 1)).start
    datetime.date(2011, 12, 1)
    """
    return _normalise_cached(text.strip(), reference)


@lru_cache(maxsize=65536)
def _normalise_cached(text: str, reference: dt.date | None) -> DateValue | None:
    match = _TIME.search(text)
    if match is None:
        return None
    minute = _minute_of(match)
    if minute is None:
        return None
    rest = text[: match.start()] + " " + text[match.end():]
    day = _date_in(rest, reference)
    if day is None:
        return None
    return DateValue(start=day, end=day, text=text, minute=minute, tz=_zone_in(rest))


def normalise_date_cell(text: str, *, reference: dt.date | None = None) -> DateValue | None:
    """A one-day DateValue for a cell that states a calendar day (any time in it is dropped)."""
    match = _TIME.search(text)
    rest = text if match is None else text[: match.start()] + " " + text[match.end():]
    day = _date_in(rest, reference)
    return None if day is None else DateValue(start=day, end=day, text=text.strip())


def _minute_of(match: re.Match[str]) -> int | None:
    """Minutes past midnight for a matched time, or None when the clock reading is impossible."""
    hour, minute = int(match["h"]), int(match["m"])
    meridiem = MERIDIEM.get((match["ap"] or "").lower())
    if minute > 59 or hour > 23 or (meridiem and not 1 <= hour <= 12):
        return None
    if meridiem == "pm" and hour != 12:
        hour += 12
    elif meridiem in ("am", "midnight") and hour == 12:
        hour = 0
    return hour * 60 + minute


def _date_in(text: str, reference: dt.date | None) -> dt.date | None:
    """The calendar day a cell names.

    A cell may print two dates (`2011-12-01 11/30 5:20 PM`): the last one, next to the time, gives
    month and day; a year comes from whichever date prints one, else from `reference`.
    """
    parts = sorted((_parts(m) for pattern in _DATES for m in pattern.finditer(text)), key=lambda p: p[3])
    if not parts:
        return None
    year, month, day, _ = parts[-1]
    year = year or next((p[0] for p in reversed(parts) if p[0]), None)
    if year is None:
        return _nearest_year(month, day, reference)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _parts(match: re.Match[str]) -> tuple[int | None, int, int, int]:
    """(year or None, month, day, position) of a matched date shape."""
    groups = match.groupdict()
    month = MONTHS[groups["mon"][:3].lower()] if groups.get("mon") else int(groups["mo"])
    year = int(groups["y"]) if groups.get("y") else None
    if year is not None and year < 100:
        year += 2000
    return (year, month, int(groups["d"]), match.start())


def _nearest_year(month: int, day: int, reference: dt.date | None) -> dt.date | None:
    """The date with this month and day nearest to `reference` (December read in January is last year)."""
    if reference is None:
        return None
    options = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(options, key=lambda d: abs((d - reference).days), default=None)


def _zone_in(text: str) -> str | None:
    """The zone suffix as printed (`EST`, `-05:00`), or None."""
    match = _ZONE.search(text)
    if match is None:
        return None
    return match["off"] or match["abbr"]
