"""Columnar grouping, held to grouping by the definition: sorted sources and ids, the first claim."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import RefValue, value_key
from reconcile.findings import FRAME_COLUMNS
from reconcile.grouping import Distinct, _factorise_list, _group_codes, group_columns

# Ids that share long prefixes, differ only past 8 bytes or in case, or are not ASCII, so the
# integer prefix ties and the full ids must decide; hash-like ids never tie.
CLAIM_IDS = st.one_of(
    st.sampled_from(["a", "ab", "abcdefgh", "abcdefghi", "abcdefghj", "abcdefgh\x00", "ABCDEFGHI", "0", "~", ""]),
    st.text(alphabet="ab", max_size=10),
    st.text(max_size=12),
    st.integers(0, 2**64 - 1).map(lambda x: f"{x:016x}"),
)
ROW = st.tuples(CLAIM_IDS, st.sampled_from(["s1", "s2", "s10", "t"]), st.sampled_from(["e1", "e2"]),
                st.sampled_from(["launch_vehicle", "launch_site"]), st.sampled_from(["h3", "pslv", "h3-24l"]),
                st.integers(0, 3))


def _columns(rows: list[tuple[str, str, str, str, str, int]]) -> dict[str, list[Any]]:
    values = [RefValue(id=ref, text=f"{ref}#{i}") for i, (_, _, _, _, ref, _) in enumerate(rows)]
    return {"claim_id": [r[0] for r in rows], "source_id": [r[1] for r in rows], "entity": [r[2] for r in rows],
            "field": [r[3] for r in rows], "key": [value_key(v) for v in values], "value": values,
            "evidence_start": [r[5] for r in rows]}


def _reference(columns: dict[str, list[Any]]) -> dict[tuple[str, str], list[Distinct]]:
    """The grouping by its definition: per value, sorted sources and ids, and the claim with the
    smallest (source id, offset, claim id), the first in input order among equals."""
    rows = sorted(range(len(columns["claim_id"])), key=lambda i: (columns["source_id"][i],
                                                                  columns["evidence_start"][i],
                                                                  columns["claim_id"][i], i))
    out: dict[tuple[str, str], dict[str, Distinct]] = {}
    for i in rows:
        by_key = out.setdefault((columns["entity"][i], columns["field"][i]), {})
        key = columns["key"][i]
        if key not in by_key:
            by_key[key] = Distinct(key, columns["value"][i], [], [])
        if columns["source_id"][i] not in by_key[key].sources:
            by_key[key].sources.append(columns["source_id"][i])
        by_key[key].claim_ids.append(columns["claim_id"][i])
    return {pair: [d._replace(claim_ids=sorted(d.claim_ids)) for d in by_key.values()] for pair, by_key in out.items()}


def _canonical(groups: dict[tuple[str, str], list[Distinct]]) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """Groups compared with the value's text (which claim represents it) and without list order."""
    return {pair: sorted((d.key, d.value.text, d.sources, d.claim_ids) for d in distinct)
            for pair, distinct in groups.items()}


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=40))
def test_group_columns_matches_grouping_by_definition(rows: list[tuple[str, str, str, str, str, int]]) -> None:
    columns = _columns(rows)
    assert _canonical(group_columns(columns)) == _canonical(_reference(columns))


@pytest.mark.parametrize("rows", [
    [("b", "s1", "e1", "launch_vehicle", "h3", 0), ("a", "s1", "e1", "launch_vehicle", "h3", 0)],
    [("abcdefghz", "s1", "e1", "launch_vehicle", "h3", 0), ("abcdefgha", "s1", "e1", "launch_vehicle", "h3", 0)],
    [("é", "s1", "e1", "launch_vehicle", "h3", 1), ("e", "s1", "e1", "launch_vehicle", "h3", 1)],
    [("x", "s1", "e1", "launch_vehicle", "h3", 1), ("x", "s1", "e1", "launch_vehicle", "h3", 1)],
])
def test_group_columns_sorts_ids_whose_prefixes_tie(rows: list[tuple[str, str, str, str, str, int]]) -> None:
    columns = _columns(rows)
    assert _canonical(group_columns(columns)) == _canonical(_reference(columns))


def test_group_columns_takes_series_as_lists() -> None:
    rows = [("c", "s2", "e1", "launch_site", "h3", 2), ("a", "s1", "e1", "launch_site", "pslv", 1),
            ("b", "s1", "e1", "launch_site", "h3", 0)]
    columns = _columns(rows)
    frame = pd.DataFrame(columns, columns=list(FRAME_COLUMNS)).astype({"source_id": "category", "key": "category"})
    assert _canonical(group_columns({name: frame[name] for name in FRAME_COLUMNS})) == \
        _canonical(group_columns(columns))


def test_group_codes_are_the_same_with_one_factorisation_or_two() -> None:
    entity, field, key = np.array([0, 1, 0, 0, 1]), np.array([0, 0, 1, 0, 0]), np.array([2, 2, 0, 2, 1])
    combined = _group_codes(entity, 2, field, 3, key)
    in_two_steps = _group_codes(entity, 2, field, 2**61, key)  # 2 · 2 · 2⁶¹ keys would overflow int64
    # (entity, field, key) = (0,0,2) (1,0,2) (0,1,0) (0,0,2) (1,0,1): ranked in that order of the triples
    assert combined.tolist() == in_two_steps.tolist() == [0, 3, 1, 0, 2]


@given(st.lists(st.sampled_from(["a", "b", "é", "", "key-1", "key-10"]), max_size=40))
def test_factorising_a_list_numbers_labels_as_pandas_does(values: list[str]) -> None:
    codes, labels = _factorise_list(values)
    expected_codes, expected_labels = pd.factorize(np.asarray(values, dtype=object))
    assert codes.tolist() == expected_codes.tolist() and labels == list(expected_labels)
