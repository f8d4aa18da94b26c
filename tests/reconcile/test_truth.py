"""The reliability model and suggestions on small hand-made cases whose answer is clear."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import DateValue, Evidence, RefValue, load_pack, make_claim
from claims.tables import ColumnSpec, TableMapping, table_pack
from reconcile.findings import reconcile_claims
from reconcile.truth import TruthOptions, _rounded, attach_suggestions, estimate_truth, support
from sources import Published, Source

PACK = table_pack(TableMapping(kind="flight", fields={
    "gate": ColumnSpec(type="text"),
    "departure": ColumnSpec(type="datetime", tolerance=1),
    "launch": ColumnSpec(type="date"),
}))


def _claim(source: str, entity: str, code: str, field: str = "gate"):  # type: ignore[no-untyped-def]
    return make_claim(source_id=source, entity=entity, field=field, value=RefValue(id=code, text=code),
                      evidence=Evidence(quote=code, start=0, end=len(code), line=1), rule="test")


def _suggested(claims, **kwargs):  # type: ignore[no-untyped-def]
    findings = reconcile_claims(claims, PACK)
    result = estimate_truth(findings, PACK, **kwargs)
    return {f.entity: result.suggestions[f.finding_id] for f in findings}, result


def test_more_independent_sources_win_without_other_evidence() -> None:
    claims = [_claim(s, "f1", "A1") for s in ("a", "b", "c")] + [_claim("d", "f1", "B2")]
    suggested, _ = _suggested(claims)
    assert suggested["f1"].value.id == "A1"
    assert suggested["f1"].confidence > 0.5
    assert suggested["f1"].sources == ["a", "b", "c"]
    assert suggested["f1"].reasons[0].startswith("backed by 3 independent source(s)")


def test_reliability_learned_elsewhere_breaks_a_two_against_two() -> None:
    claims = []
    for i in range(10):  # good1 and good2 agree with a third site; bad1 and bad2 are each alone
        claims += [_claim(s, f"f{i}", "G") for s in ("good1", "good2", "third")]
        claims += [_claim("bad1", f"f{i}", f"X{i}"), _claim("bad2", f"f{i}", f"Y{i}")]
    claims += [_claim("good1", "tie", "G"), _claim("good2", "tie", "G"),
               _claim("bad1", "tie", "B"), _claim("bad2", "tie", "B")]
    suggested, result = _suggested(claims)
    assert suggested["tie"].value.id == "G"
    assert result.reliability["good1"] > 0.8 > result.reliability["bad1"]


def _copies_and_independents():  # type: ignore[no-untyped-def]
    """Three sites repeat one another's values; two independent sites agree, but not always
    (every tenth finding one of them is a gate off), as independent sites do."""
    claims = []
    for i in range(60):
        claims += [_claim(s, f"f{i}", f"W{i}") for s in ("copy1", "copy2", "copy3")]
        claims += [_claim("ind1", f"f{i}", "T"), _claim("ind2", f"f{i}", "U" if i % 10 == 9 else "T")]
    return claims


def test_copies_count_once_and_are_reported() -> None:
    suggested, result = _suggested(_copies_and_independents())
    assert result.copy_clusters == [["copy1", "copy2", "copy3"]]
    assert suggested["f0"].value.id == "T"
    assert suggested["f9"].value.id == "T"  # ind1 alone against the cluster and ind2: reliability decides


def test_without_copy_detection_the_copies_would_win() -> None:
    claims = _copies_and_independents()
    off = TruthOptions(copy_min_items=10_000)
    assert _suggested(claims, options=off)[0]["f0"].value.id == "W0"
    assert _suggested(claims)[0]["f0"].value.id == "T"


def test_tie_does_not_depend_on_claim_order() -> None:
    claims = [_claim("a", "f", "A1"), _claim("b", "f", "B1")]
    forward, _ = _suggested(claims)
    backward, _ = _suggested(list(reversed(claims)))
    assert forward["f"].value.id == backward["f"].value.id == "A1"


def test_primary_source_breaks_a_tie_and_is_named() -> None:
    claims = [_claim("agency", "f", "Z9"), _claim("blog", "f", "A1")]
    sources = [Source(id="agency", path="agency.txt", content_hash="x", text="", primary=True),
               Source(id="blog", path="blog.txt", content_hash="y", text="")]
    suggested, _ = _suggested(claims, sources=sources)
    assert suggested["f"].value.id == "Z9"
    assert "stated by a primary source: agency" in suggested["f"].reasons


def _day(text: str, start: str, end: str) -> DateValue:
    return DateValue(start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end), text=text)


def test_refinement_backs_its_ancestor_fully_and_is_backed_partly() -> None:
    pack = load_pack()
    field = pack.field_by_id["launch_date"]
    year, spring = _day("2027", "2027-01-01", "2027-12-31"), _day("spring 2027", "2027-03-01", "2027-05-31")
    assert support(spring, year, field, pack) == 1.0
    assert support(year, spring, field, pack) == 0.5
    assert support(_day("2028", "2028-01-01", "2028-12-31"), year, field, pack) == 0.0


def test_datetimes_within_tolerance_back_each_other_partly() -> None:
    def at(minute: int) -> DateValue:
        return DateValue(start=dt.date(2011, 12, 1), end=dt.date(2011, 12, 1), text="t", minute=minute)
    field = PACK.field_by_id["departure"]
    assert support(at(600), at(601), field, PACK) == 0.5
    assert support(at(600), at(602), field, PACK) == 0.0


def test_newer_statement_on_a_slipped_schedule_is_suggested_as_superseding() -> None:
    def claim(source: str, value: DateValue):  # type: ignore[no-untyped-def]
        return make_claim(source_id=source, entity="m", field="launch", value=value,
                          evidence=Evidence(quote=value.text, start=0, end=4, line=1), rule="test")
    published = {"old": Published(date=dt.date(2023, 1, 1), precision="day"),
                 "new": Published(date=dt.date(2025, 1, 1), precision="day")}
    claims = [claim("old", _day("2025", "2025-01-01", "2025-12-31")), claim("new", _day("2027", "2027-01-01", "2027-12-31"))]
    findings = reconcile_claims(claims, PACK, published=published)
    assert findings[0].drift
    sources = [Source(id=s, path=s, content_hash=s, text="", published=p) for s, p in published.items()]
    result = estimate_truth(findings, PACK, sources=sources)
    suggestion = result.suggestions[findings[0].finding_id]
    assert suggestion.value.text == "2027"
    assert any("superseded" in r and "not wrong" in r for r in suggestion.reasons)


def test_suggestions_attach_to_conflicts_only() -> None:
    claims = [_claim("a", "split", "A1"), _claim("b", "split", "B1"), _claim("a", "same", "C1"), _claim("b", "same", "C1")]
    findings = reconcile_claims(claims, PACK)
    attached = {f.entity: f for f in attach_suggestions(findings, estimate_truth(findings, PACK))}
    assert attached["split"].suggestion is not None and attached["same"].suggestion is None


def test_no_findings_give_an_empty_result() -> None:
    result = estimate_truth([], PACK)
    assert result.suggestions == {} and result.copy_clusters == []


def test_known_copy_clusters_from_article_texts_count_once() -> None:
    claims = [_claim(s, "f", "A1") for s in ("wire1", "wire2", "wire3")] + [_claim(s, "f", "B2") for s in ("x", "y")]
    assert _suggested(claims)[0]["f"].value.id == "A1"
    suggested, result = _suggested(claims, copies=[["wire1", "wire2", "wire3"]])
    assert suggested["f"].value.id == "B2"
    assert result.copy_clusters == [["wire1", "wire2", "wire3"]]


def _same_float(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.floats(), st.floats(0, 1), st.integers(-10**6, 10**6).map(lambda k: (k + 0.5) / 1000)),
                max_size=50))
def test_rounded_is_round_to_three_places(numbers: list[float]) -> None:
    rounded = _rounded(np.array(numbers, dtype=float))
    assert all(_same_float(a, round(x, 3)) for a, x in zip(rounded, numbers))


@pytest.mark.parametrize("x", [0.0005, 0.0015, 2.675, -0.0005, -0.0, 1e-320, 4.5e12 + 0.0005, 1e300, math.inf])
def test_rounded_agrees_with_round_on_halfway_and_extreme_numbers(x: float) -> None:
    assert _same_float(_rounded(np.array([x]))[0], round(x, 3))
