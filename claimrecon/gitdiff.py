"""Which sources changed since a git ref (for `check --since`)."""
from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from sources import InputError

_SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm")


def changed_since(ref: str, corpus: Path | None) -> set[str]:
    """Ids of sources added or changed since `ref`: committed, staged, unstaged or untracked."""
    if corpus is None:
        raise InputError("<sample>", None, "--since needs a corpus folder inside a git repository")
    # Outside a repository `git diff REF` would compare paths instead and fail obscurely: ask first.
    _git(["rev-parse", "--git-dir"], corpus, ref)
    names = _git(["diff", "--name-only", "--relative", "--no-renames", ref, "--", "."], corpus, ref).splitlines()
    names += _git(["ls-files", "--others", "--exclude-standard", "--", "."], corpus, ref).splitlines()
    out: set[str] = set()
    for name in filter(None, names):
        path = PurePosixPath(name)
        if path.suffix.lower() in _SOURCE_SUFFIXES:
            out.add(str(path.with_suffix("")))
    return out


def _git(args: list[str], cwd: Path, ref: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise InputError(str(cwd), None, "--since needs git, which is not installed") from exc
    except NotADirectoryError as exc:
        raise InputError(str(cwd), None, "--since needs a corpus folder") from exc
    if proc.returncode != 0:
        reason = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        raise InputError(str(cwd), None, f"--since {ref}: git failed: {reason}")
    return proc.stdout
