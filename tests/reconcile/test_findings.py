"""Reconciling claims into findings: statuses, drift, hints, ordering and stable ids."""
from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import (Claim, DateValue, Evidence, QuantityValue, RefValue, TypedValue, content_id, load_pack, make_claim,
                    value_key)
from reconcile.findings import FRAME_COLUMNS, ONE_DAY_HINT, _value_group, finding_id, reconcile_claims, reconcile_frame
from reconcile.grouping import Distinct
from reconcile.models import ValueGroup
from sources import Published
from tests.shared import shared_path

PACK = load_pack()


def date(start: str | None, end: str | None, text: str = "", **extra: Any) -> DateValue:
    return DateValue(start=dt.date.fromisoformat(start) if start else None,
                     end=dt.date.fromisoformat(end) if end else None, text=text, **extra)


def claim(source: str, field: str, value: TypedValue, *, entity: str = "lupex", at: int = 0) -> Claim:
    return make_claim(source_id=source, entity=entity, field=field, value=value,
                      evidence=Evidence(quote="…", start=at, end=at + len(value.text), line=1), rule="test.v1")


def published(text: str) -> Published:
    """A publication date from YYYY, YYYY-MM or YYYY-MM-DD."""
    precision = {4: "year", 7: "month", 10: "day"}[len(text)]
    padded = (text + "-01-01")[:10] if precision == "year" else (text + "-01")[:10]
    return Published(date=dt.date.fromisoformat(padded), precision=precision)  # type: ignore[arg-type]


Y2025 = date("2025-01-01", "2025-12-31", "2025")
Y2027 = date("2027-01-01", "2027-12-31", "2027")
SPRING_2027 = date("2027-03-01", "2027-05-31", "spring 2027")
BY_2028 = date("2028-01-01", "2028-12-31", "by 2028", qualifier="by")
MARCH_2025 = date("2025-03-01", "2025-03-31", "March 2025")
APRIL_1_2025 = date("2025-04-01", "2025-04-01", "April 1, 2025")


def single(claims: list[Claim], **kwargs: Any) -> Any:
    findings = reconcile_claims(claims, PACK, **kwargs)
    assert len(findings) == 1
    return findings[0]


@pytest.mark.parametrize("claims, status", [
    ([claim("a", "launch_date", Y2025)], "single-source"),
    ([claim("a", "launch_date", Y2025), claim("a", "launch_date", Y2025, at=50)], "single-source"),
    ([claim("a", "launch_date", Y2025), claim("b", "launch_date", Y2025)], "agreement"),
    ([claim("a", "launch_date", Y2025), claim("b", "launch_date", date("2025-01-01", "2025-12-31", "in 2025"))],
     "agreement"),
    ([claim("a", "launch_date", Y2027), claim("a", "launch_date", SPRING_2027, at=40)], "refinement"),
    ([claim("a", "launch_vehicle", RefValue(id="h3", text="H3")),
      claim("b", "launch_vehicle", RefValue(id="h3-24l", text="H3-24L"))], "refinement"),
    ([claim("a", "rover_provider", RefValue(id="jaxa", text="JAXA")),
      claim("b", "rover_provider", RefValue(id="mhi", text="MHI"))], "refinement"),
    ([claim("a", "event_date", MARCH_2025, entity="space-dialogue-3"),
      claim("a", "event_date", APRIL_1_2025, entity="space-dialogue-3", at=90)], "conflict"),
    ([claim("a", "rover_mass", QuantityValue(value=25, unit="kg", text="25 kg")),
      claim("b", "rover_mass", QuantityValue(value=26, unit="kg", text="26 kg"))], "conflict"),
    ([claim("a", "lander_provider", RefValue(id="isro", text="ISRO")),
      claim("b", "lander_provider", RefValue(id="japan", text="Japan"))], "conflict"),
])
def test_reconcile_status_follows_the_contract(claims: list[Claim], status: str) -> None:
    assert single(claims).status == status


def test_reconcile_groups_values_that_differ_only_in_text() -> None:
    finding = single([claim("b", "launch_date", date("2025-01-01", "2025-12-31", "in 2025"), at=5),
                      claim("a", "launch_date", Y2025, at=30),
                      claim("a", "launch_date", date("2025-01-01", "2025-12-31", "this year"), at=10)])
    [group] = finding.values
    assert group.sources == ["a", "b"]
    assert len(group.claim_ids) == 3 and group.claim_ids == sorted(group.claim_ids)
    assert group.value.text == "this year"  # source "a" first, then the earliest evidence


def test_reconcile_sorts_findings_and_values() -> None:
    claims = [claim("z", "launch_date", BY_2028), claim("y", "launch_date", Y2025),
              claim("x", "launch_date", date(None, "2024-06-30", "before July 2024")),
              claim("x", "rover_mass", QuantityValue(value=26, unit="kg", text="26 kg")),
              claim("y", "rover_mass", QuantityValue(value=25, unit="kg", text="25 kg")),
              claim("x", "event_date", MARCH_2025, entity="space-dialogue-3"),
              claim("x", "event_venue", RefValue(id="tokyo", text="Tokyo"), entity="space-dialogue-3"),
              claim("y", "event_venue", RefValue(id="kyoto", text="Kyoto"), entity="space-dialogue-3")]
    findings = reconcile_claims(claims, PACK)
    assert [(f.entity, f.field) for f in findings] == [
        ("lupex", "launch_date"), ("lupex", "rover_mass"),
        ("space-dialogue-3", "event_date"), ("space-dialogue-3", "event_venue")]
    assert [g.value.text for g in findings[0].values] == ["before July 2024", "2025", "by 2028"]
    assert [g.value.text for g in findings[1].values] == ["25 kg", "26 kg"]
    assert [g.value.text for g in findings[3].values] == ["Kyoto", "Tokyo"]


def test_reconcile_skips_unknown_fields_and_values_of_the_wrong_type() -> None:
    claims = [claim("a", "launch_date", Y2025), claim("b", "launch_date", RefValue(id="h3", text="H3")),
              claim("a", "crew_size", QuantityValue(value=3, unit="1", text="three"))]
    findings = reconcile_claims(claims, PACK)
    assert [(f.field, f.status, len(f.values)) for f in findings] == [("launch_date", "single-source", 1)]


@pytest.mark.parametrize("dates, expected", [
    ({"a": "2024", "b": "2025-12"}, True),         # the newer source names the later date: a slip
    ({"a": "2025-12", "b": "2024"}, False),        # the newer source names the earlier date
    ({"a": "2025", "b": "2025-12-02"}, False),     # the year 2025 does not end before December 2025
    ({"a": "2025-06-30", "b": "2025-07-01"}, True),
    ({"a": None, "b": "2025-12"}, False),
    ({}, False),
])
def test_reconcile_drift_needs_the_newer_source_to_state_the_later_date(dates: dict[str, str | None],
                                                                         expected: bool) -> None:
    claims = [claim("a", "launch_date", Y2025), claim("b", "launch_date", BY_2028)]
    finding = single(claims, published={s: published(d) if d else None for s, d in dates.items()})
    assert finding.status == "conflict"
    assert finding.drift is expected


DATE_VALUES = st.sampled_from([Y2025, Y2027, SPRING_2027, BY_2028, MARCH_2025, APRIL_1_2025,
                               date(None, "2026-12-31", "before 2027"), date("2026-01-01", None, "after 2025")])
PUBLISHED = st.one_of(st.none(), st.sampled_from(["2024", "2025", "2025-03", "2025-12", "2026-06-30", "2027"]))


def _drifts_by_definition(claims: list[Claim], dates: dict[str, str | None]) -> bool:
    """The module docstring's definition, over every pair of claims."""
    spans = {s: published(d) for s, d in dates.items() if d}
    low, high = dt.date.min, dt.date.max
    for a in claims:
        for b in claims:
            pa, pb = spans.get(a.source_id), spans.get(b.source_id)
            va, vb = a.value, b.value
            assert isinstance(va, DateValue) and isinstance(vb, DateValue)
            if pa and pb and pa.end < pb.start and (va.end or high) < (vb.start or low) and pa.start <= (va.end or high):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), DATE_VALUES), min_size=2, max_size=8),
       st.fixed_dictionaries({s: PUBLISHED for s in "abcd"}))
def test_reconcile_drift_is_the_definition_over_every_pair(stated: list[tuple[str, DateValue]],
                                                           dates: dict[str, str | None]) -> None:
    claims = [claim(source, "launch_date", value, at=i) for i, (source, value) in enumerate(stated)]
    finding = single(claims, published={s: published(d) if d else None for s, d in dates.items()})
    assert finding.drift is (finding.status == "conflict" and _drifts_by_definition(claims, dates))


def test_reconcile_drift_only_for_dates() -> None:
    claims = [claim("a", "rover_mass", QuantityValue(value=25, unit="kg", text="25 kg")),
              claim("b", "rover_mass", QuantityValue(value=30, unit="kg", text="30 kg"))]
    finding = single(claims, published={"a": published("2023"), "b": published("2025")})
    assert (finding.status, finding.drift) == ("conflict", False)


def test_reconcile_without_conflict_never_drifts() -> None:
    claims = [claim("a", "launch_date", Y2027), claim("b", "launch_date", SPRING_2027)]
    finding = single(claims, published={"a": published("2023"), "b": published("2025")})
    assert (finding.status, finding.drift) == ("refinement", False)


@pytest.mark.parametrize("second, hint", [
    (date("2025-04-02", "2025-04-02", "April 2, 2025"), ONE_DAY_HINT),
    (date("2025-04-03", "2025-04-03", "April 3, 2025"), None),
    (MARCH_2025, None),
])
def test_reconcile_hints_at_time_zones_for_days_one_day_apart(second: DateValue, hint: str | None) -> None:
    finding = single([claim("a", "event_date", APRIL_1_2025, entity="space-dialogue-3"),
                      claim("b", "event_date", second, entity="space-dialogue-3")])
    assert finding.status == "conflict"
    assert finding.hint == hint


def _claims_for_order() -> list[Claim]:
    return [claim("c", "launch_date", Y2025), claim("a", "launch_date", BY_2028),
            claim("b", "launch_date", date("2025-08-01", "2029-12-31", "later this decade")),
            claim("a", "launch_vehicle", RefValue(id="h3", text="H3")),
            claim("b", "launch_vehicle", RefValue(id="h3-24l", text="H3-24L")),
            claim("b", "launch_vehicle", RefValue(id="h3", text="H-3"), at=7),
            claim("c", "rover_mass", QuantityValue(value=350, unit="kg", text="350 kg"))]


@pytest.mark.parametrize("seed", range(5))
def test_reconcile_output_does_not_depend_on_claim_order(seed: int) -> None:
    claims = _claims_for_order()
    shuffled = claims[:]
    random.Random(seed).shuffle(shuffled)
    expected = [f.model_dump(mode="json") for f in reconcile_claims(claims, PACK)]
    assert [f.model_dump(mode="json") for f in reconcile_claims(shuffled, PACK)] == expected


def test_finding_id_depends_on_the_set_of_distinct_values() -> None:
    keys = [value_key(Y2025), value_key(BY_2028)]
    assert finding_id("lupex", "launch_date", keys) == finding_id("lupex", "launch_date", keys[::-1] + keys)
    assert finding_id("lupex", "launch_date", keys) != finding_id("lupex", "launch_date", keys[:1])
    assert finding_id("lupex", "launch_date", keys) != finding_id("slim", "launch_date", keys)
    assert finding_id("lupex", "launch_date", [value_key(Y2025)]) == \
        finding_id("lupex", "launch_date", [value_key(date("2025-01-01", "2025-12-31", "this year"))])


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(), st.lists(st.text(), max_size=6))
def test_finding_id_is_the_content_id_of_entity_field_and_value_set(entity: str, field: str,
                                                                    keys: list[str]) -> None:
    payload = {"entity": entity, "field": field, "values": sorted(set(keys))}
    try:
        expected = content_id(payload)
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form: both refuse it
        with pytest.raises(UnicodeEncodeError):
            finding_id(entity, field, keys)
        return
    assert finding_id(entity, field, keys) == expected


def test_finding_id_of_real_value_keys_is_the_content_id() -> None:
    keys = ['{"end":"2027-12-31","start":"2027-01-01","type":"date"}', '{"id":"h3","type":"ref"}',
            '{"type":"quantity","unit":"kg","value":350.0}', '{"id":"naïve \\"x\\"\\n","type":"ref"}']
    assert finding_id("lupex", "launch_date", keys) == \
        content_id({"entity": "lupex", "field": "launch_date", "values": sorted(keys)})


def test_value_group_built_unchecked_equals_the_validated_one() -> None:
    value = RefValue(id="h3", text="H3")
    built = _value_group(Distinct(value_key(value), value, ["a", "b"], ["x1", "x2"]))
    validated = ValueGroup(value=value, sources=["a", "b"], claim_ids=["x1", "x2"])
    assert built == validated == ValueGroup.model_construct(value=value, sources=["a", "b"], claim_ids=["x1", "x2"])
    assert built.model_fields_set == validated.model_fields_set
    assert built.model_dump_json() == validated.model_dump_json()
    assert built.model_copy(update={"sources": ["c"]}).sources == ["c"]


def test_reconcile_finding_id_ignores_which_claims_state_the_values() -> None:
    first = single([claim("a", "launch_date", Y2025), claim("b", "launch_date", BY_2028)])
    second = single([claim("q", "launch_date", date("2025-01-01", "2025-12-31", "in 2025"), at=3),
                     claim("r", "launch_date", BY_2028)])
    assert first.finding_id == second.finding_id


def test_reconcile_frame_gives_what_reconcile_claims_gives() -> None:
    claims = _claims_for_order()
    frame = pd.DataFrame([[c.claim_id, c.source_id, c.entity, c.field, value_key(c.value), c.value, c.evidence.start]
                          for c in claims], columns=list(FRAME_COLUMNS))
    frame["source_id"] = frame["source_id"].astype("category")
    assert reconcile_frame(frame, PACK) == reconcile_claims(claims, PACK)


def test_reconcile_nothing_gives_no_findings() -> None:
    assert reconcile_claims([], PACK) == []


# --- the seed articles --------------------------------------------------------------------

def _seed_value(entry: dict[str, Any]) -> TypedValue:
    if "ref" in entry:
        return RefValue(id=entry["ref"], text=entry["ref"])
    if "value" in entry:
        return QuantityValue(value=entry["value"], unit=str(entry["unit"]), text=str(entry["value"]))
    return DateValue(start=entry["start"], end=entry["end"], text=entry["text"], qualifier=entry.get("qualifier"))


def _seed_published() -> dict[str, Published | None]:
    manifest = yaml.safe_load(shared_path("seeds", "sources.yaml").read_text("utf-8"))
    return {str(e["id"]): published(str(e["published"])) if "published" in e else None for e in manifest}


def test_reconcile_seed_claims_give_the_expected_statuses() -> None:
    expected = yaml.safe_load(shared_path("seeds", "expected.yaml").read_text("utf-8"))
    claims = [claim(e["source"], e["field"], _seed_value(e), entity=e["entity"], at=i)
              for i, e in enumerate(expected["claims"])]
    findings = reconcile_claims(claims, PACK, published=_seed_published())
    assert {(f.entity, f.field): f.status for f in findings} == \
        {(e["entity"], e["field"]): e["status"] for e in expected["findings"]}
    by_key = {(f.entity, f.field): f for f in findings}
    # 2025 comes from a source of unknown date, so the launch-date conflict is not a slip.
    assert by_key["lupex", "launch_date"].drift is False
    assert by_key["space-dialogue-3", "event_date"].hint is None


def test_a_date_already_past_when_stated_does_not_drift() -> None:
    """Written in August 2025, "held in March 2025" reports the past: a later source's April 1 is a
    disagreement about what happened, not a schedule slip."""
    from claims import DateValue, Evidence, load_pack, make_claim
    from reconcile import reconcile_claims
    from sources import Published
    import datetime as dt

    pack = load_pack()

    def claim(source: str, start: dt.date, end: dt.date) -> object:
        value = DateValue(start=start, end=end, text=str(start))
        return make_claim(source_id=source, entity="space-dialogue-3", field="event_date", value=value,
                          evidence=Evidence(quote="q", start=0, end=1, line=1), rule="t.v1")

    claims = [claim("a", dt.date(2025, 3, 1), dt.date(2025, 3, 31)), claim("b", dt.date(2025, 4, 1), dt.date(2025, 4, 1))]
    past = {"a": Published(date=dt.date(2025, 8, 1), precision="month"),
            "b": Published(date=dt.date(2025, 12, 2), precision="day")}
    planned = {**past, "a": Published(date=dt.date(2024, 6, 1), precision="month")}
    [finding] = reconcile_claims(claims, pack, published=past)
    assert finding.status == "conflict" and finding.drift is False
    [finding] = reconcile_claims(claims, pack, published=planned)
    assert finding.drift is True
