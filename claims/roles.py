"""Binding a catalogue ref to a field: parties to the part they supply, places and sites by cue words.

"an Indian-made lander", "India provides the lander", "a rover built by JAXA", "held in Tokyo",
"from Tanegashima", "Tokyo hosted", "(New Delhi, 2019)". Patterns come from the domain pack;
the English glue (by/from, build verbs, coordination, instrument nouns) is a table here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from claims.mentions import Hit, phrase_pattern
from claims.pack import FieldSpec
from claims.spans import words_between

_BY_FROM = re.compile(r"(?:\bby|\bfrom|(?:built|made|developed|manufactured|designed)\s+in)\s+(?:the\s+)?$")
_BUILDS = re.compile(r"\s+(?:is\s+|are\s+|will\s+|has\s+|had\s+)?(?:building|build|builds|built|developing|develops|"
                     r"developed|supplying|supplies|supplied|providing|provides|provided|making|makes|made)\b")
_COORDINATED = re.compile(r"\s*,?\s*(?:and|as well as|plus)\s+(?:(?:the|a|an|its|their)\s+)?(?:[\w'-]+\s+){0,2}$")
_SUPPLY_NOUNS = re.compile(r"\b(?:instruments?|payloads?|experiments?|sensors?|cameras?)\b")
_SUPPLIES_PART = re.compile(r"\b(?:instruments?|payloads?|experiments?|sensors?)\s+(?:from|by)\s+"
                            r"(?:[\w'.-]+\s+){0,4}(?:and\s+|,\s*)?$")


class Span(Protocol):
    """A found value: where it is and, for a ref, its hit."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def hit(self) -> Hit | None: ...


@dataclass(frozen=True)
class RoleBinder:
    """The pack's role words (triggers), cue words and exclusions, compiled once."""

    fields: list[FieldSpec]
    triggers: dict[str, re.Pattern[str] | None]
    cues: dict[str, re.Pattern[str] | None]
    cues_after: dict[str, re.Pattern[str] | None]
    excluded_after: dict[str, re.Pattern[str] | None]

    @classmethod
    def for_fields(cls, fields: list[FieldSpec]) -> "RoleBinder":
        """The binder of a pack's fields."""
        return cls(fields, {f.id: phrase_pattern(f.triggers) for f in fields},
                   {f.id: phrase_pattern(f.cue_before) for f in fields},
                   {f.id: phrase_pattern(f.cue_after) for f in fields},
                   {f.id: phrase_pattern(f.exclude_after) for f in fields})

    def bound(self, folded: str, lo: int, hi: int, hits: list[Hit], value: Span, field: FieldSpec) -> bool:
        """A party bound to a role word: "Indian-made lander", "India provides the lander", "rover built by JAXA"."""
        pattern = self.triggers[field.id]
        if pattern is None or _SUPPLIES_PART.search(folded, max(lo, value.start - 80), value.start):
            return False
        same = [h for h in hits if h.kind == "ref" and h is not value.hit and
                any(c == field.catalogue for c, _ in h.refs)]
        for match in pattern.finditer(folded, value.end, hi):
            if words_between(folded, value.end, match.start()) > field.window:
                break
            if any(value.end <= h.start < match.start() for h in same):
                break
            if self._part_noun_between(folded, value.end, match.start()):
                break
            if not self._excluded(field, folded, match.end(), hi) and self._nearest_role(folded, match, value, hi):
                return True
        return self._bound_backwards(pattern, folded, lo, value, same)

    def _bound_backwards(self, pattern: re.Pattern[str], folded: str, lo: int, value: Span, same: list[Hit]) -> bool:
        """"a rover built by JAXA", "the rover JAXA is building", "built in Japan": the nearest role word before."""
        window = max(lo, value.start - 100)
        patterns = [p for f in self.fields if f.type == "ref" and f.triggers
                    and (p := self.triggers[f.id]) is not None]
        roles = [m for p in patterns for m in p.finditer(folded, window, value.start)]
        if not roles:
            return False
        nearest = max(roles, key=lambda m: m.end())
        if not pattern.fullmatch(nearest.group(0)) or any(nearest.end() <= h.start < value.start for h in same):
            return False
        gap = words_between(folded, nearest.end(), value.start)
        if _BY_FROM.search(folded, window, value.start) and gap <= 8:
            return True
        return gap <= 1 and _BUILDS.match(folded, value.end) is not None

    @staticmethod
    def _part_noun_between(folded: str, start: int, end: int) -> bool:
        """An instruments/payload noun between a party and a role word: the party supplies that, not the part."""
        return _SUPPLY_NOUNS.search(folded, start, end) is not None

    def _nearest_role(self, folded: str, match: re.Match[str], value: Span, hi: int) -> bool:
        """No other role word lies between the party and this one, unless joined by "and"."""
        for field in self.fields:
            pattern = self.triggers[field.id]
            if field.type != "ref" or not field.triggers or pattern is None:
                continue
            for other in pattern.finditer(folded, value.end, match.start()):
                if self._excluded(field, folded, other.end(), hi):
                    continue
                if not _COORDINATED.match(folded[other.end():match.start()]):
                    return False
        return True

    def _excluded(self, field: FieldSpec, folded: str, at: int, hi: int) -> bool:
        pattern = self.excluded_after[field.id]
        return pattern is not None and pattern.match(folded, at + 1, hi) is not None and folded[at:at + 1] == " "

    def cued(self, folded: str, lo: int, value: Span, field: FieldSpec) -> bool:
        """A cue word just before the value ("held in Tokyo", "from Tanegashima"), one just after
        ("Tokyo hosted", "Tanegashima for launch"), or a parenthesis after a name ("(New Delhi, 2019)")."""
        if folded[max(lo, value.start - 3):value.start].rstrip().endswith("("):
            return True
        pattern, after = self.cues[field.id], self.cues_after[field.id]
        if after is not None:
            match = after.search(folded, value.end, value.end + 40)
            if match is not None and words_between(folded, value.end, match.start()) <= 1:
                return True
        if pattern is None:
            return False
        offset = max(lo, value.start - 40)
        return any(words_between(folded, match.end(), value.start) <= 2
                   for match in pattern.finditer(folded, offset, value.start))
