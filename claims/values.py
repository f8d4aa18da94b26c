"""Typed values, evidence and claims: the JSON shapes of CONTRACT.md sections 2 and 4."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DateQualifier = Literal["by", "approx", "planned", "expected", "no-earlier-than", "no-later-than"]
QuantityQualifier = Literal["approx"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
# The encoders `json.dumps` would build on every call with these options, built once.
_KEY_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_ID_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


class DateValue(BaseModel):
    """An inclusive interval of days; `None` at an end means open on that side."""

    model_config = _FROZEN
    type: Literal["date"] = "date"
    start: dt.date | None
    end: dt.date | None
    text: str
    qualifier: DateQualifier | None = None
    edtf: str | None = None
    unanchored: bool | None = None
    # Minutes past midnight for date-time values (structured input); additive to the contract.
    minute: int | None = None
    tz: str | None = None


class QuantityValue(BaseModel):
    """A quantity in its field's canonical unit; a range carries `low` and `high`."""

    model_config = _FROZEN
    type: Literal["quantity"] = "quantity"
    value: float
    unit: str
    text: str
    qualifier: QuantityQualifier | None = None
    low: float | None = None
    high: float | None = None


class RefValue(BaseModel):
    """An id from one of the domain pack's catalogues."""

    model_config = _FROZEN
    type: Literal["ref"] = "ref"
    id: str
    text: str


TypedValue = Annotated[DateValue | QuantityValue | RefValue, Field(discriminator="type")]


class Evidence(BaseModel):
    """Where a claim is stated: the sentence, the value's character span, and its 1-based line."""

    model_config = _FROZEN
    quote: str
    start: int
    end: int
    line: int


class Claim(BaseModel):
    """One `(source, entity, field, value)` with its evidence and the rule that found it."""

    model_config = _FROZEN
    claim_id: str
    source_id: str
    entity: str
    field: str
    value: TypedValue
    evidence: Evidence
    rule: str


def value_key(value: DateValue | QuantityValue | RefValue) -> str:
    """The canonical JSON of a value without its surface text (nor a time's zone label, which
    only restates the place's own zone): equal keys mean equal values.

    >>> value_key(RefValue(id="h3", text="H-3")) == value_key(RefValue(id="h3", text="H3"))
    True
    """
    flat = _flat_key(value)
    if flat is not None:
        return flat
    return _KEY_ENCODER.encode(value.model_dump(mode="json", exclude_none=True, exclude=set(KEY_EXCLUDED)))


def _flat_key(value: BaseModel) -> str | None:
    """`value_key` written directly: a value is a flat record, and its canonical JSON is its fields
    in sorted order, each as the encoder writes it. None for anything else (a subclass, a float
    that is not finite): that takes the generic path, so the key is the same either way."""
    names = _KEY_FIELDS.get(type(value))
    if names is None:
        return None
    parts = []
    for name in names:
        item = getattr(value, name)
        if item is None:
            continue
        written = _scalar_json(item)
        if written is None:
            return None
        parts.append(f'"{name}":{written}')
    return "{" + ",".join(parts) + "}"


def _scalar_json(item: object) -> str | None:
    """A scalar as `model_dump(mode="json")` and then the encoder (ASCII) write it, or None."""
    if type(item) is str:
        return encode_basestring_ascii(item)
    if type(item) is bool:
        return "true" if item else "false"
    if type(item) is int:
        return repr(item)
    if type(item) is float and math.isfinite(item):
        return repr(item)
    if type(item) is dt.date:
        return f'"{item.isoformat()}"'
    return None


# What a value's key leaves out: its surface forms, not the value itself.
KEY_EXCLUDED = frozenset({"text", "edtf", "tz"})
# Per value type, the fields of its key in the order the canonical JSON has them (sorted).
_KEY_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(sorted(set(cls.model_fields) - KEY_EXCLUDED)) for cls in (DateValue, QuantityValue, RefValue)
}


def content_id(payload: Any, *, length: int = 16) -> str:
    """A short hash of the canonical JSON of `payload` (sorted keys): ids never depend on order or time."""
    return _hash(_ID_ENCODER.encode(payload), length)


def claim_id(source_id: str, entity: str, field: str, key: str, start: int, end: int) -> str:
    """`content_id([source_id, entity, field, key, start, end])`, the id of a claim, written directly.

    A list of four strings and two ints has one canonical JSON: each string as the encoder writes
    it (`encode_basestring` is its own string encoder), each int as its repr. Any other argument
    type goes through the encoder, so the id is the same whatever the caller passes.
    """
    strings = (source_id, entity, field, key)
    if all(type(s) is str for s in strings) and type(start) is int and type(end) is int:
        return _hash(f"[{','.join(map(encode_basestring, strings))},{start!r},{end!r}]", 16)
    return content_id([source_id, entity, field, key, start, end])


def make_claim(
    *, source_id: str, entity: str, field: str,
    value: DateValue | QuantityValue | RefValue, evidence: Evidence, rule: str,
) -> Claim:
    """A claim whose id is a hash of what it says and where it says it."""
    return keyed_claim(value_key(value), source_id=source_id, entity=entity, field=field,
                       value=value, evidence=evidence, rule=rule)


def keyed_claim(
    key: str, *, source_id: str, entity: str, field: str,
    value: DateValue | QuantityValue | RefValue, evidence: Evidence, rule: str,
) -> Claim:
    """`make_claim` for a caller that holds `key == value_key(value)` already (the extractor
    deduplicates by it), so the value is not serialised twice."""
    return Claim(claim_id=claim_id(source_id, entity, field, key, evidence.start, evidence.end),
                 source_id=source_id, entity=entity, field=field, value=value, evidence=evidence, rule=rule)


def _hash(blob: str, length: int) -> str:
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:length]


def value_label(value: DateValue | QuantityValue | RefValue) -> str:
    """A short readable form that tells distinct values apart (used in reviews and reports).

    >>> value_label(DateValue(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), text="2025"))
    '2025-01-01..2025-12-31'
    """
    if isinstance(value, RefValue):
        return value.id
    if isinstance(value, QuantityValue):
        number = f"{value.low:g}..{value.high:g}" if value.low is not None and value.high is not None \
            else f"{value.value:g}"
        return f"{'~' if value.qualifier else ''}{number} {value.unit}"
    if value.unanchored:
        return f"unanchored: {value.text}"
    start = value.start.isoformat() if value.start else ""
    end = value.end.isoformat() if value.end else ""
    label = f"{start}..{end}"
    if value.minute is not None:
        label += f" {value.minute // 60:02d}:{value.minute % 60:02d}"
    return label
