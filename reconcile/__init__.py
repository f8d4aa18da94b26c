"""Reconcile: group claims per (entity, field), decide status and drift, apply reviews, suggest values."""
from reconcile.compare import compare_values
from reconcile.errors import ReviewFileError
from reconcile.findings import finding_id, reconcile_claims
from reconcile.models import (
    Finding,
    ReportData,
    ReviewDecision,
    ReviewState,
    Suggestion,
    ValueGroup,
)
from reconcile.reviews import (
    apply_reviews,
    current_user,
    decide,
    is_open,
    load_reviews,
    reopen,
    resolve_finding,
    save_reviews,
    update_reviews,
    utc_now,
)
from reconcile.truth import TruthOptions, TruthResult, attach_suggestions, estimate_truth

__all__ = [
    "Finding",
    "ReportData",
    "ReviewDecision",
    "ReviewFileError",
    "ReviewState",
    "Suggestion",
    "TruthOptions",
    "TruthResult",
    "ValueGroup",
    "apply_reviews",
    "attach_suggestions",
    "compare_values",
    "current_user",
    "decide",
    "estimate_truth",
    "finding_id",
    "is_open",
    "load_reviews",
    "reconcile_claims",
    "reopen",
    "resolve_finding",
    "save_reviews",
    "update_reviews",
    "utc_now",
]
