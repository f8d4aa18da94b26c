"""The benchmark table: the floor, extraction, parallel extraction, reconciliation, the whole report.

    .venv/bin/python bench/run.py                     # 10,000 articles, reconciliation up to 1M claims
    .venv/bin/python bench/run.py --quick             # 1,000 articles, reconciliation up to 100k claims
    .venv/bin/python bench/run.py --articles 2000 --rows floor,extract-1

Every row runs in a fresh process on the same generated files, so each row's peak RSS is its own
(`ru_maxrss` of that process; for `--jobs 2` the workers' peak is shown beside it). The corpus
is generated once per (articles, seed) under the system temp folder and reused. Results go to
bench/results/<UTC timestamp>.json and bench/results/latest.json; the table compares each row's
seconds with the previous latest.json when it was run on the same sizes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
FLOOR = re.compile(r"\b(?:1[89]|2[01])\d{2}\b|\b\d+(?:[.,]\d+)?\s?(?:kg|km|m|days?|tonnes?|lb)\b")
WORD = re.compile(r"\w+")
RECONCILE_GROUPS, RECONCILE_SOURCES = 10_000, 50
GENERATOR_VERSION = "1"
Row = dict[str, Any]


class Clock:
    """Wall and CPU seconds of a block; CPU counts this process and the workers it joined meanwhile.

    CPU time is what the ratios use when the machine is shared: other processes stretch wall time.
    """

    def __enter__(self) -> "Clock":
        self._wall, self._cpu = time.perf_counter(), _cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._wall
        self.cpu = _cpu_seconds() - self._cpu

    def timing(self) -> Row:
        """The block's `seconds` (wall) and `cpu_s`."""
        return {"seconds": self.seconds, "cpu_s": self.cpu}


def _cpu_seconds() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


# -- rows: each runs in its own process and returns a JSON-able dict -------------------------------
def row_generate(args: argparse.Namespace) -> Row:
    """Generate the corpus (or reuse one generated earlier with the same sizes and seed)."""
    sys.path.insert(0, str(HERE))
    from corpus_gen import generate_corpus

    corpus = Path(args.corpus)
    stamp = corpus / ".generated.json"
    wanted = {"articles": args.articles, "seed": args.seed, "version": GENERATOR_VERSION}
    if stamp.is_file() and json.loads(stamp.read_text())["params"] == wanted:
        return {**json.loads(stamp.read_text())["stats"], "seconds": 0.0, "note": "reused"}
    shutil.rmtree(corpus, ignore_errors=True)
    began = time.perf_counter()
    stats = generate_corpus(corpus, args.articles, seed=args.seed)
    seconds = time.perf_counter() - began
    summary = {"bytes": stats.bytes, "docs": stats.articles, "planted": len(stats.planted),
               "conflicts": len(stats.conflicts)}
    stamp.write_text(json.dumps({"params": wanted, "stats": summary}))
    return {**summary, "seconds": seconds}


def row_floor(args: argparse.Namespace) -> Row:
    """Read every file and run one compiled regex (years, number+unit) over the decoded text."""
    files = sorted(Path(args.corpus).glob("*.txt"))
    size = hits = 0
    with Clock() as clock:
        for path in files:
            data = path.read_bytes()
            size += len(data)
            hits += sum(1 for _ in FLOOR.finditer(data.decode("utf-8")))
    words = sum(len(WORD.findall(p.read_text(encoding="utf-8"))) for p in files)
    return {**clock.timing(), "bytes": size, "docs": len(files), "words": words, "hits": hits}


def row_load(args: argparse.Namespace) -> Row:
    """Load the corpus through `sources.iter_corpus` (read, decode, hash, metadata), no extraction."""
    from sources import iter_corpus

    with Clock() as clock:
        count = sum(1 for source, _ in iter_corpus(Path(args.corpus)) if source is not None)
    return {**clock.timing(), "docs": count}


def row_extract(args: argparse.Namespace) -> Row:
    """Extract every source's claims with `args.jobs` processes and no cache; a digest of the claims."""
    from claims import load_pack

    pack = load_pack()
    with Clock() as clock:
        claims, via = _extract_all(Path(args.corpus), pack, args.jobs)
    digest = hashlib.sha256()
    for claim in claims:
        digest.update(claim.model_dump_json().encode("utf-8") + b"\n")
    return {**clock.timing(), "claims": len(claims), "digest": digest.hexdigest()[:16], "via": via}


def _extract_all(corpus: Path, pack: Any, jobs: int) -> tuple[list[Any], str]:
    """The corpus's claims through the app pipeline, or through `claims` directly while it is unfinished."""
    try:
        from claimrecon.pipeline import RunOptions, extract_corpus
    except ImportError:
        return _extract_direct(corpus, pack, jobs), "claims.extract_claims (pipeline not importable)"
    extraction = extract_corpus(RunOptions(corpus=corpus, jobs=jobs, cache=False), pack)
    # Claims from workers stay JSON until read: read them all here, as `claimrecon extract` does.
    return list(extraction.claims), "claimrecon.pipeline.extract_corpus"


def _extract_direct(corpus: Path, pack: Any, jobs: int) -> list[Any]:
    from multiprocessing import get_context

    from claims import extract_claims
    from sources import iter_corpus

    sources = (source for source, _ in iter_corpus(corpus) if source is not None)
    if jobs <= 1:
        found = [extract_claims(source, pack) for source in sources]
    else:
        with get_context("fork").Pool(jobs) as pool:
            found = pool.starmap(extract_claims, ((s, pack) for s in sources), chunksize=32)
    claims = [c for batch in found for c in batch]
    return sorted(claims, key=lambda c: (c.source_id, c.evidence.start, c.entity, c.field, c.claim_id))


def row_reconcile(args: argparse.Namespace) -> Row:
    """Reconcile `args.claims` generated claims (10k groups, 50 sources) with bench/reconcile_bench.py."""
    sys.path.insert(0, str(HERE))
    from reconcile_bench import generate, publication_dates
    from reconcile.findings import reconcile_frame

    from claims import load_pack

    pack = load_pack()
    frame = generate(args.claims, RECONCILE_GROUPS, RECONCILE_SOURCES, pack)
    published = publication_dates(RECONCILE_SOURCES)
    inputs_mb = _peak_mb(resource.RUSAGE_SELF)
    with Clock() as clock:
        findings = reconcile_frame(frame, pack, published=published)
    conflicts = sum(1 for f in findings if f.status == "conflict")
    return {**clock.timing(), "claims": args.claims, "findings": len(findings), "conflicts": conflicts,
            "inputs_rss_mb": inputs_mb}


def row_report(args: argparse.Namespace) -> Row:
    """The whole report (extract with the cache, reconcile, reviews, truth, rendering in
    `args.format`, JSON by default) on `args.corpus`."""
    from claimrecon.pipeline import RunOptions, build_report

    options = RunOptions(corpus=Path(args.corpus), jobs=args.jobs, cache=True, cache_dir=Path(args.cache_dir))
    with Clock() as clock:
        data, stats = build_report(options)
        text = _render_json(data) if args.format == "json" else _render(data, args.format)
    return {**clock.timing(), "extracted": stats.extracted, "cached": stats.cached,
            "findings": len(data.findings), "digest": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]}


def row_check(args: argparse.Namespace) -> Row:
    """`claimrecon check` as CI runs it (text output), in this process: the command minus interpreter start-up."""
    import contextlib
    import io

    from claimrecon.cli import main

    command = ["check", str(args.corpus), "--cache-dir", str(args.cache_dir), "--jobs", str(args.jobs), "--quiet"]
    out = io.StringIO()
    with Clock() as clock, contextlib.redirect_stdout(out):
        code = main(command)
    return {**clock.timing(), "exit": code, "digest": hashlib.sha256(out.getvalue().encode("utf-8")).hexdigest()[:16]}


def _render(data: Any, fmt: str) -> str:
    from reports import render_report

    return render_report(data, fmt)


def _render_json(data: Any) -> str:
    try:
        from reports import render_report
    except ImportError:
        from reports.registry import REPORT_FORMATS
        return REPORT_FORMATS["json"].render(data)
    return render_report(data, "json")


ROWS: dict[str, Callable[[argparse.Namespace], Row]] = {
    "generate": row_generate, "floor": row_floor, "load": row_load, "extract": row_extract,
    "reconcile": row_reconcile, "report": row_report, "check": row_check,
}


def _peak_mb(who: int) -> float:
    """Peak resident memory in MB (Linux reports kilobytes, macOS bytes)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def run_child(args: argparse.Namespace) -> None:
    """Run one row in this process and print its result, with this process's peak RSS, as JSON.

    The cyclic collector is off, as in the `claimrecon` console script."""
    gc.disable()
    try:
        result = ROWS[args.row](args)
    except ImportError as exc:
        result = {"error": f"not available yet: {exc}"}
    result["rss_mb"] = round(_peak_mb(resource.RUSAGE_SELF), 1)
    result["workers_rss_mb"] = round(_peak_mb(resource.RUSAGE_CHILDREN), 1)
    print(json.dumps(result))


# -- the parent: plan, run each row in a child, print and save the table ------------------------
def spawn(row: str, **flags: Any) -> Row:
    """Run `row` in a fresh interpreter; its JSON result (or the error it died with)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--row", row]
    for key, value in flags.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": f"exit {done.returncode}: {tail[0]}"}
    result: Row = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def plan(args: argparse.Namespace) -> Iterator[tuple[str, str, Callable[[], Row]]]:
    """(row id, description, how to run it) in table order; rows that leave no state run `--repeat` times.

    The floor and the two extraction rows enter the extraction ratios, so they run in rounds
    (`interleaved`): each row samples the same stretches of the machine's drifting speed.
    """
    corpus, n, times = args.corpus, args.articles, args.repeat
    yield "generate", f"generate {n:,} articles", lambda: spawn("generate", corpus=corpus, articles=n, seed=args.seed)
    ratio_rows = interleaved(times, {
        "floor": lambda: spawn("floor", corpus=corpus),
        "extract-1": lambda: spawn("extract", corpus=corpus, jobs=1),
        "extract-2": lambda: spawn("extract", corpus=corpus, jobs=2),
    }, args.selected)
    yield "floor", "floor: read + one regex pass", ratio_rows["floor"]
    yield "load", "load sources (read, hash, metadata)", best_of(times, lambda: spawn("load", corpus=corpus))
    yield "extract-1", "extract, 1 process", ratio_rows["extract-1"]
    yield "extract-2", "extract --jobs 2", ratio_rows["extract-2"]
    for size in args.reconcile_sizes:
        yield (f"reconcile-{size}", f"reconcile {size:,} claims",
               best_of(times, functools.partial(spawn, "reconcile", claims=size)))
    yield from plan_report(args)


def best_of(times: int, run: Callable[[], Row]) -> Callable[[], Row]:
    """Run a row `times` times (each in a fresh process) and keep the fastest, with the spread.

    On a shared virtual machine one run of the same work varies by half; the fastest run is
    the one least disturbed, and every row that enters a ratio is taken the same way.
    """
    return lambda: fastest([run() for _ in range(times)])


def interleaved(times: int, runs: dict[str, Callable[[], Row]],
                selected: Callable[[str], bool]) -> dict[str, Callable[[], Row]]:
    """`best_of` for rows that enter one ratio: `times` rounds of each selected row in turn, run
    when the first of them is asked for; each row then gives its fastest run."""
    results: dict[str, list[Row]] = {}

    def run_rounds() -> None:
        for _ in range(times):
            for name, run in runs.items():
                if selected(name):
                    results.setdefault(name, []).append(run())

    def row(name: str) -> Callable[[], Row]:
        def fastest_of_rounds() -> Row:
            if not results:
                run_rounds()
            return fastest(results[name])
        return fastest_of_rounds
    return {name: row(name) for name in runs}


def fastest(rows: list[Row]) -> Row:
    """The fastest of a row's runs, with how many there were and the slowest time."""
    timed = [row for row in rows if "seconds" in row]
    if not timed:
        return rows[0]
    best = min(timed, key=lambda row: row["seconds"])
    return {**best, "runs": len(timed), "slowest_s": max(row["seconds"] for row in timed)}


def plan_report(args: argparse.Namespace) -> Iterator[tuple[str, str, Callable[[], Row]]]:
    """The whole report cold and warm, then `check` cold and after one source changed, on a private copy.

    The two check rows enter one ratio, so they run in rounds like the extraction rows: each
    round a cold check from an empty cache, then a warm one after an edit of one more file, which
    finds exactly one source changed since the cold run. Each row keeps its fastest run.
    """
    work = Path(tempfile.mkdtemp(prefix="claimrecon-bench-report-"))
    copy, report_cache, check_cache = work / "corpus", work / "report-cache", work / "check-cache"
    edited = iter(range(args.articles))

    def copied() -> None:  # by the first row that runs (`--rows` may leave out the report rows)
        if not copy.exists():
            shutil.copytree(args.corpus, copy, ignore=shutil.ignore_patterns(".*"))

    def cold() -> Row:
        copied()
        return spawn("report", corpus=copy, cache_dir=report_cache, jobs=args.jobs)

    def cold_check() -> Row:
        copied()
        shutil.rmtree(check_cache, ignore_errors=True)
        return spawn("check", corpus=copy, cache_dir=check_cache, jobs=args.jobs)

    def changed() -> Row:
        file = sorted(copy.glob("*.txt"))[next(edited)]
        file.write_text(file.read_text(encoding="utf-8") + "\nThe benchmark edited this article.\n", encoding="utf-8")
        return spawn("check", corpus=copy, cache_dir=check_cache, jobs=args.jobs)

    check_rows = interleaved(args.repeat, {"check-cold": cold_check, "check-1-changed": changed}, args.selected)

    def changed_then_clean() -> Row:
        result = check_rows["check-1-changed"]()
        shutil.rmtree(work, ignore_errors=True)
        return result

    yield "report-cold", "report --format json, cold cache", cold
    yield "report-warm", "report --format json, warm cache", lambda: spawn("report", corpus=copy, cache_dir=report_cache,
                                                                             jobs=args.jobs)
    yield "report-html-warm", "report --format html, warm cache", lambda: spawn("report", corpus=copy, cache_dir=report_cache,
                                                                                jobs=args.jobs, format="html")
    yield "check-cold", "check, cold cache", check_rows["check-cold"]
    yield "check-1-changed", "check, warm cache, 1 source changed", changed_then_clean


def derive(rows: dict[str, Row]) -> None:
    """Add MB/s, docs/s, words/s and the ratios that need more than one row."""
    corpus = rows.get("floor", {})
    size, docs, words = corpus.get("bytes"), corpus.get("docs"), corpus.get("words")
    for name, row in rows.items():
        seconds = row.get("seconds")
        if not seconds or "error" in row or not size or name.startswith(("reconcile", "generate")):
            continue
        row["mb_s"] = size / 1e6 / seconds
        row["docs_s"] = docs / seconds
        row["words_s"] = words / seconds
        row["x_floor"] = row["mb_s"] / rows["floor"]["mb_s"]
        if row.get("cpu_s"):
            row["cpu_mb_s"] = size / 1e6 / row["cpu_s"]
            row["x_floor_cpu"] = row["cpu_mb_s"] / (size / 1e6 / rows["floor"]["cpu_s"])
    one, two = rows.get("extract-1", {}), rows.get("extract-2", {})
    if one.get("seconds") and two.get("seconds"):
        two["speedup"] = one["seconds"] / two["seconds"]
        two["identical"] = one.get("digest") == two.get("digest")
    cold, changed = rows.get("check-cold", {}), rows.get("check-1-changed", {})
    if cold.get("seconds") and changed.get("seconds"):
        changed["of_cold"] = changed["seconds"] / cold["seconds"]
        if cold.get("cpu_s") and changed.get("cpu_s"):
            changed["of_cold_cpu"] = changed["cpu_s"] / cold["cpu_s"]


def targets(rows: dict[str, Row], articles: int) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of the issue that this run measured."""
    def get(row: str, key: str) -> Any:
        return rows.get(row, {}).get(key)

    out: list[tuple[str, str, bool | None]] = []
    ratio, cpu_ratio = get("extract-1", "x_floor"), get("extract-1", "x_floor_cpu")
    out.append(("extract >= 1/4 of the floor's MB/s", _fmt(ratio, "{:.3f} x floor (wall)") + ("" if cpu_ratio is None else f", {cpu_ratio:.3f} (CPU)"),
                None if ratio is None else ratio >= 0.25))
    speedup = get("extract-2", "speedup")
    out.append(("--jobs 2 >= 1.7x one process", _fmt(speedup, "{:.2f}x"), None if speedup is None else speedup >= 1.7))
    same = get("extract-2", "identical")
    out.append(("--jobs 2 output byte-identical", _fmt(same, "{}"), same))
    million = rows.get("reconcile-1000000", {})
    if "seconds" in million:
        ok = million["seconds"] < 2 and million["rss_mb"] < 1024
        out.append(("1M claims reconciled < 2 s, < 1 GB", f"{million['seconds']:.2f} s, {million['rss_mb']:.0f} MB", ok))
    cold = rows.get("report-cold", {})
    if "rss_mb" in cold and "seconds" in cold:
        peak = cold["rss_mb"] + cold.get("workers_rss_mb", 0)
        out.append((f"peak RSS for {articles:,} articles < 500 MB", f"{peak:.0f} MB (main + largest worker)",
                    peak < 500))
    share, cpu_share = get("check-1-changed", "of_cold"), get("check-1-changed", "of_cold_cpu")
    out.append(("warm check, 1 source changed < 5 % of a cold check",
                _fmt(share, "{:.1%} (wall)") + ("" if cpu_share is None else f", {cpu_share:.1%} (CPU)"),
                None if share is None else share < 0.05))
    return out


def _fmt(value: Any, pattern: str) -> str:
    return "not measured" if value is None else pattern.format(value)


COLUMNS = [("row", "{}"), ("seconds", "{:.2f}"), ("cpu_s", "{:.2f}"), ("mb_s", "{:.2f}"), ("cpu_mb_s", "{:.2f}"), ("docs_s", "{:,.0f}"), ("words_s", "{:,.0f}"),
           ("x_floor", "{:.3f}"), ("x_floor_cpu", "{:.3f}"), ("rss_mb", "{:,.0f}"), ("workers_rss_mb", "{:,.0f}"), ("vs_last", "{:.2f}x"),
           ("note", "{}")]


def render_table(names: list[tuple[str, str]], rows: dict[str, Row]) -> str:
    """The results as a Markdown table, rows in plan order."""
    header = ["step", "wall s", "CPU s", "MB/s", "MB/CPU-s", "docs/s", "words/s", "x floor", "x floor (CPU)", "peak RSS MB", "workers MB", "vs last", "note"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, label in names:
        row = {"row": label, **rows.get(name, {}), "note": _note(rows.get(name, {}))}
        cells = ["" if row.get(key) is None else pattern.format(row[key]) for key, pattern in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _note(row: Row) -> str:
    if "error" in row:
        return str(row["error"])
    parts = []
    for key, pattern in [("speedup", "{:.2f}x one process"), ("identical", "identical: {}"), ("claims", "{:,} claims"),
                         ("findings", "{:,} findings"), ("extracted", "extracted {:,}"), ("cached", "cached {:,}"),
                         ("of_cold", "{:.1%} of cold"), ("runs", "fastest of {} runs"), ("slowest_s", "slowest {:.2f} s"),
                         ("note", "{}"), ("via", "via {}")]:
        if row.get(key) is not None:
            parts.append(pattern.format(row[key]))
    return "; ".join(parts)


def machine() -> dict[str, Any]:
    """What the run ran on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    return {"platform": platform.platform(), "cpu": model or platform.processor(), "cores": os.cpu_count(),
            "memory_gb": round(memory / 1e9, 1), "python": platform.python_version()}


def compare_with_last(rows: dict[str, Row], params: dict[str, Any]) -> None:
    """Set `vs_last` (this run's seconds / the last run's) when latest.json has the same sizes."""
    latest = RESULTS / "latest.json"
    if not latest.is_file():
        return
    last = json.loads(latest.read_text())
    if last.get("params", {}).get("articles") != params["articles"]:
        return
    for name, row in rows.items():
        before = last.get("rows", {}).get(name, {}).get("seconds")
        if before and row.get("seconds"):
            row["vs_last"] = row["seconds"] / before


def save(result: dict[str, Any]) -> Path:
    """Write bench/results/<UTC timestamp>.json and latest.json; the timestamped path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{result['finished'].replace(':', '').replace('-', '')}.json"
    text = json.dumps(result, indent=2, sort_keys=True) + "\n"
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return path


def run_parent(args: argparse.Namespace) -> None:
    """Run every planned row in order, print the table and the targets, save the JSON."""
    args.corpus = args.corpus or Path(tempfile.gettempdir()) / f"claimrecon-bench-corpus-{args.articles}-s{args.seed}"
    wanted = set(args.rows.split(",")) if args.rows else None
    args.selected = lambda name: not wanted or name in wanted or name == "generate" or name.split("-")[0] in wanted
    names: list[tuple[str, str]] = []
    rows: dict[str, Row] = {}
    for name, label, run in plan(args):
        if not args.selected(name):
            continue
        print(f"… {label}", file=sys.stderr, flush=True)
        names.append((name, label))
        rows[name] = run()
    derive(rows)
    params = {"articles": args.articles, "seed": args.seed, "reconcile_sizes": args.reconcile_sizes,
              "jobs_report": args.jobs}
    compare_with_last(rows, params)
    checks = targets(rows, args.articles)
    result = {"finished": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "machine": machine(),
              "params": params, "rows": rows, "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in checks]}
    print(render_table(names, rows))
    print()
    for target, measured, ok in checks:
        print(f"- [{'x' if ok else ' '}] {target}: {measured}")
    if not args.no_save:
        print(f"\nsaved {save(result).relative_to(HERE.parent)} and bench/results/latest.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the corpus (default 10,000)")
    parser.add_argument("--quick", action="store_true", help="1,000 articles, reconciliation up to 100k claims")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rows", help="comma-separated rows to run (floor, load, extract, reconcile, report, ...)")
    parser.add_argument("--no-save", action="store_true", help="print the table but write no results file")
    parser.add_argument("--corpus", type=Path, help="where the generated corpus lives (default: system temp)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for extract rows / report rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each repeatable row; the fastest is kept (default 3)")
    parser.add_argument("--row", choices=sorted(ROWS), help=argparse.SUPPRESS)
    parser.add_argument("--claims", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    parser.add_argument("--format", default="json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row:
        run_child(args)
        return
    if args.quick:
        args.articles = 1_000 if args.articles == 10_000 else args.articles
    args.reconcile_sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    run_parent(args)


if __name__ == "__main__":
    main()
