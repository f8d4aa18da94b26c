"""Load a corpus folder: every .txt/.md/.html source with its metadata, and the problems met.

Per-file trouble never raises: it becomes a `Problem` (path relative to the corpus root,
1-based line where there is one) and every other source still loads. Only a corpus that
cannot be a corpus at all (no such folder, a missing explicit manifest) raises an InputError.

- Which files are sources, ids, dot-files, symlinks: see `sources.listing`.
- Decoding (BOMs, UTF-16, cp1252 fallback, binary files): see `sources.text`.
- Metadata precedence: front matter (`sources.frontmatter`), then sources.yaml
  (`sources.manifest`), then, for HTML, what the page itself says (`sources.webpage`).
  Malformed front matter is an error; the source loads without its front matter.
- A file over `max_bytes` is refused from its size, before reading; no file is ever read
  past `max_bytes + 1` bytes, so memory stays bounded.
- An empty or whitespace-only file (or one with only front matter) gives a warning, no source.
- Two files with one id (`a.md`, `a.txt`): the first in sorted order loads, the other is an error.
- `Source.content_hash` is the full sha256 hex digest (64 characters) of the raw file bytes.
- Output is deterministic: sources sorted by id, problems by (path, line, message), no
  absolute paths, no timestamps.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from sources.errors import ManifestError, SourceFileError
from sources.frontmatter import extract_front_matter
from sources.listing import Candidate, list_sources, source_id_of
from sources.manifest import BlobStore, Manifest, load_manifest, report_unmatched
from sources.metadata import merge_metadata, normalise_metadata
from sources.models import Problem, Source
from sources.text import normalise_text

DEFAULT_MAX_BYTES = 20_000_000
SAMPLE_ROOT = "<sample>"  # Corpus.root for the bundled sample: never a machine's absolute path
MANIFEST_NAME = "sources.yaml"
_HTML_SUFFIXES = (".html", ".htm")

Loaded = tuple[Source | None, list[Problem]]


class Corpus(BaseModel):
    """The sources of a corpus folder, sorted by id, and the problems met loading them."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    root: str
    sources: list[Source]
    problems: list[Problem]


def sample_corpus() -> Path:
    """The folder of the bundled sample corpus (the five seed articles and their sources.yaml)."""
    return Path(str(resources.files("sources") / "sample"))


def load_corpus(root: str | Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                follow_symlinks: bool = False, manifest: str | Path | None = None,
                today: dt.date | None = None) -> Corpus:
    """Every source under `root` (None → the bundled sample corpus) with its metadata, and the problems.

    `load_corpus("corpus/").sources[0].id` → `"news/wion-lupex"`.
    """
    sources: list[Source] = []
    problems: list[Problem] = []
    for source, found in iter_corpus(root, max_bytes=max_bytes, follow_symlinks=follow_symlinks,
                                     manifest=manifest, today=today):
        if source is not None:
            sources.append(source)
        problems.extend(found)
    return Corpus(root=SAMPLE_ROOT if root is None else str(root),
                  sources=sorted(sources, key=lambda s: s.id),
                  problems=sorted(problems, key=lambda p: (p.path, p.line or 0, p.message)))


class SourceTask(NamedTuple):
    """One file to load, with the metadata the manifest gives it: picklable, for worker processes."""

    candidate: Candidate
    fields: dict[str, Any]
    max_bytes: int
    today: dt.date


class CorpusPlan(NamedTuple):
    """What loading a corpus involves: one task per file, and the corpus-wide problems."""

    tasks: list[SourceTask]
    problems: list[Problem]


def plan_corpus(root: str | Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                follow_symlinks: bool = False, manifest: str | Path | None = None,
                today: dt.date | None = None, store: BlobStore | None = None) -> CorpusPlan:
    """The files of a corpus to load (in id order) and the problems of the manifest and the walk.

    Raises SourceFileError when `root` is not a folder. Duplicate ids and manifest entries that
    name no file are among the problems. A `store` keeps the parsed manifest between runs.
    """
    folder = sample_corpus() if root is None else Path(root)
    if not folder.is_dir():
        what = "is a file, not a folder: give the folder that holds it" if folder.exists() else "does not exist"
        raise SourceFileError(str(root), None, f"corpus folder {what}")
    today = today or dt.datetime.now(dt.timezone.utc).date()
    entries = _load_manifest(folder, manifest, today, store)
    listing = list_sources(folder, follow_symlinks=follow_symlinks)
    problems = entries.problems + listing.problems
    tasks: list[SourceTask] = []
    previous: Candidate | None = None
    for candidate in listing.candidates:
        if previous is not None and previous.id == candidate.id:
            problems.append(_duplicate(previous, candidate))
            continue
        previous = candidate
        tasks.append(SourceTask(candidate, dict(entries.entries.get(candidate.id, {})), max_bytes, today))
    problems += report_unmatched(entries, {c.id for c in listing.candidates})
    return CorpusPlan(tasks, problems)


def load_task(task: SourceTask) -> Loaded:
    """The source of one planned file (or None) and the problems reading it."""
    return _load_file(task.candidate, task.fields, max_bytes=task.max_bytes, today=task.today)


def iter_corpus(root: str | Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                follow_symlinks: bool = False, manifest: str | Path | None = None,
                today: dt.date | None = None) -> Iterator[Loaded]:
    """`(source or None, problems)` one file at a time, in id order, so memory stays bounded.

    Corpus-wide problems (the manifest, the walk, duplicate ids, entries without a file) come
    first. Raises SourceFileError when `root` is not a folder.
    """
    plan = plan_corpus(root, max_bytes=max_bytes, follow_symlinks=follow_symlinks, manifest=manifest, today=today)
    yield None, plan.problems
    for task in plan.tasks:
        yield load_task(task)


def load_source(path: Path, *, root: Path, metadata: Mapping[str, Any] | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, today: dt.date | None = None) -> Loaded:
    """One source file and its problems; `metadata` is a sources.yaml-style mapping (front matter wins).

    `load_source(Path("c/a.md"), root=Path("c"), metadata={"published": "2025-05"})`
    """
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        relative = path.name
    today = today or dt.datetime.now(dt.timezone.utc).date()
    fields, problems = normalise_metadata(metadata or {}, path=relative, today=today,
                                          line_of=lambda key: None, ignore=("id",))
    source, more = _load_file(Candidate(str(path), relative, source_id_of(relative)), fields,
                              max_bytes=max_bytes, today=today)
    return source, problems + more


def _load_manifest(folder: Path, manifest: str | Path | None, today: dt.date, store: BlobStore | None) -> Manifest:
    if manifest is None:
        return load_manifest(folder / MANIFEST_NAME, path=MANIFEST_NAME, today=today, store=store)
    file = Path(manifest)
    if not file.is_file():
        raise ManifestError(str(manifest), None, "manifest file does not exist")
    try:
        shown = file.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        shown = file.name if file.is_absolute() else file.as_posix()
    return load_manifest(file, path=shown, today=today, store=store)


def _duplicate(kept: Candidate, skipped: Candidate) -> Problem:
    message = (f"has the same id `{skipped.id}` as `{kept.path}`; `{kept.path}` is used and this file "
               "is skipped: rename one of them")
    return Problem(path=skipped.path, message=message)


def _load_file(candidate: Candidate, fields: Mapping[str, Any], *, max_bytes: int,
               today: dt.date) -> Loaded:
    raw, problems = _read_bytes(candidate, max_bytes)
    if raw is None:
        return None, problems
    decoded = normalise_text(raw, candidate.path)
    problems += decoded.problems
    if decoded.text is None:
        return None, problems
    if candidate.path.lower().endswith(_HTML_SUFFIXES):
        text, line_offset, fields, more = _from_html(decoded.text, candidate.path, fields, today)
    else:
        text, line_offset, fields, more = _from_plain(decoded.text, candidate.path, fields, today)
    problems += more
    if not text.strip():
        return None, problems + [_empty(candidate.path, line_offset)]
    source = Source(id=candidate.id, path=candidate.path, content_hash=hashlib.sha256(raw).hexdigest(),
                    text=text, line_offset=line_offset, **fields)
    return source, problems


_Parts = tuple[str, int, dict[str, Any], list[Problem]]


def _from_plain(text: str, path: str, fields: Mapping[str, Any], today: dt.date) -> _Parts:
    front = extract_front_matter(text, path, today=today)
    return front.body, front.line_offset, merge_metadata(fields, front.fields), front.problems


def _from_html(html: str, path: str, fields: Mapping[str, Any], today: dt.date) -> _Parts:
    from sources.webpage import extract_webpage  # imports trafilatura: only for HTML files

    page = extract_webpage(html, path, today=today)
    return page.text, 0, merge_metadata(page.fields, fields), page.problems


def _empty(path: str, line_offset: int) -> Problem:
    message = ("has no text after its front matter; skipped" if line_offset
               else "is empty (or only whitespace); skipped")
    return Problem(path=path, message=message, severity="warning")


def _read_bytes(candidate: Candidate, max_bytes: int) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, or None and an error: too big, unreadable, gone."""
    path = candidate.path
    try:
        size = os.stat(candidate.file).st_size
        if size > max_bytes:
            return None, [_too_big(path, size, max_bytes)]
        with open(candidate.file, "rb") as handle:
            raw = handle.read(max_bytes + 1)  # never more, even if the file grew since stat()
    except IsADirectoryError:
        return None, []
    except PermissionError:
        return None, [Problem(path=path, message="cannot be read: permission denied; check its permissions")]
    except OSError as exc:
        return None, [Problem(path=path, message=f"cannot be read: {exc.strerror or exc}")]
    if len(raw) > max_bytes:
        return None, [_too_big(path, len(raw), max_bytes)]
    return raw, []


def _too_big(path: str, size: int, max_bytes: int) -> Problem:
    message = (f"is {_size(size)}, above the limit of {_size(max_bytes)} (--max-bytes); "
               "skipped: split the file or raise the limit")
    return Problem(path=path, message=message)


def _size(n: int) -> str:
    """`52_428_800` → `"52.4 MB"`; `20_000_000` → `"20 MB"`; `1500` → `"1,500 bytes"`."""
    if n < 1_000_000:
        return f"{n:,} bytes"
    return f"{n / 1_000_000:.1f}".removesuffix(".0") + " MB"
