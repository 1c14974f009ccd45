"""Named SQL queries, loaded by aiosql from sql/ (the files are the source of truth).

`queries` / `aqueries`: every file in sql/queries (service, dashboard and queue queries),
as sync (psycopg) and async (psycopg AsyncConnection) functions in one namespace, so a
query's name is unique and one grep in sql/ finds it. `internal`: sql/internal, the
runner's own bookkeeping queries.
"""

from __future__ import annotations

from functools import cache

import aiosql
from psycopg.rows import dict_row

from .config import SQL_DIR


@cache
def _load(folder: str, adapter: str) -> aiosql.queries.Queries:
    # aiosql 15 defaults: parameters must be declared in each name line, keyword-only calls.
    # Cursors are made with dict rows whatever the caller's connection does, so every query
    # returns dicts (the typed stubs describe them); hence no `<!` queries (aiosql indexes
    # their row by position).
    return aiosql.from_path(SQL_DIR / folder, adapter, kwargs={"row_factory": dict_row})


def __getattr__(name: str):  # loaded on first use: importing zerg_sql stays cheap
    if name == "queries":
        return _load("queries", "psycopg")
    if name == "aqueries":
        return _load("queries", "apsycopg")
    if name == "internal":
        return _load("internal", "psycopg")
    raise AttributeError(name)
