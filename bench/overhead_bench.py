"""A query function's overhead: queries.get_run (aiosql) against a raw psycopg prepared
statement of the same SQL (cursor.execute(..., prepare=True)), dict rows on both sides;
then the same for the async functions: `await aqueries.get_run(aconn, ...)` against `await
acursor.execute(..., prepare=True)` + `fetchone()` on an AsyncConnection.

Interleaved rounds on one connection: each round runs N calls of one side then N of the
other (the order alternates between rounds) over the same run ids; the ratio is taken
per round and the median ratio reported, so drifts of a shared machine cancel out.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

from psycopg.rows import dict_row

from zerg_sql.db import connect_async
from zerg_sql.queries import aqueries, queries

from .common import bench_queries, machine, ours, table, write_result


def run(url: str, *, quick: bool = False, out=print) -> dict:
    rounds, calls = (6, 300) if quick else (30, 2000)
    with ours(url) as conn:
        bench_queries().bench_set_seed(conn, seed=0.3)
        ids = [r["run_id"] for r in bench_queries().bench_sample_runs(conn, n=500, hours=24 * 31)]
        sql = queries.get_run.sql
        cur = conn.cursor(row_factory=dict_row)

        cpu: dict[str, list[float]] = {"aiosql": [], "raw": []}

        def aiosql_side() -> float:
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(calls):
                queries.get_run(conn, run_id=ids[i % len(ids)])
            cpu["aiosql"].append((time.process_time() - c0) / calls * 1e6)
            return (time.perf_counter() - t0) / calls * 1e6

        def raw_side() -> float:
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(calls):
                cur.execute(sql, {"run_id": ids[i % len(ids)]}, prepare=True).fetchone()
            cpu["raw"].append((time.process_time() - c0) / calls * 1e6)
            return (time.perf_counter() - t0) / calls * 1e6

        aiosql_side(), raw_side()  # warm both (psycopg prepares after 5 calls)
        cpu = {"aiosql": [], "raw": []}
        a_us, r_us, ratios = [], [], []
        for k in range(rounds):
            if k % 2:
                r, a = raw_side(), aiosql_side()
            else:
                a, r = aiosql_side(), raw_side()
            a_us.append(a)
            r_us.append(r)
            ratios.append(a / r)
    res = {"aiosql_us": statistics.median(a_us), "raw_us": statistics.median(r_us),
           "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
           "rounds": rounds, "calls": calls, "aiosql_cpu_us": statistics.median(cpu["aiosql"]),
           "raw_cpu_us": statistics.median(cpu["raw"])}
    out(f"overhead: aiosql {res['aiosql_us']:.1f} us/call, raw prepared {res['raw_us']:.1f} us/call, "
        f"median ratio {res['ratio']:.3f} (min {res['ratio_min']:.3f}, max {res['ratio_max']:.3f}); client CPU "
        f"{res['aiosql_cpu_us']:.1f} vs {res['raw_cpu_us']:.1f} us/call")
    res["async"] = asyncio.run(_run_async(url, ids, rounds, calls))
    a = res["async"]
    out(f"overhead async: aqueries {a['aiosql_us']:.1f} us/call, raw prepared {a['raw_us']:.1f} us/call, "
        f"median ratio {a['ratio']:.3f} (min {a['ratio_min']:.3f}, max {a['ratio_max']:.3f}); client CPU "
        f"{a['aiosql_cpu_us']:.1f} vs {a['raw_cpu_us']:.1f} us/call")
    write_result("overhead", f"# Query function overhead (point lookup get_run)\n\nMachine: {machine()}.\n\n"
                 + table(["side", "median wall µs / call", "median client CPU µs / call"],
                         [["queries.get_run (aiosql)", f"{res['aiosql_us']:.1f}", f"{res['aiosql_cpu_us']:.1f}"],
                          ["cursor.execute(..., prepare=True)", f"{res['raw_us']:.1f}", f"{res['raw_cpu_us']:.1f}"],
                          ["await aqueries.get_run", f"{a['aiosql_us']:.1f}", f"{a['aiosql_cpu_us']:.1f}"],
                          ["await acursor.execute(..., prepare=True)", f"{a['raw_us']:.1f}", f"{a['raw_cpu_us']:.1f}"]])
                 + f"\nMedian per-round ratio aiosql / raw: sync **{res['ratio']:.3f}** (min {res['ratio_min']:.3f}, "
                   f"max {res['ratio_max']:.3f}), async **{a['ratio']:.3f}** (min {a['ratio_min']:.3f}, "
                   f"max {a['ratio_max']:.3f}); {rounds} interleaved rounds of {calls} calls per side.\n"
                 + f"\nClient CPU per call, ours / raw (steadier than wall time on a loaded machine): sync "
                   f"**{res['aiosql_cpu_us'] / res['raw_cpu_us']:.3f}**, async **{a['aiosql_cpu_us'] / a['raw_cpu_us']:.3f}**.\n")
    return res


async def _run_async(url: str, ids: list[int], rounds: int, calls: int) -> dict[str, float]:
    """The async side, measured like the sync one: interleaved rounds on one AsyncConnection."""
    conn = await connect_async(url, search_path=("zerg", "public"), autocommit=True)
    try:
        sql = queries.get_run.sql
        cur = conn.cursor(row_factory=dict_row)
        cpu: dict[str, list[float]] = {"aiosql": [], "raw": []}

        async def timed(side: str, call: Callable[[int], Awaitable[object]]) -> float:
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(calls):
                await call(ids[i % len(ids)])
            cpu[side].append((time.process_time() - c0) / calls * 1e6)
            return (time.perf_counter() - t0) / calls * 1e6

        async def ours_call(run_id: int) -> object:
            return await aqueries.get_run(conn, run_id=run_id)

        async def raw_call(run_id: int) -> object:
            await cur.execute(sql, {"run_id": run_id}, prepare=True)
            return await cur.fetchone()

        await timed("aiosql", ours_call), await timed("raw", raw_call)  # warm both
        cpu = {"aiosql": [], "raw": []}
        a_us, r_us, ratios = [], [], []
        for k in range(rounds):
            if k % 2:
                r, a = await timed("raw", raw_call), await timed("aiosql", ours_call)
            else:
                a, r = await timed("aiosql", ours_call), await timed("raw", raw_call)
            a_us.append(a)
            r_us.append(r)
            ratios.append(a / r)
    finally:
        await conn.close()
    return {"aiosql_us": statistics.median(a_us), "raw_us": statistics.median(r_us),
            "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "aiosql_cpu_us": statistics.median(cpu["aiosql"]), "raw_cpu_us": statistics.median(cpu["raw"])}
