"""YAML documents that remember where each value stands, so errors can name the line."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from sources.errors import InputError

# libyaml's parser when it is there: same nodes and line marks, many times faster.
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LocatedYaml:
    """Parsed YAML data plus the node tree, to map a key path back to a 1-based line."""

    def __init__(self, data: Any, root: yaml.Node | None) -> None:
        self.data = data
        self._root = root

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The line of the deepest node along `loc` that exists (a pydantic error's `loc`)."""
        node = self._root
        line = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            node = _child(node, key)
            if node is None:
                break
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                child: yaml.Node = v
                return child
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item: yaml.Node = node.value[key]
        return item
    return None


def parse_yaml_located(text: str, path: str | Path, *, error: type[InputError] = InputError,
                       first_line: int = 1) -> LocatedYaml:
    """Parse YAML text; a syntax error becomes `error(path, line, ...)` with the file's line."""
    try:
        root, data = _parse(text, _LOADER)
    except (yaml.YAMLError, ValueError):
        try:  # PyYAML's own parser words its errors best: ask it where and why
            root, data = _parse(text, yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + first_line if mark else None
            raise error(path, line, f"not valid YAML: {exc.problem or exc.context}") from exc
        except (yaml.YAMLError, ValueError) as exc:
            raise error(path, None, f"not valid YAML: {exc}") from exc
    if first_line != 1 and root is not None:
        _shift_marks(root, first_line - 1)
    return LocatedYaml(data, root)


def _parse(text: str, loader_class: type) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _shift_marks(node: yaml.Node, offset: int) -> None:
    node.start_mark.line += offset
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _shift_marks(k, offset)
            _shift_marks(v, offset)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _shift_marks(v, offset)


def describe_loc(loc: Sequence[str | int]) -> str:
    """`('entities', 3, 'aliases')` → `entities[3].aliases`."""
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out
