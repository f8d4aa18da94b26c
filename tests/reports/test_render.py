"""Renderers: golden files for every format, determinism, the JSON shapes of CONTRACT.md, the registry."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import pytest
from tests.reports.fixtures import C_HOSTILE_MASS, F_LAUNCH, REPORT

from reconcile import ReportData
from reports.data import CSV_COLUMNS
from reports.registry import CLAIM_FORMATS, REPORT_FORMATS, render_claims, render_report

GOLDENS = [
    (render_report, "markdown", "report.md"),
    (render_report, "json", "report.json"),
    (render_report, "html", "report.html"),
    (render_claims, "csv", "claims.csv"),
    (render_claims, "jsonl", "claims.jsonl"),
]
Render = Callable[[ReportData, str], str]


@pytest.mark.parametrize("render, fmt, name", GOLDENS, ids=[name for _, _, name in GOLDENS])
def test_render_matches_golden_file(render: Render, fmt: str, name: str, golden: Callable[[str, str], None]) -> None:
    golden(name, render(REPORT, fmt))


@pytest.mark.parametrize("registry, render", [(REPORT_FORMATS, render_report), (CLAIM_FORMATS, render_claims)])
def test_render_is_byte_identical_between_runs(registry: dict[str, object], render: Render) -> None:
    for fmt in registry:
        shuffled = REPORT.model_copy(update={
            "sources": list(reversed(REPORT.sources)), "claims": list(reversed(REPORT.claims)),
            "findings": list(reversed(REPORT.findings)), "reliability": dict(reversed(REPORT.reliability.items())),
        })
        assert render(REPORT, fmt) == render(REPORT, fmt) == render(shuffled, fmt), fmt


def test_registry_names_suffixes_and_defaults() -> None:
    assert list(REPORT_FORMATS) == ["markdown", "json", "html"]
    assert list(CLAIM_FORMATS) == ["jsonl", "json", "csv"]
    assert {r.name: r.suffix for r in REPORT_FORMATS.values()} == {"markdown": ".md", "json": ".json", "html": ".html"}
    assert all(r.describes and "\n" not in r.describes for r in [*REPORT_FORMATS.values(), *CLAIM_FORMATS.values()])


def test_render_unknown_format_names_the_choices() -> None:
    with pytest.raises(KeyError, match="markdown, json, html"):
        render_report(REPORT, "sarif")


# --- JSON report -------------------------------------------------------------------------------

def _report_json() -> dict[str, object]:
    return json.loads(render_report(REPORT, "json"))  # type: ignore[no-any-return]


def test_report_json_top_level_keys_in_order() -> None:
    assert list(_report_json()) == [
        "sources", "findings", "summary", "problems", "orphaned_reviews", "reliability", "copy_clusters",
    ]


def test_report_json_leaves_out_reliability_and_copies_when_empty() -> None:
    bare = REPORT.model_copy(update={"reliability": {}, "copy_clusters": []})
    assert list(json.loads(render_report(bare, "json"))) == ["sources", "findings", "summary", "problems", "orphaned_reviews"]


def test_report_json_summary_counts_the_fixture() -> None:
    # Three conflicts: launch date (changed since review), rover mass (reviewed), dialogue (not reviewed).
    assert _report_json()["summary"] == {
        "sources": 4, "claims": 11, "conflicts": 3, "refinements": 1, "agreements": 1,
        "single_source": 1, "unreviewed_conflicts": 2,
    }


def test_report_json_finding_always_has_review_and_drift() -> None:
    findings = {f["field"]: f for f in _report_json()["findings"]}  # type: ignore[attr-defined]
    assert findings["lander_provider"]["review"] is None
    assert findings["lander_provider"]["drift"] is False
    assert findings["launch_date"]["drift"] is True
    assert findings["launch_date"]["review"]["state"] == "changed-since-review"
    assert list(findings["launch_date"])[:6] == ["finding_id", "entity", "field", "status", "drift", "values"]
    assert list(findings["lander_provider"]) == ["finding_id", "entity", "field", "status", "drift", "values", "review"]


def test_report_json_finding_values_are_typed() -> None:
    launch = next(f for f in _report_json()["findings"] if f["finding_id"] == F_LAUNCH.finding_id)  # type: ignore[attr-defined]
    assert launch["values"][0] == {
        "value": {"type": "date", "start": "2027-01-01", "end": "2027-12-31", "text": "2027"},
        "sources": ["wion-lupex"], "claim_ids": F_LAUNCH.values[0].claim_ids,
    }


@pytest.mark.parametrize("source_id, published", [("wion-lupex", "2025-05-15"), ("toi-summit", "2025-08"), ("isro-brief", "2025")])
def test_report_json_source_published_is_the_written_form(source_id: str, published: str) -> None:
    source = next(s for s in _report_json()["sources"] if s["id"] == source_id)  # type: ignore[attr-defined]
    assert source["published"] == published


def test_report_json_sources_have_no_text_and_no_empty_extra() -> None:
    sources = {s["id"]: s for s in _report_json()["sources"]}  # type: ignore[attr-defined]
    assert all("text" not in s for s in sources.values())
    assert "extra" not in sources["wion-lupex"]
    assert sources["isro-brief"]["extra"] == {"language": "en"}
    assert "published" not in sources["zz-hostile"]


# --- claims ------------------------------------------------------------------------------------

def test_claims_jsonl_has_contract_keys_in_source_order() -> None:
    lines = render_claims(REPORT, "jsonl").splitlines()
    claims = [json.loads(line) for line in lines]
    assert len(claims) == 11
    assert all(list(c) == ["claim_id", "source_id", "entity", "field", "value", "evidence", "rule"] for c in claims)
    assert all(list(c["evidence"]) == ["quote", "start", "end", "line"] for c in claims)
    keys = [(c["source_id"], c["evidence"]["start"], c["entity"], c["field"], c["claim_id"]) for c in claims]
    assert keys == sorted(keys)


def test_claims_jsonl_evidence_span_is_the_value_text_in_the_source() -> None:
    texts = {s.id: s.text for s in REPORT.sources}
    for line in render_claims(REPORT, "jsonl").splitlines():
        claim = json.loads(line)
        span = texts[claim["source_id"]][claim["evidence"]["start"]:claim["evidence"]["end"]]
        assert span == claim["value"]["text"]


def test_claims_json_is_an_array_of_the_jsonl_records() -> None:
    as_lines = [json.loads(line) for line in render_claims(REPORT, "jsonl").splitlines()]
    assert json.loads(render_claims(REPORT, "json")) == as_lines


def test_claims_csv_columns_and_typed_cells() -> None:
    rows = list(csv.DictReader(io.StringIO(render_claims(REPORT, "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_field = {(r["source_id"], r["field"]): r for r in rows}
    mass = by_field[("wion-lupex", "rover_mass")]
    assert (mass["value_type"], mass["value"], mass["value_number"], mass["unit"], mass["qualifier"]) == (
        "quantity", "~350 kg", "350", "kg", "approx")
    launch = by_field[("toi-summit", "launch_date")]
    assert (launch["start"], launch["end"], launch["value_number"], launch["text"]) == ("2028-01-01", "2028-12-31", "", "2028")
    vehicle = by_field[("isro-brief", "launch_vehicle")]
    assert (vehicle["ref"], vehicle["line"], vehicle["rule"]) == ("h3-24l", "3", "launch_vehicle.fixture.v1")


def test_claims_csv_uses_unix_line_ends() -> None:
    text = render_claims(REPORT, "csv")
    assert "\r\n" not in text and text.endswith("\n")


def test_claims_csv_cell_keeps_the_quote_otherwise_intact() -> None:
    rows = list(csv.DictReader(io.StringIO(render_claims(REPORT, "csv"))))
    hostile = next(r for r in rows if r["claim_id"] == C_HOSTILE_MASS.claim_id)
    assert hostile["quote"].startswith("'=HYPERLINK(")
    assert "\n" in hostile["quote"]  # csv quoting carries the newline safely


# --- Markdown ----------------------------------------------------------------------------------

def test_markdown_sections_come_in_reading_order() -> None:
    headings = re.findall(r"^## (.+)$", render_report(REPORT, "markdown"), flags=re.MULTILINE)
    assert headings == ["Conflicts", "Refinements", "Agreements", "Single-source facts", "Input problems",
                        "Orphaned reviews", "Source reliability", "Likely copies"]


def test_markdown_summary_line_counts() -> None:
    lines = render_report(REPORT, "markdown").splitlines()
    assert lines[2] == ("4 sources, 11 claims, 3 conflicts (2 unreviewed), 1 refinement, 1 agreement, "
                        "1 single-source fact.")


def test_markdown_conflict_shows_drift_review_change_and_suggestion() -> None:
    text = render_report(REPORT, "markdown")
    block = text.split("### lupex · launch\\_date", 1)[1].split("###", 1)[0]
    assert "- **Status:** conflict, with drift" in block
    assert "**changed since review** (added: 2028-01-01..2028-12-31) — was superseded by asha on 2025-06-01" in block
    assert "- **Suggested:** 2028-01-01..2028-12-31 (confidence 0.82) — the most recent source; names the rocket" in block
    assert "> The LUPEX mission is scheduled to launch in **2027** from Tanegashima." in block


def test_markdown_input_problem_names_path_and_line() -> None:
    assert "- broken.md:3: error: \\`published: 15/05/2025\\` is not YYYY-MM-DD" in render_report(REPORT, "markdown")


def test_markdown_links_only_http_sources() -> None:
    links = re.findall(r"\]\(([^)]*)\)", render_report(REPORT, "markdown"))
    assert set(links) == {"https://example.org/wion/lupex?a=1&b=2", "https://example.org/toi/summit"}
