"""python -m bench [NAME ...] [--scale S ...] [--quick]: run the benchmarks (docs/benchmarks.md).

NAME: seed, queries, overhead, migrate, ingest, retention, queue, adopt (default: all).
Results: bench/results/*.md (+ .json), query plans: docs/bench-plans/s<S>/.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from . import common, dataset

ALL = ["migrate", "overhead", "ingest", "queries", "retention", "queue", "adopt"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", choices=ALL + ["seed"], metavar="NAME",
                    help="seed | queries | overhead | migrate | ingest | retention | queue | adopt (default: all but seed)")
    ap.add_argument("--scale", type=float, action="append",
                    help="dataset scale for queries/seed (repeatable; default 1, --quick 0.05)")
    ap.add_argument("--quick", action="store_true", help="small scale, few repetitions: a smoke run")
    ap.add_argument("--database-url", help="superuser URL of the server to use (default: own embedded PostgreSQL 16)")
    ap.add_argument("--rebuild", action="store_true", help="re-seed the dataset even if it exists")
    ap.add_argument("--only", help="queries: only questions whose name contains this")
    ap.add_argument("--reps", type=int, help="queries: at most this many timed repetitions per question")
    args = ap.parse_args(argv)
    names = args.names or ALL
    scales = args.scale or ([0.05] if args.quick else [1.0])
    srv = common.server(args.database_url)
    print(f"server: {srv.kind}; {common.machine()}", flush=True)
    if "seed" in names:
        from . import seed_bench

        for scale in scales:
            seed_bench.run(srv, scale)
    if "migrate" in names:
        from . import migrate_bench

        migrate_bench.run(srv, quick=args.quick)
    if "overhead" in names:
        from . import overhead_bench

        url, _ = dataset.build(srv, scales[0], rebuild=args.rebuild)
        overhead_bench.run(url, quick=args.quick)
    if "ingest" in names:
        from . import ingest_bench

        ingest_bench.run(srv, quick=args.quick)
    if "queries" in names:
        from . import queries_bench

        for scale in scales:
            url, _ = dataset.build(srv, scale, rebuild=args.rebuild)
            reps = args.reps or (20 if args.quick else 200)
            # At S=10 Zerg's scans take seconds each: fewer forced repetitions, a larger budget.
            min_reps = min(10 if scale >= 10 else 20, reps)
            queries_bench.run(url, scale, dataset.scale_tag(scale), reps=reps, min_reps=min_reps,
                              budget_s=1.0 if args.quick else (12.0 if scale >= 10 else 8.0), only=args.only)
    if "retention" in names:
        from . import retention_bench

        retention_bench.run(srv, quick=args.quick)
    if "adopt" in names:
        from . import adopt_bench

        adopt_bench.run(srv, scale=scales[0], out=lambda line: print(line, flush=True))
    if "queue" in names:
        cmd = [sys.executable, str(common.REPO / "bench" / "queue_bench.py"), "--out",
               str(common.RESULTS / "queue.md")]
        if args.quick:
            cmd.append("--quick")
        print("queue: " + " ".join(cmd[1:]), flush=True)
        subprocess.run(cmd, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
