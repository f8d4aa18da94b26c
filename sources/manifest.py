"""The corpus's optional sources.yaml: a list of mappings, one per source, keyed by `id`.

Trouble is reported as Problems naming sources.yaml and the entry's line, and loading
goes on: malformed YAML drops the whole manifest (every file still loads, without its
metadata); an entry that is not a mapping, has no id, or repeats an earlier id is skipped
(the first entry for an id wins); a bad value (`published: 15/05/2025`) is reported and
the rest of the entry is kept. Entries whose id matches no file are reported after the walk.
"""
from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection
from pathlib import Path
import hashlib
from typing import Any, NamedTuple, Protocol

from pydantic import BaseModel, ValidationError
from typing_extensions import TypedDict  # pydantic reads typing's only from Python 3.12

from sources.errors import ManifestError
from sources.listing import SOURCE_SUFFIXES
from sources.metadata import normalise_metadata, parse_metadata_yaml
from sources.models import Problem, Published
from sources.text import normalise_text
from sources.yamldoc import LocatedYaml


class Manifest(NamedTuple):
    """Metadata per source id, the line of each id's entry, and the problems found."""

    path: str
    entries: dict[str, dict[str, Any]]
    lines: dict[str, int | None]
    problems: list[Problem]


_BLOB = "manifest.json"


class BlobStore(Protocol):
    """Where a parsed manifest may be kept between runs (the caller's cache, one per corpus)."""

    def get_blob(self, name: str) -> bytes | None: ...

    def put_blob(self, name: str, data: bytes) -> None: ...


def load_manifest(file: Path, *, path: str, today: dt.date, store: BlobStore | None = None) -> Manifest:
    """The manifest in `file` (reported as `path`); an empty one when the file does not exist.

    With a `store`, the parse is kept under a hash of the file's bytes, `path` and `today`:
    YAML parsing costs about a second per 10,000 entries, reading the same file back far less.
    """
    if not file.is_file():
        return Manifest(path, {}, {}, [])
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return Manifest(path, {}, {}, [Problem(path=path, message=f"cannot be read: {exc.strerror}")])
    if store is None:
        return _parse_manifest(raw, path, today)
    key = hashlib.sha256(b"\0".join([raw, path.encode(), today.isoformat().encode()])).hexdigest()
    kept = _StoredManifest.restore(store.get_blob(_BLOB), key)
    if kept is not None:
        return kept
    manifest = _parse_manifest(raw, path, today)
    store.put_blob(_BLOB, _StoredManifest.of(manifest, key).model_dump_json().encode("utf-8"))
    return manifest


def _parse_manifest(raw: bytes, path: str, today: dt.date) -> Manifest:
    decoded = normalise_text(raw, path)
    if decoded.text is None:
        return Manifest(path, {}, {}, decoded.problems)
    try:
        located = parse_metadata_yaml(decoded.text, path, error=ManifestError)
    except ManifestError as exc:
        message = f"{exc.message}; no metadata from it is used, every file still loads"
        return Manifest(path, {}, {}, [*decoded.problems, Problem(path=path, line=exc.line, message=message)])
    manifest = _load_entries(located, path, today)
    return manifest._replace(problems=decoded.problems + manifest.problems)


class _StoredFields(TypedDict, total=False):
    """One entry's normalised fields (`normalise_metadata`'s output) as kept in a store: only those set."""

    title: str
    publisher: str
    author: str
    url: str
    published: Published
    primary: bool
    extra: dict[str, str]


class _StoredManifest(BaseModel):
    """A parsed manifest as JSON, with the key (bytes, path, today) it was parsed under."""

    key: str
    path: str
    entries: dict[str, _StoredFields]
    lines: dict[str, int | None]
    problems: list[Problem]

    @classmethod
    def of(cls, manifest: Manifest, key: str) -> "_StoredManifest":
        return cls.model_validate({"key": key, "path": manifest.path, "entries": manifest.entries,
                                   "lines": manifest.lines, "problems": manifest.problems})

    @classmethod
    def restore(cls, data: bytes | None, key: str) -> Manifest | None:
        """The manifest kept in `data` under `key`, or None (none kept, another key, unreadable)."""
        if data is None:
            return None
        try:
            kept = cls.model_validate_json(data)
        except (ValidationError, ValueError):
            return None
        if kept.key != key:
            return None
        entries: dict[str, dict[str, Any]] = {source_id: dict(fields) for source_id, fields in kept.entries.items()}
        return Manifest(kept.path, entries, kept.lines, kept.problems)


def report_unmatched(manifest: Manifest, file_ids: Collection[str]) -> list[Problem]:
    """An error for each manifest entry whose id names no file of the corpus."""
    problems = []
    for source_id in sorted(set(manifest.entries) - set(file_ids)):
        message = f"entry `id: {source_id}` names no file ({_hint(source_id, file_ids)})"
        problems.append(Problem(path=manifest.path, line=manifest.lines[source_id], message=message))
    return problems


def _load_entries(located: LocatedYaml, path: str, today: dt.date) -> Manifest:
    manifest = Manifest(path, {}, {}, [])
    if located.data is None:
        return manifest
    if not isinstance(located.data, list):
        message = f"should be a list of entries (`- id: …`), got a {type(located.data).__name__}"
        manifest.problems.append(Problem(path=path, line=located.line_of([]), message=message))
        return manifest
    for index, entry in enumerate(located.data):
        _add_entry(manifest, located, index, entry, today)
    return manifest


def _add_entry(manifest: Manifest, located: LocatedYaml, index: int, entry: Any, today: dt.date) -> None:
    path, line = manifest.path, located.line_of([index])
    source_id = _entry_id(entry)
    if source_id is None:
        found = "a mapping with no `id`" if isinstance(entry, dict) else f"a {type(entry).__name__}"
        message = (f"entry {index + 1} should be a mapping with an `id` (`- id: news/wion-lupex`), "
                   f"got {found}; it is skipped")
        manifest.problems.append(Problem(path=path, line=line, message=message))
        return
    if source_id in manifest.entries:
        message = (f"`id: {source_id}` repeats the entry on line {manifest.lines[source_id]}; "
                   "this one is skipped, merge the two")
        manifest.problems.append(Problem(path=path, line=line, message=message))
        return
    fields, problems = normalise_metadata(entry, path=path, today=today, ignore=("id",),
                                          line_of=lambda key: located.line_of([index, key]))
    manifest.entries[source_id] = fields
    manifest.lines[source_id] = line
    manifest.problems.extend(problems)


def _entry_id(entry: Any) -> str | None:
    value = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        return None
    return str(value).strip()


def _hint(source_id: str, file_ids: Collection[str]) -> str:
    for suffix in SOURCE_SUFFIXES:
        if source_id.lower().endswith(suffix):
            return f"write the id without its extension: `{source_id[: -len(suffix)]}`"
    close = difflib.get_close_matches(source_id, list(file_ids), n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return "an id is the file's path under the corpus without the extension, e.g. `news/wion-lupex`"
