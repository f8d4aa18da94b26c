"""Reconciliation: the claims about each (entity, field), grouped by distinct value, with a status.

Grouping is columnar (numpy over factorised keys), so a million claims take about a second;
the decisions (`compare_group`) then look at each finding's distinct values, never at every
pair. `reconcile_claims` takes claim models; `reconcile_frame` takes the same data as columns,
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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from claims import Claim, DateValue, DomainPack, QuantityValue, TypedValue, content_id, value_key
from sources import Published

from reconcile.compare import compare_group, date_bounds, one_day_apart
from reconcile.grouping import Distinct, group_columns
from reconcile.models import Finding, Relation, Status, ValueGroup

FRAME_COLUMNS = ("claim_id", "source_id", "entity", "field", "key", "value", "evidence_start")
ONE_DAY_HINT = "dates one day apart: time zones may explain it"
# The value type a field of each pack type holds; a "text" field (codes, gates) holds refs with free ids.
_VALUE_TYPE = {"date": "date", "datetime": "date", "quantity": "quantity", "ref": "ref", "text": "ref"}
# A source's publication as (first day, last day) it may denote.
_Span = tuple[dt.date, dt.date]


def finding_id(entity: str, field: str, value_keys: Iterable[str]) -> str:
    """A stable id: the content id of the entity, the field and the sorted set of distinct value keys."""
    return content_id({"entity": entity, "field": field, "values": sorted(set(value_keys))})


def reconcile_claims(claims: Iterable[Claim], pack: DomainPack, *,
                     published: Mapping[str, Published | None] | None = None) -> list[Finding]:
    """Findings for every (entity, field), sorted by (entity, field); each finding's values sorted.

    `published` maps source ids to publication dates; it is only needed for `drift`.
    """
    return _reconcile_columns(_claim_columns(claims, pack), pack, published)


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
    spans: dict[str, _Span] = {s: (p.start, p.end) for s, p in (published or {}).items() if p is not None}
    with _collector_paused():
        findings = [finding for (entity, field), distinct in group_columns(columns).items()
                    if (finding := _decide(entity, field, distinct, pack, spans)) is not None]
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


def _claim_columns(claims: Iterable[Claim], pack: DomainPack) -> dict[str, list[Any]]:
    """The columns of `reconcile_frame` for the claims of known fields; each key computed once."""
    columns: dict[str, list[Any]] = {name: [] for name in FRAME_COLUMNS}
    keys: dict[TypedValue, str] = {}
    for claim in claims:
        if claim.field not in pack.field_by_id:
            continue
        key = keys.get(claim.value)
        if key is None:
            key = keys[claim.value] = value_key(claim.value)
        for name, item in zip(FRAME_COLUMNS, (claim.claim_id, claim.source_id, claim.entity, claim.field,
                                              key, claim.value, claim.evidence.start)):
            columns[name].append(item)
    return columns


def _decide(entity: str, field_id: str, distinct: list[Distinct], pack: DomainPack,
            spans: Mapping[str, _Span]) -> Finding | None:
    """The finding for one (entity, field), or None when the field holds no typed values."""
    field = pack.field_by_id.get(field_id)
    value_type = _VALUE_TYPE.get(field.type) if field else None
    distinct = [d for d in distinct if d.value.type == value_type]
    if field is None or not distinct:
        return None
    values = [d.value for d in distinct]
    relation = compare_group(values, field, pack)
    dates = [v for v in values if isinstance(v, DateValue)] if value_type == "date" else []
    conflict = relation == "conflict"
    # Values, sources and claim ids were validated on their way in (as claims), so the groups
    # are assembled unchecked: validating a million claim ids again costs more than grouping them.
    groups = [ValueGroup.model_construct(value=d.value, sources=d.sources, claim_ids=d.claim_ids)
              for d in sorted(distinct, key=_value_order)]
    return Finding(
        finding_id=finding_id(entity, field_id, (d.key for d in distinct)),
        entity=entity, field=field_id, status=_status(relation, distinct),
        drift=conflict and bool(dates) and _drifted(distinct, spans), values=groups,
        hint=ONE_DAY_HINT if conflict and dates and one_day_apart(dates, field) else None,
    )


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


def _drifted(distinct: Sequence[Distinct], spans: Mapping[str, _Span]) -> bool:
    """Whether an earlier source plans a date that ends before a later source's date starts.

    Sweeps the later values by start, keeping the earliest publication among values that end
    before it: O(n log n) rather than every pair.
    """
    earlier: list[tuple[dt.date, dt.date]] = []
    later: list[tuple[dt.date, dt.date]] = []
    for d in distinct:
        known = [spans[s] for s in d.sources if s in spans]
        if known and isinstance(d.value, DateValue):
            start, end = date_bounds(d.value)
            forecasts = [p_end for p_start, p_end in known if p_start <= end]
            if forecasts:
                earlier.append((end, min(forecasts)))
            later.append((start, max(p_start for p_start, _ in known)))
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
