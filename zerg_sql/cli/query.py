"""zerg-sql query list [--serves ID] | show NAME | run NAME -p key=value ... [--json]

`run` types each value by the parameter type PostgreSQL infers for the query (the same
describe() as the stubs): '42' is an int for a bigint parameter and a string for a text
one; JSON parameters take JSON text, arrays a JSON list, booleans true/false. A
parameter not given is NULL. Read queries run in a READ ONLY transaction (the server
refuses any write); write queries commit, and on a protected environment need --yes or
the interactive confirmation.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TypedDict

import click
from aiosql.types import SQLOperationType

from ..config import ZergError
from ..db import connect
from ..devtools.stubs import describe
from ..queries import definitions, queries
from ..types import from_text
from .context import Context, confirm
from .output import cell, echo, echo_json, progress, table

_KIND = {
    SQLOperationType.SELECT: "rows", SQLOperationType.SELECT_ONE: "row", SQLOperationType.SELECT_VALUE: "value",
    SQLOperationType.INSERT_UPDATE_DELETE: "rowcount", SQLOperationType.INSERT_UPDATE_DELETE_MANY: "many",
}
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|COPY|TRUNCATE|LISTEN|NOTIFY|pg_notify|nextval|setval)\b|"
                     r"\bFOR\s+(NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(KEY\s+)?SHARE\b", re.I)


def is_read_only(fn: Any) -> bool:
    """A query that only reads: no write statement, no row lock, no notification."""
    return fn.operation in (SQLOperationType.SELECT, SQLOperationType.SELECT_ONE,
                            SQLOperationType.SELECT_VALUE) and not _WRITES.search(fn.sql)


def _query(name: str) -> Any:
    if name not in queries.available_queries:
        close = [n for n in queries.available_queries if name in n or n in name][:5]
        raise ZergError(f"no query named {name}" + (f" (did you mean: {', '.join(close)}?)" if close else ""))
    return getattr(queries, name)


class Listing(TypedDict):
    """One query as `query list` shows it (and prints it with --json)."""
    name: str
    returns: str
    reads_only: bool
    file: str
    params: list[str]
    serves: list[str]
    doc: str


@click.group()
def query() -> None:
    """The named queries of sql/queries: list, show, run."""


@query.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--serves", "access_id", metavar="ID",
              help="Only the queries that serve this access of docs/reference/service-accesses.md (e.g. U02).")
def list_(as_json: bool, access_id: str | None) -> None:
    """Every query: name, what it returns, file, the accesses it serves and one-line doc."""
    defs = definitions()
    if access_id is not None:
        defs = {n: d for n, d in defs.items() if access_id.strip().upper() in d.serves}
        if not defs:
            raise ZergError(f"no query serves {access_id} (the IDs are those of docs/reference/service-accesses.md)")
    fns = {n: _query(n) for n in defs}
    data: list[Listing] = [{"name": n, "returns": _KIND.get(fns[n].operation, "?"), "reads_only": is_read_only(fns[n]),
             "file": d.path.name, "params": list(d.params or ()), "serves": list(d.serves), "doc": d.doc}
            for n, d in sorted(defs.items())]
    if as_json:
        echo_json(data)
        return
    width = max(len(d["name"]) for d in data)
    serves = max(len(", ".join(d["serves"])) for d in data)
    for d in data:
        mode = "read " if d["reads_only"] else "write"
        echo(f"{d['name']:<{width}}  {d['returns']:<8} {mode}  {d['file']:<16} {', '.join(d['serves']):<{serves}}  "
             f"{d['doc']}".rstrip())


@query.command()
@click.argument("name")
@click.pass_obj
def show(ctx: Context, name: str) -> None:
    """A query's definition as written, with its file and line."""
    fn = _query(name)
    d = definitions()[name]
    echo(f"-- {d.path.relative_to(d.path.parents[2])}:{d.line}  returns {_KIND.get(fn.operation, '?')}, "
         f"{'reads only' if is_read_only(fn) else 'writes'}")
    echo(d.text)


@query.command()
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter value (repeat). Typed by the parameter's SQL type; omitted = NULL.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--yes", is_flag=True, help="Confirm a write on a protected environment without a prompt.")
@click.option("--rollback", "dry", is_flag=True, help="Run a write query, show its result, then roll back.")
@click.pass_obj
def run(ctx: Context, name: str, params: tuple[str, ...], as_json: bool, yes: bool, dry: bool) -> None:
    """Run one query with -p key=value parameters and print its result."""
    fn = _query(name)
    if fn.operation is SQLOperationType.INSERT_UPDATE_DELETE_MANY:
        raise ZergError(f"{name} is an executemany (*!) query: call it from Python with a list of rows")
    given: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="-p")
        if key not in (fn.parameters or []):
            raise click.BadParameter(f"{name} has no parameter {key!r}; it takes ({', '.join(fn.parameters or [])})",
                                     param_hint="-p")
        given[key] = value
    read_only = is_read_only(fn)
    env = ctx.env
    if not read_only and not dry:
        confirm(env, yes, f"run write query {name}")
    with connect(env, autocommit=True) as conn:
        types = {p.name: p.type for p in describe(conn, fn).params}
        kwargs = {p: (_convert(given[p], types[p], p) if p in given else None) for p in fn.parameters or []}
        nulls = [p for p in fn.parameters or [] if p not in given]
        if nulls:
            progress(f"NULL: {', '.join(nulls)}")
        conn.autocommit = False
        conn.read_only = read_only  # the server itself refuses a write from a read query
        try:
            result = fn(conn, **kwargs)
            if fn.operation is SQLOperationType.SELECT:
                result = list(result)
        except BaseException:
            conn.rollback()
            raise
        if dry or read_only:
            conn.rollback()
            if dry and not read_only:
                progress("rolled back (--rollback): nothing changed")
        else:
            conn.commit()
    _print(fn, result, as_json)


def _print(fn: Any, result: Any, as_json: bool) -> None:
    op = fn.operation
    result = redact_secret_columns(result)  # credential columns never reach the terminal
    if as_json:
        echo_json(result)
        return
    if op is SQLOperationType.SELECT:
        echo(table(result, count=True))
    elif op is SQLOperationType.SELECT_ONE:
        echo(table([result] if result is not None else [], count=True))
    elif op is SQLOperationType.SELECT_VALUE:
        echo(cell(result, width=10_000))
    else:
        echo(f"{result} row{'s' if result != 1 else ''} affected")
    sys.stdout.flush()


def _convert(raw: str, sql_type: str, param: str) -> Any:
    try:
        return from_text(raw, sql_type)
    except ValueError as e:
        raise click.BadParameter(f"{param}={raw!r} is not a valid {sql_type}: {e}", param_hint="-p") from None


# Credential columns (docs/security.md): no command prints their values (`zerg-sql query
# run` shows whole rows). Results carry column names, not tables, so these are names;
# `config` is a credential only in a connectors row (encrypted provider secrets), which is
# the one row shape with both `provider` and `config`.
SECRET_COLUMNS = frozenset({"encrypted_value", "gmail_refresh_token", "secret", "auth_secret_hash", "token_hash"})
REDACTED = "[REDACTED]"


def redact_secret_columns(result: Any) -> Any:
    """A query result (a row dict, a list of them, or a plain value) with credential values replaced."""
    if isinstance(result, list):
        return [redact_secret_columns(r) for r in result]
    if not isinstance(result, dict):
        return result
    secret = SECRET_COLUMNS | ({"config"} if "provider" in result else set())
    return {k: REDACTED if k in secret and v is not None else v for k, v in result.items()}
