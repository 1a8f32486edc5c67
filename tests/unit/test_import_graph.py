"""The project's import graph has no circle and flows one way (README: pages -> warehouse, etl -> warehouse,
reports -> warehouse; warehouse never imports streamlit, pages, etl or reports).

A circle makes a module's import order matter and two modules one to change; an upward import drags the
dashboard into the CLI or a document into the warehouse. An import inside a function counts (it runs
when called), so a circle cannot hide by moving an import into a function body. An import under ``if
TYPE_CHECKING:`` never runs: it counts for the one-way flow (a dependency all the same) but not as a
circle (two modules may name each other's types). Read from the source with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pages", "etl", "warehouse", "reports", "labels", "bench")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    files = [ROOT / "app.py", *(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))]
    return {_module_name(p): p for p in sorted(files)}


SOURCES = _sources()


def _typing_only(tree: ast.Module) -> set[int]:
    """The ids of the import nodes under ``if TYPE_CHECKING:`` (never run)."""
    guarded = [n for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)]
    return {id(i) for g in guarded for b in g.body for i in ast.walk(b) if isinstance(i, ast.Import | ast.ImportFrom)}


def _imported_names(name: str, path: Path, tree: ast.Module, runtime: bool = False) -> set[str]:
    """Every dotted name ``path`` (parsed: ``tree``) imports, anywhere in the file (with ``runtime``, not
    those under TYPE_CHECKING): ``from a.b import c`` gives ``a.b.c`` (a module or a name in a.b, resolved
    later); relative imports are made absolute."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    skip = _typing_only(tree) if runtime else set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _project_module(dotted: str) -> str | None:
    """The project module a dotted import name lands in (its longest prefix that is one), or None."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in SOURCES:
            return candidate
    return None


@cache
def _trees() -> dict[str, ast.Module]:
    """Every module parsed once, when a test first asks (not at collection, in every worker)."""
    return {name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for name, path in SOURCES.items()}


@cache
def imports() -> dict[str, set[str]]:
    return {name: _imported_names(name, SOURCES[name], tree) for name, tree in _trees().items()}


@cache
def graph() -> dict[str, set[str]]:
    """The modules each one imports when it runs (what can go round in a circle)."""
    return {
        name: {
            m for m in map(_project_module, _imported_names(name, SOURCES[name], tree, True)) if m not in (None, name)
        }
        for name, tree in _trees().items()
    }


def _a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of ``graph`` as a closed path [a, b, ..., a], or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def _top(dotted: str) -> str:
    return dotted.split(".")[0]


def _offenders(package: str, forbidden: set[str]) -> list[str]:
    return sorted(
        f"{name} imports {dotted}"
        for name, names in imports().items()
        if _top(name) == package
        for dotted in names
        if _top(dotted) in forbidden
    )


def test_the_graph_is_read() -> None:
    assert {"app", "warehouse.registry", "pages.components.data", "reports.evidence", "labels"} <= set(graph())
    assert "warehouse.registry" in graph()["warehouse.rankings"]
    assert "pages.components.data" in graph()["pages.components.oversight_data"]
    assert "warehouse.registry" in graph()["labels"]  # imported only inside labels' functions


def test_the_cycle_finder_finds_a_circle() -> None:
    """The finder itself: a circle is named as a closed path, a graph without one (shared leaves) is not."""
    assert _a_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _a_cycle({"d": {"b"}, "a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_circle() -> None:
    cycle = _a_cycle(graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_warehouse_imports_no_streamlit_pages_etl_or_reports() -> None:
    assert _offenders("warehouse", {"streamlit", "pages", "etl", "reports"}) == []


def test_etl_imports_no_pages_or_reports() -> None:
    assert _offenders("etl", {"pages", "reports"}) == []


def test_reports_import_no_pages() -> None:
    assert _offenders("reports", {"pages", "streamlit"}) == []
