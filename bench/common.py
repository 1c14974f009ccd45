"""Shared pieces of the benchmarks: the server, databases, timing and reports."""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from zerg_sql.config import get_environment
from zerg_sql.urls import normalize_url
from zerg_sql.db import connect
from zerg_sql.queries import Queries, load_sql

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
PLANS = REPO / "docs" / "bench-plans"
DATA_DIR = Path(os.environ.get("ZERG_BENCH_DATA_DIR", "/var/tmp/zerg-bench/pg16"))


@cache
def bench_queries() -> Queries:
    """bench/sql/*.sql: the legacy load, Zerg's queries on the legacy schema, parameter samples.
    Wrapped like zerg_sql.queries (same parameter checks), so both sides of a comparison pay
    the same client-side cost per call."""
    return Queries(load_sql(REPO / "bench" / "sql"),
                   is_async=False)


@dataclass
class Server:
    admin_url: str
    kind: str

    def url(self, dbname: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + dbname))

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_url, autocommit=True, row_factory=dict_row)

    def exists(self, name: str) -> bool:
        with self.admin() as conn:
            return bench_queries().bench_database_exists(conn, name=name)

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

    def settings(self) -> dict[str, str]:
        names = ["server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers",
                 "work_mem", "max_wal_size", "jit", "max_parallel_workers_per_gather"]
        with self.admin() as conn:
            return {r["name"]: r["value"] for r in bench_queries().bench_settings(conn, names=names)}


def server(url: str | None = None) -> Server:
    """ZERG_BENCH_DATABASE_URL / --database-url (a superuser URL), else our own embedded
    PostgreSQL 16 with the wheel's default, durable settings (fsync on), apart from the dev
    and test servers so a benchmark never touches their data."""
    url = url or os.environ.get("ZERG_BENCH_DATABASE_URL")
    if url:
        return Server(normalize_url(url), "given URL")
    from zerg_sql import devserver

    handle = devserver.start(DATA_DIR)
    return Server(devserver.socket_url(handle, "postgres"), f"embedded PostgreSQL 16 ({DATA_DIR})")


def env_for(url: str):
    return get_environment("dev", url)


def ours(url: str) -> psycopg.Connection:
    return connect(url, search_path=("zerg", "public"), autocommit=True)


def legacy(url: str) -> psycopg.Connection:
    return connect(url, search_path=("legacy",), autocommit=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95), "mean": statistics.fmean(ms)}


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.ms = (time.perf_counter() - self.t0) * 1000


def machine() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"


def write_result(name: str, text: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(text)
    return path


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
