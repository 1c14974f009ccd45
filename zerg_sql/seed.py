"""`zerg-sql seed --scale S`: the realistic dataset of sql/seed/seed.sql, in one transaction."""

from __future__ import annotations

import secrets
import time
from functools import cache
from typing import Callable

import aiosql
from psycopg.rows import dict_row

from .config import SQL_DIR, Environment, ZergError
from .db import connect

# (step, parameters) in dependency order; each step is a named query of sql/seed/seed.sql.
STEPS = [
    ("seed_users", ("scale", "batch")),
    ("seed_agents", ()),
    ("seed_threads", ()),
    ("seed_runs", ("scale",)),
    ("seed_continuations", ()),
    ("seed_run_events", ("scale",)),
    ("seed_thread_messages", ("scale", "batch")),
    ("seed_worker_jobs", ("scale", "batch")),
    ("seed_llm_audit_log", ("scale",)),
    ("seed_barriers", ()),
    ("seed_barrier_jobs", ()),
    ("seed_runners", ("batch",)),
]


@cache
def seed_queries():
    return aiosql.from_path(SQL_DIR / "seed", "psycopg", kwargs={"row_factory": dict_row})


def seed(env: Environment, scale: float, *, seed_value: float = 0.42, out: Callable[[str], None] = print,
         queue: bool = True) -> dict[str, int]:
    """Load the dataset; returns rows per step. Refused in protected environments."""
    if env.protected:
        raise ZergError(f"environment {env.name} is protected: seed only dev or test databases")
    if not 0 < scale <= 100:
        raise ZergError("--scale must be > 0 and at most 100")
    q = seed_queries()
    args = {"scale": scale, "batch": secrets.token_hex(3)}
    counts: dict[str, int] = {}
    started = time.perf_counter()
    with connect(env) as conn:
        q.start_seed(conn, seed=seed_value)
        q.create_seed_maps(conn)
        steps = list(STEPS)
        if queue and q.ops_queue_exists(conn):
            steps.append(("seed_queue_jobs", ("scale", "batch")))
        for name, params in steps:
            t0 = time.perf_counter()
            counts[name] = getattr(q, name)(conn, **{p: args[p] for p in params})
            out(f"{name:<22} {counts[name]:>10,} rows  {time.perf_counter() - t0:6.1f} s")
        conn.commit()
        load_seconds = time.perf_counter() - started
        q.analyze_seeded(conn)
        if "seed_queue_jobs" in counts:
            q.analyze_queue(conn)
        conn.commit()
    total = sum(counts.values())
    out(f"{total:,} rows in {load_seconds:.1f} s: {total / load_seconds:,.0f} rows/s (ANALYZE not counted)")
    return counts
