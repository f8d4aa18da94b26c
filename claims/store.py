"""A corpus's claims, each source's kept as JSON until something needs them as models.

A warm run takes most sources' claims from the run index, and a check after a one-file edit
prints a few dozen of the corpus's claims; decoding all of them into models was most of its
time. Reconciliation needs only a few columns of each claim (id, source, entity, field, value
key, value, offset): a `ClaimStore` keeps each source's claims either as models or as their
JSON with those columns beside it (`ClaimRow`s), hands reconciliation the columns, and decodes
a source's claims the first time one of them is asked for.

Iteration gives the claims in `claim_order` (source, offset, entity, field, id), the order
every report lists them in.
"""
from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, overload

from pydantic import TypeAdapter

from claims.values import Claim, TypedValue, value_key

_CLAIMS = TypeAdapter(list[Claim])


class ClaimOrder(NamedTuple):
    """Where a claim sorts: its source, the offset of its value, its entity, field and id."""

    source_id: str
    start: int
    entity: str
    field: str
    claim_id: str


def claim_order(claim: Claim) -> ClaimOrder:
    """The order claims are listed in: source, position in it, entity, field, id."""
    return ClaimOrder(claim.source_id, claim.evidence.start, claim.entity, claim.field, claim.claim_id)


class ClaimRow(NamedTuple):
    """What reconciliation reads of one claim besides its value, without decoding it: id, entity,
    field, the value's key (`value_key`: equal keys, equal values) and the value's offset."""

    claim_id: str
    entity: str
    field: str
    key: str
    start: int

    @classmethod
    def of(cls, claim: Claim) -> ClaimRow:
        return cls(claim.claim_id, claim.entity, claim.field, value_key(claim.value), claim.evidence.start)


class EncodedClaims(NamedTuple):
    """One source's claims as JSON (a list of `Claim`) and their rows, both in claim order: plain
    data, cheap to keep and to send between processes."""

    claims_json: bytes
    rows: list[ClaimRow]

    @classmethod
    def of(cls, claims: Sequence[Claim]) -> EncodedClaims:
        ordered = sorted(claims, key=claim_order)
        return cls(_CLAIMS.dump_json(ordered, exclude_none=True), [ClaimRow.of(c) for c in ordered])


class _Part:
    """One source's claims and their rows, in claim order: models, or JSON decoded on first use."""

    def __init__(self, source_id: str, rows: list[ClaimRow], claims: list[Claim] | None,
                 claims_json: bytes = b"") -> None:
        self.source_id = source_id
        self.rows = rows
        self._claims = claims
        self._json = claims_json

    @classmethod
    def of(cls, source_id: str, claims: Sequence[Claim]) -> _Part:
        ordered = sorted(claims, key=claim_order)
        return cls(source_id, [ClaimRow.of(c) for c in ordered], ordered)

    def claims(self) -> list[Claim]:
        """The claims as models, in the order of `rows`."""
        if self._claims is None:
            self._claims = _CLAIMS.validate_json(self._json)
            self._json = b""
        return self._claims


class _Flat(NamedTuple):
    """The store's rows end to end in claim order: a claim's place here is its position."""

    rows: list[ClaimRow]
    source_ids: list[str]  # of each row
    starts: list[int]  # the position of each part's first row, parts in source-id order
    parts: list[_Part]
    positions: dict[str, int]  # claim id → position


class ClaimStore(Sequence[Claim]):
    """The claims of a corpus by source, in `claim_order`; each source's decoded when first needed.

    Add each source's claims once (`add` or `add_encoded`); a second batch for the same source
    id joins the first. Lookups go through each claim's position in claim order, so ranking
    claims compares integers and only the claims returned are decoded.
    """

    def __init__(self, claims: Iterable[Claim] = ()) -> None:
        self._parts: dict[str, _Part] = {}
        self._flat: _Flat | None = None
        by_source: dict[str, list[Claim]] = {}
        for claim in claims:
            by_source.setdefault(claim.source_id, []).append(claim)
        for source_id, group in by_source.items():
            self.add(source_id, group)

    def add(self, source_id: str, claims: Sequence[Claim]) -> None:
        """Add one source's claims as models."""
        self._put(_Part.of(source_id, claims))

    def add_encoded(self, source_id: str, encoded: EncodedClaims) -> None:
        """Add one source's claims as JSON (from `EncodedClaims.of`), decoded when first needed."""
        self._put(_Part(source_id, encoded.rows, None, encoded.claims_json))

    def _put(self, part: _Part) -> None:
        known = self._parts.get(part.source_id)
        if known is not None:  # two files with one source id: one part, in claim order
            part = _Part.of(part.source_id, known.claims() + part.claims())
        self._parts[part.source_id] = part
        self._flat = None

    def __len__(self) -> int:
        return sum(len(part.rows) for part in self._parts.values())

    def __iter__(self) -> Iterator[Claim]:
        for part in self._flattened().parts:
            yield from part.claims()

    @overload
    def __getitem__(self, index: int) -> Claim: ...
    @overload
    def __getitem__(self, index: slice) -> list[Claim]: ...
    def __getitem__(self, index: int | slice) -> Claim | list[Claim]:
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (ClaimStore, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by content

    def __repr__(self) -> str:
        return f"ClaimStore({len(self)} claims from {len(self._parts)} sources)"

    def get(self, claim_id: str) -> Claim | None:
        """The claim with this id (decoding its source's claims), or None."""
        position = self._flattened().positions.get(claim_id)
        return None if position is None else self._claim_at(position)

    def order_of(self, claim_id: str) -> ClaimOrder | None:
        """Where the claim sorts (`claim_order`), without decoding it; None for an unknown id."""
        flat = self._flattened()
        position = flat.positions.get(claim_id)
        if position is None:
            return None
        row = flat.rows[position]
        return ClaimOrder(flat.source_ids[position], row.start, row.entity, row.field, row.claim_id)

    def count(self, claim_ids: Iterable[str]) -> int:
        """How many of `claim_ids` are claims of this store."""
        return sum(map(self._flattened().positions.__contains__, claim_ids))

    def first(self, claim_ids: Iterable[str], n: int, *, rank: Callable[[str], Any] | None = None) -> list[Claim]:
        """The `n` claims among `claim_ids` that come first in claim order, or by `rank` of their
        source id and then claim order; only those are decoded, and unknown ids are left out."""
        flat = self._flattened()
        found = [p for c in claim_ids if (p := flat.positions.get(c)) is not None]
        if rank is None:
            chosen = heapq.nsmallest(n, found)
        else:
            source_ids = flat.source_ids
            chosen = heapq.nsmallest(n, found, key=lambda p: (rank(source_ids[p]), p))
        return [self._claim_at(p) for p in chosen]

    def by_id(self) -> Mapping[str, Claim]:
        """The claims by id, decoded as they are looked up."""
        return _ById(self)

    def columns(self, fields: Container[str]) -> dict[str, Any]:
        """`reconcile_frame`'s columns for the claims of `fields`, as lists; the `value` column
        decodes only the claims whose values are taken from it (`take`)."""
        flat = self._flattened()
        rows, source_ids = flat.rows, flat.source_ids
        positions: Sequence[int] = range(len(rows))
        if not all(row.field in fields for row in rows):
            positions = [i for i, row in enumerate(rows) if row.field in fields]
            rows, source_ids = [rows[i] for i in positions], [source_ids[i] for i in positions]
        claim_ids, entities, field_ids, keys, starts = (list(c) for c in zip(*rows)) if rows else ([], [], [], [], [])
        return {"claim_id": claim_ids, "source_id": source_ids, "entity": entities, "field": field_ids,
                "key": keys, "value": _Values(self, positions), "evidence_start": starts}

    def _flattened(self) -> _Flat:
        if self._flat is None:
            parts = [self._parts[s] for s in sorted(self._parts)]
            rows = [row for part in parts for row in part.rows]
            starts = list(itertools.accumulate((len(part.rows) for part in parts[:-1]), initial=0))
            self._flat = _Flat(rows, [part.source_id for part in parts for _ in part.rows], starts, parts,
                               dict(zip([row.claim_id for row in rows], range(len(rows)))))
        return self._flat

    def _claim_at(self, position: int) -> Claim:
        flat = self._flattened()
        part = bisect.bisect_right(flat.starts, position) - 1
        return flat.parts[part].claims()[position - flat.starts[part]]


class _ById(Mapping[str, Claim]):
    def __init__(self, store: ClaimStore) -> None:
        self._store = store

    def __getitem__(self, claim_id: str) -> Claim:
        claim = self._store.get(claim_id)
        if claim is None:
            raise KeyError(claim_id)
        return claim

    def __contains__(self, claim_id: object) -> bool:
        return isinstance(claim_id, str) and claim_id in self._store._flattened().positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._store._flattened().positions)

    def __len__(self) -> int:
        return len(self._store._flattened().positions)


class _Values:
    """The value column of a store's claims: `take` decodes the claims it gives the values of."""

    def __init__(self, store: ClaimStore, positions: Sequence[int]) -> None:
        self._store = store
        self._positions = positions  # of the column's rows in the store

    def __len__(self) -> int:
        return len(self._positions)

    def take(self, rows: Iterable[int]) -> list[TypedValue]:
        return [self._store._claim_at(self._positions[i]).value for i in rows]
