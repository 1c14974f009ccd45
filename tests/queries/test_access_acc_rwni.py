"""Issue 18, domains R (runs), W (worker jobs, barriers), N (runners), I (infrastructure): one
test per row of ../shared/reference/service-accesses.md that was MISMATCH or MISSING, each
failing on the behaviour the row describes as today's (the row id is in the test name)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
import pytest
from psycopg.types.json import Jsonb

from zerg_sql.config import SQL_DIR
from zerg_sql.db import connect
from zerg_sql.queries import QueryError
from zerg_sql.queries import queries as q

UTC = dt.timezone.utc
ORPHANED = "Orphaned after server restart - execution state lost"


@pytest.fixture
def owner(db):
    u = q.create_user(db, email="rw@example.com", provider=None, provider_user_id=None, display_name=None,
                      avatar_url=None, role=None)
    a = q.create_agent(db, owner_id=u["id"], name="sup", system_instructions="s", task_instructions="t",
                       model="m", schedule=None, config=None, allowed_tools=None)
    th = q.create_thread(db, agent_id=a["id"], title="t", active=None, thread_type=None, agent_state=None, memory_strategy=None)
    return {"user": u["id"], "agent": a["id"], "thread": th["id"]}


def run(db, owner, status=None, trigger=None):
    return q.create_run(db, agent_id=owner["agent"], thread_id=owner["thread"], status=status, trigger=trigger,
                        model="m", reasoning_effort=None, correlation_id=None, assistant_message_id=None)


def job(db, owner, run_id, tool_call_id=None, status=None, task="do it", user=None):
    return q.create_worker_job(db, owner_id=user or owner["user"], supervisor_run_id=run_id,
                               tool_call_id=tool_call_id, trace_id=None, task=task, model="m",
                               reasoning_effort=None, status=status)


def backdate(db, table, row_id, column, seconds):
    db.execute(f"UPDATE {table} SET {column} = now() - make_interval(secs => %s) WHERE id = %s", [seconds, row_id])


# ------------------------------------------------------------------ R: runs

def test_r02_a_run_created_running_is_started(db, owner):
    r = run(db, owner, status="running", trigger="api")
    assert r["status"] == "running" and r["started_at"] is not None and r["trace_id"] is not None
    assert run(db, owner)["started_at"] is None                       # queued: started by start_run


def test_r12_update_run_start_sets_message_id_and_fills_only_nulls(db, owner):
    r = run(db, owner, status="queued")
    db.execute("UPDATE agent_runs SET trace_id = NULL WHERE id = %s", [r["id"]])
    first = q.update_run_start(db, run_id=r["id"], assistant_message_id="msg-1")
    assert first["assistant_message_id"] == "msg-1" and first["started_at"] is not None
    assert first["trace_id"] is not None
    again = q.update_run_start(db, run_id=r["id"], assistant_message_id=None)
    assert (again["assistant_message_id"], again["started_at"], again["trace_id"]) == \
        ("msg-1", first["started_at"], first["trace_id"])           # None keeps, set ones stay


def test_r13_r14_pausing_a_run_writes_duration_and_adds_tokens(db, owner):
    r = run(db, owner, status="running")
    backdate(db, "agent_runs", r["id"], "started_at", 2)
    deferred = q.mark_run_paused(db, run_id=r["id"], status="deferred", duration_ms=None, add_tokens=None)
    assert deferred["status"] == "deferred" and 1900 <= deferred["duration_ms"] < 60000
    assert deferred["total_tokens"] is None

    w = run(db, owner, status="running")
    waiting = q.mark_run_paused(db, run_id=w["id"], status="waiting", duration_ms=1234, add_tokens=100)
    assert (waiting["status"], waiting["duration_ms"], waiting["total_tokens"]) == ("waiting", 1234, 100)
    assert q.mark_run_paused(db, run_id=w["id"], status="waiting", duration_ms=1, add_tokens=1) is None  # not running
    q.resume_run(db, run_id=w["id"])
    again = q.mark_run_paused(db, run_id=w["id"], status="waiting", duration_ms=2000, add_tokens=50)
    assert again["total_tokens"] == 150                               # += on a resume
    assert q.mark_run_paused(db, run_id=again["id"], status="success", duration_ms=1, add_tokens=1) is None


def test_r19_startup_recovery_fails_queued_running_and_deferred_runs(db, owner):
    queued = run(db, owner)
    running = run(db, owner, status="running")
    backdate(db, "agent_runs", running["id"], "started_at", 3)
    deferred = run(db, owner, status="running")
    q.mark_run_paused(db, run_id=deferred["id"], status="deferred", duration_ms=500, add_tokens=None)
    waiting = run(db, owner, status="running")
    q.mark_run_paused(db, run_id=waiting["id"], status="waiting", duration_ms=None, add_tokens=None)
    done = run(db, owner, status="running")
    q.finish_run(db, run_id=done["id"], status="success", total_tokens=1, total_cost_usd=None, error=None,
                 summary=None)
    # A deferred run whose continuation finished delivered its answer: it stays deferred.
    delivered = run(db, owner, status="running")
    q.mark_run_paused(db, run_id=delivered["id"], status="deferred", duration_ms=10, add_tokens=None)
    cont = q.create_continuation_run(db, continuation_of_run_id=delivered["id"], model=None, reasoning_effort=None)
    q.start_run(db, run_id=cont["id"])
    q.finish_run(db, run_id=cont["id"], status="success", total_tokens=None, total_cost_usd=None, error=None,
                 summary=None)

    expected = [queued["id"], running["id"], deferred["id"]]
    assert [r["id"] for r in q.list_unfinished_runs(db)] == expected
    recovered = {r["id"]: r for r in q.recover_unfinished_runs(db, error=ORPHANED)}
    assert sorted(recovered) == expected
    assert all(r["status"] == "failed" and r["error"] == ORPHANED and r["finished_at"] for r in recovered.values())
    assert recovered[queued["id"]]["duration_ms"] is None             # never started: no duration
    assert recovered[running["id"]]["duration_ms"] >= 2900            # since started_at
    assert recovered[deferred["id"]]["duration_ms"] >= 0
    assert q.get_run(db, run_id=waiting["id"])["status"] == "waiting"
    assert q.get_run(db, run_id=delivered["id"])["status"] == "deferred"
    assert list(q.recover_unfinished_runs(db, error=ORPHANED)) == []


# ------------------------------------------------------------------ W: worker jobs and barriers

def test_w04_w05_reuse_lookups_of_a_spawn_without_tool_call(db, owner):
    sup = run(db, owner, status="running")["id"]
    other = q.create_user(db, email="o@example.com", provider=None, provider_user_id=None, display_name=None,
                          avatar_url=None, role=None)["id"]
    ok1, ok2 = job(db, owner, sup, "a", task="x"), job(db, owner, sup, "b", task="y")
    for j in (ok1, ok2):
        q.start_worker_job(db, job_id=j["id"], worker_id="w")
        q.finish_worker_job(db, job_id=j["id"], worker_id=None)
    backdate(db, "worker_jobs", ok1["id"], "created_at", 60)
    job(db, owner, sup, "c", task="z")                                       # queued, not success
    theirs = job(db, owner, sup, "d", task="x", user=other)
    q.start_worker_job(db, job_id=theirs["id"], worker_id="w")
    q.finish_worker_job(db, job_id=theirs["id"], worker_id=None)
    reusable = [r["id"] for r in q.list_reusable_worker_jobs(db, owner_id=owner["user"], supervisor_run_id=sup,
                                                             limit_rows=20)]
    assert reusable == [ok2["id"], ok1["id"]]
    assert [r["id"] for r in q.list_reusable_worker_jobs(db, owner_id=owner["user"], supervisor_run_id=sup,
                                                         limit_rows=1)] == [ok2["id"]]

    older = job(db, owner, sup, None, task="same")
    backdate(db, "worker_jobs", older["id"], "created_at", 30)
    newer = job(db, owner, sup, None, task="same")
    q.start_worker_job(db, job_id=newer["id"], worker_id="w")
    job(db, owner, sup, None, task="same", status="created")                 # not yet queued: not reused
    found = q.find_active_worker_job_by_task(db, owner_id=owner["user"], supervisor_run_id=sup, task="same")
    assert found["id"] == older["id"]
    q.cancel_worker_job(db, job_id=older["id"], error=None)
    assert q.find_active_worker_job_by_task(db, owner_id=owner["user"], supervisor_run_id=sup,
                                            task="same")["id"] == newer["id"]
    assert q.find_active_worker_job_by_task(db, owner_id=other, supervisor_run_id=sup, task="same") is None


def test_w08_jobs_of_a_run_filtered_by_owner(db, owner):
    sup = run(db, owner, status="running")["id"]
    other = q.create_user(db, email="o@example.com", provider=None, provider_user_id=None, display_name=None,
                          avatar_url=None, role=None)["id"]
    mine, theirs = job(db, owner, sup, "a"), job(db, owner, sup, "b", user=other)
    assert [r["id"] for r in q.list_worker_jobs_by_run(db, supervisor_run_id=sup, owner_id=None)] == \
        [mine["id"], theirs["id"]]
    assert [r["id"] for r in q.list_worker_jobs_by_run(db, supervisor_run_id=sup, owner_id=owner["user"])] == \
        [mine["id"]]


def test_w11_w12_a_users_jobs_by_status_and_window(db, owner):
    sup = run(db, owner, status="running")["id"]
    old_ok = job(db, owner, sup, "1")
    q.start_worker_job(db, job_id=old_ok["id"], worker_id="w")
    q.finish_worker_job(db, job_id=old_ok["id"], worker_id=None)
    backdate(db, "worker_jobs", old_ok["id"], "created_at", 7200)
    failed = job(db, owner, sup, "2")
    q.fail_worker_job(db, job_id=failed["id"], error="x", worker_id=None)
    queued = job(db, owner, sup, "3")
    cancelled = job(db, owner, sup, "4")
    q.cancel_worker_job(db, job_id=cancelled["id"], error=None)
    hour_ago = dt.datetime.now(UTC) - dt.timedelta(hours=1)

    def ids(rows):
        return [r["id"] for r in rows]

    everyone = ids(q.list_worker_jobs_by_owner(db, owner_id=owner["user"], status=None, since=None, limit_rows=20))
    assert everyone == [cancelled["id"], queued["id"], failed["id"], old_ok["id"]]
    assert ids(q.list_worker_jobs_by_owner(db, owner_id=owner["user"], status="cancelled", since=None,
                                           limit_rows=20)) == [cancelled["id"]]
    assert ids(q.list_worker_jobs_by_owner(db, owner_id=owner["user"], status=None, since=hour_ago,
                                           limit_rows=2)) == [cancelled["id"], queued["id"]]
    assert ids(q.list_finished_worker_jobs(db, owner_id=owner["user"], since=None)) == [failed["id"], old_ok["id"]]
    assert ids(q.list_finished_worker_jobs(db, owner_id=owner["user"], since=hour_ago)) == [failed["id"]]


def test_w14_finish_records_the_worker_id_the_run_produced(db, owner):
    sup = run(db, owner, status="running")["id"]
    a, b = job(db, owner, sup, "a"), job(db, owner, sup, "b")
    claimed = {r["id"] for r in q.claim_worker_jobs(db, worker_id="poller-1", batch=2)}
    assert claimed == {a["id"], b["id"]}
    done = q.finish_worker_job(db, job_id=a["id"], worker_id="artifact-123")
    assert (done["status"], done["worker_id"]) == ("success", "artifact-123")
    failed = q.fail_worker_job(db, job_id=b["id"], error="boom", worker_id="artifact-456")
    assert (failed["status"], failed["worker_id"], failed["error"]) == ("failed", "artifact-456", "boom")
    c = job(db, owner, sup, "c")
    q.start_worker_job(db, job_id=c["id"], worker_id="poller-2")
    assert q.finish_worker_job(db, job_id=c["id"], worker_id=None)["worker_id"] == "poller-2"   # None keeps


def test_w19_a_barrier_re_armed_for_a_second_batch(db, owner):
    sup = run(db, owner, status="running")["id"]
    deadline = dt.datetime.now(UTC) + dt.timedelta(minutes=10)
    first = [job(db, owner, sup, f"a{i}", status="created") for i in range(2)]
    b = q.create_worker_barrier(db, run_id=sup, expected_count=2, deadline_at=deadline)
    for j in first:
        q.add_barrier_job(db, barrier_id=b["id"], job_id=j["id"], tool_call_id=j["tool_call_id"], status="queued")
        q.queue_worker_job(db, job_id=j["id"])
    for j in first:
        q.complete_barrier_job(db, barrier_id=b["id"], job_id=j["id"], status="completed", result="r", error=None)
        q.increment_barrier_count(db, barrier_id=b["id"])
    assert q.claim_barrier_resume(db, barrier_id=b["id"])["status"] == "resuming"
    db.commit()

    # The old way collides on UNIQUE (run_id).
    with pytest.raises(QueryError) as err:
        q.create_worker_barrier(db, run_id=sup, expected_count=1, deadline_at=deadline)
    assert err.value.sqlstate == "23505"
    db.rollback()

    second = [job(db, owner, sup, f"b{i}", status="created") for i in range(3)]
    later = deadline + dt.timedelta(minutes=5)
    rearmed = q.upsert_worker_barrier(db, run_id=sup, expected_count=3, deadline_at=later)
    assert rearmed["id"] == b["id"]
    assert (rearmed["status"], rearmed["expected_count"], rearmed["completed_count"], rearmed["deadline_at"]) == \
        ("waiting", 3, 0, later)
    assert list(q.list_barrier_jobs(db, barrier_id=b["id"])) == []          # the first batch's slots are gone
    for j in second:
        q.add_barrier_job(db, barrier_id=b["id"], job_id=j["id"], tool_call_id=j["tool_call_id"], status="queued")
    assert [s["job_id"] for s in q.list_barrier_jobs(db, barrier_id=b["id"])] == [j["id"] for j in second]

    # A run without a barrier gets one.
    fresh = run(db, owner, status="running")["id"]
    made = q.upsert_worker_barrier(db, run_id=fresh, expected_count=1, deadline_at=deadline)
    assert (made["run_id"], made["status"], made["expected_count"]) == (fresh, "waiting", 1)


def test_w22_reaper_claims_an_expired_barrier_whatever_its_count(db, owner):
    sup = run(db, owner, status="running")["id"]
    jobs = [job(db, owner, sup, f"c{i}") for i in range(3)]
    b = q.create_worker_barrier(db, run_id=sup, expected_count=3,
                                deadline_at=dt.datetime.now(UTC) - dt.timedelta(seconds=1))
    for j in jobs:
        q.add_barrier_job(db, barrier_id=b["id"], job_id=j["id"], tool_call_id=j["tool_call_id"], status="queued")
    q.complete_barrier_job(db, barrier_id=b["id"], job_id=jobs[0]["id"], status="completed", result="ok", error=None)
    q.increment_barrier_count(db, barrier_id=b["id"])
    assert q.claim_barrier_resume(db, barrier_id=b["id"]) is None             # 1 of 3: the count claim refuses
    q.lock_worker_barrier_nowait(db, barrier_id=b["id"])
    claimed = q.timeout_worker_barrier(db, barrier_id=b["id"], error="Worker timed out (deadline exceeded)")
    assert claimed["status"] == "resuming"
    slots = [(s["status"], s["error"], s["completed_at"] is not None) for s in q.list_barrier_jobs(db, barrier_id=b["id"])]
    assert slots == [("completed", None, True)] + [("timeout", "Worker timed out (deadline exceeded)", True)] * 2


def test_w23_orphan_reaper_spares_created_jobs_with_a_barrier_slot(db, owner):
    sup = run(db, owner, status="running")["id"]
    orphan = job(db, owner, sup, "o", status="created")
    slotted = job(db, owner, sup, "s", status="created")
    b = q.create_worker_barrier(db, run_id=sup, expected_count=1,
                                deadline_at=dt.datetime.now(UTC) + dt.timedelta(minutes=10))
    q.add_barrier_job(db, barrier_id=b["id"], job_id=slotted["id"], tool_call_id="s", status=None)
    for j in (orphan, slotted):
        backdate(db, "worker_jobs", j["id"], "created_at", 600)
    reaped = list(q.reap_orphaned_worker_jobs(db, older_than_seconds=300,
                                              error="Orphaned job - barrier creation failed"))
    assert [r["id"] for r in reaped] == [orphan["id"]]
    assert (reaped[0]["status"], reaped[0]["error"]) == ("failed", "Orphaned job - barrier creation failed")
    assert q.get_worker_job(db, job_id=slotted["id"])["status"] == "created"


def test_w24_startup_recovery_fails_running_jobs_and_keeps_queued_ones(db, owner):
    sup = run(db, owner, status="running")["id"]
    running, queued = job(db, owner, sup, "r"), job(db, owner, sup, "q")
    q.start_worker_job(db, job_id=running["id"], worker_id="w")
    recovered = list(q.recover_running_worker_jobs(db, error=ORPHANED))
    assert [(r["id"], r["status"], r["error"]) for r in recovered] == [(running["id"], "failed", ORPHANED)]
    assert recovered[0]["finished_at"] is not None
    assert q.get_worker_job(db, job_id=queued["id"])["status"] == "queued"


def test_w25_cancel_records_the_reason(db, owner):
    sup = run(db, owner, status="running")["id"]
    j = job(db, owner, sup, "x")
    c = q.cancel_worker_job(db, job_id=j["id"], error="Cancelled by roundabout: no progress")
    assert (c["status"], c["error"]) == ("cancelled", "Cancelled by roundabout: no progress")


# ------------------------------------------------------------------ N: runners

@pytest.fixture
def runner(db, owner):
    return q.create_runner(db, owner_id=owner["user"], name="laptop", auth_secret_hash="hash-1",
                           labels=Jsonb({"os": "linux"}), capabilities=None, runner_metadata=None)


def runner_job(db, owner, runner, n=1):
    rj = q.create_runner_job(db, runner_job_id=f"5b1c0a52-0000-4000-8000-{n:012d}", owner_id=owner["user"],
                             runner_id=runner["id"], worker_id="wk", run_id="run-1", command="ls", timeout_secs=30)
    q.start_runner_job(db, runner_job_id=rj["id"])
    return rj


def test_n02_enroll_token_by_hash(db, owner):
    now = dt.datetime.now(UTC)
    t = q.create_enroll_token(db, owner_id=owner["user"], token_hash="th", expires_at=now - dt.timedelta(minutes=1))
    assert q.get_enroll_token_by_hash(db, token_hash="th")["id"] == t["id"]      # expired, still found
    assert q.get_enroll_token_by_hash(db, token_hash="nope") is None


def test_n07_hello_by_name_and_secret_across_owners(db, owner, runner):
    assert q.find_runner_by_secret(db, name="laptop", auth_secret_hash="hash-1")["id"] == runner["id"]
    assert q.find_runner_by_secret(db, name="laptop", auth_secret_hash="wrong") is None
    assert q.find_runner_by_secret(db, name="other", auth_secret_hash="hash-1") is None
    q.revoke_runner(db, runner_id=runner["id"])
    assert q.find_runner_by_secret(db, name="laptop", auth_secret_hash="hash-1")["status"] == "revoked"
    # Another owner's runner with the same name and secret: ambiguous, refused.
    u2 = q.create_user(db, email="o@example.com", provider=None, provider_user_id=None, display_name=None,
                       avatar_url=None, role=None)["id"]
    q.create_runner(db, owner_id=u2, name="laptop", auth_secret_hash="hash-1", labels=None, capabilities=None,
                    runner_metadata=None)
    assert q.find_runner_by_secret(db, name="laptop", auth_secret_hash="hash-1") is None


def test_n08_n23_runner_lists_are_paged(db, owner, runner):
    for name in ("c", "a", "b"):
        q.create_runner(db, owner_id=owner["user"], name=name, auth_secret_hash=f"h-{name}", labels=None,
                        capabilities=None, runner_metadata=None)
    names = [r["name"] for r in q.list_runners_by_owner(db, owner_id=owner["user"], skip=1, limit_rows=2)]
    assert names == ["b", "c"]
    jobs = [runner_job(db, owner, runner, n)["id"] for n in range(1, 4)]
    for k, jid in enumerate(jobs):
        db.execute("UPDATE runner_jobs SET created_at = now() - make_interval(secs => %s) WHERE id = %s",
                   [10 - k, jid])
    assert [r["id"] for r in q.list_runner_jobs_by_runner(db, runner_id=runner["id"], skip=1, limit_rows=5)] == \
        [jobs[1], jobs[0]]


def test_n09_update_runner_partially(db, owner, runner):
    up = q.update_runner(db, runner_id=runner["id"], name="desk", labels=None, capabilities=None, clear_labels=False)
    assert (up["name"], up["labels"], up["capabilities"]) == ("desk", {"os": "linux"}, ["exec.readonly"])
    up = q.update_runner(db, runner_id=runner["id"], name=None, labels=None, capabilities=Jsonb(["exec.full"]),
                         clear_labels=True)
    assert (up["name"], up["labels"], up["capabilities"]) == ("desk", None, ["exec.full"])
    up = q.update_runner(db, runner_id=runner["id"], name=None, labels=Jsonb({"gpu": "yes"}), capabilities=None,
                         clear_labels=False)
    assert up["labels"] == {"gpu": "yes"}
    assert q.update_runner(db, runner_id=runner["id"] + 100, name="x", labels=None, capabilities=None,
                           clear_labels=False) is None
    q.create_runner(db, owner_id=owner["user"], name="box", auth_secret_hash="h2", labels=None, capabilities=None,
                    runner_metadata=None)
    with pytest.raises(QueryError) as err:                                  # the API's 409
        q.update_runner(db, runner_id=runner["id"], name="box", labels=None, capabilities=None, clear_labels=False)
    assert err.value.sqlstate == "23505"


def test_n12_rotate_runner_secret(db, owner, runner):
    rotated = q.update_runner_secret(db, runner_id=runner["id"], auth_secret_hash="hash-2")
    assert rotated["auth_secret_hash"] == "hash-2"
    assert q.find_runner_by_secret(db, name="laptop", auth_secret_hash="hash-1") is None
    q.revoke_runner(db, runner_id=runner["id"])
    assert q.update_runner_secret(db, runner_id=runner["id"], auth_secret_hash="hash-3") is None
    assert q.get_runner(db, runner_id=runner["id"])["auth_secret_hash"] == "hash-2"


def test_n19_streamed_output_is_appended_and_capped(db, owner, runner):
    rj = runner_job(db, owner, runner)

    def append(stream, chunk, cap=20):
        return q.append_runner_job_output(db, runner_job_id=rj["id"], stream=stream, chunk=chunk, max_chars=cap)

    append("stdout", "hello ")
    append("stderr", "warn\n")
    row = append("stdout", "world")
    assert (row["stdout_trunc"], row["stderr_trunc"]) == ("hello world", "warn\n")     # 16 of 20
    row = append("stdout", "0123456789")                                             # 26 > 20: cut to the room left
    assert row["stdout_trunc"] == "hello world" + "0123" + "\n[truncated]"
    assert append("stdout", "more")["stdout_trunc"] == row["stdout_trunc"]            # dropped once cut
    assert append("stderr", "late")["stderr_trunc"] == "warn\n" + "\n[truncated]"     # no room left
    assert append("bogus", "x") is None
    fresh = runner_job(db, owner, runner, 2)
    assert q.append_runner_job_output(db, runner_job_id=fresh["id"], stream="stdout", chunk="x",
                                      max_chars=50000)["stdout_trunc"] == "x"


def test_n19_concurrent_chunks_are_never_lost(db, owner, runner, fresh_db_url):
    rj = runner_job(db, owner, runner)
    db.commit()
    a = connect(fresh_db_url, search_path=("zerg", "public"))
    b = connect(fresh_db_url, search_path=("zerg", "public"))
    try:
        q.append_runner_job_output(a, runner_job_id=rj["id"], stream="stdout", chunk="A", max_chars=100)
        done = threading.Event()

        def second():
            q.append_runner_job_output(b, runner_job_id=rj["id"], stream="stdout", chunk="B", max_chars=100)
            b.commit()
            done.set()

        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.3)                    # b waits for a's row lock, then appends to a's committed value
        assert not done.is_set()
        a.commit()
        t.join(10)
        assert done.is_set()
    finally:
        a.close()
        b.close()
    assert q.get_runner_job(db, runner_job_id=rj["id"])["stdout_trunc"] == "AB"


def test_n20_n21_n22_finishing_keeps_the_streamed_output(db, owner, runner):
    ok, bad, slow = (runner_job(db, owner, runner, n) for n in (1, 2, 3))
    for j in (ok, bad, slow):
        q.append_runner_job_output(db, runner_job_id=j["id"], stream="stdout", chunk="out", max_chars=50000)
        q.append_runner_job_output(db, runner_job_id=j["id"], stream="stderr", chunk="err", max_chars=50000)
    done = q.finish_runner_job(db, runner_job_id=ok["id"], status="success", exit_code=0, stdout_trunc=None,
                               stderr_trunc=None, error=None, artifacts=None)
    assert (done["status"], done["exit_code"], done["stdout_trunc"], done["stderr_trunc"], done["error"]) == \
        ("success", 0, "out", "err", None)
    failed = q.finish_runner_job(db, runner_job_id=bad["id"], status="failed", exit_code=None, stdout_trunc=None,
                                 stderr_trunc=None, error="runner disconnected", artifacts=None)
    assert (failed["stdout_trunc"], failed["stderr_trunc"], failed["error"]) == ("out", "err", "runner disconnected")
    timed = q.finish_runner_job(db, runner_job_id=slow["id"], status="timeout", exit_code=None, stdout_trunc=None,
                                stderr_trunc=None, error=None, artifacts=None)
    assert (timed["status"], timed["stdout_trunc"], timed["finished_at"] is not None) == ("timeout", "out", True)


def test_n24_startup_recovery_fails_unfinished_runner_jobs(db, owner, runner):
    running = runner_job(db, owner, runner, 1)
    queued = q.create_runner_job(db, runner_job_id="5b1c0a52-0000-4000-8000-000000000009", owner_id=owner["user"],
                                 runner_id=runner["id"], worker_id=None, run_id=None, command="ls", timeout_secs=5)
    finished = runner_job(db, owner, runner, 3)
    q.finish_runner_job(db, runner_job_id=finished["id"], status="success", exit_code=0, stdout_trunc=None,
                        stderr_trunc=None, error=None, artifacts=None)
    recovered = {r["id"]: r for r in q.recover_runner_jobs(db, error=ORPHANED)}
    assert sorted(recovered) == sorted([running["id"], queued["id"]])
    assert all(r["status"] == "failed" and r["error"] == ORPHANED and r["finished_at"] for r in recovered.values())
    assert q.get_runner_job(db, runner_job_id=finished["id"])["status"] == "success"
    # A late "done" cannot flip a recovered job back (Zerg's unconditional update could).
    assert q.finish_runner_job(db, runner_job_id=running["id"], status="success", exit_code=0, stdout_trunc=None,
                               stderr_trunc=None, error=None, artifacts=None) is None


# ------------------------------------------------------------------ I: infrastructure

def test_i01_i03_health_probe(db):
    h = q.get_db_health(db)
    assert h["ok"] == 1 and h["server_version_num"] >= 150000 and h["in_recovery"] is False


def test_i02_i07_schema_version_instead_of_create_all(db):
    version = q.get_schema_version(db)
    newest = sorted(p.name for p in (SQL_DIR / "migrations").glob("[0-9]*.sql") if ".rollback." not in p.name)[-1]
    assert version["latest_migration"] == newest.removesuffix(".sql")
    assert version["applied"] == len([p for p in (SQL_DIR / "migrations").glob("[0-9]*.sql")
                                      if ".rollback." not in p.name])


def test_i04_advisory_lock_support_is_transaction_scoped(db, fresh_db_url):
    assert q.get_advisory_lock_support(db) is True
    other = connect(fresh_db_url, search_path=("zerg", "public"))
    try:
        assert q.get_advisory_lock_support(other) is False            # held by db's transaction
        other.rollback()
        db.commit()                                                   # released with the transaction
        assert q.get_advisory_lock_support(other) is True
        other.rollback()
    finally:
        other.close()


def zerg_tables(db) -> set[str]:
    rows = db.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                      "WHERE n.nspname = 'zerg' AND c.relkind IN ('r', 'p') AND NOT c.relispartition").fetchall()
    # The migration ledger (ours and yoyo's) is never counted or emptied.
    return {r["relname"] for r in rows if not r["relname"].startswith("_") and not r["relname"].startswith("yoyo")}


def test_i05_i06_the_reset_lists_name_every_table_of_the_schema(db):
    counted = {r["table_name"] for r in q.list_table_row_counts(db)}
    assert counted == zerg_tables(db)
    purge = {d for d in q.purge_all_data.sql.split("TRUNCATE", 1)[1].split("RESTART")[0].replace(",", " ").split()}
    assert purge == counted
    user_purge = {d for d in q.purge_user_data.sql.split("TRUNCATE", 1)[1].split("RESTART")[0].replace(",", " ").split()}
    assert user_purge == counted - {"users", "runners"}


def test_i06_clear_data_keeps_users_and_runners(db, owner):
    runner = q.create_runner(db, owner_id=owner["user"], name="r", auth_secret_hash="h", labels=None,
                             capabilities=None, runner_metadata=None)
    run(db, owner)
    db.commit()
    ledger = db.execute("SELECT count(*) AS n FROM _zerg_sql_migrations").fetchone()["n"]
    timeouts = q.set_local_timeouts(db, lock_timeout="3s", statement_timeout="15s")
    assert timeouts == {"lock_timeout": "3s", "statement_timeout": "15s"}
    counts = {r["table_name"]: r["row_count"] for r in q.list_table_row_counts(db)}
    assert (counts["users"], counts["agents"], counts["agent_runs"], counts["runners"]) == (1, 1, 1, 1)
    q.purge_user_data(db)
    db.commit()
    counts = {r["table_name"]: r["row_count"] for r in q.list_table_row_counts(db)}
    assert {t for t, n in counts.items() if n} == {"users", "runners"}
    assert q.get_runner(db, runner_id=runner["id"]) is not None
    assert db.execute("SHOW lock_timeout").fetchone()["lock_timeout"] != "3s"   # SET LOCAL ended with the txn
    assert db.execute("SELECT count(*) AS n FROM _zerg_sql_migrations").fetchone()["n"] == ledger
    again = q.create_agent(db, owner_id=owner["user"], name="new", system_instructions="s", task_instructions="t",
                           model="m", schedule=None, config=None, allowed_tools=None)
    assert again["id"] == 1                                            # RESTART IDENTITY


def test_i05_reset_empties_everything_and_fails_fast_instead_of_ending_sessions(db, owner, fresh_db_url):
    db.commit()
    blocker = connect(fresh_db_url, search_path=("zerg", "public"))
    try:
        blocker.execute("SELECT count(*) FROM agents")                # holds ACCESS SHARE until it ends
        q.set_local_timeouts(db, lock_timeout="200ms", statement_timeout="15s")
        started = time.monotonic()
        with pytest.raises(psycopg.errors.LockNotAvailable):
            q.purge_all_data(db)
        assert time.monotonic() - started < 5
        db.rollback()
        assert blocker.execute("SELECT 1 AS one").fetchone()["one"] == 1   # the other session lives on
        blocker.rollback()
    finally:
        blocker.close()
    q.set_local_timeouts(db, lock_timeout="3s", statement_timeout="30s")
    q.purge_all_data(db)
    db.commit()
    assert {r["row_count"] for r in q.list_table_row_counts(db)} == {0}


def test_i05_i09_test_admin_user(db):
    admin = q.create_test_admin(db, email="admin@example.com")
    assert (admin["id"], admin["role"], admin["email"]) == (1, "admin", "admin@example.com")
    assert q.create_test_admin(db, email="admin@example.com") is None       # present: nothing
    nxt = q.create_user(db, email="next@example.com", provider=None, provider_user_id=None, display_name=None,
                        avatar_url=None, role=None)
    assert nxt["id"] == 2                                                  # the sequence moved past id 1


def test_i08_debug_schema_info(db, owner):
    info = q.get_debug_schema_info(db)
    assert info["current_schema"] == "zerg" and info["search_path"].startswith("zerg")
    assert info["agents_table"] == "agents" and info["public_agents"] is None and info["agents_count"] == 1
