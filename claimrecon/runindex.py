"""The run index: what each corpus file gave last time, found again from its stat alone.

A warm run used to read, hash and parse every file and read back one cache entry per file. The
index (one SQLite file per corpus in the cache folder) keeps, per file path, the file's stat
stamp and content hash and what processing it gave: the source without its text (with its id and
publication date beside it), its problems, its claims and its copy signature. An entry is used again when the run's settings are the same
(tool version, domain pack, today's date, --max-bytes: one `setting` key for the whole index),
the file's manifest fields are the same, and either

- the file's (size, mtime, inode) are those recorded, and its mtime was over two seconds old when
  they were recorded (git's rule for "racily clean" files: a file written in the tick its stamp
  was taken may have changed since without its stamp changing), or
- the file's bytes still hash to the recorded content hash (a fresh checkout: every mtime is new).

Sources and claims are kept as JSON with the columns a run reads of all of them beside it
(`sources.SourceTable`, `claims.ClaimStore`), so a warm run decodes only those a report shows. Files that gave no source (empty,
unreadable) are not indexed: they are rare and cheap to redo. Updates are one transaction at the
end of a run; a damaged index (or one of an older layout) is deleted and rebuilt, and deleting it
is always safe.
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from pydantic import TypeAdapter, ValidationError

from claims import EncodedClaims, LabelClash, Signature, label_code, merge_labels
from sources import EncodedSource, Problem, Published, Source, SourceTask

# Seconds to wait for another run that is writing the index before going on without it.
LOCK_TIMEOUT = 10.0
# A stamp recorded less than this long after the file's mtime is not trusted on its own.
RACY_NS = 2_000_000_000
# The layout of the tables below; an index of another layout is emptied.
_LAYOUT = 5
_SCHEMA = """
CREATE TABLE IF NOT EXISTS setting (key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labels (code INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, fields TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL, recorded_ns INTEGER NOT NULL, content_hash TEXT NOT NULL, source_id BLOB NOT NULL,
    published BLOB NOT NULL, source BLOB NOT NULL, problems BLOB NOT NULL, claims BLOB NOT NULL,
    claim_ids BLOB NOT NULL, claim_codes BLOB NOT NULL, signature BLOB, checksum INTEGER NOT NULL
);
"""

_COLUMNS = ("path, fields, size, mtime_ns, inode, recorded_ns, content_hash, "
            "source_id, published, source, problems, claims, claim_ids, claim_codes, signature, checksum")
_MARKS = ", ".join("?" * len(_COLUMNS.split(",")))


class Processed(NamedTuple):
    """What processing one file gave: its source (text dropped; encoded when it comes from the
    index), claims, problems, copy signature."""

    source: Source | EncodedSource
    claims: EncodedClaims
    problems: list[Problem]
    signature: Signature | None


_PROBLEMS = TypeAdapter(list[Problem])
_PUBLISHED = TypeAdapter(Published | None)


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
        self._updates: list[tuple[object, ...]] = []
        self._seen: set[str] = set()
        self._labels: dict[int, str] = {}  # of the codes in the index and in `_updates`
        self._stored_labels = 0  # how many of `_labels` (the first) are in the index

    def lookup(self, tasks: Sequence[SourceTask]) -> dict[str, Processed]:
        """What each task's file gave last time, by path, for the files that have not changed."""
        self._seen = {task.candidate.path for task in tasks}
        try:
            rows, self._labels = self._read_rows()
            self._stored_labels = len(self._labels)
        except sqlite3.OperationalError:  # locked by another run past the timeout, or unwritable
            self._give_up()
            return {}
        except sqlite3.Error:
            self._discard()
            return {}
        fresh: list[tuple[str, _Kept]] = []
        for task in tasks:
            row = rows.get(task.candidate.path)
            if row is None or row[0] != fields_key(task):
                continue
            fields, size, mtime_ns, inode, recorded_ns, content_hash, *kept = row
            recorded = Stamp(size, mtime_ns, inode, recorded_ns)
            stamp = _stamp(task.candidate.file)
            if stamp is None:
                continue
            if stamp[:3] != recorded[:3] or recorded.recorded_ns - recorded.mtime_ns < RACY_NS:
                if not _same_content(task.candidate.file, content_hash):
                    continue
                self._updates.append((task.candidate.path, fields, *stamp, content_hash, *kept))
            fresh.append((task.candidate.path, _Kept(*kept)))
        try:
            return dict(zip([path for path, _ in fresh], _decode([kept for _, kept in fresh], self._labels),
                            strict=True))
        except (ValidationError, ValueError, TypeError):
            self._discard()
            return {}

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
        self._updates.append((task.candidate.path, fields_key(task), *stamp, done.source.content_hash,
                              *_Kept.sealed(source.id.encode("utf-8"), _PUBLISHED.dump_json(source.published),
                                            source.source_json, _PROBLEMS.dump_json(done.problems, exclude_none=True),
                                            claims.claims_json, "\n".join(claims.claim_ids).encode("utf-8"),
                                            np.asarray(claims.codes, dtype="<i8").tobytes(), signature)))

    def save(self) -> None:
        """Write the new and refreshed entries and drop those of files no longer in the corpus."""
        if self.unused:
            return
        try:
            with self._transaction() as db:
                stored = {path for (path,) in db.execute("SELECT path FROM files")}
                gone = [(path,) for path in sorted(stored - self._seen)]
                if not self._updates and not gone:
                    return
                db.executemany("DELETE FROM files WHERE path = ?", gone)
                # Labels are never deleted (a code always stands for one label): an entry kept from
                # before, even refreshed by this run, finds its labels.
                db.executemany("INSERT OR IGNORE INTO labels VALUES (?, ?)",
                               itertools.islice(self._labels.items(), self._stored_labels, None))
                db.executemany(f"INSERT OR REPLACE INTO files ({_COLUMNS}) VALUES ({_MARKS})", self._updates)
        except sqlite3.OperationalError:
            self._give_up()
        except sqlite3.Error:
            self._discard()

    def stamp(self, task: SourceTask) -> Stamp | None:
        """The stamp of `task`'s file now, to take before the file is read."""
        return _stamp(task.candidate.file)

    def _read_rows(self) -> tuple[dict[str, tuple[Any, ...]], dict[int, str]]:
        """The entries by path and the labels by code; ValueError for a label that is not its code's."""
        if not self.file.exists():
            return {}, {}
        with self._transaction() as db:
            labels = dict(db.execute("SELECT code, label FROM labels"))
            setting = db.execute("SELECT key FROM setting").fetchone()
            if setting is None or setting[0] != self.setting:
                db.execute("DELETE FROM files")
                db.execute("DELETE FROM setting")
                db.execute("INSERT INTO setting VALUES (?)", (self.setting,))
                return {}, labels
            return {row[0]: row[1:] for row in db.execute(f"SELECT {_COLUMNS} FROM files")}, labels

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one transaction: committed at the end, rolled back on any error."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.file, timeout=LOCK_TIMEOUT)
        try:
            with db:
                if db.execute("PRAGMA user_version").fetchone()[0] != _LAYOUT:
                    db.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS setting;")
                    db.execute(f"PRAGMA user_version = {_LAYOUT}")
                db.executescript(_SCHEMA)
                if db.execute("SELECT count(*) FROM setting").fetchone()[0] == 0:
                    db.execute("INSERT INTO setting VALUES (?)", (self.setting,))
                yield db
        finally:
            db.close()

    def _give_up(self) -> None:
        """Go on without the index this run (it is busy or cannot be written), leaving it as it is."""
        self._updates = []
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


class _Kept(NamedTuple):
    """A file's entry past its stamp, all JSON in UTF-8 but where said: the source's id,
    publication date and whole source, the problems, the claims, the claim ids (joined by
    newlines) and codes (`claims.EncodedClaims`, as little-endian 64-bit integers), the copy
    signature (little-endian 64-bit words), and a checksum of them all."""

    source_id: bytes
    published: bytes
    source: bytes
    problems: bytes
    claims: bytes
    claim_ids: bytes
    claim_codes: bytes
    signature: bytes | None
    checksum: int

    @classmethod
    def sealed(cls, source_id: bytes, published: bytes, source: bytes, problems: bytes, claims: bytes,
               claim_ids: bytes, claim_codes: bytes, signature: bytes | None) -> _Kept:
        """An entry with the checksum of its parts."""
        parts = (source_id, published, source, problems, claims, claim_ids, claim_codes, signature)
        return cls(*parts, _checksum(*parts))

    def intact(self) -> bool:
        """Whether the parts still give the checksum (TypeError for a part that is not bytes)."""
        return self.checksum == _checksum(*self[:-1])


def _checksum(*parts: bytes | None) -> int:
    checksum = 0
    for part in parts:
        checksum = zlib.crc32(part or b"", checksum)
    return checksum


def _decode(kept: list[_Kept], labels: Mapping[int, str]) -> list[Processed]:
    """Files' kept entries, decoded but for the sources and claims, left as JSON until they are
    read; the claim ids and codes of all files in one pass. ValueError when any is damaged.

    The checksums are what make the entries trusted as they are: they were written by `record`;
    a label is its code's when the code is its hash."""
    if not all(k.intact() for k in kept):
        raise ValueError("a kept entry is damaged")
    if any(label_code(label) != code for code, label in labels.items()):
        raise ValueError("a label is damaged")
    codes = np.frombuffer(b"".join(k.claim_codes for k in kept), dtype="<i8").reshape(-1, 4)
    joined = b"\n".join(k.claim_ids for k in kept if k.claim_ids)
    claim_ids = joined.decode("utf-8").split("\n") if joined else []
    if len(claim_ids) != len(codes):
        raise ValueError("claim ids and codes differ in number")
    if not labels.keys() >= set(np.unique(codes[:, :3]).tolist()):
        raise ValueError("a code has no label")
    published: dict[bytes, Published | None] = {}  # a corpus has far fewer dates than sources
    for k in kept:
        if k.published not in published:
            published[k.published] = _PUBLISHED.validate_json(k.published)
    bounds = list(itertools.accumulate((len(k.claim_codes) // 32 for k in kept), initial=0))
    return [Processed(EncodedSource(k.source_id.decode("utf-8"), published[k.published], k.source),
                      EncodedClaims(k.claims, claim_ids[lo:hi], codes[lo:hi], labels),
                      [] if k.problems == b"[]" else _PROBLEMS.validate_json(k.problems),
                      None if k.signature is None else np.frombuffer(k.signature, dtype="<u8"))
            for k, lo, hi in zip(kept, bounds, bounds[1:])]


def _same_content(file: str, content_hash: str) -> bool:
    try:
        with open(file, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest() == content_hash
    except OSError:
        return False
