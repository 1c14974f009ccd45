"""zerg-sql: the plain-SQL database layer of Zerg.

    from zerg_sql import connect, queries
    with connect(get_environment("dev")) as conn:
        run = queries.get_run(conn, run_id=1)
"""

from typing import Any

from .config import Environment, ZergError, get_environment
from .db import async_pool, connect, connect_async, pool


def __getattr__(name: str) -> Any:
    if name in ("queries", "aqueries"):
        from . import queries as q

        return getattr(q, name)
    raise AttributeError(name)


__all__ = ["Environment", "ZergError", "get_environment", "connect", "connect_async", "pool", "async_pool", "queries",
           "aqueries"]
