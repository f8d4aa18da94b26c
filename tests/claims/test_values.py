"""Claim ids and value keys: the fast paths give the bytes the generic canonical JSON gives.

Claim and finding ids are persisted by users (reviews.yaml), so these are pinned against
`json.dumps` itself, on arbitrary strings: quotes, backslashes, control characters, non-ASCII.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from claims import DateValue, Evidence, QuantityValue, RefValue, content_id, make_claim, value_key
from claims.values import claim_id, keyed_claim

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_OFFSET = st.integers(min_value=0, max_value=10**12)


def _generic_id(payload: Any, length: int = 16) -> str:
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:length]


@given(_TEXT, _TEXT, _TEXT, _TEXT, _OFFSET, _OFFSET)
def test_claim_id_is_the_content_id_of_its_row(source_id: str, entity: str, field: str, key: str,
                                                start: int, end: int) -> None:
    row = [source_id, entity, field, key, start, end]
    assert claim_id(source_id, entity, field, key, start, end) == content_id(row) == _generic_id(row)


def test_claim_id_of_other_types_goes_through_the_encoder() -> None:
    assert claim_id("s", "e", "f", "k", True, 3) == _generic_id(["s", "e", "f", "k", True, 3])  # type: ignore[arg-type]


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                    max_leaves=12),
       st.integers(min_value=1, max_value=64))
def test_content_id_is_the_hash_of_json_dumps(payload: Any, length: int) -> None:
    assert content_id(payload, length=length) == _generic_id(payload, length)


_VALUES = [
    DateValue(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), text="2025", edtf="2025"),
    DateValue(start=None, end=dt.date(2028, 12, 31), text="by 2028", qualifier="by", edtf="../2028"),
    DateValue(start=None, end=None, text="next year", unanchored=True),
    DateValue(start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 1), text="1 May 2025 09:30", minute=570, tz="+05:30"),
    QuantityValue(value=349.2661249, unit="kg", text="770 lb"),
    QuantityValue(value=9.0, unit="m", text="about 8-10 m", qualifier="approx", low=8.0, high=10.0),
    RefValue(id="h3", text="H-3 \"rocket\" \u00e9"),
]


def _generic_key(value: DateValue | QuantityValue | RefValue) -> str:
    data = value.model_dump(mode="json", exclude_none=True, exclude={"text", "edtf", "tz"})
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def test_value_key_is_sorted_compact_json_without_surface_text() -> None:
    for value in _VALUES:
        assert value_key(value) == _generic_key(value)


_DAYS = st.none() | st.dates()
_NUMBERS = st.floats() | st.integers(min_value=-(10**20), max_value=10**20).map(float)
_DATE_VALUES = st.builds(
    DateValue, start=_DAYS, end=_DAYS, text=_TEXT, edtf=st.none() | _TEXT, tz=st.none() | _TEXT,
    qualifier=st.sampled_from([None, "by", "approx", "planned", "expected", "no-earlier-than", "no-later-than"]),
    unanchored=st.sampled_from([None, True, False]), minute=st.none() | st.integers(-10**6, 10**6))
_QUANTITY_VALUES = st.builds(
    QuantityValue, value=_NUMBERS, unit=_TEXT, text=_TEXT, qualifier=st.sampled_from([None, "approx"]),
    low=st.none() | _NUMBERS, high=st.none() | _NUMBERS)
_REF_VALUES = st.builds(RefValue, id=_TEXT, text=_TEXT)


@given(st.one_of(_DATE_VALUES, _QUANTITY_VALUES, _REF_VALUES))
def test_value_key_written_directly_is_the_generic_canonical_json(value: DateValue | QuantityValue | RefValue) -> None:
    assert value_key(value) == _generic_key(value)


def test_keyed_claim_is_the_claim_make_claim_gives() -> None:
    evidence = Evidence(quote="LUPEX launches in 2025.", start=18, end=22, line=1)
    for value in _VALUES:
        parts: dict[str, Any] = {"source_id": "a1", "entity": "lupex", "field": "launch_date", "value": value,
                                 "evidence": evidence, "rule": "launch_date.year.v1"}
        made = make_claim(**parts)
        assert keyed_claim(value_key(value), **parts).model_dump_json() == made.model_dump_json()
        assert made.claim_id == _generic_id(["a1", "lupex", "launch_date", value_key(value), 18, 22])
