"""Hand-built rows for the dashboard tests (helpers only, no tests; shared by tests/test_dashboards*.py).

Fixed INSERT statements with every column the dashboards read; each helper fills the
columns a test does not care about. All times are relative to T, the fixed "now" the
tests pass as as_of, so every answer is known exactly.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from psycopg.types.json import Jsonb

UTC = timezone.utc
T = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)

RUN = """
INSERT INTO agent_runs (agent_id, thread_id, continuation_of_run_id, trace_id, model, status,
                        trigger, started_at, finished_at, duration_ms, total_tokens, error, created_at)
VALUES (%(agent_id)s, %(thread_id)s, %(continuation_of_run_id)s, %(trace_id)s, %(model)s, %(status)s,
        %(trigger)s, %(started_at)s, %(finished_at)s, %(duration_ms)s, %(total_tokens)s, %(error)s,
        %(created_at)s)
RETURNING id"""

WORKER = """
INSERT INTO worker_jobs (owner_id, supervisor_run_id, tool_call_id, trace_id, task, model, status,
                         worker_id, error, created_at, started_at, finished_at)
VALUES (%(owner_id)s, %(supervisor_run_id)s, %(tool_call_id)s, %(trace_id)s, %(task)s, %(model)s,
        %(status)s, %(worker_id)s, %(error)s, %(created_at)s, %(started_at)s, %(finished_at)s)
RETURNING id"""

LLM = """
INSERT INTO llm_audit_log (created_at, run_id, worker_id, trace_id, phase, model, message_count,
                           input_tokens, output_tokens, reasoning_tokens, duration_ms, error,
                           response_content, response_tool_calls)
VALUES (%(created_at)s, %(run_id)s, %(worker_id)s, %(trace_id)s, %(phase)s, %(model)s,
        %(message_count)s, %(input_tokens)s, %(output_tokens)s, %(reasoning_tokens)s,
        %(duration_ms)s, %(error)s, %(response_content)s, %(response_tool_calls)s)
RETURNING id"""

RUNNER = """
INSERT INTO runners (owner_id, name, status, last_seen_at, auth_secret_hash, capabilities)
VALUES (%(owner_id)s, %(name)s, %(status)s, %(last_seen_at)s, %(auth_secret_hash)s, %(capabilities)s)
RETURNING id"""

JOB = """
INSERT INTO ops.job_queue (id, job_id, status, scheduled_for, attempts, max_attempts, lease_owner,
                           lease_expires_at, last_error, started_at, finished_at, created_at)
VALUES (%(id)s, %(job_id)s, %(status)s, %(scheduled_for)s, %(attempts)s, %(max_attempts)s,
        %(lease_owner)s, %(lease_expires_at)s, %(last_error)s, %(started_at)s, %(finished_at)s,
        %(created_at)s)
RETURNING id"""


class Data:
    """Insert helpers on one connection; the caller commits when another session must see them."""

    def __init__(self, conn):
        self.conn = conn
        self.user_id = conn.execute("INSERT INTO users (email) VALUES ('dash@example.com') RETURNING id").fetchone()["id"]
        self.agent_id = conn.execute(
            "INSERT INTO agents (name, system_instructions, task_instructions, model, owner_id) "
            "VALUES ('dash', 's', 't', 'gpt-test', %s) RETURNING id", (self.user_id,)).fetchone()["id"]
        self.thread_id = conn.execute(
            "INSERT INTO agent_threads (agent_id, title) VALUES (%s, 'dash') RETURNING id",
            (self.agent_id,)).fetchone()["id"]
        self._n = 0

    def _insert(self, statement: str, values: dict) -> int:
        return self.conn.execute(statement, values).fetchone()["id"]

    def run(self, **kw) -> int:
        v = dict(agent_id=self.agent_id, thread_id=self.thread_id, continuation_of_run_id=None,
                 trace_id=uuid.uuid4(), model="gpt-test", status="success", trigger="chat",
                 started_at=None, finished_at=None, duration_ms=None, total_tokens=None, error=None,
                 created_at=T - 30 * MIN)
        v.update(kw)
        return self._insert(RUN, v)

    def worker(self, **kw) -> int:
        self._n += 1
        v = dict(owner_id=self.user_id, supervisor_run_id=None, tool_call_id=None, trace_id=None,
                 task=f"task {self._n}", model="gpt-test", status="success", worker_id=None, error=None,
                 created_at=T - 30 * MIN, started_at=None, finished_at=None)
        v.update(kw)
        return self._insert(WORKER, v)

    def llm(self, **kw) -> int:
        v = dict(created_at=T - 30 * MIN, run_id=None, worker_id=None, trace_id=None, phase="initial",
                 model="gpt-test", message_count=3, input_tokens=100, output_tokens=20,
                 reasoning_tokens=None, duration_ms=1000, error=None, response_content=None,
                 response_tool_calls=None)
        v.update(kw)
        if v["response_tool_calls"] is not None:
            v["response_tool_calls"] = Jsonb(v["response_tool_calls"])
        return self._insert(LLM, v)

    def runner(self, **kw) -> int:
        self._n += 1
        v = dict(owner_id=self.user_id, name=f"runner-{self._n}", status="online", last_seen_at=None,
                 auth_secret_hash="deadbeef-secret-hash", capabilities=Jsonb(["exec.readonly"]))
        v.update(kw)
        return self._insert(RUNNER, v)

    def job(self, **kw) -> str:
        v = dict(id=str(uuid.uuid4()), job_id="backup-sentinel", status="queued", scheduled_for=T - MIN,
                 attempts=0, max_attempts=3, lease_owner=None, lease_expires_at=None, last_error=None,
                 started_at=None, finished_at=None, created_at=T - 2 * MIN)
        v.update(kw)
        if v["status"] == "running":
            v["lease_owner"] = v["lease_owner"] or "host:1"
        return self._insert(JOB, v)


def seed_story(conn) -> dict:
    """A small but complete picture for the psql and CLI tests: traces with runs, workers and
    LLM calls, failures, stuck workers, runners, queue jobs. Returns the ids tests look up."""
    d = Data(conn)
    trace = uuid.UUID("5f0c9a6e-1111-4222-8333-123456789abc")
    r1 = d.run(trace_id=trace, status="deferred", created_at=T - 50 * MIN, started_at=T - 50 * MIN,
               finished_at=T - 49 * MIN, duration_ms=60000)
    d.run(trace_id=trace, status="failed", trigger="continuation", continuation_of_run_id=r1,
          created_at=T - 40 * MIN, started_at=T - 40 * MIN, finished_at=T - 39 * MIN, duration_ms=60000,
          error="tool call failed: api_key=sk-live-123 rejected")
    d.worker(trace_id=trace, supervisor_run_id=r1, tool_call_id="tc1", status="failed",
             task="fetch https://x?token=abc", created_at=T - 50 * MIN, started_at=T - 50 * MIN + SEC,
             finished_at=T - 49 * MIN, error="Job 17 timed out after 30s")
    d.worker(trace_id=trace, supervisor_run_id=r1, tool_call_id="tc2", status="queued",
             created_at=T - 50 * MIN)
    d.llm(trace_id=trace, run_id=r1, created_at=T - 50 * MIN + 2 * SEC, duration_ms=61000,
          response_content="Authorization: Bearer abc.def", response_tool_calls=[
              {"name": "web_fetch", "args": {"url": "https://x", "password": "hunter2"}}])
    d.llm(trace_id=trace, run_id=r1, created_at=T - 49 * MIN, error="rate limited, token=xyz")
    for i, model in enumerate(["gpt-a", "gpt-a", "gpt-b"]):
        d.run(model=model, trigger="schedule", created_at=T - (10 + i) * MIN, started_at=T - (10 + i) * MIN,
              finished_at=T - (9 + i) * MIN, duration_ms=1000 * (i + 1))
    d.worker(status="failed", error="Job 18 timed out after 31s", created_at=T - 20 * MIN)
    d.worker(status="running", started_at=T - 30 * MIN, created_at=T - 31 * MIN, worker_id="w-stuck")
    d.worker(status="created", created_at=T - 7 * MIN)
    d.runner(status="online", last_seen_at=T - MIN)
    d.runner(status="offline", last_seen_at=T - 60 * MIN)
    d.job(status="queued", scheduled_for=T - 5 * MIN)
    d.job(status="running", attempts=1, lease_expires_at=T - MIN, started_at=T - 20 * MIN)
    d.job(status="dead", attempts=3, finished_at=T - 3 * MIN, last_error="boom password=pw1")
    return {"trace": trace}
