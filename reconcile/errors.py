"""Errors that say where, for the files `reconcile` reads and writes.

Hierarchy (every error carries the file and, where there is one, the 1-based line)::

    sources.InputError(path, line, message)  str(err) == "path:line: message"
    └── ReviewFileError                      reviews.yaml: not valid YAML, not a list, an entry with a
                                             missing, unknown or inconsistent key, or a file that
                                             cannot be read or written
"""
from __future__ import annotations

from sources import InputError


class ReviewFileError(InputError):
    """A reviews.yaml that cannot be read, understood or written."""
