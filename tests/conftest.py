"""Shared test options: `pytest --update-goldens` rewrites tests/golden/* from the current output."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files in tests/golden/ instead of comparing with them")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """`golden(name, text)`: assert `text` equals tests/golden/<name> byte for byte (or rewrite it)."""
    update = bool(request.config.getoption("--update-goldens"))

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
            return
        assert path.is_file(), f"{path} is missing: run `pytest --update-goldens` and review the new file"
        expected = path.read_bytes().decode("utf-8")
        assert text == expected, f"output differs from {path}; if the change is intended, run `pytest --update-goldens`"

    return check
