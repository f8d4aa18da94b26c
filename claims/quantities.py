"""Quantities in running text: numbers with their units, normalised to a field's canonical unit.

`find_quantities` scans text with one compiled regular expression (no pint on the hot path);
`QuantityMatch.to` and `normalise_quantity` convert with one factor cached per unit pair: from
`UNIT_FACTORS` (pint's own factors) for the whitelisted and canonical units, from pint otherwise.

Decisions the contract leaves open (each has a test):
- Units come only from the whitelist tables below, never from pint's whole registry: "5 G" is a
  bare 5, not gauss; the "24L" in "H3-24L" is nothing at all, not litres. Abbreviations are
  case-sensitive ("m" is the metre, never the minute; "M" is no unit, it usually means million);
  unit words are case-insensitive.
- "ton"/"tons" is the metric tonne (1000 kg): the Indian, Japanese and European agencies this
  domain reports on all publish metric masses. "short ton" and "long ton" convert as written.
- Approximate (`approx=True`, qualifier "approx"): about, around, nearly, almost, some, roughly,
  approximately, approx., circa, an estimated, close to, "~". "up to", "over" and "more than" are
  bounds, not estimates: they are neither approximate nor part of the span.
- A range needs a unit ("8-10 m", "three to six months", "between 8 and 10 meters"): a unit-less
  "8-10" is as often a score, and "2027-28" a span of years, which `claims.dates` reads instead.
- Number words: one..nineteen, twenty..ninety (with "-five" etc.), hundred, thousand, million,
  billion, lakh, crore, "a dozen", "a"/"an" and "half a" before a unit ("a year", "half an hour").
  A lone "one", "a", "an" or "half a" is never a count: in prose it is a pronoun or an article.
- Proper names are not recognised here: "Thirty Meter Telescope" yields 30 metre. The extractor
  drops values that overlap an entity's name.
- "lunar day" is not a unit: it means 29.5 Earth days (synodic) or the ~14 days of daylight, and
  sources use both. "Earth day(s)" is a day. "decade" is not a unit (pint reads it as logarithmic).
- Numbers glued to letters or to a word-hyphen ("Q3", "FY2025", "PSLV-C60", "Chandrayaan-5"),
  times ("2:07"), dates written with slashes, ordinals ("3rd"), "1980s" and percentages are not
  quantities. A year or a day of the month ("March 3") is a bare number: the extractor decides.
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claims.values import QuantityValue

if TYPE_CHECKING:
    import pint

# Unit abbreviations, matched case-sensitively, mapped to the unit as pint knows it.
UNIT_ABBREVIATIONS: dict[str, str] = {
    "kg": "kilogram", "kgs": "kilogram", "t": "metric_ton", "lb": "pound", "lbs": "pound",
    "m": "metre", "km": "kilometre", "cm": "centimetre", "mm": "millimetre", "ft": "foot",
    "min": "minute", "mins": "minute", "hr": "hour", "hrs": "hour", "yr": "year", "yrs": "year",
}
# Unit words in the singular, matched case-insensitively; plurals are added below.
UNIT_WORDS: dict[str, str] = {
    "kilogram": "kilogram", "kilogramme": "kilogram", "gram": "gram", "gramme": "gram",
    "tonne": "metric_ton", "metric ton": "metric_ton", "ton": "metric_ton",
    "short ton": "short_ton", "long ton": "long_ton", "pound": "pound",
    "metre": "metre", "meter": "metre", "kilometre": "kilometre", "kilometer": "kilometre",
    "centimetre": "centimetre", "centimeter": "centimetre", "millimetre": "millimetre",
    "millimeter": "millimetre", "foot": "foot", "inch": "inch", "mile": "mile",
    "second": "second", "minute": "minute", "hour": "hour", "day": "day", "earth day": "day",
    "week": "week", "fortnight": "fortnight", "month": "month", "year": "year", "century": "century",
}
# Every unit above, and the canonical units packs use, by dimension, with pint's factor to the
# dimension's canonical unit exactly as pint computes it (a test compares each pair with pint, bit
# for bit). Conversions between these need no pint, whose registry takes most of a second to
# build in each process; any other pair of units still asks pint.
CANONICAL_UNITS: dict[str, str] = {"mass": "kg", "length": "m", "time": "d", "count": "1"}
UNIT_FACTORS: dict[str, tuple[str, float]] = {
    "kg": ("mass", 1.0), "kilogram": ("mass", 1.0), "gram": ("mass", 0.001),
    "metric_ton": ("mass", 1000.0), "short_ton": ("mass", 907.1847400000001),
    "long_ton": ("mass", 1016.0469088000001), "pound": ("mass", 0.4535923700000001),
    "m": ("length", 1.0), "metre": ("length", 1.0), "kilometre": ("length", 1000.0),
    "centimetre": ("length", 0.01), "millimetre": ("length", 0.001), "foot": ("length", 0.30479999999999996),
    "inch": ("length", 0.0254), "mile": ("length", 1609.344),
    "d": ("time", 1.0), "day": ("time", 1.0), "second": ("time", 1.1574074074074073e-05),
    "minute": ("time", 0.0006944444444444444), "hour": ("time", 0.041666666666666664),
    "week": ("time", 7.0), "fortnight": ("time", 14.0), "month": ("time", 30.4375),
    "year": ("time", 365.25), "century": ("time", 36525.0),
    "1": ("count", 1.0), "": ("count", 1.0),
}
IRREGULAR_PLURALS: dict[str, str] = {"foot": "feet", "inch": "inches", "century": "centuries"}
SMALL_NUMBER_WORDS: dict[str, int] = {
    word: value for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split())
}
TENS_WORDS: dict[str, int] = {
    word: 10 * value for value, word in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)
}
SCALE_WORDS: dict[str, float] = {
    "hundred": 1e2, "thousand": 1e3, "lakh": 1e5, "million": 1e6, "crore": 1e7, "billion": 1e9,
}
APPROX_WORDS: tuple[str, ...] = (
    "about", "around", "nearly", "almost", "some", "roughly", "approximately", "approx.",
    "circa", "an estimated", "close to",
)
# Words that alone are an article or a pronoun far more often than a count.
NOT_A_COUNT: frozenset[str] = frozenset({"one", "a", "an", "half a", "half an"})
SIGNIFICANT_DIGITS = 12

RULE_NUMBER_UNIT = "quantity.number-unit.v1"
RULE_HYPHEN_ADJECTIVE = "quantity.hyphen-adjective.v1"
RULE_WORDS = "quantity.words.v1"
RULE_RANGE = "quantity.range.v1"
RULE_COUNT = "quantity.count.v1"


def _unit_words_with_plurals() -> dict[str, str]:
    words = dict(UNIT_WORDS)
    for singular, unit in UNIT_WORDS.items():
        words[IRREGULAR_PLURALS.get(singular, singular + "s")] = unit
    return words


_ALL_UNIT_WORDS = _unit_words_with_plurals()


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first, with any space matching any blank."""
    ordered = sorted(words, key=lambda word: (-len(word), word))
    return "|".join(re.escape(word).replace(r"\ ", r"[ \u00a0]") for word in ordered)


def _build_pattern() -> re.Pattern[str]:
    """The one regex: an optional hedge, then a range, a hyphenated adjective, or a number."""
    space = r"[\s\u00a0\u202f]"
    small, tens = _alternation(SMALL_NUMBER_WORDS), _alternation(TENS_WORDS)
    words = (rf"(?:(?:{tens})(?:[-\u2010 ](?:{small}))?|{small}|a{space}dozen|dozen"
             rf"|half{space}an?|an?)")
    scale = rf"(?:{space}(?i:{_alternation(SCALE_WORDS)})(?![\w-]))?"
    digits = r"(?:[0-9]{1,3}(?:,[0-9]{3}){1,5}|[0-9]{1,15})(?:\.[0-9]{1,15})?(?![0-9])"
    lead = r"(?<![\w.,:/])(?<!\w[-\u2010-\u2014])"

    def number(name: str, *, anchored: bool = True) -> str:
        guard = lead if anchored else ""
        return rf"(?P<{name}>(?:{guard}{digits}|(?<![\w-])(?i:{words})(?!\w)){scale})"

    unit_words = _alternation(_ALL_UNIT_WORDS)
    unit_abbreviations = _alternation(UNIT_ABBREVIATIONS)

    def unit(name: str) -> str:
        return rf"(?P<{name}>(?i:{unit_words})|{unit_abbreviations})(?![\w\u00b2\u00b3/])"

    hedge = rf"(?P<approx>(?<![\w-])(?i:{_alternation(APPROX_WORDS)}){space}{{1,3}}|~{space}?)?"
    gap, dash = rf"{space}{{0,3}}", r"[-\u2010-\u2014]"
    range_gap = rf"(?:{gap}{dash}{gap}|{space}{{1,3}}(?i:to){space}{{1,3}})"
    bare_end = rf"(?![\w%\u00b0]|[.,:/][0-9]|{dash}\w)"
    branches = "|".join((
        rf"(?i:between){space}{{1,3}}{number('lo1')}{space}{{1,3}}(?i:and){space}{{1,3}}"
        rf"{number('hi1', anchored=False)}{gap}{unit('u1')}",
        rf"{number('n')}(?:{range_gap}{number('hi2', anchored=False)}{gap}{unit('u2')}"
        rf"|[-\u2010]{unit('uh')}|{gap}{unit('u')}|{bare_end})",
    ))
    first_letters = "".join(sorted({w[0] for w in (*SMALL_NUMBER_WORDS, *TENS_WORDS, *APPROX_WORDS,
                                                    "a", "between", "dozen", "half")}))
    start = rf"(?<!\w)(?=[~0-9{first_letters}{first_letters.upper()}])"
    return re.compile(rf"{start}{hedge}(?:{branches})", re.ASCII)


_PATTERN = _build_pattern()
_QUICK_WORDS = (*SMALL_NUMBER_WORDS, *TENS_WORDS, "dozen", "half")
# A digit, a number word, or "a"/"an" before a unit word. The lookahead names every first
# character the alternatives can start with, so most positions fail at once.
_QUICK_FIRST = "".join(sorted({w[0] for w in _QUICK_WORDS} | {"a"}))
_QUICK_CHECK = re.compile(
    rf"(?=[0-9{_QUICK_FIRST}{_QUICK_FIRST.upper()}])"
    rf"(?:[0-9]|\b(?i:{_alternation(_QUICK_WORDS)}|an?[ \u00a0](?:{_alternation(_ALL_UNIT_WORDS)}))\b)", re.ASCII)
_WORD_SPLIT = re.compile(r"[\s\u00a0\u202f\-\u2010]+")


@dataclass(frozen=True, slots=True)
class QuantityMatch:
    """A number, with its unit if it has one, found at `text[start:end]`."""

    start: int
    end: int
    text: str
    magnitude: float
    low: float | None
    high: float | None
    unit: str
    approx: bool
    rule: str

    def to(self, unit: str) -> QuantityValue | None:
        """This quantity in canonical `unit` ("kg", "d", "m", "1", or any pint unit); None when the dimensions differ.

        >>> find_quantities("a 770 lb rover")[0].to("kg").value
        349.2661249
        """
        factor = _conversion_factor(self.unit, unit)
        if factor is None:
            return None
        low, high = _scaled(self.low, factor), _scaled(self.high, factor)
        value = (low + high) / 2 if low is not None and high is not None else self.magnitude * factor
        return QuantityValue(value=_rounded(value), unit=unit, text=self.text, low=low, high=high,
                             qualifier="approx" if self.approx else None)


def find_quantities(text: str) -> list[QuantityMatch]:
    """Every number with a unit, and every bare number (unit "", for counts), non-overlapping, in text order.

    >>> [(q.text, q.magnitude, q.unit) for q in find_quantities("a 350-kg rover, 500 segments")]
    [('350-kg', 350.0, 'kilogram'), ('500', 500.0, '')]
    """
    if not _QUICK_CHECK.search(text):
        return []
    found: list[QuantityMatch] = []
    position = 0
    while (match := _PATTERN.search(text, position)) is not None:
        quantity = _quantity_from(match)
        if quantity is None:
            position = match.start() + 1  # bounded match length keeps this linear
            continue
        found.append(quantity)
        position = match.end()
    return found


def normalise_quantity(text: str, unit: str) -> QuantityValue | None:
    """The typed value of one quantity expression in canonical `unit`, or None — never raises.

    The first quantity whose unit converts to `unit` wins; for a count (`unit` "1") the first
    bare number is used when no quantity converts.

    >>> normalise_quantity("one lunar day (about 14 Earth days)", "d").value
    14.0
    """
    matches = find_quantities(text)
    for match in matches:
        if match.unit and (value := match.to(unit)) is not None:
            return value
    if unit in ("", "1"):
        bare = [match for match in matches if not match.unit]
        return bare[0].to(unit) if bare else None
    return None


def _quantity_from(match: re.Match[str]) -> QuantityMatch | None:
    """The quantity a regex match describes, or None when the words only look like one."""
    groups = match.groupdict()
    if groups["lo1"] is not None:
        return _range_quantity(match, groups["lo1"], groups["hi1"], groups["u1"])
    if groups["hi2"] is not None:
        return _range_quantity(match, groups["n"], groups["hi2"], groups["u2"])
    unit_text = groups["uh"] or groups["u"]
    magnitude = _number_value(groups["n"])
    unit = _unit_name(unit_text) if unit_text else ""
    if magnitude is None or unit is None or (not unit and _normal_words(groups["n"]) in NOT_A_COUNT):
        return None
    rule = _single_rule(groups["n"], unit, hyphenated=groups["uh"] is not None)
    return _make_match(match, magnitude, None, None, unit, rule)


def _range_quantity(match: re.Match[str], low_text: str, high_text: str,
                    unit_text: str) -> QuantityMatch | None:
    """A range quantity, or None when its ends are unreadable or reversed ("10-8 m")."""
    low, high, unit = _number_value(low_text), _number_value(high_text), _unit_name(unit_text)
    if low is None or high is None or unit is None or low > high:
        return None
    return _make_match(match, (low + high) / 2, low, high, unit, RULE_RANGE)


def _make_match(match: re.Match[str], magnitude: float, low: float | None, high: float | None,
                unit: str, rule: str) -> QuantityMatch:
    return QuantityMatch(start=match.start(), end=match.end(), text=match.group(), magnitude=magnitude,
                         low=low, high=high, unit=unit, approx=match.group("approx") is not None,
                         rule=rule)


def _single_rule(number_text: str, unit: str, *, hyphenated: bool) -> str:
    if hyphenated:
        return RULE_HYPHEN_ADJECTIVE
    if not unit:
        return RULE_COUNT
    return RULE_NUMBER_UNIT if number_text[0].isdigit() else RULE_WORDS


def _normal_words(text: str) -> str:
    return " ".join(_WORD_SPLIT.split(text.lower())).strip()


def _number_value(text: str) -> float | None:
    """The value of "4,517", "1.5 million", "twenty-five", "a dozen" or "half an"; None if unreadable."""
    tokens = _normal_words(text).split()
    if not tokens:
        return None
    value, half = 0.0, False
    if tokens[0][0].isdigit():
        value, tokens = float(tokens[0].replace(",", "")), tokens[1:]
    for token in tokens:
        if token == "half":
            half = True
        elif token in ("a", "an"):
            value = value or 1.0
        elif token == "dozen":
            value = (value or 1.0) * 12
        elif token in SCALE_WORDS:
            value = (value or 1.0) * SCALE_WORDS[token]
        elif token in SMALL_NUMBER_WORDS or token in TENS_WORDS:
            value += SMALL_NUMBER_WORDS.get(token, 0) + TENS_WORDS.get(token, 0)
        else:
            return None
    value = value / 2 if half else value
    return value if math.isfinite(value) else None


def _unit_name(text: str) -> str | None:
    """The pint unit for a whitelisted unit as written, or None."""
    if text in UNIT_ABBREVIATIONS:
        return UNIT_ABBREVIATIONS[text]
    return _ALL_UNIT_WORDS.get(" ".join(text.lower().split()))


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else _rounded(value * factor)


def _rounded(value: float) -> float:
    """`value` to SIGNIFICANT_DIGITS significant digits, which removes float noise (0.35 t -> 350.0 kg)."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


@functools.cache
def _registry() -> pint.UnitRegistry[float]:
    """The one pint registry: building it takes a few tenths of a second, so it is made on first use."""
    import pint

    return pint.UnitRegistry()


@functools.lru_cache(maxsize=1024)
def _conversion_factor(source: str, target: str) -> float | None:
    """How many `target` units one `source` unit is ("" and "1" are a plain count); None if incompatible."""
    if source in UNIT_FACTORS and target in UNIT_FACTORS:
        (dimension, factor), (target_dimension, _) = UNIT_FACTORS[source], UNIT_FACTORS[target]
        if dimension != target_dimension:
            return None
        if target == CANONICAL_UNITS[dimension]:
            return factor
    return _pint_factor(source, target)


def _pint_factor(source: str, target: str) -> float | None:
    """`_conversion_factor` as pint computes it."""
    registry = _registry()
    try:
        source_unit = registry.parse_units(source) if source not in ("", "1") else registry.dimensionless
        target_unit = registry.parse_units(target) if target not in ("", "1") else registry.dimensionless
        return float(registry.Quantity(1.0, source_unit).to(target_unit).magnitude)
    except Exception:  # noqa: BLE001 — pint's unit parser raises many unrelated types on bad strings
        return None
