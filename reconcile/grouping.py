"""Grouping of claims held as columns: the distinct values of each (entity, field), with the
sources that state each value and its claim ids, in numpy passes over the rows.

The rows are sorted once, by (distinct value, claim id), so each distinct value's claim ids come
out sorted by slicing one list, with no sort per value. numpy sorts integers far faster than
strings, so the claim ids enter that sort as an integer prefix of their bytes; the few rows
whose prefixes tie (none, for hash-like ids) are then put in order by the whole id in Python.
Each value's sources are the distinct (value, source) pairs, and its representative (the claim
with the smallest source id, evidence offset and claim id) is found by masked minimums: no
Python work per claim beyond taking its id.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from claims import Coded, TypedValue

_ID_PREFIX = "S8"  # the first 8 bytes of an ASCII claim id, zero-padded
_NO_OFFSET = np.iinfo(np.int64).max


class Distinct(NamedTuple):
    """One distinct value of a finding while it is being decided (a tuple: made 10⁵ times)."""

    key: str
    value: TypedValue
    sources: list[str]
    claim_ids: list[str]


def group_columns(columns: Mapping[str, Any]) -> dict[tuple[str, str], list[Distinct]]:
    """The distinct values of each (entity, field): representative value, sorted sources and claim ids.

    `columns` are those of `findings.FRAME_COLUMNS`, as lists or pandas Series, or `Coded` labels
    (`value` may also be a column that decodes on `take`).
    """
    if len(columns["claim_id"]) == 0:
        return {}
    entity, entities = _codes(columns["entity"])
    field, fields = _codes(columns["field"])
    key, keys = _codes(columns["key"])
    # Sorted source codes make each distinct value's sources come in source-id order.
    source, sources = _codes(columns["source_id"], sort=True)
    group = _group_codes(entity, len(fields), field, len(keys), key)
    n_groups = int(group.max()) + 1
    claim_ids = _objects(columns["claim_id"])
    order = _claim_order(claim_ids, group, n_groups)
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    best = order[_representatives(source[order], _integers(columns["evidence_start"])[order], starts)]
    source_pairs = _distinct_integers(group * len(sources) + source)
    pair_bounds = np.searchsorted(source_pairs // len(sources), np.arange(n_groups + 1)).tolist()
    pair_sources = sources[source_pairs % len(sources)].tolist()
    bounds = starts.tolist() + [len(order)]
    names = zip(entities[entity[best]].tolist(), fields[field[best]].tolist(), keys[key[best]].tolist(),
                _take(columns["value"], best))
    out: dict[tuple[str, str], list[Distinct]] = {}
    for i, (entity_id, field_id, value_key, value) in enumerate(names):
        # One small gather per value: each id is touched once, while it is in the cache.
        ids = claim_ids[order[bounds[i]:bounds[i + 1]]].tolist()
        sources_ = pair_sources[pair_bounds[i]:pair_bounds[i + 1]]
        out.setdefault((entity_id, field_id), []).append(Distinct(value_key, value, sources_, ids))
    return out


def _codes(column: Any, *, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and the distinct labels they stand for; `sort` orders the labels (codes follow).

    Factorising hashes rather than sorts; sorting, when asked, touches only the distinct labels.
    """
    found: tuple[Any, Any]
    if isinstance(column, Coded):  # labels already numbered (`ClaimStore.columns`): make the numbers dense
        distinct, inverse = np.unique(column.codes, return_inverse=True)
        found = inverse.reshape(-1), [column.labels[code] for code in distinct.tolist()]
    elif isinstance(column, list):
        found = _factorise_list(column)
    else:  # a pandas Series (`reconcile_frame`): its hash table, or a categorical's own codes
        import pandas as pd

        found = pd.factorize(column)
    codes, labels = np.asarray(found[0], dtype=np.int64), np.asarray(found[1], dtype=object)
    if sort:
        rank = np.argsort(labels.astype(str), kind="stable")
        labels, codes = labels[rank], np.argsort(rank)[codes]
    return codes, labels


def _factorise_list(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """`pd.factorize` for a list: a dict numbers the labels in order of first appearance, and
    each value is mapped through it in C. Leaving pandas out of the list path keeps it out of the
    command line's start-up (half a second)."""
    labels = list(dict.fromkeys(values))
    number = {label: code for code, label in enumerate(labels)}
    return np.fromiter(map(number.__getitem__, values), dtype=np.int64, count=len(values)), labels


def _group_codes(entity: np.ndarray, n_fields: int, field: np.ndarray, n_keys: int, key: np.ndarray) -> np.ndarray:
    """One code per distinct (entity, field, key), 0 … n-1.

    One numbering of the combined code when it fits in int64; else two, each of a product
    below n², which cannot overflow.
    """
    if (int(entity.max()) + 1) * n_fields * n_keys < 2**63:
        return _dense((entity * n_fields + field) * n_keys + key)
    return _dense(_dense(entity * n_fields + field) * n_keys + key)


def _dense(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the distinct values (equal values, equal codes): 0 … n-1."""
    return np.unique(values, return_inverse=True)[1].astype(np.int64).reshape(-1)


def _claim_order(claim_ids: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """The row order by (group, claim id), rows with equal ids in input order; groups are 0..n_groups-1.

    One integer sort on the group in the high bits and an id prefix in the low bits; ties of that
    key are sorted by the whole id. The prefix never orders two ids against their true order
    (`_id_prefix`), so the result is exactly that of sorting by (group, id).
    """
    group_bits = max(1, (n_groups - 1).bit_length())  # below 64: groups are fewer than rows
    sort_key = (group.astype(np.uint64) << np.uint64(64 - group_bits)) | (_id_prefix(claim_ids) >> np.uint64(group_bits))
    order = np.argsort(sort_key, kind="stable")
    sorted_key = sort_key[order]
    edges = np.diff(np.r_[False, sorted_key[1:] == sorted_key[:-1], False].astype(np.int8))
    for first, last in zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()):
        tied = order[first:last + 1].tolist()  # in input order: the sort is stable, and so is this one
        order[first:last + 1] = sorted(tied, key=claim_ids.__getitem__)
    return order


def _id_prefix(claim_ids: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each id, zero-padded, as an unsigned big-endian integer.

    For ASCII ids, byte order is code-point order and cutting or zero-padding keeps `a <= b`,
    so the prefix of a smaller id is never larger. Other ids all get prefix 0: every row ties,
    and the ids are sorted in full.
    """
    try:
        return claim_ids.astype(_ID_PREFIX).view(">u8").astype(np.uint64)
    except UnicodeEncodeError:
        return np.zeros(len(claim_ids), dtype=np.uint64)


def _distinct_integers(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (`np.unique` by a sort: its hash table is slower on 10⁶ rows)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]]


def _representatives(source: np.ndarray, offset: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per run of rows from each start, the position of the row with the smallest (source, offset).

    Rows within a run are in claim-id order, so the first such row also has the smallest claim id.
    """
    sizes = np.diff(np.r_[starts, len(source)])
    candidate = source == np.repeat(np.minimum.reduceat(source, starts), sizes)
    offset = np.where(candidate, offset, _NO_OFFSET)
    candidate &= offset == np.repeat(np.minimum.reduceat(offset, starts), sizes)
    position = np.where(candidate, np.arange(len(source)), len(source))
    return np.asarray(np.minimum.reduceat(position, starts), dtype=np.int64)


def _objects(column: Any) -> np.ndarray:
    """A column as a numpy array of Python objects."""
    return np.asarray(column, dtype=object)


def _integers(column: Any) -> np.ndarray:
    return np.asarray(column, dtype=np.int64)


def _take(column: Any, rows: np.ndarray) -> list[Any]:
    """The items of a column at `rows`, as a list."""
    if isinstance(column, list):  # never np.asarray a list of models: numpy probes each for __array__
        return [column[i] for i in rows.tolist()]
    if hasattr(column, "take"):  # a pandas Series, or a column that decodes what it gives (`ClaimStore.columns`)
        return list(column.take(rows.tolist()))
    return list(np.asarray(column, dtype=object)[rows].tolist())
