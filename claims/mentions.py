"""Matchers built from a domain pack: aliases (one Aho–Corasick automaton) and cue phrases.

Every matcher runs on folded text (see `segment.fold`), so offsets are those of the source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from claims.pack import DomainPack, expand_alias
from claims.segment import fold

HitKind = Literal["entity", "other", "ref"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A name found in the text: a tracked entity, an untracked object, or catalogue refs."""

    start: int
    end: int
    kind: HitKind
    entity: str = ""
    refs: tuple[tuple[str, str], ...] = ()      # (catalogue, id) pairs a ref alias can stand for


@dataclass(frozen=True, slots=True)
class _Payload:
    kind: HitKind
    entity: str
    ref: tuple[str, str] | None
    exact: str | None           # acronyms must match as written (folded dashes only)
    length: int


class AliasMatcher:
    """Aliases of a pack in one automaton; `find` returns leftmost-longest whole-word hits.

    `names=True` holds the names of objects (tracked entities and untracked ones), `names=False`
    the catalogue refs: names are rare and searched everywhere, refs only where names are.
    """

    def __init__(self, pack: DomainPack, *, names: bool = True) -> None:
        table: dict[str, list[_Payload]] = {}
        if names:
            for entity in pack.entities:
                for alias in (a for t in entity.aliases for a in expand_alias(t)):
                    self._add(table, alias, "entity", entity.id, None)
            for name in pack.others:
                for alias in expand_alias(name):
                    self._add(table, alias, "other", "", None)
        else:
            for catalogue, entries in sorted(pack.catalogues.items()):
                for entry in entries:
                    for alias in entry.aliases or [entry.id]:
                        self._add(table, alias, "ref", "", (catalogue, entry.id))
        self._automaton = ahocorasick.Automaton()
        for key, payloads in table.items():
            self._automaton.add_word(key, _entry(tuple(payloads)))
        if table:
            self._automaton.make_automaton()
        self._empty = not table

    @staticmethod
    def _add(table: dict[str, list[_Payload]], alias: str, kind: HitKind, entity: str,
             ref: tuple[str, str] | None) -> None:
        alias = alias.strip()
        if not alias:
            return
        exact = fold(alias).upper() if not any(c.islower() for c in alias) else None
        key = fold(alias)
        payload = _Payload(kind, entity, ref, alias.translate(str.maketrans("\u2013\u2014", "--")) if exact else None,
                           len(key))
        bucket = table.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)

    def find(self, folded: str, original: str, start: int = 0, end: int | None = None) -> list[Hit]:
        """Hits in `folded[start:end]`, leftmost-longest, not overlapping, whole words only."""
        end = len(folded) if end is None else end
        if self._empty:
            return []
        found: list[tuple[int, int, _Entry]] = []
        # The automaton is given a slice, not `(folded, start, end)`: with bounds it still copies
        # the whole string on every call, which made a search per block quadratic in the text.
        for last_in_slice, entry in self._automaton.iter(folded[start:end]):
            last = start + last_in_slice
            first = last - entry.length + 1
            if first > start and folded[first - 1].isalnum() and folded[first].isalnum():
                continue
            if last + 1 < end and folded[last + 1].isalnum() and folded[last].isalnum():
                continue
            if entry.exact:
                written = original[first:last + 1].translate(_DASHES)
                kept = tuple(p for p in entry.payloads if p.exact is None or written == p.exact)
                if not kept:
                    continue
                entry = entry if kept == entry.payloads else _entry(kept)
            found.append((first, last + 1, entry))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        hits: list[Hit] = []
        cursor = start
        for first, stop, entry in found:
            if first < cursor:
                continue
            hits.append(Hit(first, stop, entry.kind, entry.entity, entry.refs))
            cursor = stop
        return hits


_DASHES = str.maketrans("\u2010\u2011\u2012\u2013\u2014", "-----")


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the automaton holds for a key: its payloads, their length, and the hit they make."""

    payloads: tuple[_Payload, ...]
    length: int
    exact: bool                 # some payload is an acronym, to check as written
    kind: HitKind
    entity: str
    refs: tuple[tuple[str, str], ...]


def _entry(payloads: tuple[_Payload, ...]) -> _Entry:
    """The entry for payloads: a tracked entity's name wins, then an untracked object's, else refs."""
    exact = any(p.exact is not None for p in payloads)
    for kind in ("entity", "other"):
        for p in payloads:
            if p.kind == kind:
                return _Entry(payloads, payloads[0].length, exact, kind, p.entity, ())
    refs = tuple(p.ref for p in payloads if p.ref is not None)
    return _Entry(payloads, payloads[0].length, exact, "ref", "", refs)


def phrase_pattern(phrases: list[str] | set[str]) -> re.Pattern[str] | None:
    """One regex that finds any of `phrases` as whole words in folded text, longest first."""
    cleaned = sorted({fold(p.strip()) for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    if not cleaned:
        return None
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in cleaned)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])")
