"""`zerg-sql adopt` on a production-sized legacy schema: the benchmark dataset's legacy copy
(Zerg's create_all shape holding the same rows as our schema, bench/dataset.py) becomes schema
`zerg` of a scratch database, and adopt converts it while an app-like reader asks for one run
by id every 50 ms. Reports the time of every section, how long the conversion holds its
locks (from the first ACCESS EXCLUSIVE lock, taken by the section that drops the legacy
foreign keys, to COMMIT) and what the reader saw before, during and after."""

from __future__ import annotations

import dataclasses
import random
import re
import threading
import time

import psycopg

from zerg_sql.adopt import adopt
from zerg_sql.db import connect

from . import dataset
from .common import Server, bench_queries, env_for, machine, percentile, table, write_result

SECTION = re.compile(r"^  (.+): (\d+\.\d+) s$")
FIRST_LOCK = "legacy objects and foreign keys dropped"


@dataclasses.dataclass
class Probe:
    at: float        # perf_counter when the read started
    ms: float
    error: str = ""


def _reader(url: str, run_ids: list[int], stop: threading.Event, probes: list[Probe], prepare: bool) -> None:
    """One connection, like one of the app's pooled ones; reads until stopped. With psycopg's
    default prepare_threshold the statement is prepared server-side after a few calls."""
    q = bench_queries()
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        if not prepare:
            conn.prepare_threshold = None
        while not stop.is_set():
            t0 = time.perf_counter()
            error = ""
            try:
                q.bench_adopt_read_run(conn, run_id=random.choice(run_ids))
            except psycopg.Error as e:
                error = type(e).__name__ + ": " + str(e).splitlines()[0]
            probes.append(Probe(t0, (time.perf_counter() - t0) * 1000, error))
            time.sleep(0.05)


def run(srv: Server, *, scale: float = 1.0, out=print) -> dict:
    q = bench_queries()
    dataset.build(srv, scale, out=out)
    name = f"zerg_bench_adopt_s{dataset.scale_tag(scale)}"
    srv.drop_database(name)
    url = srv.create_database(name, template=f"zerg_bench_s{dataset.scale_tag(scale)}")
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        q.bench_adopt_take_legacy(conn)
        legacy_rows = list(q.bench_adopt_legacy_rows(conn))
        random.seed(1)
        run_ids = [r["id"] for r in q.bench_adopt_sample_run_ids(conn, n=1000)]
    total_rows = sum(r["rows"] for r in legacy_rows)
    out(f"legacy copy: {total_rows:,} rows in {len(legacy_rows)} tables, "
        f"{sum(r['bytes'] for r in legacy_rows) / 2**20:,.0f} MB")

    # The production environment's timeouts (prod: lock_timeout 3s, statement_timeout 15min).
    env = dataclasses.replace(env_for(url), lock_timeout="3s", statement_timeout="15min")
    lines: list[tuple[float, str]] = []

    def info(line: str) -> None:
        lines.append((time.perf_counter(), line))
        out(line)

    stop = threading.Event()
    probes: dict[str, list[Probe]] = {"unprepared": [], "prepared": []}
    readers = [threading.Thread(target=_reader, args=(url, run_ids, stop, probes[k], k == "prepared"), daemon=True)
               for k in probes]
    for r in readers:
        r.start()
    time.sleep(2)  # a baseline
    load_start = machine()
    t0 = time.perf_counter()
    adopt(env, out=info, info=info)
    t1 = time.perf_counter()
    time.sleep(2)
    stop.set()
    for r in readers:
        r.join(30)
    srv.drop_database(name)

    sections = [(at, m.group(1), float(m.group(2))) for at, line in lines if (m := SECTION.match(line))]
    lock_from = next(at - s for at, label, s in sections if label == FIRST_LOCK)
    committed = next(at for at, line in lines if line.startswith("adopted schema"))  # printed right after COMMIT
    lock_s = committed - lock_from
    reader_rows, blocked = [], []
    for kind, ps in probes.items():
        for phase, keep in (("before adopt", lambda p: p.at < t0),
                            ("adopt's checks and fix search (reads only)", lambda p: t0 <= p.at < lock_from),
                            ("while adopt holds its locks", lambda p: lock_from <= p.at < committed),
                            ("after COMMIT", lambda p: p.at >= committed)):
            sel = [p for p in ps if keep(p)]
            ok = [p.ms for p in sel if not p.error]
            errors = sorted({p.error for p in sel if p.error})
            reader_rows.append([kind, phase, len(sel), f"{percentile(ok, 50):.1f}" if ok else "-",
                                f"{max(ok):.0f}" if ok else "-", "; ".join(errors) or "none"])
        longest = max(ps, key=lambda p: p.ms, default=None)
        if longest:
            blocked.append(f"{kind}: its longest read waited {longest.ms / 1000:.1f} s, from "
                           f"{longest.at - lock_from:+.1f} s after adopt's first lock to "
                           f"{longest.at + longest.ms / 1000 - committed:+.1f} s after adopt saw its COMMIT return"
                           + (f", then failed: {longest.error}" if longest.error else ""))
    result = {"adopt_s": t1 - t0, "lock_s": lock_s, "rows": total_rows, "sections": sections, "blocked": blocked}
    for b in blocked:
        out(b)
    out(f"adopt: {t1 - t0:.1f} s in all, locks held {lock_s:.1f} s")
    md = (f"# zerg-sql adopt on the legacy copy of the S={scale:g} dataset\n\n"
          f"Server {srv.kind} (durable settings); machine at start: {load_start}; at end: {machine()}. "
          f"The machine is shared by several engineers: other work ran during the measurement.\n\n"
          f"Legacy copy: {total_rows:,} rows (Zerg's create_all shape, every legacy index), "
          f"{sum(r['bytes'] for r in legacy_rows) / 2**20:,.0f} MB. Timeouts as on prod "
          f"(lock_timeout 3s, statement_timeout 15min).\n\n"
          f"**adopt: {t1 - t0:.1f} s; its ACCESS EXCLUSIVE locks held {lock_s:.1f} s** (from the section that "
          f"drops the legacy foreign keys to COMMIT). Before that: checks and the fix search, which only read.\n\n"
          + table(["table", "rows", "MB"], [[r["table_name"], f"{r['rows']:,}", f"{r['bytes'] / 2**20:,.0f}"]
                                           for r in legacy_rows])
          + "\n\nSections (as adopt prints them):\n\n"
          + table(["section", "s"], [[label, f"{s:.2f}"] for _, label, s in sections])
          + "\n\nAn app-like reader (one run by id every 50 ms, one connection each; `prepared`: psycopg's "
            "default prepare_threshold, so the statement is prepared server-side, as a pooled SQLAlchemy "
            "connection has it):\n\n"
          + table(["reader", "when", "reads", "p50 ms", "max ms", "errors"], reader_rows) + "\n"
          + "\nThe reads counted \"while adopt holds its locks\" include those after the server released the "
            "locks at COMMIT and before adopt's COMMIT returned (the old table files are removed then).\n\n"
          + "".join(f"- {b}\n" for b in blocked))
    write_result("adopt", md)
    return result
