"""The durable job queue (issue 7): every query of sql/queries/job_queue.sql, the worker,
and the reliability properties, against real PostgreSQL (fixtures from conftest.py:
fresh_db_url is an isolated database cloned from the migrated template, ops included).

The SQL in this file only sets up and inspects test tables; the queue itself is driven
through the named queries.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from zerg_sql import queue_worker
from zerg_sql.queue_worker import Worker, in_transaction, queries

from tests.queue.queue_handlers import HANDLERS

REPO = Path(__file__).resolve().parents[2]
UTC = dt.timezone.utc


@pytest.fixture
def conn(fresh_db_url):
    c = psycopg.connect(fresh_db_url, autocommit=True, row_factory=dict_row,
                        options="-c TimeZone=UTC")
    yield c
    c.close()


def enqueue(conn, job_id="noop", *, id=None, scheduled_for=None, max_attempts=3,
            dedupe_key=None, payload=None):
    return queries.enqueue_job(conn, id=id, job_id=job_id, scheduled_for=scheduled_for,
                               max_attempts=max_attempts, dedupe_key=dedupe_key,
                               payload=Jsonb(payload) if payload is not None else None)


def row(conn, job_id):
    return conn.execute("SELECT * FROM ops.job_queue WHERE id = %s", (job_id,)).fetchone()


def expire_lease(conn, job_id):
    # Test-only time travel: the lease ran out.
    conn.execute("UPDATE ops.job_queue SET lease_expires_at = now() - interval '1 second' "
                 "WHERE id = %s", (job_id,))


def make_due(conn, job_id):
    # Test-only time travel: the backoff delay has passed.
    conn.execute("UPDATE ops.job_queue SET scheduled_for = now() - interval '1 second' "
                 "WHERE id = %s", (job_id,))


def claim(conn, owner="w1", batch=10, lease=30):
    return list(queries.claim_jobs(conn, owner=owner, lease_seconds=lease, batch=batch))


def worker_cmd(url, *extra):
    return [sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", url, "worker",
            "--handlers", "tests.queue.queue_handlers", "--log-level", "WARNING", *extra]


def worker_env(url):
    return {**os.environ, "ZERG_QUEUE_TEST_URL": url,
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def create_side_tables(conn):
    conn.execute("CREATE TABLE public.queue_test_effects ("
                 " job_key text PRIMARY KEY, pid int NOT NULL, at timestamptz DEFAULT clock_timestamp())")
    conn.execute("CREATE TABLE public.queue_test_starts ("
                 " job_key text NOT NULL, pid int NOT NULL, at timestamptz DEFAULT clock_timestamp())")


# --- one test per query ---------------------------------------------------------------


def test_migration_shape(conn):
    opts = conn.execute("SELECT reloptions FROM pg_class WHERE oid = 'ops.job_queue'::regclass"
                        ).fetchone()["reloptions"]
    assert "fillfactor=80" in opts and "autovacuum_vacuum_scale_factor=0" in opts
    idx = {r["indexname"] for r in conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'ops'")}
    assert {"job_queue_due_idx", "job_queue_job_id_scheduled_for_idx", "job_queue_created_at_idx",
            "job_queue_dedupe_key_key", "runs_job_key_started_at_key"} <= idx
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("INSERT INTO ops.job_queue (job_id, status) VALUES ('x', 'failure')")


def test_enqueue_job_dedupes_and_notifies(conn, fresh_db_url):
    listener = psycopg.connect(fresh_db_url, autocommit=True)
    queries.listen_for_jobs(listener)  # listen_for_jobs
    at = dt.datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
    first = enqueue(conn, "backup", id="j-1", scheduled_for=at, dedupe_key="backup:20260102T100000Z",
                    payload={"a": 1})
    assert first == "j-1"
    assert enqueue(conn, "backup", dedupe_key="backup:20260102T100000Z") is None
    r = row(conn, "j-1")
    assert (r["status"], r["attempts"], r["max_attempts"], r["scheduled_for"], r["payload"]) == (
        "queued", 0, 3, at, {"a": 1})
    generated = enqueue(conn, "backup")  # no id, no time: uuid and now()
    assert len(generated) == 36 and row(conn, generated)["scheduled_for"] <= dt.datetime.now(UTC)
    got = list(listener.notifies(timeout=2, stop_after=2))
    assert [n.channel for n in got] == ["zerg_job_queue"] * len(got) and got[0].payload == "backup"
    listener.close()


def test_enqueue_jobs(conn):
    at = dt.datetime(2026, 1, 1, tzinfo=UTC)
    ids = [r["id"] for r in queries.enqueue_jobs(
        conn, ids=["a", None, "c"], job_ids=["x", "y", "z"], scheduled_fors=[at, None, at],
        max_attempts=[5, None, 1], dedupe_keys=["k1", "k2", None],
        payloads=[Jsonb({"n": 1}), None, Jsonb([1, 2])])]
    assert ids[0] == "a" and ids[2] == "c" and len(ids) == 3
    again = list(queries.enqueue_jobs(
        conn, ids=[None, None], job_ids=["x", "w"], scheduled_fors=[None, None],
        max_attempts=[None, None], dedupe_keys=["k1", "k9"], payloads=[None, None]))
    assert len(again) == 1  # k1 deduplicated
    assert row(conn, "a")["max_attempts"] == 5 and row(conn, "c")["payload"] == [1, 2]


def test_claim_jobs(conn):
    now = dt.datetime.now(UTC)
    enqueue(conn, id="late", scheduled_for=now - dt.timedelta(minutes=1))
    enqueue(conn, id="early", scheduled_for=now - dt.timedelta(minutes=5))
    enqueue(conn, id="future", scheduled_for=now + dt.timedelta(hours=1))
    enqueue(conn, id="spent", scheduled_for=now - dt.timedelta(minutes=9), max_attempts=1)
    conn.execute("UPDATE ops.job_queue SET attempts = 1 WHERE id = 'spent'")
    got = claim(conn, owner="w1", batch=1)
    assert [j["id"] for j in got] == ["early"] and got[0]["attempts"] == 1
    r = row(conn, "early")
    assert r["status"] == "running" and r["lease_owner"] == "w1"
    assert dt.timedelta(seconds=29) < r["lease_expires_at"] - r["started_at"] <= dt.timedelta(seconds=30)
    assert [j["id"] for j in claim(conn, owner="w2")] == ["late"]  # not future, not spent
    assert claim(conn, owner="w3") == []  # "early" is held by a live lease
    expire_lease(conn, "early")
    again = claim(conn, owner="w3")  # a running job whose lease expired is claimed again
    assert [(j["id"], j["attempts"]) for j in again] == [("early", 2)]


def test_claim_jobs_skip_locked(conn, fresh_db_url):
    for i in range(4):
        enqueue(conn, id=f"j{i}")
    other = psycopg.connect(fresh_db_url, row_factory=dict_row)  # a transaction left open
    held = claim(other, owner="a", batch=2)
    mine = claim(conn, owner="b", batch=10)  # does not wait for the open transaction
    assert {j["id"] for j in held} | {j["id"] for j in mine} == {"j0", "j1", "j2", "j3"}
    assert not {j["id"] for j in held} & {j["id"] for j in mine}
    other.commit()
    other.close()


def test_extend_job_lease(conn):
    enqueue(conn, id="j")
    claim(conn, owner="w1", lease=5)
    before = row(conn, "j")["lease_expires_at"]
    new = queries.extend_job_lease(conn, id="j", owner="w1", attempt=1, lease_seconds=600)
    assert new > before + dt.timedelta(seconds=500) and row(conn, "j")["lease_expires_at"] == new
    assert queries.extend_job_lease(conn, id="j", owner="w2", attempt=1, lease_seconds=600) is None
    assert queries.extend_job_lease(conn, id="j", owner="w1", attempt=2, lease_seconds=600) is None


def test_extend_job_leases(conn):
    for i in range(3):
        enqueue(conn, id=f"j{i}")
    claim(conn, owner="w1", lease=5)
    expire_lease(conn, "j2")
    claim(conn, owner="w2")  # takes j2 over
    got = {r["id"] for r in queries.extend_job_leases(
        conn, owner="w1", ids=["j0", "j1", "j2"], attempts=[1, 1, 1], lease_seconds=600)}
    assert got == {"j0", "j1"}
    assert row(conn, "j2")["lease_owner"] == "w2"


def test_complete_job(conn):
    enqueue(conn, id="j")
    claim(conn, owner="w1")
    assert queries.complete_job(conn, id="j", owner="w2", attempt=1) == 0
    assert queries.complete_job(conn, id="j", owner="w1", attempt=2) == 0
    assert queries.complete_job(conn, id="j", owner="w1", attempt=1) == 1
    r = row(conn, "j")
    assert (r["status"], r["lease_owner"], r["lease_expires_at"]) == ("success", None, None)
    assert r["finished_at"] is not None
    assert queries.complete_job(conn, id="j", owner="w1", attempt=1) == 0


def test_complete_jobs_writes_history(conn):
    for i in range(3):
        enqueue(conn, f"job-{i}", id=f"j{i}")
    claim(conn, owner="w1")
    t0 = dt.datetime.now(UTC)
    t1 = t0 + dt.timedelta(milliseconds=250)
    done = {r["id"] for r in queries.complete_jobs(
        conn, owner="w1", ids=["j0", "j1", "j2"], attempts=[1, 1, 7], started=[t0, t0, t0],
        ended=[t1, t1, t1], history=True)}
    assert done == {"j0", "j1"}  # j2: wrong attempt, i.e. not this lease
    runs = conn.execute("SELECT * FROM ops.runs ORDER BY job_id").fetchall()
    assert [(r["job_key"], r["status"], r["duration_ms"], r["started_at"]) for r in runs] == [
        ("zerg:job-0", "success", 250, t0), ("zerg:job-1", "success", 250, t0)]
    claim_again = queries.complete_jobs(conn, owner="w1", ids=["j2"], attempts=[1], started=[t0],
                                        ended=[t1], history=False)
    assert [r["id"] for r in claim_again] == ["j2"]
    assert conn.execute("SELECT count(*) AS n FROM ops.runs").fetchone()["n"] == 2


def test_complete_and_claim_jobs(conn):
    now = dt.datetime.now(UTC)
    for i in range(4):
        enqueue(conn, "job", id=f"j{i}", scheduled_for=now - dt.timedelta(minutes=10 - i))
    first = list(queries.complete_and_claim_jobs(
        conn, owner="w1", ids=[], attempts=[], started=[], ended=[], history=True,
        lease_seconds=30, batch=2))
    assert [(r["kind"], r["id"], r["attempts"]) for r in first] == [
        ("claimed", "j0", 1), ("claimed", "j1", 1)]
    # j0's lease has run out: the statement completing it must not claim it back.
    expire_lease(conn, "j0")
    second = list(queries.complete_and_claim_jobs(
        conn, owner="w1", ids=["j0", "j1"], attempts=[1, 1], started=[now, now],
        ended=[now, now], history=True, lease_seconds=30, batch=5))
    assert sorted((r["kind"], r["id"]) for r in second) == [
        ("claimed", "j2"), ("claimed", "j3"), ("completed", "j0"), ("completed", "j1")]
    assert {row(conn, f"j{i}")["status"] for i in (0, 1)} == {"success"}
    assert conn.execute("SELECT count(*) AS n FROM ops.runs").fetchone()["n"] == 1  # same start
    # Another owner's jobs are not completed; nothing due: no rows claimed.
    third = list(queries.complete_and_claim_jobs(
        conn, owner="w2", ids=["j2"], attempts=[1], started=[now], ended=[now], history=False,
        lease_seconds=30, batch=5))
    assert third == [] and row(conn, "j2")["status"] == "running"


def test_fail_job_backoff_and_dead(conn):
    enqueue(conn, id="j", max_attempts=2)
    claim(conn, owner="w1")
    assert queries.fail_job(conn, id="j", owner="w2", attempt=1, error="x") is None
    r = queries.fail_job(conn, id="j", owner="w1", attempt=1, error="E" * 6000)
    assert r["status"] == "queued" and len(r["last_error"]) == 5000
    full = row(conn, "j")
    delay = (full["scheduled_for"] - full["updated_at"]).total_seconds()
    assert 54 <= delay <= 66 and full["lease_owner"] is None and full["finished_at"] is None
    make_due(conn, "j")
    claim(conn, owner="w1")
    r = queries.fail_job(conn, id="j", owner="w1", attempt=2, error="last")
    assert (r["status"], r["attempts"], r["last_error"]) == ("dead", 2, "last")
    assert row(conn, "j")["finished_at"] is not None
    assert claim(conn) == []


def test_fail_job_backoff_is_capped(conn):
    enqueue(conn, id="j", max_attempts=50)
    conn.execute("UPDATE ops.job_queue SET attempts = 40 WHERE id = 'j'")  # 2^39 minutes uncapped
    claim(conn, owner="w1")
    queries.fail_job(conn, id="j", owner="w1", attempt=41, error="e")
    r = row(conn, "j")
    assert 3240 <= (r["scheduled_for"] - r["updated_at"]).total_seconds() <= 3600


def test_release_jobs(conn):
    for i in range(3):
        enqueue(conn, id=f"j{i}")
    claim(conn, owner="w1")
    released = {r["id"] for r in queries.release_jobs(conn, owner="w1", ids=["j1", "j2"],
                                                       attempts=[1, 1])}
    assert released == {"j1", "j2"}
    r = row(conn, "j1")
    assert (r["status"], r["attempts"], r["lease_owner"]) == ("queued", 0, None)
    assert list(queries.release_jobs(conn, owner="w2", ids=["j0"], attempts=[1])) == []
    assert {j["id"] for j in claim(conn, owner="w3")} == {"j1", "j2"}  # claimable at once


def test_reap_zombie_jobs(conn):
    enqueue(conn, "last", id="last", max_attempts=1)
    enqueue(conn, "more", id="more", max_attempts=3)
    claim(conn, owner="w1")
    expire_lease(conn, "last")
    expire_lease(conn, "more")
    reaped = list(queries.reap_zombie_jobs(conn, reason="Zombie run detected"))
    assert [r["id"] for r in reaped] == ["last"]  # "more" has attempts left: it is reclaimed
    r = row(conn, "last")
    assert r["status"] == "dead" and r["last_error"].startswith("Zombie run detected (attempt 1 of 1")
    run = conn.execute("SELECT * FROM ops.runs").fetchone()
    assert (run["job_id"], run["status"], run["error_type"]) == ("last", "failure", "zombie")
    assert [j["id"] for j in claim(conn, owner="w2")] == ["more"]


def test_cancel_job(conn):
    enqueue(conn, id="q")
    enqueue(conn, id="r", scheduled_for=dt.datetime.now(UTC) - dt.timedelta(minutes=1))
    claim(conn, owner="w1", batch=1)  # r is running
    assert queries.cancel_job(conn, id="q", reason=None)["last_error"] == "cancelled"
    assert queries.cancel_job(conn, id="r", reason="operator")["status"] == "dead"
    assert queries.complete_job(conn, id="r", owner="w1", attempt=1) == 0
    assert queries.cancel_job(conn, id="r", reason="again") is None
    assert row(conn, "q")["status"] == "dead"


def test_get_last_scheduled_for(conn):
    t = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert queries.get_last_scheduled_for(conn, job_id="disk") is None
    enqueue(conn, "disk", scheduled_for=t)
    enqueue(conn, "disk", scheduled_for=t - dt.timedelta(days=1))
    enqueue(conn, "other", scheduled_for=t + dt.timedelta(days=1))
    assert queries.get_last_scheduled_for(conn, job_id="disk") == t


def test_list_recent_queue_entries(conn):
    for i in range(5):
        enqueue(conn, id=f"j{i}")  # one transaction each: created_at increases
    got = list(queries.list_recent_queue_entries(conn, limit=3))
    assert [r["id"] for r in got] == ["j4", "j3", "j2"] and "last_error" in got[0]


def test_count_queue_jobs_by_status(conn):
    enqueue(conn, id="a")
    enqueue(conn, id="b")
    claim(conn, batch=1)
    assert {r["status"]: r["n"] for r in queries.count_queue_jobs_by_status(conn)} == {
        "queued": 1, "running": 1, "success": 0, "dead": 0}


def test_insert_job_run(conn):
    t0 = dt.datetime(2026, 1, 1, tzinfo=UTC)
    args = dict(job_id="backup", started_at=t0, ended_at=t0 + dt.timedelta(seconds=2), duration_ms=None,
                status="failure", exit_code=None, error_message="x" * 9000, error_type="RuntimeError",
                summary=None, stdout_tail=None, tags=None, project=None, metadata=Jsonb({"k": 1}))
    assert queries.insert_job_run(conn, **args) == 1
    assert queries.insert_job_run(conn, **args) == 0  # same (job_key, started_at)
    r = conn.execute("SELECT * FROM ops.runs").fetchone()
    assert (r["job_key"], r["duration_ms"], len(r["error_message"]), r["source_host"]) == (
        "zerg:backup", 2000, 5000, "zerg")


def test_purge_finished_jobs(conn):
    for i in range(3):
        enqueue(conn, id=f"j{i}")
    claim(conn, batch=2)
    queries.complete_job(conn, id="j0", owner="w1", attempt=1)
    conn.execute("UPDATE ops.job_queue SET finished_at = now() - interval '2 days' WHERE id = 'j0'")
    assert queries.purge_finished_jobs(conn, older_than_seconds=86400) == 1
    assert {r["id"] for r in conn.execute("SELECT id FROM ops.job_queue")} == {"j1", "j2"}


# --- reliability ----------------------------------------------------------------------


def test_lease_taken_over_cannot_complete_or_retry(conn):
    enqueue(conn, id="j")
    [a] = claim(conn, owner="A", lease=30)
    expire_lease(conn, "j")
    [b] = claim(conn, owner="B")
    assert b["attempts"] == 2
    assert queries.complete_job(conn, id="j", owner="A", attempt=a["attempts"]) == 0
    assert queries.fail_job(conn, id="j", owner="A", attempt=a["attempts"], error="x") is None
    assert queries.extend_job_lease(conn, id="j", owner="A", attempt=1, lease_seconds=9) is None
    assert list(queries.release_jobs(conn, owner="A", ids=["j"], attempts=[1])) == []
    # The same owner name claiming again is a new lease too: the old attempt is fenced off.
    expire_lease(conn, "j")
    [a2] = claim(conn, owner="A")
    assert queries.complete_job(conn, id="j", owner="A", attempt=1) == 0
    assert queries.complete_job(conn, id="j", owner="B", attempt=2) == 0
    assert queries.complete_job(conn, id="j", owner="A", attempt=a2["attempts"]) == 1


def test_worker_lease_taken_over_discards_result(conn, fresh_db_url):
    """A worker whose lease is taken over mid-job writes nothing: no success, no side effect."""
    create_side_tables(conn)
    thief = psycopg.connect(fresh_db_url, autocommit=True, row_factory=dict_row)

    @in_transaction
    def slow(payload, tx):
        tx.execute("INSERT INTO public.queue_test_effects (job_key, pid) VALUES ('j', 0)")
        expire_lease(thief, "j")
        assert [j["id"] for j in claim(thief, owner="thief")] == ["j"]

    enqueue(conn, "slow", id="j")
    w = Worker(fresh_db_url, {"slow": slow}, owner="victim", poll_seconds=0.1, listen=False)
    w.run(until_idle=True)
    r = row(conn, "j")
    assert (r["status"], r["lease_owner"], r["attempts"]) == ("running", "thief", 2)
    assert conn.execute("SELECT count(*) AS n FROM public.queue_test_effects").fetchone()["n"] == 0
    assert conn.execute("SELECT count(*) AS n FROM ops.runs").fetchone()["n"] == 0
    thief.close()


def test_worker_plans_its_statements_once_but_not_the_handlers(conn, fresh_db_url):
    """The worker's connection forces generic plans (its statements are planned once, not at
    every call); an @in_transaction handler's own statements are planned as usual."""
    seen = []

    @in_transaction
    def probe(payload, tx):
        seen.append(tx.execute("SELECT current_setting('plan_cache_mode') AS m").fetchone()["m"])

    enqueue(conn, "probe", id="j")
    w = Worker(fresh_db_url, {"probe": probe}, poll_seconds=0.1, listen=False)
    assert w.run(until_idle=True) == 1
    assert seen == ["auto"] and row(conn, "j")["status"] == "success"
    worker_conn = queue_worker.connect(fresh_db_url)
    try:
        assert worker_conn.execute("SHOW plan_cache_mode").fetchone()["plan_cache_mode"] == "force_generic_plan"
        with worker_conn.transaction():
            queries.set_default_plan_cache_mode(worker_conn)
            assert worker_conn.execute("SHOW plan_cache_mode").fetchone()["plan_cache_mode"] == "auto"
        assert worker_conn.execute("SHOW plan_cache_mode").fetchone()["plan_cache_mode"] == "force_generic_plan"
    finally:
        worker_conn.close()


def test_worker_runs_a_batch_oldest_first(conn, fresh_db_url):
    """The claim returns its rows in no particular order; the worker sorts them."""
    now = dt.datetime.now(UTC)
    minutes = [7, 2, 9, 1, 5, 3, 8, 4, 6]
    for m in minutes:
        enqueue(conn, "order", id=f"m{m}-{'x' * m}", scheduled_for=now - dt.timedelta(minutes=m), payload=m)
    seen = []
    w = Worker(fresh_db_url, {"order": seen.append}, batch=100, poll_seconds=0.1, listen=False)
    assert w.run(until_idle=True) == len(minutes)
    assert seen == sorted(minutes, reverse=True)


def test_completion_commits_with_the_next_claim(conn, fresh_db_url, monkeypatch):
    """With batches > 1, the finished jobs are completed in the transaction that claims the
    next batch: when that transaction fails (a real rollback on the server), they stay
    pending and are completed by the next one, not run again."""
    for i in range(3):
        enqueue(conn, "noop", id=f"j{i}")
    real, failures, committed = queue_worker.queries.claim_jobs, [], []

    def claim_failing_once_after_a_completion(c, **kw):
        done = c.execute("SELECT count(*) AS n FROM ops.job_queue WHERE status = 'success'").fetchone()["n"]
        if done and not failures:
            failures.append(done)  # complete_jobs ran in this transaction: it will be rolled back
            raise psycopg.errors.DeadlockDetected("injected after the completion")
        if failures and not committed:  # the retry: what other sessions see before it commits
            committed.append(conn.execute(
                "SELECT count(*) AS n FROM ops.job_queue WHERE status = 'success'").fetchone()["n"])
        return real(c, **kw)

    monkeypatch.setattr(queue_worker.queries, "claim_jobs", claim_failing_once_after_a_completion)
    runs = []
    w = Worker(fresh_db_url, {"noop": runs.append}, batch=10, poll_seconds=0.1, listen=False)
    assert w.run(until_idle=True) == 3
    assert failures == [3] and committed == [0] and len(runs) == 3
    rows = conn.execute("SELECT id, status, attempts FROM ops.job_queue ORDER BY id").fetchall()
    assert [(r["status"], r["attempts"]) for r in rows] == [("success", 1)] * 3
    assert conn.execute("SELECT count(*) AS n FROM ops.runs").fetchone()["n"] == 3


def test_session_settings_must_be_plain(fresh_db_url):
    from zerg_sql import db
    with pytest.raises(ValueError, match="not a plain session setting"):
        db.connect(fresh_db_url, settings={"plan_cache_mode": "auto -c search_path=evil"})


def plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def test_generic_plans_of_the_queue_statements_use_indexes(conn):
    """The worker runs each of its statements with a generic plan: on a queue of realistic
    size none may scan ops.job_queue or ops.runs (a generic `LIMIT :batch` is estimated at a
    tenth of the table, which once made the claim hash-join a sequential scan: 20 ms a call)."""
    if conn.info.server_version < 160000:
        pytest.skip("EXPLAIN (GENERIC_PLAN) needs PostgreSQL 16")
    n = 30_000
    list(queries.enqueue_jobs(conn, ids=[f"q{i}" for i in range(n)], job_ids=["noop"] * n,
                              scheduled_fors=[None] * n, max_attempts=[None] * n,
                              dedupe_keys=[None] * n, payloads=[None] * n))
    for _ in range(20):  # some running, some finished with history
        jobs = claim(conn, batch=100)
        now = dt.datetime.now(UTC)
        list(queries.complete_jobs(conn, owner="w1", ids=[j["id"] for j in jobs][:50],
                                   attempts=[j["attempts"] for j in jobs][:50],
                                   started=[now] * 50, ended=[now] * 50, history=True))
    conn.execute("ANALYZE ops.job_queue")
    conn.execute("ANALYZE ops.runs")
    # The statements the worker runs for each job or batch. Not here: insert_job_run (INSERT
    # ... VALUES) and reap_zombie_jobs, once per lease period, which reads every running job
    # whatever the plan (nothing indexes the lease; ops belongs to another repo in prod).
    statements = ["claim_jobs", "complete_and_claim_jobs", "extend_job_leases", "complete_jobs",
                  "fail_job", "release_jobs"]
    scanned = {}
    for name in statements:
        order: list[str] = []

        def placeholder(m):
            if m.group(1) not in order:
                order.append(m.group(1))
            return f"${order.index(m.group(1)) + 1}"

        statement = re.sub(r"%\((\w+)\)[sb]", placeholder, getattr(queries, name).sql)
        plan = conn.execute("EXPLAIN (GENERIC_PLAN, FORMAT JSON) " + statement).fetchone()["QUERY PLAN"][0]["Plan"]
        seq = {n["Relation Name"] for n in plan_nodes(plan) if n["Node Type"] == "Seq Scan"} & {"job_queue", "runs"}
        if seq:
            scanned[name] = sorted(seq)
    assert scanned == {}


def test_always_failing_job_ends_dead_with_backoff(conn, fresh_db_url):
    enqueue(conn, "boom", id="j", max_attempts=4)
    delays = []
    for attempt in range(1, 5):
        Worker(fresh_db_url, HANDLERS, owner="w", listen=False,
               batch=1 + attempt % 2).run(until_idle=True)  # both claim paths
        r = row(conn, "j")
        assert r["attempts"] == attempt and "RuntimeError: boom" in r["last_error"]
        if attempt < 4:
            assert r["status"] == "queued"
            delays.append((r["scheduled_for"] - r["updated_at"]).total_seconds())
            make_due(conn, "j")
    assert r["status"] == "dead" and r["finished_at"] is not None
    for attempt, delay in enumerate(delays, start=1):
        base = min(60 * 2 ** (attempt - 1), 3600)  # 60, 120, 240 s, +-10 percent jitter
        assert 0.9 * base <= delay <= 1.1 * base, (attempt, delay)
    runs = conn.execute("SELECT status, error_type, metadata->>'attempt' AS attempt,"
                        " metadata->>'next' AS next FROM ops.runs ORDER BY started_at").fetchall()
    assert runs == [{"status": "failure", "error_type": "RuntimeError", "attempt": str(a),
                     "next": "dead" if a == 4 else "queued"} for a in range(1, 5)]


def test_worker_job_timeout(conn, fresh_db_url):
    enqueue(conn, "sleep", id="j", payload={"seconds": 5})
    t0 = time.monotonic()
    Worker(fresh_db_url, HANDLERS, job_timeout=0.3, listen=False).run(until_idle=True)
    assert time.monotonic() - t0 < 3
    r = row(conn, "j")
    assert r["status"] == "queued" and "timed out after 0.3 s" in r["last_error"]


def test_worker_heartbeat_keeps_lease(conn, fresh_db_url):
    enqueue(conn, "sleep", id="j", payload={"seconds": 2.5})
    # lease 1 s, heartbeat every 0.5 s: the 2.5 s job keeps its lease and completes.
    Worker(fresh_db_url, HANDLERS, lease_seconds=1, job_timeout=10, listen=False,
           batch=1).run(until_idle=True)  # batch 1: the complete_and_claim_jobs path
    r = row(conn, "j")
    assert (r["status"], r["attempts"]) == ("success", 1)
    assert conn.execute("SELECT status FROM ops.runs").fetchone()["status"] == "success"


def test_heartbeat_reports_a_lost_lease_only_when_it_went_elsewhere(conn, fresh_db_url):
    # The race of issue 19: the completing transaction holds the job's row lock, the
    # heartbeat's UPDATE waits on it, then finds the job done while the worker still holds it.
    enqueue(conn, id="a")
    enqueue(conn, id="b")
    jobs = claim(conn, owner="me", lease=30)
    hb = queue_worker._Heartbeat(fresh_db_url, "me", lease_seconds=0.4)  # beats every 0.2 s
    hb.hold(jobs)
    finisher = psycopg.connect(fresh_db_url, row_factory=dict_row)
    try:
        hb.finish(["a"])  # as the worker does before writing an outcome
        assert queries.complete_job(finisher, id="a", owner="me", attempt=1) == 1  # row lock held
        hb.start()
        time.sleep(0.8)
        assert conn.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND application_name = 'zerg-sql queue heartbeat'").fetchone()["n"] == 1
        finisher.commit()
        time.sleep(0.6)  # several beats see 'a' done before the worker drops it
        assert hb.lost == set()
        # Another worker really takes 'b' over (test-only: its lease moved).
        conn.execute("UPDATE ops.job_queue SET lease_owner = 'other' WHERE id = 'b'")
        deadline = time.monotonic() + 5
        while not hb.lost and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hb.lost == {"b"}
    finally:
        hb.done.set()
        finisher.close()
        hb.join(5)


def test_worker_listen_wakes_up_and_polls(conn, fresh_db_url):
    w = Worker(fresh_db_url, HANDLERS, poll_seconds=30, listen=True)
    t = threading.Thread(target=w.run)
    t.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    enqueue(conn, id="j")  # NOTIFY at commit wakes the idle worker long before 30 s
    while row(conn, "j")["status"] != "success" and time.monotonic() - t0 < 5:
        time.sleep(0.02)
    woke = time.monotonic() - t0
    w.stop()
    t.join(5)
    assert not t.is_alive() and woke < 2
    # Polling alone (no LISTEN) still finds jobs.
    enqueue(conn, id="k")
    w2 = Worker(fresh_db_url, HANDLERS, poll_seconds=0.2, listen=False, batch=1)
    t2 = threading.Thread(target=w2.run)
    t2.start()
    time.sleep(1)
    w2.stop()
    t2.join(5)
    assert row(conn, "k")["status"] == "success"


@pytest.mark.slow
def test_sigterm_releases_unstarted_jobs(conn, fresh_db_url):
    for i in range(5):
        enqueue(conn, "sleep", id=f"j{i}", payload={"seconds": 1.5},
                scheduled_for=dt.datetime.now(UTC) - dt.timedelta(seconds=10 - i))
    p = subprocess.Popen(worker_cmd(fresh_db_url, "--batch", "5", "--no-listen"), cwd=REPO,
                         env=worker_env(fresh_db_url))
    deadline = time.monotonic() + 10
    while row(conn, "j0")["status"] != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    assert p.wait(10) == 0
    statuses = {f"j{i}": row(conn, f"j{i}") for i in range(5)}
    assert statuses["j0"]["status"] == "success"  # the running job finished
    for i in range(1, 5):  # the others went back at once, their attempt not counted
        r = statuses[f"j{i}"]
        assert (r["status"], r["attempts"], r["lease_owner"]) == ("queued", 0, None)
    assert len(claim(conn, batch=10)) == 4


def _enqueue_same_key(url, barrier, results):
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as c:
        barrier.wait()
        results.put(enqueue(c, "cron", dedupe_key="cron:20260101T000000Z"))


@pytest.mark.slow
def test_concurrent_enqueue_same_dedupe_key(conn, fresh_db_url):
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(8), ctx.Queue()
    procs = [ctx.Process(target=_enqueue_same_key, args=(fresh_db_url, barrier, results))
             for _ in range(8)]
    for p in procs:
        p.start()
    got = [results.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(10)
        assert p.exitcode == 0
    assert sum(g is not None for g in got) == 1
    assert conn.execute("SELECT count(*) AS n FROM ops.job_queue").fetchone()["n"] == 1


LEASE_AUDIT = """
CREATE TABLE public.queue_test_violations (id text, detail text);
CREATE FUNCTION public.queue_test_check_lease() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A claim (attempts + 1) must never replace a lease that is still live.
    IF NEW.attempts = OLD.attempts + 1 AND OLD.status = 'running'
       AND OLD.lease_expires_at >= now() THEN
        INSERT INTO public.queue_test_violations
        VALUES (OLD.id, OLD.lease_owner || ' until ' || OLD.lease_expires_at
                        || ' taken by ' || NEW.lease_owner || ' at ' || now());
    END IF;
    -- Only a live worker's guarded write may end a lease: success/queued/dead from
    -- running must come from the owner of the current attempt (checked by the guard).
    RETURN NEW;
END $$;
CREATE TRIGGER queue_test_check_lease BEFORE UPDATE ON ops.job_queue
    FOR EACH ROW EXECUTE FUNCTION public.queue_test_check_lease();
"""


@pytest.mark.slow
def test_kill_9_workers_every_job_exactly_once(conn, fresh_db_url):
    """5,000 jobs, 4 worker processes killed with SIGKILL at random moments and restarted.

    Exactly-once side effects: the handler (tests.queue.queue_handlers.record, @in_transaction)
    inserts into queue_test_effects (job_key primary key) in the same transaction as the
    job's completion. A worker killed before that commit leaves neither: the job's lease
    expires (2 s) and another worker runs it again. A worker that commits has done both.
    So re-executions happen (queue_test_starts, written outside the transaction, shows
    them) but the effect is recorded once; a double completion would violate the primary
    key. "No two live leases at once" is checked by a trigger on every claim.
    """
    create_side_tables(conn)
    conn.execute(LEASE_AUDIT)
    rng = random.Random(7)
    n_jobs = 5000
    for start in range(0, n_jobs, 1000):
        keys = [str(i) for i in range(start, start + 1000)]
        list(queries.enqueue_jobs(  # a row-returning query runs when its rows are read
            conn, ids=keys, job_ids=["record"] * 1000, scheduled_fors=[None] * 1000,
            max_attempts=[50] * 1000, dedupe_keys=[None] * 1000,
            payloads=[Jsonb({"key": k, "sleep": rng.choice([0, 0, 0.001, 0.003])}) for k in keys]))
    # Workers 0 and 2 claim 10 at a time (claim_jobs, complete_jobs), 1 and 3 one at a time
    # (complete_and_claim_jobs): both paths are killed and restarted.
    cmds = [worker_cmd(fresh_db_url, "--batch", "10" if i % 2 == 0 else "1",
                       "--lease-seconds", "2", "--poll-seconds", "0.2", "--job-timeout", "10")
            for i in range(4)]
    env = worker_env(fresh_db_url)
    procs = [subprocess.Popen(cmds[i], cwd=REPO, env=env) for i in range(4)]
    kills = 0
    try:
        t_end = time.monotonic() + 8
        while time.monotonic() < t_end:
            time.sleep(rng.uniform(0.2, 0.7))
            i = rng.randrange(4)
            procs[i].kill()  # SIGKILL
            procs[i].wait()
            kills += 1
            procs[i] = subprocess.Popen(cmds[i], cwd=REPO, env=env)
        deadline = time.monotonic() + 90  # normally done within seconds; slack for a busy machine
        while time.monotonic() < deadline:
            counts = {r["status"]: r["n"] for r in queries.count_queue_jobs_by_status(conn)}
            if counts["success"] + counts["dead"] == n_jobs:
                break
            time.sleep(0.2)
        # Let the last restarted workers finish starting (SIGTERM during imports would
        # kill them with the default action): wait for their connections.
        while time.monotonic() < deadline and conn.execute(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name = 'zerg-sql queue worker'").fetchone()["n"] < 4:
            time.sleep(0.1)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        exit_codes = [p.wait(15) for p in procs]
    assert exit_codes == [0, 0, 0, 0]
    assert counts == {"queued": 0, "running": 0, "success": n_jobs, "dead": 0}, counts
    effects = conn.execute("SELECT count(*) AS n, count(DISTINCT job_key) AS d "
                           "FROM public.queue_test_effects").fetchone()
    assert effects == {"n": n_jobs, "d": n_jobs}
    missing = conn.execute("SELECT count(*) AS n FROM ops.job_queue q WHERE NOT EXISTS "
                           "(SELECT 1 FROM public.queue_test_effects e WHERE e.job_key = q.id)"
                           ).fetchone()["n"]
    assert missing == 0
    assert conn.execute("SELECT * FROM public.queue_test_violations").fetchall() == []
    # One history row per completed job, except that ops.runs' natural key (job_key,
    # started_at), Zerg's contract, folds two runs of the same job id that started in the
    # same microsecond in different processes into one (all 5,000 jobs here share a job id).
    runs = conn.execute("SELECT count(*) AS n FROM ops.runs WHERE status = 'success'").fetchone()
    assert n_jobs - 25 <= runs["n"] <= n_jobs
    stats = conn.execute(
        "SELECT (SELECT count(*) FROM public.queue_test_starts) AS starts,"
        " (SELECT count(*) FROM ops.job_queue WHERE attempts > 1) AS retried").fetchone()
    print(f"kills={kills} executions={stats['starts']} jobs claimed more than once={stats['retried']}")
    assert kills >= 8 and stats["retried"] > 0  # the kills did hit jobs in hand
