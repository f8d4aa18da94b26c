"""The composition of the stages: corpus → claims → findings → reviews → report data.

Extraction is a pure function of (source, pack), so it is cached per source and spread over
processes; everything after it works on claims alone.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from claims import (
    Claim,
    ClaimStore,
    DomainPack,
    EncodedClaims,
    Signature,
    cluster_copies,
    content_id,
    extract_claims,
    load_pack,
    load_table,
    signature_of,
)
from reconcile import ReportData, apply_reviews, attach_suggestions, estimate_truth, load_reviews, reconcile_claims
from sources import (
    EncodedSource,
    InputError,
    Problem,
    Source,
    SourceTable,
    SourceTask,
    load_task,
    plan_corpus,
    published_by_id,
)

from claimrecon.cache import ClaimCache
from claimrecon.runindex import Processed

# Below this many files, starting processes costs more than it saves.
_MIN_PARALLEL = 64
# How often a run waiting for a worker's outcome checks that the workers are alive.
_WATCH_SECONDS = 1.0


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

    sources: SourceTable
    claims: ClaimStore
    problems: list[Problem]
    stats: ExtractStats
    signatures: dict[str, Signature] = field(default_factory=dict)

    @functools.cached_property
    def copies(self) -> list[list[str]]:
        """Clusters of sources whose texts are near copies (by their signatures); worked out when asked."""
        return cluster_copies(self.signatures)


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

    With a cache, files whose stat (or bytes) and metadata are unchanged since the last run come
    from its run index without being opened. Each other file is read, hashed, looked up in the
    claim cache and, on a miss, extracted by one task, in a worker process when there are enough
    files to pay for starting them; only the claims (and the source without its text) come back,
    so memory holds claims, not the corpus.
    """
    cache = cache_for(options)
    store = cache.corpus_store(options.corpus) if cache else None
    today = dt.datetime.now(dt.timezone.utc).date()
    plan = plan_corpus(options.corpus, max_bytes=options.max_bytes, follow_symlinks=options.follow_symlinks,
                       today=today, store=store)
    index = store.run_index(content_id([pack.digest, today.isoformat(), options.max_bytes])) if store else None
    known = index.lookup(plan.tasks) if index else {}
    todo = [task for task in plan.tasks if task.candidate.path not in known]
    stamps = [index.stamp(task) if index else None for task in todo]  # before the files are read
    jobs = max(1, options.jobs) if options.jobs is not None else max(1, os.cpu_count() or 1)
    collected = _Collected()
    for processed in known.values():
        collected.add(_Done(processed.source, processed.claims, processed.problems, signature=processed.signature))
    if progress and known:
        progress(len(known))
    outcomes = _run_tasks(todo, _Context(pack, cache.folder if cache else None), jobs)
    with contextlib.closing(outcomes):  # an interrupted run still ends its pool
        for task, stamp, done in zip(todo, stamps, outcomes, strict=True):  # strict: runs the pool to its end
            if index and done.source is not None:  # before `add`, which then takes the rows made here
                index.record(task, stamp, Processed(done.source, done.encoded(), done.problems, done.signature))
            collected.add(done)
            if progress:
                progress(1)
    if index:
        index.save()
    return collected.extraction(plan.problems)


@dataclass
class _Collected:
    """The outcomes of a corpus's files as they come, in any order; sorted once at the end."""

    stats: ExtractStats = field(default_factory=ExtractStats)
    sources: list[Source | EncodedSource] = field(default_factory=list)
    claims: ClaimStore = field(default_factory=ClaimStore)
    problems: list[Problem] = field(default_factory=list)
    signatures: dict[str, Signature] = field(default_factory=dict)

    def add(self, done: "_Done") -> None:
        self.problems.extend(done.problems)
        self.stats.corrupted += done.corrupted
        if done.source is None:
            return
        self.stats.sources += 1
        self.sources.append(done.source)
        if isinstance(done.claims, EncodedClaims):
            self.claims.add_encoded(done.source.id, done.claims)
        elif done.encoded_claims is not None:
            self.claims.add_encoded(done.source.id, done.encoded_claims, models=done.claims)
        else:
            self.claims.add(done.source.id, done.claims)
        if done.signature is not None:
            self.signatures[done.source.id] = done.signature
        if done.extracted:
            self.stats.extracted += 1
            self.stats.extracted_ids.append(done.source.id)
        else:
            self.stats.cached += 1

    def extraction(self, corpus_problems: list[Problem]) -> Extraction:
        problems = sorted(corpus_problems + self.problems, key=lambda p: (p.path, p.line or 0, p.message))
        self.stats.extracted_ids.sort()
        return Extraction(SourceTable(sorted(self.sources, key=lambda s: s.id)), self.claims, problems, self.stats,
                          self.signatures)


@dataclass(frozen=True)
class _Context:
    """What every task needs besides its file: the pack, and the cache folder if any."""

    pack: DomainPack
    cache_dir: Path | None


@dataclass
class _Done:
    """One file's outcome: the source without its text, its claims, problems, and how they came.

    Claims come as models, or encoded (JSON and the columns reconciliation reads) when they
    come from a worker or the run index: decoded only if a report shows them."""

    source: Source | EncodedSource | None
    claims: list[Claim] | EncodedClaims
    problems: list[Problem]
    extracted: bool = False
    corrupted: int = 0
    signature: Signature | None = None
    encoded_claims: EncodedClaims | None = None  # `encoded()` of claims held as models, once made

    def encoded(self) -> EncodedClaims:
        """The claims encoded: what is sent between processes (pydantic's JSON encoder costs less
        than half of pickling the models) and what the run index keeps."""
        if isinstance(self.claims, EncodedClaims):
            return self.claims
        if self.encoded_claims is None:
            self.encoded_claims = EncodedClaims.of(self.claims)
        return self.encoded_claims


def _process(task: SourceTask, context: _Context) -> _Done:
    """Load one file, then take its claims from the cache or extract (and cache) them."""
    source, problems = load_task(task)
    if source is None:
        return _Done(None, [], problems)
    cache = ClaimCache(context.cache_dir) if context.cache_dir is not None else None
    key = cache.key(source, context.pack) if cache else ""
    claims = cache.get(key) if cache else None
    extracted = claims is None
    if claims is None:
        claims = extract_claims(source, context.pack)
        if cache:
            cache.put(key, claims)
    return _Done(source.model_copy(update={"text": ""}), claims, problems, extracted,
                 cache.corrupted if cache else 0, signature_of(source.text))


def _run_tasks(tasks: list[SourceTask], context: _Context, jobs: int) -> Generator[_Done, None, None]:
    """Every task's outcome, in task order; in `jobs` processes when there are enough tasks."""
    if jobs <= 1 or len(tasks) < _MIN_PARALLEL:
        for task in tasks:
            yield _process(task, context)
        return
    size = max(1, min(32, len(tasks) // (jobs * 8)))
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    others = set(multiprocessing.active_children())
    with _pool(jobs, context) as pool:
        workers = [p for p in multiprocessing.active_children() if p not in others]
        outcomes = pool.imap(_process_in_worker, chunks)  # one chunk a task: an iterator with a timeout
        for _ in chunks:
            yield from _next_outcomes(outcomes, workers)


class WorkerLost(RuntimeError):
    """A worker process ended in the middle of a run (killed, out of memory, or crashed)."""

    def __init__(self, exitcode: int) -> None:
        how = f"exit code {exitcode}"
        if exitcode < 0:
            try:
                how = f"killed by {signal.Signals(-exitcode).name}"
            except ValueError:  # a signal without a name (a real-time one)
                how = f"killed by signal {-exitcode}"
            if -exitcode == signal.SIGKILL:
                how += ", as the system's out-of-memory killer does"
        super().__init__(f"a worker process ended in the middle of extraction ({how}); no report was "
                         "written. Run with --jobs 1 to find the file it was reading")


def _next_outcomes(outcomes: Any, workers: list[Any]) -> list[_Done]:
    """The next chunk's outcomes, watching the workers while waiting for them.

    A pool does not notice a worker that dies: it starts another, and the dead one's tasks
    never come back, so the run would wait for ever. Workers end only when the pool ends them,
    so one that has ended meanwhile has died.
    """
    while True:
        try:
            chunk: list[_Done] = outcomes.next(timeout=_WATCH_SECONDS)
            return chunk
        except multiprocessing.TimeoutError:
            ended = [p.exitcode for p in workers if p.exitcode is not None]
            if ended:
                raise WorkerLost(ended[0]) from None


def _pool(jobs: int, context: _Context) -> Any:
    """A pool of `jobs` worker processes, each set up by `_init_worker`."""
    return _pool_context().Pool(jobs, initializer=_init_worker, initargs=(context,))


def _pool_context() -> Any:
    """How workers start: a fork of this process when nothing else runs in it, else a fork server.

    A fork starts a worker in milliseconds with everything imported, but copies every lock of
    the parent as it is: with another thread alive (a library's, or a pool left by an
    interrupted run in the same process) one may be held forever in the child. Then workers
    come from a clean server process with the extraction modules imported there (a second
    or two to start). Fork only on Linux: elsewhere it is unsafe or not the platform's default.
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload(["claimrecon.pipeline"])
        return server
    return multiprocessing.get_context("spawn")


_WORKER_CONTEXT: _Context | None = None


def _init_worker(context: _Context) -> None:
    """Set up a worker: its context, and SIGTERM's default action (the process ends at once).

    A pool ends its workers with SIGTERM: at the end of every run, one of them is waiting on the
    task queue's lock, which the pool then holds for good. A forked worker inherits the command's
    Python handler for SIGTERM, and a Python handler can be lost (an exception it raises while a
    finaliser runs is only printed); a bench run hung that way, the worker waiting on that lock
    and the command joining it. With the default action the kernel ends the worker wherever it
    is. A cache write still completes or is undone first: it holds SIGTERM back until then.
    """
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _process_in_worker(tasks: list[SourceTask]) -> list[_Done]:
    assert _WORKER_CONTEXT is not None
    outcomes = [_process(task, _WORKER_CONTEXT) for task in tasks]
    return [dataclasses.replace(done, claims=done.encoded(), encoded_claims=None) for done in outcomes]


def build_report(options: RunOptions, *, progress: Callable[[int], None] | None = None,
                 suggest: bool = True) -> tuple[ReportData, ExtractStats]:
    """Everything a report shows for this run, with the analyst's decisions applied.

    `suggest=False` leaves out what only reports show (suggested values, source reliability,
    copy clusters): `check` lists open findings and needs none of it.
    """
    pack = load_pack(options.domain)
    if options.table is not None:
        extraction, pack = _table_extraction(options, pack)
    else:
        extraction = extract_corpus(options, pack, progress)
    published = published_by_id(extraction.sources)
    findings = reconcile_claims(extraction.claims, pack, published=published)
    problems = list(extraction.problems)
    try:
        decisions = load_reviews(reviews_path(options))
    except InputError as exc:
        problems.append(Problem(path=exc.path, line=exc.line, message=exc.message))
        decisions = []
    findings, orphans = apply_reviews(findings, decisions)
    data = ReportData(corpus=corpus_label(options), sources=extraction.sources, claims=extraction.claims,
                      findings=findings, problems=sorted(problems, key=lambda p: (p.path, p.line or 0, p.message)),
                      orphans=orphans)
    if suggest:
        truth = estimate_truth(findings, pack, sources=extraction.sources, copies=extraction.copies)
        data = data.model_copy(update={"findings": attach_suggestions(findings, truth),
                                       "reliability": truth.reliability, "copy_clusters": truth.copy_clusters})
    return data, extraction.stats


def _table_extraction(options: RunOptions, pack: DomainPack) -> tuple[Extraction, DomainPack]:
    """Claims read from a structured table; a mapping file brings the table's own fields."""
    assert options.table is not None
    table = load_table(options.table, options.mapping, pack=None if options.mapping else pack)
    extraction = Extraction(SourceTable(table.sources), ClaimStore(table.claims), table.problems,
                            ExtractStats(sources=len(table.sources)))
    return extraction, table.pack


__all__ = ["ExtractStats", "Extraction", "RunOptions", "build_report", "extract_corpus"]
