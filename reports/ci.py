"""The `check` format registry: what `claimrecon check --format X` can write, looked up by name.

The CLI takes its choices, default (the first entry) and help from `CHECK_FORMATS`, and maps the
outcome to an exit code itself; a renderer only writes (the github one also appends the job summary).
"""
from __future__ import annotations

from reconcile import ReportData
from reports.checktext import render_check_text
from reports.checkview import CheckOptions, CheckRenderer
from reports.github import render_github
from reports.junit import render_junit
from reports.sarif import render_sarif

__all__ = ["CHECK_FORMATS", "CheckOptions", "CheckRenderer", "render_check"]

CHECK_FORMATS: dict[str, CheckRenderer] = {renderer.name: renderer for renderer in (
    CheckRenderer("text", render_check_text, ".txt",
                  "open conflicts with places and quotes, then problems and a count"),
    CheckRenderer("github", render_github, ".txt",
                  "GitHub Actions annotations (10 most relevant) and a job summary in $GITHUB_STEP_SUMMARY"),
    CheckRenderer("sarif", render_sarif, ".sarif", "a SARIF 2.1.0 log for GitHub code scanning and SARIF viewers"),
    CheckRenderer("junit", render_junit, ".xml", "JUnit XML, one test case per finding, for CI test reports"),
)}


def render_check(data: ReportData, fmt: str, options: CheckOptions) -> str:
    """The check's output in the named format (a key of CHECK_FORMATS); KeyError names the choices."""
    try:
        renderer = CHECK_FORMATS[fmt]
    except KeyError:
        raise KeyError(f"unknown format {fmt!r}: choose one of {', '.join(CHECK_FORMATS)}") from None
    return renderer.render(data, options)
