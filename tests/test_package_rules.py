"""Rules of STYLE.md that keep the code honest: domain knowledge lives in data, public names are pinned."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from claims import expand_alias, load_pack

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["sources", "claims", "reconcile", "reports", "claimrecon"]


def _literals(path: Path) -> list[tuple[int, str]]:
    """String constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _domain_words() -> set[str]:
    pack = load_pack()
    words = {e.id for e in pack.entities} | {c.id for entries in pack.catalogues.values() for c in entries}
    words |= {a for e in pack.entities for t in e.aliases for a in expand_alias(t)}
    return {w.lower() for w in words if len(w) >= 3}


def test_no_entity_alias_or_catalogue_id_is_written_in_package_code() -> None:
    words = _domain_words()
    pattern = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w-])")
    found = [(str(p.relative_to(ROOT)), line, text) for package in PACKAGES
             for p in (ROOT / package).rglob("*.py") for line, text in _literals(p)
             if pattern.search(text.lower())]
    assert found == []


PUBLIC = {
    "sources": ["Corpus", "CorpusPlan", "EncodedSource", "FrontMatterError", "InputError", "LocatedYaml",
                "ManifestError", "Problem", "Published", "Source", "SourceFileError", "SourceTable", "SourceTask",
                "describe_loc", "iter_corpus", "load_corpus", "load_source", "load_task", "parse_yaml_located",
                "plan_corpus", "published_by_id", "sample_corpus", "sources_by_id"],
}


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_is_importable_and_sorted(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.{name} is listed in __all__ but missing"


@pytest.mark.parametrize("package, names", sorted(PUBLIC.items()))
def test_public_api_is_pinned(package: str, names: list[str]) -> None:
    assert importlib.import_module(package).__all__ == names
