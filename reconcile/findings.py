"""Reconciliation: the claims about each (entity, field), grouped by distinct value, with a status.

Grouping is columnar (`reconcile.grouping`: numpy over factorised keys), so a million claims
take well under a second; the decisions (`compare_group`) then look at each finding's distinct
values, never at every pair. `reconcile_claims` takes claims (a `ClaimStore` gives its columns
without decoding its claims); `reconcile_frame` takes the same data as columns,
for callers that already hold them in a table.

Status (CONTRACT.md section 3): `conflict` when some pair of distinct values conflicts (even
within one source); else `refinement` when there is more than one distinct value; else
`agreement` when the one value comes from two or more sources; else `single-source`. Distinct
means a distinct `value_key` (surface text and EDTF ignored). Claims for fields the pack does
not define, or whose value type does not fit the field, are skipped.

Drift: a date conflict drifts when some conflicting pair (va, vb) has a source sa stating va and
a source sb stating vb, both with known publication dates, such that sa was published wholly
before sb (`published[sa].end < published[sb].start`), va ends before vb starts, and va was
still ahead when sa wrote it (va does not end before sa's publication starts): the newer source
names the later date of a plan, a schedule slip rather than necessarily an error. A date that
was already past when stated ("the dialogue was held in March 2025", written in August) cannot
slip, so it does not drift. Other types never drift. Without publication dates nothing drifts.
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any


from claims import Claim, ClaimStore, DateValue, DomainPack, QuantityValue
from sources import Published

from reconcile.compare import compare_group, date_bounds, one_day_apart
from reconcile.grouping import Distinct, group_columns
from reconcile.models import Finding, Relation, Status, ValueGroup

if TYPE_CHECKING:  # pandas is imported by whoever holds a DataFrame; the claims path never needs it
    import pandas as pd

FRAME_COLUMNS = ("claim_id", "source_id", "entity", "field", "key", "value", "evidence_start")
ONE_DAY_HINT = "dates one day apart: time zones may explain it"
# The value type a field of each pack type holds; a "text" field (codes, gates) holds refs with free ids.
_VALUE_TYPE = {"date": "date", "datetime": "date", "quantity": "quantity", "ref": "ref", "text": "ref"}
_set_slot = object.__setattr__  # what pydantic's model_construct sets a frozen model's slots with
# A string as `json.dumps(..., ensure_ascii=False)` writes it, alone or inside a larger document.
_json_string = json.encoder.encode_basestring


def finding_id(entity: str, field: str, value_keys: Iterable[str]) -> str:
    """A stable id: the content id of the entity, the field and the sorted set of distinct value keys.

    The same string as `claims.content_id({"entity": entity, "field": field, "values": sorted(set(value_keys))})`
    (a test holds it to that: users keep these ids in reviews.yaml), with the canonical JSON, keys
    sorted and no spaces, written out directly rather than by walking a dict: 10⁴ findings make 10⁴ ids.
    """
    values = ",".join(map(_json_string, sorted(set(value_keys))))
    blob = f'{{"entity":{_json_string(entity)},"field":{_json_string(field)},"values":[{values}]}}'
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def reconcile_claims(claims: Iterable[Claim], pack: DomainPack, *,
                     published: Mapping[str, Published | None] | None = None) -> list[Finding]:
    """Findings for every (entity, field), sorted by (entity, field); each finding's values sorted.

    `published` maps source ids to publication dates; it is only needed for `drift`. A
    `ClaimStore` gives its columns without decoding its claims.
    """
    store = claims if isinstance(claims, ClaimStore) else ClaimStore(claims)
    return _reconcile_columns(store.columns(pack.field_by_id), pack, published)


def reconcile_frame(frame: pd.DataFrame, pack: DomainPack, *,
                    published: Mapping[str, Published | None] | None = None) -> list[Finding]:
    """Findings as `reconcile_claims` gives them, from claims held as columns of a table.

    The columns are `FRAME_COLUMNS`: `key` is `value_key(value)`, `value` the typed value
    object, `evidence_start` the character offset of the value. Key columns may be categorical.
    """
    frame = frame[frame["field"].isin(list(pack.field_by_id))]
    return _reconcile_columns({name: frame[name] for name in FRAME_COLUMNS}, pack, published)


def _reconcile_columns(columns: Mapping[str, Any], pack: DomainPack,
                       published: Mapping[str, Published | None] | None) -> list[Finding]:
    dated = _Publications.of(published or {})
    with _collector_paused():
        findings = [finding for (entity, field), distinct in group_columns(columns).items()
                    if (finding := _decide(entity, field, distinct, pack, dated)) is not None]
        findings.sort(key=lambda f: (f.entity, f.field))
    return findings


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: grouping builds no cycles, but its many new lists
    trigger full collections that walk every claim id again (a third of the time at 10⁶ claims)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class _Publications:
    """The sources with a known publication date: the first and the last day that date may denote."""

    first_day: dict[str, dt.date]
    last_day: dict[str, dt.date]

    @classmethod
    def of(cls, published: Mapping[str, Published | None]) -> _Publications:
        dated = {s: p for s, p in published.items() if p is not None}
        return cls({s: p.start for s, p in dated.items()}, {s: p.end for s, p in dated.items()})


def _decide(entity: str, field_id: str, distinct: list[Distinct], pack: DomainPack,
            dated: _Publications) -> Finding | None:
    """The finding for one (entity, field), or None when the field holds no typed values."""
    field = pack.field_by_id.get(field_id)
    value_type = _VALUE_TYPE.get(field.type) if field else None
    distinct = sorted((d for d in distinct if d.value.type == value_type), key=_value_order)
    if field is None or not distinct:
        return None
    values = [d.value for d in distinct]
    relation = compare_group(values, field, pack)
    dates = [v for v in values if isinstance(v, DateValue)] if value_type == "date" else []
    conflict = relation == "conflict"
    return Finding(
        finding_id=finding_id(entity, field_id, (d.key for d in distinct)),
        entity=entity, field=field_id, status=_status(relation, distinct),
        drift=conflict and bool(dates) and _drifted(distinct, dated), values=list(map(_value_group, distinct)),
        hint=ONE_DAY_HINT if conflict and dates and one_day_apart(dates, field) else None,
    )


def _value_group(distinct: Distinct) -> ValueGroup:
    """`ValueGroup.model_construct(value=…, sources=…, claim_ids=…)`, without its lookups of aliases and defaults.

    Values, sources and claim ids were validated on their way in (as claims), so groups are
    assembled unchecked: validating a million claim ids again costs more than grouping them, and
    at 10⁵ groups even `model_construct`'s per-field loop shows. A test holds the two to be equal.
    """
    group = ValueGroup.__new__(ValueGroup)
    _set_slot(group, "__dict__", {"value": distinct.value, "sources": distinct.sources, "claim_ids": distinct.claim_ids})
    _set_slot(group, "__pydantic_fields_set__", {"value", "sources", "claim_ids"})
    _set_slot(group, "__pydantic_extra__", None)
    _set_slot(group, "__pydantic_private__", None)
    return group


def _status(relation: Relation, distinct: Sequence[Distinct]) -> Status:
    if relation == "conflict":
        return "conflict"
    if len(distinct) > 1:
        return "refinement"
    return "agreement" if len(distinct[0].sources) >= 2 else "single-source"


def _value_order(distinct: Distinct) -> tuple[Any, ...]:
    """Dates by (start, end), open ends outermost; quantities by value; references by id; then key."""
    value = distinct.value
    if isinstance(value, DateValue):
        return (date_bounds(value), distinct.key)
    if isinstance(value, QuantityValue):
        return (value.value, distinct.key)
    return (value.id, distinct.key)


def _drifted(distinct: Sequence[Distinct], dated: _Publications) -> bool:
    """Whether an earlier source plans a date that ends before a later source's date starts.

    Sweeps the later values by start, keeping the earliest publication among values that end
    before it: O(n log n) rather than every pair.
    """
    first_day, last_day = dated.first_day, dated.last_day
    earlier: list[tuple[dt.date, dt.date]] = []
    later: list[tuple[dt.date, dt.date]] = []
    for d in distinct:
        known = first_day.keys() & d.sources
        if known and isinstance(d.value, DateValue):
            start, end = date_bounds(d.value)
            latest = max(map(first_day.__getitem__, known))
            # Sources that wrote while the value was still ahead; usually all of them.
            forecasts = known if latest <= end else [s for s in known if first_day[s] <= end]
            if forecasts:
                earlier.append((end, min(map(last_day.__getitem__, forecasts))))
            later.append((start, latest))
    earlier.sort()
    later.sort()
    i, first_publication = 0, dt.date.max
    for start, last_publication in later:
        while i < len(earlier) and earlier[i][0] < start:
            first_publication = min(first_publication, earlier[i][1])
            i += 1
        if first_publication < last_publication:
            return True
    return False
