"""Analyst reviews: deciding, storing decisions in reviews.yaml, and applying them to findings."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from claims import DateValue, RefValue
from reconcile import reviews
from reconcile.errors import ReviewFileError
from reconcile.models import Finding, ReviewDecision, Status, ValueGroup
from reconcile.reviews import (
    HEADER,
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


def date(start: str, end: str, text: str, **extra: Any) -> DateValue:
    return DateValue(start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end), text=text, **extra)


Y2025 = date("2025-01-01", "2025-12-31", "2025")
BY2028 = date("2028-01-01", "2028-12-31", "by 2028", qualifier="by")
MARCH2028 = date("2028-03-01", "2028-03-31", "March 2028")
Y2027_28 = date("2027-01-01", "2028-12-31", "2027–28")
L2025, L2028, LMARCH2028, L2027_28 = ("2025-01-01..2025-12-31", "2028-01-01..2028-12-31",
                                      "2028-03-01..2028-03-31", "2027-01-01..2028-12-31")
WHEN = "2026-11-21T14:00:00Z"


def finding(*values: Any, status: Status = "conflict", entity: str = "lupex", field: str = "launch_date",
            fid: str = "aaaa1111") -> Finding:
    groups = [ValueGroup(value=v, sources=[f"s{i}"], claim_ids=[f"c{i}"]) for i, v in enumerate(values)]
    return Finding(finding_id=fid, entity=entity, field=field, status=status, values=groups)


def decision(values: list[str], verdict: str = "dismissed", *, when: str = WHEN, entity: str = "lupex",
             field: str = "launch_date", **extra: Any) -> ReviewDecision:
    if verdict == "dismissed":
        extra.setdefault("reason", "not-a-conflict")
    return ReviewDecision.model_validate({"entity": entity, "field": field, "values": values,
                                          "verdict": verdict, "who": "Asha", "when": when, **extra})


# --- decide ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, value, reason, note", [
    ({"verdict": "accepted", "value": "by 2028"}, L2028, None, None),
    ({"verdict": "superseded", "value": "2025"}, L2025, None, None),
    ({"verdict": "dismissed", "reason": "extraction-error"}, None, "extraction-error", None),
    ({"verdict": "noted", "note": "ask JAXA"}, None, None, "ask JAXA"),
])
def test_decide_records_each_verdict(kwargs, value, reason, note):
    made = decide(finding(BY2028, Y2025), who="Asha", when=WHEN, **kwargs)
    assert (made.verdict, made.value, made.reason, made.note) == (kwargs["verdict"], value, reason, note)
    assert made.values == [L2025, L2028]  # sorted labels, whatever the finding's order
    assert (made.entity, made.field, made.finding_id, made.who, made.when) == (
        "lupex", "launch_date", "aaaa1111", "Asha", WHEN)


@pytest.mark.parametrize("ref, label", [
    ("2028-01-01..2028-12-31", L2028),   # the label
    ("by 2028", L2028),                  # the original text
    ("BY   2028", L2028),                # ... ignoring case and spacing
    ("2028", L2028),                     # a word of "by 2028"; "2027–28" is not the word 2028
    ("2027", L2027_28),                  # the start of a label
    ("2025-01", L2025),
])
def test_decide_resolves_a_value_by_label_text_or_prefix(ref, label):
    made = decide(finding(Y2025, BY2028, Y2027_28), verdict="accepted", value=ref, who="Asha", when=WHEN)
    assert made.value == label


def test_decide_resolves_a_catalogue_id_ignoring_case():
    refs = finding(RefValue(id="h3-24l", text="H3-24L"), RefValue(id="pslv", text="PSLV"), field="launch_vehicle")
    assert decide(refs, verdict="accepted", value="H3", who="Asha", when=WHEN).value == "h3-24l"


@pytest.mark.parametrize("kwargs, message", [
    ({"verdict": "accepted"}, "needs `value`"),
    ({"verdict": "superseded", "value": "2031"}, "no value '2031' in this finding; choose one of "
                                                 f"{L2025}, {L2028}, {LMARCH2028}"),
    ({"verdict": "accepted", "value": "2028"}, f"ambiguous value '2028', matches: {L2028}, {LMARCH2028}"),
    ({"verdict": "accepted", "value": "  "}, "no value given"),
    ({"verdict": "dismissed"}, "needs `reason`, one of extraction-error, not-a-conflict, out-of-scope"),
    ({"verdict": "dismissed", "reason": "typo"}, "unknown reason 'typo'"),
    ({"verdict": "dismissed", "reason": "out-of-scope", "value": "2025"}, "`value` applies only to"),
    ({"verdict": "accepted", "value": "2025", "reason": "out-of-scope"}, "`reason` applies only to"),
    ({"verdict": "noted"}, "needs `note`"),
    ({"verdict": "noted", "note": " "}, "needs `note`"),
    ({"verdict": "approved"}, "unknown verdict 'approved'"),
    ({"verdict": "noted", "note": "x", "when": "2026-11-21 14:00"}, "not a UTC time"),
    ({"verdict": "noted", "note": "x", "who": ""}, "`who` is empty"),
])
def test_decide_rejects_an_incomplete_or_wrong_decision(kwargs, message):
    arguments = {"who": "Asha", "when": WHEN, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        decide(finding(Y2025, BY2028, MARCH2028), **arguments)


# --- apply_reviews and is_open --------------------------------------------------------------------

@pytest.mark.parametrize("now, state, added, removed", [
    ((Y2025, BY2028), "reviewed", [], []),
    ((Y2025, BY2028, MARCH2028), "changed-since-review", [LMARCH2028], []),   # a new value appeared
    ((BY2028, MARCH2028), "changed-since-review", [LMARCH2028], [L2025]),    # and one went away
])
def test_apply_reviews_compares_the_values_decided_with_the_values_now(now, state, added, removed):
    accepted = decision([L2025, L2028], "accepted", value=L2028, note="JAXA moved it")
    [reviewed], orphans = apply_reviews([finding(*now)], [accepted])
    review = reviewed.review
    assert review is not None and orphans == []
    assert (review.state, review.added_values, review.removed_values) == (state, added, removed)
    assert (review.verdict, review.value, review.note, review.who) == ("accepted", BY2028, "JAXA moved it", "Asha")
    assert is_open(reviewed) is (state == "changed-since-review")


def test_apply_reviews_lists_a_decision_whose_entity_and_field_are_gone_as_orphaned():
    gone = decision(["30 m"], entity="tmt", field="mirror_diameter")
    kept = decision([L2025, L2028])
    findings, orphans = apply_reviews([finding(Y2025, BY2028)], [gone, kept])
    assert orphans == [gone]
    assert findings[0].review is not None and findings[0].review.verdict == "dismissed"


def test_apply_reviews_leaves_a_finding_with_no_decision_unreviewed_and_open():
    [unreviewed], _ = apply_reviews([finding(Y2025, BY2028)], [decision([L2025], entity="slim")])
    assert unreviewed.review is None and is_open(unreviewed)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_apply_reviews_uses_the_latest_decision_by_time_whatever_the_file_order(order):
    older = decision([L2025, L2028], "dismissed", when="2026-01-01T00:00:00Z")
    newer = decision([L2025, L2028], "accepted", value=L2025, when="2026-02-01T00:00:00Z")
    pair = (older, newer)
    [reviewed], _ = apply_reviews([finding(Y2025, BY2028)], [pair[i] for i in order])
    assert reviewed.review is not None and reviewed.review.verdict == "accepted"


def test_apply_reviews_breaks_a_tie_in_time_by_position():
    first = decision([L2025, L2028], "dismissed")
    second = decision([L2025, L2028], "accepted", value=L2028)
    [reviewed], _ = apply_reviews([finding(Y2025, BY2028)], [first, second])
    assert reviewed.review is not None and reviewed.review.verdict == "accepted"


def test_apply_reviews_keeps_a_noted_only_conflict_open():
    [noted], _ = apply_reviews([finding(Y2025, BY2028)], [decision([L2025, L2028], "noted", note="ask JAXA")])
    assert noted.review is not None and (noted.review.state, noted.review.verdict) == ("reviewed", "noted")
    assert is_open(noted)


def test_apply_reviews_adds_a_later_note_without_undoing_the_verdict():
    accepted = decision([L2025, L2028], "accepted", value=L2028, note="JAXA moved it",
                        when="2026-01-01T00:00:00Z")
    later = decision([L2025, L2028], "noted", note="ISRO agrees", when="2026-02-01T00:00:00Z")
    [reviewed], _ = apply_reviews([finding(Y2025, BY2028)], [later, accepted])
    assert reviewed.review is not None
    assert (reviewed.review.verdict, reviewed.review.note) == ("accepted", "JAXA moved it; ISRO agrees")
    assert not is_open(reviewed)


def test_reopen_removes_the_decisions_for_that_entity_and_field_only():
    target = finding(Y2025, BY2028)
    other = decision(["h3"], field="launch_vehicle")
    decisions = [decision([L2025, L2028]), decision([L2025], "accepted", value=L2025), other]
    remaining = reopen(decisions, target)
    assert remaining == [other]
    [reopened], _ = apply_reviews([target], remaining)
    assert reopened.review is None and is_open(reopened)


@pytest.mark.parametrize("status", ["agreement", "single-source", "refinement"])
def test_is_open_is_false_for_an_uncontested_finding(status):
    assert not is_open(finding(Y2025, status=status))


# --- resolve_finding ------------------------------------------------------------------------------

FINDINGS = [finding(Y2025, fid="3f2a9c"), finding(Y2025, fid="3f2a9c77", field="landing_date"),
            finding(Y2025, fid="b10e44", field="approval_date")]


@pytest.mark.parametrize("ref, fid", [
    ("b10e44", "b10e44"),      # the full id
    ("b1", "b10e44"),          # a unique prefix
    ("3f2a9c", "3f2a9c"),      # a full id wins over being the prefix of another
    ("3f2a9c7", "3f2a9c77"),
    (" b10 ", "b10e44"),
])
def test_resolve_finding_by_id_or_unique_prefix(ref, fid):
    assert resolve_finding(FINDINGS, ref).finding_id == fid


@pytest.mark.parametrize("ref, message", [
    ("3f", "ambiguous prefix '3f', matches: 3f2a9c (lupex launch_date), 3f2a9c77 (lupex landing_date)"),
    ("ffff", "no finding with id or prefix 'ffff'"),
    ("", "no finding with id or prefix ''"),
])
def test_resolve_finding_rejects_an_ambiguous_or_unknown_prefix(ref, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve_finding(FINDINGS, ref)


# --- the reviews file -----------------------------------------------------------------------------

ACCEPTED = decision([L2028, L2025], "accepted", value=L2028, note="JAXA moved the launch",
                    finding_id="aaaa1111")
EXPECTED_FILE = HEADER + f"""\
- entity: lupex
  field: launch_date
  values:
  - {L2025}
  - {L2028}
  verdict: accepted
  value: {L2028}
  note: JAXA moved the launch
  who: Asha
  when: '{WHEN}'
  finding_id: aaaa1111
"""
SAMPLE = [
    ACCEPTED,
    decision(["h3", "pslv"], field="launch_vehicle", reason="extraction-error"),
    decision([L2025, L2028], "noted", note="écrit à la main: ça marche", when="2026-01-01T09:30:00Z"),
    decision(["30 m"], entity="tmt", field="mirror_diameter", reason="out-of-scope"),
    decision(["1 d", "2 d"], entity="chandrayaan-3", field="mission_duration", reason="not-a-conflict"),
]
# Notes an analyst might type that YAML must quote or escape: they must survive a round trip.
TRICKY = [decision(["yes", "no"], "noted", note=note, field=f"field-{n}", who="O'Brien")
          for n, note in enumerate([
              "first line\nsecond line", "key: value", "- looks like a list", "null", "'quoted' \"twice\"",
              "trailing space ", "#hash", "long " * 40, "tab\there", "2028", "émigré ✓",
          ])]


def test_save_reviews_writes_one_readable_entry_per_decision(tmp_path):
    path = tmp_path / "reviews.yaml"
    save_reviews(path, [ACCEPTED])
    assert path.read_text(encoding="utf-8") == EXPECTED_FILE
    assert load_reviews(path) == [ACCEPTED.model_copy(update={"values": [L2025, L2028]})]


def test_load_then_save_is_byte_identical(tmp_path):
    path = tmp_path / "reviews.yaml"
    save_reviews(path, SAMPLE)
    written = path.read_bytes()
    save_reviews(path, load_reviews(path))
    assert path.read_bytes() == written


def test_load_then_save_is_byte_identical_for_notes_yaml_must_quote(tmp_path):
    path = tmp_path / "reviews.yaml"
    save_reviews(path, TRICKY)
    written = path.read_bytes()
    assert [d.note for d in load_reviews(path)] == [d.note for d in sorted(TRICKY, key=lambda d: d.field)]
    save_reviews(path, load_reviews(path))
    assert path.read_bytes() == written


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_save_reviews_writes_the_same_bytes_with_or_without_libyaml(tmp_path, monkeypatch):
    fast, slow = tmp_path / "fast.yaml", tmp_path / "slow.yaml"
    save_reviews(fast, [*SAMPLE, *TRICKY])
    monkeypatch.setattr(reviews, "_DUMPER", yaml.SafeDumper)
    monkeypatch.setattr(reviews, "_LOADER", yaml.SafeLoader)
    save_reviews(slow, [*SAMPLE, *TRICKY])
    assert fast.read_bytes() == slow.read_bytes()
    assert load_reviews(fast) == load_reviews(slow)


def test_save_reviews_order_does_not_depend_on_insertion_order(tmp_path):
    outputs = set()
    orders = [SAMPLE, SAMPLE[::-1], SAMPLE[2:] + SAMPLE[:2], [SAMPLE[i] for i in (3, 0, 4, 2, 1)]]
    for n, order in enumerate(orders):
        path = tmp_path / f"reviews-{n}.yaml"
        save_reviews(path, order)
        outputs.add(path.read_bytes())
    assert len(outputs) == 1
    entities = [d.entity for d in load_reviews(tmp_path / "reviews-0.yaml")]
    assert entities == ["chandrayaan-3", "lupex", "lupex", "lupex", "tmt"]


@pytest.mark.parametrize("text", ["", "# nothing yet\n", HEADER + "[]\n"])
def test_load_reviews_of_an_empty_file_has_no_decisions(tmp_path, text):
    path = tmp_path / "reviews.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_reviews(path) == []


def test_load_reviews_of_a_missing_file_has_no_decisions(tmp_path):
    assert load_reviews(tmp_path / "reviews.yaml") == []


def test_load_reviews_reads_an_unquoted_time_written_by_hand(tmp_path):
    path = tmp_path / "reviews.yaml"
    path.write_text(EXPECTED_FILE.replace(f"'{WHEN}'", WHEN), encoding="utf-8")
    assert [d.when for d in load_reviews(path)] == [WHEN]


ENTRY = "- entity: lupex\n  field: launch_date\n  values: [a, b]\n"


@pytest.mark.parametrize("text, line, message", [
    (ENTRY + "  verdict: [accepted\n", 5, "not valid YAML"),
    ("entity: lupex\nfield: launch_date\n", 1, "expected a list of decisions"),
    ("- just a sentence\n", 1, "entry 1: expected a mapping"),
    (ENTRY + "  verdict: noted\n  note: x\n  who: A\n  when: '2026-01-01T00:00:00Z'\n" + ENTRY
     + "  who: A\n  when: '2026-01-01T00:00:00Z'\n", 8, "entry 2: missing key `verdict`"),
    (ENTRY + "  verdict: approved\n  who: A\n  when: '2026-01-01T00:00:00Z'\n", 4,
     "entry 1: `verdict: approved` is not one of 'accepted', 'superseded', 'dismissed' or 'noted'"),
    (ENTRY + "  verdict: dismissed\n  reason: typo\n  who: A\n  when: '2026-01-01T00:00:00Z'\n", 5,
     "entry 1: `reason: typo` is not one of"),
    (ENTRY + "  verdict: dismissed\n  who: A\n  when: '2026-01-01T00:00:00Z'\n", 1,
     "entry 1: a `dismissed` decision needs `reason`"),
    (ENTRY + "  verdit: noted\n  note: x\n  who: A\n  when: '2026-01-01T00:00:00Z'\n", 4,
     "entry 1: unknown key `verdit`"),
    (ENTRY + "  verdict: noted\n  note: x\n  who: A\n  when: yesterday\n", 7,
     "entry 1: `when: yesterday` is not a UTC time"),
    (ENTRY.replace("[a, b]", "a") + "  verdict: noted\n  note: x\n  who: A\n  when: '2026-01-01T00:00:00Z'\n", 3,
     "entry 1: `values`: input should be a valid list, found 'a'"),
    (ENTRY.replace("[a, b]", "[a, 2028]") + "  verdict: noted\n  note: x\n  who: A\n"
     "  when: '2026-01-01T00:00:00Z'\n", 3, "entry 1: `values[1]`: input should be a valid string"),
])
def test_load_reviews_names_the_file_and_line_of_a_bad_entry(tmp_path, text, line, message):
    path = tmp_path / "reviews.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewFileError) as caught:
        load_reviews(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert message in caught.value.message


def test_load_reviews_reports_an_impossible_unquoted_time_without_a_traceback(tmp_path):
    path = tmp_path / "reviews.yaml"
    path.write_text(ENTRY + "  verdict: noted\n  note: x\n  who: A\n  when: 2026-13-45T00:00:00Z\n", encoding="utf-8")
    with pytest.raises(ReviewFileError, match="not valid YAML") as caught:
        load_reviews(path)
    assert caught.value.path == str(path)


def test_save_reviews_leaves_the_old_file_intact_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "reviews.yaml"
    save_reviews(path, [ACCEPTED])
    before = path.read_bytes()

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ReviewFileError, match="cannot write the reviews file") as caught:
        save_reviews(path, SAMPLE)
    assert caught.value.path == str(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reviews.yaml"]


def test_update_reviews_applies_the_change_and_returns_what_it_saved(tmp_path):
    path = tmp_path / "reviews.yaml"
    saved = update_reviews(path, lambda decisions: [*decisions, *SAMPLE])
    assert saved == load_reviews(path)
    assert len(saved) == len(SAMPLE)


def _add_decisions(path: str, who: str, count: int, start: Any) -> None:
    start.wait()  # both processes are up: their updates interleave
    for i in range(count):
        added = decision(["a"], "noted", note=f"{who} {i}", when=f"2026-01-01T00:00:{i:02d}Z")
        update_reviews(Path(path), partial(_append, added))


def _append(added: ReviewDecision, decisions: list[ReviewDecision]) -> list[ReviewDecision]:
    return [*decisions, added]


def test_update_reviews_from_two_processes_loses_no_decision(tmp_path):
    path, count = tmp_path / "reviews.yaml", 25  # without the lock, about half are lost
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")  # fork: no re-import
    start = context.Barrier(2)
    workers = [context.Process(target=_add_decisions, args=(str(path), who, count, start))
               for who in ("p1", "p2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    notes = {d.note for d in load_reviews(path)}
    assert notes == {f"{who} {i}" for who in ("p1", "p2") for i in range(count)}


# --- who and when ---------------------------------------------------------------------------------

def test_current_user_prefers_the_override():
    assert current_user(" Asha ") == "Asha"


def test_current_user_falls_back_to_user_then_unknown(monkeypatch):
    def no_git(*_args: object, **_kwargs: object) -> None:
        raise FileNotFoundError("git")

    monkeypatch.setattr(subprocess, "run", no_git)
    monkeypatch.setenv("USER", "asha")
    assert current_user() == "asha"
    monkeypatch.delenv("USER")
    assert current_user() == "unknown"


def test_utc_now_is_utc_to_the_second_with_z():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", utc_now())
