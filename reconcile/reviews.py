"""Analyst reviews: decisions stored in `reviews.yaml` and applied to findings.

The file is a YAML list, one entry per decision, sorted by entity, field, values and time, so it
reads well and diffs cleanly under version control::

    - entity: lupex
      field: launch_date
      values:
      - 2025-01-01..2025-12-31
      - 2028-01-01..2028-12-31
      verdict: accepted
      value: 2028-01-01..2028-12-31
      note: JAXA moved the launch
      who: Asha
      when: '2026-11-21T14:00:00Z'
      finding_id: 3f2a9c0d1e4b5a6c

A decision is tied to its entity and field, and to the value labels it covered when made: when the
values change, the finding shows `changed-since-review` instead of silently staying closed.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, get_args

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from claims import value_label
from reconcile.errors import ReviewFileError
from reconcile.models import DismissReason, Finding, ReviewDecision, ReviewState, Verdict
from sources import describe_loc, parse_yaml_located

HEADER = "# claimrecon analyst reviews: one entry per decision, sorted by entity, field, values, when.\n"
KEY_ORDER = ("entity", "field", "values", "verdict", "value", "reason", "note", "who", "when", "finding_id")
_VALUED = ("accepted", "superseded")  # verdicts that name one of the finding's values
_WHEN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_WIDTH = 4096  # never fold a long note: one key per line keeps diffs small
_NOTE_JOIN = "; "
# libyaml when present: the same bytes as the pure-Python classes (a test checks), only faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

Change = Callable[[list[ReviewDecision]], list[ReviewDecision]]


# --- the file -------------------------------------------------------------------------------------

def load_reviews(path: Path) -> list[ReviewDecision]:
    """The decisions in a reviews file, in file order; a missing or empty file has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewFileError(path, None, f"cannot read the reviews file: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError):  # ValueError: e.g. an impossible unquoted date
        data = parse_yaml_located(text, path, error=ReviewFileError).data  # raises, naming the line
    if data is None:
        return []
    read = [_read_entry(entry) for entry in data] if isinstance(data, list) else []
    decisions = [r for r in read if isinstance(r, ReviewDecision)]
    if isinstance(data, list) and len(decisions) == len(read):
        return decisions
    raise _located_error(path, text, read)


def save_reviews(path: Path, decisions: Sequence[ReviewDecision]) -> None:
    """Write the decisions sorted, atomically: readers see the old file or the new one, never half."""
    try:
        _write_atomic(path, _render(decisions))
    except OSError as exc:
        raise ReviewFileError(path, None, f"cannot write the reviews file: {exc}") from exc


def update_reviews(path: Path, change: Change) -> list[ReviewDecision]:
    """Load, apply `change`, save, under an exclusive lock so concurrent writers lose nothing.

    The lock is `fcntl.flock` on a sibling `<name>.lock` file (left in place; it holds no data).
    Returns the decisions as saved (sorted).

    >>> update_reviews(path, lambda decisions: [*decisions, decision])  # doctest: +SKIP
    """
    with _locked(path):
        before = load_reviews(path)
        after = change(list(before))
        if after != before:
            save_reviews(path, after)
    return sorted((_canonical(d) for d in after), key=_sort_key)


class _BadEntry(NamedTuple):
    loc: tuple[str | int, ...]  # the key path inside the entry
    message: str
    cause: Exception | None = None


def _read_entry(entry: object) -> ReviewDecision | _BadEntry:
    """The decision in one entry of the list, or where in the entry it goes wrong and why."""
    if not isinstance(entry, dict):
        return _BadEntry((), f"expected a mapping with keys {', '.join(KEY_ORDER)}, found {_kind(entry)}")
    if isinstance(entry.get("when"), dt.datetime):  # an unquoted timestamp in a hand-edited file
        entry = {**entry, "when": _format_when(entry["when"])}
    try:
        decision = ReviewDecision.model_validate(entry)
    except ValidationError as exc:
        error = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")  # a typo first
        return _BadEntry(tuple(error["loc"]), _explain(error), exc)
    problem = _decision_problem(decision)
    return _BadEntry((problem[0],), problem[1]) if problem else decision


def _located_error(path: Path, text: str, read: list[ReviewDecision | _BadEntry]) -> ReviewFileError:
    """The error for a file that parsed but does not hold decisions, with its line.

    The node tree is only built here: reading a sound file with libyaml is much faster.
    """
    located = parse_yaml_located(text, path, error=ReviewFileError)
    if not isinstance(located.data, list):
        return ReviewFileError(path, located.line_of(()), "expected a list of decisions (entries "
                               f"starting with `- entity:`), found {_kind(located.data)}")
    index, bad = next((i, r) for i, r in enumerate(read) if isinstance(r, _BadEntry))
    error = ReviewFileError(path, located.line_of((index, *bad.loc)), f"entry {index + 1}: {bad.message}")
    error.__cause__ = bad.cause
    return error


def _explain(error: ErrorDetails) -> str:
    """A pydantic error as a reviews-file message: which key, what was found, what is expected."""
    key = describe_loc(error["loc"])
    if error["type"] == "missing":
        return f"missing key `{key}`; every entry needs entity, field, values, verdict, who and when"
    if error["type"] == "extra_forbidden":
        return f"unknown key `{key}`; the keys are {', '.join(KEY_ORDER)}"
    if error["type"] == "literal_error":
        return f"`{key}: {error['input']}` is not one of {error.get('ctx', {}).get('expected', '')}"
    return f"`{key}`: {error['msg'].lower()}, found {error['input']!r}"


def _decision_problem(decision: ReviewDecision) -> tuple[str, str] | None:
    """The first inconsistency in a decision as (key, message), or None when it is sound."""
    d = decision
    rules: list[tuple[str, bool, str]] = [
        ("when", not _WHEN.fullmatch(d.when), f"`when: {d.when}` is not a UTC time like 2026-11-21T14:00:00Z"),
        ("who", not d.who.strip(), "`who` is empty; give the analyst's name"),
        ("value", d.verdict in _VALUED and not d.value,
         f"a `{d.verdict}` decision needs `value`, the label of the value it is about"),
        ("value", d.verdict not in _VALUED and d.value is not None,
         f"`value` applies only to accepted or superseded decisions, not {d.verdict}"),
        ("reason", d.verdict == "dismissed" and d.reason is None,
         f"a `dismissed` decision needs `reason`, one of {', '.join(get_args(DismissReason))}"),
        ("reason", d.verdict != "dismissed" and d.reason is not None,
         f"`reason` applies only to dismissed decisions, not {d.verdict}"),
        ("note", d.verdict == "noted" and not (d.note or "").strip(), "a `noted` decision needs `note`"),
    ]
    return next(((key, message) for key, failed, message in rules if failed), None)


def _render(decisions: Sequence[ReviewDecision]) -> str:
    ordered = sorted(decisions, key=_sort_key)
    if not ordered:
        return HEADER + "[]\n"
    blocks = [yaml.dump([_entry(d)], Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=_WIDTH,
                        default_flow_style=False) for d in ordered]
    return HEADER + "\n".join(blocks)


def _entry(decision: ReviewDecision) -> dict[str, Any]:
    data = _canonical(decision).model_dump(mode="json", exclude_none=True)
    return {key: data[key] for key in KEY_ORDER if key in data}


def _canonical(decision: ReviewDecision) -> ReviewDecision:
    """The decision as the file stores it: its values sorted."""
    return decision.model_copy(update={"values": sorted(decision.values)})


def _sort_key(decision: ReviewDecision) -> tuple[str, str, list[str], str]:
    # Ties keep their order (sorted() is stable): for equal keys, file order is decision order.
    return decision.entity, decision.field, sorted(decision.values), decision.when


def _write_atomic(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_of(path))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_dir(path.parent)


def _mode_of(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o644  # mkstemp makes 0600; a reviews file is shared like any project file


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot fsync a folder, which is fine."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = open(lock_path, "a", encoding="utf-8")  # noqa: SIM115 - closed below, after unlocking
    except OSError as exc:
        raise ReviewFileError(lock_path, None, f"cannot open the lock file: {exc}") from exc
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _kind(data: object) -> str:
    names: dict[type, str] = {dict: "a mapping", list: "a list", str: "a string"}
    return names.get(type(data), f"a {type(data).__name__}")


# --- decisions ------------------------------------------------------------------------------------

def decide(finding: Finding, *, verdict: str, value: str | None = None, reason: str | None = None,
           note: str | None = None, who: str, when: str) -> ReviewDecision:
    """A decision about `finding`, checked: raises ValueError saying what is missing or wrong.

    accepted/superseded need `value`, one of the finding's values (see `_resolve_value` for the
    forms accepted); dismissed needs `reason`; noted needs `note`.

    >>> decide(finding, verdict="accepted", value="2028", who="Asha", when="2026-11-21T14:00:00Z")  # doctest: +SKIP
    """
    if verdict not in get_args(Verdict):
        raise ValueError(f"unknown verdict {verdict!r}; choose one of {', '.join(get_args(Verdict))}")
    if reason is not None and reason not in get_args(DismissReason):
        raise ValueError(f"unknown reason {reason!r}; choose one of {', '.join(get_args(DismissReason))}")
    label = _resolve_value(finding, value) if value is not None and verdict in _VALUED else value
    decision = ReviewDecision.model_validate({
        "entity": finding.entity, "field": finding.field, "values": _labels(finding),
        "verdict": verdict, "value": label, "reason": reason, "note": note, "who": who, "when": when,
        "finding_id": finding.finding_id,
    })
    problem = _decision_problem(decision)
    if problem:
        raise ValueError(problem[1])
    return decision


def _resolve_value(finding: Finding, ref: str) -> str:
    """The label of the one value of `finding` that `ref` names.

    Tried in order, the first step with any match decides (more than one match there is an error):
    1. the label itself, ignoring case (`2028-01-01..2028-12-31`, `H3-24L`);
    2. the value's original text, ignoring case and spacing (`by 2028`);
    3. the start of a label (`2028` → `2028-01-01..2028-12-31`, ignoring a leading `~`), or a whole
       word of the original text (`2028` → the value written `by 2028`, but not `2027–28`).
    """
    wanted = _squash(ref)
    if not wanted:
        raise ValueError("no value given; choose one of " + ", ".join(_labels(finding)))
    word = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")
    texts = {value_label(group.value): _squash(group.value.text) for group in finding.values}
    steps: list[Callable[[str, str], bool]] = [
        lambda label, _text: label.casefold() == wanted,
        lambda _label, text: text == wanted,
        lambda label, text: label.casefold().lstrip("~").startswith(wanted) or bool(word.search(text)),
    ]
    for matches in steps:
        hits = sorted(label for label, text in texts.items() if matches(label, text))
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise ValueError(f"ambiguous value {ref!r}, matches: {', '.join(hits)}")
    raise ValueError(f"no value {ref!r} in this finding; choose one of {', '.join(_labels(finding))}")


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _labels(finding: Finding) -> list[str]:
    return sorted({value_label(group.value) for group in finding.values})


def reopen(decisions: Sequence[ReviewDecision], finding: Finding) -> list[ReviewDecision]:
    """The decisions without those for `finding`'s entity and field: the finding is open again."""
    return [d for d in decisions if (d.entity, d.field) != (finding.entity, finding.field)]


# --- applying decisions to findings ---------------------------------------------------------------

def apply_reviews(findings: Sequence[Finding], decisions: Sequence[ReviewDecision],
                  ) -> tuple[list[Finding], list[ReviewDecision]]:
    """The findings with `review` set from the decisions, and the decisions that match no finding.

    Decisions match a finding by entity and field. The latest closing decision (by `when`, then
    position) sets the review; a `noted` decision never overrides one (its note is added), and
    only counts alone when there is no closing decision.
    """
    by_key: dict[tuple[str, str], list[tuple[int, ReviewDecision]]] = defaultdict(list)
    for position, decision in enumerate(decisions):
        by_key[(decision.entity, decision.field)].append((position, decision))
    reviewed = [f.model_copy(update={"review": _review_state(f, by_key.get((f.entity, f.field), []))})
                for f in findings]
    present = {(f.entity, f.field) for f in findings}
    orphans = [d for d in decisions if (d.entity, d.field) not in present]
    return reviewed, orphans


def _review_state(finding: Finding, entries: list[tuple[int, ReviewDecision]]) -> ReviewState | None:
    if not entries:
        return None
    ordered = [d for _, d in sorted(entries, key=lambda entry: (entry[1].when, entry[0]))]
    last = max((i for i, d in enumerate(ordered) if d.verdict != "noted"), default=len(ordered) - 1)
    base = ordered[last]
    notes = [d.note for d in ordered[last:] if d.note]  # after `base` come only notes
    current, decided = set(_labels(finding)), set(base.values)
    typed = {value_label(group.value): group.value for group in finding.values}
    return ReviewState(
        state="reviewed" if current == decided else "changed-since-review",
        verdict=base.verdict, value=typed.get(base.value or ""), reason=base.reason,
        note=_NOTE_JOIN.join(notes) or None, who=base.who, when=base.when,
        added_values=sorted(current - decided), removed_values=sorted(decided - current),
    )


def resolve_finding(findings: Sequence[Finding], ref: str) -> Finding:
    """The finding whose id is `ref` or, failing that, the only one whose id starts with `ref`."""
    wanted = ref.strip()
    exact = [f for f in findings if f.finding_id == wanted]
    if exact:
        return exact[0]
    matches = {f.finding_id: f for f in findings if wanted and f.finding_id.startswith(wanted)}
    if len(matches) == 1:
        return next(iter(matches.values()))
    if not matches:
        raise ValueError(f"no finding with id or prefix {ref!r}")
    choices = ", ".join(f"{fid} ({f.entity} {f.field})" for fid, f in sorted(matches.items()))
    raise ValueError(f"ambiguous prefix {ref!r}, matches: {choices}")


def is_open(finding: Finding, *, refinements: bool = False) -> bool:
    """True for a conflict (or, asked for, a refinement) that still needs an analyst: no decision,
    changed since the decision, or only noted."""
    if finding.status != "conflict" and not (refinements and finding.status == "refinement"):
        return False
    return needs_review(finding)


def needs_review(finding: Finding) -> bool:
    """True when no current, closing decision covers the finding (whatever its status)."""
    review = finding.review
    return review is None or review.state == "changed-since-review" or review.verdict == "noted"


# --- who and when ---------------------------------------------------------------------------------

def current_user(override: str | None = None) -> str:
    """The analyst's name: `override`, else `git config user.name`, else $USER, else "unknown"."""
    if override and override.strip():
        return override.strip()
    try:
        done = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                              timeout=5, check=False)
        name = done.stdout.strip() if done.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name or os.environ.get("USER", "").strip() or "unknown"


def utc_now() -> str:
    """The current UTC time to the second, e.g. "2026-11-21T14:00:00Z"."""
    return _format_when(dt.datetime.now(dt.timezone.utc))


def _format_when(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:  # a naive time from YAML is already UTC by YAML's rules
        moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
