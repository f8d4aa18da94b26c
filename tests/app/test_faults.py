"""Faults: an interrupted run, a corrupted cache and concurrent reviewers lose nothing.

- SIGINT or SIGTERM in the middle of `report --output` leaves the previous report as it was,
  no temporary file behind (output or cache), and the next run gives the same report.
- A cache entry that cannot be read back is recomputed: the output does not change.
- Concurrent `review note` commands on one reviews.yaml all land (the file lock).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from claimrecon.cli import main

ROOT = Path(__file__).resolve().parents[2]
CACHE = ".claimrecon-cache"
GOOD = {
    "good-lupex.txt": "LUPEX will launch in 2028.\n",
    "good-issa.txt": "The ISSA-J1 satellite is scheduled to launch in spring 2027.\n",
    "slim.txt": "SLIM will launch in 2023.\n",
    "chandrayaan-4.txt": "Chandrayaan-4 will launch in 2027.\n",
}


def _claimrecon(*args: str | Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.Popen([sys.executable, "-m", "claimrecon", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _big_corpus(folder: Path, count: int = 2000) -> Path:
    """`count` small articles, enough that a run takes a moment."""
    files = {f"n{i:04d}.txt": f"Report {i}. The ISSA-J1 satellite is scheduled to launch in spring 2027. "
                              f"LUPEX will launch in {2025 + i % 4}.\n" for i in range(count)}
    return _write(folder, {**GOOD, **files})


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def _cache_entries(corpus: Path) -> list[Path]:
    """The claim cache's entries (not the run index or the parsed manifest beside them)."""
    return list((corpus / CACHE).glob("??/*.json"))


def _interrupt_when_cache_grows(process: subprocess.Popen[bytes], corpus: Path, signum: int) -> None:
    """Send `signum` once the run has cached more sources than before (it is mid-way), or after 60 s."""
    deadline, before = time.monotonic() + 60, len(_cache_entries(corpus))
    while len(_cache_entries(corpus)) <= before and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)  # well inside the batch of cache writes
    assert process.poll() is None, "the run finished before it could be interrupted"
    process.send_signal(signum)
    process.communicate(timeout=60)


def test_interrupted_report_leaves_the_previous_report_and_the_next_run_works(tmp_path):
    corpus = _big_corpus(tmp_path / "corpus")
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    previous = b'{"previous": "report"}\n'
    output.write_bytes(previous)
    for signum in (signal.SIGTERM, signal.SIGINT):
        process = _claimrecon("report", corpus, "--format", "json", "--output", output)
        _interrupt_when_cache_grows(process, corpus, signum)
        assert process.returncode == 130, signal.Signals(signum).name  # stopped as Ctrl-C stops it
        assert output.read_bytes() == previous, signal.Signals(signum).name
        assert _temp_files(tmp_path) == [], signal.Signals(signum).name
    finished = _claimrecon("report", corpus, "--format", "json", "--output", output)
    _, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err.decode()
    report = json.loads(output.read_bytes())
    assert len(report["sources"]) == 2004 and report["problems"] == []
    assert _temp_files(tmp_path) == []


def test_corrupted_cache_entries_are_recomputed(tmp_path, capsys):
    corpus = _write(tmp_path / "corpus", GOOD)
    args = ["report", str(corpus), "--format", "json", "--jobs", "1", "--quiet"]
    assert main(args) == 0
    first = capsys.readouterr().out
    entries = _cache_entries(corpus)
    assert len(entries) == len(GOOD)
    garbage = [b"", b"{not json", b'{"key": "elsewhere", "claims": []}', b"[1, 2, 3]"]
    for entry, junk in zip(entries, garbage):
        entry.write_bytes(junk)
    for index in (corpus / CACHE).glob("corpora/*/index.sqlite"):  # else unchanged files are not opened
        index.unlink()
    assert main(args) == 0
    assert capsys.readouterr().out == first
    for entry in entries:  # each was rewritten with the recomputed claims
        assert json.loads(entry.read_bytes())["key"] == entry.stem


def test_concurrent_review_notes_all_land(tmp_path, capsys):
    corpus = _write(tmp_path / "corpus", GOOD)
    assert main(["report", str(corpus), "--format", "json", "--quiet"]) == 0
    findings = {f["entity"]: f["finding_id"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert set(findings) == {"lupex", "issa-j1", "slim", "chandrayaan-4"}
    chosen = {entity: findings[entity] for entity in ("lupex", "issa-j1")}
    processes = {entity: _claimrecon("review", "--corpus", corpus, "note", finding_id, f"note on {entity}",
                                     "--who", "tester")
                 for entity, finding_id in chosen.items()}
    for entity, process in processes.items():
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, (entity, err.decode())
    decisions = yaml.safe_load((corpus / "reviews.yaml").read_text(encoding="utf-8"))
    assert sorted((d["entity"], d["note"]) for d in decisions) == sorted(
        (entity, f"note on {entity}") for entity in chosen)
    assert _temp_files(corpus) == []


@pytest.mark.parametrize("delay", [0.5, 1.5, 2.5])
def test_interrupted_review_leaves_reviews_yaml_old_or_new(tmp_path, capsys, delay):
    """SIGTERM at some moment of `review note` leaves reviews.yaml as it was or with the note: never half."""
    corpus = _write(tmp_path / "corpus", GOOD)
    assert main(["report", str(corpus), "--format", "json", "--quiet"]) == 0
    findings = {f["entity"]: f["finding_id"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert main(["review", "--corpus", str(corpus), "note", findings["slim"], "first", "--who", "a"]) == 0
    reviews = corpus / "reviews.yaml"
    before = reviews.read_bytes()
    process = _claimrecon("review", "--corpus", corpus, "note", findings["lupex"], "second", "--who", "b")
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    notes = {d["note"] for d in yaml.safe_load(reviews.read_text(encoding="utf-8"))}
    assert reviews.read_bytes() == before or notes == {"first", "second"}
    assert _temp_files(corpus) == []
