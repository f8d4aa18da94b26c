"""The run index: what each corpus file gave last time, found again from its stat alone.

A warm run used to read, hash and parse every file and read back one cache entry per file. The
index (one SQLite file per corpus in the cache folder) keeps, per file path, the file's stat
stamp and content hash and what processing it gave: the source without its text, its problems,
its claims and its copy signature. An entry is used again when the run's settings are the same
(tool version, domain pack, today's date, --max-bytes: one `setting` key for the whole index),
the file's manifest fields are the same, and either

- the file's (size, mtime, inode) are those recorded, and its mtime was over two seconds old when
  they were recorded (git's rule for "racily clean" files: a file written in the tick its stamp
  was taken may have changed since without its stamp changing), or
- the file's bytes still hash to the recorded content hash (a fresh checkout: every mtime is new).

Entries are kept in segments, one SQLite row each. A run that records anything (files new or
edited, stamps refreshed) adds one segment of those entries, and a path's entry in the newest
segment is the one used. A segment is columns: paths, manifest-field keys, content hashes and
source ids as JSON; stamps, offsets and claim codes as integer arrays; and the sources', claims'
and signatures' bytes laid end to end, all under one checksum. A warm run reads a few rows and
slices out what it needs, so an unchanged file costs its stat and a few slices, not a row of
SQLite and a dozen objects. When the segments hold many entries no longer used (files edited
again, deleted) or are many, the run that finds them so writes one segment of the entries in
use in place of the segments it read.

Sources and claims stay JSON until read, with the columns every run reads of them beside it
(`sources.SourceTable`; `claims.ClaimStore`, whose label codes are kept with one table of their
labels). Files that gave no source (empty, unreadable) are not indexed: they are rare and cheap
to redo. Updates are one transaction at the end of a run; a damaged index (or one of an older
layout) is deleted and rebuilt, and deleting it is always safe.
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
from pydantic import TypeAdapter, ValidationError

from claims import EncodedClaims, LabelClash, Signature, label_code, merge_labels
from sources import EncodedSource, Problem, Published, Source, SourceTask

# Seconds to wait for another run that is writing the index before going on without it.
LOCK_TIMEOUT = 10.0
# A stamp recorded less than this long after the file's mtime is not trusted on its own.
RACY_NS = 2_000_000_000
# The segments are rewritten as one when the entries they hold that are no longer used are more
# than this part of those in use and more than this many, or when there are this many segments.
UNUSED_PART = 0.25
UNUSED_ENTRIES = 64
MAX_SEGMENTS = 8
# The layout of the tables below; an index of another layout is emptied. The body of a segment
# is its row's last column: SQLite then writes the zeros of `zeroblob` without making them in memory.
_LAYOUT = 7
_SCHEMA = """
CREATE TABLE IF NOT EXISTS setting (key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labels (code INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, header BLOB NOT NULL, checksum INTEGER NOT NULL, body BLOB NOT NULL
);
"""

_PROBLEMS = TypeAdapter(list[Problem])
_PUBLISHED = TypeAdapter(Published | None)
_DATES = TypeAdapter(list[Published | None])


class Processed(NamedTuple):
    """What processing one file gave: its source (text dropped; encoded when it comes from the
    index), claims, problems, copy signature."""

    source: Source | EncodedSource
    claims: EncodedClaims
    problems: list[Problem]
    signature: Signature | None


class Stamp(NamedTuple):
    """A file's size, mtime and inode, and when they were taken (all in ns where times)."""

    size: int
    mtime_ns: int
    inode: int
    recorded_ns: int


def _stamp(path: str) -> Stamp | None:
    recorded = time.time_ns()
    try:
        info = os.stat(path)
    except OSError:
        return None
    return Stamp(info.st_size, info.st_mtime_ns, info.st_ino, recorded)


class RunIndex:
    """The index of one corpus under one setting; use `lookup`, then `record`, then `save`."""

    def __init__(self, file: Path, setting: str) -> None:
        self.file = file
        self.setting = setting
        self.unused = False
        self._labels: dict[int, str] = {}  # of the codes in the index and in `_recorded`
        self._stored_labels = 0  # how many of `_labels` (the first) are in the index
        self._segments: list[int] = []  # the ids of the segments read
        self._stored_entries = 0  # in those segments
        self._in_use: list[tuple[_Segment, int, Stamp | None]] = []  # entries found again, new stamp if refreshed
        self._recorded: list[_Entry] = []

    def lookup(self, tasks: Sequence[SourceTask]) -> dict[str, Processed]:
        """What each task's file gave last time, by path, for the files that have not changed."""
        try:
            rows, self._labels = self._read()
        except sqlite3.OperationalError:  # locked by another run past the timeout, or unwritable
            self._give_up()
            return {}
        except sqlite3.Error:
            self._discard()
            return {}
        self._stored_labels = len(self._labels)
        try:
            if any(label_code(label) != code for code, label in self._labels.items()):
                raise ValueError("a label is damaged")
            segments = [_Segment.decode(header, body, checksum, self._labels) for _, header, body, checksum in rows]
            newest: dict[str, tuple[_Segment, int]] = {}
            for segment in segments:  # oldest first: a newer entry of a path replaces an older one
                newest.update(zip(segment.paths, zip(itertools.repeat(segment), range(len(segment.paths)))))
            self._segments = [row[0] for row in rows]
            self._stored_entries = sum(len(segment.paths) for segment in segments)
            for task in tasks:
                found = newest.get(task.candidate.path)
                if found is not None and found[0].fields[found[1]] == fields_key(task):
                    self._check(task, *found)
            return {segment.paths[i]: segment.processed(i) for segment, i, _ in self._in_use}
        except (ValidationError, ValueError, TypeError, KeyError):
            self._discard()
            return {}

    def _check(self, task: SourceTask, segment: _Segment, i: int) -> None:
        """Use entry `i` of `segment` for `task` if its file has not changed since it was recorded."""
        stamp = _stamp(task.candidate.file)
        if stamp is None:
            return
        size, mtime_ns, inode, recorded_ns = segment.numbers[i][:4]
        if (stamp.size, stamp.mtime_ns, stamp.inode) == (size, mtime_ns, inode) and recorded_ns - mtime_ns >= RACY_NS:
            self._in_use.append((segment, i, None))
        elif _same_content(task.candidate.file, segment.content_hashes[i]):
            self._in_use.append((segment, i, stamp))

    def record(self, task: SourceTask, stamp: Stamp | None, done: Processed) -> None:
        """Keep what `task`'s file gave, under the stamp taken before it was read."""
        if stamp is None or self.unused:
            return
        assert isinstance(done.source, Source)  # what a run records, it has just read from the file
        claims = done.claims
        if any("\n" in claim_id for claim_id in claims.claim_ids):  # kept joined by newlines
            return
        try:
            merge_labels(self._labels, ((code, claims.labels[code]) for code in np.unique(claims.codes[:, :3]).tolist()))
        except LabelClash:
            return
        source = EncodedSource.of(done.source)
        signature = None if done.signature is None else np.asarray(done.signature, dtype="<u8").tobytes()
        self._recorded.append(_Entry(
            task.candidate.path, fields_key(task), stamp, done.source.content_hash, source.id,
            _PUBLISHED.dump_json(source.published), source.source_json,
            _PROBLEMS.dump_json(done.problems, exclude_none=True), claims.claims_json, claims.claim_ids,
            np.asarray(claims.codes, dtype=np.int64), signature))

    def save(self) -> None:
        """Add a segment of the entries recorded or refreshed, or write the entries in use as one."""
        if self.unused:
            return
        refreshed = [(segment, i, stamp) for segment, i, stamp in self._in_use if stamp is not None]
        in_use = len(self._in_use) + len(self._recorded)
        unused = self._stored_entries + len(refreshed) + len(self._recorded) - in_use
        rewrite = len(self._segments) >= MAX_SEGMENTS or unused > max(UNUSED_PART * in_use, UNUSED_ENTRIES)
        if not (rewrite or refreshed or self._recorded):
            return
        header, body = _encode([segment.entry(i, stamp) for segment, i, stamp in (self._in_use if rewrite else refreshed)]
                               + self._recorded)
        try:
            with self._transaction() as db:
                # Labels are never deleted (a code always stands for one label): an entry kept from
                # before, even refreshed by this run, finds its labels.
                db.executemany("INSERT OR IGNORE INTO labels VALUES (?, ?)",
                               itertools.islice(self._labels.items(), self._stored_labels, None))
                if rewrite:  # only those read: a segment another run added since is kept
                    db.executemany("DELETE FROM segments WHERE id = ?", [(i,) for i in self._segments])
                row = db.execute("INSERT INTO segments (header, body, checksum) VALUES (?, zeroblob(?), ?)",
                                 (header, sum(map(len, body)), _checksum(header, *body))).lastrowid
                assert row is not None
                with db.blobopen("segments", "body", row) as blob:  # piece by piece: no copy of the whole
                    for piece in body:
                        blob.write(piece)
        except sqlite3.OperationalError:
            self._give_up()
        except sqlite3.Error:
            self._discard()

    def stamp(self, task: SourceTask) -> Stamp | None:
        """The stamp of `task`'s file now, to take before the file is read."""
        return _stamp(task.candidate.file)

    def _read(self) -> tuple[list[tuple[int, bytes, bytes, int]], dict[int, str]]:
        """The segments (id, header, body, checksum), oldest first, and the labels by code."""
        if not self.file.exists():
            return [], {}
        with self._transaction() as db:
            labels = dict(db.execute("SELECT code, label FROM labels"))
            setting = db.execute("SELECT key FROM setting").fetchone()
            if setting is None or setting[0] != self.setting:
                db.execute("DELETE FROM segments")
                db.execute("DELETE FROM setting")
                db.execute("INSERT INTO setting VALUES (?)", (self.setting,))
                return [], labels
            return db.execute("SELECT id, header, body, checksum FROM segments ORDER BY id").fetchall(), labels

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one transaction: committed at the end, rolled back on any error."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.file, timeout=LOCK_TIMEOUT)
        try:
            with db:
                if db.execute("PRAGMA user_version").fetchone()[0] != _LAYOUT:
                    for table in ("files", "setting", "labels", "segments"):
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    db.execute(f"PRAGMA user_version = {_LAYOUT}")
                db.executescript(_SCHEMA)
                if db.execute("SELECT count(*) FROM setting").fetchone()[0] == 0:
                    db.execute("INSERT INTO setting VALUES (?)", (self.setting,))
                yield db
        finally:
            db.close()

    def _give_up(self) -> None:
        """Go on without the index this run (it is busy or cannot be written), leaving it as it is."""
        self._in_use, self._recorded = [], []
        self.unused = True

    def _discard(self) -> None:
        """Delete a damaged index (the next run rebuilds it); this run goes on without it."""
        self._give_up()
        try:
            self.file.unlink()
        except OSError:
            pass


def fields_key(task: SourceTask) -> str:
    """What a file's result depends on besides its bytes and the run's setting: id and manifest fields.

    Written out rather than hashed as JSON (10,000 of these per warm run): the fields are text and
    booleans (quoted by `repr`), a publication date (`str` gives it with its precision) and a
    mapping of text.
    """
    parts = [task.candidate.id]
    for key in sorted(task.fields):
        value = task.fields[key]
        shown = sorted(value.items()) if isinstance(value, dict) else value if isinstance(value, Published) else repr(value)
        parts.append(f"{key}={shown}")
    return "\x1f".join(parts)


class _Entry(NamedTuple):
    """One file's entry as it is written: JSON in UTF-8 where bytes, but the signature
    (little-endian 64-bit words); claim codes as in `claims.EncodedClaims`."""

    path: str
    fields: str
    stamp: Stamp
    content_hash: str
    source_id: str
    published: bytes
    source: bytes
    problems: bytes
    claims: bytes
    claim_ids: list[str]
    codes: np.ndarray
    signature: bytes | None


# Per entry, the integers of a segment: its stamp, then where its source, claims, claim rows
# and signature end in their sections (claim rows counted in rows, the others in bytes).
_SIZE, _MTIME, _INODE, _RECORDED, _SOURCE_END, _CLAIMS_END, _ROWS_END, _SIGNATURE_END, _SIGNED = range(9)
_NUMBERS = 9


def _encode(entries: list[_Entry]) -> tuple[bytes, list[bytes]]:
    """A segment of `entries`: its header (JSON) and the pieces of its body laid end to end
    (integers, then bytes), left unjoined so that writing it copies nothing."""
    dates = list(dict.fromkeys(e.published for e in entries))
    date_of = {date: i for i, date in enumerate(dates)}
    ids = b"\n".join("\n".join(e.claim_ids).encode("utf-8") for e in entries if e.claim_ids)
    numbers = np.array([(*e.stamp, 0, 0, 0, 0, e.signature is not None) for e in entries], dtype="<i8")
    numbers = numbers.reshape(len(entries), _NUMBERS)
    numbers[:, _SOURCE_END] = np.cumsum([len(e.source) for e in entries])
    numbers[:, _CLAIMS_END] = np.cumsum([len(e.claims) for e in entries])
    numbers[:, _ROWS_END] = np.cumsum([len(e.claim_ids) for e in entries])
    numbers[:, _SIGNATURE_END] = np.cumsum([len(e.signature or b"") for e in entries])
    codes = np.concatenate([e.codes for e in entries]).astype("<i8") if entries else np.empty((0, 4), "<i8")
    sources, claims = [e.source for e in entries], [e.claims for e in entries]
    signatures = [e.signature for e in entries if e.signature]
    header = {
        "paths": [e.path for e in entries], "fields": [e.fields for e in entries],
        "content_hashes": [e.content_hash for e in entries], "source_ids": [e.source_id for e in entries],
        "dates": [date.decode("utf-8") for date in dates], "date_of": [date_of[e.published] for e in entries],
        "problems": {str(i): e.problems.decode("utf-8") for i, e in enumerate(entries) if e.problems != b"[]"},
        "sections": [len(ids), *(sum(map(len, section)) for section in (sources, claims, signatures))],
    }
    body = [numbers.tobytes(), codes.tobytes(), ids, *sources, *claims, *signatures]
    return json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), body


@dataclass
class _Segment:
    """A segment read back: its columns, and each entry's parts as slices of its sections."""

    paths: list[str]
    fields: list[str]
    content_hashes: list[str]
    source_ids: list[str]
    dates: list[Published | None]
    date_of: list[int]
    problems: dict[str, str]
    numbers: list[list[int]]  # per entry: see `_NUMBERS`
    codes: np.ndarray
    labels: Mapping[int, str]  # of the codes
    claim_ids: list[str]
    sources: bytes
    claims: bytes
    signatures: np.ndarray

    @classmethod
    def decode(cls, header: bytes, body: bytes, checksum: int, labels: Mapping[int, str]) -> _Segment:
        """ValueError (or TypeError, KeyError) when the segment is damaged or a code of its claims
        has no label; its checksum is what makes the parts trusted as they are: they were written
        by `_encode`."""
        if _checksum(header, body) != checksum:
            raise ValueError("a segment is damaged")
        h = json.loads(header)
        n = len(h["paths"])
        numbers = np.frombuffer(body, dtype="<i8", count=n * _NUMBERS).reshape(n, _NUMBERS)
        rows = int(numbers[-1, _ROWS_END]) if n else 0
        at = n * _NUMBERS * 8
        codes = np.frombuffer(body, dtype="<i8", count=rows * 4, offset=at).reshape(rows, 4)
        at += rows * 32
        ids, sources, claims, signatures = _sections(body, at, h["sections"])
        claim_ids = ids.decode("utf-8").split("\n") if ids else []
        if len(claim_ids) != rows or any(len(h[k]) != n for k in ("fields", "content_hashes", "source_ids", "date_of")):
            raise ValueError("a segment's columns differ in length")
        if not labels.keys() >= set(np.unique(codes[:, :3]).tolist()):
            raise ValueError("a code has no label")
        return cls(h["paths"], h["fields"], h["content_hashes"], h["source_ids"],
                   _DATES.validate_json("[" + ",".join(h["dates"]) + "]"), h["date_of"], h["problems"],
                   numbers.tolist(), codes, labels, claim_ids, sources, claims, np.frombuffer(signatures, dtype="<u8"))

    def stamp(self, i: int) -> Stamp:
        """The stamp entry `i` was recorded under."""
        return Stamp(*self.numbers[i][:4])

    def processed(self, i: int) -> Processed:
        """Entry `i` as a run uses it."""
        source, claims, rows, signature = self._bounds(i)
        problems = self.problems.get(str(i))
        return Processed(
            EncodedSource(self.source_ids[i], self.dates[self.date_of[i]], self.sources[source[0]:source[1]]),
            EncodedClaims(self.claims[claims[0]:claims[1]], self.claim_ids[rows[0]:rows[1]],
                          self.codes[rows[0]:rows[1]], self.labels),
            [] if problems is None else _PROBLEMS.validate_json(problems),
            None if signature is None else self.signatures[signature[0] // 8:signature[1] // 8])

    def entry(self, i: int, stamp: Stamp | None) -> _Entry:
        """Entry `i` to write again, under `stamp` when given."""
        source, claims, rows, signature = self._bounds(i)
        return _Entry(self.paths[i], self.fields[i], stamp or self.stamp(i), self.content_hashes[i],
                      self.source_ids[i], _PUBLISHED.dump_json(self.dates[self.date_of[i]]),
                      self.sources[source[0]:source[1]], self.problems.get(str(i), "[]").encode("utf-8"),
                      self.claims[claims[0]:claims[1]], self.claim_ids[rows[0]:rows[1]],
                      self.codes[rows[0]:rows[1]],
                      None if signature is None else self.signatures[signature[0] // 8:signature[1] // 8].tobytes())

    def _bounds(self, i: int) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int] | None]:
        """Where entry `i`'s source, claims, claim rows and signature are in their sections."""
        ends = self.numbers[i]
        starts = self.numbers[i - 1] if i else [0] * _NUMBERS
        signature = (starts[_SIGNATURE_END], ends[_SIGNATURE_END]) if ends[_SIGNED] else None
        return ((starts[_SOURCE_END], ends[_SOURCE_END]), (starts[_CLAIMS_END], ends[_CLAIMS_END]),
                (starts[_ROWS_END], ends[_ROWS_END]), signature)


def _sections(body: bytes, at: int, lengths: list[int]) -> list[bytes]:
    """The byte sections of a body from `at`, of these lengths; ValueError unless they fill it."""
    if at + sum(lengths) != len(body):
        raise ValueError("a segment's sections do not fill it")
    ends = list(itertools.accumulate(lengths, initial=at))
    return [body[start:end] for start, end in zip(ends, ends[1:])]


def _checksum(*parts: bytes) -> int:
    checksum = 0
    for part in parts:
        checksum = zlib.crc32(part, checksum)
    return checksum


def _same_content(file: str, content_hash: str) -> bool:
    try:
        with open(file, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest() == content_hash
    except OSError:
        return False
