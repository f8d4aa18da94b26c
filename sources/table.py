"""A corpus's sources, each kept as JSON until something reads it as a model.

A warm run takes nearly every source from the run index, and a check reads of most of them only
their id and publication date: decoding ten thousand `Source` models was a tenth of a warm
check. A `SourceTable` keeps each source either as a model or as its JSON with its id and
publication date beside it (`EncodedSource`), and decodes a source the first time it is read.
It is a `Sequence[Source]`: indexing and iteration give models, in the order the sources came.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple, overload

from sources.models import Published, Source


class EncodedSource(NamedTuple):
    """One source as JSON (`Source.model_dump_json`), with what is read of every source beside it."""

    id: str
    published: Published | None
    source_json: bytes

    @classmethod
    def of(cls, source: Source) -> EncodedSource:
        return cls(source.id, source.published, source.model_dump_json(exclude_none=True).encode("utf-8"))


class SourceTable(Sequence[Source]):
    """Sources in the order given, each decoded when first read."""

    def __init__(self, sources: Iterable[Source | EncodedSource] = ()) -> None:
        self._items: list[Source | EncodedSource] = list(sources)
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Source: ...
    @overload
    def __getitem__(self, index: slice) -> list[Source]: ...
    def __getitem__(self, index: int | slice) -> Source | list[Source]:
        if isinstance(index, slice):
            return [self._decoded(i) for i in range(len(self._items))[index]]
        return self._decoded(range(len(self._items))[index])  # a range checks and wraps the index

    def __iter__(self) -> Iterator[Source]:
        return map(self._decoded, range(len(self._items)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (SourceTable, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by content

    def __repr__(self) -> str:
        return f"SourceTable({len(self)} sources)"

    def published(self) -> dict[str, Published | None]:
        """Every source's publication date by id, without decoding any."""
        return {item.id: item.published for item in self._items}

    def by_id(self) -> Mapping[str, Source]:
        """The sources by id (the last of equal ids, as a dict of them would), decoded as they are looked up."""
        return _ById(self)

    def _id_positions(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {item.id: position for position, item in enumerate(self._items)}
        return self._positions

    def _decoded(self, position: int) -> Source:
        item = self._items[position]
        if isinstance(item, EncodedSource):
            item = self._items[position] = Source.model_validate_json(item.source_json)
        return item


def published_by_id(sources: Sequence[Source]) -> dict[str, Published | None]:
    """Each source's publication date by id; a `SourceTable` decodes none of its sources for it."""
    if isinstance(sources, SourceTable):
        return sources.published()
    return {s.id: s.published for s in sources}


def sources_by_id(sources: Sequence[Source]) -> Mapping[str, Source]:
    """The sources by id; a `SourceTable`'s are decoded as they are looked up."""
    if isinstance(sources, SourceTable):
        return sources.by_id()
    return {s.id: s for s in sources}


class _ById(Mapping[str, Source]):
    def __init__(self, table: SourceTable) -> None:
        self._table = table

    def __getitem__(self, source_id: str) -> Source:
        return self._table._decoded(self._table._id_positions()[source_id])

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._table._id_positions()

    def __iter__(self) -> Iterator[str]:
        return iter(self._table._id_positions())

    def __len__(self) -> int:
        return len(self._table._id_positions())
