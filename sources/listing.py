"""Which files under a corpus folder are sources, found without reading them.

- A source is a regular file ending in .txt, .md, .html or .htm (any case); its id is its
  path under the root, with forward slashes and without the extension.
- Files and folders whose name starts with "." are ignored. sources.yaml and reviews.yaml
  are not sources (they are not .txt/.md/.html); README.md is a source like any other .md.
- A folder named like a file (`x.txt/`) is walked as a folder; a FIFO or device is skipped
  with a warning (reading it could block).
- Symlinks: a symlinked file whose target is inside the corpus is read under the link's own
  path. A symlink leading outside the corpus, or to a folder, is skipped with a warning
  unless `follow_symlinks`; folder loops are walked once. A broken symlink is a warning.
- Listing order is by (id, path), so two files with one id sit side by side, the first in
  sorted order first.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from sources.models import Problem

SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm")


class Candidate(NamedTuple):
    """A file that looks like a source: where it is, its path under the root, and its id."""

    file: str  # the file's path to open (a str: a Path per file costs more than the stat)
    path: str
    id: str


class Listing(NamedTuple):
    """Candidate sources sorted by (id, path), and problems met while walking."""

    candidates: list[Candidate]
    problems: list[Problem]


def source_id_of(path: str) -> str:
    """`"news/wion-lupex.html"` → `"news/wion-lupex"`."""
    return path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path


def is_source_name(name: str) -> bool:
    """True for a file name with a source extension: `a.TXT`, `b.md`, `c.htm`."""
    return name.lower().endswith(SOURCE_SUFFIXES)


def list_sources(root: Path, *, follow_symlinks: bool = False) -> Listing:
    """The candidate sources under `root` and the problems met finding them."""
    real_root = Path(os.path.realpath(root))
    walker = _Walker(real_root, follow_symlinks)
    listing = Listing([], [])
    for found in walker.walk(root, ()):
        if isinstance(found, Problem):
            listing.problems.append(found)
        else:
            listing.candidates.append(found)
    listing.candidates.sort(key=lambda c: (c.id, c.path))
    return listing


def _candidate(entry: os.DirEntry[str], path: str) -> Candidate:
    return Candidate(entry.path, path, source_id_of(path))


class _Walker:
    def __init__(self, real_root: Path, follow_symlinks: bool) -> None:
        self.real_root = real_root
        self.follow = follow_symlinks
        self.visited: set[str] = {str(real_root)}

    def walk(self, folder: Path, parts: tuple[str, ...]) -> Iterator[Candidate | Problem]:
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            yield Problem(path="/".join(parts) or ".", message=f"folder cannot be read: {exc.strerror}")
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_file(follow_symlinks=False):  # most entries: no symlink or folder to look into
                if is_source_name(name):
                    yield _candidate(entry, "/".join((*parts, name)))
            else:
                yield from self._visit(entry, (*parts, name))

    def _visit(self, entry: os.DirEntry[str], parts: tuple[str, ...]) -> Iterator[Candidate | Problem]:
        path = "/".join(parts)
        if entry.is_symlink():
            problem = self._symlink_problem(entry, path)
            if problem is not None:
                yield problem
                return
        if entry.is_dir():
            real = os.path.realpath(entry.path)
            if real not in self.visited:  # a symlink loop is walked once
                self.visited.add(real)
                yield from self.walk(Path(entry.path), parts)
        elif is_source_name(entry.name):
            if entry.is_file():
                yield _candidate(entry, path)
            else:
                yield Problem(path=path, message="is not a regular file (a FIFO or device?); skipped",
                              severity="warning")

    def _symlink_problem(self, entry: os.DirEntry[str], path: str) -> Problem | None:
        """A warning when a symlink is to be skipped, None when it is to be read."""
        target = Path(os.path.realpath(entry.path))
        if not target.exists():
            return Problem(path=path, message="is a broken symlink; skipped", severity="warning")
        if self.follow or not (entry.is_dir() or is_source_name(entry.name)):
            return None
        if entry.is_dir():
            message = "is a symlink to a folder; skipped (follow_symlinks=True / --follow-symlinks reads it)"
        elif not target.is_relative_to(self.real_root):
            message = ("is a symlink to a file outside the corpus; skipped "
                       "(follow_symlinks=True / --follow-symlinks reads it)")
        else:
            return None
        return Problem(path=path, message=message, severity="warning")
