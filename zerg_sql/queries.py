"""Named SQL queries, loaded by aiosql from sql/ (the files are the source of truth).

`queries` / `aqueries`: every file in sql/queries (service, dashboard and queue queries),
as sync (psycopg) and async (psycopg AsyncConnection) functions in one namespace, so a
query's name is unique and one grep in sql/ finds it. `internal`: sql/internal, the
runner's own bookkeeping queries (plain aiosql, unwrapped).

Each service query is loaded by aiosql (its SQL text, parameters and operation) and
called through a thin wrapper that runs that SQL with psycopg on a dict-row cursor kept
per connection and thread (async: a new cursor per call), and turns bad input into a
`QueryError` naming the query and the parameter:

* before anything is sent: a missing, extra or positional parameter, and a value whose
  Python type does not fit the `::type` cast the SQL puts on the parameter (or an
  integer out of that type's range);
* from psycopg and the server: NULL into a NOT NULL column, a CHECK / unique / foreign
  key violation, an unparsable value, an oversized value, a NUL character.

Other database errors (connection lost, lock not available, serialization failure,
deadlock) are not about the input and propagate unchanged, so retry logic keeps working.

Transactions belong to the caller: aiosql never commits. A failed statement leaves the
transaction aborted and changes nothing (PostgreSQL statements are atomic); roll back
(or use `with conn.transaction():`, which does) before going on. See docs/queries.md.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import aiosql
import psycopg
from aiosql.types import SQLOperationType
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from .config import SQL_DIR, ZergError
from .types import sql_type

__all__ = ["QueryError", "copy_rows", "acopy_rows", "definitions", "load_sql", "queries", "aqueries", "internal"]


class QueryError(ZergError):
    """Bad input to a named query: says which query, which parameter, and why.

    `query`, `parameter` (None when it cannot be told) and `sqlstate` (None for errors
    found before the statement was sent). The psycopg error, if any, is `__cause__`.
    """

    def __init__(self, query: str, message: str, parameter: str | None = None, sqlstate: str | None = None):
        self.query = query
        self.parameter = parameter
        self.sqlstate = sqlstate
        where = f"query {query}" + (f", parameter {parameter}" if parameter else "")
        super().__init__(f"{where}: {message}")


# ------------------------------------------------------------------ source definitions

@dataclass(frozen=True)
class Definition:
    """One `-- name:` block as written in its file (for the CLI and the conventions test).

    `serves`: the IDs of docs/reference/service-accesses.md that its `-- serves:` lines name
    (a comment line of the block's header, right under the name line or after the doc line).
    """
    name: str
    suffix: str
    params: tuple[str, ...] | None
    doc: str
    path: Path
    line: int
    text: str
    serves: tuple[str, ...] = ()


_NAME_LINE = re.compile(r"^--\s*name\s*:\s*(\w+)\s*(?:\(([^)]*)\))?\s*(\*!|<!|[\^$!#])?\s*$")
SERVES_LINE = re.compile(r"^--\s*serves\s*:\s*(.*)$")


def header_comments(block: list[str]) -> list[str]:
    """The comment lines right under a block's name line (its doc and serves lines)."""
    out = []
    for line in block[1:]:
        if not line.startswith("--"):
            break
        out.append(line)
    return out


def parse_definitions(path: Path) -> list[Definition]:
    lines = path.read_text().splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"^--\s*name\s*:", line)]
    out = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        block = lines[start:end]
        m = _NAME_LINE.match(block[0])
        if not m:
            raise ZergError(f"{path}:{start + 1}: cannot parse query name line: {block[0]}")
        params = None if m.group(2) is None else tuple(p.strip() for p in m.group(2).split(",") if p.strip())
        header = header_comments(block)
        docs = [line[2:].strip() for line in header if not SERVES_LINE.match(line)]
        serves = tuple(i.strip() for line in header if (s := SERVES_LINE.match(line))
                       for i in s.group(1).split(",") if i.strip())
        out.append(Definition(m.group(1), m.group(3) or "", params, docs[0] if docs else "", path, start + 1,
                              "\n".join(block).rstrip(), serves))
    return out


def definitions(folder: Path | None = None) -> dict[str, Definition]:
    """Every query of sql/queries by name, as written (raises on a duplicate name)."""
    found: dict[str, Definition] = {}
    for path in sorted((folder or SQL_DIR / "queries").glob("*.sql")):
        for d in parse_definitions(path):
            if d.name in found:
                other = found[d.name]
                raise ZergError(f"query {d.name} is defined twice: {other.path.name}:{other.line} "
                                f"and {d.path.name}:{d.line}")
            found[d.name] = d
    return found


# ------------------------------------------------------------------ input checks

# :name::type as aiosql rewrote it for psycopg: %(name)s::type, optionally an array.
_CAST = re.compile(r"%\((\w+)\)s::(\w+)(\[\])?")


def declared_types(sql: str) -> dict[str, tuple[str, bool]]:
    """Parameter -> (cast type, is array) from the casts in the SQL; params cast two ways are left out."""
    seen: dict[str, set[tuple[str, bool]]] = {}
    for m in _CAST.finditer(sql):
        seen.setdefault(m.group(1), set()).add((m.group(2).lower(), bool(m.group(3))))
    return {name: next(iter(casts)) for name, casts in seen.items() if len(casts) == 1}


def _type_problem(value: Any, pgtype: str, is_array: bool) -> str | None:
    if value is None:
        return None
    if is_array:
        if not isinstance(value, (list, tuple)):
            return f"expects a list for {pgtype}[], got {type(value).__name__}"
        for item in value:
            problem = _type_problem(item, pgtype, False)
            if problem:
                return f"element: {problem}"
        return None
    t = sql_type(pgtype)
    if t is None:  # a type we do not know: the server judges
        return None
    allowed = t.accepts
    if isinstance(value, bool) and bool not in allowed:  # bool is an int subclass
        return f"expects {allowed[0].__name__} for {pgtype}, got bool"
    if not isinstance(value, allowed):
        hint = " (wrap JSON values in psycopg.types.json.Jsonb)" if pgtype in ("jsonb", "json") else ""
        names = " or ".join(t.__name__ for t in allowed)
        return f"expects {names} for {pgtype}, got {type(value).__name__}{hint}"
    if t.bound and not -t.bound <= value < t.bound:
        return f"{value} is out of range for {pgtype}"
    return None


def _statement(fn: Any) -> str:
    """aiosql's SQL text, with the parameters the SQL casts to an array type sent in binary
    (`%(ids)b` instead of `%(ids)s`). psycopg's text dumper for lists quotes element by
    element in Python (~3 us an element); the binary one is ~7 times cheaper, and the queue
    worker sends four 100-element arrays per batch. The server gets the same values (the
    casts in the SQL still apply); only the wire format of these parameters changes."""
    sql = fn.sql
    for param, (_pgtype, is_array) in declared_types(sql).items():
        if is_array:
            sql = sql.replace(f"%({param})s", f"%({param})b")
    return sql


def _checker(name: str, fn: Any) -> Callable[[Mapping[str, Any]], None]:
    """The input checks of one query, worked out once; the returned function runs before
    every call and raises QueryError before anything is sent.

    They stay in front of the statement because PostgreSQL would let most of these
    through: '7' for a bigint parameter parses as 7, 42 for a text one is stored as '42',
    True or 1.5 for an int one become 1 or 2, and 2**40 for an int one is refused only by
    aborting the caller's transaction. The common case, a value whose exact type the cast
    takes, costs a set lookup (and a range compare for integers); anything else (None
    aside) gets the full check of _type_problem and its message.
    """
    declared = list(fn.parameters or [])
    names = frozenset(declared)
    checks = []
    for param, (pgtype, is_array) in declared_types(fn.sql).items():
        t = sql_type(pgtype)
        if t is None and not is_array:
            continue  # a type we do not know: the server judges
        # bool is never in `exact` for an integer type, so True goes to the full check and
        # is refused there. Arrays: every element of an exact type (or None), else the full
        # check, element by element.
        exact = frozenset() if t is None else frozenset(t.accepts)
        checks.append((param, exact, None if t is None else t.bound, pgtype, is_array))

    def check(params: Mapping[str, Any]) -> None:
        if params.keys() != names:
            _names_problem(name, declared, params)
        for param, exact, bound, pgtype, is_array in checks:
            value = params.get(param)
            if value is None:
                continue
            if is_array:
                if type(value) in (list, tuple) and all(
                        v is None or (type(v) in exact and (bound is None or -bound <= v < bound)) for v in value):
                    continue
            elif type(value) in exact and (bound is None or -bound <= value < bound):
                continue
            problem = _type_problem(value, pgtype, is_array)
            if problem:
                raise QueryError(name, problem, param)

    return check


def _names_problem(name: str, declared: list[str], params: Mapping[str, Any]) -> None:
    missing = [p for p in declared if p not in params]
    if missing:
        raise QueryError(name, "missing parameter (pass None for NULL)", ", ".join(missing))
    extra = sorted(set(params) - set(declared))
    if extra:
        raise QueryError(name, f"unknown parameter; {name} takes ({', '.join(declared)})", ", ".join(extra))


def _by_name(name: str, fn: Any) -> QueryError:
    return QueryError(name, "pass parameters by name: " + name + "(conn, " +
                      ", ".join(f"{p}=..." for p in fn.parameters or []) + ")")


def _check_call(name: str, fn: Any, check: Callable[[Mapping[str, Any]], None], args: tuple,
                kwargs: dict) -> list[Mapping[str, Any]]:
    if fn.operation is SQLOperationType.INSERT_UPDATE_DELETE_MANY:
        if kwargs or len(args) != 1:
            raise QueryError(name, "pass one iterable of parameter dicts: " + name + "(conn, rows)")
        rows = list(args[0])
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise QueryError(name, f"row {i} is a {type(row).__name__}, not a dict of parameters")
            check(row)
        return rows
    if args:
        raise _by_name(name, fn)
    check(kwargs)
    return [kwargs]


# ------------------------------------------------------------------ error translation

def _culprit(e: BaseException, rows: list[Mapping[str, Any]]) -> str | None:
    """Which parameter caused a database error, when the error lets us tell (else None)."""
    names = sorted({k for row in rows for k in row})   # executemany: any row may be the bad one

    def having(pred: Any) -> str | None:
        return _one([k for k in names if any(pred(v) for row in rows for v in _values(row.get(k)))])

    if isinstance(e, UnicodeEncodeError):
        return having(lambda v: isinstance(v, str) and not _encodes(v))
    diag = getattr(e, "diag", None)
    message = (diag.message_primary if diag else None) or str(e)
    if "NUL (0x00)" in message:                       # psycopg refuses it before sending
        return having(lambda v: isinstance(v, str) and "\x00" in v)
    if diag is None:
        return None
    if diag.column_name in names:                     # NOT NULL: the column, named like its parameter
        return diag.column_name
    key = re.match(r"Key \((.+?)\)=", diag.message_detail or "")  # unique and foreign keys
    if key and [c.strip() for c in key.group(1).split(",") if c.strip() in names]:
        return ", ".join(c.strip() for c in key.group(1).split(",") if c.strip() in names)
    quoted = re.search(r': "(.*)"$', message, re.S)  # invalid input syntax for type uuid: "abc"
    if quoted and having(lambda v: str(v) == quoted.group(1)):
        return having(lambda v: str(v) == quoted.group(1))
    if diag.constraint_name:                          # users_role_check -> role
        named = sorted((k for k in names if k in diag.constraint_name), key=len, reverse=True)
        if named:
            return named[0]
    if diag.sqlstate == "54000":                      # program_limit_exceeded: a string too big to index
        longest = max(((len(v), k) for k in names for row in rows for v in _values(row.get(k))
                       if isinstance(v, str)), default=None)
        return longest[1] if longest else None
    if diag.sqlstate == "23502":                      # NOT NULL of a column named unlike its parameter
        return _one([k for k in names if all(row.get(k) is None for row in rows)])
    return None


def _values(value: Any) -> Iterator[Any]:
    """A parameter's value, or the elements of an array parameter."""
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _values(v)
    elif value is not None:
        yield value


def _one(names: list[str]) -> str | None:
    return names[0] if len(names) == 1 else (", ".join(names) if names else None)


def _encodes(s: str) -> bool:
    try:
        s.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


# Input errors; anything else (OperationalError: connection, locks, serialization ...)
# is not the caller's input and propagates as psycopg raised it.
_INPUT_ERRORS = (psycopg.DataError, psycopg.IntegrityError, psycopg.ProgrammingError,
                 psycopg.errors.ProgramLimitExceeded, UnicodeEncodeError)


def _translate(name: str, e: BaseException, rows: list[Mapping[str, Any]]) -> QueryError:
    diag = getattr(e, "diag", None)
    if isinstance(e, UnicodeEncodeError):
        message = "value is not valid Unicode text (lone surrogate?)"
    else:
        message = ((diag.message_primary if diag else None) or str(e)).strip()
        if diag is not None and diag.message_detail:
            message += f" ({diag.message_detail.strip()})"
        if diag is not None and (diag.context or "").startswith("COPY"):
            message += f" [{diag.context.strip()}]"
    return QueryError(name, message, _culprit(e, rows), getattr(diag, "sqlstate", None) if diag else None)


# ------------------------------------------------------------------ wrappers

def _signature(fn: Any) -> inspect.Signature:
    conn = inspect.Parameter("conn", inspect.Parameter.POSITIONAL_ONLY)
    if fn.operation is SQLOperationType.INSERT_UPDATE_DELETE_MANY:
        return inspect.Signature([conn, inspect.Parameter("rows", inspect.Parameter.POSITIONAL_ONLY)])
    return inspect.Signature([conn] + [inspect.Parameter(p, inspect.Parameter.KEYWORD_ONLY)
                                       for p in fn.parameters or []])


def _describe(wrapper: Any, name: str, fn: Any) -> Any:
    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__doc__ = fn.__doc__
    wrapper.__signature__ = _signature(fn)
    wrapper.sql = fn.sql
    wrapper.operation = fn.operation
    wrapper.parameters = fn.parameters
    wrapper.__wrapped_query__ = fn
    return wrapper


# A sync call runs aiosql's SQL text and parameters (fn.sql, the keyword dict) itself, as
# aiosql's psycopg adapter would, but on a cursor kept per connection and per thread
# instead of a new one per call: making and closing a cursor cost about a third of a
# point lookup. The cursors live in a threading.local set on the connection itself (a
# cursor refers to its connection, so a cache outside it would keep dead connections
# alive); each thread gets its own cursor, as psycopg's cursors are not thread-safe.
_CURSORS = "_zerg_sql_cursors"


def _cursor(conn: psycopg.Connection) -> psycopg.Cursor:
    try:
        return conn.__dict__[_CURSORS].cursor  # type: ignore[no-any-return]
    except (KeyError, AttributeError):
        if not isinstance(conn, psycopg.Connection):
            raise TypeError(f"expected a psycopg.Connection, got {type(conn).__name__} "
                            "(an AsyncConnection takes zerg_sql.queries.aqueries)") from None
        local = conn.__dict__.setdefault(_CURSORS, threading.local())
        local.cursor = conn.cursor(row_factory=dict_row)
        return local.cursor  # type: ignore[no-any-return]


def _first_value(cur: psycopg.Cursor[dict[str, Any]]) -> Any:
    row = cur.fetchone()
    return next(iter(row.values())) if row else None


_FETCH = {
    SQLOperationType.SELECT_ONE: lambda cur: cur.fetchone(),
    SQLOperationType.SELECT_VALUE: _first_value,
    SQLOperationType.INSERT_UPDATE_DELETE: lambda cur: cur.rowcount,
}


def _wrap_sync(name: str, fn: Any) -> Any:
    check = _checker(name, fn)
    op, sql = fn.operation, _statement(fn)

    if fn.attributes:  # `:obj.attr` parameters, which aiosql's function expands (none in sql/ today)
        return _wrap_aiosql(name, fn, check)

    if op is SQLOperationType.SELECT:
        def rows(conn: psycopg.Connection, *args: Any, **kwargs: Any) -> Iterator[Any]:
            if args:
                raise _by_name(name, fn)
            check(kwargs)
            return _rows(name, sql, conn, kwargs)

        return _describe(rows, name, fn)

    if op is SQLOperationType.INSERT_UPDATE_DELETE_MANY:
        def many(conn: psycopg.Connection, *args: Any, **kwargs: Any) -> int:
            params = _check_call(name, fn, check, args, kwargs)
            try:
                cur = _cursor(conn)
                cur.executemany(sql, params)
                return cur.rowcount
            except _INPUT_ERRORS as e:
                raise _translate(name, e, params) from e

        return _describe(many, name, fn)

    fetch = _FETCH.get(op)
    if fetch is None:  # scripts (#): aiosql's own function
        return _wrap_aiosql(name, fn, check)

    def call(conn: psycopg.Connection, *args: Any, **kwargs: Any) -> Any:
        if args:
            raise _by_name(name, fn)
        check(kwargs)
        try:
            return fetch(_cursor(conn).execute(sql, kwargs))
        except _INPUT_ERRORS as e:
            raise _translate(name, e, [kwargs]) from e

    return _describe(call, name, fn)


def _rows(name: str, sql: str, conn: psycopg.Connection, params: dict[str, Any]) -> Iterator[Any]:
    # A generator, as aiosql's: the statement runs on the first next(). It fetches every
    # row at once, so the shared cursor is free again for the queries the caller runs
    # while iterating (the rows were in client memory already).
    try:
        rows = _cursor(conn).execute(sql, params).fetchall()
    except _INPUT_ERRORS as e:
        raise _translate(name, e, [params]) from e
    yield from rows


def _wrap_aiosql(name: str, fn: Any, check: Callable[[Mapping[str, Any]], None]) -> Any:
    many = fn.operation is SQLOperationType.INSERT_UPDATE_DELETE_MANY

    def call(conn: psycopg.Connection, *args: Any, **kwargs: Any) -> Any:
        params = _check_call(name, fn, check, args, kwargs)
        try:
            result = fn(conn, params) if many else fn(conn, **kwargs)
            if fn.operation is SQLOperationType.SELECT:
                return _guard_rows(name, result, params)
            return result
        except _INPUT_ERRORS as e:
            raise _translate(name, e, params) from e

    return _describe(call, name, fn)


def _guard_rows(name: str, result: Iterator[Any], params: list) -> Iterator[Any]:
    try:
        yield from result
    except _INPUT_ERRORS as e:
        raise _translate(name, e, params) from e


async def _arun(conn: psycopg.AsyncConnection, fn: Any, sql: str, params: Any) -> Any:
    # aiosql's async psycopg adapter reads rows by position ($ fails on dict rows) and
    # returns None for executemany, so async statements run here on the same SQL text.
    # A new cursor per call: tasks sharing one AsyncConnection may interleave between
    # execute and fetch, so a cursor kept per connection could hand one task's rows to another.
    op = fn.operation
    async with conn.cursor(row_factory=dict_row) as cur:
        if op is SQLOperationType.INSERT_UPDATE_DELETE_MANY:
            await cur.executemany(sql, params)
            return cur.rowcount
        await cur.execute(sql, params)
        if op is SQLOperationType.INSERT_UPDATE_DELETE:
            return cur.rowcount
        row = await cur.fetchone()
        if op is SQLOperationType.SELECT_VALUE:
            return None if row is None else next(iter(row.values()))
        return row


def _wrap_async(name: str, fn: Any) -> Any:
    check = _checker(name, fn)
    many = fn.operation is SQLOperationType.INSERT_UPDATE_DELETE_MANY
    sql = _statement(fn)

    if fn.operation is SQLOperationType.SELECT:
        async def agen(conn: psycopg.AsyncConnection, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            rows = _check_call(name, fn, check, args, kwargs)
            try:
                async with conn.cursor(row_factory=dict_row) as cur:
                    await cur.execute(sql, kwargs)
                    async for row in cur:
                        yield row
            except _INPUT_ERRORS as e:
                raise _translate(name, e, rows) from e

        return _describe(agen, name, fn)

    async def acall(conn: psycopg.AsyncConnection, *args: Any, **kwargs: Any) -> Any:
        rows = _check_call(name, fn, check, args, kwargs)
        try:
            return await _arun(conn, fn, sql, rows if many else kwargs)
        except _INPUT_ERRORS as e:
            raise _translate(name, e, rows) from e

    return _describe(acall, name, fn)


class Queries:
    """The service queries as attributes: `queries.get_run(conn, run_id=1)`.

    Anything else (aiosql's `<name>_cursor` context managers, `driver_adapter`) comes
    from the underlying aiosql object unwrapped.
    """

    def __init__(self, raw: aiosql.queries.Queries, is_async: bool):
        self._raw = raw
        names = set(raw.available_queries)
        self._names = sorted(n for n in names if not (n.endswith("_cursor") and n[:-7] in names))
        wrap = _wrap_async if is_async else _wrap_sync
        for n in self._names:
            setattr(self, n, wrap(n, getattr(raw, n)))

    @property
    def available_queries(self) -> list[str]:
        return list(self._names)

    def __getattr__(self, name: str) -> Any:
        if name == "_raw":  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self._raw, name)

    def __repr__(self) -> str:
        return f"Queries({len(self._names)} queries)"


class AsyncQueries(Queries):
    """The same queries for psycopg.AsyncConnection: `await aqueries.get_run(aconn, run_id=1)`;
    relation queries are async generators (`async for row in aqueries.list_...(...)`)."""


@cache
def load_sql(path: str | Path) -> aiosql.queries.Queries:
    """The one loader of sql/: a folder (or one file) of `-- name:` blocks, relative to sql/
    or absolute, as plain aiosql queries on dict-row cursors (loaded once)."""
    # aiosql 15 defaults: parameters must be declared in each name line, keyword-only calls.
    # Cursors are made with dict rows whatever the caller's connection does, so every query
    # returns dicts (the typed stubs describe them); hence no `<!` queries (aiosql indexes
    # their row by position).
    return aiosql.from_path(SQL_DIR / path, "psycopg", kwargs={"row_factory": dict_row})


@cache
def _wrapped(adapter: str) -> Queries:
    # One parse for both: the async wrappers run aiosql's SQL text themselves (_arun).
    cls = AsyncQueries if adapter == "apsycopg" else Queries
    return cls(load_sql("queries"), is_async=adapter == "apsycopg")


def __getattr__(name: str) -> Any:  # loaded on first use: importing zerg_sql stays cheap
    if name == "queries":
        return _wrapped("psycopg")
    if name == "aqueries":
        return _wrapped("apsycopg")
    if name == "internal":
        return load_sql("internal")
    raise AttributeError(name)


# ------------------------------------------------------------------ COPY

@cache
def copy_statement(name: str) -> tuple[str, tuple[str, ...]]:
    """The COPY ... FROM STDIN statement of sql/copy/<name>.sql and its column list."""
    path = SQL_DIR / "copy" / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"copy {name}", f"no such file {path.relative_to(SQL_DIR.parent)}")
    text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("--"))
    m = re.search(r"\(([^)]*)\)", text)
    if not m:
        raise QueryError(f"copy {name}", f"{path.name} names no column list")
    return text.strip().rstrip(";"), tuple(c.strip() for c in m.group(1).split(","))


def _copy_row(name: str, columns: tuple[str, ...], i: int, row: Mapping[str, Any]) -> list[Any]:
    extra = sorted(set(row) - set(columns))
    if extra:
        raise QueryError(f"copy {name}", f"row {i}: unknown column; COPY takes ({', '.join(columns)})",
                         ", ".join(extra))
    # dicts and lists are JSON here: every structured column of a COPY file is jsonb.
    return [Jsonb(v) if isinstance(v, (dict, list)) else v for v in (row.get(c) for c in columns)]


def copy_rows(conn: psycopg.Connection, name: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Stream dict rows (missing keys are NULL) into sql/copy/<name>.sql; returns the count.

    All or nothing: the COPY is one statement, so a bad row fails the whole batch.
    """
    statement, columns = copy_statement(name)
    count = 0
    try:
        with conn.cursor() as cur, cur.copy(statement) as copy:
            for count, row in enumerate(rows, 1):
                copy.write_row(_copy_row(name, columns, count, row))
    except _INPUT_ERRORS as e:
        # The server reports the line and column in its context; name the column.
        raise _translate(f"copy {name}", e, [dict.fromkeys(columns)]) from e
    return count


async def acopy_rows(conn: psycopg.AsyncConnection, name: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """The async twin of copy_rows()."""
    statement, columns = copy_statement(name)
    count = 0
    try:
        async with conn.cursor() as cur, cur.copy(statement) as copy:
            for count, row in enumerate(rows, 1):
                await copy.write_row(_copy_row(name, columns, count, row))
    except _INPUT_ERRORS as e:
        raise _translate(f"copy {name}", e, [dict.fromkeys(columns)]) from e
    return count
