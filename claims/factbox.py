"""Fact boxes: `Key | Value` rows (and `Key: Value` lines with a known key) under a heading.

"LUPEX at a glance" / "Launch vehicle | H3-24L" / "Rover mass | 350 kg": the key names the field
(by the pack's labels), the value cell holds the value, the heading or the key names the entity.
"""
from __future__ import annotations

import re


def may_hold_rows(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` can hold a fact-box row at all."""
    return text.find("|", start, end) >= 0 or text.find(":", start, end) >= 0


def split_row(text: str, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The key and value spans of a fact-box row: `Key | Value`, `| Key | Value |` or `Key: Value`."""
    line = text[start:end]
    if "|" in line:
        cells = [(m.start(), m.end()) for m in re.finditer(r"[^|]+", line) if line[m.start():m.end()].strip()]
        if len(cells) < 2 or set(line.replace("|", "").strip()) <= set("-: "):
            return None
        (ks, ke), (vs, ve) = cells[0], cells[1]
    elif ":" in line[:40]:
        colon = line.index(":")
        (ks, ke), (vs, ve) = (0, colon), (colon + 1, len(line))
    else:
        return None
    ks, ke = strip_cell(line, ks, ke)
    vs, ve = strip_cell(line, vs, ve)
    if ke <= ks or ve <= vs:
        return None
    return (start + ks, start + ke), (start + vs, start + ve)


def strip_cell(line: str, s: int, e: int) -> tuple[int, int]:
    """The span without surrounding spaces and Markdown emphasis."""
    while s < e and line[s] in " \t*_":
        s += 1
    while e > s and line[e - 1] in " \t*_":
        e -= 1
    return s, e
