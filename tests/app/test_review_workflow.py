"""The analyst's review workflow end to end on a copy of the bundled corpus: list, decide, check, reopen.

The bundled corpus has two conflicts: LUPEX's launch date (2025 / later this decade / by 2028) and
the date of the Third Space Dialogue (March 2025 / April 1, 2025).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reconcile import load_reviews, save_reviews
from tests.app.corpus import copy_sample, finding_ids, line_of, run_cli, write_source

LUPEX = ("lupex", "launch_date")
DIALOGUE = ("space-dialogue-3", "event_date")
WHEN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
HEAD = re.compile(r"^(conflict|refinement) ([0-9a-f]{12}) (\S+)\.(\S+)(?: \((.*)\))?$", re.M)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "corpus")


def listed(corpus: Path) -> dict[tuple[str, str], str]:
    """`claimrecon review --corpus C`: the open conflicts' id prefixes by (entity, field)."""
    run = run_cli("review", "--corpus", corpus)
    assert run.code == 0, run.err
    rows = re.findall(r"^([0-9a-f]{12})  (\S+)\.(\S+)", run.out, re.M)
    return {(entity, field): prefix for prefix, entity, field in rows}


def check_heads(text: str) -> dict[tuple[str, str], str]:
    """The findings `check` prints, `{(entity, field): notes in brackets}`."""
    return {(m[3], m[4]): m[5] or "" for m in HEAD.finditer(text)}


def test_review_workflow_closes_conflicts_and_a_new_source_reopens_one(corpus: Path) -> None:
    ids = listed(corpus)
    assert set(ids) == {LUPEX, DIALOGUE}

    accepted = run_cli("review", "--corpus", corpus, "accept", ids[LUPEX][:6], "--value", "2028",
                       "--note", "JAXA moved the launch", "--who", "Asha")
    assert accepted.code == 0, accepted.err
    check = run_cli("check", corpus)
    assert check.code == 1
    assert set(check_heads(check.out)) == {DIALOGUE}
    assert "1 unreviewed conflict, 1 reviewed" in check.out

    dismissed = run_cli("review", "--corpus", corpus, "dismiss", ids[DIALOGUE][:6],
                        "--reason", "not-a-conflict", "--note", "UTC and JST dates of one meeting", "--who", "Asha")
    assert dismissed.code == 0, dismissed.err
    check = run_cli("check", corpus)
    assert (check.code, check_heads(check.out)) == (0, {})
    assert check.out.startswith("no unreviewed conflicts")

    reviews = corpus / "reviews.yaml"
    before = reviews.read_bytes()
    sixth = write_source(corpus, "lupex-slips.txt", "LUPEX is now expected to launch in 2030.\n",
                         title="LUPEX slips again", published="2026-01")
    check = run_cli("check", corpus)
    assert check.code == 1
    heads = check_heads(check.out)
    assert set(heads) == {LUPEX}
    assert "changed since review" in heads[LUPEX]
    where = f"{sixth}:{line_of(sixth, 'launch in 2030')}"
    assert f'  2030  {where}  "LUPEX is now expected to launch in 2030."' in check.out.splitlines()
    listing = run_cli("review", "--corpus", corpus).out
    assert "lupex.launch_date  [changed since review: added 2030-01-01..2030-12-31; removed none]" in listing

    assert reviews.read_bytes() == before, "check and review listing must not rewrite reviews.yaml"
    copy = corpus / "copy.yaml"
    save_reviews(copy, load_reviews(reviews))
    assert copy.read_bytes() == before


def test_review_from_the_sample_corpus_writes_reviews_yaml_in_the_current_folder(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    ids = finding_ids(run_cli("report", "--format", "json").json())
    run = run_cli("review", "accept", ids[LUPEX], "--value", "by 2028", "--who", "Asha")
    assert run.code == 0, run.err
    assert [(d.entity, d.field, d.value) for d in load_reviews(tmp_path / "reviews.yaml")] == [
        ("lupex", "launch_date", "2028-01-01..2028-12-31")]
    assert run_cli("check").code == 1  # the Space Dialogue date is still open


@pytest.mark.parametrize("args, expected", [
    ([], "the following arguments are required: --reason"),
    (["--reason", "wrong"], "invalid choice: 'wrong'"),
])
def test_review_dismiss_needs_a_reason_kind(corpus: Path, args: list[str], expected: str) -> None:
    prefix = listed(corpus)[DIALOGUE]
    run = run_cli("review", "--corpus", corpus, "dismiss", prefix, *args, "--who", "Asha")
    assert run.code == 2
    assert expected in run.err
    for kind in ("extraction-error", "not-a-conflict", "out-of-scope"):
        assert kind in run.err
    assert not (corpus / "reviews.yaml").exists()


def test_review_note_keeps_the_conflict_open(corpus: Path) -> None:
    prefix = listed(corpus)[LUPEX]
    assert run_cli("review", "--corpus", corpus, "note", prefix, "asked JAXA", "--who", "Asha").code == 0
    check = run_cli("check", corpus)
    assert check.code == 1
    assert set(check_heads(check.out)) == {LUPEX, DIALOGUE}
    assert "2 unreviewed conflicts, 0 reviewed" in check.out
    assert "lupex.launch_date  [noted only]" in run_cli("review", "--corpus", corpus).out
    review = next(f["review"] for f in run_cli("report", corpus, "--format", "json").json()["findings"]
                  if (f["entity"], f["field"]) == LUPEX)
    assert (review["verdict"], review["note"]) == ("noted", "asked JAXA")


def test_review_reopen_removes_the_decision(corpus: Path) -> None:
    ids = listed(corpus)
    for key in (LUPEX, DIALOGUE):
        run_cli("review", "--corpus", corpus, "dismiss", ids[key], "--reason", "out-of-scope", "--who", "Asha")
    assert run_cli("check", corpus).code == 0

    reopened = run_cli("review", "--corpus", corpus, "reopen", ids[LUPEX])
    assert reopened.code == 0, reopened.err
    assert "reopened" in reopened.err
    check = run_cli("check", corpus)
    assert (check.code, set(check_heads(check.out))) == (1, {LUPEX})
    assert [(d.entity, d.field) for d in load_reviews(corpus / "reviews.yaml")] == [DIALOGUE]


def _shared_prefix(ids: list[str]) -> str:
    """The shortest prefix that starts two or more of the finding ids."""
    for length in range(1, 16):
        starts = [i[:length] for i in ids]
        shared = sorted({s for s in starts if starts.count(s) > 1})
        if shared:
            return shared[0]
    raise AssertionError("no two finding ids share a prefix")


@pytest.mark.parametrize("kind, action", [
    ("unknown", ["accept", "{ref}", "--value", "2028"]),
    ("ambiguous", ["accept", "{ref}", "--value", "2028"]),
    ("unknown", ["dismiss", "{ref}", "--reason", "out-of-scope"]),
    ("ambiguous", ["note", "{ref}", "why"]),
    ("ambiguous", ["reopen", "{ref}"]),
])
def test_review_unknown_or_ambiguous_finding_prefix_exits_2(corpus: Path, kind: str, action: list[str]) -> None:
    report = run_cli("report", corpus, "--format", "json").json()
    ref = "zz99" if kind == "unknown" else _shared_prefix([f["finding_id"] for f in report["findings"]])
    run = run_cli("review", "--corpus", corpus, *[a.format(ref=ref) for a in action])
    assert run.code == 2
    if kind == "unknown":
        assert f"no finding with id or prefix '{ref}'" in run.err
    else:
        assert f"ambiguous prefix '{ref}', matches: " in run.err
        matching = [f for f in report["findings"] if f["finding_id"].startswith(ref)]
        for finding in matching:  # every candidate is named with what it is about
            assert f"{finding['finding_id']} ({finding['entity']} {finding['field']})" in run.err
    assert not (corpus / "reviews.yaml").exists()


def test_reviews_file_is_readable_and_sorted_whatever_the_decision_order(corpus: Path) -> None:
    ids = finding_ids(run_cli("report", corpus, "--format", "json").json())
    run_cli("review", "--corpus", corpus, "dismiss", ids[DIALOGUE], "--reason", "not-a-conflict",
            "--note", "two time zones", "--who", "Ravi")
    run_cli("review", "--corpus", corpus, "accept", ids[LUPEX], "--value", "2028",
            "--note", "JAXA moved the launch", "--who", "Asha")
    text = (corpus / "reviews.yaml").read_text(encoding="utf-8")
    expected = f"""\
- entity: lupex
  field: launch_date
  values:
  - 2025-01-01..2025-12-31
  - 2025-08-01..2029-12-31
  - 2028-01-01..2028-12-31
  verdict: accepted
  value: 2028-01-01..2028-12-31
  note: JAXA moved the launch
  who: Asha
  when: 'WHEN'
  finding_id: {ids[LUPEX]}

- entity: space-dialogue-3
  field: event_date
  values:
  - 2025-03-01..2025-03-31
  - 2025-04-01..2025-04-01
  verdict: dismissed
  reason: not-a-conflict
  note: two time zones
  who: Ravi
  when: 'WHEN'
  finding_id: {ids[DIALOGUE]}
"""
    assert text.startswith("# ")  # a header comment says what the file is
    assert WHEN.sub("WHEN", text.split("\n", 1)[1]) == expected
    assert all(isinstance(entry["when"], str) for entry in yaml.safe_load(text))


def test_report_json_shows_the_review_on_the_reviewed_finding(corpus: Path) -> None:
    prefix = listed(corpus)[LUPEX]
    run_cli("review", "--corpus", corpus, "accept", prefix, "--value", "2028", "--who", "Asha")
    findings = run_cli("report", corpus, "--format", "json").json()["findings"]
    reviewed = {(f["entity"], f["field"]): f["review"] for f in findings if f["review"] is not None}
    assert list(reviewed) == [LUPEX]
    review = reviewed[LUPEX]
    assert (review["verdict"], review["who"], review["state"]) == ("accepted", "Asha", "reviewed")
    assert WHEN.fullmatch(review["when"])
    assert (review["value"]["start"], review["value"]["end"]) == ("2028-01-01", "2028-12-31")


def test_decision_is_listed_as_orphaned_after_its_source_is_deleted(corpus: Path) -> None:
    extra = write_source(corpus, "extra.txt", "Chandrayaan-4 is scheduled to launch in 2027.\n\n"
                                              "A later report said Chandrayaan-4 will launch in 2028.\n")
    prefix = listed(corpus)[("chandrayaan-4", "launch_date")]
    run_cli("review", "--corpus", corpus, "dismiss", prefix, "--reason", "extraction-error", "--who", "Asha")
    extra.unlink()

    listing = run_cli("review", "--corpus", corpus).out
    orphans = [line for line in listing.splitlines() if line.startswith("orphaned decision")]
    assert len(orphans) == 1, listing
    assert WHEN.sub("WHEN", orphans[0]) == (
        "orphaned decision: chandrayaan-4.launch_date dismissed (2027-01-01..2027-12-31, 2028-01-01..2028-12-31) "
        "by Asha on WHEN: no finding has this entity and field any more")
    assert [(d.entity, d.field) for d in load_reviews(corpus / "reviews.yaml")] == [("chandrayaan-4", "launch_date")]


def test_review_note_after_a_verdict_keeps_the_verdict(corpus: Path) -> None:
    ids = listed(corpus)
    assert run_cli("review", "--corpus", corpus, "accept", ids[LUPEX], "--value", "2028", "--who", "Asha").code == 0
    assert run_cli("review", "--corpus", corpus, "note", ids[LUPEX], "asked JAXA to confirm", "--who", "Ravi").code == 0
    verdicts = sorted(d.verdict for d in load_reviews(corpus / "reviews.yaml"))
    assert verdicts == ["accepted", "noted"]
    assert set(check_heads(run_cli("check", corpus).out)) == {DIALOGUE}  # LUPEX stays decided
