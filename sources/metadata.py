"""Source metadata from YAML (front matter or sources.yaml): parsed with lines, checked, typed.

Known keys: title, publisher, author, url (text), published (`YYYY`, `YYYY-MM` or
`YYYY-MM-DD`, as a string, a YAML int or a date) and primary (true/false). Anything else
is kept, as text, in `Source.extra` with a warning, so a typo (`pubished:`) is seen.

YAML is read with timestamps left as strings: PyYAML turns `2025-02-30` into an uncaught
ValueError and `2025-05-15 10:00` into a datetime, and we want both as the text written.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from sources.errors import InputError
from sources.models import Precision, Problem, Published
from sources.yamldoc import LocatedYaml

TEXT_KEYS = ("title", "publisher", "author", "url")
KNOWN_KEYS = (*TEXT_KEYS, "published", "primary")
_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_PRECISION: dict[int, Precision] = {1: "year", 2: "month", 3: "day"}


# libyaml's parser when it is there (it keeps line marks and is about 15× faster), else PyYAML's.
_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_BASE_LOADER):  # type: ignore[misc]
    """SafeLoader that leaves `2025-05-15` as a string."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_metadata_yaml(text: str, path: str, *, error: type[InputError],
                        first_line: int = 1) -> LocatedYaml:
    """Parse YAML whose first line is file line `first_line`; errors become `error(path, line, …)`."""
    loader = _TextDatesLoader("\n" * (first_line - 1) + text)  # padding makes marks file lines
    try:
        root = loader.get_single_node()
        data = construct(loader, root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise error(path, line, f"not valid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise error(path, None, f"not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    return LocatedYaml(data, root)


_STR, _SEQ, _MAP, _MERGE = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map", "merge"))


class _Unusual(Exception):
    """A node `construct` leaves to PyYAML: an alias, a merge key, a tag other than the plain ones."""


def construct(loader: Any, root: yaml.Node) -> Any:
    """The document's data, as `loader.construct_document(root)` gives it, built faster.

    PyYAML's constructor is Python code per node, about a second for a 10,000-entry
    sources.yaml; text, lists and mappings are built here directly and other scalars by PyYAML.
    A document with anything unusual (aliases, merge keys, other tags) is left wholly to PyYAML.
    """
    seen: set[int] = set()

    def build(node: yaml.Node) -> Any:
        if id(node) in seen:  # an alias: PyYAML shares the object and handles cycles
            raise _Unusual
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else loader.construct_object(node)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            return [build(item) for item in node.value]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            mapping = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
                    raise _Unusual
                mapping[build(key)] = build(value)
            return mapping
        raise _Unusual

    try:
        return build(root)
    except _Unusual:
        return loader.construct_document(root)


def normalise_published(value: Any) -> Published | None:
    """`"2025-08"` → Published(2025-08-01, month); None → None; raises ValueError when malformed."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return Published(date=value.date(), precision="day")
    if isinstance(value, dt.date):
        return Published(date=value, precision="day")
    if isinstance(value, Published):
        return value
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    match = _PUBLISHED.fullmatch(text)
    if not match:
        raise ValueError(f"`published: {value}` is not YYYY-MM-DD, YYYY-MM or YYYY; "
                         "write for example `published: 2025-05-15`, or leave it out when unknown")
    parts = [int(p) for p in match.groups() if p is not None]
    try:
        year, month, day = (parts + [1, 1])[:3]
        date = dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"`published: {value}` is not a real date ({exc})") from exc
    return Published(date=date, precision=_PRECISION[len(parts)])


def normalise_metadata(mapping: Mapping[Any, Any], *, path: str, line_of: Callable[[str], int | None],
                       today: dt.date, ignore: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[Problem]]:
    """Source fields (title, …, published, primary, extra) from a YAML mapping, and the problems found.

    `line_of(key)` gives the line of a key's value, so each problem names its line.
    """
    fields: dict[str, Any] = {}
    extra: dict[str, str] = {}
    problems: list[Problem] = []
    for raw_key, value in mapping.items():
        key = str(raw_key)
        if key in ignore or value is None:
            continue
        try:
            if key in KNOWN_KEYS:
                fields[key] = _normalise_known(key, value)
            else:
                extra[key] = _as_text(key, value)
                problems.append(_unknown_key(key, path, line_of(key)))
        except ValueError as exc:
            problems.append(Problem(path=path, line=line_of(key), message=str(exc)))
    published = fields.get("published")
    if isinstance(published, Published) and published.start > today:
        message = (f"`published: {published}` is after today ({today.isoformat()}); "
                   "kept as written, but check the year")
        problems.append(Problem(path=path, line=line_of("published"), message=message, severity="warning"))
    if extra:
        fields["extra"] = extra
    return fields, problems


def merge_metadata(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over`'s fields win over `base`'s; their `extra` mappings are merged the same way."""
    merged = {**base, **over}
    if "extra" in base or "extra" in over:
        merged["extra"] = {**base.get("extra", {}), **over.get("extra", {})}
    return merged


def _normalise_known(key: str, value: Any) -> Any:
    if key == "published":
        return normalise_published(value)
    if key == "primary":
        if not isinstance(value, bool):
            raise ValueError(f"`primary: {value}` should be true or false")
        return value
    return _as_text(key, value)


def _as_text(key: str, value: Any) -> str:
    """Scalars as text; a list of scalars (several authors) joined with ", "."""
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (list, dict)):
        kind = "a list" if isinstance(value, list) else "a mapping"
        raise ValueError(f"`{key}` should be text, got {kind}; write it on one line: `{key}: …`")
    return str(value).strip()


def _unknown_key(key: str, path: str, line: int | None) -> Problem:
    message = (f"unknown key `{key}` (known: {', '.join(KNOWN_KEYS)}); "
               "kept in the source's extra metadata, check the spelling")
    return Problem(path=path, line=line, message=message, severity="warning")
