"""LLM audit ingest, as the batched background writer does it: batches of 100 and 1,000 rows,
one commit per batch (durable: fsync and synchronous_commit on), rows referencing real
runs, threads and users (the FK checks are part of the cost). Two paths:
insert_llm_audits (the `*!` named query: psycopg executemany, pipelined) and
zerg_sql.queries.copy_rows (COPY FROM STDIN of sql/copy/llm_audit_log.sql)."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

from psycopg.types.json import Jsonb

from zerg_sql.migrate import Runner
from zerg_sql.queries import copy_rows, queries
from zerg_sql.devtools.seed import seed

from .common import Server, bench_queries, env_for, machine, ours, table, write_result

MESSAGES = [{"role": "system", "content": "You are Zerg."}, {"role": "user", "content": "Check my inbox " * 20}]


def _rows(runs: list[dict], n: int, start: int) -> list[dict]:
    rows = []
    for i in range(start, start + n):
        r = runs[i % len(runs)]
        rows.append({"run_id": r["run_id"], "worker_id": None, "thread_id": r["thread_id"], "owner_id": r["owner_id"],
                     "trace_id": r["trace_id"], "span_id": uuid.uuid4(), "phase": "tool_iteration",
                     "model": "gpt-5.2", "messages": MESSAGES, "message_count": 2, "input_tokens": 1200,
                     "response_content": "I checked your inbox: three new messages.", "response_tool_calls": None,
                     "output_tokens": 80, "reasoning_tokens": None, "duration_ms": 900 + i % 500,
                     "checkpoint_id": None, "error": None})
    return rows


def run(srv: Server, *, quick: bool = False, out=print) -> dict:
    total = 6_000 if quick else 60_000
    name = "zerg_bench_ingest"
    srv.drop_database(name)
    url = srv.create_database(name)
    env = env_for(url)
    with Runner(env, out=lambda _: None) as runner:
        runner.migrate()
    seed(env, 0.01, out=lambda _: None, queue=False)
    results = {}
    with ours(url) as conn:
        bq = bench_queries()
        bq.bench_set_seed(conn, seed=0.5)
        runs = list(bq.bench_sample_runs(conn, n=500, hours=24 * 31))
        conn.autocommit = False

        def executemany(batch: list[dict]) -> None:
            queries.insert_llm_audits(conn, [{**r, "created_at": None, "messages": Jsonb(r["messages"])}
                                             for r in batch])
            conn.commit()

        def copy(batch: list[dict]) -> None:
            copy_rows(conn, "llm_audit_log", batch)
            conn.commit()

        methods = {"insert_llm_audits (executemany)": executemany, "copy_rows (COPY)": copy}
        for batch_size in (100, 1000):
            elapsed = dict.fromkeys(methods, 0.0)
            done = dict.fromkeys(methods, 0)
            offset = 0
            # Rounds alternate the methods so a busy moment of the machine hits both.
            while min(done.values()) < total:
                for label, fn in methods.items():
                    batch = _rows(runs, batch_size, offset)
                    offset += batch_size
                    t0 = time.perf_counter()
                    fn(batch)
                    elapsed[label] += time.perf_counter() - t0
                    done[label] += batch_size
            for label in methods:
                results[(label, batch_size)] = done[label] / elapsed[label]
                out(f"ingest {label:<34} batch {batch_size:>5}: {results[(label, batch_size)]:>9,.0f} rows/s")
    srv.drop_database(name)
    rows = [[label, size, f"{rate:,.0f}"] for (label, size), rate in results.items()]
    write_result("ingest", f"# LLM audit ingest\n\nMachine: {machine()}; {total:,} rows per method and batch size, "
                 f"one commit per batch, measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.\n\n"
                 + table(["path", "batch", "rows/s"], rows))
    return results
