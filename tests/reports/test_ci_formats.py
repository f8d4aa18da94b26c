"""`check` formats: GitHub annotations and job summary, SARIF 2.1.0, JUnit XML and plain text.

The fixture (tests/reports/fixtures.py) has a launch-date conflict between toi-summit (published
2025-08, the newer) and wion-lupex (2025-05-15) that changed since review, a rover-mass conflict
dismissed by ben, a one-day event-date conflict between toi-summit and isro-brief (published 2025,
so its last day, 2025-12-31, makes it the newest source), a refinement, an agreement and one problem.
"""
from __future__ import annotations

from tests.shared import sarif_schema

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from tests.reports.fixtures import C_WION_LAUNCH, F_LAUNCH, F_MASS, REPORT

from claims import Claim, DateValue, Evidence, content_id, make_claim, value_key
from reconcile.models import Finding, ReportData, ValueGroup
from reports.checkview import CheckIndex, corpus_path
from reports.ci import CHECK_FORMATS, CheckOptions, render_check
from reports.github import ANNOTATION_LIMIT, SUMMARY_LIMIT, Annotation, escape_data, escape_property
from sources import Published, Source

PREFIX = "tests/data/fixture/"  # REPORT.corpus: put in front of every source path
MIB = 1024 * 1024


def _render(fmt: str, data: ReportData = REPORT, **options: Any) -> str:
    return render_check(data, fmt, CheckOptions(**options))


def _commands(text: str, level: str = "error") -> list[str]:
    return [line for line in text.splitlines() if line.startswith(f"::{level} ")]


# --- a corpus of many conflicts, built by hand -----------------------------------------------------

def _source(source_id: str, published: dt.date | None) -> Source:
    text = f"Intro of {source_id}.\nThe launch is planned for {published.year if published else 2020}.\n"
    return Source(id=source_id, path=f"news/{source_id}.txt", content_hash=content_id(text), text=text,
                  published=Published(date=published, precision="day") if published else None)


def _claim(source: Source, entity: str, year: int, *, line: int = 2) -> Claim:
    value = DateValue(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), text=str(year))
    quote = f"The launch is planned for {year}."
    return make_claim(source_id=source.id, entity=entity, field="launch_date", value=value,
                      evidence=Evidence(quote=quote, start=40, end=44, line=line), rule="launch_date.test.v1")


def _conflict(*claims: Claim) -> Finding:
    groups = [ValueGroup(value=c.value, sources=[c.source_id], claim_ids=[c.claim_id]) for c in claims]
    entity = claims[0].entity
    fid = content_id([entity, "launch_date", sorted(value_key(g.value) for g in groups)])
    return Finding(finding_id=fid, entity=entity, field="launch_date", status="conflict", values=groups)


def _many_conflicts(count: int, *, quote_padding: int = 0) -> ReportData:
    """`count` unreviewed conflicts, each between mission-NN's own newer and older source."""
    sources, claims, findings = [], [], []
    for n in range(count):
        new, old = _source(f"m{n:04d}-new", dt.date(2025, 1, 1) + dt.timedelta(days=n)), _source(f"m{n:04d}-old", None)
        pair = [_claim(new, f"mission-{n:04d}", 2028), _claim(old, f"mission-{n:04d}", 2025)]
        if quote_padding:
            pair = [c.model_copy(update={"evidence": c.evidence.model_copy(
                update={"quote": c.evidence.quote + " x" * quote_padding})}) for c in pair]
        sources += [new, old]
        claims += pair
        findings.append(_conflict(*pair))
    return ReportData(corpus="corpus", sources=sources, claims=claims, findings=findings, problems=[])


# --- where a claim is ------------------------------------------------------------------------------

@pytest.mark.parametrize("corpus, path, expected", [
    ("<sample>", "news/wion.md", "news/wion.md"),          # the bundled sample has no folder in the repo
    ("corpus", "news/wion.md", "corpus/news/wion.md"),
    ("./corpus/", "wion.md", "corpus/wion.md"),
    (".", "wion.md", "wion.md"),
    ("docs\\corpus", "wion.md", "docs/corpus/wion.md"),   # a Windows path given on the command line
])
def test_corpus_path_puts_the_corpus_folder_in_front(corpus: str, path: str, expected: str) -> None:
    data = REPORT.model_copy(update={"corpus": corpus})
    assert corpus_path(data, path) == expected


def test_newest_source_is_latest_published_end_unknown_oldest_ties_by_id() -> None:
    same_day = dt.date(2025, 3, 1)
    b, a, unknown = _source("b-paper", same_day), _source("a-paper", same_day), _source("0-undated", None)
    claims = [_claim(b, "lupex", 2027), _claim(a, "lupex", 2028), _claim(unknown, "lupex", 2029)]
    data = ReportData(corpus="c", sources=[b, a, unknown], claims=claims, findings=[], problems=[])
    newest = CheckIndex(data).newest(_conflict(*claims))
    assert newest is not None and newest.claim.source_id == "a-paper"
    assert newest.where == "c/news/a-paper.txt:2"


# --- github ----------------------------------------------------------------------------------------

def test_github_annotates_newest_source_line_and_names_other_side() -> None:
    launch = next(line for line in _commands(_render("github")) if "launch_date" in line)
    assert launch == (
        f"::error file={PREFIX}toi-summit.md,line=2,title=claimrecon%3A lupex.launch_date conflict"
        f"::lupex launch_date: 2028 here vs 2027 in {PREFIX}wion-lupex.md:2"
    )


def test_github_annotates_only_open_conflicts_and_problems() -> None:
    errors = _commands(_render("github"))
    assert len(errors) == 3  # the problem, the launch date, the event date; the dismissed mass is not
    assert not any("rover_mass" in line for line in errors)
    assert errors[0].startswith(f"::error file={PREFIX}broken.md,line=3,")


def test_github_event_date_points_at_isro_brief_published_later_in_its_year() -> None:
    dialogue = next(line for line in _commands(_render("github")) if "event_date" in line)
    assert f"file={PREFIX}isro-brief.md,line=2," in dialogue
    assert dialogue.endswith(f"August 30, 2025 here vs August 29, 2025 in {PREFIX}toi-summit.md:4")


@pytest.mark.parametrize("changed, first", [
    (None, "event_date"),                 # isro-brief (2025-12-31) is newer than toi-summit (2025-08-31)
    ({"wion-lupex"}, "launch_date"),      # a source changed in this run comes first
    ({"isro-brief"}, "event_date"),
])
def test_github_puts_findings_touching_changed_sources_first(changed: set[str] | None, first: str) -> None:
    data = REPORT.model_copy(update={"problems": []})
    assert first in _commands(_render("github", data, changed=changed))[0]


def test_github_annotates_ten_and_counts_the_rest() -> None:
    lines = _render("github", _many_conflicts(13)).splitlines()
    assert len(_commands("\n".join(lines))) == ANNOTATION_LIMIT == 10
    assert len(lines) == 11
    assert lines[-1].startswith("::notice title=claimrecon::3 more conflicts not annotated")


def test_github_changed_conflicts_win_the_ten_places() -> None:
    # Without --since the newest sources win: missions 12, 11, ... 3. Changing mission 0's old source
    # puts mission 0 first.
    data = _many_conflicts(13)
    assert "mission-0000" not in _render("github", data)
    errors = _commands(_render("github", data, changed={"m0000-old"}))
    assert "mission-0000" in errors[0] and len(errors) == 10


def test_github_fail_on_never_annotates_warnings() -> None:
    assert _commands(_render("github", fail_on="never"), "warning")
    assert _commands(_render("github", fail_on="never")) == [
        line for line in _commands(_render("github")) if "input problem" in line]


@pytest.mark.parametrize("text, data, prop", [
    ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
    ("50% done", "50%25 done", "50%25 done"),
    ("one\ntwo\r", "one%0Atwo%0D", "one%0Atwo%0D"),
])
def test_github_escapes_messages_and_properties(text: str, data: str, prop: str) -> None:
    assert (escape_data(text), escape_property(text)) == (data, prop)


def test_github_hostile_text_cannot_start_another_command() -> None:
    annotation = Annotation("error", "x\n::warning::pwned\r\n%0A", "conflict",
                            file="a,b:c.md", line=3, title="t\n::set-output")
    assert annotation.command() == (
        "::error file=a%2Cb%3Ac.md,line=3,title=t%0A%3A%3Aset-output::x%0A::warning::pwned%0D%0A%250A")


def test_github_writes_job_summary_appending_under_one_mib(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    _render("github", summary_path=summary)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## claimrecon check\n")
    assert "2 unreviewed conflicts, 1 reviewed (6 findings, 4 sources)" in text
    assert f"`{PREFIX}toi-summit.md:2` Officials now say LUPEX will launch in 2028 on an H3 rocket." in text
    assert "dismissed by ben on 2025-09-02" in text
    assert summary.stat().st_size < MIB


def test_github_summary_of_a_huge_run_is_cut_with_a_note(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    lines = _render("github", _many_conflicts(1500, quote_padding=300), summary_path=summary).splitlines()
    assert len(lines) == 11  # the annotations do not depend on the summary
    text = summary.read_text(encoding="utf-8")
    assert SUMMARY_LIMIT - 4096 < summary.stat().st_size < MIB
    assert "more entries not shown: the job summary is kept under 1 MiB" in text


def test_github_summary_fits_in_what_earlier_steps_left(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"x" * (MIB - 2000) + b"\n")
    _render("github", _many_conflicts(100), summary_path=summary)
    assert summary.stat().st_size < MIB
    assert summary.read_text(encoding="utf-8").endswith("the rest of this check is not shown._\n")


# --- sarif -----------------------------------------------------------------------------------------



def _sarif(data: ReportData = REPORT, **options: Any) -> dict[str, Any]:
    return json.loads(_render("sarif", data, **options))  # type: ignore[no-any-return]


def _results(log: dict[str, Any], field: str | None = None) -> list[dict[str, Any]]:
    return [r for r in log["runs"][0]["results"] if field is None or r["ruleId"] == field]


@pytest.mark.parametrize("options", [{}, {"fail_on": "refinement"}, {"fail_on": "never"}])
def test_sarif_validates_against_the_sarif_2_1_0_schema(options: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(sarif_schema()).validate(_sarif(**options))


def test_sarif_has_one_rule_per_field_and_one_result_per_conflicting_claim() -> None:
    log = _sarif()
    assert log["version"] == "2.1.0"
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["event_date", "launch_date", "rover_mass"]
    assert [(r["ruleId"], r["ruleIndex"]) for r in _results(log)] == [
        ("launch_date", 1), ("launch_date", 1), ("rover_mass", 2), ("rover_mass", 2),
        ("event_date", 0), ("event_date", 0),
    ]


def test_sarif_result_locates_the_claim_and_relates_the_other_side() -> None:
    toi = next(r for r in _results(_sarif(), "launch_date") if "toi-summit" in json.dumps(r["locations"]))
    place = toi["locations"][0]["physicalLocation"]
    assert place["artifactLocation"] == {"uri": f"{PREFIX}toi-summit.md", "uriBaseId": "%SRCROOT%"}
    # "Officials now say LUPEX will launch in 2028": 2028 starts at column 40 of line 2.
    assert place["region"] == {"startLine": 2, "startColumn": 40, "endColumn": 44, "snippet": {"text": "2028"}}
    related = toi["relatedLocations"]
    assert [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"])
            for r in related] == [(1, f"{PREFIX}wion-lupex.md", 2)]
    assert toi["message"]["text"] == f"lupex launch_date: 2028 here vs 2027 in {PREFIX}wion-lupex.md:2"


def test_sarif_reviewed_finding_is_suppressed_with_the_reviewers_justification() -> None:
    log = _sarif()
    assert all(r["suppressions"] == [{
        "kind": "external", "status": "accepted",
        "justification": "dismissed by ben on 2025-09-02: The second source is not trustworthy.",
    }] for r in _results(log, "rover_mass"))
    # Changed since review is open again: not suppressed.
    assert not any("suppressions" in r for r in _results(log, "launch_date") + _results(log, "event_date"))


def test_sarif_fingerprints_are_unique_and_stable_across_runs_and_line_moves() -> None:
    def prints(data: ReportData) -> list[str]:
        return [r["partialFingerprints"]["claimrecon/v1"] for r in _results(_sarif(data))]

    moved = REPORT.model_copy(update={"claims": [
        c.model_copy(update={"evidence": c.evidence.model_copy(update={"line": c.evidence.line + 7})})
        for c in REPORT.claims]})
    assert prints(REPORT) == prints(REPORT) == prints(moved)
    assert len(set(prints(REPORT))) == len(prints(REPORT))
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in _results(_sarif(moved))]
    assert lines[:2] == [9, 9]


def test_sarif_lists_refinements_as_notes_only_when_they_fail_the_check() -> None:
    assert _results(_sarif(), "launch_vehicle") == []
    notes = _results(_sarif(fail_on="refinement"), "launch_vehicle")
    assert [r["level"] for r in notes] == ["note", "note"]


def test_sarif_problems_are_tool_notifications() -> None:
    invocation = _sarif()["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": f"{PREFIX}broken.md", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 3}}


def test_sarif_sample_corpus_paths_have_no_base() -> None:
    log = _sarif(REPORT.model_copy(update={"corpus": "<sample>"}))
    assert _results(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "wion-lupex.md"}


# --- junit -----------------------------------------------------------------------------------------

def _junit(data: ReportData = REPORT) -> ET.Element:
    return ET.fromstring(_render("junit", data).encode("utf-8"))


def test_junit_one_case_per_finding_failures_for_open_skips_for_reviewed() -> None:
    suite = _junit().find("testsuite[@name='claimrecon']")
    assert suite is not None
    assert {k: suite.get(k) for k in ("tests", "failures", "skipped", "errors")} == {
        "tests": "6", "failures": "2", "skipped": "1", "errors": "0"}
    outcome = {(c.get("classname"), c.get("name")): [child.tag for child in c] for c in suite.iter("testcase")}
    assert outcome == {
        ("lupex", "launch_date"): ["failure"], ("space-dialogue-3", "event_date"): ["failure"],
        ("lupex", "rover_mass"): ["skipped"], ("lupex", "launch_vehicle"): [], ("lupex", "lander_provider"): [],
        ("tmt", "mirror_diameter"): [],
    }


def test_junit_failure_body_has_values_places_and_quotes() -> None:
    failure = _junit().find("testsuite/testcase[@name='launch_date']/failure")
    assert failure is not None and failure.text is not None
    assert failure.get("message") == f"lupex launch_date: 2028 here vs 2027 in {PREFIX}wion-lupex.md:2"
    assert f'2027  {PREFIX}wion-lupex.md:2  "The LUPEX mission is scheduled to launch in 2027 from Tanegashima."' \
        in failure.text
    skipped = _junit().find("testsuite/testcase[@name='rover_mass']/skipped")
    assert skipped is not None and skipped.get("message", "").startswith("reviewed: dismissed by ben on 2025-09-02")


def test_junit_problems_are_errors_in_their_own_suite() -> None:
    suite = _junit().find("testsuite[@name='claimrecon.inputs']")
    assert suite is not None and suite.get("errors") == "1"
    assert _junit().get("tests") == "7"


def test_junit_survives_characters_xml_cannot_hold() -> None:
    hostile = "NUL\x00 BEL\x07 ESC\x1b[31m FFFE\ufffe text"
    claims = [c.model_copy(update={"evidence": c.evidence.model_copy(update={"quote": hostile})})
              if c.claim_id == C_WION_LAUNCH.claim_id else c for c in REPORT.claims]
    junit = _junit(REPORT.model_copy(update={"claims": claims}))
    failure = junit.find("testsuite/testcase[@name='launch_date']/failure")
    assert failure is not None and '"NUL BEL ESC FFFE\ufffd text"' in (failure.text or "")


# --- text ------------------------------------------------------------------------------------------

def test_text_lists_open_conflicts_with_places_and_quotes_then_problems_and_a_count() -> None:
    text = _render("text")
    assert f"conflict {F_LAUNCH.finding_id[:12]} lupex.launch_date (drift, changed since review)\n" in text
    assert f'  2028  {PREFIX}toi-summit.md:2  "Officials now say LUPEX will launch in 2028 on an H3 rocket."\n' in text
    assert "rover_mass" not in text
    assert f"problems:\n  {PREFIX}broken.md:3: error: `published: 15/05/2025`" in text
    assert text.endswith("\n2 unreviewed conflicts, 1 reviewed (6 findings, 4 sources)\n")


def test_text_with_nothing_open_says_so() -> None:
    closed = [f for f in REPORT.findings if f.status != "conflict" or f is F_MASS]
    data = REPORT.model_copy(update={"findings": closed, "problems": []})
    assert _render("text", data) == "no unreviewed conflicts (4 findings, 4 sources)\n"


def test_text_strips_terminal_escapes_from_article_text() -> None:
    data = REPORT.model_copy(update={"findings": [F_MASS.model_copy(update={"review": None})]})
    text = _render("text", data)
    assert "340 kg" in text and "\x1b" not in text and "surely so." in text


def _widespread(sources: int = 8) -> ReportData:
    """One conflict: 2027 stated by `sources` sources (s00 … s07), 2028 by one."""
    said = [_source(f"s{n:02d}", dt.date(2025, 1, 1 + n)) for n in range(sources)]
    late = _source("late", dt.date(2025, 6, 1))
    claims = [_claim(s, "lupex", 2027) for s in said] + [_claim(late, "lupex", 2028)]
    by_value = {year: [c for c in claims if c.value.text == str(year)] for year in (2027, 2028)}
    groups = [ValueGroup(value=cs[0].value, sources=sorted(c.source_id for c in cs),
                         claim_ids=sorted(c.claim_id for c in cs)) for cs in by_value.values()]
    finding = _conflict(claims[0], claims[-1]).model_copy(update={"values": groups})
    return ReportData(corpus="corpus", sources=[*said, late], claims=claims, findings=[finding], problems=[])


def _places(text: str, value: str) -> list[str]:
    return [line.split()[1] for line in text.splitlines() if line.startswith(f"  {value}  corpus/")]


@pytest.mark.parametrize("places, shown, more", [(3, 3, "and 5 more places"), (7, 7, "and 1 more place"),
                                                 (8, 8, None), (None, 8, None)])
def test_text_lists_a_few_places_per_value_and_counts_the_rest(places: int | None, shown: int, more: str | None) -> None:
    text = _render("text", _widespread(), places=places)
    assert _places(text, "2027") == [f"corpus/news/s{n:02d}.txt:2" for n in range(shown)]  # in source order
    assert _places(text, "2028") == ["corpus/news/late.txt:2"]
    assert [line for line in text.splitlines() if "more place" in line] == ([f"  2027  {more}"] if more else [])


def test_text_lists_the_places_of_changed_sources_first() -> None:
    text = _render("text", _widespread(), places=3, changed={"s06", "late"})
    assert _places(text, "2027") == ["corpus/news/s06.txt:2", "corpus/news/s00.txt:2", "corpus/news/s01.txt:2"]


def test_junit_and_github_summary_keep_to_the_same_places(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    _render("github", _widespread(), places=2, summary_path=summary)
    assert summary.read_text(encoding="utf-8").count("news/s0") == 2
    assert "- **2027**: and 6 more places" in summary.read_text(encoding="utf-8")
    body = ET.fromstring(_render("junit", _widespread(), places=2)).find(".//failure")
    assert body is not None and (body.text or "").count("news/s0") == 2 and "2027  and 6 more places" in (body.text or "")


# --- registry and determinism ---------------------------------------------------------------------

def test_check_formats_registry_default_first_and_described() -> None:
    assert list(CHECK_FORMATS) == ["text", "github", "sarif", "junit"]
    assert all(r.describes and "\n" not in r.describes for r in CHECK_FORMATS.values())
    with pytest.raises(KeyError, match="text, github, sarif, junit"):
        _render("markdown")


@pytest.mark.parametrize("fmt", list(CHECK_FORMATS))
def test_check_output_is_byte_identical_whatever_the_input_order(fmt: str) -> None:
    shuffled = REPORT.model_copy(update={
        "sources": list(reversed(REPORT.sources)), "claims": list(reversed(REPORT.claims)),
        "findings": [f.model_copy(update={"values": list(reversed(f.values))}) for f in reversed(REPORT.findings)],
    })
    assert _render(fmt) == _render(fmt) == _render(fmt, shuffled)
