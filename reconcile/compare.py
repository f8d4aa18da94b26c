"""Comparison of typed values: the semantics of CONTRACT.md section 3.

Two values are `equal` (the same thing said twice), `compatible` (one refines the other, or
they overlap) or in `conflict` (they cannot both be right). `compare_values` decides one pair;
`compare_group` decides a whole group in O(n log n) without looking at every pair, and always
agrees with checking every pair with `compare_values` (a test holds it to that).

Decisions taken where the contract is silent:
- An unanchored date (a relative date in an undated source, start and end unknown) is treated
  as open on both sides: it overlaps, and so is compatible with, every date.
- A date-time (a `DateValue` with `minute` on a single day) compares with another date-time of
  the same day by minutes: equal when identical, compatible within the field's tolerance
  (minutes; none means 0), otherwise a conflict. Against a plain date it is just its day.
- A quantity is an interval: `[low, high]` for a range, the point `value` otherwise. Intervals
  that overlap are compatible; otherwise the nearest ends are compared by relative difference
  against the field's tolerance (default 2 %, at least 10 % when either side is approximate).
- Values of different types, or quantities in different units, conflict: extraction converts
  every quantity to its field's canonical unit, so a different unit is a different kind of thing.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import combinations

from claims import DateValue, DomainPack, FieldSpec, QuantityValue, RefValue, TypedValue

from reconcile.models import Relation

DEFAULT_TOLERANCE = 0.02
APPROX_TOLERANCE = 0.10
_RANK: dict[Relation, int] = {"equal": 0, "compatible": 1, "conflict": 2}


def compare_values(a: TypedValue, b: TypedValue, field: FieldSpec, pack: DomainPack) -> Relation:
    """'equal', 'compatible' (refinement or overlap) or 'conflict' for two values of `field`.

    `2027` against `spring 2027` is 'compatible'; `March 2025` against `April 1, 2025` is a
    'conflict'; `jaxa` against `mhi` is 'compatible' when the field compares at the root.
    """
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        return _compare_dates(a, b, minute_tolerance(field))
    if isinstance(a, QuantityValue) and isinstance(b, QuantityValue):
        return _compare_quantities(a, b, field)
    if isinstance(a, RefValue) and isinstance(b, RefValue):
        return _compare_refs(a, b, field, pack)
    return "conflict"


def compare_group(values: Sequence[TypedValue], field: FieldSpec, pack: DomainPack) -> Relation:
    """The least agreeing relation over every pair of `values` ('equal' for fewer than two).

    Runs in O(n log n): for intervals, some pair is disjoint exactly when the smallest end lies
    before the largest start.
    """
    if len(values) < 2:
        return "equal"
    kinds = {v.type for v in values}
    if len(kinds) > 1:
        return "conflict"
    if "date" in kinds:
        return _group_dates([v for v in values if isinstance(v, DateValue)], minute_tolerance(field))
    if "quantity" in kinds:
        return _group_quantities([v for v in values if isinstance(v, QuantityValue)], field, pack)
    return _group_refs([v for v in values if isinstance(v, RefValue)], field, pack)


def compare_pairs(values: Sequence[TypedValue], field: FieldSpec, pack: DomainPack) -> Relation:
    """The same answer as `compare_group`, by comparing every pair (O(n²): small groups, tests)."""
    worst: Relation = "equal"
    for a, b in combinations(values, 2):
        relation = compare_values(a, b, field, pack)
        if _RANK[relation] > _RANK[worst]:
            worst = relation
    return worst


def minute_tolerance(field: FieldSpec) -> float:
    """How many minutes apart two date-times of `field` may be and still agree."""
    return field.tolerance if field.tolerance is not None else 0.0


def quantity_tolerance(field: FieldSpec, *, approx: bool) -> float:
    """The relative difference two quantities of `field` may have and still agree."""
    base = field.tolerance if field.tolerance is not None else DEFAULT_TOLERANCE
    return max(base, APPROX_TOLERANCE) if approx else base


# --- dates -------------------------------------------------------------------------------

def date_bounds(value: DateValue) -> tuple[dt.date, dt.date]:
    """The interval a date covers, open ends (and unanchored dates) stretched to the calendar's ends."""
    return (value.start or dt.date.min, value.end or dt.date.max)


def _timed_day(value: DateValue) -> dt.date | None:
    """The day of a date-time value, or None when the value has no minute or spans several days."""
    if value.minute is None or value.start is None or value.start != value.end:
        return None
    return value.start


def _date_identity(value: DateValue) -> tuple[object, ...]:
    return (value.start, value.end, value.minute if _timed_day(value) else None, bool(value.unanchored))


def _compare_dates(a: DateValue, b: DateValue, tolerance: float) -> Relation:
    (a_start, a_end), (b_start, b_end) = date_bounds(a), date_bounds(b)
    if a_end < b_start or b_end < a_start:
        return "conflict"
    day = _timed_day(a)
    if day is not None and day == _timed_day(b):
        gap = abs((a.minute or 0) - (b.minute or 0))
        if gap > tolerance:
            return "conflict"
    return "equal" if _date_identity(a) == _date_identity(b) else "compatible"


def one_day_apart(values: Sequence[DateValue], field: FieldSpec) -> bool:
    """Whether the only conflicts among `values` are single days exactly one day apart.

    Every disjoint pair then pairs a value ending on the first end with one starting on the
    last start, so checking those values suffices.
    """
    bounds = list(map(date_bounds, values))
    starts, ends = zip(*bounds)
    first_end, last_start = min(ends), max(starts)
    if not first_end < last_start or (last_start - first_end).days != 1:
        return False
    if _timed_conflict(values, minute_tolerance(field)):
        return False
    sides = [(start, end) for start, end in bounds if end == first_end or start == last_start]
    return all(start == end for start, end in sides)


def _timed_conflict(values: Sequence[DateValue], tolerance: float) -> bool:
    """Whether two date-times of the same day lie further apart than `tolerance` minutes."""
    spans: dict[dt.date, tuple[int, int]] = {}
    for value in [v for v in values if v.minute is not None]:  # most dates have no time
        day = _timed_day(value)
        if day is not None and value.minute is not None:
            low, high = spans.get(day, (value.minute, value.minute))
            spans[day] = (min(low, value.minute), max(high, value.minute))
    return any(high - low > tolerance for low, high in spans.values())


def _group_dates(values: Sequence[DateValue], tolerance: float) -> Relation:
    starts, ends = zip(*map(date_bounds, values))
    if min(ends) < max(starts) or _timed_conflict(values, tolerance):
        return "conflict"
    return "equal" if len({_date_identity(v) for v in values}) == 1 else "compatible"


# --- quantities --------------------------------------------------------------------------

def quantity_bounds(value: QuantityValue) -> tuple[float, float]:
    """The interval a quantity covers: its range, or the point `value`."""
    low = value.low if value.low is not None else value.value
    high = value.high if value.high is not None else value.value
    return (min(low, high), max(low, high))


def _relative_gap(below: float, above: float) -> float:
    """Relative difference of two numbers, `below` < `above`."""
    return (above - below) / max(abs(below), abs(above))


def _compare_quantities(a: QuantityValue, b: QuantityValue, field: FieldSpec) -> Relation:
    if a.unit != b.unit:
        return "conflict"
    (a_low, a_high), (b_low, b_high) = quantity_bounds(a), quantity_bounds(b)
    if (a.value, a_low, a_high) == (b.value, b_low, b_high):
        return "equal"
    if a_low <= b_high and b_low <= a_high:
        return "compatible"
    below, above = (a_high, b_low) if a_high < b_low else (b_high, a_low)
    tolerance = quantity_tolerance(field, approx="approx" in (a.qualifier, b.qualifier))
    return "conflict" if _relative_gap(below, above) > tolerance else "compatible"


def _extremes_conflict(lows: Sequence[tuple[float, float]], highs: Sequence[tuple[float, float]],
                       tolerance: float) -> bool:
    """Whether the lowest high end and the highest low end are further apart than `tolerance`."""
    if not lows or not highs:
        return False
    below, above = min(h for _, h in highs), max(lo for lo, _ in lows)
    return below < above and _relative_gap(below, above) > tolerance


def _group_quantities(values: Sequence[QuantityValue], field: FieldSpec, pack: DomainPack) -> Relation:
    if len({v.unit for v in values}) > 1:
        return "conflict"
    approx_tolerance = quantity_tolerance(field, approx=True)
    if approx_tolerance >= 1:
        # The extremes argument needs relative gaps to grow outwards, true only below 100 %.
        return compare_pairs(values, field, pack)
    every = [quantity_bounds(v) for v in values]
    plain = [b for v, b in zip(values, every) if v.qualifier != "approx"]
    approx = [b for v, b in zip(values, every) if v.qualifier == "approx"]
    # Moving either end of a disjoint pair outwards only widens the gap, so the worst pair
    # among plain values, and among pairs with an approximate side, sits at the extremes.
    if (_extremes_conflict(plain, plain, quantity_tolerance(field, approx=False))
            or _extremes_conflict(every, approx, approx_tolerance)
            or _extremes_conflict(approx, every, approx_tolerance)):
        return "conflict"
    return "equal" if len({(v.value, *quantity_bounds(v)) for v in values}) == 1 else "compatible"


# --- references --------------------------------------------------------------------------

def ref_root(value: RefValue, field: FieldSpec, pack: DomainPack) -> str:
    """The top of a reference's lineage in the field's catalogue (`jaxa` → `japan`)."""
    return pack.lineage(field.catalogue or "", value.id)[-1]


def _compare_refs(a: RefValue, b: RefValue, field: FieldSpec, pack: DomainPack) -> Relation:
    if a.id == b.id:
        return "equal"
    if field.compare == "root":
        return "compatible" if ref_root(a, field, pack) == ref_root(b, field, pack) else "conflict"
    catalogue = field.catalogue or ""
    related = a.id in pack.lineage(catalogue, b.id) or b.id in pack.lineage(catalogue, a.id)
    return "compatible" if related else "conflict"


def _group_refs(values: Sequence[RefValue], field: FieldSpec, pack: DomainPack) -> Relation:
    ids = sorted({v.id for v in values})
    if len(ids) == 1:
        return "equal"
    if field.compare == "root":
        roots = {pack.lineage(field.catalogue or "", i)[-1] for i in ids}
        return "conflict" if len(roots) > 1 else "compatible"
    # The ids lie on one chain exactly when all are ancestors of the deepest one.
    lineages = {i: pack.lineage(field.catalogue or "", i) for i in ids}
    deepest = max(ids, key=lambda i: (len(lineages[i]), i))
    return "compatible" if set(ids) <= set(lineages[deepest]) else "conflict"
