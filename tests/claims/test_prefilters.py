"""Patterns that start with a lookahead of their first characters find what they would without it."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.dategrammar import TRIGGER
from claims.extract import _VALUE_HINT
from claims.quantities import _QUICK_CHECK

_FIRST_CHARACTERS = re.compile(r"^\(\?=\[[^\]]*\]\)")
_PIECES = st.sampled_from(["2027", "Year", "YEAR", "decade", "Months", "one", "Twenty", "an hour", "A week", "a day",
                           "half", "dozen", "spring", "x", " ", "-", "\u0663", "\u00a0", "Ten", "eleven", "q"])


@pytest.mark.parametrize("pattern", [TRIGGER, _VALUE_HINT, _QUICK_CHECK], ids=["date-trigger", "value-hint", "quantity-check"])
@given(text=st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=20).map("".join))
def test_first_character_lookahead_changes_no_match(pattern: re.Pattern[str], text: str) -> None:
    assert _FIRST_CHARACTERS.match(pattern.pattern)
    plain = re.compile(_FIRST_CHARACTERS.sub("", pattern.pattern), pattern.flags)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
