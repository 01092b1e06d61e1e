"""The house: kg/ is a package per stage of the one-way data flow, and no module imports
from a later stage (nor from a sibling it does not build on)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

KG = ROOT / "kg"

# Each stage and the stages it may import. Data flows one way: data files -> compiled graph
# -> questions -> analysis and views; Neo4j is a backend beside them, fed by the graph.
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "data": {"core"},
    "graph": {"core", "data"},
    "ask": {"core", "data", "graph"},
    "analysis": {"core", "data", "graph", "ask"},
    "views": {"core", "data", "graph", "ask", "analysis"},
    "neo4j": {"core", "data", "graph", "ask"},
}
# Modules beside the stages: the Python API (kg/api.py, ``kg.open()``) sits on top of every
# stage and no stage imports it; kg/__init__.py may import it, inside ``open`` only.
FACADES: dict[str, set[str]] = {"api": set(MAY_IMPORT)}


def stage_of(module: str) -> str | None:
    """``kg.graph.store`` -> ``graph``; ``kg`` itself (the constants) -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "kg" else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def kg_imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """Every kg module ``path`` imports (relative imports resolved), with its line."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "kg" or target.startswith("kg."):
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    exists = (ROOT / Path(*candidate.split("."))).with_suffix(".py").is_file() \
                        or (ROOT / Path(*candidate.split("."))).is_dir()
                    found.append((node.lineno, candidate if exists else target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names
                      if a.name == "kg" or a.name.startswith("kg.")]
    return found


MODULES = sorted(p for p in KG.rglob("*.py") if "_bundled" not in p.parts)


def test_every_module_lives_in_a_stage_package() -> None:
    loose = [p.name for p in KG.glob("*.py")
             if p.name != "__init__.py" and p.stem not in FACADES]
    assert loose == [], "put each module in the package of its stage: " + ", ".join(loose)
    stages = {p.name for p in KG.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert stages == set(MAY_IMPORT)


@pytest.mark.parametrize("stage", sorted(MAY_IMPORT))
def test_each_package_says_what_it_holds_and_may_import(stage: str) -> None:
    doc = ast.get_docstring(ast.parse((KG / stage / "__init__.py").read_text("utf-8"))) or ""
    assert "May import:" in doc, f"kg/{stage}/__init__.py must say what it may import"
    allowed = doc.split("May import:", 1)[1]
    for other in MAY_IMPORT[stage]:
        assert f"kg.{other}" in allowed, f"kg/{stage}/__init__.py does not list kg.{other}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_from_a_later_stage(path: Path) -> None:
    own = stage_of(module_name(path))
    if own is None:  # kg/__init__.py: the namespace constants, and kg.open from kg.api
        assert [target for _, target in kg_imports(path)] in ([], ["kg.api"])
        return
    allowed = FACADES.get(own, MAY_IMPORT.get(own, set()))
    wrong = [f"line {line}: {target}" for line, target in kg_imports(path)
             if (stage := stage_of(target)) is not None and stage != own
             and stage not in allowed]
    assert wrong == [], f"kg.{own} may import only {sorted(allowed)}: {wrong}"


def test_the_check_sees_a_violation() -> None:
    """The test above can fail: a data module importing the store is caught."""
    probe = "from kg.graph.store import open_store\nfrom ..ask import show\n"
    targets = [target for _, target in kg_imports(KG / "data" / "probe.py", probe)]
    assert targets == ["kg.graph.store", "kg.ask.show"]
    assert {stage_of(t) for t in targets} - MAY_IMPORT["data"] == {"graph", "ask"}
