"""Bad input through the command line: each is named with its file (and line), the good sources still count.

Every case writes a corpus with two good sources, each stating one known claim, plus the bad
input; then runs `claimrecon report --format json` (problems on stderr and in the report) and
`claimrecon check` (problems in its output). Exit codes are CONTRACT.md section 4: 2 when an
input could not be used (a problem of severity `error`), otherwise 0 (no conflict here).
"""
from __future__ import annotations

import builtins
import json
import os
import pathlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from claimrecon.cli import main

GOOD = {
    "good-lupex.txt": "LUPEX will launch in 2028.\n",
    "good-issa.txt": "The ISSA-J1 satellite is scheduled to launch in spring 2027.\n",
}
# (source id, entity, value text) of the claim each good source states.
GOOD_CLAIMS = {("good-lupex", "lupex", "2028"), ("good-issa", "issa-j1", "spring 2027")}
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


CLI = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CLI:
    """`cli("report", corpus, "--format", "json")` → Run(exit code, stdout, stderr); never a traceback."""
    def run(*args: str | Path) -> Run:
        capsys.readouterr()
        command, *rest = (str(a) for a in args)
        code = main([command, "--jobs", "1", "--quiet", "--no-cache", *rest])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)
    return run


def write_corpus(root: Path, files: dict[str, bytes | str]) -> Path:
    """The two good sources and `files` (text written as UTF-8 exactly, bytes as they are) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in {**GOOD, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def claims_of(report: dict) -> set[tuple[str, str, str]]:
    """(source id, entity, value text) of every value in a JSON report."""
    return {(source, f["entity"], group["value"]["text"])
            for f in report["findings"] for group in f["values"] for source in group["sources"]}


def problem(report: dict, path: str) -> dict:
    """The one problem the report lists for `path`."""
    found = [p for p in report["problems"] if p["path"] == path]
    assert len(found) == 1, report["problems"]
    return found[0]


def where(path: str, line: int | None) -> str:
    return f"{path}:{line}:" if line else f"{path}:"


# name, content, (problem line, severity, words in the message) or None, whether the bad file's own claim counts
FILE_CASES = [
    pytest.param("empty.txt", b"", (None, "warning", ["is empty"]), False, id="empty-file"),
    pytest.param("blank.md", b" \n\t \r\n  ", (None, "warning", ["empty", "whitespace"]), False,
                 id="whitespace-only-file"),
    pytest.param("image.txt", PNG_HEAD, (None, "error", ["binary file", "NUL bytes"]), False, id="binary-file"),
    pytest.param("latin.txt", "Caf\u00e9 news.\nLUPEX will launch in 2028.\n".encode("latin-1"),
                 (1, "warning", ["not valid UTF-8", "0xe9", "decoded as Windows-1252"]), True,
                 id="latin-1-file"),
    pytest.param("wide.txt", "LUPEX will launch in 2028.\n".encode("utf-16"),
                 (None, "warning", ["decoded as UTF-16", "byte-order mark"]), True, id="utf-16-with-bom"),
    pytest.param("wide.txt", "LUPEX will launch in 2028.\n".encode("utf-16-le"),
                 (None, "warning", ["decoded as UTF-16", "no byte-order mark"]), True, id="utf-16-without-bom"),
    pytest.param("bom.txt", b"\xef\xbb\xbfLUPEX will launch in 2028.\n", None, True, id="utf-8-bom"),
    pytest.param("crlf.txt", b"Intro.\r\n\r\nLUPEX will launch in 2028.\r\n", None, True, id="crlf-line-ends"),
    pytest.param("cr.txt", b"Intro.\r\rLUPEX will launch in 2028.\r", None, True, id="cr-line-ends"),
]


@pytest.mark.parametrize("name, content, expected, counts", FILE_CASES)
def test_cli_bad_file_is_named_and_good_sources_still_count(cli, tmp_path, name, content, expected, counts):
    corpus = write_corpus(tmp_path / "c", {name: content})
    run = cli("report", corpus, "--format", "json")
    report = run.json()
    assert GOOD_CLAIMS <= claims_of(report)
    bad_id = name.rsplit(".", 1)[0]
    assert ((bad_id, "lupex", "2028") in claims_of(report)) is counts
    if expected is None:
        assert report["problems"] == [] and run.code == 0 and run.err == ""
        return
    line, severity, words = expected
    found = problem(report, name)
    assert (found.get("line"), found["severity"]) == (line, severity)
    assert all(word in found["message"] for word in words), found["message"]
    assert f"claimrecon: {where(name, line)} {severity}: " in run.err
    assert run.code == (2 if severity == "error" else 0)


@pytest.mark.parametrize("name, content, line", [
    pytest.param("crlf.txt", b"Intro.\r\n\r\nLUPEX will launch in 2028.\r\n", 3, id="crlf"),
    pytest.param("cr.txt", b"Intro.\r\rLUPEX will launch in 2028.\r", 3, id="cr"),
    pytest.param("bom.txt", b"\xef\xbb\xbfLUPEX will launch in 2028.\n", 1, id="utf-8-bom"),
    pytest.param("fm.md", b"---\r\ntitle: T\r\n---\r\nIntro.\r\nLUPEX will launch in 2028.\r\n", 5,
                 id="crlf-front-matter"),
])
def test_cli_line_ends_keep_offsets_and_lines_right(cli, tmp_path, name, content, line):
    corpus = write_corpus(tmp_path / "c", {name: content})
    run = cli("extract", corpus, "--format", "jsonl")
    claims = [json.loads(row) for row in run.out.splitlines()]
    (claim,) = [c for c in claims if c["source_id"] == name.rsplit(".", 1)[0]]
    text = content.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("---"):
        text = text.split("---\n", 2)[2]
    evidence = claim["evidence"]
    assert text[evidence["start"]:evidence["end"]] == "2028"
    assert (evidence["line"], evidence["quote"]) == (line, "LUPEX will launch in 2028.")
    assert run.code == 0


def test_cli_file_over_the_default_size_limit_is_refused_by_its_size(cli, tmp_path):
    corpus = write_corpus(tmp_path / "c", {})
    with (corpus / "huge.txt").open("wb") as handle:  # 50 MB of real text
        handle.write(b"LUPEX will launch in 2030. " * (50_000_000 // 27 + 1))
    run = cli("report", corpus, "--format", "json")
    report = run.json()
    found = problem(report, "huge.txt")
    assert "is 50 MB, above the limit of 20 MB (--max-bytes)" in found["message"]
    assert found["severity"] == "error" and run.code == 2
    assert "claimrecon: huge.txt: error: is 50 MB" in run.err
    assert claims_of(report) == GOOD_CLAIMS


def test_cli_size_limit_is_configurable(cli, tmp_path):
    corpus = write_corpus(tmp_path / "c", {"long.txt": "LUPEX will launch in 2028. " * 100})
    run = cli("check", corpus, "--max-bytes", "1000")
    assert run.code == 2
    assert "long.txt: error: is 2,700 bytes, above the limit of 1,000 bytes (--max-bytes)" in run.out
    assert "2 findings, 2 sources" in run.out


def test_cli_very_long_line_is_processed(cli, tmp_path):
    filler = "word " * 200_000  # one 1 MB line
    corpus = write_corpus(tmp_path / "c", {"long.txt": f"{filler}end.\n{filler}LUPEX will launch in 2028.\n"})
    run = cli("extract", corpus, "--format", "jsonl")
    claims = [json.loads(row) for row in run.out.splitlines()]
    (claim,) = [c for c in claims if c["source_id"] == "long"]
    assert (claim["evidence"]["line"], claim["value"]["text"]) == (2, "2028")
    assert claim["evidence"]["start"] == len(filler) * 2 + len("end.\n") + len("LUPEX will launch in ")
    assert run.code == 0


def test_cli_symlink_outside_the_corpus_is_not_followed_unless_asked(cli, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("LUPEX will launch in 2028.\n", encoding="utf-8")
    corpus = write_corpus(tmp_path / "c", {})
    (corpus / "link.txt").symlink_to(outside)
    run = cli("report", corpus, "--format", "json")
    report = run.json()
    found = problem(report, "link.txt")
    assert "symlink to a file outside the corpus; skipped" in found["message"]
    assert "--follow-symlinks" in found["message"] and found["severity"] == "warning"
    assert claims_of(report) == GOOD_CLAIMS and run.code == 0
    followed = cli("report", corpus, "--format", "json", "--follow-symlinks").json()
    assert ("link", "lupex", "2028") in claims_of(followed) and followed["problems"] == []


def test_cli_unreadable_file_is_named(cli, tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", {"locked.txt": "LUPEX will launch in 2028.\n"})
    locked = corpus / "locked.txt"
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: make the open itself fail as it would
        real_open = builtins.open

        def refuse(file, *args, **kwargs):
            if pathlib.Path(str(file)).name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)
        monkeypatch.setattr(builtins, "open", refuse)
    try:
        run = cli("report", corpus, "--format", "json")
    finally:
        locked.chmod(0o644)
    report = run.json()
    assert "cannot be read: permission denied" in problem(report, "locked.txt")["message"]
    assert claims_of(report) == GOOD_CLAIMS and run.code == 2


# --- metadata ---------------------------------------------------------------------------------

# files beside the good ones, the path and line the problem names, severity, words; the claim counts
METADATA_CASES = [
    pytest.param({"fm.md": "---\ntitle: T\nauthor: A: B\n---\nLUPEX will launch in 2028.\n"},
                 "fm.md", 3, "error", ["front matter is not valid YAML", "loaded without its front matter"],
                 id="malformed-front-matter"),
    pytest.param({"fm.md": "---\ntitle: T\npubisher: Wire\n---\nLUPEX will launch in 2028.\n"},
                 "fm.md", 3, "warning", ["unknown key `pubisher`", "kept in the source's extra metadata"],
                 id="unknown-key"),
    pytest.param({"fm.md": "---\npublished: last Tuesday\n---\nLUPEX will launch in 2028.\n"},
                 "fm.md", 2, "error", ["`published: last Tuesday` is not YYYY-MM-DD, YYYY-MM or YYYY"],
                 id="published-not-a-date"),
    pytest.param({"fm.md": "---\npublished: 2999-01-01\n---\nLUPEX will launch in 2028.\n"},
                 "fm.md", 2, "warning", ["`published: 2999-01-01` is after today", "check the year"],
                 id="published-in-the-future"),
    pytest.param({"dup.md": "LUPEX will launch in 2028.\n", "dup.txt": "LUPEX will launch in 2030.\n"},
                 "dup.txt", None, "error", ["same id `dup` as `dup.md`", "this file is skipped"],
                 id="duplicate-file-ids"),
    pytest.param({"sources.yaml": "- id: good-lupex\n  title: A\n- id: good-lupex\n  title: B\n"},
                 "sources.yaml", 3, "error", ["`id: good-lupex` repeats the entry on line 1"],
                 id="duplicate-manifest-ids"),
    pytest.param({"sources.yaml": "- id: good-lupex\n- id: gone\n  title: Missing\n"},
                 "sources.yaml", 2, "error", ["`id: gone` names no file"], id="manifest-entry-without-file"),
    pytest.param({"sources.yaml": "- id: good-lupex\n  title: [unclosed\n"}, "sources.yaml", 3, "error",
                 ["not valid YAML", "every file still loads"], id="malformed-manifest"),
    pytest.param({"reviews.yaml": "- entity: lupex\n  field: [unclosed\n"}, "reviews.yaml", 3, "error",
                 ["not valid YAML"], id="malformed-reviews-yaml"),
]


@pytest.mark.parametrize("files, path, line, severity, words", METADATA_CASES)
def test_cli_bad_metadata_is_located_and_good_sources_still_count(cli, tmp_path, files, path, line, severity, words):
    corpus = write_corpus(tmp_path / "c", files)
    run = cli("report", corpus, "--format", "json")
    report = run.json()
    shown = str(corpus / path) if path == "reviews.yaml" else path  # reviews.yaml is named as given
    found = problem(report, shown)
    assert (found.get("line"), found["severity"]) == (line, severity)
    assert all(word in found["message"] for word in words), found["message"]
    assert f"claimrecon: {where(shown, line)} {severity}: " in run.err
    assert GOOD_CLAIMS <= claims_of(report)
    assert run.code == (2 if severity == "error" else 0)


def test_cli_unknown_key_is_kept_in_the_source(cli, tmp_path):
    corpus = write_corpus(tmp_path / "c", {"fm.md": "---\npubisher: Wire\n---\nLUPEX will launch in 2028.\n"})
    sources = {s["id"]: s for s in cli("report", corpus, "--format", "json").json()["sources"]}
    assert sources["fm"]["extra"] == {"pubisher": "Wire"}


def test_cli_file_without_a_manifest_entry_loads_without_a_problem(cli, tmp_path):
    corpus = write_corpus(tmp_path / "c", {"sources.yaml": "- id: good-lupex\n  title: Known\n  published: 2025-05\n"})
    run = cli("report", corpus, "--format", "json")
    report = run.json()
    sources = {s["id"]: s for s in report["sources"]}
    assert sources["good-lupex"]["title"] == "Known" and "title" not in sources["good-issa"]
    assert report["problems"] == [] and claims_of(report) == GOOD_CLAIMS and run.code == 0


# --- every command lists what it met --------------------------------------------------------

def _messy_corpus(root: Path) -> Path:
    return write_corpus(root, {
        "image.txt": PNG_HEAD,
        "fm.md": "---\ntitle: T\nauthor: A: B\n---\nLUPEX will launch in 2028.\n",
        "empty.txt": "",
        "sources.yaml": "- id: good-issa\n- id: gone\n",
    })


EXPECTED_MESSY = ["image.txt: error: is a binary file", "fm.md:3: error: front matter is not valid YAML",
                  "empty.txt: warning: is empty", "sources.yaml:2: error: entry `id: gone` names no file"]


@pytest.mark.parametrize("fmt, shown", [
    ("text", "{corpus}/{problem}"),
    ("github", None),
    ("sarif", None),
    ("junit", None),
])
def test_cli_check_reports_every_problem_and_exits_2(cli, tmp_path, fmt, shown):
    corpus = _messy_corpus(tmp_path / "c")
    run = cli("check", corpus, "--format", fmt)
    assert run.code == 2
    for expected in EXPECTED_MESSY:
        path, rest = expected.split(": ", 1)
        message = rest.split(": ", 1)[1]
        assert path.split(":")[0] in run.out and message in run.out, (expected, run.out)
        if shown:
            assert shown.format(corpus=corpus, problem=expected) in run.out
    if fmt == "text":
        assert "2 findings, 3 sources" in run.out  # the good sources and fm.md were still judged


@pytest.mark.parametrize("command", [
    ["report", "{corpus}", "--format", "markdown"],
    ["extract", "{corpus}", "--format", "jsonl"],
    ["review", "--corpus", "{corpus}", "list"],
])
def test_cli_every_command_names_every_problem(cli, tmp_path, command):
    corpus = _messy_corpus(tmp_path / "c")
    run = cli(*[part.format(corpus=corpus) for part in command])
    assert run.code == 2
    for expected in EXPECTED_MESSY:
        assert f"claimrecon: {expected}" in run.err, (expected, run.err)
    if command[0] == "extract":
        sources = {json.loads(row)["source_id"] for row in run.out.splitlines()}
        assert sources == {"good-lupex", "good-issa", "fm"}
