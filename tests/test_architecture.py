"""The import rule of README "Layout": core modules import no feature, and feature packages form no cycle.

Only module-level imports count (what runs at import time and ties packages together); imports under
``if TYPE_CHECKING:`` and inside functions do not. The layer table below is the README's, checked here so a new
package or a new upward import shows up as a failing test instead of a knot found months later.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "moderation"

#: Lowest first; a feature may import features of lower layers only (README "Layout").
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"audit"}),
    frozenset({"moderators", "webhooks", "articles", "readers"}),
    frozenset({"comments", "demo"}),
    frozenset({"reports", "filters", "claims", "votes", "notifications"}),
    frozenset({"queue", "watchwords", "toxicity"}),
    frozenset({"campaigns"}),
    frozenset({"bans"}),
    frozenset({"submission"}),
    frozenset({"health", "admin", "privacy", "archives"}),
)


def features() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/__init__.py")}


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _module_level_imports(tree: ast.Module) -> Iterator[tuple[str, list[str], int]]:
    """(module, imported names, relative level) of every import that runs when the module is imported."""
    for statement in tree.body:
        if _is_type_checking(statement) or isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.ImportFrom):
                yield node.module or "", [alias.name for alias in node.names], node.level
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name, [], 0


def _targets(path: Path, module: str, names: list[str], level: int, known: set[str]) -> set[str]:
    """The feature packages one import statement reaches."""
    if level:
        base = list(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-level])
        module = ".".join([*base, module] if module else base)
    parts = module.split(".")
    if parts[0] != "moderation":
        return set()
    if len(parts) == 1:  # from moderation import comments
        return {name for name in names if name in known}
    return {parts[1]} if parts[1] in known else set()


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Feature -> features it imports, and core module -> features it imports."""
    known = features()
    graph: dict[str, set[str]] = {name: set() for name in known}
    core: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        owner = parts[0] if len(parts) > 1 else None
        for module, names, level in _module_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            reached = _targets(path, module, names, level, known) - {owner}
            if owner is None:
                core.setdefault(path.name, set()).update(reached)
            else:
                graph[owner].update(reached)
    return graph, core


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
    ],
)
def test_cycle_finder(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_feature_packages_form_no_import_cycle() -> None:
    graph, _ = import_graph()
    assert find_cycle(graph) is None, f"import cycle between feature packages: {' -> '.join(find_cycle(graph) or [])}"


def test_core_modules_import_no_feature() -> None:
    _, core = import_graph()
    assert {module: sorted(reached) for module, reached in core.items() if reached} == {}


def test_every_feature_sits_in_a_layer_and_imports_only_lower_layers() -> None:
    graph, _ = import_graph()
    layer_of = {name: index for index, layer in enumerate(LAYERS) for name in layer}
    assert set(graph) == set(layer_of), "add new feature packages to LAYERS (and to README 'Layout')"
    upward = {
        f"{source} -> {target}"
        for source, targets in graph.items()
        for target in targets
        if layer_of[target] >= layer_of[source]
    }
    assert upward == set()
