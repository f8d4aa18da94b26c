"""Comparing typed values: the examples of CONTRACT.md section 3, and the laws comparison obeys."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import DateValue, FieldSpec, QuantityValue, RefValue, TypedValue, load_pack
from reconcile.compare import compare_group, compare_pairs, compare_values, one_day_apart

PACK = load_pack()
KICKOFF = FieldSpec(id="kickoff", applies_to=["event"], type="datetime", tolerance=30)
LOOSE_MASS = FieldSpec(id="loose_mass", applies_to=["mission"], type="quantity", unit="kg", tolerance=0.05)


def date(start: str | None, end: str | None, text: str = "", **extra: Any) -> DateValue:
    return DateValue(start=dt.date.fromisoformat(start) if start else None,
                     end=dt.date.fromisoformat(end) if end else None, text=text, **extra)


def at(day: str, hh_mm: str) -> DateValue:
    hours, minutes = hh_mm.split(":")
    return date(day, day, f"{day} {hh_mm}", minute=int(hours) * 60 + int(minutes))


def mass(value: float, unit: str = "kg", **extra: Any) -> QuantityValue:
    return QuantityValue(value=value, unit=unit, text=f"{value} {unit}", **extra)


def ref(ref_id: str) -> RefValue:
    return RefValue(id=ref_id, text=ref_id.upper())


def field(field_id: str) -> FieldSpec:
    return PACK.field_by_id[field_id]


Y2025 = date("2025-01-01", "2025-12-31", "2025")
Y2028 = date("2028-01-01", "2028-12-31", "by 2028", qualifier="by")
LATER_THIS_DECADE = date("2025-08-01", "2029-12-31", "later this decade")
NO_EARLIER_THAN_2026 = date("2026-01-01", None, "no earlier than 2026", qualifier="no-earlier-than")
BEFORE_2030 = date(None, "2029-12-31", "before 2030")
UNANCHORED = DateValue(start=None, end=None, text="next year", unanchored=True)


@pytest.mark.parametrize("field_id, a, b, expected", [
    ("event_date", date("2025-03-01", "2025-03-31", "March 2025"), date("2025-04-01", "2025-04-01", "April 1, 2025"),
     "conflict"),
    ("launch_date", Y2025, Y2028, "conflict"),
    ("launch_date", date("2027-01-01", "2027-12-31", "2027"), date("2027-03-01", "2027-05-31", "spring 2027"),
     "compatible"),
    ("launch_date", LATER_THIS_DECADE, Y2025, "compatible"),
    ("launch_date", LATER_THIS_DECADE, Y2028, "compatible"),
    ("launch_date", date("2027-01-01", "2028-12-31", "2027–28"), date("2028-06-01", "2029-06-30"), "compatible"),
    ("launch_date", NO_EARLIER_THAN_2026, date("2031-01-01", "2031-12-31", "2031"), "compatible"),
    ("launch_date", NO_EARLIER_THAN_2026, Y2025, "conflict"),
    ("launch_date", BEFORE_2030, Y2025, "compatible"),
    ("launch_date", BEFORE_2030, date("2030-01-01", "2030-12-31", "2030"), "conflict"),
    ("launch_date", BEFORE_2030, NO_EARLIER_THAN_2026, "compatible"),
    ("launch_date", Y2025, date("2025-01-01", "2025-12-31", "in 2025", qualifier="expected"), "equal"),
    ("launch_date", UNANCHORED, Y2025, "compatible"),
    ("launch_date", UNANCHORED, DateValue(start=None, end=None, text="soon", unanchored=True), "equal"),
    ("event_date", date("2025-04-01", "2025-04-01"), date("2025-04-02", "2025-04-02"), "conflict"),
])
def test_compare_dates_follows_the_contract_examples(field_id: str, a: DateValue, b: DateValue, expected: str) -> None:
    assert compare_values(a, b, field(field_id), PACK) == expected


@pytest.mark.parametrize("a, b, expected", [
    (at("2025-04-01", "10:00"), at("2025-04-01", "10:00"), "equal"),
    (at("2025-04-01", "10:00"), at("2025-04-01", "10:25"), "compatible"),
    (at("2025-04-01", "10:00"), at("2025-04-01", "10:30"), "compatible"),
    (at("2025-04-01", "10:00"), at("2025-04-01", "10:31"), "conflict"),
    (at("2025-04-01", "10:00"), at("2025-04-02", "10:00"), "conflict"),
    (at("2025-04-01", "10:00"), date("2025-04-01", "2025-04-01", "April 1"), "compatible"),
    (at("2025-04-01", "10:00"), date("2025-04-01", "2025-04-30", "April"), "compatible"),
])
def test_compare_date_times_within_the_field_tolerance_in_minutes(a: DateValue, b: DateValue, expected: str) -> None:
    assert compare_values(a, b, KICKOFF, PACK) == expected


def test_compare_date_times_without_tolerance_need_the_same_minute() -> None:
    untimed_tolerance = FieldSpec(id="start_time", applies_to=["event"], type="datetime")
    assert compare_values(at("2025-04-01", "10:00"), at("2025-04-01", "10:01"), untimed_tolerance, PACK) == "conflict"


@pytest.mark.parametrize("field_id, a, b, expected", [
    ("rover_mass", mass(25), mass(26), "conflict"),
    ("rover_mass", mass(350), mass(355, qualifier="approx"), "compatible"),
    ("rover_mass", mass(350), mass(350), "equal"),
    ("rover_mass", mass(350), mass(350, qualifier="approx"), "equal"),
    ("rover_mass", mass(100), mass(101.5), "compatible"),
    ("rover_mass", mass(100), mass(103), "conflict"),
    ("rover_mass", mass(100), mass(109, qualifier="approx"), "compatible"),
    ("rover_mass", mass(100, qualifier="approx"), mass(112), "conflict"),
    ("mission_duration", QuantityValue(value=137, low=91.3, high=182.6, unit="d", text="three to six months"),
     QuantityValue(value=100, unit="d", text="100 days"), "compatible"),
    ("mission_duration", QuantityValue(value=15, low=10, high=20, unit="d", text="10 to 20 days"),
     QuantityValue(value=35, low=30, high=40, unit="d", text="30 to 40 days"), "conflict"),
    ("mission_duration", QuantityValue(value=15, low=10, high=20, unit="d", text="10 to 20 days"),
     QuantityValue(value=20.3, unit="d", text="20.3 days"), "compatible"),
    ("rover_mass", mass(350), mass(350, unit="lb"), "conflict"),
])
def test_compare_quantities_follows_the_contract_examples(field_id: str, a: QuantityValue, b: QuantityValue,
                                                          expected: str) -> None:
    assert compare_values(a, b, field(field_id), PACK) == expected


def test_compare_quantities_uses_the_field_tolerance() -> None:
    assert compare_values(mass(100), mass(104), LOOSE_MASS, PACK) == "compatible"
    assert compare_values(mass(100), mass(106), LOOSE_MASS, PACK) == "conflict"


@pytest.mark.parametrize("field_id, a, b, expected", [
    ("launch_vehicle", "h3", "h3-24l", "compatible"),
    ("launch_vehicle", "h3-24l", "h3-24l", "equal"),
    ("launch_vehicle", "h3", "pslv", "conflict"),
    ("launch_vehicle", "h3-24l", "h3-22s", "conflict"),
    ("launch_vehicle", "lvm3", "gslv", "compatible"),
    ("launch_site", "sriharikota", "india", "compatible"),
    ("launch_site", "sriharikota", "tanegashima", "conflict"),
    ("lander_provider", "jaxa", "mhi", "compatible"),
    ("lander_provider", "japan", "jaxa", "compatible"),
    ("lander_provider", "isro", "japan", "conflict"),
    ("rover_provider", "india", "japan", "conflict"),
    ("event_venue", "tokyo", "kyoto", "conflict"),
])
def test_compare_refs_through_the_catalogue(field_id: str, a: str, b: str, expected: str) -> None:
    assert compare_values(ref(a), ref(b), field(field_id), PACK) == expected


def test_compare_values_of_different_types_conflict() -> None:
    assert compare_values(Y2025, mass(2025), field("launch_date"), PACK) == "conflict"


@pytest.mark.parametrize("values, expected", [
    ([Y2025, Y2028, LATER_THIS_DECADE], "conflict"),
    ([LATER_THIS_DECADE, Y2025], "compatible"),
    ([Y2025, date("2025-01-01", "2025-12-31", "this year")], "equal"),
    ([Y2025], "equal"),
])
def test_compare_group_finds_the_worst_pair(values: list[TypedValue], expected: str) -> None:
    assert compare_group(values, field("launch_date"), PACK) == expected


@pytest.mark.parametrize("values, expected", [
    ([date("2025-04-01", "2025-04-01"), date("2025-04-02", "2025-04-02")], True),
    ([date("2025-04-01", "2025-04-01"), date("2025-04-02", "2025-04-02"), date("2025-04-01", "2025-04-30")], True),
    ([date("2025-03-01", "2025-03-31", "March 2025"), date("2025-04-01", "2025-04-01")], False),
    ([date("2025-04-01", "2025-04-01"), date("2025-04-03", "2025-04-03")], False),
    ([date("2025-04-01", "2025-04-01"), date("2025-04-02", "2025-04-02"), date("2025-04-03", "2025-04-03")], False),
    ([date("2025-04-01", "2025-04-01"), date("2025-04-01", "2025-04-01")], False),
])
def test_one_day_apart_only_for_single_days_a_day_apart(values: list[DateValue], expected: bool) -> None:
    assert one_day_apart(values, field("event_date")) is expected


# --- laws ---------------------------------------------------------------------------------

DAY0 = dt.date(2025, 1, 1)


@st.composite
def dates(draw: st.DrawFn) -> DateValue:
    """Dates in a short window, so that overlaps, touching ends and single days are common."""
    if draw(st.integers(0, 15)) == 0:
        return DateValue(start=None, end=None, text="unanchored", unanchored=True)
    start, length = draw(st.integers(0, 40)), draw(st.sampled_from([0, 0, 0, 1, 2, 5, 30]))
    first, last = DAY0 + dt.timedelta(days=start), DAY0 + dt.timedelta(days=start + length)
    minute = draw(st.none() | st.integers(0, 1439)) if length == 0 else None
    return DateValue(start=None if draw(st.integers(0, 7)) == 0 else first,
                     end=None if draw(st.integers(0, 7)) == 0 else last, text="d", minute=minute)


@st.composite
def quantities(draw: st.DrawFn) -> QuantityValue:
    """Quantities near each other (a few per cent apart), sometimes ranges, approximate or negative."""
    value = draw(st.integers(-40, 400)) / 4
    approx = draw(st.booleans())
    if draw(st.booleans()):
        low, high = sorted((value, draw(st.integers(-40, 400)) / 4))
        return QuantityValue(value=(low + high) / 2, low=low, high=high, unit="kg", text="q",
                             qualifier="approx" if approx else None)
    return QuantityValue(value=value, unit="kg", text="q", qualifier="approx" if approx else None)


def refs(catalogue: str) -> st.SearchStrategy[RefValue]:
    return st.sampled_from([e.id for e in PACK.catalogues[catalogue]]).map(ref)


CASES = [
    (dates(), field("launch_date")),
    (dates(), KICKOFF),
    (quantities(), field("rover_mass")),
    (quantities(), LOOSE_MASS),
    (refs("vehicles"), field("launch_vehicle")),
    (refs("parties"), field("lander_provider")),
    (refs("parties"), FieldSpec(id="party", applies_to=["mission"], type="ref", catalogue="parties")),
]


@pytest.mark.parametrize("strategy, spec", CASES)
def test_compare_values_is_symmetric(strategy: st.SearchStrategy[TypedValue], spec: FieldSpec) -> None:
    @settings(max_examples=300, deadline=None)
    @given(strategy, strategy)
    def check(a: TypedValue, b: TypedValue) -> None:
        assert compare_values(a, b, spec, PACK) == compare_values(b, a, spec, PACK)
        assert compare_values(a, a, spec, PACK) == "equal"
    check()


@pytest.mark.parametrize("strategy, spec", CASES)
def test_compare_group_agrees_with_every_pair(strategy: st.SearchStrategy[TypedValue], spec: FieldSpec) -> None:
    @settings(max_examples=300, deadline=None)
    @given(st.lists(strategy, min_size=1, max_size=7))
    def check(values: list[TypedValue]) -> None:
        assert compare_group(values, spec, PACK) == compare_pairs(values, spec, PACK)
    check()
