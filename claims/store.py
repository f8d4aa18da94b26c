"""A corpus's claims, each source's kept as JSON until something needs them as models.

A warm run takes most sources' claims from the run index, and a check after a one-file edit
prints a few dozen of the corpus's claims; decoding all of them into models was most of its
time. Reconciliation needs only a few columns of each claim (id, source, entity, field, value
key, value, offset): a `ClaimStore` keeps each source's claims either as models or as their
JSON with those columns beside it (`EncodedClaims`: the ids, and the labels as integer codes
that are the same in every process and run), hands reconciliation the columns, and decodes a
source's claims the first time one of them is asked for.

Iteration gives the claims in `claim_order` (source, offset, entity, field, id), the order
every report lists them in.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import heapq
import itertools
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, overload

import numpy as np
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


@functools.lru_cache(maxsize=1 << 16)  # a corpus repeats its entities, fields and values: hash each once
def label_code(label: str) -> int:
    """The code of an entity, field or value-key label: 63 bits of its BLAKE2b hash, the same in
    every process and run, so rows coded anywhere (a worker, the run index) can be put together."""
    return int.from_bytes(hashlib.blake2b(label.encode("utf-8"), digest_size=8).digest(), "little") >> 1


class LabelClash(ValueError):
    """Two labels with one code: never seen (a 63-bit hash); rows are not mixed up if it happens."""


def merge_labels(into: dict[int, str], labels: Iterable[tuple[int, str]]) -> None:
    """Add the (code, label) pairs to `into`; LabelClash when a code stands for two labels."""
    for code, label in labels:
        if into.setdefault(code, label) != label:
            raise LabelClash(f"labels {into[code]!r} and {label!r} have the same code {code}")


class Coded(NamedTuple):
    """A column of labels as their codes (an int64 array) and the labels by code."""

    codes: np.ndarray
    labels: Mapping[int, str]


class EncodedClaims(NamedTuple):
    """One source's claims as JSON (a list of `Claim`) and as the columns reconciliation reads,
    both in claim order: plain data, cheap to keep and to send between processes.

    The columns are the claim ids and an (n, 4) int64 array: the codes (`label_code`) of each
    claim's entity, field and value key (`value_key`: equal keys, equal values), and the value's
    offset. `labels` gives the label of each code (it may hold more)."""

    claims_json: bytes
    claim_ids: list[str]
    codes: np.ndarray
    labels: Mapping[int, str]

    @classmethod
    def of(cls, claims: Sequence[Claim]) -> EncodedClaims:
        ordered = sorted(claims, key=claim_order)
        return cls(_CLAIMS.dump_json(ordered, exclude_none=True), *_columns(ordered))


_ENTITY, _FIELD, _KEY, _START = range(4)  # the columns of a codes array


def _columns(ordered: Sequence[Claim]) -> tuple[list[str], np.ndarray, dict[int, str]]:
    """The claim ids, codes array and labels of claims in claim order (see `EncodedClaims`)."""
    texts = [(c.entity, c.field, value_key(c.value)) for c in ordered]
    code = {text: label_code(text) for text in {text for row in texts for text in row}}
    labels: dict[int, str] = {}
    merge_labels(labels, ((found, text) for text, found in code.items()))
    rows = [(code[entity], code[field], code[key], c.evidence.start) for (entity, field, key), c in zip(texts, ordered)]
    return [c.claim_id for c in ordered], np.array(rows, dtype=np.int64).reshape(len(rows), 4), labels


class _Part:
    """One source's claims, their ids and codes, in claim order: models, or JSON decoded on first use."""

    def __init__(self, source_id: str, claim_ids: list[str], codes: np.ndarray, labels: Mapping[int, str],
                 claims: list[Claim] | None, claims_json: bytes = b"") -> None:
        self.source_id = source_id
        self.claim_ids = claim_ids
        self.codes = codes
        self.labels = labels
        self._claims = claims
        self._json = claims_json

    @classmethod
    def of(cls, source_id: str, claims: Sequence[Claim]) -> _Part:
        ordered = sorted(claims, key=claim_order)
        return cls(source_id, *_columns(ordered), ordered)

    def claims(self) -> list[Claim]:
        """The claims as models, in the order of `claim_ids`."""
        if self._claims is None:
            self._claims = _CLAIMS.validate_json(self._json)
            self._json = b""
        return self._claims


class _Flat(NamedTuple):
    """The store's claims end to end in claim order: a claim's place here is its position."""

    claim_ids: list[str]
    codes: np.ndarray  # (n, 4): see `EncodedClaims`
    labels: dict[int, str]
    source_ids: list[str]  # of each claim
    starts: list[int]  # the position of each part's first claim, parts in source-id order
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

    def add_encoded(self, source_id: str, encoded: EncodedClaims, *, models: Sequence[Claim] | None = None) -> None:
        """Add one source's claims as JSON (from `EncodedClaims.of`), decoded when first needed;
        or kept as `models` when given (the same claims: the JSON is then not kept)."""
        if models is None:
            self._put(_Part(source_id, encoded.claim_ids, encoded.codes, encoded.labels, None, encoded.claims_json))
        else:
            self._put(_Part(source_id, encoded.claim_ids, encoded.codes, encoded.labels, sorted(models, key=claim_order)))

    def _put(self, part: _Part) -> None:
        known = self._parts.get(part.source_id)
        if known is not None:  # two files with one source id: one part, in claim order
            part = _Part.of(part.source_id, known.claims() + part.claims())
        self._parts[part.source_id] = part
        self._flat = None

    def __len__(self) -> int:
        return sum(len(part.claim_ids) for part in self._parts.values())

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
        entity, field, _, start = flat.codes[position].tolist()
        return ClaimOrder(flat.source_ids[position], start, flat.labels[entity], flat.labels[field], claim_id)

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
        """`reconcile_frame`'s columns for the claims of `fields`: claim and source ids as lists,
        entity, field and key as `Coded` columns; the `value` column decodes only the claims whose
        values are taken from it (`take`)."""
        flat = self._flattened()
        claim_ids, codes, source_ids = flat.claim_ids, flat.codes, flat.source_ids
        positions: Sequence[int] = range(len(claim_ids))
        field_codes = np.unique(codes[:, _FIELD]).tolist()
        unwanted = [code for code in field_codes if flat.labels[code] not in fields]
        if unwanted:
            chosen = np.flatnonzero(~np.isin(codes[:, _FIELD], unwanted))
            positions = chosen.tolist()
            claim_ids, codes, source_ids = [claim_ids[i] for i in positions], codes[chosen], [source_ids[i] for i in positions]
        return {"claim_id": claim_ids, "source_id": source_ids, "entity": Coded(codes[:, _ENTITY], flat.labels),
                "field": Coded(codes[:, _FIELD], flat.labels), "key": Coded(codes[:, _KEY], flat.labels),
                "value": _Values(self, positions), "evidence_start": codes[:, _START]}

    def _flattened(self) -> _Flat:
        if self._flat is None:
            parts = [self._parts[s] for s in sorted(self._parts)]
            claim_ids = list(itertools.chain.from_iterable(part.claim_ids for part in parts))
            labels: dict[int, str] = {}
            for shared in {id(part.labels): part.labels for part in parts}.values():  # the run index's parts share one
                merge_labels(labels, shared.items())
            codes = np.concatenate([part.codes for part in parts]) if parts else np.empty((0, 4), dtype=np.int64)
            starts = list(itertools.accumulate((len(part.claim_ids) for part in parts[:-1]), initial=0))
            source_ids = list(itertools.chain.from_iterable(itertools.repeat(part.source_id, len(part.claim_ids))
                                                            for part in parts))
            self._flat = _Flat(claim_ids, codes, labels, source_ids, starts, parts,
                               dict(zip(claim_ids, range(len(claim_ids)))))
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
