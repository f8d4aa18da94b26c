"""The command line: parse arguments, call the library, write what `reports` renders, exit.

Exit codes (CONTRACT.md section 4), decided in `exit_code` only: 0 all good, 1 an unreviewed
conflict (for `check`), 2 unusable input (a file that could not be read is named with its line).
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from pathlib import Path

from claims import PackError
from reconcile import ReportData, decide, is_open, reopen, resolve_finding, update_reviews
from reconcile import current_user, utc_now
from reports import (
    CHECK_FORMATS,
    CLAIM_FORMATS,
    DEFAULT_PLACES,
    REPORT_FORMATS,
    CheckOptions,
    render_check,
    render_review_list,
)
from sources import InputError

from claimrecon import __version__
from claimrecon.cache import write_atomic
from claimrecon.gitdiff import changed_since
from claimrecon.pipeline import RunOptions, WorkerLost, build_report, extract_corpus, reviews_path
from claimrecon.progress import Progress

EXAMPLES = {
    "extract": "claimrecon extract corpus/ --format jsonl > claims.jsonl",
    "report": "claimrecon report corpus/ --format html --output report.html",
    "check": "claimrecon check corpus/ --format github --since origin/main",
    "review": "claimrecon review accept 3f2a9c --value 2028 --note 'the agency moved the launch'",
    "reconcile": "claimrecon reconcile flights.csv --mapping flights.yaml --format json",
}


def entry() -> None:
    """The console script: one run, then exit with its code.

    A run builds millions of small objects and no reference cycles worth collecting, so the
    cyclic collector, which would walk every claim again and again, is off for the process.
    """
    gc.disable()
    raise SystemExit(main())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        with _sigterm_interrupts():
            return int(args.run(args))
    except (InputError, PackError) as exc:
        print(f"claimrecon: {exc}", file=sys.stderr)
        return 2
    except (ValueError, WorkerLost) as exc:
        print(f"claimrecon: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claimrecon: interrupted; nothing was written", file=sys.stderr)
        return 130


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a run as Ctrl-C does, so atomic writes remove their temporary files."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pid = os.getpid()

    def interrupt(signum: int, frame: object) -> None:
        if os.getpid() != pid:  # a worker forked before its initializer reset SIGTERM: exit quietly
            raise SystemExit(128 + signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def exit_code(data: ReportData, *, command: str, fail_on: str = "conflict") -> int:
    """2 when an input could not be used, 1 when `check` finds an open finding it fails on, else 0."""
    if any(p.severity == "error" for p in data.problems):
        return 2
    if command != "check" or fail_on == "never":
        return 0
    return 1 if any(is_open(f, refinements=fail_on == "refinement") for f in data.findings) else 0


# -- commands ----------------------------------------------------------------------------------
def run_extract(args: argparse.Namespace) -> int:
    options = _options(args)
    from claims import load_pack

    with _progress(args) as progress:
        extraction = extract_corpus(options, load_pack(options.domain), progress)
    data = ReportData(corpus=str(options.corpus or "<sample>"), sources=extraction.sources,
                      claims=extraction.claims, findings=[], problems=extraction.problems)
    _write(args, CLAIM_FORMATS[args.format].render(data))
    _tell_problems(data)
    return exit_code(data, command="extract")


def run_report(args: argparse.Namespace) -> int:
    with _progress(args) as progress:
        data, _ = build_report(_options(args), progress=progress)
    _write(args, REPORT_FORMATS[args.format].render(data))
    _tell_problems(data)
    return exit_code(data, command="report")


def run_check(args: argparse.Namespace) -> int:
    options = _options(args)
    with _progress(args) as progress:
        data, stats = build_report(options, progress=progress, suggest=False)
    if args.since:
        changed: set[str] | None = changed_since(args.since, options.corpus)
        data = _limit(data, changed)
    else:  # sources extracted afresh (the rest came from the cache) are what this run changed
        changed = set(stats.extracted_ids) if stats.cached else None
    check = CheckOptions(changed=changed, fail_on=args.fail_on, places=args.places or None,
                         summary_path=_summary_path(args))
    _write(args, render_check(data, args.format, check))
    return exit_code(data, command="check", fail_on=args.fail_on)


def run_review(args: argparse.Namespace) -> int:
    options = _options(args)
    data, _ = build_report(options)
    _tell_problems(data)
    path = reviews_path(options)
    action = args.action or "list"
    if action == "list":
        _write(args, render_review_list(data))
        return exit_code(data, command="review")
    finding = resolve_finding(data.findings, args.finding)
    if action == "reopen":
        update_reviews(path, lambda ds: reopen(ds, finding))
        print(f"reopened {finding.finding_id[:12]} {finding.entity}.{finding.field}", file=sys.stderr)
        return 0
    verdict = {"accept": "accepted", "supersede": "superseded", "dismiss": "dismissed", "note": "noted"}[action]
    decision = decide(finding, verdict=verdict, value=getattr(args, "value", None),
                      reason=getattr(args, "reason", None), note=args.note, who=current_user(args.who),
                      when=utc_now())
    # A note adds to the decision in force; a verdict replaces it (the file keeps one per finding).
    keep = (lambda ds: list(ds)) if verdict == "noted" else (lambda ds: reopen(ds, finding))
    update_reviews(path, lambda ds: [*keep(ds), decision])
    print(f"{verdict} {finding.finding_id[:12]} {finding.entity}.{finding.field} -> {path}", file=sys.stderr)
    return 0


def run_reconcile(args: argparse.Namespace) -> int:
    args.table = args.table_path
    return run_report(args)


# -- plumbing ----------------------------------------------------------------------------------
def _limit(data: ReportData, changed: set[str] | None) -> ReportData:
    """With --since, only findings that involve a source added or changed since the ref."""
    if changed is None:
        return data
    kept = [f for f in data.findings if any(s in changed for v in f.values for s in v.sources)]
    return data.model_copy(update={"findings": kept})


def _options(args: argparse.Namespace) -> RunOptions:
    return RunOptions(
        corpus=Path(args.corpus) if getattr(args, "corpus", None) else None,
        domain=Path(args.domain) if args.domain else None,
        reviews=Path(args.reviews) if getattr(args, "reviews", None) else None,
        jobs=args.jobs, cache=not args.no_cache,
        cache_dir=Path(args.cache_dir) if args.cache_dir else None,
        max_bytes=args.max_bytes, follow_symlinks=args.follow_symlinks,
        table=Path(args.table) if getattr(args, "table", None) else None,
        mapping=Path(args.mapping) if getattr(args, "mapping", None) else None,
    )


@contextlib.contextmanager
def _progress(args: argparse.Namespace) -> Iterator[Progress | None]:
    """A progress line on stderr while the block runs, when stderr is a terminal (and not --quiet)."""
    progress = Progress(sys.stderr) if sys.stderr.isatty() and not args.quiet else None
    try:
        yield progress
    finally:
        if progress is not None:
            progress.close()


def _summary_path(args: argparse.Namespace) -> Path | None:
    import os

    value = os.environ.get("GITHUB_STEP_SUMMARY")
    return Path(value) if value and args.format == "github" else None


def _write(args: argparse.Namespace, text: str) -> None:
    if args.output and args.output != "-":
        write_atomic(Path(args.output), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _tell_problems(data: ReportData) -> None:
    for problem in data.problems:
        print(f"claimrecon: {problem}", file=sys.stderr)


# -- the parser --------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command, with help and an example for each."""
    parser = argparse.ArgumentParser(
        prog="claimrecon",
        description="Extract typed claims from a corpus of articles and report where the sources disagree. "
                    "With no CORPUS, every command runs on the bundled sample corpus.")
    parser.add_argument("--version", action="version", version=f"claimrecon {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _command(commands, "extract", "Extract typed claims from every source.", run_extract,
             CLAIM_FORMATS, "jsonl")
    _command(commands, "report", "Report findings: conflicts first, with evidence quotes.", run_report,
             REPORT_FORMATS, "markdown")
    check = _command(commands, "check", "Exit 1 when an unreviewed conflict exists (for CI).", run_check,
                     CHECK_FORMATS, "text")
    check.add_argument("--since", metavar="REF", help="only findings involving sources added or changed since "
                                                       "this git ref (e.g. origin/main)")
    check.add_argument("--fail-on", choices=["conflict", "refinement", "never"], default="conflict",
                       help="which unreviewed findings fail the check (default: conflict)")
    check.add_argument("--places", type=_count, default=DEFAULT_PLACES, metavar="N",
                       help=f"places listed per value, changed sources first (default: {DEFAULT_PLACES}; 0 lists "
                            "all); the rest are counted, and `claimrecon report` lists them")
    reconcile = _command(commands, "reconcile", "Reconcile claims from a CSV, TSV or Parquet table.",
                         run_reconcile, REPORT_FORMATS, "markdown", corpus=False)
    reconcile.add_argument("table_path", metavar="TABLE", help="claims table (.csv, .tsv, .parquet)")
    _review_parser(commands)
    return parser


def _count(text: str) -> int:
    """A whole number of zero or more, for argparse."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of 0 or more, got {text!r}")
    return value


def _command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", name: str, summary: str,
             run: Callable[[argparse.Namespace], int], formats: Mapping[str, Any], default: str, *,
             corpus: bool = True) -> argparse.ArgumentParser:
    sub: argparse.ArgumentParser = commands.add_parser(name, help=summary, description=f"{summary}\n\nexample:\n  {EXAMPLES[name]}",
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    if corpus:
        sub.add_argument("corpus", nargs="?", metavar="CORPUS",
                         help="folder of .txt/.md/.html sources (default: the bundled sample corpus)")
    names = [n for n in formats if n != "review"]
    sub.add_argument("--format", choices=names, default=default,
                     help="; ".join(f"{n}: {formats[n].describes}" for n in names))
    sub.add_argument("--output", "-o", metavar="PATH", help="write here (atomically) instead of stdout")
    _common(sub)
    if name not in ("extract",):
        sub.add_argument("--table", metavar="TABLE", help=argparse.SUPPRESS if name == "reconcile" else
                         "read structured claims from a CSV/TSV/Parquet table instead of articles")
    sub.set_defaults(run=run)
    return sub


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--domain", metavar="PATH", help="domain pack YAML (default: the bundled domain pack)")
    sub.add_argument("--reviews", metavar="PATH", help="reviews file (default: reviews.yaml at the corpus root)")
    sub.add_argument("--mapping", metavar="PATH", help="mapping YAML for a wide claims table")
    sub.add_argument("--jobs", "-j", type=int, metavar="N", help="extraction processes (default: all cores)")
    sub.add_argument("--no-cache", action="store_true", help="do not read or write the extraction cache")
    sub.add_argument("--cache-dir", metavar="PATH", help="cache folder (default: CORPUS/.claimrecon-cache)")
    sub.add_argument("--max-bytes", type=int, default=20_000_000, metavar="N",
                     help="refuse source files larger than this (default: 20000000)")
    sub.add_argument("--follow-symlinks", action="store_true", help="follow symlinks that leave the corpus")
    sub.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _review_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    review = commands.add_parser(
        "review", help="List open conflicts, or record a decision on one.",
        description="List open conflicts, or record an analyst decision in reviews.yaml.\n\nexamples:\n"
                    f"  claimrecon review\n  {EXAMPLES['review']}\n"
                    "  claimrecon review dismiss 3f2a --reason not-a-conflict --note 'two phases'",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    review.add_argument("--corpus", metavar="CORPUS", help="corpus folder (default: the bundled sample corpus)")
    review.add_argument("--output", "-o", metavar="PATH", help=argparse.SUPPRESS)
    _common(review)
    review.set_defaults(run=run_review, action=None)
    actions = review.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="list open conflicts (the default)")
    listing.set_defaults(action="list")
    for action, summary in [("accept", "accept one value as right"),
                            ("supersede", "the older value was right when written; a newer one replaces it")]:
        sub = actions.add_parser(action, help=summary)
        sub.add_argument("finding", metavar="FINDING", help="finding id or a unique prefix of it")
        sub.add_argument("--value", required=True, help="the value (as listed, or a unique prefix)")
        sub.add_argument("--note", help="why")
        sub.add_argument("--who", help="reviewer (default: git user.name, else $USER)")
    dismiss = actions.add_parser("dismiss", help="dismiss a false alarm")
    dismiss.add_argument("finding", metavar="FINDING")
    dismiss.add_argument("--reason", required=True, choices=["extraction-error", "not-a-conflict", "out-of-scope"])
    dismiss.add_argument("--note", help="why")
    dismiss.add_argument("--who")
    note = actions.add_parser("note", help="add a note without closing the finding")
    note.add_argument("finding", metavar="FINDING")
    note.add_argument("note", metavar="TEXT")
    note.add_argument("--who")
    reopen_cmd = actions.add_parser("reopen", help="remove the decision on a finding")
    reopen_cmd.add_argument("finding", metavar="FINDING")


if __name__ == "__main__":
    entry()
