"""The source table: sources kept as JSON read back as the same models, decoded only when read."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from sources import EncodedSource, Published, SourceTable, load_corpus, published_by_id, sources_by_id

SAMPLE = load_corpus(None).sources


def _unreadable(source_id: str, published: Published | None) -> EncodedSource:
    """An encoded source whose JSON fails to decode: reading it as a model raises."""
    return EncodedSource(source_id, published, b'{"id": 1}')


def test_encoded_sources_read_back_as_the_same_models_in_the_order_given() -> None:
    mixed = [EncodedSource.of(s) if i % 2 else s for i, s in enumerate(SAMPLE)]
    table = SourceTable(mixed)
    assert len(table) == len(SAMPLE) and list(table) == SAMPLE and table == SAMPLE
    assert table[1] == SAMPLE[1] and table[-1] == SAMPLE[-1] and table[1:3] == SAMPLE[1:3]
    with pytest.raises(IndexError):
        table[len(SAMPLE)]


def test_ids_and_publication_dates_are_read_without_decoding_any_source() -> None:
    dated = Published(date="2025-03-01", precision="month")
    table = SourceTable([_unreadable("a", dated), _unreadable("b", None)])
    assert published_by_id(table) == {"a": dated, "b": None}
    by_id = sources_by_id(table)
    assert list(by_id) == ["a", "b"] and "b" in by_id and "c" not in by_id and len(by_id) == 2
    with pytest.raises(ValidationError):  # only now is a source decoded
        by_id["a"]


def test_lookups_by_id_decode_only_the_source_asked_for() -> None:
    table = SourceTable([_unreadable("a", None), EncodedSource.of(SAMPLE[0])])
    assert sources_by_id(table)[SAMPLE[0].id] == SAMPLE[0]


def test_a_plain_list_gives_the_same_lookups() -> None:
    assert published_by_id(SAMPLE) == published_by_id(SourceTable(map(EncodedSource.of, SAMPLE)))
    assert dict(sources_by_id(SAMPLE)) == dict(sources_by_id(SourceTable(map(EncodedSource.of, SAMPLE))))
