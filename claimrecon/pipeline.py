"""The composition of the stages: corpus → claims → findings → reviews → report data.

Extraction is a pure function of (source, pack), so it is cached per source and spread over
processes; everything after it works on claims alone.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from claims import Claim, DomainPack, extract_claims, load_pack
from reconcile import ReportData, apply_reviews, attach_suggestions, estimate_truth, load_reviews, reconcile_claims
from sources import InputError, Problem, Source, iter_corpus, sample_corpus

from claimrecon.cache import ClaimCache

# Below this many sources to extract, starting processes costs more than it saves.
_MIN_PARALLEL = 64
_BATCH = 256


class RunOptions(BaseModel):
    """What one run reads and how: the corpus, the pack, reviews, cache and parallelism."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    corpus: Path | None = None
    domain: Path | None = None
    reviews: Path | None = None
    jobs: int | None = None
    cache: bool = True
    cache_dir: Path | None = None
    max_bytes: int = 20_000_000
    follow_symlinks: bool = False
    table: Path | None = None
    mapping: Path | None = None


@dataclass
class ExtractStats:
    """How much work a run did: sources seen, extracted afresh, taken from the cache."""

    sources: int = 0
    extracted: int = 0
    cached: int = 0
    corrupted: int = 0
    extracted_ids: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    """The claims of a corpus, its sources (without their text), problems and statistics."""

    sources: list[Source]
    claims: list[Claim]
    problems: list[Problem]
    stats: ExtractStats


def corpus_label(options: RunOptions) -> str:
    """How reports name the corpus: the path as given, or `<sample>` for the bundled one."""
    return "<sample>" if options.corpus is None else str(options.corpus)


def reviews_path(options: RunOptions) -> Path:
    """Where decisions live: --reviews, else reviews.yaml at the corpus root (cwd for the sample)."""
    if options.reviews is not None:
        return options.reviews
    return (options.corpus or Path(".")) / "reviews.yaml"


def cache_for(options: RunOptions) -> ClaimCache | None:
    """The extraction cache for this run, or None (disabled, or the read-only bundled corpus)."""
    if not options.cache:
        return None
    if options.cache_dir is not None:
        return ClaimCache(options.cache_dir)
    if options.corpus is None:
        return None
    return ClaimCache(options.corpus / ".claimrecon-cache")


def extract_corpus(options: RunOptions, pack: DomainPack,
                   progress: Callable[[int], None] | None = None) -> Extraction:
    """Claims of every source in the corpus, cached and in parallel; output independent of both.

    Sources stream through in batches, so memory holds one batch of texts, not the corpus.
    """
    cache = cache_for(options)
    run = _Run(cache, progress)
    jobs = max(1, options.jobs) if options.jobs is not None else max(1, os.cpu_count() or 1)
    loaded = iter_corpus(options.corpus, max_bytes=options.max_bytes, follow_symlinks=options.follow_symlinks)
    with _Workers(pack, jobs) as workers:
        pending: list[tuple[Source, str | None]] = []
        for source, found in loaded:
            run.problems.extend(found)
            if source is not None and not run.from_cache(source, pack):
                pending.append((source, cache.key(source, pack) if cache else None))
            if len(pending) >= _BATCH * jobs:
                run.add(pending, workers.extract([s for s, _ in pending]))
                pending = []
        run.add(pending, workers.extract([s for s, _ in pending]))
    run.stats.corrupted = cache.corrupted if cache else 0
    run.claims.sort(key=lambda c: (c.source_id, c.evidence.start, c.entity, c.field, c.claim_id))
    run.problems.sort(key=lambda p: (p.path, p.line or 0, p.message))
    return Extraction(sorted(run.sources, key=lambda s: s.id), run.claims, run.problems, run.stats)


class _Run:
    """What extraction has gathered so far."""

    def __init__(self, cache: ClaimCache | None, progress: Callable[[int], None] | None) -> None:
        self.cache, self.progress = cache, progress
        self.stats = ExtractStats()
        self.sources: list[Source] = []
        self.claims: list[Claim] = []
        self.problems: list[Problem] = []

    def from_cache(self, source: Source, pack: DomainPack) -> bool:
        self.stats.sources += 1
        self.sources.append(source.model_copy(update={"text": ""}))
        hit = self.cache.get(self.cache.key(source, pack)) if self.cache else None
        if hit is None:
            return False
        self.stats.cached += 1
        self.claims.extend(hit)
        if self.progress:
            self.progress(1)
        return True

    def add(self, pending: list[tuple[Source, str | None]], results: list[list[Claim]]) -> None:
        for (source, key), extracted in zip(pending, results):
            self.stats.extracted += 1
            self.stats.extracted_ids.append(source.id)
            self.claims.extend(extracted)
            if self.cache and key:
                self.cache.put(key, extracted)
            if self.progress:
                self.progress(1)


class _Workers:
    """Extraction in-process, or in a pool of processes started on the first batch worth it."""

    def __init__(self, pack: DomainPack, jobs: int) -> None:
        self.pack, self.jobs = pack, jobs
        self.pool: Any = None

    def __enter__(self) -> "_Workers":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate() if exc[0] else self.pool.close()
            self.pool.join()

    def extract(self, batch: list[Source]) -> list[list[Claim]]:
        if self.jobs <= 1 or len(batch) < _MIN_PARALLEL:
            return [extract_claims(source, self.pack) for source in batch]
        if self.pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.pool = context.Pool(self.jobs, initializer=_init_worker, initargs=(self.pack,))
        return self.pool.map(_extract_in_worker, batch, chunksize=max(1, len(batch) // (self.jobs * 8)))


_WORKER_PACK: DomainPack | None = None


def _init_worker(pack: DomainPack) -> None:
    global _WORKER_PACK
    _WORKER_PACK = pack


def _extract_in_worker(source: Source) -> list[Claim]:
    assert _WORKER_PACK is not None
    return extract_claims(source, _WORKER_PACK)


def build_report(options: RunOptions, *, progress: Callable[[int], None] | None = None) -> tuple[ReportData, ExtractStats]:
    """Everything a report shows for this run, with the analyst's decisions applied."""
    pack = load_pack(options.domain)
    if options.table is not None:
        extraction, pack = _table_extraction(options, pack)
    else:
        extraction = extract_corpus(options, pack, progress)
    published = {s.id: s.published for s in extraction.sources}
    findings = reconcile_claims(extraction.claims, pack, published=published)
    problems = list(extraction.problems)
    try:
        decisions = load_reviews(reviews_path(options))
    except InputError as exc:
        problems.append(Problem(path=exc.path, line=exc.line, message=exc.message))
        decisions = []
    findings, orphans = apply_reviews(findings, decisions)
    truth = estimate_truth(findings, pack, sources=extraction.sources)
    data = ReportData(
        corpus=corpus_label(options), sources=extraction.sources, claims=extraction.claims,
        findings=attach_suggestions(findings, truth),
        problems=sorted(problems, key=lambda p: (p.path, p.line or 0, p.message)),
        orphans=orphans, reliability=truth.reliability, copy_clusters=truth.copy_clusters,
    )
    return data, extraction.stats


def _table_extraction(options: RunOptions, pack: DomainPack) -> tuple[Extraction, DomainPack]:
    """Claims read from a structured table; a mapping file brings the table's own fields."""
    from claims import load_table

    assert options.table is not None
    table = load_table(options.table, options.mapping, pack=None if options.mapping else pack)
    extraction = Extraction(table.sources, table.claims, table.problems, ExtractStats(sources=len(table.sources)))
    return extraction, table.pack


def iter_source_ids(options: RunOptions) -> Iterable[str]:
    """Ids of the corpus's sources (for --since), without extracting."""
    for source, _ in iter_corpus(options.corpus, max_bytes=options.max_bytes,
                                 follow_symlinks=options.follow_symlinks):
        if source is not None:
            yield source.id


__all__ = ["ExtractStats", "Extraction", "RunOptions", "build_report", "extract_corpus", "sample_corpus"]
