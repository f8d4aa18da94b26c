"""What every `check` format reads: the options, which findings fail, where a claim is, who is newest.

A claim's place is `<corpus>/<source.path>:<evidence.line>`: the corpus folder is put in front of the
source's path (relative to the corpus) so that a CI system, which resolves paths from the repository
root, finds the file. The bundled sample corpus (`<sample>`) has no folder in the repository, so its
paths stay as they are.
"""
from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Literal

from pydantic import BaseModel, ConfigDict

from claims import Claim, value_label
from reconcile import Finding, ReportData, ValueGroup, is_open
from reports.escape import normalise_line
from reports.view import ReportIndex
from sources import Source, published_by_id

FailOn = Literal["conflict", "refinement", "never"]
SAMPLE_CORPUS = "<sample>"
# Places listed per value: in a CI log, the sentences that say it, not every one of thousands.
DEFAULT_PLACES = 5
_UNKNOWN_AGE = -dt.date.min.toordinal()  # a source with no publication date counts as the oldest


class CheckOptions(BaseModel):
    """How `claimrecon check` runs: what changed, what fails, where the CI job summary goes."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    changed: set[str] | None = None  # ids of sources added or changed in this run (--since); None: unknown
    fail_on: FailOn = "conflict"
    places: int | None = DEFAULT_PLACES  # claims listed per value (changed sources first); None: all
    summary_path: Path | None = None  # $GITHUB_STEP_SUMMARY: the github format appends its Markdown there


@dataclass(frozen=True)
class CheckRenderer:
    """One `check` output format: its name, the function that writes it, a file suffix, a line for --help."""

    name: str
    render: Callable[[ReportData, CheckOptions], str]
    suffix: str
    describes: str


def is_failing(finding: Finding, options: CheckOptions) -> bool:
    """True for a finding the check reports as open: an open conflict, or an unreviewed refinement
    when the check fails on refinements."""
    return is_open(finding, refinements=options.fail_on == "refinement")


def is_checked(finding: Finding, options: CheckOptions) -> bool:
    """True for a finding a check lists at all, open or reviewed: conflicts, and refinements on request."""
    return finding.status == "conflict" or (finding.status == "refinement" and options.fail_on == "refinement")


def corpus_path(data: ReportData, path: str) -> str:
    """The path of a corpus file as seen from where the check ran: `<corpus>/<path>`, forward slashes.

    >>> corpus_path(ReportData(corpus="news", sources=[], claims=[], findings=[], problems=[]), "a/b.md")
    'news/a/b.md'
    """
    if data.corpus == SAMPLE_CORPUS:
        return path
    corpus = PureWindowsPath(data.corpus).as_posix() if "\\" in data.corpus else data.corpus
    return posixpath.normpath(posixpath.join(corpus, path))


@dataclass(frozen=True)
class Located:
    """One claim with its source and its place (`path`, `line`) in the repository."""

    claim: Claim
    source: Source | None
    path: str

    @property
    def line(self) -> int:
        """The 1-based line of the claim's sentence in its file."""
        return max(self.claim.evidence.line, 1)

    @property
    def where(self) -> str:
        """`path:line`."""
        return f"{self.path}:{self.line}"


class CheckIndex:
    """Claims of one report located in their files, and the newest source of each finding."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.index = ReportIndex.of(data)
        self._paths: dict[str, str] = {}  # source id → repository path: one normpath per source
        self._age: dict[str, int] | None = None

    def locate(self, claim: Claim) -> Located:
        """The claim with its source and repository path."""
        source = self.index.sources.get(claim.source_id)
        path = self._paths.get(claim.source_id)
        if path is None:
            path = self._paths[claim.source_id] = corpus_path(self.data, source.path if source else claim.source_id)
        return Located(claim=claim, source=source, path=path)

    def group_claims(self, group: ValueGroup, places: int | None = None,
                     changed: set[str] | None = None) -> list[Located]:
        """The located claims behind one value in source order, those of `changed` sources first;
        the first `places` of them when given. Only the claims returned are decoded."""
        count = len(group.claim_ids) if places is None else places
        rank = (lambda source_id: source_id not in changed) if changed else None
        return [self.locate(c) for c in self.index.store.first(group.claim_ids, count, rank=rank)]

    def more_places(self, group: ValueGroup, shown: list[Located]) -> str:
        """`and N more places` for a value's claims not in `shown`; empty when none is left out."""
        more = self.index.store.count(group.claim_ids) - len(shown)
        return f"and {more:,} more place{'s' if more != 1 else ''}" if more > 0 else ""

    def age(self, source_id: str) -> int:
        """How old the source is, to rank newest first: minus the ordinal of the last day its
        publication date covers; the oldest possible date when unknown."""
        return self._ages().get(source_id, _UNKNOWN_AGE)

    def _ages(self) -> dict[str, int]:
        """`age` of every dated source at once: findings of thousands of sources ask for most."""
        if self._age is None:
            published = published_by_id(self.data.sources)
            self._age = {s: -p.end.toordinal() for s, p in published.items() if p}
        return self._age

    def newest(self, finding: Finding) -> Located | None:
        """The claim of the finding's newest source (latest `published.end`, ties by smallest id)."""
        return self._newest([c for group in finding.values for c in group.claim_ids])

    def _newest(self, claim_ids: list[str]) -> Located | None:
        chosen = self.index.store.first(claim_ids, 1, rank=self.age)
        return self.locate(chosen[0]) if chosen else None

    def touches(self, finding: Finding, changed: set[str] | None) -> bool:
        """True when one of the finding's sources was added or changed in this run."""
        return changed is not None and any(s in changed for g in finding.values for s in g.sources)

    def ordered(self, findings: list[Finding], options: CheckOptions) -> list[Finding]:
        """Most relevant first: touching a changed source, then newest source first, then entity, field, id."""
        ages = self._ages()

        def key(finding: Finding) -> tuple[bool, int, str, str, str]:
            youngest = min((ages.get(s, _UNKNOWN_AGE) for g in finding.values for s in g.sources), default=_UNKNOWN_AGE)
            return (not self.touches(finding, options.changed), youngest, finding.entity, finding.field,
                    finding.finding_id)
        return sorted(findings, key=key)

    def describe(self, finding: Finding, here: Located) -> str:
        """One line naming the finding, the value at `here` and the other side with its places.

        e.g. `lupex launch_date: 2028 here vs 2027 in news/wion.md:2`
        """
        own = [g for g in finding.values if here.claim.claim_id in g.claim_ids]
        others = [self._other(g) for g in sorted_groups(finding) if g not in own]
        value = normalise_line(here.claim.value.text)
        return f"{finding.entity} {finding.field}: {value} here vs {', and '.join(others) or 'nothing else'}"

    def _other(self, group: ValueGroup) -> str:
        value = normalise_line(group.value.text)
        newest = self._newest(group.claim_ids)
        if newest is None:
            return f"{value} in {', '.join(group.sources)}"
        orders = (self.index.store.order_of(c) for c in group.claim_ids)
        more = len({o.source_id for o in orders if o is not None}) - 1
        return f"{value} in {newest.where}" + (f" (+{more} more)" if more else "")


def sorted_groups(finding: Finding) -> list[ValueGroup]:
    """The finding's values in a fixed order: by their labels (dates in time order)."""
    return sorted(finding.values, key=lambda g: value_label(g.value))


def review_line(finding: Finding) -> str:
    """`<verdict> by <who> on <when>: <note>` for a finding's review, article-safe; empty when none."""
    review = finding.review
    if review is None:
        return ""
    note = normalise_line(review.note or review.reason or "")
    return normalise_line(f"{review.verdict} by {review.who} on {review.when}") + (f": {note}" if note else "")
