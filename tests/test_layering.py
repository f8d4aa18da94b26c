"""The packages depend one way: sources ← claims ← reconcile ← reports ← claimrecon."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["sources", "claims", "reconcile", "reports", "claimrecon"]


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(top-level project package imported, whether it names an inner module) for each import."""
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in ORDER:
                out.append((top, "." in name))
    return out


@pytest.mark.parametrize("package", ORDER)
def test_package_imports_only_packages_to_its_left(package: str) -> None:
    allowed = set(ORDER[: ORDER.index(package) + 1])
    bad = [(str(p.relative_to(ROOT)), top) for p in (ROOT / package).rglob("*.py")
           for top, _ in _imports(p) if top not in allowed]
    assert bad == [], f"backwards imports: {bad}"


@pytest.mark.parametrize("package", ORDER)
def test_other_packages_are_imported_from_their_top_level(package: str) -> None:
    bad = [(str(p.relative_to(ROOT)), top) for p in (ROOT / package).rglob("*.py")
           for top, inner in _imports(p) if top != package and inner]
    assert bad == [], f"imports of another package's inner module: {bad}"
