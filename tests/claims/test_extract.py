"""Extraction: the seed corpus as a careful reader sees it, and attribution on small texts."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from claims import Claim, extract_claims, load_pack
from sources import Published, Source, load_corpus

from tests.shared import shared_path

PACK = load_pack()


def _source(text: str, published: str | None = None, sid: str = "t") -> Source:
    pub = None
    if published:
        precision = {4: "year", 7: "month", 10: "day"}[len(published)]
        parts = [int(p) for p in published.split("-")] + [1, 1]
        pub = Published(date=dt.date(parts[0], parts[1], parts[2]), precision=precision)
    return Source(id=sid, path=f"{sid}.txt", content_hash="0", text=text, published=pub)


def _key(claim: Claim) -> tuple:
    v = claim.value
    if v.type == "ref":
        return (claim.entity, claim.field, v.id)
    if v.type == "quantity":
        return (claim.entity, claim.field, round(v.value, 3), v.unit)
    return (claim.entity, claim.field, str(v.start), str(v.end))


def _keys(text: str, published: str | None = None) -> set[tuple]:
    return {_key(c) for c in extract_claims(_source(text, published), PACK)}


def _expected_key(row: dict) -> tuple:
    head = (row["source"], row["entity"], row["field"])
    if "ref" in row:
        return (*head, row["ref"])
    if "unit" in row:
        return (*head, round(float(row["value"]), 3), str(row["unit"]))
    return (*head, str(row["start"]), str(row["end"]))


def test_seed_corpus_claims_are_exactly_what_a_careful_reader_finds() -> None:
    expected = yaml.safe_load(shared_path("seeds", "expected.yaml").read_text("utf-8"))
    corpus = load_corpus()
    got = {(c.source_id, *_key(c)) for s in corpus.sources for c in extract_claims(s, PACK)}
    want = {_expected_key(r) for r in expected["claims"]}
    assert sorted(want - got) == [] and sorted(got - want) == []


def test_seed_corpus_puts_no_value_on_the_wrong_entity() -> None:
    expected = yaml.safe_load(shared_path("seeds", "expected.yaml").read_text("utf-8"))
    claims = [c for s in load_corpus().sources for c in extract_claims(s, PACK)]
    wrong = [(m, c.value.text) for m in expected["must_not"] for c in claims
             if c.entity == m["entity"] and c.field == m["field"] and m["text"].lower() in c.value.text.lower()]
    assert wrong == []


def test_evidence_span_quote_and_line_point_at_the_value() -> None:
    text = "Heading\n\nThe ISSA-J1 satellite is scheduled to launch in spring 2027 from Sriharikota."
    [date] = [c for c in extract_claims(_source(text), PACK) if c.field == "launch_date"]
    assert text[date.evidence.start:date.evidence.end] == "spring 2027"
    assert date.evidence.quote == text.splitlines()[2]
    assert date.evidence.line == 3
    assert date.rule.startswith("launch_date.") and date.rule.endswith(".v1")


def test_front_matter_lines_shift_the_evidence_line() -> None:
    source = _source("LUPEX will launch in 2028.").model_copy(update={"line_offset": 4})
    [claim] = extract_claims(source, PACK)
    assert claim.evidence.line == 5


@pytest.mark.parametrize("text, expected", [
    ("Astroscale's ISSA-J1 will launch in 2027, a year before LUPEX lifts off in 2028.",
     {("issa-j1", "launch_date", "2027-01-01", "2027-12-31"), ("lupex", "launch_date", "2028-01-01", "2028-12-31")}),
    ("Slated for launch in 2028, LUPEX will carry a rover.", {("lupex", "launch_date", "2028-01-01", "2028-12-31")}),
    ("LUPEX builds on Chandrayaan-2, which launched in 2019.", set()),
    ("While ISSA-J1 flies in 2027, LUPEX is slated for 2028.",
     {("issa-j1", "launch_date", "2027-01-01", "2027-12-31"), ("lupex", "launch_date", "2028-01-01", "2028-12-31")}),
])
def test_value_goes_to_its_governing_mention(text: str, expected: set) -> None:
    assert _keys(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Chandrayaan-5 is a joint mission. The mission will last 100 days.", {("lupex", "mission_duration", 100.0, "d")}),
    ("Chandrayaan-5 is a joint mission.\n\nThe mission will last 100 days.", set()),
    ("LUPEX is a joint mission. Scientists hope for a launch in 2030.", set()),
    ("The TMT is a giant telescope. It should become operational by the mid-2030s.",
     {("tmt", "operational_date", "2033-01-01", "2036-12-31")}),
])
def test_carry_over_only_where_the_text_refers_back(text: str, expected: set) -> None:
    assert _keys(text) == expected


def test_fact_box_rows_belong_to_the_entity_in_the_heading() -> None:
    text = "LUPEX at a glance\nLaunch vehicle | H3-24L\nRover mass | 350 kg\nRover | JAXA"
    assert _keys(text) == {("lupex", "launch_vehicle", "h3-24l"), ("lupex", "rover_mass", 350.0, "kg"),
                           ("lupex", "rover_provider", "jaxa")}


@pytest.mark.parametrize("text, expected", [
    ("The LUPEX lander will carry a 350-kg rover.", {("lupex", "rover_mass", 350.0, "kg")}),
    ("The LUPEX spacecraft will weigh 6 tonnes at launch, rover included.", set()),
    ("For LUPEX, the 63-metre H3 rocket weighs 574 tonnes.", {("lupex", "launch_vehicle", "h3")}),
])
def test_a_mass_belongs_to_the_nearest_object(text: str, expected: set) -> None:
    assert _keys(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The India-Japan Technical Interface Meeting was held in Tokyo in May 2025.", set()),
    ("The Second Japan-India Space Dialogue was held virtually in November 2021.",
     {("space-dialogue-2", "event_date", "2021-11-01", "2021-11-30"), ("space-dialogue-2", "event_venue", "virtual")}),
    ("The 2018 India-Japan Annual Summit was held in Tokyo in October 2018.", set()),
])
def test_events_are_told_apart(text: str, expected: set) -> None:
    assert _keys(text) == expected


def test_relative_date_without_publication_date_is_unanchored() -> None:
    [claim] = extract_claims(_source("LUPEX is expected to launch later this decade."), PACK)
    assert claim.value.unanchored is True and claim.value.start is None and claim.value.end is None


def test_relative_date_is_anchored_on_publication() -> None:
    assert _keys("LUPEX is expected to launch later this decade.", "2025-08") == \
        {("lupex", "launch_date", "2025-08-01", "2029-12-31")}
