"""Hostile article text comes out inert in every format, and no input makes extraction blow up.

A source whose title, url and text carry `<script>`, a `javascript:` url, Markdown table
breakers, GitHub workflow commands and ANSI/OSC terminal sequences goes through `report` (every
format), `check` (every format) and `review`; each output is checked for what would execute or
render there. Then extraction over 1 MB of adversarial text must take no more than a generous
multiple of the time for 1 MB of ordinary prose, both measured in the same run.
"""
from __future__ import annotations

import csv
import io
import json
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from claims import extract_claims, load_pack
from claimrecon.cli import main
from sources import Source, load_corpus

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sources" / "sample"
ESC, BEL, CSI8 = "\x1b", "\x07", "\x9b"
# YAML double-quoted: \e is ESC, \a is BEL, \n a newline.
HOSTILE_FRONT_MATTER = r'''---
title: "\e[31mRed\e[0m \e]0;owned\a <script>alert(1)</script> | a | b\n::set-output name=x::y\n# heading"
publisher: "<img src=x onerror=alert(1)>|Wire|"
url: "javascript:alert(1)"
author: "=HYPERLINK(\"http://evil\")"
published: 2025-06-01
---
'''
HOSTILE_BODY = ("LUPEX will launch in 2030, says <script>alert(1)</script> \x1b[31mthe agency\x1b[0m "
                "\x1b]0;pwned\x07[click](javascript:alert(1)) | x | y.\n"
                "::set-output name=z::w\n")
GOOD = {
    "good-lupex.txt": "LUPEX will launch in 2028.\n",
    "good-issa.txt": "The ISSA-J1 satellite is scheduled to launch in spring 2027.\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    folder.mkdir()
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "evil.md").write_text(HOSTILE_FRONT_MATTER + HOSTILE_BODY, encoding="utf-8")
    return folder


def test_hostile_source_loads_with_its_hostile_metadata(corpus):
    loaded = load_corpus(corpus)
    evil = {s.id: s for s in loaded.sources}["evil"]
    assert ESC in evil.title and "<script>" in evil.title and "\n::set-output" in evil.title
    assert evil.url == "javascript:alert(1)" and ESC in evil.text
    assert loaded.problems == []


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    command, *rest = (str(a) for a in args)
    code = main([command, "--jobs", "1", "--quiet", "--no-cache", *rest])
    captured = capsys.readouterr()
    assert ESC not in captured.err and BEL not in captured.err
    return code, captured.out


def _no_terminal_controls(text: str) -> None:
    assert ESC not in text and BEL not in text and CSI8 not in text


def _no_live_html(text: str) -> None:
    assert "<script>alert" not in text.lower() and "alert(1)</script>" not in text.lower()
    assert "<img src=x" not in text
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", text, re.IGNORECASE)


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def _markdown_tables_keep_their_columns(text: str) -> None:
    table: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            assert len({_unescaped_pipes(row) for row in table}) == 1, table
        table = []


def test_report_markdown_is_inert(corpus, capsys):
    code, out = _run(capsys, "report", corpus, "--format", "markdown")
    assert code == 0 and "2030" in out and "2028" in out  # the conflict is reported
    _no_terminal_controls(out)
    _no_live_html(out)
    assert not re.search(r"(?<!\\)\]\(javascript:", out)  # `\[x\](javascript:` is literal text
    assert not any(line.startswith(("# heading", "::set-output")) for line in out.splitlines())
    _markdown_tables_keep_their_columns(out)


def test_report_html_is_inert(corpus, capsys):
    code, out = _run(capsys, "report", corpus, "--format", "html")
    assert code == 0 and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    _no_terminal_controls(out)
    _no_live_html(out)


@pytest.mark.parametrize("command, fmt", [("report", "json"), ("extract", "jsonl"), ("extract", "json")])
def test_json_outputs_escape_control_characters(corpus, capsys, command, fmt):
    code, out = _run(capsys, command, corpus, "--format", fmt)
    assert code == 0
    _no_terminal_controls(out)
    documents = [json.loads(line) for line in out.splitlines()] if fmt == "jsonl" else [json.loads(out)]
    assert "alert(1)" in json.dumps(documents)  # the data is kept, as data


def test_claims_csv_is_inert(corpus, capsys):
    code, out = _run(capsys, "extract", corpus, "--format", "csv")
    assert code == 0
    _no_terminal_controls(out)
    rows = list(csv.reader(io.StringIO(out)))
    assert len({len(row) for row in rows}) == 1 and len(rows) == 4  # the header and three claims
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) and not cell[1:2].isdigit() for cell in row), row


def test_check_text_is_inert(corpus, capsys):
    code, out = _run(capsys, "check", corpus, "--format", "text")
    assert code == 1 and "lupex" in out
    _no_terminal_controls(out)


def test_check_github_cannot_inject_workflow_commands(corpus, capsys):
    code, out = _run(capsys, "check", corpus, "--format", "github")
    assert code == 1
    _no_terminal_controls(out)
    for line in out.splitlines():
        assert not line.startswith(("::set-output", "::add-mask", "::stop-commands", "# heading")), line
        if line.startswith("::"):
            assert re.match(r"::(error|warning|notice|group|endgroup)\b", line), line


def _strings(node: object, key: str = "") -> list[tuple[str, str]]:
    """(key, string) for every string in a JSON document."""
    if isinstance(node, dict):
        return [pair for k, v in node.items() for pair in _strings(v, k)]
    if isinstance(node, list):
        return [pair for v in node for pair in _strings(v, key)]
    return [(key, node)] if isinstance(node, str) else []


def test_check_sarif_is_inert(corpus, capsys):
    """SARIF `text` is plain text (shown as such); only a `markdown` message would render."""
    code, out = _run(capsys, "check", corpus, "--format", "sarif")
    assert code == 1
    strings = _strings(json.loads(out))
    assert any("<script>alert(1)</script>" in text for _, text in strings)  # kept, as plain text
    for key, text in strings:
        _no_terminal_controls(text)
        if key == "markdown":
            _no_live_html(text)


def test_check_junit_is_well_formed_and_inert(corpus, capsys):
    code, out = _run(capsys, "check", corpus, "--format", "junit")
    assert code == 1
    _no_terminal_controls(out)
    _no_live_html(out)
    ET.fromstring(out.encode("utf-8"))


def test_review_list_is_inert(corpus, capsys):
    code, out = _run(capsys, "review", "--corpus", corpus, "list")
    assert code == 0 and "lupex.launch_date" in out
    _no_terminal_controls(out)


# --- no pathological regex ----------------------------------------------------------------------

MEGABYTE = 1_000_000


def _repeat(piece: str, size: int = MEGABYTE // 8) -> str:
    return (piece * (size // len(piece) + 1))[:size]


def _adversarial_text() -> str:
    """About 1 MB: long runs of digits, dashes and spaces, chained years, repeated alias prefixes."""
    parts = [
        _repeat("1234567890"),
        _repeat("2025-"),
        _repeat("-- "),
        " " * (MEGABYTE // 8),
        _repeat("Chandrayaan-"),
        _repeat("LUPEX 2028 LUPEX in March 2025 LUPEX\n"),
        _repeat("H3-"),
        _repeat("the India-Japan Space Dialogue by 2028 around mid-20"),
    ]
    # Blank lines between the pieces: each is its own block, so no entity named in one piece is
    # carried into the endless "sentences" of the next (that case is the xfail test below).
    return "\n\n".join(parts)


def _ordinary_text() -> str:
    """About 1 MB of the seed articles, repeated."""
    seeds = "\n\n".join(path.read_text(encoding="utf-8") for path in sorted(SAMPLE.glob("*.txt")))
    return (seeds * (MEGABYTE // len(seeds) + 1))[:MEGABYTE]


def _seconds_to_extract(text: str) -> float:
    pack = load_pack()
    source = Source(id="timing", path="timing.txt", content_hash="0" * 64, text=text)
    started = time.perf_counter()
    extract_claims(source, pack)
    return time.perf_counter() - started


def test_extraction_of_adversarial_text_is_linear():
    adversarial, ordinary = _adversarial_text(), _ordinary_text()
    assert len(adversarial) >= 0.99 * MEGABYTE and len(ordinary) == MEGABYTE
    baseline = _seconds_to_extract(ordinary)
    hostile = _seconds_to_extract(adversarial)
    assert hostile <= 10 * baseline + 1.0, f"adversarial {hostile:.2f}s vs ordinary {baseline:.2f}s"


def test_extraction_of_one_endless_sentence_of_aliases_and_dates_is_linear():
    piece = "LUPEX 2028 LUPEX in March 2025 LUPEX "
    small = _seconds_to_extract(_repeat(piece, 3_000))
    large = _seconds_to_extract(_repeat(piece, 12_000))
    assert large <= 8 * small + 0.05, f"4x the text took {large / small:.1f}x the time"
