"""The Flight benchmark on one day: claimrecon's suggestions beat a majority vote."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".." / "shared" / "datasets" / "flight"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("flight_bench", ROOT / "bench" / "flight.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    if not (DATA / "conflicting_data").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the Flight data set is missing at {DATA} (CI=true: not skipping)")
        pytest.skip(f"the Flight data set is not at {DATA}")
    return _bench()


@pytest.fixture(scope="module")
def day(bench: ModuleType) -> object:
    return bench.load_day("20111201", DATA, bench.load_mapping(bench.MAPPING))


@pytest.mark.parametrize("without_primary", [False, True], ids=["all-sources", "without-airlines"])
def test_flight_suggestions_beat_majority_vote(bench: ModuleType, day: object, without_primary: bool) -> None:
    drop = set(bench.load_mapping(bench.MAPPING).primary_sources) if without_primary else set()
    result = bench.run_day(day, drop=drop, options=bench.TruthOptions())
    items = sum(result.items.values())
    assert items > 500
    assert sum(result.right.values()) > sum(result.majority_right.values())
    assert sum(result.right.values()) / items >= 0.9
