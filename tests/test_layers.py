"""The package's shape: no import circle, imports flow one way, the store stays light.

Read from the source with ``ast`` (every import counts, including those inside
functions; only ``if TYPE_CHECKING:`` blocks are left out, as they never run), so a
delayed import cannot hide a circle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("feeds", "dashboard")

# Layers of feeds/, lowest first: a module may import its own group and lower layers.
LAYERS = {
    "text": 0,
    "config": 0,
    "lexicon": 1,
    "score": 2,
    "store": 2,
    "ingest": 3,
    "brief": 3,
    "demo": 4,
    "rescore": 4,
    "alerts": 4,
    "cli": 5,
}
SAME_LAYER_GROUPS: dict[str, str] = {"khmer_spelling": "text"}  # the Khmer half of text


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if "migrations" in parts:
                continue  # Alembic loads these by path; they are not imported
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules that ``name`` imports (a submodule when one is named)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    targets.add(resolve(alias.name))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in modules else resolve(base))
            visit(child)

    visit(tree)
    targets.discard(None)
    targets.discard(name)
    return targets


GRAPH = {name: _imports(name, path, _modules()) for name, path in _modules().items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return out


def test_the_guard_sees_imports_and_circles():
    assert "feeds.lexicon" in GRAPH["feeds.score.matcher"]
    assert "feeds.store.schema" in GRAPH["feeds.store.writes"]  # from feeds.store import schema
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle():
    assert _cycles(GRAPH) == []


def test_feeds_never_imports_the_dashboard():
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if name.startswith("feeds")
        for target in targets
        if target.split(".")[0] == "dashboard"
    )
    assert wrong == []


def _group(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != "feeds" or len(parts) < 2:
        return None
    return SAME_LAYER_GROUPS.get(parts[1], parts[1])


def test_imports_flow_down_the_layers():
    """cli -> demo, rescore -> ingest -> score, store -> lexicon -> text, config."""
    assert {_group(n) for n in GRAPH if _group(n)} <= set(LAYERS), "a new folder needs a layer"
    wrong = []
    for name, targets in GRAPH.items():
        here = _group(name)
        if here is None:
            continue
        for target in targets:
            there = _group(target)
            if there is None or there == here:
                continue
            if LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{name} -> {target}")
    assert sorted(wrong) == []


@pytest.mark.parametrize("module", ["feeds.store", "feeds.lexicon", "feeds.cli"])
def test_reading_the_store_loads_no_scorer(module):
    """The dashboard and the CLI's start-up import these; VADER and the matcher are heavy."""
    code = (
        f"import sys, {module}\n"
        "print(sorted(m for m in sys.modules if m.startswith(('feeds.score', 'vaderSentiment'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip()
    assert out == "[]"
