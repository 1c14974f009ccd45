"""Retention by batched deletes (zerg_sql.prune): delete rate, time per batch (the time its
row locks are held), the latency of concurrent LLM audit inserts during the prune against
a quiet baseline, and the table's size / dead tuples before, after and after VACUUM."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

from psycopg.types.json import Jsonb

from zerg_sql.migrate import Runner
from zerg_sql.prune import prune
from zerg_sql.queries import copy_rows, queries
from zerg_sql.devtools.seed import seed

from .common import Server, bench_queries, env_for, machine, ours, summary, table, write_result


def _inserter(url: str, runs: list[dict], stop: threading.Event, lat: list[float]) -> None:
    """The audit writer: a batch of 10 rows every 20 ms, one commit each."""
    with ours(url) as conn:
        conn.autocommit = False
        i = 0
        while not stop.is_set():
            batch = [{"created_at": None, "run_id": r["run_id"], "worker_id": None, "thread_id": r["thread_id"], "owner_id": r["owner_id"],
                      "trace_id": r["trace_id"], "span_id": uuid.uuid4(), "phase": "initial", "model": "gpt-5.2",
                      "messages": Jsonb([{"role": "user", "content": "hi"}]), "message_count": 1,
                      "input_tokens": 10, "response_content": "ok", "response_tool_calls": None, "output_tokens": 2,
                      "reasoning_tokens": None, "duration_ms": 100, "checkpoint_id": None, "error": None}
                     for r in (runs[(i + k) % len(runs)] for k in range(10))]
            t0 = time.perf_counter()
            queries.insert_llm_audits(conn, batch)
            conn.commit()
            lat.append((time.perf_counter() - t0) * 1000)
            i += 10
            time.sleep(0.02)


def run(srv: Server, *, quick: bool = False, out=print) -> dict:
    scale = 0.05 if quick else 0.5
    name = "zerg_bench_retention"
    srv.drop_database(name)
    url = srv.create_database(name)
    env = env_for(url)
    with Runner(env, out=lambda _: None) as runner:
        runner.migrate()
    seed(env, scale, out=lambda _: None, queue=False)
    bq = bench_queries()
    with ours(url) as conn:
        bq.bench_set_seed(conn, seed=0.9)
        runs = list(bq.bench_sample_runs(conn, n=200, hours=24 * 31))
        before = {t: bq.bench_table_stats(conn, table_name=t) for t in ("llm_audit_log", "agent_run_events")}
    # Baseline insert latency, then the same load during the prune.
    stop, base = threading.Event(), []
    th = threading.Thread(target=_inserter, args=(url, runs, stop, base))
    th.start()
    time.sleep(3 if quick else 8)
    stop.set()
    th.join()
    stop, during = threading.Event(), []
    th = threading.Thread(target=_inserter, args=(url, runs, stop, during))
    th.start()
    t0 = time.perf_counter()
    res = prune(env, timedelta(days=7), batch_size=5000, out=out)
    prune_s = time.perf_counter() - t0
    stop.set()
    th.join()
    with ours(url) as conn:
        after = {t: bq.bench_table_stats(conn, table_name=t) for t in before}
        t0 = time.perf_counter()
        bq.bench_vacuum_audit(conn)
        bq.bench_vacuum_events(conn)
        vacuum_s = time.perf_counter() - t0
        vacuumed = {t: bq.bench_table_stats(conn, table_name=t) for t in before}
        # As many new LLM calls as were deleted: they fill the freed space instead of growing the table.
        conn.autocommit = False
        refill = res["llm_audit_log"].deleted
        for start in range(0, refill, 1000):
            copy_rows(conn, "llm_audit_log", [{
                "run_id": r["run_id"], "thread_id": r["thread_id"], "owner_id": r["owner_id"], "trace_id": r["trace_id"],
                "span_id": uuid.uuid4(), "phase": "initial", "model": "gpt-5.2",
                "messages": [{"role": "user", "content": "Check my inbox " * 8}], "message_count": 1,
                "input_tokens": 10, "response_content": "I checked your inbox: three new messages, one needs a reply.",
                "output_tokens": 20, "duration_ms": 900}
                for r in (runs[(start + k) % len(runs)] for k in range(min(1000, refill - start)))])
            conn.commit()
        conn.autocommit = True
        refilled = bq.bench_table_stats(conn, table_name="llm_audit_log")
    srv.drop_database(name)
    deleted = sum(r.deleted for r in res.values())
    batch_ms = [ms for r in res.values() for ms in r.batch_ms]
    b, d, bm = summary(base), summary(during), summary(batch_ms)
    out(f"retention: {deleted:,} rows in {prune_s:.1f} s ({deleted / prune_s:,.0f} rows/s), batch p50 {bm['p50']:.0f} "
        f"ms p95 {bm['p95']:.0f} ms max {max(batch_ms):.0f} ms; concurrent insert p95 {b['p95']:.1f} -> {d['p95']:.1f} ms")
    rows = [[t, before[t]["size"], f"{before[t]['n_dead_tup'] or 0:,}", after[t]["size"],
             f"{after[t]['n_dead_tup'] or 0:,}", vacuumed[t]["size"], f"{res[t].deleted:,}", res[t].batches]
            for t in before]
    text = (f"# Retention: batched prune (--older-than 7d, batch 5,000)\n\nMachine: {machine()}; dataset seed scale "
            f"{scale:g}.\n\n"
            f"- deleted {deleted:,} rows in {prune_s:.1f} s: **{deleted / prune_s:,.0f} rows/s**\n"
            f"- time per batch (row locks held): p50 {bm['p50']:.0f} ms, p95 {bm['p95']:.0f} ms, "
            f"max {max(batch_ms):.0f} ms over {bm['n']} batches\n"
            f"- concurrent audit inserts (10 rows + commit every 20 ms): p50 {b['p50']:.1f} / p95 {b['p95']:.1f} ms "
            f"quiet, p50 {d['p50']:.1f} / p95 {d['p95']:.1f} ms during the prune ({d['n']} batches, none failed)\n"
            f"- VACUUM (ANALYZE) of both tables afterwards: {vacuum_s:.1f} s\n"
            f"- then {refill:,} new LLM calls (as many as were deleted): llm_audit_log {vacuumed['llm_audit_log']['size']}"
            f" -> {refilled['size']} (a table that did not reuse the space would grow by the deleted rows)\n\n"
            + table(["table", "size before", "dead before", "size after prune", "dead after prune",
                     "size after VACUUM", "deleted", "batches"], rows))
    write_result("retention", text)
    return {"deleted": deleted, "seconds": prune_s, "batch": bm, "base": b, "during": d}
