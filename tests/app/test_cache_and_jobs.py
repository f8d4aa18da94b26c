"""The extraction cache and the process pool: less work when warm, the same bytes whatever the jobs."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import pytest

from claimrecon import cli, pipeline
from claimrecon.pipeline import ExtractStats, RunOptions, build_report
from tests.app.corpus import copy_sample, generated_corpus, run_cli

CACHE = ".claimrecon-cache"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """90 synthetic articles: past the point where extraction starts processes (pipeline._MIN_PARALLEL)."""
    return generated_corpus(tmp_path_factory.mktemp("generated") / "corpus", 90)


@pytest.fixture
def corpus60(generated: Path, tmp_path: Path) -> Path:
    """A 60-article corpus (the first 60 generated articles), fresh for each test."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted(generated.glob("a*.txt"))[:60]:
        shutil.copy2(path, folder / path.name)
    return folder


def stats(corpus: Path, **options: object) -> ExtractStats:
    """How much extraction work a `check` of `corpus` does (`build_report` is what `check` runs)."""
    return build_report(RunOptions(corpus=corpus, jobs=1, **options))[1]  # type: ignore[arg-type]


def test_warm_cache_extracts_only_the_changed_source(corpus60: Path) -> None:
    cold = stats(corpus60)
    assert (cold.sources, cold.extracted, cold.cached) == (60, 60, 0)
    (corpus60 / "a000003.txt").touch()  # a new mtime, the same content: nothing to redo
    assert (stats(corpus60).extracted, stats(corpus60).cached) == (0, 60)

    changed = corpus60 / "a000017.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nLUPEX will now launch in 2031.\n", encoding="utf-8")
    warm = stats(corpus60)
    assert (warm.sources, warm.extracted, warm.cached, warm.extracted_ids) == (60, 1, 59, ["a000017"])
    assert warm.extracted < 0.05 * cold.extracted


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "corpus")


def test_corrupted_cache_entry_is_recomputed(sample: Path) -> None:
    before = run_cli("extract", sample, "--format", "jsonl").out
    entries = sorted((sample / CACHE).glob("*/*.json"))
    assert len(entries) == 5
    for index in (sample / CACHE).glob("corpora/*/index.sqlite"):  # else unchanged files are not even opened
        index.unlink()
    entries[1].write_bytes(b'{"key": "truncated')
    entries[3].write_text('{"key": "wrong", "claims": []}', encoding="utf-8")
    again = stats(sample)
    assert (again.corrupted, again.extracted, again.cached) == (2, 2, 3)
    assert run_cli("extract", sample, "--format", "jsonl").out == before
    assert stats(sample).extracted == 0  # the recomputed entries were written back


def test_cache_folder_tells_git_to_ignore_it(sample: Path) -> None:
    stats(sample)
    ignore = (sample / CACHE / ".gitignore").read_text(encoding="utf-8")
    assert "*" in ignore.splitlines()


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    corpus = copy_sample(tmp_path / "corpus")  # (no reviews.yaml either: nothing is decided)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for command in (["report", "--format", "json"], ["extract"], ["check"]):
        run = run_cli(command[0], corpus, *command[1:], "--no-cache")
        assert run.code in (0, 1), run.err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert stats(corpus, cache=False).extracted == 5


def test_cache_dir_option_moves_the_cache(tmp_path: Path) -> None:
    corpus = copy_sample(tmp_path / "corpus")
    elsewhere = tmp_path / "cache"
    assert stats(corpus, cache_dir=elsewhere).extracted == 5
    assert stats(corpus, cache_dir=elsewhere).cached == 5
    assert not (corpus / CACHE).exists()


@pytest.fixture
def pool_starts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, for each extraction run, whether it started a process pool."""
    seen: list[bool] = []
    original_run, original_context = pipeline._run_tasks, pipeline.multiprocessing.get_context
    started: list[int] = []

    def context(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(1)
        return original_context(*args, **kwargs)

    def spy(tasks, context_, jobs):  # type: ignore[no-untyped-def]
        before = len(started)
        yield from original_run(tasks, context_, jobs)
        seen.append(len(started) > before)

    monkeypatch.setattr(pipeline.multiprocessing, "get_context", context)
    monkeypatch.setattr(pipeline, "_run_tasks", spy)
    return seen


@pytest.mark.parametrize("command", [["report", "--format", "json"], ["extract", "--format", "jsonl"]])
def test_output_is_the_same_bytes_with_one_or_two_jobs(generated: Path, pool_starts: list[bool],
                                                       command: list[str]) -> None:
    assert len(list(generated.glob("*.txt"))) >= pipeline._MIN_PARALLEL
    outputs = {}
    for jobs in ("1", "2"):
        run = run_cli(command[0], generated, *command[1:], "--jobs", jobs, "--no-cache")
        assert run.code == 0, run.err
        outputs[jobs] = run.out
    assert pool_starts == [False, True]  # one in-process run, one with the pool
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"]) > 10_000


def test_pool_workers_end_on_sigterm_whatever_handler_the_command_set() -> None:
    """The pool ends its workers with SIGTERM; a worker must not run the command's Python
    handler for it (one that is lost leaves the worker waiting and the run hanging)."""
    context = pipeline._Context(pipeline.load_pack(None), None)
    with cli._sigterm_interrupts():  # what every command runs under
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)
        with pipeline._pool(2, context) as pool:
            defaults = pool.map(_sigterm_is_default, range(4), chunksize=1)
    assert defaults == [True] * 4


def _sigterm_is_default(_: int) -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_worker_that_dies_stops_the_run_with_a_message_instead_of_a_hang(
        generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool replaces a dead worker without noticing that its tasks are lost; the run must end."""
    original = pipeline._process
    victim = sorted(p.stem for p in generated.glob("*.txt"))[40]

    def process_or_die(task, context):  # type: ignore[no-untyped-def]
        if task.candidate.id == victim:  # as the out-of-memory killer would
            os.kill(os.getpid(), signal.SIGKILL)
        return original(task, context)

    monkeypatch.setattr(pipeline, "_process", process_or_die)  # forked workers inherit it

    def too_long(signum: int, frame: object) -> None:
        raise TimeoutError("the run did not end after its worker died")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(60)
    try:
        run = run_cli("report", generated, "--format", "json", "--jobs", "2", "--no-cache")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert run.code == 2 and run.out == ""
    assert "worker process ended" in run.err and "SIGKILL" in run.err and "--jobs 1" in run.err
    assert multiprocessing.active_children() == []  # the other worker was ended too
