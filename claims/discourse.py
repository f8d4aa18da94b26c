"""Who a sentence talks about: entity mentions, anaphors, untracked objects, clause limits.

A value is attributed to the nearest *governing* mention in its clause: the nearest one before
it, or else the nearest one after it. Mentions of objects the pack does not track (a named
"Chandrayaan-2", a plural "telescopes", "a satellite") govern too, and yield nothing, so a value
next to them is never handed to a tracked entity further away.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal

from claims.mentions import Hit, phrase_pattern
from claims.pack import DomainPack

Via = Literal["alias", "anaphor", "carried", "apposition", "other", "named-other"]

DEFINITE = frozenset({"the", "this", "that", "its", "their", "our"})
INDEFINITE = frozenset({"a", "an", "another", "other", "some", "any", "each", "every", "such", "one", "many",
                        "several", "future", "previous", "earlier", "past"})
PRONOUNS = frozenset({"it", "its"})
_WORD = re.compile(r"[\w][\w'-]*")
_STOP_SCAN = re.compile(r"[,;:()\[\]\"]")


@dataclass(frozen=True, slots=True)
class Mention:
    """A reference to an object within a sentence; `entity` None means an untracked object."""

    start: int
    end: int
    entity: str | None
    kind: str | None
    via: Via


class Discourse:
    """Finds and resolves mentions in sentences, with the pack's kind nouns and clause breaks."""

    def __init__(self, pack: DomainPack) -> None:
        self.pack = pack
        self.field_phrases = phrase_pattern([p for f in pack.fields for p in [*f.triggers, *f.labels] if " " in p])
        self.noun_kinds: dict[str, set[str]] = {}
        self.role: dict[str, str] = {}
        for kind, spec in pack.kinds.items():
            for noun, role in [*((n, "noun") for n in spec.nouns), *((n, "plural") for n in spec.plurals),
                               *((n, "part") for n in spec.parts)]:
                self.noun_kinds.setdefault(noun.lower(), set()).add(kind)
                self.role.setdefault(noun.lower(), role)
        self.noun_re = phrase_pattern([*self.noun_kinds, *PRONOUNS])
        self.clause_re = re.compile("|".join(re.escape(b.lower()) for b in pack.clause_breaks)) \
            if pack.clause_breaks else None

    def mentions(self, text: str, folded: str, start: int, end: int, hits: list[Hit],
                 carried: tuple[str, str] | None) -> list[Mention]:
        """Every mention in `text[start:end]`, anaphors resolved, in text order."""
        named = [self._named(h, folded, end) for h in hits if h.kind in ("entity", "other")]
        taken = [(h.start, h.end) for h in hits] + [(m.start, m.end) for m in named]
        if self.field_phrases is not None:
            taken += [(m.start(), m.end()) for m in self.field_phrases.finditer(folded, start, end)]
        generic = self._generic(text, folded, start, end, taken, named)
        ordered = sorted(named + generic, key=lambda m: (m.start, m.end))
        return self._resolve(ordered, carried)

    def _named(self, hit: Hit, folded: str, end: int) -> Mention:
        """A name, extended over a following kind noun ("the ISSA-J1 satellite")."""
        kind = self.pack.entity_by_id[hit.entity].kind if hit.kind == "entity" else None
        stop = hit.end
        word = _WORD.match(folded, hit.end + 1, end) if folded[hit.end:hit.end + 1] == " " else None
        if word and word.group(0) in self.noun_kinds and (kind is None or kind in self.noun_kinds[word.group(0)]):
            stop = word.end()
        if hit.kind == "entity":
            return Mention(hit.start, stop, hit.entity, kind, "alias")
        return Mention(hit.start, stop, None, None, "named-other")

    def _generic(self, text: str, folded: str, start: int, end: int,
                 taken: list[tuple[int, int]], named: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        if self.noun_re is None:
            return out
        for match in self.noun_re.finditer(folded, start, end):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            mention = self._classify(text, folded, start, match, named)
            if mention is not None:
                out.append(mention)
        return out

    def _classify(self, text: str, folded: str, start: int, match: re.Match[str],
                  named: list[Mention]) -> Mention | None:
        word, s, e = match.group(0), match.start(), match.end()
        if word in PRONOUNS:
            return Mention(s, e, None, None, "anaphor")
        role = self.role.get(word, "noun")
        if role == "plural":
            return Mention(s, e, None, None, "other")
        det, det_start = _determiner(folded, start, s)
        if det in DEFINITE:
            return Mention(s, e, None, "|".join(sorted(self.noun_kinds[word])), "anaphor")
        if role == "part":
            return None
        if det in INDEFINITE:
            head = named_before(named, folded, det_start)
            if head is not None:
                return Mention(s, e, head.entity, head.kind, "apposition")
            return Mention(s, e, None, None, "other")
        if text[s:s + 1].isupper() and _capitalised_before(text, start, s):
            return Mention(s, e, None, None, "named-other")
        return None

    def _resolve(self, mentions: list[Mention], carried: tuple[str, str] | None) -> list[Mention]:
        out: list[Mention] = []
        for m in mentions:
            if m.via != "anaphor":
                out.append(m)
                continue
            kinds = set(m.kind.split("|")) if m.kind else None
            target = next((p for p in reversed(out) if p.via in ("alias", "apposition") and p.entity
                           and (kinds is None or p.kind in kinds)), None)
            if target is not None:
                out.append(Mention(m.start, m.end, target.entity, target.kind, "anaphor"))
            elif carried is not None and (kinds is None or carried[1] in kinds):
                out.append(Mention(m.start, m.end, carried[0], carried[1], "carried"))
        return out

    def clause_starts(self, folded: str, start: int, end: int) -> list[int]:
        """Offsets where a new clause begins inside `folded[start:end]`."""
        if self.clause_re is None:
            return []
        return [m.start() for m in self.clause_re.finditer(folded, start, end)]


def named_before(named: list[Mention], folded: str, at: int) -> Mention | None:
    """The name that ends right before `, ` at `at` (an appositive: "Chandrayaan-5, a lunar mission")."""
    for m in named:
        if m.entity and folded[m.end:at].strip() == ",":
            return m
    return None


def _determiner(folded: str, start: int, at: int) -> tuple[str | None, int]:
    """The nearest determiner among the three words before `at`, stopping at punctuation."""
    window_start = max(start, at - 60)
    stop = max((m.end() for m in _STOP_SCAN.finditer(folded, window_start, at)), default=window_start)
    words = list(_WORD.finditer(folded, stop, at))[-3:]
    for word in reversed(words):
        if word.group(0) in DEFINITE or word.group(0) in INDEFINITE:
            return word.group(0), word.start()
    return None, at


def _capitalised_before(text: str, start: int, at: int) -> bool:
    words = list(_WORD.finditer(text, max(start, at - 40), at))
    return bool(words) and words[-1].group(0)[:1].isupper() and words[-1].end() >= at - 2


# Prepositions that bring in another participant: "by 2040, with LUPEX among the precursors".
PREPOSITIONS = frozenset({"with", "among", "like", "including", "as", "than", "besides", "beyond", "unlike",
                          "after", "before", "alongside"})


def governor(mentions: list[Mention], clause_starts: list[int], start: int, end: int,
             folded: str) -> Mention | None:
    """The mention that governs a value at `[start, end)`.

    In the value's clause: the nearest mention before it, else the nearest after it that is not
    the object of a preposition ("by 2040, with LUPEX among…" is not LUPEX's date). A clause that
    names nothing takes the nearest mention of an earlier clause, else the entity the sentence
    refers back to.
    """
    clause = bisect.bisect_right(clause_starts, start)
    lo = clause_starts[clause - 1] if clause else -1
    hi = clause_starts[clause] if clause < len(clause_starts) else 1 << 62
    inside = [m for m in mentions if lo <= m.start < hi]
    if inside:
        before = [m for m in inside if m.end <= start]
        if before:
            return max(before, key=lambda m: m.end)
        after = [m for m in inside if m.start >= end and _word_before(folded, m.start) not in PREPOSITIONS]
        return min(after, key=lambda m: m.start) if after else None
    before = [m for m in mentions if m.end <= start]
    if before:
        return max(before, key=lambda m: m.end)
    return next((m for m in mentions if m.via == "carried"), None)


def _word_before(folded: str, at: int) -> str:
    words = _WORD.findall(folded, max(0, at - 30), at)
    return words[-1] if words else ""
