"""Migrate-from-empty time, and the time to hand a test its isolated database
(CREATE DATABASE ... TEMPLATE of a migrated template), on the bench server (durable
settings) — the test harness's server runs with fsync off, so tests see faster clones."""

from __future__ import annotations

import time

from zerg_sql.migrate import Runner

from .common import Server, env_for, machine, summary, table, write_result


def run(srv: Server, *, quick: bool = False, out=print) -> dict:
    n_migrate, n_clone = (2, 5) if quick else (5, 30)
    migrate_ms = []
    for i in range(n_migrate):
        name = f"zerg_bench_migrate_{i}"
        srv.drop_database(name)
        url = srv.create_database(name)
        t0 = time.perf_counter()
        with Runner(env_for(url), out=lambda _: None) as runner:
            runner.migrate()
        migrate_ms.append((time.perf_counter() - t0) * 1000)
        if i:
            srv.drop_database(name)
    template = "zerg_bench_migrate_0"
    clone_ms = []
    for i in range(n_clone):
        name = f"zerg_bench_clone_{i}"
        srv.drop_database(name)
        t0 = time.perf_counter()
        srv.create_database(name, template=template)
        clone_ms.append((time.perf_counter() - t0) * 1000)
        srv.drop_database(name)
    srv.drop_database(template)
    m, c = summary(migrate_ms), summary(clone_ms)
    out(f"migrate from empty: p50 {m['p50']:.0f} ms (n={m['n']}); database from template: p50 {c['p50']:.0f} ms, "
        f"p95 {c['p95']:.0f} ms (n={c['n']})")
    write_result("migrate", f"# Migrate from empty; isolated database from template\n\nMachine: {machine()}; server "
                 f"{srv.kind} (durable settings).\n\n"
                 + table(["what", "n", "p50 ms", "p95 ms"],
                         [["migrate an empty database (all migrations + ops)", m["n"], f"{m['p50']:.0f}", f"{m['p95']:.0f}"],
                          ["CREATE DATABASE ... TEMPLATE (migrated)", c["n"], f"{c['p50']:.0f}", f"{c['p95']:.0f}"]]))
    return {"migrate": m, "clone": c}
