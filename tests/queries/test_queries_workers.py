"""Worker jobs (idempotent create, atomic claim across connections, lifecycle, reaper),
barriers (the lock-and-count flow) and runners (enroll tokens, runner jobs)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from psycopg.types.json import Jsonb

from zerg_sql.db import connect
from zerg_sql.queries import queries as q

UTC = dt.timezone.utc


@pytest.fixture
def owner(db):
    u = q.create_user(db, email="w@example.com", provider=None, provider_user_id=None, display_name=None,
                      avatar_url=None, role=None)
    a = q.create_agent(db, owner_id=u["id"], name="sup", system_instructions="s", task_instructions="t",
                       model="m", schedule=None, config=None, allowed_tools=None)
    th = q.create_thread(db, agent_id=a["id"], title="t", active=None, thread_type=None, agent_state=None, memory_strategy=None)
    r = q.create_run(db, agent_id=a["id"], thread_id=th["id"], status="running", trigger=None, model=None,
                     reasoning_effort=None, correlation_id=None, assistant_message_id=None)
    return {"user": u["id"], "run": r["id"]}


def job(db, owner, tool_call_id=None, status=None, run=True, task="do it"):
    return q.create_worker_job(db, owner_id=owner["user"], supervisor_run_id=owner["run"] if run else None,
                               tool_call_id=tool_call_id, trace_id=None, task=task, model="m",
                               reasoning_effort=None, status=status)


def test_create_worker_job_is_idempotent_per_tool_call(db, owner):
    first = job(db, owner, "call-1")
    replay = job(db, owner, "call-1", task="different")
    assert first["created"] is True and replay["created"] is False
    assert replay["id"] == first["id"] and replay["task"] == "do it"
    assert first["status"] == "queued" and first["reasoning_effort"] == "none"
    # Without a tool call id (or run) nothing conflicts: NULLs are distinct.
    assert job(db, owner, None)["id"] != job(db, owner, None)["id"]
    assert db.execute("SELECT count(*) AS n FROM worker_jobs").fetchone()["n"] == 3
    assert q.get_worker_job_by_tool_call(db, supervisor_run_id=owner["run"], tool_call_id="call-1")["id"] == first["id"]


def test_worker_job_lookups_and_lifecycle(db, owner):
    j1 = job(db, owner, "c1", status="created")
    j2 = job(db, owner, "c2")
    assert q.get_worker_job(db, job_id=j1["id"])["status"] == "created"
    assert q.get_worker_job_for_owner(db, job_id=j1["id"], owner_id=owner["user"])["id"] == j1["id"]
    assert q.get_worker_job_for_owner(db, job_id=j1["id"], owner_id=owner["user"] + 1) is None
    assert [r["id"] for r in q.list_worker_jobs_by_run(db, supervisor_run_id=owner["run"])] == [j1["id"], j2["id"]]
    assert q.get_latest_tool_call_job(db, supervisor_run_id=owner["run"])["id"] == j2["id"]
    assert [r["id"] for r in q.list_active_worker_jobs(db, owner_id=owner["user"], limit_rows=10)] == [j2["id"]]

    assert q.start_worker_job(db, job_id=j1["id"], worker_id="w") is None      # created is not pickable
    assert q.queue_worker_job(db, job_id=j1["id"])["status"] == "queued"
    assert q.queue_worker_job(db, job_id=j1["id"]) is None
    started = q.start_worker_job(db, job_id=j1["id"], worker_id="w1")
    assert (started["status"], started["worker_id"]) == ("running", "w1") and started["started_at"] is not None
    assert q.start_worker_job(db, job_id=j1["id"], worker_id="w2") is None
    assert q.finish_worker_job(db, job_id=j2["id"]) is None                     # queued, not running
    done = q.finish_worker_job(db, job_id=j1["id"])
    assert done["status"] == "success" and done["finished_at"] is not None
    assert q.fail_worker_job(db, job_id=j1["id"], error="late") is None
    failed = q.fail_worker_job(db, job_id=j2["id"], error="boom")
    assert (failed["status"], failed["error"]) == ("failed", "boom")
    since = dt.datetime.now(UTC) - dt.timedelta(minutes=5)
    assert {r["id"] for r in q.list_recent_worker_jobs(db, owner_id=owner["user"], since=since, limit_rows=10)} == \
        {j1["id"], j2["id"]}
    j3 = job(db, owner, "c3")
    assert q.cancel_worker_job(db, job_id=j3["id"])["status"] == "cancelled"
    assert q.cancel_worker_job(db, job_id=j3["id"]) is None
    assert q.delete_worker_job(db, job_id=j3["id"]) == 1 and q.get_worker_job(db, job_id=j3["id"]) is None


def test_reaper_recovery_and_requeue(db, owner):
    orphan = job(db, owner, "o", status="created")
    fresh = job(db, owner, "f", status="created")
    db.execute("UPDATE worker_jobs SET created_at = now() - interval '10 minutes' WHERE id = %s", [orphan["id"]])
    reaped = list(q.reap_orphaned_worker_jobs(db, older_than_seconds=300, error="spawn never completed"))
    assert [r["id"] for r in reaped] == [orphan["id"]] and reaped[0]["status"] == "failed"
    assert q.get_worker_job(db, job_id=fresh["id"])["status"] == "created"
    a, b = job(db, owner, "a"), job(db, owner, "b")
    q.start_worker_job(db, job_id=a["id"], worker_id="dead")
    q.start_worker_job(db, job_id=b["id"], worker_id="alive")
    assert [r["id"] for r in q.list_running_worker_jobs(db)] == [a["id"], b["id"]]
    back = list(q.requeue_worker_jobs(db, worker_id="dead"))
    assert [r["id"] for r in back] == [a["id"]] and back[0]["status"] == "queued" and back[0]["worker_id"] is None
    assert [r["id"] for r in q.list_running_worker_jobs(db)] == [b["id"]]


def test_claim_takes_oldest_queued_first(db, owner):
    jobs = [job(db, owner, f"c{i}") for i in range(3)]
    for i, j in enumerate(jobs):
        db.execute("UPDATE worker_jobs SET created_at = now() - make_interval(secs => %s) WHERE id = %s",
                   [10 - i, j["id"]])
    job(db, owner, "not-yet", status="created")
    got = list(q.claim_worker_jobs(db, worker_id="w", batch=2))
    assert [r["id"] for r in got] == [jobs[0]["id"], jobs[1]["id"]]
    assert all(r["status"] == "running" and r["worker_id"] == "w" and r["started_at"] for r in got)
    assert [r["id"] for r in q.claim_worker_jobs(db, worker_id="w", batch=5)] == [jobs[2]["id"]]
    assert list(q.claim_worker_jobs(db, worker_id="w", batch=5)) == []


def test_concurrent_claims_never_hand_a_job_twice(db, owner, fresh_db_url):
    total = 60
    for i in range(total):
        job(db, owner, f"c{i}")
    db.commit()
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def poller(name: str) -> None:
        conn = connect(fresh_db_url, search_path=("zerg", "public"))
        mine = claimed.setdefault(name, [])
        start.wait()
        try:
            while True:
                rows = list(q.claim_worker_jobs(conn, worker_id=name, batch=3))
                conn.commit()
                if not rows:
                    return
                mine.extend(r["id"] for r in rows)
        finally:
            conn.close()

    threads = [threading.Thread(target=poller, args=(f"p{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    every = [i for ids in claimed.values() for i in ids]
    assert len(every) == total and len(set(every)) == total          # each job exactly once
    assert sum(1 for ids in claimed.values() if ids) >= 2            # and really shared out
    rows = db.execute("SELECT worker_id, count(*) AS n FROM worker_jobs WHERE status = 'running' GROUP BY 1").fetchall()
    assert {r["worker_id"]: r["n"] for r in rows} == {k: len(v) for k, v in claimed.items() if v}


def test_barrier_lock_and_count_flow(db, owner):
    deadline = dt.datetime.now(UTC) + dt.timedelta(minutes=10)
    jobs = [job(db, owner, f"c{i}") for i in range(2)]
    b = q.create_worker_barrier(db, run_id=owner["run"], expected_count=2, deadline_at=deadline)
    assert (b["status"], b["completed_count"]) == ("waiting", 0)
    slots = [q.add_barrier_job(db, barrier_id=b["id"], job_id=j["id"], tool_call_id=j["tool_call_id"], status=None)
             for j in jobs]
    assert [s["status"] for s in slots] == ["created", "created"]
    assert q.get_worker_barrier(db, run_id=owner["run"])["id"] == b["id"]

    def worker_done(j, result):
        locked = q.lock_worker_barrier(db, run_id=owner["run"])
        slot = q.complete_barrier_job(db, barrier_id=locked["id"], job_id=j["id"], status="completed",
                                      result=result, error=None)
        if slot is None:
            return None, None
        counted = q.increment_barrier_count(db, barrier_id=locked["id"])
        return counted, q.claim_barrier_resume(db, barrier_id=locked["id"])

    counted, resume = worker_done(jobs[0], "r0")
    assert counted["completed_count"] == 1 and resume is None
    assert worker_done(jobs[0], "again") == (None, None)               # a replayed completion counts once
    counted, resume = worker_done(jobs[1], "r1")
    assert counted["completed_count"] == 2 and resume["status"] == "resuming"
    assert q.claim_barrier_resume(db, barrier_id=b["id"]) is None       # only one resumer
    assert [s["result"] for s in q.list_barrier_jobs(db, barrier_id=b["id"])] == ["r0", "r1"]
    assert q.finish_worker_barrier(db, barrier_id=b["id"], status="completed")["status"] == "completed"
    assert q.finish_worker_barrier(db, barrier_id=b["id"], status="failed") is None


def test_barrier_reaper_and_nowait_lock(db, owner, fresh_db_url):
    j = job(db, owner, "c")
    b = q.create_worker_barrier(db, run_id=owner["run"], expected_count=1,
                                deadline_at=dt.datetime.now(UTC) - dt.timedelta(seconds=1))
    q.add_barrier_job(db, barrier_id=b["id"], job_id=j["id"], tool_call_id="c", status="queued")
    db.commit()
    assert [r["id"] for r in q.list_expired_barriers(db)] == [b["id"]]
    assert q.lock_worker_barrier_nowait(db, barrier_id=b["id"])["id"] == b["id"]
    other = connect(fresh_db_url, search_path=("zerg", "public"))
    try:
        import psycopg

        with pytest.raises(psycopg.errors.LockNotAvailable):    # not input: propagates unchanged
            q.lock_worker_barrier_nowait(other, barrier_id=b["id"])
        other.rollback()
    finally:
        other.close()
    assert q.timeout_barrier_jobs(db, barrier_id=b["id"]) == 1
    assert [s["status"] for s in q.list_barrier_jobs(db, barrier_id=b["id"])] == ["timeout"]
    assert q.finish_worker_barrier(db, barrier_id=b["id"], status="failed")["status"] == "failed"
    assert list(q.list_expired_barriers(db)) == []


def test_runners_tokens_and_runner_jobs(db, owner):
    u = owner["user"]
    r = q.create_runner(db, owner_id=u, name="laptop", auth_secret_hash="h", labels=None, capabilities=None,
                        runner_metadata=None)
    assert (r["status"], r["capabilities"]) == ("offline", ["exec.readonly"])
    assert q.get_runner(db, runner_id=r["id"])["name"] == "laptop"
    assert q.get_runner_by_name(db, owner_id=u, name="laptop")["id"] == r["id"]
    r2 = q.create_runner(db, owner_id=u, name="box", auth_secret_hash="h2", labels=Jsonb({"os": "linux"}),
                         capabilities=Jsonb(["exec.full"]), runner_metadata=None)
    assert [x["name"] for x in q.list_runners_by_owner(db, owner_id=u)] == ["box", "laptop"]
    hb = q.record_runner_heartbeat(db, runner_id=r["id"], status="online", runner_metadata=Jsonb({"v": "1"}))
    assert (hb["status"], hb["runner_metadata"]) == ("online", {"v": "1"}) and hb["last_seen_at"] is not None
    assert q.revoke_runner(db, runner_id=r2["id"])["status"] == "revoked"
    assert q.revoke_runner(db, runner_id=r2["id"]) is None
    assert q.record_runner_heartbeat(db, runner_id=r2["id"], status="online", runner_metadata=None) is None

    now = dt.datetime.now(UTC)
    q.create_enroll_token(db, owner_id=u, token_hash="t1", expires_at=now + dt.timedelta(minutes=10))
    q.create_enroll_token(db, owner_id=u, token_hash="old", expires_at=now - dt.timedelta(minutes=1))
    assert q.consume_enroll_token(db, token_hash="t1")["used_at"] is not None
    assert q.consume_enroll_token(db, token_hash="t1") is None        # one use only
    assert q.consume_enroll_token(db, token_hash="old") is None       # expired
    assert q.delete_expired_enroll_tokens(db) == 2

    rj = q.create_runner_job(db, runner_job_id="5b1c0a52-0000-4000-8000-000000000001", owner_id=u,
                             runner_id=r["id"], worker_id="wk", run_id="run-1", command="ls", timeout_secs=30)
    assert q.get_runner_job(db, runner_job_id=rj["id"])["status"] == "queued"
    assert q.start_runner_job(db, runner_job_id=rj["id"])["status"] == "running"
    assert q.start_runner_job(db, runner_job_id=rj["id"]) is None
    fin = q.finish_runner_job(db, runner_job_id=rj["id"], status="success", exit_code=0, stdout_trunc="a\n",
                              stderr_trunc="", error=None, artifacts=Jsonb({"files": []}))
    assert (fin["status"], fin["exit_code"], fin["stdout_trunc"]) == ("success", 0, "a\n")
    assert q.finish_runner_job(db, runner_job_id=rj["id"], status="failed", exit_code=1, stdout_trunc=None,
                               stderr_trunc=None, error=None, artifacts=None) is None
    assert [x["id"] for x in q.list_runner_jobs_by_runner(db, runner_id=r["id"], limit_rows=5)] == [rj["id"]]
    assert [x["id"] for x in q.list_runner_jobs_by_worker(db, worker_id="wk")] == [rj["id"]]
    assert q.delete_runner(db, runner_id=r["id"]) == 1
    assert q.get_runner_job(db, runner_job_id=rj["id"]) is None
