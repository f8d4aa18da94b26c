"""Extraction: the claims one source states, each with its evidence and the rule that found it.

Per source: one alias automaton pass over the folded text, then sentence by sentence, only
where a tracked entity is named or referred back to: values are found (dates, quantities,
catalogue refs), each is attributed to its governing mention (see `discourse`), and tied to a
field by the nearest cue the pack gives for that field.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from claims.dates import DateMatch, find_dates
from claims.discourse import Discourse, Mention, governor
from claims.factbox import may_hold_rows, split_row
from claims.mentions import AliasMatcher, Hit, phrase_pattern
from claims.pack import DomainPack, FieldSpec, FieldType
from claims.quantities import QuantityMatch, find_quantities
from claims.roles import RoleBinder
from claims.segment import Block, Sentence, block_spans, fold, split_sentences
from claims.spans import WORD, words_between
from claims.values import Claim, DateValue, Evidence, RefValue, TypedValue, keyed_claim, value_key
from sources import Source

_PUNCTUATION = re.compile(r"[,;:()\[\]]")
_NEGATION = re.compile(r"\b(?:not|never|no longer|won't|wouldn't|isn't|aren't|cannot)\s+(?:\w+\s+)?$")
# Anything a value can start with: a digit, a number word, or a word of a relative date.
_VALUE_WORDS = ("one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
                "sixty hundred dozen half decade year month spring summer autumn fall winter quarter week fortnight")
# (The lookahead names every first character: a position that holds none fails at once.)
_VALUE_HINT = re.compile(rf"(?=[\d{''.join(sorted({w[0] for w in _VALUE_WORDS.split()}))}])"
                         rf"(?:\d|\b(?:{'|'.join(_VALUE_WORDS.split())}))")
_UNTIL = re.compile(r"\buntil\b")
_PARTITIVE = re.compile(r"\s+of\s+(?:the|its|their|all)\b")


@dataclass(frozen=True, slots=True)
class Found:
    """A value found in a sentence, before attribution."""

    start: int
    end: int
    kind: str                              # "date", "quantity", "ref"
    date: DateMatch | None = None
    quantity: QuantityMatch | None = None
    hit: Hit | None = None


@dataclass(frozen=True, slots=True)
class Decided:
    entity: str
    field: FieldSpec
    value: TypedValue
    found: Found
    form: str


class Extractor:
    """Compiled matchers for one domain pack; `extract` is a pure function of a source."""

    def __init__(self, pack: DomainPack) -> None:
        self.pack = pack
        self.names = AliasMatcher(pack, names=True)
        self.refs = AliasMatcher(pack, names=False)
        self.discourse = Discourse(pack)
        self.roles = RoleBinder.for_fields(pack.fields)
        self.triggers = self.roles.triggers
        self.excluded_after = self.roles.excluded_after
        quantity_triggers = [t for f in pack.fields if f.type == "quantity" for t in f.triggers]
        self.objects = phrase_pattern([*pack.object_nouns, *quantity_triggers])
        self.blockers = phrase_pattern(pack.date_blockers)
        self.targets = phrase_pattern(pack.date_target_words)
        self.label_fields: dict[str, FieldSpec] = {}   # a fact-box key: the first field with that label
        for field in pack.fields:
            for label in field.labels:
                self.label_fields.setdefault(label.lower(), field)
        self.fields_of = {(kind, field_type): [f for f in pack.fields_for(kind) if f.type == field_type]
                          for kind in pack.kinds for field_type in {f.type for f in pack.fields}}
        self.quantity_kinds = {kind for f in pack.fields if f.type == "quantity" for kind in f.applies_to}

    # -- one source ---------------------------------------------------------------------------
    def extract(self, source: Source) -> list[Claim]:
        """Every claim `source` states, sorted by position, entity and field."""
        text = source.text
        folded = fold(text)
        names = self.names.find(folded, text)
        name_starts = [h.start for h in names]
        claims: dict[str, Claim] = {}
        current: tuple[str, str] | None = None
        current_block = -1
        for index, (start, end) in enumerate(block_spans(text)):
            lo, hi = bisect.bisect_left(name_starts, start), bisect.bisect_left(name_starts, end)
            if lo == hi and not (current is not None and may_hold_rows(text, start, end)):
                continue    # most of an article names nothing the pack knows: never split into sentences
            hits = _merge(names[lo:hi], self.refs.find(folded, text, start, end))
            for sentence, sentence_hits in _by_sentence(split_sentences(text, Block(start, end, index)), hits):
                current, current_block = self._read(source, text, folded, sentence, sentence_hits,
                                                    current, current_block, claims)
        return sorted(claims.values(), key=lambda c: (c.evidence.start, c.entity, c.field, c.claim_id))

    def _read(self, source: Source, text: str, folded: str, sentence: Sentence, sentence_hits: list[Hit],
              current: tuple[str, str] | None, current_block: int,
              claims: dict[str, Claim]) -> tuple[tuple[str, str] | None, int]:
        """Read one sentence: add its claims, and return the entity later sentences may refer back to."""
        carried = current if current_block == sentence.block else None
        decided = self._fact_row(source, text, folded, sentence, sentence_hits, current)
        if decided is None:
            if not self._worth_reading(folded, sentence, sentence_hits, carried):
                return self._named_last(sentence_hits, current, current_block, sentence)
            mentions = self.discourse.mentions(text, folded, sentence.start, sentence.end,
                                               sentence_hits, carried)
            decided = self._sentence(source, text, folded, sentence, sentence_hits, mentions)
            current, current_block = _update_current(mentions, current, current_block, sentence.block)
        for d, key in _prune(decided, self.pack):
            claim = self._claim(source, text, sentence, d, key)
            claims.setdefault(claim.claim_id, claim)
        return current, current_block

    def _worth_reading(self, folded: str, sentence: Sentence, hits: list[Hit],
                       carried: tuple[str, str] | None) -> bool:
        """Whether a sentence can state a claim: it names or refers back to an entity, and holds a value."""
        if not any(h.kind == "entity" for h in hits):
            if carried is None or self.discourse.noun_re is None or \
                    self.discourse.noun_re.search(folded, sentence.start, sentence.end) is None:
                return False
        return any(h.kind == "ref" for h in hits) or \
            _VALUE_HINT.search(folded, sentence.start, sentence.end) is not None

    def _named_last(self, hits: list[Hit], current: tuple[str, str] | None, block: int,
                    sentence: Sentence) -> tuple[tuple[str, str] | None, int]:
        """The entity later sentences may refer back to, from a sentence read no further."""
        named = [h for h in hits if h.kind in ("entity", "other")]
        if not named:
            return current, block
        last = named[-1]
        if last.kind == "other":
            return None, sentence.block
        return (last.entity, self.pack.entity_by_id[last.entity].kind), sentence.block

    def _claim(self, source: Source, text: str, sentence: Sentence, d: Decided, key: str) -> Claim:
        line = source.line_offset + 1 + sentence.line_index  # a sentence never spans lines
        evidence = Evidence(quote=text[sentence.start:sentence.end], start=d.found.start, end=d.found.end, line=line)
        value = d.value
        if isinstance(value, RefValue):  # the words as written, not their folded (lower-case) form
            value = RefValue(id=value.id, text=text[d.found.start:d.found.end])
        return keyed_claim(key, source_id=source.id, entity=d.entity, field=d.field.id, value=value,
                           evidence=evidence, rule=f"{d.field.id}.{d.form}.v1")

    # -- prose sentences -----------------------------------------------------------------------
    def _sentence(self, source: Source, text: str, folded: str, sentence: Sentence,
                  hits: list[Hit], mentions: list[Mention]) -> list[Decided]:
        if not any(m.entity for m in mentions):
            return []
        found = self._values(source, text, sentence, hits, mentions)
        clauses = self.discourse.clause_starts(folded, sentence.start, sentence.end)
        out: list[Decided] = []
        governed: list[tuple[str, Found]] = []
        for value in found:
            head = governor(mentions, clauses, value.start, value.end, folded)
            if head is None or head.entity is None:
                continue
            governed.append((head.entity, value))
            decided = self._decide(folded, sentence, hits, clauses, value, head)
            if decided is not None:
                out.append(decided)
        return self._within_period(out, governed)

    def _values(self, source: Source, text: str, sentence: Sentence, hits: list[Hit],
                mentions: list[Mention]) -> list[Found]:
        chunk = text[sentence.start:sentence.end]
        names = [(h.start, h.end) for h in hits if h.kind != "ref"] + \
                [(m.start, m.end) for m in mentions if m.via in ("alias", "named-other")]
        out: list[Found] = [Found(h.start, h.end, "ref", hit=h) for h in hits if h.kind == "ref"]
        taken = [(h.start, h.end) for h in hits] + names
        for d in find_dates(chunk, anchor=source.published, fiscal_start_month=self.pack.fiscal_year_start_month):
            s, e = sentence.start + d.start, sentence.start + d.end
            if not _overlaps(s, e, taken):
                out.append(Found(s, e, "date", date=d))
        # Only an entity of a kind with a quantity field can take one: skip the search otherwise.
        if any(m.entity and m.kind in self.quantity_kinds for m in mentions):
            dates = [(f.start, f.end) for f in out if f.kind == "date"]
            for q in find_quantities(chunk):
                s, e = sentence.start + q.start, sentence.start + q.end
                if not _overlaps(s, e, taken) and not _overlaps(s, e, dates):
                    out.append(Found(s, e, "quantity", quantity=q))
        return sorted(out, key=lambda f: (f.start, f.end))

    def _decide(self, folded: str, sentence: Sentence, hits: list[Hit], clauses: list[int],
                value: Found, head: Mention) -> Decided | None:
        kind = head.kind or ""
        lo, hi = _clause_bounds(clauses, value.start, sentence)
        if value.kind == "date" and value.date is not None:
            return self._date_field(folded, lo, hi, value, head, kind)
        if value.kind == "quantity" and value.quantity is not None:
            return self._quantity_field(folded, lo, hi, value, head, kind)
        if value.hit is not None:
            return self._ref_field(folded, lo, hi, hits, value, head, kind)
        return None

    def _date_field(self, folded: str, lo: int, hi: int, value: Found, head: Mention, kind: str) -> Decided | None:
        assert value.date is not None and head.entity is not None
        best: tuple[tuple[bool, int], FieldSpec] | None = None
        for field in self._fields(kind, "date"):
            for match in self._live_triggers(field, folded, lo, hi):
                if _NEGATION.search(folded, max(lo, match.start() - 24), match.start()) and \
                        not _UNTIL.search(folded, match.end(), value.start):
                    return None
                rank = _rank(folded, match, value)
                if rank[1] <= field.window and (best is None or rank < best[0]):
                    best = (rank, field)
        blocker = _nearest(self.blockers, folded, lo, hi, value.start, value.end)
        if best is not None:
            if blocker is not None and blocker < best[0][1]:
                return None
            field = best[1]
        else:
            default = self.pack.kinds[kind].default_date_field
            if default is None or (blocker is not None and blocker <= 4):
                return None
            if kind != "event" and not (value.date.target or self._target_before(folded, lo, value.start)):
                return None
            field = self.pack.field_by_id[default]
        form = value.date.rule.split(".")[1] if value.date.rule.count(".") >= 2 else "date"
        return Decided(head.entity, field, value.date.value, value, form)

    def _fields(self, kind: str, field_type: FieldType) -> list[FieldSpec]:
        """The fields of `field_type` that apply to `kind`, in pack order."""
        return self.fields_of.get((kind, field_type), [])

    def _live_triggers(self, field: FieldSpec, folded: str, lo: int, hi: int) -> list[re.Match[str]]:
        """The field's trigger words in `[lo, hi)`, less those about something else ("launched a report")."""
        pattern = self.triggers[field.id]
        if pattern is None:
            return []
        excluded = self.excluded_after[field.id]
        out = []
        for match in pattern.finditer(folded, lo, hi):
            after = " ".join(WORD.findall(folded, match.end(), min(hi, match.end() + 40))[:3])
            if excluded is not None and excluded.search(after):
                continue
            out.append(match)
        return out

    def _target_before(self, folded: str, lo: int, at: int) -> bool:
        """A target word in the five words before `at`: "slated for", "due in", "on track for"."""
        if self.targets is None:
            return False
        words = list(WORD.finditer(folded, max(lo, at - 60), at))[-5:]
        return bool(words) and self.targets.search(folded, words[0].start(), at) is not None

    def _quantity_field(self, folded: str, lo: int, hi: int, value: Found, head: Mention,
                        kind: str) -> Decided | None:
        assert value.quantity is not None and head.entity is not None
        for field in self._fields(kind, "quantity"):
            if field.unit is None:
                continue
            typed = value.quantity.to(field.unit)
            if typed is None or (field.unit == "1" and _PARTITIVE.match(folded, value.end)):
                continue
            if self._heads(field, folded, hi, value) or self._nearest_object(field, folded, lo, hi, value):
                form = value.quantity.rule.split(".")[1] if value.quantity.rule.count(".") >= 2 else "quantity"
                return Decided(head.entity, field, typed, value, form)
        return None

    def _heads(self, field: FieldSpec, folded: str, hi: int, value: Found) -> bool:
        """The quantity modifies the field's noun right after it: "a 350-kg rover", "500 hexagonal segments"."""
        own = self.triggers[field.id]
        match = own.search(folded, value.end, hi) if own is not None else None
        if match is None or words_between(folded, value.end, match.start()) > field.window:
            return False
        between = folded[value.end:match.start()]
        if _PUNCTUATION.search(between):
            return False
        other = self.objects.search(folded, value.end, match.start()) if self.objects is not None else None
        return other is None

    def _nearest_object(self, field: FieldSpec, folded: str, lo: int, hi: int, value: Found) -> bool:
        """The field's trigger is nearer to the quantity than any other object noun."""
        own = _nearest(self.triggers[field.id], folded, lo, hi, value.start, value.end)
        other = _nearest(self.objects, folded, lo, hi, value.start, value.end, exclude=self.triggers[field.id])
        return own is not None and own <= field.window and (other is None or own < other)

    def _ref_field(self, folded: str, lo: int, hi: int, hits: list[Hit], value: Found, head: Mention,
                   kind: str) -> Decided | None:
        assert value.hit is not None and head.entity is not None
        text = folded[value.start:value.end]
        for field in self._fields(kind, "ref"):
            ref_id = next((i for c, i in value.hit.refs if c == field.catalogue), None)
            if ref_id is None:
                continue
            typed = RefValue(id=ref_id, text=text)
            if field.triggers:
                if self.roles.bound(folded, lo, hi, hits, value, field):
                    return Decided(head.entity, field, typed, value, "role")
            elif field.cue_before:
                if self.roles.cued(folded, lo, value, field):
                    return Decided(head.entity, field, typed, value, "cue")
            else:
                return Decided(head.entity, field, typed, value, "catalogue")
        return None

    def _within_period(self, decided: list[Decided], governed: list[tuple[str, Found]]) -> list[Decided]:
        """Drop what a sentence says of an event with a period when it dates that event elsewhere.

        "The 2018 India-Japan Annual Summit, in Tokyo": neither 2018 nor Tokyo is the 2025 summit's.
        """
        outside = {entity for entity, f in governed
                   if f.date is not None and f.date.value.start is not None
                   and (period := self.pack.entity_by_id[entity].period) is not None
                   and not _in_period(f.date.value, period)}
        return [d for d in decided if d.entity not in outside]

    # -- fact boxes ----------------------------------------------------------------------------
    def _fact_row(self, source: Source, text: str, folded: str, sentence: Sentence, hits: list[Hit],
                  current: tuple[str, str] | None) -> list[Decided] | None:
        """`Key | Value` (or `Key: Value` with a known key) rows of a fact box, else None."""
        row = split_row(text, sentence.start, sentence.end)
        if row is None:
            return None
        (ks, ke), (vs, ve) = row
        key_hits = [h for h in hits if ks <= h.start and h.end <= ke and h.kind == "entity"]
        key = folded[ks:ke]
        for h in key_hits:
            key = key.replace(folded[h.start:h.end], " ")
        key = " ".join(key.replace("'s", " ").split())
        field = self.label_fields.get(key)
        if field is None:
            return None
        if key_hits:
            entity = key_hits[0].entity
            kind = self.pack.entity_by_id[entity].kind
        elif current is not None:
            entity, kind = current
        else:
            return []
        if kind not in field.applies_to:
            return []
        value = self._row_value(source, text, vs, ve, hits, field)
        return [Decided(entity, field, value[0], value[1], "fact-box")] if value else []

    def _row_value(self, source: Source, text: str, vs: int, ve: int, hits: list[Hit],
                   field: FieldSpec) -> tuple[TypedValue, Found] | None:
        chunk = text[vs:ve]
        if field.type == "date":
            for d in find_dates(chunk, anchor=source.published, fiscal_start_month=self.pack.fiscal_year_start_month):
                return d.value, Found(vs + d.start, vs + d.end, "date", date=d)
        if field.type == "quantity" and field.unit:
            for q in find_quantities(chunk):
                typed = q.to(field.unit)
                if typed is not None:
                    return typed, Found(vs + q.start, vs + q.end, "quantity", quantity=q)
        if field.type == "ref":
            for h in hits:
                if vs <= h.start and h.end <= ve and h.kind == "ref":
                    ref_id = next((i for c, i in h.refs if c == field.catalogue), None)
                    if ref_id is not None:
                        return RefValue(id=ref_id, text=text[h.start:h.end]), Found(h.start, h.end, "ref", hit=h)
        return None


# -- helpers ---------------------------------------------------------------------------------
def _merge(names: list[Hit], refs: list[Hit]) -> list[Hit]:
    """Names and refs in text order; a ref inside a name is part of the name ("H3" in no name, but
    "Japan" in "Japan-India Space Dialogue")."""
    kept = [r for r in refs if not any(n.start < r.end and r.start < n.end for n in names)]
    return sorted(names + kept, key=lambda h: (h.start, h.end))


def _by_sentence(sentences: list[Sentence], hits: list[Hit]) -> Iterator[tuple[Sentence, list[Hit]]]:
    """Each sentence with the hits that lie inside it."""
    starts = [h.start for h in hits]
    for sentence in sentences:
        lo, hi = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
        yield sentence, [h for h in hits[lo:hi] if h.end <= sentence.end]


def _overlaps(s: int, e: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a < e and s < b for a, b in spans)


def _clause_bounds(clauses: list[int], at: int, sentence: Sentence) -> tuple[int, int]:
    i = bisect.bisect_right(clauses, at)
    lo = clauses[i - 1] if i else sentence.start
    hi = clauses[i] if i < len(clauses) else sentence.end
    return lo, hi


def _nearest(pattern: re.Pattern[str] | None, folded: str, lo: int, hi: int, start: int, end: int,
             exclude: re.Pattern[str] | None = None) -> int | None:
    """Words between the value and the nearest match of `pattern` in `[lo, hi)`, or None."""
    if pattern is None:
        return None
    best: int | None = None
    for match in pattern.finditer(folded, lo, hi):
        if match.start() < end and start < match.end():
            continue
        if exclude is not None and exclude.fullmatch(match.group(0)):
            continue
        distance = words_between(folded, match.end(), start) if match.end() <= start \
            else words_between(folded, end, match.start())
        if best is None or distance < best:
            best = distance
    return best


def _rank(folded: str, match: re.Match[str], value: Found) -> tuple[bool, int]:
    """How near a trigger is to a value: same phrase first (no punctuation between), then words."""
    a, b = (match.end(), value.start) if match.end() <= value.start else (value.end, match.start())
    return bool(_PUNCTUATION.search(folded, a, b)), words_between(folded, a, b)


def _in_period(value: DateValue, period: str) -> bool:
    year = int(period[:4])
    start, end = value.start, value.end
    return (start is None or start.year <= year) and (end is None or end.year >= year)


def _update_current(mentions: list[Mention], current: tuple[str, str] | None, block: int,
                    sentence_block: int) -> tuple[tuple[str, str] | None, int]:
    """The entity later sentences may refer back to: the last one named here."""
    named = [m for m in mentions if m.via in ("alias", "named-other")]
    if named:
        last = named[-1]
        return ((last.entity, last.kind) if last.entity and last.kind else None), sentence_block
    if any(m.via == "carried" for m in mentions):
        return current, sentence_block
    return current, block


def _prune(decided: list[Decided], pack: DomainPack) -> list[tuple[Decided, str]]:
    """One claim per (entity, field, value) in a sentence, with its value key; a ref whose
    descendant is also named goes."""
    seen: dict[tuple[str, str, str], Decided] = {}
    for d in decided:
        seen.setdefault((d.entity, d.field.id, value_key(d.value)), d)
    out = []
    for (_, _, key), d in seen.items():
        if isinstance(d.value, RefValue) and d.field.catalogue:
            ref_id = d.value.id
            finer = [o for o in seen.values() if o.entity == d.entity and o.field.id == d.field.id and
                     isinstance(o.value, RefValue) and o.value.id != ref_id and
                     ref_id in pack.lineage(d.field.catalogue, o.value.id)]
            if finer:
                continue
        out.append((d, key))
    return out


_EXTRACTORS: dict[int, tuple[DomainPack, Extractor]] = {}


def extractor_for(pack: DomainPack) -> Extractor:
    """The compiled extractor for `pack`, built once per pack object."""
    entry = _EXTRACTORS.get(id(pack))
    if entry is None or entry[0] is not pack:
        entry = (pack, Extractor(pack))
        _EXTRACTORS[id(pack)] = entry
    return entry[1]


def extract_claims(source: Source, pack: DomainPack) -> list[Claim]:
    """Every claim `source` states under `pack`, in text order."""
    return extractor_for(pack).extract(source)
