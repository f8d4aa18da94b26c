"""The HTML report: one self-contained file (inline CSS and JS, nothing fetched) that opens from disk.

Jinja2 autoescapes every value. The view built here holds plain strings only: quotes are cut
around the value *before* escaping, so each piece is escaped on its own and the highlight is
ours; a link is kept only for an http(s) url. A Content-Security-Policy that allows exactly our
own style and script (by hash) keeps any markup that slipped through from running.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from claims import Claim, value_label
from reconcile import Finding, ReportData, ReviewState, Suggestion, ValueGroup
from reports.data import sorted_problems
from reports.escape import normalise_line, safe_link_url, strip_controls
from reports.timeline import Timeline, compute_timeline
from reports.view import (
    STATUS_ORDER,
    ReportIndex,
    decision_text,
    review_filter,
    sorted_findings,
    split_quote,
    summarise_report,
)
from sources import Source

REVIEW_FILTERS = (("unreviewed", "not reviewed"), ("reviewed", "reviewed"), ("changed-since-review", "changed since review"))


@dataclass(frozen=True)
class QuoteView:
    """One claim's sentence cut around the value, and the source it comes from."""

    before: str
    mark: str
    after: str
    line: int


@dataclass(frozen=True)
class SourceView:
    """A source behind a value: title, publisher, date, link (http/https only) and its quotes."""

    title: str
    publisher: str
    published: str
    url: str | None
    quotes: list[QuoteView] = field(default_factory=list)


@dataclass(frozen=True)
class ValueView:
    """A distinct value of a finding and the sources that state it."""

    label: str
    text: str
    sources: list[SourceView]


@dataclass(frozen=True)
class CardView:
    """Everything one finding's card shows."""

    finding: Finding
    review: str
    values: list[ValueView]
    timeline: Timeline | None


def render_html(data: ReportData) -> str:
    """The HTML report as one string."""
    index = ReportIndex.of(data)
    findings = sorted(sorted_findings(data), key=lambda f: STATUS_ORDER.index(f.status))
    cards = [_card(finding, index) for finding in findings]
    style, script = _asset("report.css"), _asset("report.js")
    return _environment().get_template("report.html.j2").render(
        corpus=normalise_line(data.corpus), summary=summarise_report(data), cards=cards,
        statuses=STATUS_ORDER, review_filters=REVIEW_FILTERS,
        entities=sorted({f.entity for f in findings}), fields=sorted({f.field for f in findings}),
        problems=[normalise_line(str(p)) for p in sorted_problems(data.problems)],
        orphans=sorted(data.orphans, key=lambda o: (o.entity, o.field, o.values, o.when)),
        reliability=sorted(data.reliability.items()),
        copy_clusters=sorted(sorted(cluster) for cluster in data.copy_clusters),
        style=style, script=script, csp=_content_security_policy(style, script),
        review_text=review_text, suggestion_text=suggestion_text,
    )


def review_text(review: ReviewState | None) -> str:
    """The review decision in words, e.g. `Dismissed (extraction-error) by ben on 2025-09-02.`"""
    if review is None:
        return "Not reviewed."
    text = decision_text(review, normalise_line)
    return text[:1].upper() + text[1:] + "."


def suggestion_text(suggestion: Suggestion) -> str:
    """`2028-01-01..2028-12-31 (confidence 0.82)`."""
    return f"{value_label(suggestion.value)} (confidence {suggestion.confidence:.2f})"


def _card(finding: Finding, index: ReportIndex) -> CardView:
    return CardView(finding=finding, review=review_filter(finding),
                    values=[_value(group, index) for group in finding.values],
                    timeline=compute_timeline(finding, index))


def _value(group: ValueGroup, index: ReportIndex) -> ValueView:
    """A value with, for each of its sources, the source's details and the quotes behind it."""
    sources = []
    by_source = index.claims_by_source(group)
    for source_id in group.sources:
        source = index.sources.get(source_id)
        quotes = [_quote(claim, source) for claim in by_source.get(source_id, [])]
        if source is None:
            sources.append(SourceView(title=source_id, publisher="", published="unknown", url=None, quotes=quotes))
            continue
        sources.append(SourceView(
            title=normalise_line(source.title or source.id), publisher=normalise_line(source.publisher or ""),
            published=str(source.published or "unknown"), url=safe_link_url(source.url), quotes=quotes,
        ))
    return ValueView(label=value_label(group.value), text=normalise_line(group.value.text), sources=sources)


def _quote(claim: Claim, source: Source | None) -> QuoteView:
    """The claim's sentence cut around its value; each piece is escaped on its own by the template."""
    before, mark, after = (strip_controls(piece) for piece in split_quote(claim, source))
    return QuoteView(before=before, mark=mark, after=after, line=claim.evidence.line)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The Jinja2 environment: templates from the package, autoescape on, unknown names an error."""
    environment = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    environment.filters["line"] = normalise_line
    return environment


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    """A CSS or JS file shipped next to the template, inlined so the report needs nothing else."""
    return (resources.files("reports") / "templates" / name).read_text(encoding="utf-8")


def _content_security_policy(style: str, script: str) -> str:
    """Nothing may load or run except our own inline style and script, named by their hashes."""
    return (
        f"default-src 'none'; style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
