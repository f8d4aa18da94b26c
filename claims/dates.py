"""Date expressions in running text, normalised to inclusive day intervals (CONTRACT.md section 2).

`find_dates` finds every date expression in a text; `normalise_date` reads one. The grammar
(word tables and compiled patterns) lives in `claims.dategrammar`; this module does the
calendar arithmetic with `datetime` and `calendar` only. Relative expressions ("later this
decade", "next year", "August 29" without a year) are resolved against the source's
publication date, and are kept unanchored (no interval) when there is none: never guessed.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from claims.dategrammar import (
    DECADE_PARTS, FORM_PATTERNS, HALVES, MASTER, NUMBER_WORDS, QUALIFIER_WORDS, QUARTERS,
    SEASONS, YEAR_PARTS, full_year, month_number, number_in, scan,
)
from claims.values import DateQualifier, DateValue
from sources import Published

ONE_DAY = dt.timedelta(days=1)
# Longest text normalise_date reads: a date expression is short, and this bounds the work.
MAX_EXPRESSION = 240
# What each kind of prefix word does: (effect on the bounds, qualifier, marks a target).
# "after 2025" starts the day after 2025 ends; "before 2030" ends the day before 2030 starts
# (CONTRACT.md gives these an open interval and no qualifier).
QUALIFIER_EFFECTS: dict[str, tuple[str, DateQualifier | None, bool]] = {
    "by": ("same", "by", True),
    "approx": ("same", "approx", False),
    "not-before": ("from-start", "no-earlier-than", True),
    "after": ("from-day-after", None, True),
    "not-after": ("until-end", "no-later-than", True),
    "before": ("until-day-before", None, True),
}
Bounds = tuple[dt.date | None, dt.date | None]
QUALIFIER_BOUNDS: dict[str, Callable[[dt.date, dt.date], Bounds]] = {
    "same": lambda start, end: (start, end),
    "from-start": lambda start, end: (start, None),
    "from-day-after": lambda start, end: (end + ONE_DAY, None),
    "until-end": lambda start, end: (None, end),
    "until-day-before": lambda start, end: (None, start - ONE_DAY),
}
RELATIVE_OFFSETS: dict[str, int] = {"this": 0, "next": 1, "last": -1}


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date expression found in a text: its span, typed value, rule id and target flag."""

    start: int
    end: int
    value: DateValue
    rule: str
    target: bool


@dataclass(frozen=True, slots=True)
class _Context:
    anchor: Published | None
    fiscal_start_month: int


@dataclass(frozen=True, slots=True)
class _Reading:
    """An interpreted expression before it becomes a DateValue."""

    start: dt.date | None
    end: dt.date | None
    rule: str
    edtf: str | None = None
    unanchored: bool = False
    qualifier: DateQualifier | None = None
    target: bool = False


Groups = Mapping[str, str | None]
Interpreter = Callable[[Groups, _Context], "_Reading | None"]


def find_dates(text: str, *, anchor: Published | None = None,
               fiscal_start_month: int = 4) -> list[DateMatch]:
    """Every date expression in `text`, non-overlapping, longest match first, in text order.

    >>> [m.value.text for m in find_dates("Launch by 2028, not in spring 2027.")]
    ['by 2028', 'spring 2027']
    """
    context = _context(anchor, fiscal_start_month)
    found = scan(text, lambda match: _value_of(match, context))
    return [DateMatch(start=match.start(), end=match.end(), value=value, rule=rule, target=target)
            for match, (value, rule, target) in found]


def normalise_date(text: str, *, anchor: Published | None = None,
                   fiscal_start_month: int = 4) -> DateValue | None:
    """The typed value of one date expression (the whole string, stripped), or None; never raises.

    >>> normalise_date("spring 2027").end
    datetime.date(2027, 5, 31)
    """
    context = _context(anchor, fiscal_start_month)
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_EXPRESSION:
        return None
    match = MASTER.fullmatch(stripped)
    if match is None:
        return None
    reading = _read(match, context)
    return None if reading is None else _date_match(0, len(stripped), stripped, reading).value


def _context(anchor: Published | None, fiscal_start_month: int) -> _Context:
    """The options shared by every interpreter; a fiscal start outside 1..12 is a caller's bug."""
    if not 1 <= fiscal_start_month <= 12:
        raise ValueError(f"fiscal_start_month must be 1..12, got {fiscal_start_month}")
    return _Context(anchor=anchor, fiscal_start_month=fiscal_start_month)


def _read(match: re.Match[str], context: _Context) -> _Reading | None:
    """The reading of a master-pattern match, with its prefix qualifier applied."""
    form = match.lastgroup or ""  # the form's group closes last, after the qualifier's
    return _read_form(form, match.group(form), match.group("qual"), context)


def _read_form(form: str, words: str, qualifier: str | None, context: _Context) -> _Reading | None:
    """The reading of `words` as grammar form `form`, with its prefix qualifier applied."""
    parts = FORM_PATTERNS[form].fullmatch(words)
    if parts is None:  # cannot happen: the master pattern embeds the same form
        return None
    try:
        reading = INTERPRETERS[form](parts.groupdict(), context)
    except (ValueError, OverflowError):  # an anchor near year 1 or 9999 leaves the calendar
        return None
    if reading is None or qualifier is None:
        return reading
    return _qualify(reading, QUALIFIER_WORDS[" ".join(qualifier.lower().split())])


def _value_of(match: re.Match[str], context: _Context) -> tuple[DateValue, str, bool] | None:
    """The value, rule id and target flag of a master-pattern match."""
    form = match.lastgroup or ""
    if form not in ANCHORED_FORMS:  # the publication date cannot change the reading: share it
        context = _Context(anchor=None, fiscal_start_month=context.fiscal_start_month)
    return _read_cached(form, match.group(form), match.group("qual"), match.group(0), context)


# News repeats its date phrasings ("in 2028", "by March 2025") under few publication dates: a
# reading is a pure function of these inputs, so each distinct one is worked out once.
@functools.lru_cache(maxsize=4096)
def _read_cached(form: str, words: str, qualifier: str | None, text: str,
                 context: _Context) -> tuple[DateValue, str, bool] | None:
    """The value, rule id and target flag of a match's form, words and qualifier; `text` is the whole match."""
    reading = _read_form(form, words, qualifier, context)
    if reading is None:
        return None
    match = _date_match(0, len(text), text, reading)
    return match.value, match.rule, match.target


def _qualify(reading: _Reading, kind: str) -> _Reading:
    """The reading as narrowed or opened by a prefix word ("by", "after", "no later than")."""
    effect, qualifier, target = QUALIFIER_EFFECTS[kind]
    if reading.unanchored or reading.start is None or reading.end is None:
        return replace(reading, qualifier=qualifier, target=target)
    start, end = QUALIFIER_BOUNDS[effect](reading.start, reading.end)
    edtf = reading.edtf or _edtf(start, end)
    if effect != "same":
        edtf = _edtf(start, end)
    elif qualifier == "approx" and edtf and "/" not in edtf:
        edtf = f"{edtf}~"
    return replace(reading, start=start, end=end, edtf=edtf, qualifier=qualifier, target=target)


def _date_match(start: int, end: int, text: str, reading: _Reading) -> DateMatch:
    """The public match for a reading found at `text[start:end]`."""
    value = DateValue(
        start=reading.start, end=reading.end, text=text, qualifier=reading.qualifier,
        edtf=None if reading.unanchored else reading.edtf or _edtf(reading.start, reading.end),
        unanchored=True if reading.unanchored else None,
    )
    return DateMatch(start=start, end=end, value=value, rule=reading.rule, target=reading.target)


# --- calendar arithmetic ----------------------------------------------------------------------

def _last_day(year: int, month: int) -> dt.date:
    """The last day of a month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months(year: int, first: int, count: int) -> tuple[dt.date, dt.date]:
    """The interval of `count` months from `first` of `year`, running into later years if needed."""
    last_index = year * 12 + first - 1 + count - 1
    return dt.date(year, first, 1), _last_day(last_index // 12, last_index % 12 + 1)


def _years(first: int, last: int) -> tuple[dt.date, dt.date]:
    """The interval from 1 January of `first` to 31 December of `last`."""
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


def _day(year: int, month: int, day: int) -> dt.date | None:
    """The calendar day, or None when it does not exist (31 April, 29 February 2025)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _edtf_start(day: dt.date) -> str:
    """The shortest EDTF form of an interval's first day (`2026` for 1 January 2026)."""
    if day.day != 1:
        return day.isoformat()
    return f"{day.year:04d}" if day.month == 1 else day.isoformat()[:7]


def _edtf_end(day: dt.date) -> str:
    """The shortest EDTF form of an interval's last day (`2029` for 31 December 2029)."""
    if day != _last_day(day.year, day.month):
        return day.isoformat()
    return f"{day.year:04d}" if day.month == 12 else day.isoformat()[:7]


def _edtf(start: dt.date | None, end: dt.date | None) -> str | None:
    """The EDTF form of an interval at one precision: `2025`, `2025-03`, `2027/2028`, `2026/..`."""
    if start is None or end is None:
        first = ".." if start is None else _edtf_start(start)
        return f"{first}/{'..' if end is None else _edtf_end(end)}"
    if start == end or start.day != 1 or end != _last_day(end.year, end.month):
        first, last = start.isoformat(), end.isoformat()
    elif start.month == 1 and end.month == 12:
        first, last = f"{start.year:04d}", f"{end.year:04d}"
    else:
        first, last = start.isoformat()[:7], end.isoformat()[:7]
    return first if first == last else f"{first}/{last}"


def _span(rule: str, bounds: tuple[dt.date, dt.date] | None, edtf: str | None = None) -> _Reading | None:
    """A closed reading, or None when the bounds are missing or reversed."""
    if bounds is None or bounds[0] > bounds[1]:
        return None
    return _Reading(start=bounds[0], end=bounds[1], rule=rule, edtf=edtf)


def _unanchored(rule: str) -> _Reading:
    """A relative expression in a source with no publication date: kept, never guessed."""
    return _Reading(start=None, end=None, rule=rule, unanchored=True)


# --- interpreters: one per grammar form -------------------------------------------------------

def _year(g: Groups, _: _Context) -> _Reading | None:
    year = number_in(g["y"])
    return _span("date.year.v1", _years(year, year))


def _year_range(g: Groups, _: _Context) -> _Reading | None:
    first = number_in(g["y1"])
    text = g["y2"] or ""
    number = number_in(text)
    # "2025-04" is April 2025, but "2025-26" and "2011-12" are two years: the next year wins.
    if len(text) == 2 and (g.get("sep") or "").strip() in {"-", "/"} and number != (first + 1) % 100:
        if 1 <= number <= 12:
            return _span("date.iso-month.v1", _months(first, number, 1))
        return None
    last = full_year(text, after=first)
    return _span("date.year-range.v1", _years(first, last), f"{first}/{last}")


def _iso_date(g: Groups, _: _Context) -> _Reading | None:
    day = _day(number_in(g["y"]), number_in(g["m"]), number_in(g["d"]))
    return None if day is None else _span("date.iso-date.v1", (day, day))


def _day_mdy(g: Groups, _: _Context) -> _Reading | None:
    day = _day(number_in(g["y"]), month_number(g["m"]), number_in(g["d"]))
    return None if day is None else _span("date.day.v1", (day, day))


def _month_year(g: Groups, _: _Context) -> _Reading | None:
    return _span("date.month-year.v1", _months(number_in(g["y"]), month_number(g["m"]), 1))


def _nearest_year(month: int, day: int, anchor: Published) -> int | None:
    """The year that puts month/day nearest the anchor's middle (within its year if year-precise)."""
    year = anchor.date.year
    candidates = [year] if anchor.precision == "year" else [year - 1, year, year + 1]
    middle = anchor.start + (anchor.end - anchor.start) / 2
    options = [(abs((d - middle).days), d.year) for c in candidates if (d := _day(c, month, day))]
    return min(options)[1] if options else None


def _month_day(g: Groups, context: _Context) -> _Reading | None:
    if context.anchor is None:
        return _unanchored("date.month-day.v1")
    month, number = month_number(g["m"]), number_in(g["d"])
    year = _nearest_year(month, number, context.anchor)
    day = None if year is None else _day(year, month, number)
    return None if day is None else _span("date.month-day.v1", (day, day))


def _day_range(g: Groups, context: _Context) -> _Reading | None:
    m1 = month_number(g["m1"] or g["m2"])
    m2 = month_number(g["m2"] or g["m1"])
    d1, d2 = number_in(g["d1"]), number_in(g["d2"])
    wraps = (m2, d2) < (m1, d1)  # "December 30 to January 2"
    if g["y"] is not None:
        year = number_in(g["y"]) - wraps
        rule = "date.day-range.v1"
    elif context.anchor is None:
        return _unanchored("date.month-day-range.v1")
    else:
        year = _nearest_year(m1, d1, context.anchor) or 0
        rule = "date.month-day-range.v1"
    first, last = _day(year, m1, d1), _day(year + wraps, m2, d2)
    if not year or first is None or last is None or first == last:
        return None
    return _span(rule, (first, last))


def _season(g: Groups, _: _Context) -> _Reading | None:
    year = number_in(g["y"])
    first, code = SEASONS[(g["s"] or "").lower()]
    return _span("date.season.v1", _months(year, first, 3), f"{year}-{code}")


def _part_year(g: Groups, _: _Context) -> _Reading | None:
    year = number_in(g["y"])
    first, last, code = YEAR_PARTS[(g["p"] or "").lower()]
    return _span("date.part-year.v1", _months(year, first, last - first + 1), f"{year}-{code}")


def _half(g: Groups, _: _Context) -> _Reading | None:
    year, half = number_in(g["y"]), HALVES.get((g["h"] or "").lower()) or number_in(g["h"])
    return _span("date.half-year.v1", _months(year, 6 * half - 5, 6), f"{year}-{39 + half}")


def _quarter(g: Groups, _: _Context) -> _Reading | None:
    year, quarter = number_in(g["y"]), QUARTERS.get((g["q"] or "").lower()) or number_in(g["q"])
    return _span("date.quarter.v1", _months(year, 3 * quarter - 2, 3), f"{year}-{32 + quarter}")


def _fiscal(g: Groups, context: _Context) -> _Reading | None:
    first = full_year(g["y1"])
    # "FY2025-26" names one fiscal year by the calendar years it touches.
    if g["y2"] is not None and full_year(g["y2"], after=first - 1) != first + 1:
        return None
    bounds = _months(first, context.fiscal_start_month, 12)
    return _span("date.fiscal-year.v1", bounds)


def _decade(g: Groups, _: _Context) -> _Reading | None:
    decade = number_in(g["d"]) * 10
    part = (g["p"] or "").lower()
    if not part:
        return _span("date.decade.v1", _years(decade, decade + 9), f"{decade // 10}X")
    low, high = DECADE_PARTS[part]
    return _span("date.part-decade.v1", _years(decade + low, decade + high))


def _relative_part(part: str, offset: int, *, within: tuple[dt.date, dt.date],
                   anchor: Published, parts: Mapping[str, tuple[int, int]]) -> tuple[dt.date, dt.date]:
    """The stretch of `within` (a year or decade) that a part word names, relative to the anchor."""
    if part == "later" and offset == 0:
        return max(anchor.start, within[0]), within[1]
    if part == "earlier" and offset == 0:
        return within[0], min(anchor.end, within[1])
    part = {"later": "late", "earlier": "early"}.get(part, part)
    if part not in parts:
        return within
    low, high = parts[part]
    if within[0].year == within[1].year:  # a year: parts are months
        return _months(within[0].year, low, high - low + 1)
    return _years(within[0].year + low, within[0].year + high)


def _relative_year(g: Groups, context: _Context) -> _Reading | None:
    rule = "date.relative-year.v1"
    if context.anchor is None:
        return _unanchored(rule)
    offset = RELATIVE_OFFSETS[(g["w"] or "").lower()]
    year = context.anchor.date.year + offset
    parts = {name: (first, last) for name, (first, last, _) in YEAR_PARTS.items()}
    return _span(rule, _relative_part((g["p"] or "").lower(), offset, within=_years(year, year),
                                      anchor=context.anchor, parts=parts))


def _relative_decade(g: Groups, context: _Context) -> _Reading | None:
    rule = "date.relative-decade.v1"
    if context.anchor is None:
        return _unanchored(rule)
    offset = RELATIVE_OFFSETS[(g["w"] or "").lower()]
    decade = context.anchor.date.year // 10 * 10 + 10 * offset
    bounds = _relative_part((g["p"] or "").lower(), offset, within=_years(decade, decade + 9),
                            anchor=context.anchor, parts=DECADE_PARTS)
    return _span(rule, bounds)


def _relative_month(g: Groups, context: _Context) -> _Reading | None:
    rule = "date.relative-month.v1"
    anchor = context.anchor
    if anchor is None or anchor.precision == "year":  # the month is not known
        return _unanchored(rule)
    offset = RELATIVE_OFFSETS[(g["w"] or "").lower()]
    index = anchor.date.year * 12 + anchor.date.month - 1 + offset
    month = _months(index // 12, index % 12 + 1, 1)
    part = (g["p"] or "").lower()
    if offset == 0 and part == "later":
        month = (anchor.start, month[1])
    elif offset == 0 and part == "earlier":
        month = (month[0], anchor.end)
    return _span(rule, month)


def _relative_offset(g: Groups, context: _Context) -> _Reading | None:
    within = (g["w"] or "").lower() == "within"
    rule = "date.relative-offset.v1"
    reading: _Reading | None
    if context.anchor is None:
        reading = _unanchored(rule)
    else:
        count = NUMBER_WORDS.get((g["n"] or "").lower()) or number_in(g["n"])
        year = context.anchor.date.year + count
        reading = _span(rule, _years(year, year))
    # "within two years" sets a deadline, as "by" does.
    return reading if reading is None or not within else _qualify(reading, "by")


INTERPRETERS: dict[str, Interpreter] = {
    "rel_offset": _relative_offset, "rel_decade": _relative_decade, "rel_year": _relative_year,
    "rel_month": _relative_month,
    "day_range_md": _day_range, "day_range_dm": _day_range, "year_between": _year_range,
    "iso_date": _iso_date, "day_mdy": _day_mdy, "day_dmy": _day_mdy, "month_year": _month_year,
    "month_day": _month_day, "day_month": _month_day, "season": _season,
    "half_words": _half, "half_code": _half, "quarter_words": _quarter, "quarter_code": _quarter,
    "fiscal": _fiscal, "decade": _decade, "part_year": _part_year,
    "year_range": _year_range, "year": _year,
}
# The forms whose interpreters read the publication date (relative and year-less expressions).
ANCHORED_FORMS: frozenset[str] = frozenset({
    "rel_offset", "rel_decade", "rel_year", "rel_month", "day_range_md", "day_range_dm", "month_day", "day_month",
})
