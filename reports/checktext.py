"""`claimrecon check` as plain text for a terminal: the open conflicts, then the input problems, then a count.

    conflict 3f2a9c0d1e4b lupex.launch_date (drift, changed since review)
      2027  news/wion-lupex.md:2  "The LUPEX mission is scheduled to launch in 2027 from Tanegashima."
      2028  news/toi-summit.md:2  "Officials now say LUPEX will launch in 2028 on an H3 rocket."
      2028  and 12 more places

    problems:
      news/broken.md:3: error: `published: 15/05/2025` is not YYYY-MM-DD, YYYY-MM or YYYY

    1 unreviewed conflict, 1 reviewed (6 findings, 4 sources)

Each value lists at most `CheckOptions.places` places (those of sources changed in this run
first, then in source order), and says how many more there are: `claimrecon report` lists them all.
Article text is made inert (no ANSI escapes or control characters) and kept to one line.
"""
from __future__ import annotations

from reconcile import Finding, ReportData
from reports.checkview import CheckIndex, CheckOptions, corpus_path, is_checked, is_failing, sorted_groups
from reports.data import sorted_problems
from reports.escape import normalise_line
from sources import Problem

ID_PREFIX = 12


def render_check_text(data: ReportData, options: CheckOptions) -> str:
    """The open findings with their values, places and quotes, the problems, and a summary line."""
    index = CheckIndex(data)
    failing = index.ordered([f for f in data.findings if is_failing(f, options)], options)
    blocks = ["\n".join(_finding_lines(index, f, options)) for f in failing]
    if data.problems:
        blocks.append("\n".join(["problems:", *(f"  {problem_text(data, p)}" for p in sorted_problems(data.problems))]))
    blocks.append(summary_line(data, options))
    return "\n\n".join(blocks) + "\n"


def summary_line(data: ReportData, options: CheckOptions) -> str:
    """`N unreviewed conflicts, M reviewed (F findings, S sources)`, or the all-clear line."""
    counts = f"{len(data.findings)} findings, {len(data.sources)} sources"
    failing = [f for f in data.findings if is_failing(f, options)]
    if not failing:
        return f"no unreviewed conflicts ({counts})"
    reviewed = sum(1 for f in data.findings if is_checked(f, options) and not is_failing(f, options))
    return f"{_count(failing)}, {reviewed} reviewed ({counts})"


def problem_text(data: ReportData, problem: Problem) -> str:
    """`path:line: severity: message` with the path as seen from the repository root."""
    where = corpus_path(data, problem.path) + (f":{problem.line}" if problem.line else "")
    return f"{where}: {problem.severity}: {normalise_line(problem.message)}"


def _count(failing: list[Finding]) -> str:
    conflicts = sum(1 for f in failing if f.status == "conflict")
    refinements = len(failing) - conflicts
    parts = [f"{conflicts} unreviewed conflict{'s' if conflicts != 1 else ''}"] if conflicts else []
    if refinements:
        parts.append(f"{refinements} unreviewed refinement{'s' if refinements != 1 else ''}")
    return ", ".join(parts)


def _finding_lines(index: CheckIndex, finding: Finding, options: CheckOptions) -> list[str]:
    notes = [note for note in ("drift" if finding.drift else "", _review_state(finding)) if note]
    head = f"{finding.status} {finding.finding_id[:ID_PREFIX]} {finding.entity}.{finding.field}"
    lines = [head + (f" ({', '.join(notes)})" if notes else "")]
    for group in sorted_groups(finding):
        value = normalise_line(group.value.text)
        located = index.group_claims(group, options.places, options.changed)
        lines += [f'  {value}  {c.where}  "{normalise_line(c.claim.evidence.quote)}"' for c in located]
        if not located:
            lines.append(f"  {value}  {', '.join(group.sources)}")
        elif more := index.more_places(group, located):
            lines.append(f"  {value}  {more}")
    if finding.hint:
        lines.append(f"  hint: {normalise_line(finding.hint)}")
    return lines


def _review_state(finding: Finding) -> str:
    if finding.review is None:
        return ""
    return "changed since review" if finding.review.state == "changed-since-review" else "noted"
