"""The extraction cache: claims per source, keyed by what they depend on, safe to delete.

A key is the hash of the tool's version, the domain pack's digest, and the source's id,
content hash and publication date (relative dates are anchored on it). Entries are written
atomically; one that cannot be read back is recomputed, never trusted.
"""
from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from claims import Claim, DomainPack, content_id
from sources import Source

from claimrecon import __version__
from claimrecon.runindex import RunIndex


class _Entry(BaseModel):
    """One cache file: its key (checked on read) and the claims."""

    key: str
    claims: list[Claim]


class ClaimCache:
    """A folder of JSON files, one per (source, pack, version)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.corrupted = 0

    def key(self, source: Source, pack: DomainPack) -> str:
        """The key of `source`'s claims under `pack` and this version of the tool."""
        return content_id([__version__, pack.digest, source.id, source.content_hash,
                           str(source.published) if source.published else None, source.line_offset], length=32)

    def get(self, key: str) -> list[Claim] | None:
        """The cached claims, or None when absent or unreadable (then it is recomputed)."""
        path = self._path(key)
        try:
            entry = _Entry.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, ValidationError):
            self.corrupted += 1
            return None
        if entry.key != key:
            self.corrupted += 1
            return None
        return entry.claims

    def put(self, key: str, claims: list[Claim]) -> None:
        """Store `claims` under `key` atomically; a cache that cannot be written is skipped."""
        path = self._path(key)
        payload = _Entry(key=key, claims=claims).model_dump_json(exclude_none=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_in_git(self.folder)
            write_atomic(path, payload.encode("utf-8"), durable=False)
        except OSError:
            pass

    def corpus_store(self, root: Path | None) -> "CorpusStore":
        """The files this cache keeps for one corpus (None: the bundled sample)."""
        label = "<sample>" if root is None else str(root.resolve())
        return CorpusStore(self.folder / "corpora" / content_id(label), self.folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"



class CorpusStore:
    """One corpus's files in the cache: its run index and its parsed manifest."""

    def __init__(self, folder: Path, cache_root: Path) -> None:
        self.folder = folder
        self.cache_root = cache_root

    def run_index(self, setting: str) -> RunIndex:
        """The corpus's run index under `setting` (the tool's version, pack, day, limits)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _ignore_in_git(self.cache_root)
        except OSError:
            pass
        return RunIndex(self.folder / "index.sqlite", content_id([__version__, setting], length=32))

    def get_blob(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    def put_blob(self, name: str, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _ignore_in_git(self.cache_root)
            write_atomic(self.folder / name, data, durable=False)
        except OSError:
            pass


def _ignore_in_git(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        write_atomic(marker, b"# claimrecon's extraction cache: safe to delete\n*\n")


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` through a temporary file and a rename: never a half-written file.

    SIGINT and SIGTERM wait until the file is whole and renamed (or removed), so an interrupted
    run leaves neither a torn file nor a temporary one behind. `durable` also flushes the data
    to disk before the rename (a power cut then leaves the old file or the new one); cache
    entries skip it: one that a crash left empty is found unreadable and recomputed, and
    10,000 flushes took longer than extracting the 10,000 articles.
    """
    with _signals_held():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block (in the main thread; elsewhere, do nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
