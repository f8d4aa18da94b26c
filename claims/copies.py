"""Copy detection for articles: sources whose sentences are nearly all the same text.

Each source becomes a set of shingles, its sentences (case-folded, punctuation dropped), summarised
by a MinHash signature: 64 hash functions over the sentences' CRC-32 hashes, in numpy, no scipy.
Sentences rather than word n-grams keep this a small fraction of extraction's cost, and a copy
that changes a word loses one sentence of dozens.
Locality-sensitive hashing over bands proposes candidate pairs; a pair whose estimated Jaccard
similarity reaches the threshold is a copy, and copies form clusters (connected components).
Sources that copy each other then count once when claims are weighed.
"""
from __future__ import annotations

import string
import zlib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from claims.segment import lower_ascii
from sources import Source

# A copy signature: `signature_of`'s tuple, or the same words as a numpy array (as kept on disk).
Signature = Sequence[int] | np.ndarray

MIN_WORDS = 4
# Estimated Jaccard similarity of sentence sets from which two articles count as copies.
COPY_THRESHOLD = 0.5
PERMUTATIONS = 64
BANDS = 32  # 32 bands of 2 rows: pairs above ~0.3 similarity nearly always become candidates
_END = b"\x00"


def _byte_classes() -> bytes:
    """A `bytes.translate` table: sentence ends become _END, other ASCII punctuation a space."""
    table = bytearray(range(256))
    for char in string.punctuation.replace("_", ""):
        table[ord(char)] = ord(" ")
    for char in ".!?\x00":
        table[ord(char)] = _END[0]
    return bytes(table)


_BYTE_CLASSES = _byte_classes()
# Typographic quotes, dashes and the ellipsis, which `translate` cannot see (several bytes each).
_UNICODE_PUNCTUATION = {char: char.encode("utf-8") for char in "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0"}
_PRIME = 4_294_967_311  # the first prime above 2³²: a·x + b stays below 2⁶⁴ for 32-bit a, x, b
_PRIME_U64 = np.uint64(_PRIME)
_COEFFICIENTS = np.random.default_rng(20251121).integers(1, 1 << 32, size=(2, 256), dtype=np.uint64)


def shingle_text(text: str, *, min_words: int = MIN_WORDS) -> set[bytes]:
    """The text's sentences, case-folded, with punctuation dropped and spaces collapsed (UTF-8).

    Sentences end at `.`, `!`, `?` and blank lines; those shorter than `min_words` words
    (captions, "Comments", bylines, the pieces of "U.S.") are left out. The work is done by
    byte-level `translate`/`split` over the whole text, a few times faster than a regex
    pass per sentence: copy detection must stay a small part of extraction's cost.
    """
    data = _casefolded_utf8(text)
    data = data.translate(_BYTE_CLASSES).replace(b"\n\n", _END)
    # Whitespace collapsed once over the whole text, then cut at sentence ends: the same words
    # as splitting each sentence, without a list of words per sentence.
    sentences = map(bytes.strip, b" ".join(data.split()).split(_END))
    return {s for s in sentences if (s.count(b" ") + 1 if s else 0) >= min_words}


def _casefolded_utf8(text: str) -> bytes:
    """`text.casefold()` in UTF-8, with the typographic marks made spaces."""
    cased = lower_ascii(text, str.casefold)
    if cased is None:  # a character with a case beyond ASCII, or a lone surrogate (written "?")
        return _casefolded_slowly(text)
    data, wide = cased
    for char in wide.intersection(_UNICODE_PUNCTUATION):
        data = data.replace(_UNICODE_PUNCTUATION[char], b" ")
    return data


def _casefolded_slowly(text: str) -> bytes:
    data = text.casefold().encode("utf-8", "replace")
    for mark in _UNICODE_PUNCTUATION.values():
        data = data.replace(mark, b" ")
    return data


def minhash(shingles: Iterable[bytes], *, permutations: int = PERMUTATIONS) -> tuple[int, ...]:
    """The MinHash signature of a set: per hash function, the smallest value over the set.

    Each shingle is hashed once (CRC-32, so signatures never depend on PYTHONHASHSEED); the
    `permutations` functions are `(a·x + b) mod p` over those hashes, computed with numpy.
    """
    hashes = np.fromiter(map(zlib.crc32, shingles), dtype=np.uint64)
    if hashes.size == 0:
        return tuple([_PRIME] * permutations)
    a, b = _COEFFICIENTS[0][:permutations, None], _COEFFICIENTS[1][:permutations, None]
    return tuple(((a * hashes + b) % _PRIME_U64).min(axis=1).tolist())


def signature_of(text: str) -> tuple[int, ...] | None:
    """The MinHash signature of a text's shingles, or None for a text without words."""
    shingles = shingle_text(text)
    return minhash(shingles) if shingles else None


def estimate_similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """The estimated Jaccard similarity of two sets from their signatures."""
    return sum(x == y for x, y in zip(a, b)) / len(a) if a else 0.0


def detect_copies(sources: Sequence[Source], *, threshold: float = COPY_THRESHOLD) -> list[list[str]]:
    """Clusters (two or more source ids, sorted) of sources whose texts are near-identical.

    >>> detect_copies([])
    []
    """
    signatures = {s.id: sig for s in sources if (sig := signature_of(s.text)) is not None}
    return cluster_copies(signatures, threshold=threshold)


def cluster_copies(signatures: Mapping[str, Signature], *, threshold: float = COPY_THRESHOLD) -> list[list[str]]:
    """Clusters of source ids whose signatures say their texts are near-identical.

    Locality-sensitive hashing: sources that share a whole band of their signature fall in one
    bucket, and each member of a bucket is compared with the bucket's first member only, so a
    thousand copies of one wire story cost a thousand comparisons per band, not half a million.
    Bucketing and comparisons are numpy over all sources at once; only accepted pairs are joined
    one by one.
    """
    ordered = sorted(signatures)
    if len(ordered) < 2:
        return []
    matrix = np.array([signatures[source_id] for source_id in ordered], dtype=np.uint64)
    first, other = _candidate_pairs(matrix)
    similar = (matrix[first] == matrix[other]).mean(axis=1) >= threshold
    parent = list(range(len(ordered)))
    for a, b in zip(first[similar].tolist(), other[similar].tolist()):
        root_a, root_b = _find(parent, a), _find(parent, b)
        parent[max(root_a, root_b)] = min(root_a, root_b)
    clusters: dict[int, list[str]] = {}
    for index, source_id in enumerate(ordered):
        clusters.setdefault(_find(parent, index), []).append(source_id)
    return sorted(c for c in clusters.values() if len(c) > 1)


def _candidate_pairs(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first member, other member) row indices of every LSH bucket with two or more rows, unique.

    A band's key folds its values into one 64-bit number; two bands that collide only add a
    candidate, which the similarity test then rejects.
    """
    rows = matrix.shape[1] // BANDS
    firsts, others = [], []
    for band in range(BANDS):
        key = np.zeros(len(matrix), dtype=np.uint64)
        for column in range(band * rows, (band + 1) * rows):
            key = key * _PRIME_U64 + matrix[:, column]  # wraps modulo 2⁶⁴: collisions are only candidates
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        run = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        members = np.arange(len(order)) != run
        firsts.append(order[run[members]])
        others.append(order[members])
    pairs = np.unique(np.concatenate(firsts) * len(matrix) + np.concatenate(others))
    return pairs // len(matrix), pairs % len(matrix)


def _find(parent: list[int], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node
