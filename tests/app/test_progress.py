"""The progress line: on stderr when it is a terminal, silent otherwise."""
from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.shared import ROOT


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for i in range(5):
        (folder / f"a{i}.txt").write_text(f"LUPEX will launch in {2025 + i}.\n", encoding="utf-8")
    return folder


def _run(corpus: Path, stderr: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "claimrecon", "extract", str(corpus), "--no-cache"],
                          cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, check=False)


def test_progress_is_shown_on_a_terminal(tmp_path: Path) -> None:
    main, replica = pty.openpty()
    try:
        done = _run(_corpus(tmp_path / "c"), replica)
        os.close(replica)
        shown = b""
        try:
            while chunk := os.read(main, 4096):
                shown += chunk
        except OSError:  # the terminal is closed once everything was read
            pass
    finally:
        os.close(main)
    assert done.returncode == 0
    assert b"sources read" in shown


def test_progress_is_silent_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    done = _run(_corpus(tmp_path / "c"), subprocess.PIPE)
    assert done.returncode == 0 and done.stderr == b""
