"""`zerg-sql seed --scale S`: the realistic dataset of sql/seed/seed.sql.

The parents (users, agents, threads, runs, runners) load in one transaction; then the big
child tables load in three sessions at once, each in its own transaction, so both cores
work (the load is CPU-bound: index maintenance and WAL, docs/benchmarks.md). A big table
that starts empty gets its secondary indexes built after its load, in the same
transaction. If a child stream fails, the parents and the other streams may stay
committed: seed only throwaway databases.
"""

from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable

import psycopg

from ..config import Environment, ZergError
from ..db import connect
from ..queries import load_sql

# (step, table, parameters); each step is a named query of sql/seed/seed.sql. Steps
# without a table only prepare the next ones.
Step = tuple[str, "str | None", tuple[str, ...]]
PARENTS: list[Step] = [
    ("seed_users", "users", ("scale", "batch")),
    ("seed_agents", "agents", ()),
    ("seed_threads", "agent_threads", ()),
    ("seed_runs", "agent_runs", ("scale", "batch")),
    ("analyze_seed_runs", None, ()),
    ("seed_continuations", "agent_runs", ()),
    ("seed_runners", "runners", ("batch",)),
]
# The children of the runs, in streams of about equal work, each in its own session (the
# first in the parents' session, the others rebuild the run map). Three streams for two
# cores: while one waits for a WAL write the others keep the cores busy.
STREAMS: list[list[Step]] = [
    [("seed_thread_messages", "thread_messages", ("batch",))],
    [("seed_llm_audit_log", "llm_audit_log", ())],
    [("seed_run_events", "agent_run_events", ("batch",)),
     ("seed_worker_jobs", "worker_jobs", ("batch",)),
     ("seed_barriers", "worker_barriers", ()),
     ("seed_barrier_jobs", "barrier_jobs", ())],
]


# Big tables whose secondary indexes are built after their load when the table starts
# empty (a fresh database): one sort per index instead of millions of b-tree inserts, as
# pg_restore does. A table that already has rows (a live dev database) keeps its indexes
# and is loaded through them. Primary keys and unique constraints always stay.
DEFER_INDEXES = {"agent_runs", "agent_run_events", "thread_messages", "worker_jobs", "llm_audit_log"}


def seed_queries() -> Any:  # aiosql makes the query attributes at load time
    return load_sql("seed")


def _begin(conn: psycopg.Connection[Any], seed_value: float, check_fks: bool) -> bool:
    """Start a loading transaction; True if it skips the per-row FK triggers."""
    q = seed_queries()
    q.start_seed(conn, seed=seed_value)
    q.create_index_helpers(conn)
    if not check_fks and q.is_superuser(conn):
        q.skip_fk_triggers(conn)
        return True
    return False


def _run(conn: psycopg.Connection[Any], steps: Iterable[tuple[str, str | None, tuple[str, ...]]], args: dict[str, Any], out: Callable[[str], None],
         defer: bool = True) -> list[tuple[str, str, int, float]]:
    q = seed_queries()
    done = []
    for name, table, params in steps:
        t0 = time.perf_counter()
        deferred = q.defer_indexes(conn, table_name=table) if defer and table in DEFER_INDEXES else 0
        rows = getattr(q, name)(conn, **{p: args[p] for p in params})
        if deferred:
            q.restore_indexes(conn, table_name=table)
        seconds = time.perf_counter() - t0
        if table is not None:
            done.append((name, table, rows, seconds))
            rate = f"{rows / seconds:>10,.0f} rows/s" if seconds > 0.05 else ""
            note = f"  ({deferred} indexes built after the load)" if deferred else ""
            out(f"{table:<18} {rows:>11,} rows {seconds:6.1f} s {rate}{note}")
    return done


def _refuse_unready(env: Environment, force: bool) -> None:
    """Seed a fully migrated database, once (unless forced): never half a schema, never twice by accident."""
    from ..migrate import Runner

    with Runner(env, out=lambda _: None, command="seed") as runner:
        st = runner.status()
        if st.problems or st.pending:
            what = (f"{len(st.pending)} migration(s) pending ({', '.join(st.pending[:3])}"
                    f"{', ...' if len(st.pending) > 3 else ''})" if st.pending else "; ".join(st.problems))
            raise ZergError(f"seed needs a fully migrated database: {what}; run `zerg-sql --env {env.name} migrate` "
                            f"first; nothing was loaded")
        seeded = seed_queries().count_seeded_users(runner.conn)
    if seeded and not force:
        raise ZergError(f"this database already holds a seed ({seeded:,} seed users): a second seed adds a second "
                        f"batch beside it (twice the rows); pass --force for that, or `zerg-sql dev reset` first; "
                        f"nothing was loaded")


def seed(env: Environment, scale: float, *, seed_value: float = 0.42, out: Callable[[str], None] = print,
         queue: bool = True, check_fks: bool = False, parallel: bool = True,
         defer_indexes: bool = True, force: bool = False) -> dict[str, int]:
    """Load the dataset; returns rows per step. Refused in protected environments.

    As a superuser each loading transaction skips the per-row foreign-key triggers (the
    rows are consistent by construction; tests/devtools/test_seed.py checks them); `check_fks=True`
    keeps them. `parallel=False` loads the child streams one after the other. A database
    that is not fully migrated is refused, and so is one seeded before unless `force`.
    `defer_indexes=False` never drops an index, even of an empty table (an app already
    running on an empty database would otherwise wait on those tables for the load).
    """
    if env.protected:
        raise ZergError(f"environment {env.name} is protected: seed only dev or test databases")
    if not 0 < scale <= 100:  # (NaN fails this too)
        raise ZergError("--scale must be > 0 and at most 100")
    _refuse_unready(env, force)
    q = seed_queries()
    args = {"scale": scale, "batch": secrets.token_hex(3)}
    started = time.perf_counter()
    with connect(env) as conn:
        skipped = _begin(conn, seed_value, check_fks)
        q.create_seed_maps(conn)
        done = _run(conn, PARENTS, args, out, defer_indexes)
        conn.commit()
        run_range = q.seed_run_range(conn)
        streams = [list(stream) for stream in STREAMS]
        if queue and q.ops_queue_exists(conn):
            streams[-1].append(("seed_queue_jobs", "ops.job_queue", ("scale", "batch")))
        conn.commit()

        def load(k: int) -> list[tuple[str, str, int, float]]:
            if k == 0:  # the parents' session still has its run map
                _begin(conn, seed_value, check_fks)
                result = _run(conn, streams[0], args, out, defer_indexes)
                conn.commit()
                return result
            with connect(env) as other:
                _begin(other, seed_value + k / 10, check_fks)
                q.load_seed_runs(other, lo=run_range["lo"], hi=run_range["hi"], prefix=f"seed-{args['batch']}-")
                q.analyze_seed_runs(other)
                result = _run(other, streams[k], args, out, defer_indexes)
                other.commit()
                return result

        if parallel:
            with ThreadPoolExecutor(max_workers=len(streams)) as pool:
                for future in [pool.submit(load, k) for k in range(len(streams))]:
                    done += future.result()
        else:
            for k in range(len(streams)):
                done += load(k)
        load_seconds = time.perf_counter() - started
        t0 = time.perf_counter()
        q.analyze_seeded(conn)
        if any(name == "seed_queue_jobs" for name, *_ in done):
            q.analyze_queue(conn)
        conn.commit()
    counts: dict[str, int] = {}
    for name, _table, rows, _seconds in done:
        counts[name] = counts.get(name, 0) + rows
    total = sum(counts.values())
    fk_mode = "consistent by construction, per-row triggers skipped" if skipped else "checked per row"
    out(f"{total:,} rows in {load_seconds:.1f} s: {total / load_seconds:,.0f} rows/s "
        f"(foreign keys {fk_mode}; ANALYZE {time.perf_counter() - t0:.1f} s not counted)")
    return counts
