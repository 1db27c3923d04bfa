"""The layout holds: no import cycles, dependencies point down, a small package root.

Imports are read from the source, so those inside functions and under TYPE_CHECKING count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

COACH = Path(__file__).resolve().parent.parent / "coach"

# Lower layers never import higher ones (ARCHITECTURE.md); equal ranks may import each other,
# and the cycle test keeps those honest.
LAYERS = {
    "domain": 0,
    "content": 1,
    "settings": 1,
    "private": 1,
    "locks": 1,
    "parsing": 1,
    "search": 2,
    "understanding": 2,
    "answering": 2,
    "tailoring": 2,
    "training": 2,
    "tracking": 2,
    "brains": 3,
    "engine": 4,
    "web": 5,
    "handoff": 5,
    "cli": 6,
    "__main__": 7,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(COACH.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(COACH.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every coach module `name` imports, wherever in the file the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    return {m for m in found if m in known and m != name and m not in ancestors}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _layer(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_no_two_modules_import_each_other_directly_or_through_others() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle_through_a_third_module() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_dependencies_point_down_the_layers() -> None:
    upward = [
        f"{source} -> {target}"
        for source, targets in import_graph().items()
        for target in targets
        if _layer(source) in LAYERS
        and _layer(target) in LAYERS
        and LAYERS[_layer(target)] > LAYERS[_layer(source)]
    ]
    assert upward == []


def test_every_package_has_a_layer() -> None:
    tops = {_layer(name) for name in import_graph() if "." in name}
    assert tops - {"__init__"} <= set(LAYERS)


@pytest.mark.parametrize("low", ["domain", "parsing", "content"])
def test_the_bottom_layers_import_nothing_above_themselves(low: str) -> None:
    graph = import_graph()
    reached = {t for s, ts in graph.items() if _layer(s) == low for t in ts}
    assert {_layer(t) for t in reached} <= {low, *(k for k, v in LAYERS.items() if v < LAYERS[low])}


def test_the_package_root_holds_at_most_eight_modules() -> None:
    loose = [p.name for p in COACH.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(loose) <= 8, loose
