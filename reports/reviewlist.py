"""`claimrecon review`: the open conflicts an analyst still has to decide, as plain text."""
from __future__ import annotations

from claims import value_label
from reconcile import Finding, ReportData, is_open

from reports.escape import normalise_line


def render_review_list(data: ReportData) -> str:
    """Open conflicts (id, entity.field, values with their sources), then orphaned decisions."""
    lines: list[str] = []
    open_findings = sorted((f for f in data.findings if f.status == "conflict" and is_open(f)),
                           key=lambda f: (f.entity, f.field, f.finding_id))
    for finding in open_findings:
        lines.extend(_finding_lines(finding))
    if not open_findings:
        decided = sum(1 for f in data.findings if f.status == "conflict")
        lines.append(f"no open conflicts ({decided} conflict{'s' * (decided != 1)} reviewed)")
    for decision in data.orphans:
        lines.append(f"orphaned decision: {decision.entity}.{decision.field} {decision.verdict} "
                     f"({', '.join(decision.values)}) by {normalise_line(decision.who)} on {decision.when}: "
                     "no finding has this entity and field any more")
    return "\n".join(lines) + "\n"


def _finding_lines(finding: Finding) -> list[str]:
    state = ""
    if finding.review is not None and finding.review.state == "changed-since-review":
        added = ", ".join(finding.review.added_values) or "none"
        removed = ", ".join(finding.review.removed_values) or "none"
        state = f"  [changed since review: added {added}; removed {removed}]"
    elif finding.review is not None:
        state = f"  [{finding.review.verdict} only]"
    lines = [f"{finding.finding_id[:12]}  {finding.entity}.{finding.field}{state}"]
    for group in finding.values:
        text = normalise_line(group.value.text)
        lines.append(f"    {value_label(group.value):<26} {text!r:<28} {', '.join(group.sources)}")
    return lines
