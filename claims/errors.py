"""Errors of the claims package (see sources.errors for the hierarchy).

    InputError
    ├── PackError       the domain pack: YAML syntax, schema, shared aliases, catalogue cycles
    └── TableError      a structured claims table or its mapping file
"""
from __future__ import annotations

from sources import InputError


class PackError(InputError):
    """A domain pack that cannot be used."""


class TableError(InputError):
    """A claims table (CSV, TSV, Parquet) or mapping file that cannot be used."""
