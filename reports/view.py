"""What every renderer reads from a ReportData: counts, lookups, order, and the quoted value's place."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from claims import Claim, ClaimStore, value_label
from reconcile import Finding, ReportData, ReviewState, ValueGroup, is_open
from sources import Source, sources_by_id

ReviewFilter = Literal["unreviewed", "reviewed", "changed-since-review"]
STATUS_ORDER = ("conflict", "refinement", "agreement", "single-source")


class ReportSummary(BaseModel):
    """The counts at the top of every report (the `summary` key of the JSON report)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    sources: int
    claims: int
    conflicts: int
    refinements: int
    agreements: int
    single_source: int
    unreviewed_conflicts: int


def review_filter(finding: Finding) -> ReviewFilter:
    """`reviewed` only when a decision covers the finding's current values; else what is missing."""
    return finding.review.state if finding.review else "unreviewed"


def summarise_report(data: ReportData) -> ReportSummary:
    """Counts of sources, claims and findings by status; an open conflict (see `reconcile.is_open`) is unreviewed."""
    statuses = Counter(finding.status for finding in data.findings)
    unreviewed = sum(1 for finding in data.findings if finding.status == "conflict" and is_open(finding))
    return ReportSummary(
        sources=len(data.sources), claims=len(data.claims), conflicts=statuses["conflict"],
        refinements=statuses["refinement"], agreements=statuses["agreement"],
        single_source=statuses["single-source"], unreviewed_conflicts=unreviewed,
    )


def sorted_findings(data: ReportData, status: str | None = None) -> list[Finding]:
    """The findings (of one status, if given) in report order: entity, field, id."""
    chosen = [f for f in data.findings if status is None or f.status == status]
    return sorted(chosen, key=lambda f: (f.entity, f.field, f.finding_id))


@dataclass(frozen=True)
class ReportIndex:
    """Sources and claims of one report by id; claims kept encoded are decoded as they are looked up."""

    sources: Mapping[str, Source]
    store: ClaimStore

    @classmethod
    def of(cls, data: ReportData) -> ReportIndex:
        """The index of a report's sources and claims."""
        store = data.claims if isinstance(data.claims, ClaimStore) else ClaimStore(data.claims)
        return cls(sources=sources_by_id(data.sources), store=store)

    def claims_by_source(self, group: ValueGroup) -> dict[str, list[Claim]]:
        """The claims behind one value by source, each source's in source order (one pass per
        value: a value stated by a thousand sources is not searched a thousand times)."""
        out: dict[str, list[Claim]] = {}
        for claim in self.store.first(group.claim_ids, len(group.claim_ids)):
            out.setdefault(claim.source_id, []).append(claim)
        return out


def split_quote(claim: Claim, source: Source | None) -> tuple[str, str, str]:
    """The claim's quote cut into (before, value, after) around the words that state the value.

    Evidence offsets index the source text, so they place the value exactly when the quote can be
    found there; otherwise the value's text is looked up in the quote. `value` is "" when neither works.

    >>> from claims import Evidence, RefValue
    >>> ev = Evidence(quote="It flies on an H3.", start=15, end=17, line=1)
    >>> c = Claim(claim_id="c", source_id="s", entity="e", field="f",
    ...           value=RefValue(id="h3", text="H3"), evidence=ev, rule="r")
    >>> split_quote(c, None)
    ('It flies on an ', 'H3', '.')
    """
    quote = claim.evidence.quote
    span = _span_from_source(claim, source) or _span_from_text(quote, claim.value.text)
    if span is None:
        return quote, "", ""
    start, end = span
    return quote[:start], quote[start:end], quote[end:]


def _span_from_source(claim: Claim, source: Source | None) -> tuple[int, int] | None:
    """The value's span inside the quote, from the evidence offsets into the source text."""
    evidence = claim.evidence
    if source is None or not evidence.quote:
        return None
    at = source.text.rfind(evidence.quote, 0, evidence.start + 1)
    inside = at >= 0 and at <= evidence.start < evidence.end <= at + len(evidence.quote)
    return (evidence.start - at, evidence.end - at) if inside else None


def _span_from_text(quote: str, text: str) -> tuple[int, int] | None:
    """Where the value's surface text first appears in the quote, exactly or else ignoring case."""
    if not text:
        return None
    at = quote.find(text)
    if at < 0 and len(quote.lower()) == len(quote):  # lower() can change lengths ("İ")
        at = quote.lower().find(text.lower())
    return (at, at + len(text)) if at >= 0 else None


def decision_text(review: ReviewState, clean: Callable[[str], str]) -> str:
    """`dismissed (extraction-error) by ben on 2025-09-02, value 2028`: the decision in words, with
    what the analyst typed (and the value) passed through the format's `clean`."""
    verdict = f"{review.verdict} ({review.reason})" if review.reason else review.verdict
    text = f"{verdict} by {clean(review.who)} on {clean(review.when)}"
    if review.value is not None:
        text += f", value {clean(value_label(review.value))}"
    return text
