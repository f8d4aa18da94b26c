"""Benchmark: claimrecon's suggested values on the Flight data set against its gold standard.

    .venv/bin/python bench/flight.py [--data ../shared/datasets/flight] [--days 20111201 ...]

For each day it loads the sources' table through `claims.tables` (mapping: bench/flight_pack.yaml),
reconciles it with `reconcile.reconcile_claims`, estimates the truth with `reconcile.truth`, and
prints, per attribute and overall, the precision of the suggested values next to a majority vote
computed from the same findings. It runs twice: with every source, and without the sources the
mapping marks as primary (the airlines). A data item is a flight × attribute in the gold standard
with a value; times count as right when they name the same day and minute (local wall clock).
The data stay in ../shared; nothing is copied.
"""
from __future__ import annotations

import argparse
import gc
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from claims import Claim, DateValue, RefValue, TypedValue
from claims.tables import TableClaims, TableMapping, load_mapping, load_table
from reconcile.findings import reconcile_claims
from reconcile.models import Finding
from reconcile.truth import TruthOptions, estimate_truth, truth_key

HERE = Path(__file__).resolve().parent
MAPPING = HERE / "flight_pack.yaml"
DEFAULT_DATA = HERE.parent / ".." / "shared" / "datasets" / "flight"
Answer = tuple[str, ...]


@dataclass(frozen=True)
class DayResult:
    """Counts of right answers per attribute for one day and one source selection."""

    day: str
    right: dict[str, int]
    majority_right: dict[str, int]
    items: dict[str, int]
    claims: int
    seconds: float


def answer(value: TypedValue) -> Answer:
    """What the gold standard checks: day and minute of a time, the code of a gate."""
    if isinstance(value, DateValue):
        return (str(value.start), str(value.minute))
    if isinstance(value, RefValue):
        return (value.id,)
    return (truth_key(value),)


def load_gold(path: Path, mapping: TableMapping, day: dt.date) -> dict[tuple[str, str], Answer]:
    """(flight, field) → the gold answer, read with the same mapping and normalisers as the sources."""
    rows = path.read_text(encoding=mapping.encoding).splitlines()
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "gold.tsv"  # the gold rows lack the source column: add one
        table.write_text("".join(f"gold\t{row}\n" for row in rows if row.strip()), encoding=mapping.encoding)
        result = load_table(table, mapping, reference=day)
    return {(c.entity, c.field): answer(c.value) for c in result.claims}


def majority(findings: Iterable[Finding]) -> dict[tuple[str, str], Answer]:
    """The value stated by most sources per finding; ties go to the smallest answer (not file order)."""
    out = {}
    for finding in findings:
        counts: dict[Answer, set[str]] = {}
        for group in finding.values:
            counts.setdefault(answer(group.value), set()).update(group.sources)
        out[finding.entity, finding.field] = min(counts, key=lambda a: (-len(counts[a]), a))
    return out


@dataclass(frozen=True)
class Day:
    """One day of the data set, loaded: the gold answers and the sources' table."""

    name: str
    gold: dict[tuple[str, str], Answer]
    table: TableClaims
    load_seconds: float


def load_day(day: str, data: Path, mapping: TableMapping) -> Day:
    """The gold standard and the claims table of one day (`20111201`)."""
    reference = dt.datetime.strptime(day, "%Y%m%d").date()
    gold = load_gold(data / "ground_truth" / f"{day}.txt", mapping, reference)
    start = time.perf_counter()
    table = load_table(data / "conflicting_data" / f"{day}.txt", mapping, reference=reference)
    return Day(day, gold, table, time.perf_counter() - start)


def run_day(day: Day, *, drop: set[str], options: TruthOptions) -> DayResult:
    """Reconcile and score one loaded day; `drop` removes those sources' claims first.

    The time counts loading the table, reconciling and estimating the truth.
    """
    start = time.perf_counter()
    claims: list[Claim] = [c for c in day.table.claims if c.source_id not in drop]
    sources = [s for s in day.table.sources if s.id not in drop]
    findings = reconcile_claims(claims, day.table.pack)
    truth = estimate_truth(findings, day.table.pack, sources=sources, options=options)
    seconds = day.load_seconds + time.perf_counter() - start
    suggested = {(f.entity, f.field): answer(truth.suggestions[f.finding_id].value) for f in findings}
    voted = majority(findings)
    right: dict[str, int] = {}
    majority_right: dict[str, int] = {}
    items: dict[str, int] = {}
    for (flight, field), expected in day.gold.items():
        items[field] = items.get(field, 0) + 1
        right[field] = right.get(field, 0) + (suggested.get((flight, field)) == expected)
        majority_right[field] = majority_right.get(field, 0) + (voted.get((flight, field)) == expected)
    return DayResult(day.name, right, majority_right, items, len(claims), seconds)


def render(results: Sequence[DayResult], fields: Sequence[str], title: str) -> str:
    """A text table: precision per day and attribute, claimrecon / majority vote."""
    lines = [title, f"{'day':<10}" + "".join(f"{f[:18]:>20}" for f in [*fields, "overall"]) + f"{'s':>7}{'claims/s':>10}"]
    for r in [*results, _total(results)]:
        cells = [_cell(r.right.get(f, 0), r.majority_right.get(f, 0), r.items.get(f, 0)) for f in fields]
        cells.append(_cell(sum(r.right.values()), sum(r.majority_right.values()), sum(r.items.values())))
        rate = r.claims / r.seconds if r.seconds else 0.0
        lines.append(f"{r.day:<10}" + "".join(f"{c:>20}" for c in cells) + f"{r.seconds:>7.2f}{rate:>10.0f}")
    return "\n".join(lines)


def _cell(right: int, majority_right: int, items: int) -> str:
    if not items:
        return "-"
    return f"{right / items:.3f} / {majority_right / items:.3f}"


def _total(results: Sequence[DayResult]) -> DayResult:
    def add(name: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in results:
            for k, v in getattr(r, name).items():
                out[k] = out.get(k, 0) + v
        return out
    return DayResult("all", add("right"), add("majority_right"), add("items"),
                     sum(r.claims for r in results), sum(r.seconds for r in results))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print both tables (claimrecon / majority in each cell)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--days", nargs="*")
    args = parser.parse_args(argv)
    gc.disable()  # as the CLI does: millions of claims, no cycles worth collecting
    mapping = load_mapping(MAPPING)
    days = args.days or sorted(p.stem for p in (args.data / "conflicting_data").glob("*.txt"))
    fields = [spec.field or column for column, spec in mapping.fields.items()]
    options = TruthOptions()
    loaded = [load_day(day, args.data, mapping) for day in days]
    for title, drop in (("all sources", set()), ("without primary sources", set(mapping.primary_sources))):
        results = [run_day(day, drop=drop, options=options) for day in loaded]
        sys.stdout.write(render(results, fields, f"precision, claimrecon / majority vote — {title}") + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
