"""Layers only reach down, and no module imports itself round a loop.

Every module of ``fosterreport/`` is parsed with :mod:`ast` (nothing is imported), and
every import it makes becomes an edge of a graph whose nodes are modules; a package's
``__init__`` is a node of its own (``fosterreport.context``), so ``context/__init__.py``
importing ``render/narrative.py`` and ``render/narrative.py`` importing
``fosterreport.context`` is a cycle. Imports inside functions count: they run as soon as
the function does, and a lazy import is a dependency all the same.

Imports under ``if TYPE_CHECKING:`` never run, so they cannot make an import cycle and
are left out of the cycle check; but a type named from a layer above is knowledge of that
layer all the same, so they count for the layer check. Exempt from both, and only this:
``from fosterreport import __version__``: the root package's body defines only
  ``__version__`` (its public API is lazy, in ``__getattr__``), so reading the version
  depends on nothing. The root package itself, that lazy API, is the top layer.

:data:`LAYERS` is the one statement of the layering, lowest first; a module may import
from its own layer or any below it, never from one above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fosterreport"
ROOT = "fosterreport"
#: Names read from the root package that depend on nothing (see the module docstring).
ROOT_CONSTANTS = {"__version__"}

#: Lowest first. Each entry is a module or package name (a package covers its modules);
#: the longest matching entry decides a module's layer.
LAYERS: list[tuple[str, ...]] = [
    # words, values and errors every stage shares; no stage below them
    ("exitcodes", "exceptions", "formatting", "text", "values", "problems", "codes", "embedded", "__version__"),
    # what an extract is, what a KPI is (the catalogue and its keys, which the settings
    # check targets against), the settings, the calendar
    ("contract", "kpis.catalogue", "kpis.keys", "config", "periods", "schema"),
    # reading extract files (and writing the fictional sample's)
    ("extracts", "workbook", "sample"),
    # parsing and checking them
    ("checks", "validation"),
    # the validated extracts
    ("records",),
    # the catalogue, computed
    ("kpis",),
    # what the templates see
    ("context",),
    # HTML, PDF, Markdown, charts, the author's narrative, writing files
    ("render",),
    # one council's report
    ("build",),
    # many councils and the report comparing them
    ("region",),
    # one council's report, served and rebuilt as its files change
    ("preview",),
    # the commands, and the package's lazy public API
    ("cli", ""),
]



# -- the graph ----------------------------------------------------------------------------


def module_names(package: Path = PACKAGE) -> dict[str, Path]:
    """``fosterreport.context`` -> ``.../context/__init__.py`` and so on, for every module."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of every node under an ``if TYPE_CHECKING:`` (its ``else`` runs, so counts)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for child in node.body:
                skipped.update(id(sub) for sub in ast.walk(child))
    return skipped


def imports_of(name: str, source: str, modules: set[str], is_package: bool = False, *,
               type_checking: bool = False) -> set[str]:
    """The modules of ``modules`` that module ``name`` imports (a name imported from a
    package is the submodule when there is one, else the package); those under ``if
    TYPE_CHECKING:`` only with ``type_checking``."""
    tree = ast.parse(source)
    skipped = set() if type_checking else _type_checking_only(tree)
    found: set[str] = set()

    def nearest(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(filter(None, (nearest(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module or ""
            for alias in node.names:
                if origin == ROOT and alias.name in ROOT_CONSTANTS:
                    found.add(f"{ROOT}.{alias.name}")
                elif f"{origin}.{alias.name}" in modules:
                    found.add(f"{origin}.{alias.name}")
                elif (module := nearest(origin)) is not None:
                    found.add(module)
    found.discard(name)
    return found


def import_graph(package: Path = PACKAGE, *, type_checking: bool = False) -> dict[str, set[str]]:
    names = module_names(package)
    known = set(names) | {f"{ROOT}.{constant}" for constant in ROOT_CONSTANTS}
    return {name: imports_of(name, path.read_text(encoding="utf-8"), known, path.name == "__init__.py",
                             type_checking=type_checking)
            for name, path in names.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one, as a path
    ``[a, b, ..., a]``; components in sorted order, so the message is stable."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(sorted(component)[0], component, graph) for component in sorted(components, key=sorted)]


def _cycle_in(start: str, component: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``component`` (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, ()) & component):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in no cycle of {sorted(component)}")


def layer_of(module: str, layers: list[tuple[str, ...]] = LAYERS) -> int | None:
    """The index in ``layers`` of the longest entry naming ``module`` or a package above it."""
    best, best_length = None, -1
    for number, entries in enumerate(layers):
        for entry in entries:
            dotted = f"{ROOT}.{entry}" if entry else ROOT
            if (module == dotted or module.startswith(dotted + ".")) and len(dotted) > best_length:
                best, best_length = number, len(dotted)
    return best


def upward_imports(graph: dict[str, set[str]], layers: list[tuple[str, ...]] = LAYERS) -> list[str]:
    found = []
    for module in sorted(graph):
        for target in sorted(graph[module]):
            if layer_of(target, layers) > layer_of(module, layers):
                found.append(f"{module} (layer {layer_of(module, layers)}: {', '.join(layers[layer_of(module, layers)])})"
                             f" imports {target} (layer {layer_of(target, layers)})")
    return found


def _short(cycle: list[str]) -> str:
    return " -> ".join(node.removeprefix(f"{ROOT}.") for node in cycle)


# -- the package ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """The imports that run."""
    return import_graph()


@pytest.fixture(scope="module")
def typed_graph() -> dict[str, set[str]]:
    """The imports that run and those that only name types."""
    return import_graph(type_checking=True)


def test_the_graph_sees_the_package(graph):
    """Guards against a finder that finds nothing (and so passes every check below)."""
    assert len(graph) > 60
    assert "fosterreport.render.document" in graph["fosterreport.build"]
    assert "fosterreport.records" in graph["fosterreport.kpis.engine"]
    assert "fosterreport.context" in graph["fosterreport.render.narrative"]  # a lazy import, inside a function


def test_no_import_cycles(graph):
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(f"  {_short(cycle)}" for cycle in cycles)


def test_every_module_has_a_layer(graph):
    assert [module for module in sorted(graph) if layer_of(module) is None] == []


def test_no_module_imports_from_a_layer_above_it(typed_graph):
    found = upward_imports(typed_graph)
    assert not found, "imports reaching up a layer:\n" + "\n".join(f"  {line}" for line in found)


# -- the checks themselves, on tiny graphs ---------------------------------------------------------


def test_find_cycles_reports_the_loop_as_a_path():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["e", "e"]]


def test_find_cycles_finds_none_in_a_tree_with_shared_leaves():
    assert find_cycles({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) == []


def test_find_cycles_takes_the_shortest_loop_through_the_first_member():
    graph = {"a": {"b", "x"}, "b": {"a"}, "x": {"y"}, "y": {"a"}}
    assert find_cycles(graph) == [["a", "b", "a"]]


def test_lazy_imports_count_and_type_checking_ones_do_not():
    source = (
        "from typing import TYPE_CHECKING\n"
        "from fosterreport import __version__, codes\n"
        "if TYPE_CHECKING:\n"
        "    from fosterreport.cli import app\n"
        "def later():\n"
        "    from fosterreport.context.model import Narrative\n"
        "    import fosterreport.render.pdf\n"
        "    from . import figures\n")
    modules = {"fosterreport", "fosterreport.codes", "fosterreport.cli", "fosterreport.context",
               "fosterreport.context.model", "fosterreport.context.figures", "fosterreport.render",
               "fosterreport.render.pdf", "fosterreport.__version__"}
    ran = {"fosterreport.__version__", "fosterreport.codes", "fosterreport.context.model",
           "fosterreport.render.pdf", "fosterreport.context.figures"}
    assert imports_of("fosterreport.context.cover", source, modules) == ran
    assert imports_of("fosterreport.context.cover", source, modules, type_checking=True) == ran | {"fosterreport.cli"}


def test_an_import_from_above_is_reported():
    layers = [("periods",), ("cli",)]
    graph = {"fosterreport.periods": {"fosterreport.cli.app"}, "fosterreport.cli.app": {"fosterreport.periods"}}
    assert upward_imports(graph, layers) == [
        "fosterreport.periods (layer 0: periods) imports fosterreport.cli.app (layer 1)"]


def test_the_longest_entry_decides_the_layer():
    layers = [("render.templates",), ("context",), ("render", "")]
    assert layer_of("fosterreport.render.templates", layers) == 0
    assert layer_of("fosterreport.render.html", layers) == 2
    assert layer_of("fosterreport.contextual", layers) == 2  # not inside the context package
    assert layer_of("fosterreport", layers) == 2
