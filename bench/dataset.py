"""The benchmark dataset: our schema seeded at scale S, and the legacy schema holding the
same rows, in one database `zerg_bench_s<S>` (schemas `zerg` and `legacy`).

Built once and reused by later runs (`--rebuild` to start again): at S=10 it takes minutes.
"""

from __future__ import annotations

import time
from pathlib import Path

from zerg_sql.migrate import Runner
from zerg_sql.devtools.seed import seed

from .common import REPO, Server, bench_queries, env_for, legacy, ours

LEGACY_LOAD = [
    ("legacy_load_users", "users"),
    ("legacy_load_agents", "agents"),
    ("legacy_load_threads", "agent_threads"),
    ("legacy_load_runs", "agent_runs"),
    ("legacy_load_run_events", "agent_run_events"),
    ("legacy_load_messages", "thread_messages"),
    ("legacy_load_worker_jobs", "worker_jobs"),
    ("legacy_load_llm_audit", "llm_audit_log"),
    ("legacy_load_runners", "runners"),
]


def create_all_sql() -> Path:
    """Zerg's create_all schema: sql/legacy/ (after the adopt issue moved it) or the test fixture."""
    for path in (REPO / "sql" / "legacy" / "create_all.sql", REPO / "tests" / "fixtures" / "legacy" / "create_all.sql"):
        if path.exists():
            return path
    raise FileNotFoundError("create_all.sql not found in sql/legacy/ or tests/fixtures/legacy/")


def scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def build(srv: Server, scale: float, *, rebuild: bool = False, out=print) -> tuple[str, dict]:
    """The URL of the dataset for scale, building it if needed; and what building took."""
    q = bench_queries()
    name = f"zerg_bench_s{scale_tag(scale)}"
    url = srv.url(name)
    marker = f"complete scale={scale:g}"
    if not rebuild and srv.exists(name):
        with ours(url) as conn:
            if q.bench_legacy_marker(conn) == marker:
                out(f"reusing {name}")
                # Migrations added since the build run on the big dataset, as a deploy would.
                t0 = time.perf_counter()
                with Runner(env_for(url), out=out) as runner:
                    runner.migrate()
                return url, {"reused": True, "migrate_s": time.perf_counter() - t0}
    srv.drop_database(name)
    srv.create_database(name)
    info: dict = {"reused": False}
    env = env_for(url)
    t0 = time.perf_counter()
    with Runner(env, out=lambda _: None) as runner:
        runner.migrate()
    info["migrate_s"] = time.perf_counter() - t0
    seed_lines: list[str] = []

    def keep(line: str) -> None:
        seed_lines.append(line)
        out(line)

    t0 = time.perf_counter()
    info["seed_counts"] = seed(env, scale, out=keep)
    info["seed_s"] = time.perf_counter() - t0
    info["seed_lines"] = seed_lines
    legacy_times = []
    with legacy(url) as conn:
        q.bench_create_legacy_schema(conn)
        conn.execute(create_all_sql().read_text())  # a psql-runnable DDL file, no parameters
        with conn.transaction():
            q.legacy_bulk_mode(conn)
            for step, table in LEGACY_LOAD:
                t0 = time.perf_counter()
                rows = getattr(q, step)(conn)
                seconds = time.perf_counter() - t0
                legacy_times.append((table, rows, seconds))
                out(f"legacy {table:<18} {rows:>11,} rows {seconds:6.1f} s")
        t0 = time.perf_counter()
        q.legacy_analyze(conn)
        # Both schemas vacuumed, as autovacuum leaves an insert-mostly table: the visibility
        # map set, so index-only scans read no heap (both sides get the same).
        q.bench_vacuum(conn)
        q.bench_mark_complete(conn, marker=marker)
        q.bench_comment_legacy(conn)
    info["legacy_load"] = legacy_times
    info["legacy_analyze_s"] = time.perf_counter() - t0
    with ours(url) as conn:
        info["sizes"] = list(q.bench_table_sizes(conn))
    return url, info
