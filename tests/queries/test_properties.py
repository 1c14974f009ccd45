"""Property test: the write queries driven with generated input (odd unicode, very long
strings, SQL-looking strings, NULLs, out-of-range numbers). Every call either succeeds
with exactly its effect, or raises QueryError and, after the transaction block rolls
back, leaves every table as it was. Invariants hold after each example."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from zerg_sql.queries import QueryError
from zerg_sql.queries import queries as q

SQLISH = ["'; DROP TABLE users; --", "%(email)s", ":user_id", "$1", "\\x00", "' OR 1=1 --", "$$ :x $$",
          "Robert'); DELETE FROM agents;--"]
LONG = st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(2500, 12000))
TEXT = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(SQLISH), LONG,
                 st.text(st.characters(codec="utf-8", min_codepoint=0x80), min_size=1, max_size=10))
# Mostly an index of an existing row (see pick), sometimes NULL, an id no row has, or out of range.
INT = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4), st.none(), st.integers(-3, -1),
                st.integers(2**40, 2**63 - 1), st.integers(2**63, 2**64), st.integers(-2**64, -2**63 - 1))
RUN_STATUS = st.one_of(st.none(), st.sampled_from(["queued", "running", "waiting", "deferred", "success", "bogus"]))
TABLES = ("users", "agents", "agent_threads", "thread_messages", "agent_runs", "worker_jobs", "sync_operations")

OPS = st.one_of(
    st.tuples(st.just("user"), TEXT, TEXT),
    st.tuples(st.just("agent"), INT, TEXT, TEXT),
    st.tuples(st.just("message"), INT, TEXT, TEXT),
    st.tuples(st.just("run"), INT, RUN_STATUS),
    st.tuples(st.just("transition"), INT, RUN_STATUS, RUN_STATUS),
    st.tuples(st.just("job"), INT, TEXT, TEXT),
    st.tuples(st.just("claim"), TEXT, INT),
    st.tuples(st.just("sync"), INT, TEXT, INT),
)


def counts(db):
    return {t: db.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"] for t in TABLES}  # fixed names


def pick(db, table, n):
    """The id of the table's n-th row for a small n (n itself otherwise: NULL or an id no row has)."""
    ids = [r["id"] for r in db.execute(f"SELECT id FROM {table} ORDER BY id")]  # fixed names
    return ids[n % len(ids)] if ids and n is not None and 0 <= n < 2**40 else n


def apply(db, op):
    kind = op[0]
    if kind == "user":
        _, email, name = op
        row = q.create_user(db, email=email, provider=None, provider_user_id=None, display_name=name,
                            avatar_url=None, role=None)
        assert (row["email"], row["display_name"]) == (email, name)
        return {"users": 1}
    if kind == "agent":
        _, owner, name, model = op
        row = q.create_agent(db, owner_id=pick(db, "users", owner), name=name, system_instructions="s",
                             task_instructions="t", model=model, schedule=None, config=None, allowed_tools=None)
        th = q.create_thread(db, agent_id=row["id"], title=name, active=None, thread_type=None, agent_state=None,
                             memory_strategy=None)
        assert row["name"] == name == th["title"]
        return {"agents": 1, "agent_threads": 1}
    if kind == "message":
        _, thread, role, content = op
        row = q.create_thread_message(db, thread_id=pick(db, "agent_threads", thread), role=role, content=content,
                                      tool_calls=Jsonb({"c": content}), tool_call_id=None, name=None, parent_id=None,
                                      processed=None, internal=None, sent_at=None, message_metadata=None)
        assert q.get_thread_message(db, message_id=row["id"])["content"] == content
        return {"thread_messages": 1}
    if kind == "run":
        _, thread, status = op
        t = q.get_thread(db, thread_id=pick(db, "agent_threads", thread)) if thread is not None else None
        row = q.create_run(db, agent_id=t["agent_id"] if t else thread, thread_id=t["id"] if t else thread,
                           status=status, trigger=None, model=None, reasoning_effort=None, correlation_id=None,
                           assistant_message_id=None)
        assert row["status"] == (status or "queued")
        return {"agent_runs": 1}
    if kind == "transition":
        _, run, frm, to = op
        run_id = pick(db, "agent_runs", run)
        before = q.get_run(db, run_id=run_id) if isinstance(run_id, int) and abs(run_id) < 2**63 else None
        row = q.transition_run(db, run_id=run_id, from_status=frm, to_status=to)
        fired = before is not None and before["status"] == frm and to in ("queued", "running", "waiting", "deferred")
        assert (row is not None) == fired
        if row is not None:
            assert row["status"] == to
        return {}
    if kind == "job":
        _, run, call, task = op
        run_id = pick(db, "agent_runs", run)
        owner = db.execute("SELECT min(id) AS id FROM users").fetchone()["id"]
        existing = None
        if call is not None and isinstance(run_id, int) and abs(run_id) < 2**63:
            existing = q.get_worker_job_by_tool_call(db, supervisor_run_id=run_id, tool_call_id=call)
        row = q.create_worker_job(db, owner_id=owner, supervisor_run_id=run_id, tool_call_id=call, trace_id=None,
                                  task=task, model="m", reasoning_effort=None, status=None)
        assert row["created"] is (existing is None)
        return {"worker_jobs": 0 if existing else 1}
    if kind == "claim":
        _, worker, batch = op
        queued = db.execute("SELECT count(*) AS n FROM worker_jobs WHERE status = 'queued'").fetchone()["n"]
        rows = list(q.claim_worker_jobs(db, worker_id=worker, batch=batch))
        # batch < 0: refused by the server (LIMIT must not be negative), or nothing to claim
        expected = 0 if worker is None or batch is None or batch < 0 else min(queued, batch)
        assert len(rows) == expected
        assert all(r["status"] == "running" and r["worker_id"] == worker for r in rows)
        return {}
    _, user, op_id, lamport = op
    user_id = pick(db, "users", user)
    stored = q.record_sync_operation(db, user_id=user_id, op_id=op_id, type="message", body=Jsonb({"op": op_id}),
                                     lamport=lamport, ts=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert stored["op_id"] == op_id and stored["user_id"] == user_id
    return {"sync_operations": 1 if stored["created"] else 0}


@pytest.fixture
def seeded(db):
    """A user, an agent with a thread, and a running run, committed."""
    apply(db, ("user", "seed@example.com", "Seed"))
    apply(db, ("agent", 0, "seed agent", "gpt"))
    apply(db, ("run", 0, "running"))
    db.commit()
    return db


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(ops=st.lists(OPS, min_size=1, max_size=6))
def test_write_queries_keep_the_database_consistent(seeded, ops):
    # Each example runs in a transaction that is rolled back at the end, so every example
    # starts from the seeded rows; each operation runs in its own savepoint (the nested
    # transaction block), which a failure rolls back.
    with seeded.transaction(force_rollback=True):
        check_operations(seeded, ops)


def check_operations(db, ops):
    for op in ops:
        before = counts(db)
        try:
            with db.transaction():
                delta = apply(db, op)
        except QueryError as e:
            event(f"{op[0]} refused ({e.sqlstate or 'before sending'})")
            assert e.query and str(e).startswith(f"query {e.query}")
            assert counts(db) == before, f"{op[0]} failed ({e}) but changed rows"
            continue
        event(f"{op[0]} ok")
        after = counts(db)
        assert after == {t: before[t] + delta.get(t, 0) for t in TABLES}, op[0]
    # Invariants the constraints and queries together promise.
    bad = db.execute("""
        SELECT (SELECT count(*) FROM worker_jobs WHERE status = 'running'
                AND (worker_id IS NULL OR started_at IS NULL)) AS unclaimed_running,
               (SELECT count(*) FROM (SELECT 1 FROM worker_jobs WHERE tool_call_id IS NOT NULL
                AND supervisor_run_id IS NOT NULL GROUP BY supervisor_run_id, tool_call_id
                HAVING count(*) > 1) AS d) AS duplicate_spawns,
               (SELECT count(*) FROM (SELECT 1 FROM sync_operations GROUP BY user_id, op_id
                HAVING count(*) > 1) AS d) AS duplicate_ops,
               (SELECT count(*) FROM agents WHERE NOT EXISTS (SELECT FROM agent_threads t
                WHERE t.agent_id = agents.id)) AS agents_without_thread
    """).fetchone()
    assert bad == {"unclaimed_running": 0, "duplicate_spawns": 0, "duplicate_ops": 0, "agents_without_thread": 0}
