"""The grammar of English date expressions: word tables and the regular expressions built from them.

Everything here is compiled once, at import. Every quantifier is bounded (`\\s{1,3}`, fixed
alternations) and no quantifier is nested inside another unbounded one, so a search runs in
time linear in the text: each start position is tried against a bounded set of bounded
alternatives. `claims.dates` turns a match into a typed `DateValue`.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# --- word tables -----------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tues", "tue", "wed", "thurs", "thur", "thu", "fri", "sat", "sun",
)
# Season -> (first month, ISO 8601-2 / EDTF season code); each season covers three months.
SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 21), "summer": (6, 22), "autumn": (9, 23), "fall": (9, 23), "winter": (12, 24),
}
# Part of a year -> (first month, last month, EDTF quadrimester code).
YEAR_PARTS: dict[str, tuple[int, int, int]] = {
    "early": (1, 4, 37), "mid": (5, 8, 38), "late": (9, 12, 39),
}
# Part of a decade -> (first year offset, last year offset).
DECADE_PARTS: dict[str, tuple[int, int]] = {"early": (0, 3), "mid": (3, 6), "late": (7, 9)}
HALVES: dict[str, int] = {"first": 1, "1st": 1, "second": 2, "2nd": 2}
QUARTERS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "final": 4, "last": 4,
}
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}
# Prefix words -> what they do to the interval they qualify (see claims.dates.QUALIFIER_EFFECTS).
QUALIFIER_WORDS: dict[str, str] = {
    "by": "by",
    "around": "approx", "about": "approx", "circa": "approx", "c.": "approx", "ca.": "approx",
    "approximately": "approx", "roughly": "approx",
    "no earlier than": "not-before", "not earlier than": "not-before", "not before": "not-before",
    "net": "not-before",
    "after": "after",
    "no later than": "not-after", "not later than": "not-after", "nlt": "not-after",
    "before": "before", "prior to": "before",
}
# Words after a number that make it a measurement, not a year ("2025 km", "2100 metres").
UNIT_WORDS: tuple[str, ...] = (
    "km", "kilometres", "kilometers", "kilometre", "kilometer", "m", "metres", "meters", "metre",
    "meter", "cm", "mm", "nm", "kg", "kilograms", "kilogram", "g", "grams", "t", "tonnes", "tonne",
    "tons", "ton", "lb", "lbs", "pounds", "ft", "feet", "foot", "miles", "mile", "mi", "mph",
    "km/h", "kph", "hours", "hour", "hrs", "days", "day", "weeks", "months", "years", "decades",
    "minutes", "min", "seconds", "sec", "kw", "mw", "gw", "w", "hz", "mhz", "ghz", "v", "kv",
    "percent", "per cent", "crore", "lakh", "million", "billion", "trillion", "usd", "inr",
    "yen", "dollars", "rupees", "people", "units", "satellites", "%",
)


# --- building blocks -------------------------------------------------------------------------

def _capitalised(word: str) -> str:
    """`march` -> `[Mm]arch`: a word at the start of a sentence or inside one."""
    return f"[{word[0].upper()}{word[0]}]{re.escape(word[1:])}"


def _proper(words: list[str]) -> str:
    """Title-case and upper-case spellings of proper nouns, longest first."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(f"{w.title()}|{w.upper()}" for w in ordered)


def _either_case(words: list[str]) -> str:
    """Lower-case or capitalised spellings, longest first."""
    return "|".join(_capitalised(w) for w in sorted(words, key=len, reverse=True))


def _phrase(phrase: str) -> str:
    """A multi-word phrase with bounded runs of space between its words."""
    first, *rest = phrase.split(" ")
    return r"\s{1,3}".join([_capitalised(first), *map(re.escape, rest)])


S = r"\s{1,3}"
HYPHEN = r"[-\u2010\u2011\u2012\u2013\u2014]"
DASH = rf"\s?{HYPHEN}\s?"
YEAR = r"(?:19|20|21)\d\d(?!\d)"
YY = r"\d\d(?!\d)"
MONTH = rf"(?:{_proper(list(MONTHS))})(?![A-Za-z])\.?"
WEEKDAY = rf"(?:(?:{_proper(list(WEEKDAYS))})(?![A-Za-z])\.?,?{S})?"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\dA-Za-z])"
THE = rf"(?:[Tt]he{S})?"
COUNT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
PART = _either_case(list(YEAR_PARTS))
SEASON = _either_case(list(SEASONS))
DAY_SEP = rf"(?:{DASH}|{S}(?:to|until|till|through|and){S})"
RANGE_FROM = rf"(?:(?:[Ff]rom|[Bb]etween){S})?"
QUALIFIER = "|".join(
    "NET" if w == "net" else "NLT" if w == "nlt" else _phrase(w)
    for w in sorted(QUALIFIER_WORDS, key=len, reverse=True)
)
UNITS = "|".join(
    rf"(?i:{re.escape(u).replace(chr(92) + ' ', S)})"
    for u in sorted(UNIT_WORDS, key=len, reverse=True)
)

# --- reading the words of a match ----------------------------------------------------------

def month_number(word: str | None) -> int:
    """The month number of a month name or abbreviation (`Sept.` -> 9)."""
    return MONTHS[(word or "").rstrip(".").lower()]


def number_in(text: str | None) -> int:
    """The leading number of a day or year group (`1st` -> 1)."""
    digits = "".join(ch for ch in text or "" if ch.isdigit())
    return int(digits)


def full_year(text: str | None, *, after: int | None = None) -> int:
    """A four-digit year; a two-digit one is read after `after` (`2027-28`) or in 1970..2069."""
    number = number_in(text)
    if len(text or "") == 4:
        return number
    if after is None:
        return number + (1900 if number >= 70 else 2000)
    year = after // 100 * 100 + number
    return year if year > after else year + 100


# --- the forms, most specific first (the first alternative that matches at a position wins) ---

FORMS: tuple[tuple[str, str], ...] = (
    ("rel_offset", rf"(?P<w>[Ii]n|[Ww]ithin){S}(?P<n>\d{{1,2}}|{COUNT}){S}years?(?:['\u2019]s?{S}time)?"),
    ("rel_decade", rf"(?:(?P<p>[Ll]ater|[Ee]arlier|{PART})(?:{S}|-))?(?P<w>[Tt]his|[Nn]ext){S}decade"),
    ("rel_year", rf"(?:(?P<p>[Ll]ater|[Ee]arlier|{PART})(?:{S}|-))?(?P<w>[Tt]his|[Nn]ext|[Ll]ast){S}year"),
    ("rel_month", rf"(?:(?P<p>[Ll]ater|[Ee]arlier){S})?(?P<w>[Tt]his|[Nn]ext|[Ll]ast){S}month"),
    ("day_range_md", rf"{RANGE_FROM}{WEEKDAY}(?P<m1>{MONTH}){S}(?P<d1>{DAY}){DAY_SEP}"
                     rf"(?:(?P<m2>{MONTH}){S})?(?P<d2>{DAY})(?:,?{S}(?P<y>{YEAR}))?"),
    ("day_range_dm", rf"{RANGE_FROM}(?P<d1>{DAY})(?:{S}(?:of{S})?(?P<m1>{MONTH}))?{DAY_SEP}"
                     rf"(?P<d2>{DAY}){S}(?:of{S})?(?P<m2>{MONTH})(?:,?{S}(?P<y>{YEAR}))?"),
    ("year_between", rf"[Bb]etween{S}(?P<y1>{YEAR}){S}and{S}(?P<y2>{YEAR})"),
    ("iso_date", rf"(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"),
    ("day_mdy", rf"{WEEKDAY}(?P<m>{MONTH}){S}(?P<d>{DAY}),?{S}(?P<y>{YEAR})"),
    ("day_dmy", rf"{WEEKDAY}{THE}(?P<d>{DAY}){S}(?:of{S})?(?P<m>{MONTH}),?{S}(?P<y>{YEAR})"),
    ("month_year", rf"(?P<m>{MONTH}),?{S}(?:of{S})?(?P<y>{YEAR})"),
    ("month_day", rf"{WEEKDAY}(?P<m>{MONTH}){S}(?P<d>{DAY})"),
    ("day_month", rf"{WEEKDAY}{THE}(?P<d>{DAY}){S}(?:of{S})?(?P<m>{MONTH})"),
    ("season", rf"{THE}(?P<s>{SEASON})(?:{S}of)?{S}(?P<y>{YEAR})"),
    ("half_words", rf"{THE}(?P<h>{_either_case(list(HALVES))}){S}half{S}of{S}(?P<y>{YEAR})"),
    ("half_code", rf"H(?P<h>[12])(?:{S}|-)(?P<y>{YEAR})"),
    ("quarter_words", rf"{THE}(?P<q>{_either_case(list(QUARTERS))}){S}quarter{S}(?:of{S})?(?P<y>{YEAR})"),
    ("quarter_code", rf"Q(?P<q>[1-4])(?:{S}|-)(?P<y>{YEAR})"),
    ("fiscal", rf"(?:FY\s{{0,2}}['\u2019]?|[Ff]iscal(?:{S}[Yy]ear)?{S})(?P<y1>{YEAR}|{YY})"
               rf"(?:[-/\u2013](?P<y2>{YEAR}|{YY}))?"),
    ("decade", rf"{THE}(?:(?P<p>{PART})(?:{S}|{DASH}))?(?P<d>(?:19|20|21)\d)0['\u2019]?s"),
    ("part_year", rf"(?P<p>{PART})(?:{S}|{DASH})(?P<y>{YEAR})"),
    ("year_range", rf"(?:[Ff]rom{S})?(?P<y1>{YEAR})"
                   rf"(?:(?P<sep>{DASH}|\s?/\s?)|{S}(?:to|until|till|through){S})(?P<y2>{YEAR}|{YY})"),
    ("year", rf"(?P<y>{YEAR})"),
)

# Not inside a token ("H3-24L", "$2025", "v2025", "0.2025", "555-2025"), and a number does not
# directly follow another number and a space (phone- or ISBN-like runs of digit groups).
_START_GUARD = (
    r"(?<![\w$\u20ac\u00a3\u00a5\u20b9#@/\\+.\-\u2010\u2011])(?<!\d[,:])"
    r"(?:(?=\d)(?<!\d\s)|(?!\d))"
)
# Not followed by more of a token, a decimal or clock part, a dash and a digit, another digit
# group, or a unit of measure ("2025 km", "2025%").
_END_GUARD = rf"(?![\w%]|[.,:/]\d|{HYPHEN}\d|\s\d|\s{{0,2}}(?:{UNITS})(?![\w/]))"

_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _anonymous(pattern: str) -> str:
    """The pattern with its named groups made non-capturing, to nest it in the master pattern."""
    return _NAMED_GROUP.sub("(?:", pattern)


MASTER = re.compile(
    _START_GUARD
    + rf"(?:(?P<qual>{QUALIFIER}){S}(?=[\w]))?(?:"
    + "|".join(f"(?P<{name}>{_anonymous(pattern)})" for name, pattern in FORMS)
    + ")"
    + _END_GUARD
)
FORM_PATTERNS: dict[str, re.Pattern[str]] = {name: re.compile(pattern) for name, pattern in FORMS}

# Every date expression holds a digit or one of the words below (its first "trigger"), no further
# than LOOKBACK characters from its start, and starts with a digit, one of STARTER_WORDS (in lower
# case or capitalised, as `_capitalised` spells them in FORMS), a month or weekday name (as
# `_proper` spells them) or a code (H1, Q3, FY, NET, NLT). Trying the master pattern only there
# skips most of the text, and most capitalised words: names are not dates.
# (The lookahead names every first character: a position that holds none fails at once.)
TRIGGER = re.compile(r"(?=[\dYyDdMm])(?:\d+|[Yy]ear|YEAR|[Dd]ecade|DECADE|[Mm]onth|MONTH)")
LOOKBACK = 96
STARTER_WORDS: frozenset[str] = frozenset(
    {phrase.split(" ")[0].rstrip(".") for phrase in QUALIFIER_WORDS}
    | set(SEASONS) | set(YEAR_PARTS) | set(HALVES) | set(QUARTERS)
    | {"in", "within", "later", "earlier", "this", "next", "last", "from", "between", "the", "fiscal"}
)
_STARTERS = "|".join(sorted(STARTER_WORDS | {w.capitalize() for w in STARTER_WORDS}, key=len, reverse=True))
STARTS = re.compile(
    _START_GUARD + rf"(?=[0-9]|(?:{_STARTERS})(?!\w)|(?:{_proper([*MONTHS, *WEEKDAYS])})(?![A-Za-z])"
                   r"|H[12]|Q[1-4]|FY|NET|NLT)"
)


def scan(text: str, read: Callable[[re.Match[str]], T | None]) -> list[tuple[re.Match[str], T]]:
    """The leftmost non-overlapping matches that `read` accepts, with what it read.

    The same as repeating `MASTER.search` from the end of each accepted match (or one character
    after a rejected one), but the master pattern is tried only at plausible starts near a trigger.
    """
    found: list[tuple[re.Match[str], T]] = []
    pos = 0  # every start before `pos` has been tried or lies inside an accepted match
    for trigger in TRIGGER.finditer(text):
        at = trigger.start()
        if at < pos:
            continue
        for start in STARTS.finditer(text, max(pos, at - LOOKBACK), at + 1):
            match = MASTER.match(text, start.start()) if start.start() >= pos else None
            value = None if match is None else read(match)
            if match is not None and value is not None:
                found.append((match, value))
                pos = match.end()
        pos = max(pos, at + 1)
    return found
