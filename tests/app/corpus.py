"""Helpers for the end-to-end tests: corpora in a temporary folder, git repositories, running the CLI.

The tests never touch the bundled corpus itself: they copy it (`copy_sample`) and work on the copy.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from claimrecon.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sources" / "sample"
PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH = ROOT / "bench"
_GIT_IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false",
                 "-c", "init.defaultBranch=main"]


@dataclass(frozen=True)
class Run:
    """What one `claimrecon` command did: its exit code and what it wrote."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """The standard output parsed as JSON."""
        return json.loads(self.out)


def run_cli(*args: str | Path) -> Run:
    """Run `claimrecon ARGS` in this process through `claimrecon.cli.main`, capturing what it writes.

    Usage errors (argparse's exit) give code 2, `--help` code 0, as from the console script.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


def run_process(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m claimrecon ARGS` as its own process (where the process boundary matters)."""
    return subprocess.run([str(PYTHON), "-m", "claimrecon", *(str(a) for a in args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})},
                          check=False)


def copy_sample(dest: Path) -> Path:
    """A copy of the bundled sample corpus (five articles and sources.yaml) at `dest`; returns `dest`."""
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns(".claimrecon-cache", "reviews.yaml*"))
    return dest


def write_source(folder: Path, name: str, body: str, **meta: str) -> Path:
    """Write a source file `name` under `folder` with YAML front matter from `meta` (if any)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    front = "---\n" + yaml.safe_dump(meta, sort_keys=True) + "---\n" if meta else ""
    path.write_text(front + body, encoding="utf-8")
    return path


def line_of(path: Path, sentence: str) -> int:
    """The 1-based line of `path` on which `sentence` appears."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if sentence in line)


def generated_corpus(folder: Path, n: int, *, seed: int = 0) -> Path:
    """`n` synthetic news-like articles with their sources.yaml (bench/corpus_gen.py) in `folder`."""
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_gen import generate_corpus  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCH))
    generate_corpus(folder, n, seed=seed)
    return folder


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed test identity; returns its standard output."""
    done = subprocess.run(["git", *_GIT_IDENTITY, *args], cwd=repo, capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout


def git_init(repo: Path) -> Path:
    """Make `repo` a git repository holding everything now in it in one commit."""
    git(repo, "init", "-q")
    git_commit(repo, "initial corpus")
    return repo


def git_commit(repo: Path, message: str) -> None:
    """Commit everything in `repo` (new, changed and removed files)."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def finding_ids(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    """`{(entity, field): finding_id}` of a `report --format json` document."""
    return {(f["entity"], f["field"]): f["finding_id"] for f in report["findings"]}
