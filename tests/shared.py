"""Locating ../shared (the seeds, the evaluation tool, benchmark data) from the tests.

It exists in CI and on developers' machines, not in a user's clone: tests that need it skip
with a reason when it is absent, except under CI=true, where its absence is a failure.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """The path under ../shared, or skip (fail in CI) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} is not here: ../shared exists only beside a development checkout"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path
