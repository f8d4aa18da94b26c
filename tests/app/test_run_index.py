"""The run index: unchanged files are not opened again, and any change is seen."""
from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from claimrecon import runindex
from claimrecon.pipeline import Extraction, RunOptions, extract_corpus
from claims import ClaimStore, load_pack
from reconcile import reconcile_claims
from sources import plan_corpus
from tests.app.corpus import copy_sample, run_cli

CACHE = ".claimrecon-cache"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "corpus")


PACK = load_pack(None)


def extraction(corpus: Path) -> Extraction:
    return extract_corpus(RunOptions(corpus=corpus, jobs=1), PACK)


def age(corpus: Path, seconds: int = 60) -> None:
    """Move every file's mtime into the past, as for files not edited during the last runs."""
    for path in corpus.rglob("*"):
        if path.is_file() and CACHE not in path.parts:
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source files a run reads (through `sources.corpus._read_bytes`)."""
    import sources.corpus

    seen: list[str] = []
    original = sources.corpus._read_bytes

    def spy(candidate, max_bytes):  # type: ignore[no-untyped-def]
        seen.append(candidate.path)
        return original(candidate, max_bytes)

    monkeypatch.setattr(sources.corpus, "_read_bytes", spy)
    return seen


def test_unchanged_files_are_not_opened_and_give_the_same_output(sample: Path, opened: list[str]) -> None:
    age(sample)
    cold = extraction(sample)
    assert len(opened) == 5
    opened.clear()
    warm = extraction(sample)
    assert opened == []
    assert (warm.stats.cached, warm.stats.extracted) == (5, 0)
    assert warm.sources == cold.sources and warm.claims == cold.claims and warm.problems == cold.problems
    assert warm.copies == cold.copies


def test_an_edited_file_is_read_and_extracted_again(sample: Path, opened: list[str]) -> None:
    age(sample)
    extraction(sample)
    opened.clear()
    edited = sorted(sample.rglob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nLUPEX will now launch in 2031.\n", encoding="utf-8")
    warm = extraction(sample)
    assert opened == [edited.relative_to(sample).as_posix()]
    assert warm.stats.extracted == 1
    assert any(c.value.text == "2031" for c in warm.claims if c.source_id == warm.stats.extracted_ids[0])


def test_a_fresh_checkout_with_the_cache_restored_extracts_nothing(sample: Path, opened: list[str]) -> None:
    """As in CI with the cache folder restored: every file is new on disk (inode, mtime), none changed."""
    cold = extraction(sample)
    for path in sorted(p for p in sample.rglob("*") if p.is_file() and CACHE not in p.parts):
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    age(sample)
    opened.clear()
    checkout = extraction(sample)
    assert (checkout.stats.extracted, checkout.stats.cached) == (0, 5)
    assert checkout.claims == cold.claims and opened == []  # each file hashed, none loaded again


def test_an_edit_in_the_tick_of_the_stamp_is_still_seen(sample: Path) -> None:
    """A file written just before its stamp was taken is checked by its bytes next time (git's racy rule)."""
    edited = next(p for p in sorted(sample.rglob("*.txt")) if "2028" in p.read_text(encoding="utf-8"))
    os.utime(edited)  # just written: its stamp is not trusted on its own
    extraction(sample)
    stat = edited.stat()
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("2028", "2029"), encoding="utf-8")  # same size
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    assert edited.stat().st_size == stat.st_size
    warm = extraction(sample)
    assert warm.stats.extracted == 1


def test_new_metadata_in_the_manifest_reaches_the_source(sample: Path) -> None:
    age(sample)
    extraction(sample)
    manifest = sample / "sources.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "publisher:" in text
    manifest.write_text(text.replace("publisher:", "publisher: Renamed\n  old_publisher:", 1), encoding="utf-8")
    warm = extraction(sample)
    assert "Renamed" in {s.publisher for s in warm.sources}
    assert sum(1 for p in warm.problems if "old_publisher" in p.message) == 1


def test_manifest_problems_are_reported_on_every_run(sample: Path) -> None:
    manifest = sample / "sources.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "- id: no/such/file\n", encoding="utf-8")
    for _ in range(2):
        problems = [p for p in extraction(sample).problems if "no/such/file" in p.message]
        assert len(problems) == 1 and problems[0].path == "sources.yaml" and problems[0].line


def test_a_deleted_file_leaves_the_index(sample: Path) -> None:
    extraction(sample)
    gone = sorted(sample.rglob("*.txt"))[0]
    gone.unlink()
    assert len(extraction(sample).sources) == 4


@pytest.mark.parametrize("damage", [b"not a database", b""])
def test_a_damaged_index_is_rebuilt(sample: Path, damage: bytes) -> None:
    before = run_cli("extract", sample, "--format", "jsonl").out
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    index.write_bytes(damage)
    assert run_cli("extract", sample, "--format", "jsonl").out == before
    assert run_cli("extract", sample, "--format", "jsonl").out == before


def _segments(index: Path) -> list[tuple[int, list[str]]]:
    """The index's segments, oldest first: (id, the paths of its entries)."""
    import json
    import sqlite3

    with sqlite3.connect(index) as db:
        rows = db.execute("SELECT id, header FROM segments ORDER BY id").fetchall()
    db.close()
    return [(i, json.loads(header)["paths"]) for i, header in rows]


def _rewrite_segment(index: Path, change: Callable[[bytes, bytes], tuple[bytes, bytes]], *, seal: bool) -> None:
    """Change the first segment's header and body; with `seal`, give it the checksum of the change."""
    import sqlite3

    with sqlite3.connect(index) as db:
        rowid, header, body, checksum = db.execute("SELECT id, header, body, checksum FROM segments LIMIT 1").fetchone()
        header, body = change(header, body)
        if seal:
            checksum = zlib.crc32(body, zlib.crc32(header))
        db.execute("UPDATE segments SET header = ?, body = ?, checksum = ? WHERE id = ?", (header, body, checksum, rowid))
    db.close()


def test_a_segment_that_does_not_parse_is_discarded(sample: Path) -> None:
    before = run_cli("extract", sample, "--format", "jsonl").out
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    _rewrite_segment(index, lambda header, body: (header[:-5], body), seal=True)
    assert run_cli("extract", sample, "--format", "jsonl").out == before


@pytest.mark.parametrize("where", ["header", "body start", "body middle", "body end"])
def test_a_changed_byte_in_a_segment_is_caught(sample: Path, opened: list[str], where: str) -> None:
    """Sources, claims and rows are read back unchecked (sources and claims only when shown): a
    checksum covers them."""
    def flip(data: bytes, at: int) -> bytes:
        return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]

    def change(header: bytes, body: bytes) -> tuple[bytes, bytes]:
        if where == "header":
            return header.replace(b"1", b"2", 1), body
        return header, flip(body, {"body start": 0, "body middle": len(body) // 2, "body end": len(body) - 1}[where])

    age(sample)
    before = extraction(sample)
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    _rewrite_segment(index, change, seal=False)
    opened.clear()
    after = extraction(sample)
    assert len(opened) == 5  # the index was dropped: every file read again
    assert after.claims == before.claims and after.copies == before.copies and after.sources == before.sources


def test_each_run_that_records_adds_a_segment_and_the_newest_entry_is_used(sample: Path, opened: list[str]) -> None:
    age(sample)
    extraction(sample)
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    edited = sorted(sample.rglob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nLUPEX will now launch in 2031.\n", encoding="utf-8")
    stat = edited.stat()
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns - 60 * 1_000_000_000))  # its stamp is trusted
    extraction(sample)
    assert [len(paths) for _, paths in _segments(index)] == [5, 1]
    opened.clear()
    warm = extraction(sample)
    assert opened == [] and warm.stats.cached == 5
    assert any(c.value.text == "2031" for c in warm.claims if c.source_id == edited.stem)


def test_segments_are_rewritten_as_one_when_many_or_mostly_unused(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    age(sample)
    first = extraction(sample)
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    edited = sorted(sample.rglob("*.txt"))[0]
    text = edited.read_text(encoding="utf-8")
    for round in range(runindex.MAX_SEGMENTS + 1):
        edited.write_text(text + f"\nEdit number {round}.\n", encoding="utf-8")
        extraction(sample)
        assert 1 <= len(_segments(index)) <= runindex.MAX_SEGMENTS
    edited.write_text(text, encoding="utf-8")
    gone = sorted(sample.rglob("*.txt"))[-2:]
    for path in gone:
        path.unlink()
    monkeypatch.setattr(runindex, "UNUSED_ENTRIES", 0)  # two entries unused of three in use: rewrite now
    last = extraction(sample)
    [(_, paths)] = _segments(index)
    assert sorted(paths) == sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*.txt"))
    assert last.claims == ClaimStore([c for c in first.claims if c.source_id not in {p.stem for p in gone}])


def test_a_rewrite_keeps_a_segment_another_run_added_meanwhile(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    age(sample)
    extraction(sample)
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    [(written, _)] = _segments(index)
    ours = runindex.RunIndex(index, _setting(index))
    ours.lookup(plan_corpus(sample).tasks)
    edited = sorted(sample.rglob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nLUPEX will now launch in 2031.\n", encoding="utf-8")
    extraction(sample)  # another run, between our lookup and our save, adds a segment
    monkeypatch.setattr(runindex, "MAX_SEGMENTS", 1)
    ours.save()
    ids = [i for i, _ in _segments(index)]
    assert written not in ids and len(ids) == 2  # ours replaced the one it read, theirs is kept
    assert any(c.value.text == "2031" for c in extraction(sample).claims if c.source_id == edited.stem)


def _setting(index: Path) -> str:
    import sqlite3

    with sqlite3.connect(index) as db:
        (setting,) = db.execute("SELECT key FROM setting").fetchone()
    db.close()
    return str(setting)


@pytest.mark.parametrize("damage", ["UPDATE labels SET label = label || 'x' WHERE rowid IN (SELECT rowid FROM labels LIMIT 1)",
                                    "DELETE FROM labels WHERE rowid IN (SELECT rowid FROM labels LIMIT 1)"],
                         ids=["changed", "missing"])
def test_a_damaged_label_is_caught(sample: Path, opened: list[str], damage: str) -> None:
    """Claim rows name entities, fields and values by code; a label that is not its code's, or
    a code without a label, drops the index rather than give a claim another entity."""
    import sqlite3

    age(sample)
    before = extraction(sample)
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    with sqlite3.connect(index) as db:
        assert db.execute(damage).rowcount == 1
    db.close()
    opened.clear()
    after = extraction(sample)
    assert len(opened) == 5  # the index was dropped: every file read again
    assert after.claims == before.claims and reconcile_claims(after.claims, PACK) == reconcile_claims(before.claims, PACK)


def test_an_index_of_an_older_layout_is_rebuilt(sample: Path) -> None:
    import sqlite3

    before = run_cli("extract", sample, "--format", "jsonl").out
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    index.unlink()
    with sqlite3.connect(index) as db:  # the first layout: one payload column, no claim rows
        db.execute("CREATE TABLE setting (key TEXT NOT NULL)")
        db.execute("CREATE TABLE files (path TEXT PRIMARY KEY, fields TEXT NOT NULL, size INTEGER NOT NULL, "
                   "mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, recorded_ns INTEGER NOT NULL, "
                   "content_hash TEXT NOT NULL, payload BLOB NOT NULL)")
    db.close()
    assert run_cli("extract", sample, "--format", "jsonl").out == before
    assert [len(paths) for _, paths in _segments(index)] == [5]


def test_an_index_locked_by_another_run_is_left_alone(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    before = extraction(sample)
    [index] = (sample / CACHE).glob("corpora/*/index.sqlite")
    monkeypatch.setattr(runindex, "LOCK_TIMEOUT", 0.05)
    other = sqlite3.connect(index)
    other.execute("BEGIN EXCLUSIVE")  # another run, mid-write
    try:
        during = extraction(sample)
    finally:
        other.rollback()
        other.close()
    assert during.claims == before.claims and during.stats.cached == 5  # from the claim cache
    assert [len(paths) for _, paths in _segments(index)] == [5]  # still whole
