"""Errors that say where.

Hierarchy (every error is raised with the file and, where there is one, the 1-based line)::

    InputError(path, line, message)          str(err) == "path:line: message"
    ├── FrontMatterError                     YAML front matter at the top of a source
    ├── ManifestError                        the corpus's sources.yaml
    └── SourceFileError                      a file that cannot be read as text
    (claims adds PackError, reconcile adds ReviewFileError, tables add TableError)
"""
from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A file we could not use, with where and why."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class FrontMatterError(InputError):
    """Malformed YAML front matter."""


class ManifestError(InputError):
    """A malformed sources.yaml or an entry that names no file."""


class SourceFileError(InputError):
    """A file that is binary, not decodable, or otherwise unreadable."""
