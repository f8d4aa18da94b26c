"""The Markdown report: what a person reads, conflicts first, every article string made inert.

Article text (titles, publishers, urls, quotes) goes through `reports.escape` so that it cannot
add markup, HTML, links or table columns, nor send control sequences to a terminal.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from tabulate import tabulate  # type: ignore[import-untyped, unused-ignore]

from claims import value_label
from reconcile import Finding, ReportData, ReviewState, Suggestion, ValueGroup
from reports.data import sorted_problems
from reports.escape import escape_markdown, escape_markdown_fragment, guard_line_start, safe_link_url
from reports.view import ReportIndex, ReportSummary, decision_text, sorted_findings, split_quote, summarise_report
from sources import Source

_COMPACT_SECTIONS = (("refinement", "Refinements"), ("agreement", "Agreements"), ("single-source", "Single-source facts"))


def render_markdown(data: ReportData) -> str:
    """The whole Markdown report as one string ending in a newline."""
    index = ReportIndex.of(data)
    blocks = [f"# Claim reconciliation report: {escape_markdown(data.corpus)}", summary_line(summarise_report(data))]
    blocks += _conflicts_section(data, index)
    for status, heading in _COMPACT_SECTIONS:
        blocks += [f"## {heading}", _compact_table(sorted_findings(data, status))]
    blocks += _appendix_sections(data)
    return "\n\n".join(blocks) + "\n"


def summary_line(summary: ReportSummary) -> str:
    """`5 sources, 30 claims, 2 conflicts (1 unreviewed), 3 refinements, …` with plurals right."""
    parts = [
        _count(summary.sources, "source"), _count(summary.claims, "claim"),
        f"{_count(summary.conflicts, 'conflict')} ({summary.unreviewed_conflicts} unreviewed)",
        _count(summary.refinements, "refinement"), _count(summary.agreements, "agreement"),
        _count(summary.single_source, "single-source fact"),
    ]
    return ", ".join(parts) + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _conflicts_section(data: ReportData, index: ReportIndex) -> list[str]:
    conflicts = sorted_findings(data, "conflict")
    if not conflicts:
        return ["## Conflicts", "None."]
    return ["## Conflicts"] + [_conflict_block(finding, index) for finding in conflicts]


def _conflict_block(finding: Finding, index: ReportIndex) -> str:
    """One conflict: heading, facts list, values table, then the quoted evidence of each value."""
    heading = f"### {escape_markdown(finding.entity)} · {escape_markdown(finding.field)}"
    parts = [heading, "\n".join(_facts(finding)), _values_table(finding, index)]
    parts += [quote for group in finding.values for quote in _evidence_quotes(group, index)]
    return "\n\n".join(parts)


def _facts(finding: Finding) -> list[str]:
    """The bullet list under a conflict's heading: status, hint, review and suggestion."""
    status = "conflict, with drift (a newer source gives a later value)" if finding.drift else "conflict"
    facts = [f"- **Status:** {status}"]
    if finding.hint:
        facts.append(f"- **Hint:** {escape_markdown(finding.hint)}")
    facts.append(f"- **Review:** {_review_text(finding.review)}")
    if finding.suggestion:
        facts.append(f"- **Suggested:** {_suggestion_text(finding.suggestion)}")
    return facts


def _review_text(review: ReviewState | None) -> str:
    """`accepted by asha on 2025-06-01 …`; says first when the values changed since the decision."""
    if review is None:
        return "not reviewed"
    text = decision_text(review, escape_markdown)
    if review.note:
        text += f" — “{escape_markdown(review.note)}”"
    if review.state == "changed-since-review":
        changes = [f"{label}: {', '.join(escape_markdown(v) for v in values)}"
                   for label, values in (("added", review.added_values), ("removed", review.removed_values)) if values]
        text = f"**changed since review** ({'; '.join(changes)}) — was {text}"
    return text


def _suggestion_text(suggestion: Suggestion) -> str:
    text = f"{escape_markdown(value_label(suggestion.value))} (confidence {suggestion.confidence:.2f})"
    if suggestion.reasons:
        text += " — " + "; ".join(escape_markdown(reason) for reason in suggestion.reasons)
    return text


def _values_table(finding: Finding, index: ReportIndex) -> str:
    """Competing values → the sources that state them, one row per (value, source)."""
    rows = []
    for group in finding.values:
        for position, source_id in enumerate(group.sources):
            value = escape_markdown(value_label(group.value)) if position == 0 else ""
            rows.append([value, *_source_cells(index.sources.get(source_id), source_id)])
    return _table(["Value", "Source", "Publisher", "Published"], rows)


def _source_cells(source: Source | None, source_id: str) -> list[str]:
    """Title (a link when the url is http or https), publisher and publication date of a source."""
    if source is None:
        return [escape_markdown(source_id), "", ""]
    title = escape_markdown(source.title or source.id)
    url = safe_link_url(source.url)
    linked = f"[{title}]({url})" if url else title
    return [linked, escape_markdown(source.publisher or ""), str(source.published or "unknown")]


def _evidence_quotes(group: ValueGroup, index: ReportIndex) -> list[str]:
    """A blockquote per claim behind the value: the sentence, the value in bold, then who said it."""
    quotes = []
    by_source = index.claims_by_source(group)
    for source_id in group.sources:
        source = index.sources.get(source_id)
        for claim in by_source.get(source_id, []):
            before, value, after = (escape_markdown_fragment(piece) for piece in split_quote(claim, source))
            sentence = guard_line_start(f"{before}**{value}**{after}".strip() if value else before.strip())
            who = escape_markdown(source.title or source_id) if source else escape_markdown(source_id)
            quotes.append(f"> {sentence}\n>\n> — {who}, line {claim.evidence.line}")
    return quotes


def _compact_table(findings: Sequence[Finding]) -> str:
    """Entity, field, value and its sources, one row per value; entity and field on a finding's first row."""
    if not findings:
        return "None."
    rows = []
    for finding in findings:
        for position, group in enumerate(finding.values):
            first = position == 0
            rows.append([
                escape_markdown(finding.entity) if first else "", escape_markdown(finding.field) if first else "",
                escape_markdown(value_label(group.value)), ", ".join(escape_markdown(s) for s in group.sources),
            ])
    return _table(["Entity", "Field", "Value", "Sources"], rows)


def _appendix_sections(data: ReportData) -> list[str]:
    """Input problems, orphaned reviews, reliability and likely copies: each only when there are any."""
    blocks: list[str] = []
    if data.problems:
        blocks += ["## Input problems", _bullets(str(p) for p in sorted_problems(data.problems))]
    if data.orphans:
        rows = [[escape_markdown(o.entity), escape_markdown(o.field), "; ".join(escape_markdown(v) for v in o.values),
                 o.verdict, escape_markdown(o.who), escape_markdown(o.when)]
                for o in sorted(data.orphans, key=lambda o: (o.entity, o.field, o.values, o.when))]
        blocks += ["## Orphaned reviews", "These decisions match no finding any more.",
                   _table(["Entity", "Field", "Values", "Verdict", "Who", "When"], rows)]
    if data.reliability:
        rows = [[escape_markdown(source), f"{score:.2f}"] for source, score in sorted(data.reliability.items())]
        blocks += ["## Source reliability", _table(["Source", "Score"], rows)]
    if data.copy_clusters:
        clusters = sorted(sorted(cluster) for cluster in data.copy_clusters)
        blocks += ["## Likely copies", _bullets(", ".join(cluster) for cluster in clusters)]
    return blocks


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {escape_markdown(line)}" for line in lines)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-style pipe table; cells are already escaped, so tabulate must not reinterpret them."""
    return str(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True))
