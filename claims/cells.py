"""Normalisers for single table cells: codes, numbers (thousands separators, currency, percent), refs.

Each returns a typed value or `None` when the cell states nothing of that type; none raises.
"""
from __future__ import annotations

import re

from claims.values import QuantityValue, RefValue

CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW"}
MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6,
               "bn": 1e9, "b": 1e9, "billion": 1e9, "crore": 1e7, "lakh": 1e5}

_SYMBOLS = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
_NUMBER = re.compile(
    r"^(?P<sign>[-−+])?\s*(?P<pre>" + _SYMBOLS + r"|[A-Z]{3}(?=[\s\d]))?\s*(?P<sign2>[-−])?\s*"
    r"(?P<num>\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?:(?P<mult>" + "|".join(sorted(MULTIPLIERS, key=len, reverse=True)) + r")(?![a-z]))?\.?\s*"
    r"(?P<post>%|" + _SYMBOLS + r"|[A-Za-z][A-Za-z/²³]*)?$", re.I)
_CODE_NOISE = re.compile(r"[\s\-.]+")


def normalise_code(text: str) -> RefValue | None:
    """A code as a RefValue whose id is upper-case with spaces, hyphens and dots removed.

    Used for the `text` field type: gate numbers, flight numbers, identifiers. `" c-12 "` → `C12`.
    """
    code = _CODE_NOISE.sub("", text).upper()
    return RefValue(id=code, text=text.strip()) if code else None


def normalise_number(text: str, *, unit: str) -> QuantityValue | None:
    """A number in `unit`, reading thousands separators, a currency and a percent sign.

    `"$1,234.50"` in USD → 1234.5; `"12.5%"` in `%` → 12.5 and in `1` → 0.125; `"€3.4m"` in EUR →
    3,400,000. A currency or unit other than `unit` gives None (no conversion is guessed).
    """
    match = _NUMBER.match(text.strip())
    if match is None:
        return None
    mult, post = match["mult"], match["post"]
    if mult and not post and mult.casefold() == unit.casefold():
        mult, post = None, mult  # "30 m" in metres: the letter is the unit, not "million"
    value = float(re.sub(r"[,\u00a0\u202f ]", "", match["num"])) * MULTIPLIERS.get((mult or "").lower(), 1)
    if (match["sign"] or match["sign2"]) in ("-", "−"):
        value = -value
    marks = [m for m in (match["pre"], post) if m]
    for mark in marks:
        value_in_unit = _in_unit(value, mark, unit)
        if value_in_unit is None:
            return None
        value = value_in_unit
    return QuantityValue(value=value, unit=unit, text=text.strip())


def _in_unit(value: float, mark: str, unit: str) -> float | None:
    """`value` read with `mark` (a currency, `%` or a unit word) expressed in `unit`, or None."""
    if mark == "%":
        return value if unit == "%" else value / 100 if unit == "1" else None
    code = CURRENCY_SYMBOLS.get(mark, mark.upper() if len(mark) == 3 else mark)
    return value if code.casefold() == unit.casefold() else None


def normalise_ref(text: str, *, aliases: dict[str, str]) -> RefValue | None:
    """The catalogue id whose id or alias (case-insensitive) is the cell, or None."""
    ref_id = aliases.get(text.strip().casefold())
    return RefValue(id=ref_id, text=text.strip()) if ref_id else None
