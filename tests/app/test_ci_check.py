"""`claimrecon check` as CI runs it: a pull request adds an article that contradicts the corpus.

The repository holds a copy of the bundled corpus in `corpus/`, committed; the test then adds
`corpus/news/lupex-slips.md` (uncommitted), which gives LUPEX a third launch year, and runs the
check from the repository root with the corpus path relative, as docs/ci.md says to.
"""
from __future__ import annotations

from tests.shared import sarif_schema

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from tests.app.corpus import (
    copy_sample,
    finding_ids,
    git_commit,
    git_init,
    line_of,
    run_cli,
    run_process,
    write_source,
)

NEW = "corpus/news/lupex-slips.md"
NEW_SENTENCE = "LUPEX is now expected to launch in 2030."
NEW_BODY = f"""\
# LUPEX slips again

Officials in Tokyo and Bengaluru met again this week.

{NEW_SENTENCE}

The rover team is still testing in the desert.
"""
HEAD = re.compile(r"^(conflict|refinement) [0-9a-f]{12} (\S+)\.(\S+)", re.M)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the bundled corpus committed in corpus/ and one new conflicting article."""
    repo = tmp_path / "repo"
    copy_sample(repo / "corpus")
    git_init(repo)
    write_source(repo / "corpus", "news/lupex-slips.md", NEW_BODY, title="LUPEX slips again", published="2026-01-15")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return repo


def new_line(repo: Path) -> int:
    """The line of the new article's conflicting sentence, counted in the file as written."""
    return line_of(repo / NEW, NEW_SENTENCE)


def heads(text: str) -> set[tuple[str, str]]:
    return {(m[2], m[3]) for m in HEAD.finditer(text)}


# --- formats --------------------------------------------------------------------------------------

def test_check_github_annotates_the_new_sentence_and_writes_the_job_summary(repo: Path) -> None:
    # As its own process: the step summary's path arrives in the environment, the verdict as the exit status.
    summary = repo.parent / "step-summary.md"
    done = run_process("check", "corpus/", "--format", "github", "--since", "HEAD", "--quiet", cwd=repo,
                       env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 1, done.stderr
    first = done.stdout.splitlines()[0]  # findings touching the changed source come first
    assert first.startswith(f"::error file={NEW},line={new_line(repo)},title=claimrecon%3A lupex.launch_date conflict::")
    assert first.split("::", 2)[2].startswith("lupex launch_date: 2030 here vs 2025 in corpus/001_53015cbc107be708.txt:")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## claimrecon check")
    assert f"`{NEW}:{new_line(repo)}` {NEW_SENTENCE}" in text
    assert "### lupex.launch_date" in text


def test_check_github_without_step_summary_writes_no_summary(repo: Path) -> None:
    run = run_cli("check", "corpus/", "--format", "github")
    assert run.code == 1
    assert all(line.startswith("::") for line in run.out.splitlines())
    assert sorted(p.name for p in repo.parent.iterdir()) == ["repo"]




def test_check_sarif_is_valid_and_points_at_the_new_sentence(repo: Path) -> None:
    run = run_cli("check", "corpus/", "--format", "sarif", "--since", "HEAD", "--output", "out.sarif")
    assert (run.code, run.out) == (1, "")
    log = json.loads((repo / "out.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    places = {(r["ruleId"], r["level"], loc["physicalLocation"]["artifactLocation"]["uri"],
               loc["physicalLocation"]["region"]["startLine"])
              for r in log["runs"][0]["results"] for loc in r["locations"]}
    assert ("launch_date", "error", NEW, new_line(repo)) in places
    assert all(uri.startswith("corpus/") for _, _, uri, _ in places)


def test_check_junit_parses_and_fails_the_conflicting_finding(repo: Path) -> None:
    run = run_cli("check", "corpus/", "--format", "junit")
    assert run.code == 1
    root = ET.fromstring(run.out)
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    report = run_cli("report", "corpus/", "--format", "json").json()
    assert set(cases) == set(finding_ids(report))  # one test case per finding
    failure = cases[("lupex", "launch_date")].find("failure")
    assert failure is not None
    assert f"{NEW}:{new_line(repo)}" in (failure.text or "")
    assert failure.get("message", "").startswith("lupex launch_date: 2030 here vs ")
    assert root.get("failures") == "2"  # the new LUPEX date and the Space Dialogue date


# --- --since --------------------------------------------------------------------------------------

def test_check_since_fails_only_for_what_the_change_brings(repo: Path) -> None:
    assert run_cli("check", "corpus/", "--since", "HEAD").code == 1  # the new article conflicts
    git_commit(repo, "add the article")
    assert run_cli("check", "corpus/", "--since", "HEAD").code == 0  # nothing new since HEAD
    assert run_cli("check", "corpus/", "--since", "HEAD~1").code == 1
    assert run_cli("check", "corpus/").code == 1  # without --since every open conflict counts
    write_source(repo / "corpus", "news/agrees.md", "Japan will build the LUPEX rover.\n")
    assert run_cli("check", "corpus/", "--since", "HEAD").code == 0  # a new article that agrees


def test_check_since_text_reports_only_findings_of_the_new_source(repo: Path) -> None:
    run = run_cli("check", "corpus/", "--since", "HEAD")
    assert run.code == 1
    assert heads(run.out) == {("lupex", "launch_date")}
    assert "1 unreviewed conflict" in run.out


def test_check_since_outside_git_exits_2_naming_the_folder(tmp_path: Path, monkeypatch) -> None:
    corpus = copy_sample(tmp_path / "corpus")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above the test folder
    run = run_cli("check", corpus, "--since", "HEAD")
    assert run.code == 2
    assert run.err.startswith(f"claimrecon: {corpus}: --since HEAD: ")
    assert "not a git repository" in run.err


def test_check_since_without_the_git_program_exits_2(tmp_path: Path, monkeypatch) -> None:
    corpus = copy_sample(tmp_path / "corpus")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    run = run_cli("check", corpus, "--since", "origin/main")
    assert run.code == 2
    assert "--since needs git, which is not installed" in run.err


@pytest.mark.parametrize("ref, message", [
    ("no-such-branch", "--since no-such-branch: git failed: "),
])
def test_check_since_unknown_ref_exits_2(repo: Path, ref: str, message: str) -> None:
    run = run_cli("check", "corpus/", "--since", ref)
    assert run.code == 2
    assert message in run.err


# --- exit codes and --fail-on --------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled corpus that the tests only check (which writes nothing but its cache)."""
    return copy_sample(tmp_path_factory.mktemp("sample") / "corpus")


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled corpus with both conflicts decided: only its two refinements are open."""
    corpus = copy_sample(tmp_path_factory.mktemp("reviewed") / "corpus")
    ids = finding_ids(run_cli("report", corpus, "--format", "json").json())
    for args in (["accept", ids[("lupex", "launch_date")], "--value", "2028"],
                 ["dismiss", ids[("space-dialogue-3", "event_date")], "--reason", "not-a-conflict"]):
        assert run_cli("review", "--corpus", corpus, *args, "--who", "Asha").code == 0
    return corpus


@pytest.mark.parametrize("fail_on, code", [("conflict", 1), ("refinement", 1), ("never", 0)])
def test_check_exit_code_on_the_bundled_corpus(sample: Path, fail_on: str, code: int) -> None:
    assert run_cli("check", sample, "--fail-on", fail_on).code == code


@pytest.mark.parametrize("fail_on, code", [("conflict", 0), ("refinement", 1), ("never", 0)])
def test_check_exit_code_when_only_refinements_are_open(reviewed: Path, fail_on: str, code: int) -> None:
    run = run_cli("check", reviewed, "--fail-on", fail_on)
    assert run.code == code
    if fail_on == "refinement":  # H3 vs H3-24L, and ISSA-J1's 2027 vs spring 2027, are what fail
        assert heads(run.out) == {("lupex", "launch_vehicle"), ("issa-j1", "launch_date")}
        assert {m[1] for m in HEAD.finditer(run.out)} == {"refinement"}


@pytest.mark.parametrize("fail_on, code", [("conflict", 0), ("refinement", 1), ("never", 0)])
def test_check_exit_code_on_a_corpus_with_one_refinement(tmp_path: Path, fail_on: str, code: int) -> None:
    corpus = tmp_path / "corpus"
    write_source(corpus, "a.txt", "LUPEX will launch on an H3 rocket.\n")
    write_source(corpus, "b.txt", "LUPEX will fly on the H3-24L rocket.\n")
    run = run_cli("check", corpus, "--fail-on", fail_on)
    assert run.code == code
    assert heads(run.out) == ({("lupex", "launch_vehicle")} if fail_on == "refinement" else set())


def test_check_exits_2_on_unusable_input_naming_file_and_line(tmp_path: Path) -> None:
    sample = copy_sample(tmp_path / "corpus")
    write_source(sample, "broken.md", "---\npublished: 15/05/2025\n---\nLUPEX will launch in 2027.\n")
    run = run_cli("check", sample)
    assert run.code == 2
    assert f"{sample}/broken.md:2: error: `published: 15/05/2025` is not YYYY-MM-DD" in run.out


# --- places per value ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def widespread(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven articles say LUPEX launches in 2027, one says 2028."""
    corpus = tmp_path_factory.mktemp("widespread") / "corpus"
    for n in range(7):
        write_source(corpus, f"a{n}.txt", f"Report number {n}.\nLUPEX will launch in 2027.\n")
    write_source(corpus, "b.txt", "LUPEX will launch in 2028.\n")
    return corpus


def test_check_lists_five_places_per_value_then_counts_the_rest(widespread: Path) -> None:
    cold, warm = run_cli("check", widespread), run_cli("check", widespread)  # the second from the run index
    assert cold.out == warm.out and cold.code == warm.code == 1
    places = [line.split()[1] for line in cold.out.splitlines() if line.startswith("  2027  ")]
    assert places == [f"{widespread}/a{n}.txt:2" for n in range(5)] + ["and"]
    assert "  2027  and 2 more places\n" in cold.out and f"  2028  {widespread}/b.txt:1" in cold.out


def test_check_places_0_lists_every_place(widespread: Path) -> None:
    out = run_cli("check", widespread, "--places", "0").out
    assert [line.split()[1] for line in out.splitlines() if line.startswith("  2027  ")] == \
        [f"{widespread}/a{n}.txt:2" for n in range(7)]
    assert "more place" not in out


@pytest.mark.parametrize("given", ["-1", "many"])
def test_check_places_must_be_a_whole_number(widespread: Path, given: str) -> None:
    run = run_cli("check", widespread, "--places", given)
    assert run.code == 2 and f"--places: expected a whole number of 0 or more, got '{given}'" in run.err
