"""Reports: every output format, registered by name; all article text is made inert for its medium."""
from reports.checkview import DEFAULT_PLACES, CheckOptions, CheckRenderer
from reports.ci import CHECK_FORMATS, render_check
from reports.registry import CLAIM_FORMATS, REPORT_FORMATS, Renderer, render_claims, render_report
from reports.reviewlist import render_review_list
from reports.view import ReportSummary, summarise_report

__all__ = [
    "CHECK_FORMATS",
    "CLAIM_FORMATS",
    "CheckOptions",
    "CheckRenderer",
    "DEFAULT_PLACES",
    "REPORT_FORMATS",
    "Renderer",
    "ReportSummary",
    "render_check",
    "render_claims",
    "render_report",
    "render_review_list",
    "summarise_report",
]
