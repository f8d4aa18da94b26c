"""Machine-readable renderers: the JSON report, and claims as JSON Lines, JSON or CSV.

The shapes are CONTRACT.md section 4: each record is the model's own `model_dump`, with the few
mappings the contract asks for (a finding always has `review` and `drift`; a source has no
`text` and its `published` is the string `2025-08`).
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from claims import Claim, DateValue, QuantityValue, RefValue, claim_order, value_label
from reconcile import Finding, ReportData
from reports.escape import neutralise_formula, strip_controls
from reports.view import sorted_findings, summarise_report
from sources import Problem, Source

CSV_COLUMNS = (
    "claim_id", "source_id", "entity", "field", "value_type", "value", "start", "end",
    "value_number", "unit", "ref", "qualifier", "text", "quote", "line", "span_start", "span_end", "rule",
)
# Columns we fill with numbers ourselves; every other cell may carry article text.
_NUMERIC_COLUMNS = frozenset({"value_number", "line", "span_start", "span_end"})


def render_report_json(data: ReportData) -> str:
    """The JSON report: sources, findings, summary, problems, orphaned reviews (+ reliability, copies)."""
    document: dict[str, Any] = {
        "sources": [source_json(s) for s in sorted(data.sources, key=lambda s: s.id)],
        "findings": [finding_json(f) for f in sorted_findings(data)],
        "summary": summarise_report(data).model_dump(mode="json"),
        "problems": [p.model_dump(mode="json", exclude_none=True) for p in sorted_problems(data.problems)],
        "orphaned_reviews": [
            o.model_dump(mode="json", exclude_none=True)
            for o in sorted(data.orphans, key=lambda o: (o.entity, o.field, o.values, o.when))
        ],
    }
    if data.reliability:
        document["reliability"] = dict(sorted(data.reliability.items()))
    if data.copy_clusters:
        document["copy_clusters"] = sorted(sorted(cluster) for cluster in data.copy_clusters)
    return _dump(document)


def render_claims_jsonl(data: ReportData) -> str:
    """One claim per line, as CONTRACT.md section 4 shows, in source order."""
    return "".join(json.dumps(claim_json(c), ensure_ascii=False) + "\n" for c in sorted_claims(data))


def render_claims_json(data: ReportData) -> str:
    """All claims as one JSON array, in the order of `render_claims_jsonl`."""
    return _dump([claim_json(c) for c in sorted_claims(data)])


def render_claims_csv(data: ReportData) -> str:
    """One row per claim, spreadsheet-safe: a text cell starting with = + - @ gets a leading `'`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for claim in sorted_claims(data):
        row = claim_row(claim)
        writer.writerow(
            [row[column] if column in _NUMERIC_COLUMNS else neutralise_formula(row[column]) for column in CSV_COLUMNS]
        )
    return buffer.getvalue()


def source_json(source: Source) -> dict[str, Any]:
    """A source as the JSON report lists it: no text, no empty extras, `published` as `2025-08`."""
    dumped = source.model_dump(mode="json", exclude_none=True, exclude={"text"})
    if source.published is not None:
        dumped["published"] = str(source.published)
    if not source.extra:
        dumped.pop("extra", None)
    return dumped


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as its model dumps it, except that `review` is always there (null when none)."""
    dumped = finding.model_dump(mode="json", exclude_none=True)
    always = {"review": None, "drift": finding.drift}
    return {key: dumped.get(key, always.get(key)) for key in Finding.model_fields if key in dumped or key in always}


def claim_json(claim: Claim) -> dict[str, Any]:
    """A claim as CONTRACT.md section 4 shows it."""
    return claim.model_dump(mode="json", exclude_none=True)


def claim_row(claim: Claim) -> dict[str, str]:
    """The CSV cells of one claim by column name; empty strings where a value type has no such part."""
    value = claim.value
    return {
        "claim_id": claim.claim_id, "source_id": claim.source_id, "entity": claim.entity,
        "field": claim.field, "value_type": value.type, "value": value_label(value),
        **_value_cells(value),
        "text": strip_controls(value.text), "quote": strip_controls(claim.evidence.quote),
        "line": str(claim.evidence.line), "span_start": str(claim.evidence.start),
        "span_end": str(claim.evidence.end), "rule": claim.rule,
    }


def _value_cells(value: DateValue | QuantityValue | RefValue) -> dict[str, str]:
    """The type-specific CSV cells: start/end for dates, number/unit for quantities, ref for refs."""
    cells = dict.fromkeys(("start", "end", "value_number", "unit", "ref", "qualifier"), "")
    if isinstance(value, DateValue):
        cells["start"] = value.start.isoformat() if value.start else ""
        cells["end"] = value.end.isoformat() if value.end else ""
    elif isinstance(value, QuantityValue):
        cells["value_number"], cells["unit"] = f"{value.value:.15g}", value.unit
    else:
        cells["ref"] = value.id
    if not isinstance(value, RefValue) and value.qualifier:
        cells["qualifier"] = value.qualifier
    return cells


def sorted_claims(data: ReportData) -> list[Claim]:
    """The claims in contract order: (source_id, evidence.start, entity, field, claim_id)."""
    return sorted(data.claims, key=claim_order)


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Problems by path, then line (a problem without a line first), then message."""
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))


def _dump(document: Any) -> str:
    """JSON with two-space indent, keys in model order, non-ASCII kept, and a final newline."""
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
