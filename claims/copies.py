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

import zlib
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from sources import Source

MIN_WORDS = 4
# Estimated Jaccard similarity of sentence sets from which two articles count as copies.
COPY_THRESHOLD = 0.5
PERMUTATIONS = 64
BANDS = 32  # 32 bands of 2 rows: pairs above ~0.3 similarity nearly always become candidates
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_WORD = re.compile(r"\w+")
_PRIME = 4_294_967_311  # the first prime above 2³²: a·x + b stays below 2⁶⁴ for 32-bit a, x, b
_COEFFICIENTS = np.random.default_rng(20251121).integers(1, 1 << 32, size=(2, 256), dtype=np.uint64)


def shingle_text(text: str, *, min_words: int = MIN_WORDS) -> set[str]:
    """The text's sentences, case-folded with punctuation dropped; sentences shorter than
    `min_words` words (captions, "Comments", bylines) are left out."""
    out: set[str] = set()
    for sentence in _SENTENCE.split(text):
        words = _WORD.findall(sentence.casefold())
        if len(words) >= min_words:
            out.add(" ".join(words))
    return out


def minhash(shingles: Iterable[str], *, permutations: int = PERMUTATIONS) -> tuple[int, ...]:
    """The MinHash signature of a set: per hash function, the smallest value over the set.

    Each shingle is hashed once (CRC-32, so signatures never depend on PYTHONHASHSEED); the
    `permutations` functions are `(a·x + b) mod p` over those hashes, computed with numpy.
    """
    hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64)
    if hashes.size == 0:
        return tuple([_PRIME] * permutations)
    a, b = _COEFFICIENTS[0][:permutations, None], _COEFFICIENTS[1][:permutations, None]
    return tuple(int(v) for v in ((a * hashes[None, :] + b) % np.uint64(_PRIME)).min(axis=1))


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


def cluster_copies(signatures: Mapping[str, tuple[int, ...]], *, threshold: float = COPY_THRESHOLD) -> list[list[str]]:
    """Clusters of source ids whose signatures say their texts are near-identical.

    Locality-sensitive hashing: sources that share a whole band of their signature fall in one
    bucket, and each member of a bucket is compared with the bucket's first member only, so a
    thousand copies of one wire story cost a thousand comparisons per band, not half a million.
    """
    rows = PERMUTATIONS // BANDS
    parent = {source_id: source_id for source_id in signatures}
    ordered = sorted(signatures)
    for band in range(BANDS):
        buckets: dict[tuple[int, ...], list[str]] = {}
        for source_id in ordered:
            buckets.setdefault(signatures[source_id][band * rows:(band + 1) * rows], []).append(source_id)
        for first, *others in (m for m in buckets.values() if len(m) > 1):
            for other in others:
                if _find(parent, first) != _find(parent, other) and \
                        estimate_similarity(signatures[first], signatures[other]) >= threshold:
                    root_a, root_b = _find(parent, first), _find(parent, other)
                    parent[max(root_a, root_b)] = min(root_a, root_b)
    clusters: dict[str, list[str]] = {}
    for source_id in ordered:
        clusters.setdefault(_find(parent, source_id), []).append(source_id)
    return sorted(sorted(c) for c in clusters.values() if len(c) > 1)


def _find(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node
