"""YAML front matter at the top of a .md/.txt source: `---` on the first line, … , `---`.

A closing `...` is accepted too, as YAML allows. Malformed front matter (bad YAML, not a
mapping, never closed) is an error naming the file line; the source is still loaded, with
no front-matter metadata (sources.yaml still applies) and the text after the front matter.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from sources.errors import FrontMatterError
from sources.metadata import normalise_metadata, parse_metadata_yaml
from sources.models import Problem

_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


class FrontMatter(NamedTuple):
    """Metadata from the front matter, the text after it, and the lines it took."""

    fields: dict[str, Any]
    body: str
    # The number of file lines before `body`: file line = line_offset + 1 + body lines before.
    line_offset: int
    problems: list[Problem]


def extract_front_matter(text: str, path: str, *, today: dt.date) -> FrontMatter:
    """Split newline-normalised `text` into front-matter metadata and body.

    `"---\\ntitle: A\\n---\\nBody"` → fields {"title": "A"}, body "Body", line_offset 3.
    """
    opening = _OPENING.match(text)
    if not opening:
        return FrontMatter({}, text, 0, [])
    closing = _CLOSING.search(text, opening.end())
    if not closing:
        message = ("front matter opened by `---` is never closed by a `---` line; "
                   "the whole file is read as text, without metadata")
        return FrontMatter({}, text, 0, [Problem(path=path, line=1, message=message)])
    body_start = min(closing.end() + 1, len(text))
    body, line_offset = text[body_start:], text.count("\n", 0, body_start)
    fields, problems = _load_fields(text[opening.end():closing.start()], path, today)
    return FrontMatter(fields, body, line_offset, problems)


def _load_fields(yaml_text: str, path: str, today: dt.date) -> tuple[dict[str, Any], list[Problem]]:
    try:
        located = parse_metadata_yaml(yaml_text, path, error=FrontMatterError, first_line=2)
    except FrontMatterError as exc:
        message = f"front matter is {exc.message}; the source is loaded without its front matter"
        return {}, [Problem(path=path, line=exc.line, message=message)]
    if located.data is None:
        return {}, []
    if not isinstance(located.data, dict):
        kind = type(located.data).__name__
        message = (f"front matter should be `key: value` lines (a mapping), got a {kind}; "
                   "the source is loaded without its front matter")
        return {}, [Problem(path=path, line=2, message=message)]
    return normalise_metadata(located.data, path=path, today=today,
                              line_of=lambda key: located.line_of([key]))
