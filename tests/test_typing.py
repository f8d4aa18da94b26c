"""The packages type-check under `mypy --strict` (STYLE.md section 7)."""
from __future__ import annotations

import subprocess
import sys

from tests.shared import ROOT


def test_packages_pass_mypy_strict() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
