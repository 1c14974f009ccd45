"""zerg-sql: the plain-SQL database layer of Zerg.

    from zerg_sql import connect, queries
    with connect(get_environment("dev")) as conn:
        run = queries.get_run(conn, run_id=1)
"""

from .config import Environment, ZergError, get_environment
from .db import connect, connect_async, pool


def __getattr__(name: str):
    if name in ("queries", "aqueries"):
        from . import queries as q

        return getattr(q, name)
    raise AttributeError(name)


__all__ = ["Environment", "ZergError", "get_environment", "connect", "connect_async", "pool", "queries", "aqueries"]
