"""The three layers of zerg_sql import one way (cli -> devtools -> library) and in no circle."""

from __future__ import annotations

import ast
from pathlib import Path

import click

PACKAGE = Path(__file__).resolve().parents[2] / "zerg_sql"
RANK = {"library": 0, "devtools": 1, "cli": 2}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("cli", "devtools"):
        return parts[1]
    return "cli" if module == "zerg_sql.__main__" else "library"  # python -m zerg_sql is the CLI


def imports() -> dict[str, set[str]]:
    """Module -> the zerg_sql modules it imports (anywhere in it, functions too)."""
    graph: dict[str, set[str]] = {}
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}  # from . import x: module x
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def against_the_flow(graph: dict[str, set[str]]) -> list[str]:
    return [f"{m} ({layer(m)}) imports {d} ({layer(d)})"
            for m, deps in graph.items() for d in deps if RANK[layer(d)] > RANK[layer(m)]]


def a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return path[path.index(d):] + [d]
            if d not in state and (cycle := visit(d)):
                return cycle
        state[m] = 2
        path.pop()
        return None

    for m in sorted(graph):
        if m not in state and (cycle := visit(m)):
            return cycle
    return None


def test_imports_follow_the_layers():
    assert not against_the_flow(imports())


def test_every_command_module_is_registered():
    from zerg_sql.cli import COMMANDS, main

    modules = {p.stem for p in (PACKAGE / "cli").glob("*.py")} - {"__init__", "context", "output", "dash_render"}
    assert set(COMMANDS.values()) == modules
    ctx = click.Context(main)
    assert all(main.get_command(ctx, name) is not None for name in main.list_commands(ctx))


def test_no_import_cycle():
    cycle = a_cycle(imports())
    assert cycle is None, " -> ".join(cycle or [])


def test_the_checks_catch_what_they_guard():
    graph = imports()
    # The graph sees relative imports, `from . import x` and imports inside functions.
    assert {"zerg_sql.devtools.devserver", "zerg_sql.cli.context"} <= graph["zerg_sql.cli.psql"]
    assert "zerg_sql.queries" in graph["zerg_sql.dashboards"]
    assert "zerg_sql.cli.context" in graph["zerg_sql.cli"]
    assert layer("zerg_sql.cli.output") == "cli" and layer("zerg_sql.__main__") == "cli"
    assert layer("zerg_sql.devtools.seed") == "devtools" and layer("zerg_sql.db") == "library"
    # A library module importing the CLI, devtools importing the CLI, and a circle are caught.
    bad = {**graph, "zerg_sql.db": graph["zerg_sql.db"] | {"zerg_sql.cli.output"},
           "zerg_sql.devtools.seed": graph["zerg_sql.devtools.seed"] | {"zerg_sql.cli"}}
    assert len(against_the_flow(bad)) == 2
    assert a_cycle({**graph, "zerg_sql.urls": graph["zerg_sql.urls"] | {"zerg_sql.config"}}) == \
        ["zerg_sql.config", "zerg_sql.urls", "zerg_sql.config"]
