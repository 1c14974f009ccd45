"""Typed interface of the named queries, from the live schema (`zerg-sql stubs`).

For every query in sql/queries, PostgreSQL itself says what it takes and returns: the
statement is prepared (protocol-level Parse, the same analysis as SQL PREPARE), then
described: the parameter types it inferred, and each result column's type and source
table column. That gives zerg_sql/queries.pyi:

* keyword parameters typed from the inferred parameter types, `| None` only where the
  SQL accepts NULL for them (devtools/nulls.py: a nullable column they feed, coalesce,
  IS NULL, IS DISTINCT FROM);
* result rows as TypedDicts; a column is `| None` unless it provably cannot be NULL: a
  NOT NULL table column (per the catalog) not on the nullable side of an outer join, or
  an expression that cannot be NULL (devtools/nulls.py);
* return types per aiosql suffix: `^` Row | None, none Iterator[Row], `$` value | None,
  `!` / `*!` int.

The same describe() is the validation gate of tests/queries/test_query_gate.py.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import aiosql
import psycopg
from aiosql.types import SQLOperationType
from psycopg import pq

from .. import types
from ..config import ROOT, ZergError
from ..queries import QueryError, definitions, load_sql, parse_definitions
from . import nulls

STUB_PATH = ROOT / "zerg_sql" / "queries.pyi"
_STATEMENT = b"zerg_sql_describe"


@dataclass(frozen=True)
class Column:
    name: str
    type: str        # SQL type name (format_type)
    nullable: bool


@dataclass(frozen=True)
class Param:
    name: str
    type: str        # SQL type name PostgreSQL inferred
    nullable: bool   # the SQL accepts NULL for it


@dataclass(frozen=True)
class Description:
    name: str
    operation: SQLOperationType
    params: tuple[Param, ...]             # in declared order
    columns: tuple[Column, ...]


def _catalog() -> Any:  # aiosql's queries are attributes made at load time
    return load_sql("tooling")


def numbered_sql(fn: Any) -> str:
    """aiosql's psycopg text (%(name)s placeholders) with $1..$n in declared order."""
    order = {p: i for i, p in enumerate(fn.parameters or [], 1)}

    def number(m: re.Match[str]) -> str:
        if m.group(1) not in order:
            raise QueryError(fn.__name__, "uses an undeclared parameter", m.group(1))
        return f"${order[m.group(1)]}"

    return re.sub(r"%\((\w+)\)s", number, fn.sql)


def describe(conn: psycopg.Connection[Any], fn: Any) -> Description:
    """Prepare one query on `conn` (autocommit) and describe it; QueryError if PostgreSQL refuses it."""
    name = fn.__name__
    pg = conn.pgconn
    res = pg.prepare(_STATEMENT, numbered_sql(fn).encode(), None)
    if res.status != pq.ExecStatus.COMMAND_OK:
        message = (res.get_error_message() or "").strip().removeprefix("ERROR:").strip()
        raise QueryError(name, f"does not prepare against the schema: {message}",
                         sqlstate=(res.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode() or None)
    try:
        d = pg.describe_prepared(_STATEMENT)
        param_oids = [d.param_type(i) for i in range(d.nparams)]
        cols = [((d.fname(i) or b"").decode(), d.ftype(i), d.ftable(i), d.ftablecol(i)) for i in range(d.nfields)]
    finally:
        pg.close_prepared(_STATEMENT)
    names = _type_names(conn, param_oids + [c[1] for c in cols])
    not_null = _not_null(conn, [c[2] for c in cols if c[2]])
    seen: dict[str, tuple[int, dict[str, bool]]] = {}

    def catalog(tables: frozenset[str]) -> dict[str, dict[str, bool]]:
        missing = sorted(tables - set(seen))
        if missing:
            for t in missing:
                seen[t] = (0, {})
            for r in _catalog().list_table_columns(conn, table_names=missing):
                seen[r["table_name"]] = (r["table_oid"], {**seen[r["table_name"]][1], r["column_name"]: r["not_null"]})
        return {t: seen[t][1] for t in tables if seen[t][0]}

    analysis, stmt = nulls.analyze(numbered_sql(fn), catalog)
    catalog(frozenset(analysis.tables))
    outer_oids = {seen[t][0] for t in analysis.outer_nullable if t in seen and seen[t][0]}
    by_expression = nulls.never_null_columns(stmt, len(cols), catalog, analysis.outer_nullable)
    columns = tuple(Column(cname, names.get(oid, "unknown"),
                           not (expr_ok or (table and table not in outer_oids and (table, col) in not_null)))
                    for (cname, oid, table, col), expr_ok in zip(cols, by_expression))
    documented = documented_nulls(name)
    params = tuple(Param(p, names.get(o, "unknown"), i in analysis.optional_params or p in documented)
                   for i, (p, o) in enumerate(zip(fn.parameters or [], param_oids), 1))
    return Description(name, fn.operation, params, columns)


@cache
def _comments(path: Path) -> tuple[str, dict[str, str]]:
    """A query file's header comment, and each query's comment lines (doc and inline)."""
    lines = path.read_text().splitlines()
    first = next((i for i, line in enumerate(lines) if re.match(r"^--\s*name\s*:", line)), len(lines))
    header = " ".join(line[2:] for line in lines[:first] if line.startswith("--"))
    per_query = {d.name: " ".join(line.strip()[2:] for line in d.text.splitlines()[1:] if line.strip().startswith("--"))
                 for d in parse_definitions(path)}
    return header, per_query


def documented_nulls(name: str) -> set[str]:
    """Parameters whose NULL meaning is documented: in the query's comments `:param is NULL`
    (or `= None`); in the file's header `param: ... (None = now())`, as the dashboards'
    `as_of`, which their SQL functions coalesce (invisible in the query text itself)."""
    d = definitions().get(name)
    if d is None or not d.params:
        return set()
    header, per_query = _comments(d.path)
    found = set()
    for p in d.params:
        own = re.search(rf":{re.escape(p)}\b[^.;]*?\b(is|=)\s+(NULL|None)\b", per_query.get(name, ""))
        head = re.search(rf"(?<![\w.:]){re.escape(p)}:[^.;]*?\b(None|NULL)\b", header)
        if own or head:
            found.add(p)
    return found


def _type_names(conn: psycopg.Connection[Any], oids: list[int]) -> dict[int, str]:
    if not oids:
        return {}
    return {r["oid"]: r["name"] for r in _catalog().list_type_names(conn, oids=sorted(set(oids)))}


def _not_null(conn: psycopg.Connection[Any], tables: list[int]) -> set[tuple[int, int]]:
    if not tables:
        return set()
    return {(r["table_oid"], r["attnum"])
            for r in _catalog().list_not_null_columns(conn, table_oids=sorted(set(tables)))}


def describe_all(conn: psycopg.Connection[Any]) -> tuple[list[Description], list[QueryError]]:
    """Describe every query of sql/queries; the failures come back instead of stopping."""
    from ..queries import queries

    done, failed = [], []
    for name in queries.available_queries:
        try:
            done.append(describe(conn, getattr(queries, name)))
        except QueryError as e:
            failed.append(e)
    return done, failed


# ------------------------------------------------------------------ SQL -> Python types

def python_type(sql_type: str, *, param: bool = False) -> str:
    if sql_type.endswith("[]"):
        inner = python_type(sql_type[:-2], param=param)
        return f"Sequence[{inner} | None]" if param else f"list[{inner} | None]"
    t = types.sql_type(sql_type)
    return "Any" if t is None else t.param if param else t.row


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _row_class(name: str, columns: tuple[Column, ...]) -> str:
    fields = [(c.name, python_type(c.type) + (" | None" if c.nullable and python_type(c.type) != "Any" else ""))
              for c in columns]
    if all(f.isidentifier() and not keyword.iskeyword(f) for f, _ in fields) and len({f for f, _ in fields}) == len(fields):
        body = "\n".join(f"    {f}: {t}" for f, t in fields) or "    pass"
        return f"class {name}(TypedDict):\n{body}\n"
    items = ", ".join(f"{f!r}: {t}" for f, t in fields)
    return f"{name} = TypedDict({name!r}, {{{items}}})\n"


def _param_type(p: Param) -> str:
    t = python_type(p.type, param=True)
    return t + " | None" if p.nullable and t != "Any" else t


def _param_list(d: Description) -> str:
    return ", ".join(f"{p.name}: {_param_type(p)}" for p in d.params)


def _method(d: Description, row: str | None, is_async: bool) -> str:
    conn = "psycopg.AsyncConnection[Any]" if is_async else "psycopg.Connection[Any]"
    op = d.operation
    if op is SQLOperationType.INSERT_UPDATE_DELETE_MANY:
        args = f"self, conn: {conn}, rows: Iterable[{_camel(d.name)}Params], /"
    else:
        params = _param_list(d)
        args = f"self, conn: {conn}, /" + (f", *, {params}" if params else "")
    if op is SQLOperationType.SELECT:
        ret = f"AsyncIterator[{row}]" if is_async else f"Iterator[{row}]"
        return f"    def {d.name}({args}) -> {ret}: ...\n"  # (async) generator: not awaited
    if op is SQLOperationType.SELECT_ONE:
        ret = f"{row} | None"
    elif op is SQLOperationType.SELECT_VALUE:
        first = python_type(d.columns[0].type) if d.columns else "Any"
        ret = first if first == "Any" else f"{first} | None"
    else:
        ret = "int"
    prefix = "async def" if is_async else "def"
    return f"    {prefix} {d.name}({args}) -> {ret}: ...\n"


_HEADER = '''\
# Generated by `zerg-sql stubs` from the migrated schema: do not edit by hand.
# `zerg-sql stubs --check` (run by tests/queries/test_stubs.py) fails when this file is stale.
import datetime
import decimal
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import psycopg
from psycopg.types.json import Json, Jsonb

from .config import ZergError

class QueryError(ZergError):
    query: str
    parameter: str | None
    sqlstate: str | None
    constraint: str | None
    def __init__(self, query: str, message: str, parameter: str | None = ..., sqlstate: str | None = ...,
                 constraint: str | None = ...) -> None: ...

@dataclass(frozen=True)
class Definition:
    name: str
    suffix: str
    params: tuple[str, ...] | None
    doc: str
    path: Path
    line: int
    text: str
    serves: tuple[str, ...] = ...

def parse_definitions(path: Path) -> list[Definition]: ...
def definitions(folder: Path | None = ...) -> dict[str, Definition]: ...
def declared_types(sql: str) -> dict[str, tuple[str, bool]]: ...
def copy_statement(name: str) -> tuple[str, tuple[str, ...]]: ...
def load_sql(path: str | Path) -> Any: ...
def copy_rows(conn: psycopg.Connection[Any], name: str, rows: Iterable[Mapping[str, Any]]) -> int: ...
async def acopy_rows(conn: psycopg.AsyncConnection[Any], name: str, rows: Iterable[Mapping[str, Any]]) -> int: ...

internal: Any
'''


def render(descriptions: list[Description]) -> str:
    descriptions = sorted(descriptions, key=lambda d: d.name)
    out = [_HEADER]
    rows: dict[str, str] = {}
    for d in descriptions:
        if d.operation in (SQLOperationType.SELECT, SQLOperationType.SELECT_ONE):
            rows[d.name] = f"{_camel(d.name)}Row"
            out.append("\n" + _row_class(rows[d.name], d.columns))
        if d.operation is SQLOperationType.INSERT_UPDATE_DELETE_MANY:
            cls = _row_class(f"{_camel(d.name)}Params", ())
            items = "\n".join(f"    {p.name}: {_param_type(p)}" for p in d.params)
            out.append("\n" + cls.replace("    pass\n", items + "\n"))
    for cls, is_async in (("Queries", False), ("AsyncQueries", True)):
        out.append(f"\nclass {cls}:\n    @property\n    def available_queries(self) -> list[str]: ...\n")
        out.extend(_method(d, rows.get(d.name), is_async) for d in descriptions)
    out.append("\nqueries: Queries\naqueries: AsyncQueries\n")
    return "".join(out)


def generate(conn: psycopg.Connection[Any]) -> str:
    """The text of queries.pyi for the schema `conn` sees; ZergError naming every query that fails."""
    descriptions, failed = describe_all(conn)
    if failed:
        raise ZergError("cannot describe " + str(len(failed)) + " quer" + ("y" if len(failed) == 1 else "ies")
                        + ":\n  " + "\n  ".join(str(e) for e in failed))
    return render(descriptions)


def check(text: str, path: Path = STUB_PATH) -> bool:
    return path.is_file() and path.read_text() == text
