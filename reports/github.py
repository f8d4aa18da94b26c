"""`claimrecon check --format github`: GitHub Actions workflow commands and a Markdown job summary.

Each open conflict becomes one annotation on the line of the newest source's sentence, naming the
other side::

    ::error file=news/toi-summit.md,line=2,title=claimrecon%3A lupex.launch_date conflict::lupex launch_date: \
        2028 here vs 2027 in news/wion-lupex.md:2

GitHub shows at most 10 errors and 10 warnings per step, so the most relevant come first (findings
touching a source changed in this run, then the newest), and one last notice says how many were
left out. The job summary ($GITHUB_STEP_SUMMARY) lists them all, kept under GitHub's 1 MiB.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reconcile import Finding, ReportData
from reports.checktext import ID_PREFIX, problem_text, summary_line
from reports.checkview import (
    CheckIndex,
    CheckOptions,
    corpus_path,
    is_checked,
    is_failing,
    review_line,
    sorted_groups,
)
from reports.data import sorted_problems
from reports.escape import escape_markdown, normalise_line
from sources import InputError, Problem

Level = Literal["error", "warning", "notice"]
ANNOTATION_LIMIT = 10  # per level and step: GitHub drops the rest
SUMMARY_LIMIT = 1024 * 1024  # bytes of $GITHUB_STEP_SUMMARY per step
_DATA_ESCAPES = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY_ESCAPES = {**_DATA_ESCAPES, ":": "%3A", ",": "%2C"}


@dataclass(frozen=True)
class Annotation:
    """One workflow command: its level, file, line, title and message, and what it is about."""

    level: Level
    message: str
    about: str  # "conflict", "refinement" or "problem": the noun of the closing count
    file: str | None = None
    line: int | None = None
    title: str | None = None

    def command(self) -> str:
        """The workflow command line, escaped as GitHub's runner expects."""
        props = [(k, v) for k, v in (("file", self.file), ("line", self.line), ("title", self.title)) if v]
        joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props)
        return f"::{self.level}{' ' + joined if joined else ''}::{escape_data(self.message)}"


def escape_data(text: str) -> str:
    """A workflow command's message with `%`, CR and LF escaped (`%25`, `%0D`, `%0A`)."""
    return "".join(_DATA_ESCAPES.get(ch, ch) for ch in text)


def escape_property(text: str) -> str:
    """A workflow command's property value: like `escape_data`, and `:` and `,` too."""
    return "".join(_PROPERTY_ESCAPES.get(ch, ch) for ch in text)


def render_github(data: ReportData, options: CheckOptions) -> str:
    """Workflow commands for the open findings and problems; appends the job summary when asked."""
    if options.summary_path is not None:
        write_summary(options.summary_path, render_github_summary(data, options))
    shown, left = limit_annotations(collect_annotations(data, options))
    lines = [a.command() for a in shown]
    if left:
        lines.append(_left_out_notice(left).command())
    return "".join(line + "\n" for line in lines)


def collect_annotations(data: ReportData, options: CheckOptions) -> list[Annotation]:
    """All annotations, most relevant first: input problems, then the open findings in check order."""
    index = CheckIndex(data)
    failing = index.ordered([f for f in data.findings if is_failing(f, options)], options)
    found = [_problem_annotation(data, p) for p in sorted_problems(data.problems)]
    return found + [a for a in (_finding_annotation(index, f, options) for f in failing) if a]


def limit_annotations(found: list[Annotation]) -> tuple[list[Annotation], list[Annotation]]:
    """(the first `ANNOTATION_LIMIT` of each level, the rest), each in the given order."""
    used: dict[str, int] = {}
    shown: list[Annotation] = []
    left: list[Annotation] = []
    for annotation in found:
        used[annotation.level] = used.get(annotation.level, 0) + 1
        (shown if used[annotation.level] <= ANNOTATION_LIMIT else left).append(annotation)
    return shown, left


def _finding_annotation(index: CheckIndex, finding: Finding, options: CheckOptions) -> Annotation | None:
    here = index.newest(finding)
    if here is None:
        return None
    level: Level = "error" if finding.status == "conflict" and options.fail_on != "never" else "warning"
    return Annotation(level, index.describe(finding, here), finding.status, file=here.path, line=here.line,
                      title=f"claimrecon: {finding.entity}.{finding.field} {finding.status}")


def _problem_annotation(data: ReportData, problem: Problem) -> Annotation:
    return Annotation(problem.severity, normalise_line(problem.message), "problem",
                      file=corpus_path(data, problem.path), line=problem.line, title="claimrecon: input problem")


def _left_out_notice(left: list[Annotation]) -> Annotation:
    """`N more conflicts [and M more problems] not annotated`, as one notice."""
    counts: dict[str, int] = {}
    for annotation in left:
        counts[annotation.about] = counts.get(annotation.about, 0) + 1
    what = " and ".join(f"{n} more {about}{'s' if n != 1 else ''}" for about, n in counts.items())
    return Annotation("notice", f"{what} not annotated (GitHub shows {ANNOTATION_LIMIT} errors and "
                                f"{ANNOTATION_LIMIT} warnings per step): see the job summary", "notice",
                      title="claimrecon")


# --- the job summary ------------------------------------------------------------------------------

def render_github_summary(data: ReportData, options: CheckOptions, *, limit: int = SUMMARY_LIMIT) -> str:
    """The Markdown job summary: a count, every open finding with places and quotes, the problems.

    When it would reach `limit` bytes (UTF-8), the findings that do not fit are left out with a note.
    """
    index = CheckIndex(data)
    failing = index.ordered([f for f in data.findings if is_failing(f, options)], options)
    head = f"## claimrecon check\n\n{escape_markdown(summary_line(data, options))}\n"
    blocks = [_summary_block(index, f, options) for f in failing] + _problem_blocks(data) + _reviewed_blocks(data, options)
    return _fit(head, blocks, limit)


def write_summary(path: Path, text: str) -> None:
    """Append `text` to the job summary file, leaving out what would take the file to 1 MiB."""
    try:
        used = path.stat().st_size if path.exists() else 0
        if used + len(text.encode("utf-8")) >= SUMMARY_LIMIT:
            text = _truncate(text, SUMMARY_LIMIT - used)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(path, None, f"cannot write the job summary ($GITHUB_STEP_SUMMARY): {exc.strerror or exc}") \
            from exc


def _summary_block(index: CheckIndex, finding: Finding, options: CheckOptions) -> str:
    state = "changed since review" if finding.review and finding.review.state == "changed-since-review" else ""
    notes = ", ".join(n for n in (finding.status, "drift" if finding.drift else "", state) if n)
    lines = [f"\n### {finding.entity}.{finding.field} `{finding.finding_id[:ID_PREFIX]}` ({notes})\n"]
    for group in sorted_groups(finding):
        value = escape_markdown(group.value.text)
        shown = index.group_claims(group, options.places, options.changed)
        for claim in shown:
            lines.append(f"- **{value}**: `{_code(claim.where)}` {escape_markdown(claim.claim.evidence.quote)}")
        if more := index.more_places(group, shown):
            lines.append(f"- **{value}**: {more}")
    return "\n".join(lines) + "\n"


def _problem_blocks(data: ReportData) -> list[str]:
    if not data.problems:
        return []
    return ["\n### Input problems\n\n"] + [f"- {escape_markdown(problem_text(data, p))}\n"
                                           for p in sorted_problems(data.problems)]


def _reviewed_blocks(data: ReportData, options: CheckOptions) -> list[str]:
    reviewed = sorted((f for f in data.findings if is_checked(f, options) and not is_failing(f, options)),
                      key=lambda f: (f.entity, f.field, f.finding_id))
    if not reviewed:
        return []
    return ["\n### Reviewed\n\n"] + [f"- {f.entity}.{f.field}: {escape_markdown(review_line(f))}\n" for f in reviewed]


def _code(text: str) -> str:
    """Text for an inline code span: backticks cannot end it early."""
    return normalise_line(text).replace("`", "'")


def _fit(head: str, blocks: list[str], limit: int) -> str:
    """The head and as many blocks as fit under `limit` bytes, with a note naming how many did not."""
    parts, size = [head], _size(head)
    for shown, block in enumerate(blocks):
        rest = len(blocks) - shown - 1
        if size + _size(block) + (_size(_truncation_note(rest)) if rest else 0) >= limit:
            return "".join(parts) + _truncation_note(len(blocks) - shown)
        parts.append(block)
        size += _size(block)
    return "".join(parts)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _truncation_note(left: int) -> str:
    return f"\n_{left} more entries not shown: the job summary is kept under 1 MiB._\n"


def _truncate(text: str, room: int) -> str:
    """As much of `text` as fits in `room` - 1 bytes, cut at a line, with a note; empty when nothing fits."""
    note = "\n_The job summary is full (1 MiB); the rest of this check is not shown._\n"
    budget = room - 1 - len(note.encode("utf-8"))
    if budget <= 0:
        return ""
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return cut[: cut.rfind("\n") + 1] + note
