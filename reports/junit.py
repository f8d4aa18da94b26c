"""`claimrecon check --format junit`: JUnit XML for CI systems that show test reports.

One test case per finding (`classname` the entity, `name` the field): an open conflict fails with
its values, places and quotes as the body; a reviewed one is skipped with the decision as the
message; every other finding passes. Input problems are test cases with an error, in a suite of
their own. Article text is made inert and stripped of what XML 1.0 cannot hold.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reconcile import Finding, ReportData
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
from reports.escape import normalise_line, strip_controls
from reports.view import sorted_findings
from sources import Problem

SUITE = "claimrecon"
PROBLEM_SUITE = "claimrecon.inputs"
# Characters XML 1.0 cannot carry at all, even escaped (strip_controls leaves the non-characters).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(data: ReportData, options: CheckOptions) -> str:
    """The JUnit XML document: a suite of findings and, when there are any, a suite of input problems."""
    index = CheckIndex(data)
    root = ET.Element("testsuites", name="claimrecon check")
    cases = [_finding_case(index, f, options) for f in sorted_findings(data)]
    _suite(root, SUITE, cases)
    if data.problems:
        _suite(root, PROBLEM_SUITE, [_problem_case(data, p) for p in sorted_problems(data.problems)])
    _count(root, root.findall("testsuite"))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def xml_text(text: str) -> str:
    """Article text safe inside XML 1.0: no ANSI escapes, controls or non-characters."""
    return _NOT_XML.sub("\ufffd", strip_controls(text))


def _suite(root: ET.Element, name: str, cases: list[ET.Element]) -> None:
    suite = ET.SubElement(root, "testsuite", name=name)
    suite.extend(cases)
    _count(suite, [suite])


def _count(element: ET.Element, suites: list[ET.Element]) -> None:
    cases = [case for suite in suites for case in suite.iter("testcase")]
    for attribute, child in (("tests", None), ("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        element.set(attribute, str(sum(1 for c in cases if child is None or c.find(child) is not None)))


def _finding_case(index: CheckIndex, finding: Finding, options: CheckOptions) -> ET.Element:
    case = ET.Element("testcase", classname=finding.entity, name=finding.field)
    if is_failing(finding, options):
        here = index.newest(finding)
        message = index.describe(finding, here) if here else f"{finding.entity} {finding.field}: {finding.status}"
        failure = ET.SubElement(case, "failure", message=xml_text(message), type=finding.status)
        failure.text = xml_text(_body(index, finding, options))
    elif is_checked(finding, options):
        ET.SubElement(case, "skipped", message=xml_text(f"reviewed: {review_line(finding)}"))
    return case


def _body(index: CheckIndex, finding: Finding, options: CheckOptions) -> str:
    lines = [f"{finding.status} {finding.finding_id} {finding.entity}.{finding.field}"
             + (" (drift)" if finding.drift else "")]
    for group in sorted_groups(finding):
        value = normalise_line(group.value.text)
        shown = index.group_claims(group, options.places, options.changed)
        lines += [f'{value}  {c.where}  "{normalise_line(c.claim.evidence.quote)}"' for c in shown]
        if more := index.more_places(group, shown):
            lines.append(f"{value}  {more}")
    if finding.review is not None:
        lines.append(f"review ({finding.review.state}): {review_line(finding)}")
    return "\n".join(lines) + "\n"


def _problem_case(data: ReportData, problem: Problem) -> ET.Element:
    """An error for a file that could not be used; a warning passes, with the warning as output."""
    where = corpus_path(data, problem.path) + (f":{problem.line}" if problem.line else "")
    case = ET.Element("testcase", classname="input", name=xml_text(normalise_line(where)))
    message = xml_text(normalise_line(problem.message))
    if problem.severity == "error":
        ET.SubElement(case, "error", message=message, type="input")
    else:
        ET.SubElement(case, "system-out").text = f"warning: {message}\n"
    return case
