"""Generalisation: how well `claims.extract_claims` does on text it was not written against.

`tests/data/generalisation/cases.yaml` holds short, hand-checked texts written the ways outlets
write (headlines, appositives, fact boxes, traps), each with the claims a careful reader records
in the vocabulary of CONTRACT.md. Per case, the SET of (entity, field, value) extracted is
compared with the set expected: dates by (start, end), quantities by unit and value within 1 %,
refs by id. Qualifiers and surface text do not count towards the score; a qualifier that differs
from the one the gold states is reported as information. The score is micro precision and recall
over all cases; both must reach 0.95.

Run with `-s` to see the full table; the summary is written to the terminal in any case.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from claims import DomainPack, load_pack
from sources import Published, Source

CASES_PATH = Path(__file__).resolve().parents[1] / "data" / "generalisation" / "cases.yaml"
MIN_PRECISION = 0.95
MIN_RECALL = 0.95
QUANTITY_TOLERANCE = 0.01
MIN_CASES = 130
MIN_TRAPS = 40

_CASE_KEYS = {"id", "published", "text", "expect", "note"}
_COMMON_KEYS = {"entity", "field", "qualifier"}
_KEYS_BY_TYPE = {
    "date": {"start", "end", "unanchored"},
    "quantity": {"value", "unit", "low", "high"},
    "ref": {"ref"},
}
_QUALIFIERS = {"date": {"by", "approx", "planned", "expected", "no-earlier-than", "no-later-than"},
               "quantity": {"approx"}}
_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CASE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Item:
    """One (entity, field, value) to compare; `qualifier` and `origin` take no part in matching."""

    entity: str
    field: str
    kind: str                      # date | quantity | ref
    key: tuple[Any, ...]           # (start, end) | (value, unit) | (id,)
    qualifier: str | None = None
    origin: str = ""               # the extractor's rule, for reports

    def render(self) -> str:
        """`entity.field = value` as a reader writes it."""
        if self.kind == "date":
            value = f"{self.key[0] or '..'} – {self.key[1] or '..'}"
        elif self.kind == "quantity":
            value = f"{self.key[0]:g} {self.key[1]}"
        else:
            value = self.key[0]
        extra = f" [{self.qualifier}]" if self.qualifier else ""
        return f"{self.entity}.{self.field} = {value}{extra}"


@dataclass
class CaseResult:
    """What one case scored: matched and missing gold, spurious claims, qualifier notes."""

    case_id: str
    text: str
    expected: list[Item]
    extracted: list[Item]
    missed: list[Item] = field(default_factory=list)
    spurious: list[Item] = field(default_factory=list)
    qualifier_notes: list[str] = field(default_factory=list)
    error: str | None = None


def load_cases(path: Path = CASES_PATH) -> list[dict[str, Any]]:
    """The cases of the generalisation corpus, as written in the YAML file."""
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, list), f"{path}: expected a list of cases"
    return data


CASES = load_cases()


def _iso(value: Any) -> str | None:
    """A YAML date (parsed or still a string) as `YYYY-MM-DD`, or None."""
    return None if value is None else str(value)


def normalise_published(value: Any) -> Published | None:
    """The case's `published` (YYYY, YYYY-MM or YYYY-MM-DD) as a `Published`, or None."""
    if value is None:
        return None
    match = _PUBLISHED.match(str(value))
    assert match, f"published {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = match.groups()
    precision = "day" if day else "month" if month else "year"
    date = dt.date(int(year), int(month or 1), int(day or 1))
    return Published(date=date, precision=precision)


def load_source(case: dict[str, Any]) -> Source:
    """The case as a `Source`: id is the case id, text the case text."""
    text = case["text"]
    return Source(id=case["id"], path=f"{case['id']}.txt", text=text,
                  content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                  published=normalise_published(case.get("published")))


def gold_item(raw: dict[str, Any]) -> Item:
    """One expected claim of cases.yaml as an `Item`."""
    common = {"entity": raw["entity"], "field": raw["field"], "qualifier": raw.get("qualifier")}
    if "ref" in raw:
        return Item(kind="ref", key=(raw["ref"],), **common)
    if "value" in raw:
        return Item(kind="quantity", key=(float(raw["value"]), str(raw["unit"])), **common)
    return Item(kind="date", key=(_iso(raw["start"]), _iso(raw["end"])), **common)


def claim_item(claim: Any) -> Item:
    """One extracted `claims.Claim` as an `Item`."""
    value = claim.value
    common = {"entity": claim.entity, "field": claim.field, "origin": claim.rule}
    if value.type == "ref":
        return Item(kind="ref", key=(value.id,), qualifier=None, **common)
    if value.type == "quantity":
        return Item(kind="quantity", key=(float(value.value), value.unit), qualifier=value.qualifier, **common)
    return Item(kind="date", key=(_iso(value.start), _iso(value.end)), qualifier=value.qualifier, **common)


def compare_items(gold: Item, got: Item) -> bool:
    """Whether an extracted item states the expected one (quantities within 1 %)."""
    if (gold.entity, gold.field, gold.kind) != (got.entity, got.field, got.kind):
        return False
    if gold.kind != "quantity":
        return gold.key == got.key
    (want, want_unit), (have, have_unit) = gold.key, got.key
    scale = max(abs(want), abs(have))
    return want_unit == have_unit and (scale == 0 or abs(want - have) <= QUANTITY_TOLERANCE * scale)


def _distinct(items: list[Item]) -> list[Item]:
    """Items with duplicates (same entity, field, kind and value) counted once, first kept."""
    seen: dict[tuple[Any, ...], Item] = {}
    for item in items:
        seen.setdefault((item.entity, item.field, item.kind, item.key), item)
    return list(seen.values())


def compare_case(case: dict[str, Any], extracted: list[Item]) -> CaseResult:
    """Score one case: which gold items were found, which claims match no gold item."""
    expected = _distinct([gold_item(raw) for raw in case["expect"]])
    got = _distinct(extracted)
    result = CaseResult(case["id"], case["text"], expected, got)
    for gold in expected:
        matches = [item for item in got if compare_items(gold, item)]
        if not matches:
            result.missed.append(gold)
        elif gold.qualifier and all(item.qualifier != gold.qualifier for item in matches):
            result.qualifier_notes.append(
                f"{gold.render()}: extracted qualifier {matches[0].qualifier!r}")
    result.spurious = [item for item in got if not any(compare_items(g, item) for g in expected)]
    return result


def render_summary(results: list[CaseResult]) -> tuple[str, float, float]:
    """The per-field table, every miss and spurious claim, and micro precision and recall."""
    tp, fp, fn = Counter[str](), Counter[str](), Counter[str]()
    for result in results:
        for item in result.expected:
            (fn if item in result.missed else tp)[item.field] += 1
        for item in result.spurious:
            fp[item.field] += 1
    extracted = sum(len(r.extracted) for r in results)
    matched_extracted = extracted - sum(fp.values())
    expected = sum(tp.values()) + sum(fn.values())
    precision = matched_extracted / extracted if extracted else 0.0
    recall = sum(tp.values()) / expected if expected else 1.0
    lines = [f"generalisation corpus: {len(results)} cases, {expected} expected claims, "
             f"{extracted} distinct extracted",
             f"{'field':<18}{'tp':>5}{'fp':>5}{'fn':>5}{'prec':>8}{'rec':>8}"]
    for name in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else 0.0
        r = tp[name] / (tp[name] + fn[name]) if tp[name] + fn[name] else 0.0
        lines.append(f"{name:<18}{tp[name]:>5}{fp[name]:>5}{fn[name]:>5}{p:>8.2f}{r:>8.2f}")
    lines.append(f"{'ALL (micro)':<18}{sum(tp.values()):>5}{sum(fp.values()):>5}{sum(fn.values()):>5}"
                 f"{precision:>8.3f}{recall:>8.3f}")
    lines += _render_details(results)
    return "\n".join(lines), precision, recall


def _render_details(results: list[CaseResult]) -> list[str]:
    """One line per error, miss, spurious claim and qualifier note, with its case id."""
    lines: list[str] = []
    for result in results:
        if result.error:
            lines.append(f"ERROR     {result.case_id}: {result.error}")
        for item in result.missed:
            lines.append(f"MISS      {result.case_id}: {item.render()}")
        for item in result.spurious:
            lines.append(f"SPURIOUS  {result.case_id}: {item.render()}  (rule {item.origin})")
        for note in result.qualifier_notes:
            lines.append(f"INFO      {result.case_id}: qualifier differs: {note}")
        if result.error or result.missed or result.spurious:
            lines.append(f"          text: {result.text!r}")
    return lines


@pytest.fixture(scope="module")
def pack() -> DomainPack:
    return load_pack()


def test_generalisation_precision_and_recall_reach_threshold(pack: DomainPack, capsys: pytest.CaptureFixture[str]) -> None:
    from claims import extract_claims  # imported here: collection works before it exists

    results = []
    for case in CASES:
        try:
            extracted = [claim_item(c) for c in extract_claims(load_source(case), pack)]
        except Exception as exc:  # noqa: BLE001 - one crashing case must not hide the score
            result = compare_case(case, [])
            result.error = f"{type(exc).__name__}: {exc}"
        else:
            result = compare_case(case, extracted)
        results.append(result)
    summary, precision, recall = render_summary(results)
    print(summary)
    with capsys.disabled():
        print("\n" + summary)
    errors = [r.case_id for r in results if r.error]
    assert not errors, f"extract_claims raised on {len(errors)} case(s): {errors}"
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL, (
        f"precision {precision:.3f} (min {MIN_PRECISION}), recall {recall:.3f} (min {MIN_RECALL})")


# ---------------------------------------------------------------- the gold itself


def test_generalisation_case_ids_are_unique_and_kebab_case() -> None:
    counts = Counter(case["id"] for case in CASES)
    assert not [i for i, n in counts.items() if n > 1], "duplicate case ids"
    assert all(_CASE_ID.match(case["id"]) for case in CASES)


def test_generalisation_corpus_is_large_and_has_traps() -> None:
    traps = [c for c in CASES if str(c.get("note", "")).startswith("trap")]
    assert len(CASES) >= MIN_CASES
    assert len(traps) >= MIN_TRAPS
    assert sum(1 for c in CASES if not c["expect"]) >= 20, "too few cases where nothing is to be found"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_generalisation_case_is_well_formed(case: dict[str, Any]) -> None:
    assert set(case) <= _CASE_KEYS, f"unknown keys {set(case) - _CASE_KEYS}"
    assert isinstance(case["text"], str) and case["text"].strip()
    assert isinstance(case["expect"], list)
    normalise_published(case.get("published"))  # asserts the form


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_generalisation_gold_uses_pack_vocabulary(case: dict[str, Any], pack: DomainPack) -> None:
    for raw in case["expect"]:
        entity = pack.entity_by_id.get(raw["entity"])
        spec = pack.field_by_id.get(raw["field"])
        assert entity is not None, f"unknown entity {raw['entity']!r}"
        assert spec is not None, f"unknown field {raw['field']!r}"
        assert entity.kind in spec.applies_to, f"{spec.id} does not apply to a {entity.kind}"
        assert set(raw) <= _COMMON_KEYS | _KEYS_BY_TYPE[spec.type], f"keys {sorted(raw)} for a {spec.type}"
        if raw.get("qualifier") is not None:
            assert raw["qualifier"] in _QUALIFIERS.get(spec.type, set()), raw
        _check_value(raw, spec, pack)


def _check_value(raw: dict[str, Any], spec: Any, pack: DomainPack) -> None:
    """Assert the gold value has the shape and vocabulary its field asks for."""
    if spec.type == "ref":
        assert raw["ref"] in pack.parents[spec.catalogue], f"{raw['ref']!r} not in {spec.catalogue}"
    elif spec.type == "quantity":
        assert str(raw["unit"]) == spec.unit, f"{spec.id} is in {spec.unit}, not {raw['unit']}"
        if "low" in raw or "high" in raw:
            low, high, value = float(raw["low"]), float(raw["high"]), float(raw["value"])
            assert low <= value <= high and abs(value - (low + high) / 2) < 1e-6, raw
    else:
        assert "start" in raw and "end" in raw, f"a date gives both start and end: {raw}"
        start, end = _iso(raw["start"]), _iso(raw["end"])
        for day in (start, end):
            if day is not None:
                dt.date.fromisoformat(day)
        if start and end:
            assert start <= end, raw
        if raw.get("unanchored"):
            assert start is None and end is None, raw


# ---------------------------------------------------------------- the scorer


def _claim(entity: str, field_id: str, value: Any) -> Any:
    from claims import Evidence, make_claim

    evidence = Evidence(quote="q", start=0, end=1, line=1)
    return make_claim(source_id="s", entity=entity, field=field_id, value=value, evidence=evidence, rule="test.v1")


def test_generalisation_scorer_counts_duplicates_once_and_allows_one_percent() -> None:
    from claims import DateValue, QuantityValue, RefValue

    case = {"id": "c", "text": "t", "expect": [
        {"entity": "lupex", "field": "rover_mass", "value": 349.266, "unit": "kg"},
        {"entity": "lupex", "field": "launch_date", "start": dt.date(2028, 1, 1), "end": None},
        {"entity": "lupex", "field": "launch_vehicle", "ref": "h3"},
    ]}
    claims_found = [
        _claim("lupex", "rover_mass", QuantityValue(value=350.0, unit="kg", text="350 kg")),
        _claim("lupex", "rover_mass", QuantityValue(value=350.0, unit="kg", text="350-kg")),
        _claim("lupex", "launch_date", DateValue(start=dt.date(2028, 1, 1), end=None, text="NET 2028")),
        _claim("lupex", "launch_vehicle", RefValue(id="h3-24l", text="H3-24L")),
    ]
    result = compare_case(case, [claim_item(c) for c in claims_found])
    assert [i.field for i in result.missed] == ["launch_vehicle"]      # h3-24l is not h3
    assert [i.key for i in result.spurious] == [("h3-24l",)]
    assert len(result.extracted) == 3                                  # the two 350 kg count once


def test_generalisation_scorer_rejects_quantity_beyond_one_percent_and_wrong_entity() -> None:
    from claims import QuantityValue

    case = {"id": "c", "text": "t", "expect": [{"entity": "tmt", "field": "mirror_diameter", "value": 30, "unit": "m"}]}
    found = [_claim("tmt", "mirror_diameter", QuantityValue(value=30.4, unit="m", text="30.4 m")),
             _claim("lupex", "rover_mass", QuantityValue(value=30, unit="kg", text="30 kg"))]
    result = compare_case(case, [claim_item(c) for c in found])
    summary, precision, recall = render_summary([result])
    assert (precision, recall) == (0.0, 0.0)
    assert "MISS      c: tmt.mirror_diameter = 30 m" in summary


def test_generalisation_scorer_gives_full_marks_to_the_gold_itself() -> None:
    results = [compare_case(case, [gold_item(raw) for raw in case["expect"]]) for case in CASES]
    _, precision, recall = render_summary(results)
    assert (precision, recall) == (1.0, 1.0)
