"""Seed speed: zerg-sql seed --scale S into a fresh, migrated database of the bench server."""

from __future__ import annotations

import time

from zerg_sql.migrate import Runner
from zerg_sql.devtools.seed import seed

from .common import Server, env_for, machine, write_result
from .dataset import scale_tag


def run(srv: Server, scale: float, out=print) -> dict:
    name = f"zerg_bench_seed_{scale_tag(scale)}"
    srv.drop_database(name)
    url = srv.create_database(name)
    env = env_for(url)
    with Runner(env, out=lambda _: None) as runner:
        runner.migrate()
    lines: list[str] = []

    def keep(line: str) -> None:
        lines.append(line)
        out(line)

    load = machine()
    t0 = time.perf_counter()
    counts = seed(env, scale, out=keep)
    seconds = time.perf_counter() - t0
    srv.drop_database(name)
    settings = srv.settings()
    write_result(f"seed-s{scale_tag(scale)}",
                 f"# zerg-sql seed --scale {scale:g}\n\nServer: {srv.kind}, "
                 + ", ".join(f"{k}={v}" for k, v in settings.items())
                 + f".\nMachine at start: {load}; at end: {machine()}.\n\n```\n" + "\n".join(lines) + "\n```\n"
                 + f"\nWall time including ANALYZE: {seconds:.1f} s.\n")
    return {"counts": counts, "seconds": seconds}
