"""The renderer registry: each output format is a small record, looked up by name.

The CLI never names a format: `claimrecon report --format X` takes its choices, default and help
from `REPORT_FORMATS`, `claimrecon extract --format X` from `CLAIM_FORMATS`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reconcile import ReportData
from reports.data import render_claims_csv, render_claims_json, render_claims_jsonl, render_report_json
from reports.html import render_html
from reports.markdown import render_markdown


@dataclass(frozen=True)
class Renderer:
    """One output format: its name, the function that writes it, a file suffix and a line for --help."""

    name: str
    render: Callable[[ReportData], str]
    suffix: str
    describes: str


def _registry(*renderers: Renderer) -> dict[str, Renderer]:
    return {renderer.name: renderer for renderer in renderers}


# The first entry of each registry is the command's default format.
REPORT_FORMATS: dict[str, Renderer] = _registry(
    Renderer("markdown", render_markdown, ".md", "a readable report, conflicts first, with quoted evidence"),
    Renderer("json", render_report_json, ".json", "sources, findings and a summary as JSON (CONTRACT.md section 4)"),
    Renderer("html", render_html, ".html", "one self-contained page with filters, search and date timelines"),
)

CLAIM_FORMATS: dict[str, Renderer] = _registry(
    Renderer("jsonl", render_claims_jsonl, ".jsonl", "one claim per line as JSON (CONTRACT.md section 4)"),
    Renderer("json", render_claims_json, ".json", "all claims as one JSON array"),
    Renderer("csv", render_claims_csv, ".csv", "one row per claim, safe to open in a spreadsheet"),
)


def render_report(data: ReportData, fmt: str) -> str:
    """The report in the named format (a key of REPORT_FORMATS); KeyError names the choices."""
    return _lookup(REPORT_FORMATS, fmt).render(data)


def render_claims(data: ReportData, fmt: str) -> str:
    """The claims in the named format (a key of CLAIM_FORMATS); KeyError names the choices."""
    return _lookup(CLAIM_FORMATS, fmt).render(data)


def _lookup(formats: dict[str, Renderer], fmt: str) -> Renderer:
    try:
        return formats[fmt]
    except KeyError:
        raise KeyError(f"unknown format {fmt!r}: choose one of {', '.join(formats)}") from None
