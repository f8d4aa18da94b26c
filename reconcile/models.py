"""Findings: what reconciliation decides for one (entity, field), and the review state of it."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from claims import TypedValue

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
