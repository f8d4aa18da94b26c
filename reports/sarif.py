"""`claimrecon check --format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.

One rule per field, one result per (conflict, value, source): located on that source's sentence,
with the other side's sentences as related locations. `partialFingerprints["claimrecon/v1"]` is a
hash of entity, field, value and source, so a result keeps its identity across runs and when its
sentence moves to another line. A reviewed finding's results carry an external, accepted
suppression whose justification is the analyst's decision. Input problems are tool notifications.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from claims import content_id, value_label
from reconcile import Finding, ReportData, ValueGroup
from reports.checkview import (
    CheckIndex,
    CheckOptions,
    Located,
    corpus_path,
    is_checked,
    is_failing,
    review_line,
    sorted_groups,
)
from reports.data import sorted_problems
from reports.escape import normalise_line, strip_controls
from sources import Problem

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT = "claimrecon/v1"
SOURCE_ROOT = "%SRCROOT%"  # the repository root, where GitHub resolves relative uris
_REDUCED_SUFFIXES = (".html", ".htm")  # their text is reduced from markup: no columns in the file


def render_sarif(data: ReportData, options: CheckOptions) -> str:
    """The SARIF log as JSON (indent 2), results in a fixed order: entity, field, finding, value, source."""
    index = CheckIndex(data)
    findings = sorted((f for f in data.findings if is_checked(f, options)),
                      key=lambda f: (f.entity, f.field, f.finding_id))
    fields = sorted({f.field for f in findings})
    results = [r for f in findings for r in _results(index, f, options, fields.index(f.field))]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "claimrecon", "rules": [_rule(field) for field in fields]}},
        "invocations": [_invocation(data)],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def fingerprint(finding: Finding, group: ValueGroup, source_id: str) -> str:
    """The stable identity of a result: a hash of entity, field, the value's label and the source id."""
    return content_id([finding.entity, finding.field, value_label(group.value), source_id])


def _rule(field: str) -> dict[str, Any]:
    return {
        "id": field,
        "shortDescription": {"text": f"Sources disagree on {field}"},
        "fullDescription": {"text": f"Sources state values of {field} for the same entity that cannot both "
                                    "be true (a conflict) or, with --fail-on refinement, that differ in precision."},
        "help": {"text": "Read the quoted sentences, then record a decision with `claimrecon review "
                         "accept|supersede|dismiss FINDING` so the check passes."},
        "defaultConfiguration": {"level": "error"},
    }


def _results(index: CheckIndex, finding: Finding, options: CheckOptions, rule_index: int) -> list[dict[str, Any]]:
    out = []
    for group in sorted_groups(finding):
        claims = index.group_claims(group)
        for source_id in sorted({c.claim.source_id for c in claims}):
            here = next(c for c in claims if c.claim.source_id == source_id)
            out.append(_result(index, finding, options, rule_index, group, here))
    return out


def _result(index: CheckIndex, finding: Finding, options: CheckOptions, rule_index: int,
            group: ValueGroup, here: Located) -> dict[str, Any]:
    others = [c for g in sorted_groups(finding) if g is not group
              for c in index.group_claims(g, options.places, options.changed)]
    result: dict[str, Any] = {
        "ruleId": finding.field,
        "ruleIndex": rule_index,
        "level": _level(finding, options),
        "message": {"text": index.describe(finding, here)},
        "locations": [{"physicalLocation": _physical(index, here)}],
        "relatedLocations": [
            {"id": n, "physicalLocation": _physical(index, other),
             "message": {"text": f"{normalise_line(other.claim.value.text)} in {other.claim.source_id}"}}
            for n, other in enumerate(others, start=1)
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding, group, here.claim.source_id)},
        "properties": {"findingId": finding.finding_id, "entity": finding.entity, "status": finding.status,
                       "drift": finding.drift},
    }
    if not is_failing(finding, options) and finding.review is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": review_line(finding)}]
    return result


def _level(finding: Finding, options: CheckOptions) -> str:
    if finding.status != "conflict":
        return "note"
    return "warning" if options.fail_on == "never" else "error"


def _physical(index: CheckIndex, located: Located) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": located.line}
    region.update(_columns(located))
    context = {"startLine": located.line, "snippet": {"text": strip_controls(located.claim.evidence.quote)}}
    return {"artifactLocation": artifact(index.data, located.path), "region": region, "contextRegion": context}


def artifact(data: ReportData, path: str) -> dict[str, str]:
    """The artifactLocation of a repository path: a relative uri from the source root, %-encoded."""
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, safe="/")}
    location = {"uri": quote(path, safe="/")}
    if data.corpus != "<sample>":
        location["uriBaseId"] = SOURCE_ROOT
    return location


def _columns(located: Located) -> dict[str, Any]:
    """startColumn, endColumn and the value's own text when the source's text maps onto its file."""
    source, evidence = located.source, located.claim.evidence
    if source is None or source.path.lower().endswith(_REDUCED_SUFFIXES):
        return {}
    text = source.text
    if not 0 <= evidence.start <= evidence.end <= len(text) \
            or source.line_offset + text.count("\n", 0, evidence.start) + 1 != evidence.line:
        return {}
    column = evidence.start - (text.rfind("\n", 0, evidence.start) + 1) + 1
    span = text[evidence.start:evidence.end]
    if "\n" in span or not span:
        return {"startColumn": column}
    return {"startColumn": column, "endColumn": column + len(span), "snippet": {"text": strip_controls(span)}}


def _invocation(data: ReportData) -> dict[str, Any]:
    notes = [_notification(data, p) for p in sorted_problems(data.problems)]
    invocation: dict[str, Any] = {"executionSuccessful": not any(p.severity == "error" for p in data.problems)}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _notification(data: ReportData, problem: Problem) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact(data, corpus_path(data, problem.path))}
    if problem.line:
        physical["region"] = {"startLine": problem.line}
    return {"level": problem.severity, "message": {"text": normalise_line(problem.message)},
            "locations": [{"physicalLocation": physical}]}
