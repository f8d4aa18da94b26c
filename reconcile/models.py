"""Findings: what reconciliation decides for one (entity, field), and the review state of it."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from claims import Claim, ClaimStore, TypedValue
from sources import Problem, Source, SourceTable

Status = Literal["conflict", "refinement", "agreement", "single-source"]
Relation = Literal["equal", "compatible", "conflict"]
Verdict = Literal["accepted", "superseded", "dismissed", "noted"]
DismissReason = Literal["extraction-error", "not-a-conflict", "out-of-scope"]
ReviewStateName = Literal["reviewed", "changed-since-review"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class ValueGroup(BaseModel):
    """One distinct value of a finding and the sources and claims that state it."""

    model_config = _FROZEN
    value: TypedValue
    sources: list[str]
    claim_ids: list[str]


class ReviewState(BaseModel):
    """The analyst's decision as it applies to a finding now."""

    model_config = _FROZEN
    state: ReviewStateName
    verdict: Verdict
    value: TypedValue | None = None
    reason: DismissReason | None = None
    note: str | None = None
    who: str
    when: str
    added_values: list[str] = []
    removed_values: list[str] = []


class Suggestion(BaseModel):
    """A suggested value for a conflict, never a verdict: the analyst decides."""

    model_config = _FROZEN
    value: TypedValue
    confidence: float
    reasons: list[str]
    sources: list[str] = []


class Finding(BaseModel):
    """All claims about one (entity, field), grouped by distinct value, with a status."""

    model_config = _FROZEN
    finding_id: str
    entity: str
    field: str
    status: Status
    drift: bool = False
    values: list[ValueGroup]
    review: ReviewState | None = None
    hint: str | None = None
    suggestion: Suggestion | None = None


class ReviewDecision(BaseModel):
    """One analyst decision as stored in reviews.yaml, tied to the values it covered.

    `values` and `value` are `claims.value_label` strings, so the file reads well and diffs cleanly.
    """

    model_config = _FROZEN
    entity: str
    field: str
    values: list[str]
    verdict: Verdict
    value: str | None = None
    reason: DismissReason | None = None
    note: str | None = None
    who: str
    when: str
    finding_id: str | None = None  # informational: the finding's id when decided


class ReportData(BaseModel):
    """Everything one run produced: what every renderer in `reports` draws from."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)
    corpus: str
    # A table (a store) decodes its sources (claims) only when they are read: tried first, so
    # validation does not read them all.
    sources: SourceTable | list[Source] = Field(union_mode="left_to_right")
    claims: ClaimStore | list[Claim] = Field(union_mode="left_to_right")
    findings: list[Finding]
    problems: list[Problem]
    orphans: list[ReviewDecision] = []
    reliability: dict[str, float] = {}
    copy_clusters: list[list[str]] = []
