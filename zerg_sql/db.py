"""Connections for services and tools: search_path and UTC set for the environment."""

from __future__ import annotations

import re
import time
from typing import Mapping

import psycopg
import psycopg_pool
from psycopg.rows import dict_row

from .config import Environment, ZergError, require_url
from .queries import internal
from .urls import scrub, url_info


def _options(url: str, search_path: tuple[str, ...] | None, settings: Mapping[str, str] | None = None) -> str:
    # Session settings travel in the startup packet (no extra round trip). The values are
    # identifiers validated by config.py (search_path) or constants of our own callers
    # (settings), and this is connection configuration, not SQL. Ours come after the URL's
    # own options, so they win where both set search_path.
    parts = [url_info(url).get("options", "")]
    if search_path:
        parts.append("-c search_path=" + ",".join(search_path))
    parts.append("-c TimeZone=UTC")
    for name, value in (settings or {}).items():
        if not re.fullmatch(r"[a-z_.]+", name) or not re.fullmatch(r"[A-Za-z0-9_.]+", value):
            raise ValueError(f"not a plain session setting: {name}={value}")
        parts.append(f"-c {name}={value}")
    return " ".join(p for p in parts if p)


def connection_kwargs(target: Environment | str, *, search_path: tuple[str, ...] | None = None,
                      application_name: str = "zerg-sql", connect_timeout: int = 10,
                      settings: Mapping[str, str] | None = None) -> tuple[str, dict]:
    if isinstance(target, Environment):
        url = require_url(target)
        search_path = search_path or target.search_path
    else:
        url = target
    kwargs = {
        "options": _options(url, search_path, settings),
        "application_name": application_name,
        "connect_timeout": connect_timeout,
    }
    return url, kwargs


def connect(target: Environment | str, *, autocommit: bool = False, search_path: tuple[str, ...] | None = None,
            application_name: str = "zerg-sql", connect_timeout: int = 10,
            settings: Mapping[str, str] | None = None) -> psycopg.Connection:
    """A psycopg connection with dict rows, the environment's search_path and TimeZone=UTC.

    `target` is an Environment (its URL and search_path) or a URL (search_path as given);
    `settings`: more session settings (name -> value), e.g. {"plan_cache_mode": "force_generic_plan"}.
    """
    url, kwargs = connection_kwargs(target, search_path=search_path, application_name=application_name,
                                    connect_timeout=connect_timeout, settings=settings)
    try:
        return psycopg.connect(url, autocommit=autocommit, row_factory=dict_row, **kwargs)
    except psycopg.Error as e:
        raise ZergError(f"cannot connect to {scrub(url)}: {scrub(str(e)).strip()}") from None


async def connect_async(target: Environment | str, *, autocommit: bool = False,
                        search_path: tuple[str, ...] | None = None,
                        application_name: str = "zerg-sql") -> psycopg.AsyncConnection:
    """The async twin of connect(), for services on asyncio (use with zerg_sql.aqueries)."""
    url, kwargs = connection_kwargs(target, search_path=search_path, application_name=application_name)
    try:
        return await psycopg.AsyncConnection.connect(url, autocommit=autocommit, row_factory=dict_row, **kwargs)
    except psycopg.Error as e:
        raise ZergError(f"cannot connect to {scrub(url)}: {scrub(str(e)).strip()}") from None


def pool(target: Environment | str, *, min_size: int = 1, max_size: int = 10,
         search_path: tuple[str, ...] | None = None, **pool_kwargs) -> psycopg_pool.ConnectionPool:
    """A psycopg_pool.ConnectionPool whose connections are set up like connect()'s."""
    url, kwargs = connection_kwargs(target, search_path=search_path, application_name="zerg-sql pool")
    kwargs["row_factory"] = dict_row
    return psycopg_pool.ConnectionPool(url, min_size=min_size, max_size=max_size, kwargs=kwargs,
                                       open=True, **pool_kwargs)


def wait_for_server(url: str, timeout: float) -> None:
    """Retry until the server accepts connections (containers start before their database)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=max(1, min(5, int(timeout) or 1))) as conn:
                internal.wait_probe(conn)
            return
        except psycopg.OperationalError as e:
            if time.monotonic() >= deadline:
                raise ZergError(f"database at {scrub(url)} did not accept connections within {timeout:g}s: "
                                f"{scrub(str(e)).strip()}") from None
            time.sleep(0.5)
