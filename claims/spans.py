"""Positions in folded text: words between two offsets."""
from __future__ import annotations

import re

WORD = re.compile(r"[\w][\w'.-]*")


def words_between(folded: str, a: int, b: int) -> int:
    """How many words lie in `folded[a:b]` (0 when b <= a)."""
    return len(WORD.findall(folded, a, b)) if b > a else 0
