"""Connections for services and tools: search_path and UTC set for the environment."""

from __future__ import annotations

import re
import time
from typing import Any, Mapping

import psycopg
import psycopg_pool
from psycopg.rows import DictRow, dict_row

from .config import CannotConnect, Environment, ZergError, protected_urls, require_url, same_database
from .queries import internal
from .urls import scrub, url_info

# Connection failures that waiting does not cure: retrying a wrong password for the whole
# --wait only fills the server's log (and may lock the account).
_PERMANENT = re.compile(r"password authentication failed|authentication failed|no password supplied|"
                        r"role \S+ does not exist|database \S+ does not exist|no pg_hba\.conf entry|"
                        r"permission denied for database|is not permitted to log in", re.I)


def is_permanent(error: psycopg.Error) -> bool:
    return bool(_PERMANENT.search(str(error)))


def connect_error(url: str, error: psycopg.Error) -> CannotConnect:
    """One line for a failed connection, with what to do about it."""
    text = scrub(str(error)).strip().replace("connection failed: ", "")
    text = re.sub(r"\s+", " ", text)
    if re.search(r"password authentication failed|no password supplied", text, re.I):
        hint = "check the password in the URL (or ~/.pgpass); not retried"
    elif re.search(r"role \S+ does not exist|database \S+ does not exist|no pg_hba", text, re.I):
        hint = "check the user and database in the URL, and that the server allows this client; not retried"
    elif is_permanent(error):
        hint = "ask the DBA for access; not retried"
    else:
        hint = "is the server up and reachable? (`--wait SECONDS` waits for it to start)"
    return CannotConnect(f"cannot connect to {scrub(url)}: {text}; {hint}")


def refuse_protected(env: Environment, conn: psycopg.Connection | None = None) -> None:
    """A non-protected environment (dev, test) never reaches a protected one's database.

    Before connecting: the URL against the URLs the protected environments' own variables
    give. After: the marker a protected environment's run leaves in the schema
    (`_zerg_sql_protected`, the server's system identifier and the database's name), which
    holds whatever the variables say, e.g. a DATABASE_URL that dev and prod both read.
    """
    if env.protected or not env.url:
        return
    how = (f"to work on it on purpose, use --env {{other}} (it shows the target and asks for "
           f"confirmation); nothing changed")
    for other, url in protected_urls(env):
        if same_database(env.url, url):
            raise ZergError(f"refusing: environment {env.name}'s URL {scrub(env.url)} reaches the database of "
                            f"protected environment {other} (its URL variable names the same host, port and "
                            f"database); " + how.format(other=other))
    if conn is not None and internal.protection_marker_exists(conn, schema=env.schema):
        try:
            marker = internal.get_protection_marker(conn)
        except psycopg.errors.InsufficientPrivilege:
            raise ZergError(f"refusing: cannot read {env.schema}._zerg_sql_protected (whether this database is a "
                            f"protected environment's) as role {conn.info.user}: connect as the role that "
                            f"migrates schema {env.schema}") from None
        if marker and marker["here"]:
            raise ZergError(
                f"refusing: database {marker['database']} ({env.target}) belongs to protected environment "
                f"{marker['environment']} (marked by its run of {marker['recorded_at']:%Y-%m-%d %H:%M %Z}, "
                f"{marker['recorded_by']}); environment {env.name} must not change it. "
                + how.format(other=marker["environment"]))


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


# Every connection zerg-sql makes for a service, sync or async, single or pooled, is set
# up by these keyword arguments: the options above, dict rows (what the typed stubs
# describe) and psycopg's automatic server-side prepare after this many executions of
# the same statement (the fast path of a repeated point lookup).
PREPARE_THRESHOLD = 5
# I01 (docs/queries.md): a pooled connection is checked before it is handed out (one
# empty round trip, psycopg_pool's check_connection) and replaced after this many seconds.
POOL_MAX_LIFETIME = 300.0


def connection_kwargs(target: Environment | str, *, search_path: tuple[str, ...] | None = None,
                      application_name: str = "zerg-sql", connect_timeout: int = 10,
                      settings: Mapping[str, str] | None = None) -> tuple[str, dict[str, Any]]:
    """The URL and psycopg connect() keyword arguments of every zerg-sql connection."""
    if isinstance(target, Environment):
        url = require_url(target)
        search_path = search_path or target.search_path
    else:
        url = target
    kwargs: dict[str, Any] = {
        "options": _options(url, search_path, settings),
        "application_name": application_name,
        "connect_timeout": connect_timeout,
        "row_factory": dict_row,
        "prepare_threshold": PREPARE_THRESHOLD,
    }
    return url, kwargs


def connect(target: Environment | str, *, autocommit: bool = False, search_path: tuple[str, ...] | None = None,
            application_name: str = "zerg-sql", connect_timeout: int = 10,
            settings: Mapping[str, str] | None = None) -> psycopg.Connection[DictRow]:
    """A psycopg connection with dict rows, the environment's search_path and TimeZone=UTC.

    `target` is an Environment (its URL and search_path) or a URL (search_path as given);
    `settings`: more session settings (name -> value), e.g. {"plan_cache_mode": "force_generic_plan"}.
    """
    url, kwargs = connection_kwargs(target, search_path=search_path, application_name=application_name,
                                    connect_timeout=connect_timeout, settings=settings)
    if isinstance(target, Environment):
        refuse_protected(target)
    try:
        conn = psycopg.Connection.connect(url, autocommit=autocommit, **kwargs)
    except psycopg.Error as e:
        raise connect_error(url, e) from None
    if isinstance(target, Environment) and not target.protected:
        try:
            refuse_protected(target, conn)
        except ZergError:
            conn.close()
            raise
        if not autocommit:
            conn.rollback()  # the check's transaction: the caller starts with a clean session
    return conn


async def connect_async(target: Environment | str, *, autocommit: bool = False,
                        search_path: tuple[str, ...] | None = None, application_name: str = "zerg-sql",
                        connect_timeout: int = 10,
                        settings: Mapping[str, str] | None = None) -> psycopg.AsyncConnection[DictRow]:
    """The async twin of connect(), set up the same way (use with zerg_sql.aqueries)."""
    url, kwargs = connection_kwargs(target, search_path=search_path, application_name=application_name,
                                    connect_timeout=connect_timeout, settings=settings)
    try:
        return await psycopg.AsyncConnection.connect(url, autocommit=autocommit, **kwargs)
    except psycopg.Error as e:
        raise connect_error(url, e) from None


def _pool_args(target: Environment | str, search_path: tuple[str, ...] | None, application_name: str,
               settings: Mapping[str, str] | None, pool_kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    url, kwargs = connection_kwargs(target, search_path=search_path, application_name=application_name,
                                    settings=settings)
    pool_kwargs.setdefault("max_lifetime", POOL_MAX_LIFETIME)
    pool_kwargs.setdefault("name", application_name)
    return url, kwargs


def pool(target: Environment | str, *, min_size: int = 1, max_size: int = 10,
         search_path: tuple[str, ...] | None = None, application_name: str = "zerg-sql pool",
         settings: Mapping[str, str] | None = None,
         **pool_kwargs: Any) -> psycopg_pool.ConnectionPool[psycopg.Connection[DictRow]]:
    """An open psycopg_pool.ConnectionPool whose connections are set up like connect()'s.

    Each connection is checked when it is handed out and replaced after POOL_MAX_LIFETIME
    seconds; `with pool.connection() as conn:` is one transaction (commit at the end of
    the block, rollback on an exception). Other psycopg_pool arguments pass through.
    """
    url, kwargs = _pool_args(target, search_path, application_name, settings, pool_kwargs)
    pool_kwargs.setdefault("check", psycopg_pool.ConnectionPool.check_connection)
    return psycopg_pool.ConnectionPool(url, connection_class=psycopg.Connection[DictRow], kwargs=kwargs,
                                       min_size=min_size, max_size=max_size, open=True, **pool_kwargs)


def async_pool(target: Environment | str, *, min_size: int = 1, max_size: int = 10,
               search_path: tuple[str, ...] | None = None, application_name: str = "zerg-sql pool",
               settings: Mapping[str, str] | None = None,
               **pool_kwargs: Any) -> psycopg_pool.AsyncConnectionPool[psycopg.AsyncConnection[DictRow]]:
    """The async twin of pool(), not yet open: `async with async_pool(env) as pool:` (or
    `await pool.open()` / `await pool.close()`) in the application's lifespan, then
    `async with pool.connection() as conn:` per request, one transaction (docs/queries.md)."""
    url, kwargs = _pool_args(target, search_path, application_name, settings, pool_kwargs)
    pool_kwargs.setdefault("check", psycopg_pool.AsyncConnectionPool.check_connection)
    return psycopg_pool.AsyncConnectionPool(url, connection_class=psycopg.AsyncConnection[DictRow], kwargs=kwargs,
                                            min_size=min_size, max_size=max_size, open=False, **pool_kwargs)


def wait_for_server(url: str, timeout: float) -> None:
    """Retry until the server accepts connections (containers start before their database);
    an authentication or unknown role/database failure is reported at once, not retried."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=max(1, min(5, int(timeout) or 1))) as conn:
                internal.wait_probe(conn)
            return
        except psycopg.OperationalError as e:
            if is_permanent(e):
                raise connect_error(url, e) from None
            if time.monotonic() >= deadline:
                error = connect_error(url, e)
                raise CannotConnect(f"the server did not accept connections within {timeout:g}s: {error}") from None
            time.sleep(0.5)
