"""zerg_sql.zerg_api: the JSON of Zerg's /traces and /reliability endpoints (routers/traces.py,
routers/reliability.py, services/trace_debugger.py at the seed commit), field for field, on
hand-built data whose answers are known. Each expected value is written out whole, so a key
added, dropped or retyped fails here."""

from __future__ import annotations

import uuid

from tests.dashboards.test_dashboards_data import MIN, SEC, T, Data
from zerg_sql import zerg_api


def iso(ts) -> str:
    return ts.isoformat()


def naive(ts) -> str:
    return ts.replace(tzinfo=None).isoformat()


def test_get_trace_in_zergs_shape(db):
    d = Data(db)
    tr = uuid.uuid4()
    run = d.run(trace_id=tr, status="failed", error="secret: abc", total_tokens=50, duration_ms=300000,
                created_at=T - 10 * MIN, started_at=T - 10 * MIN, finished_at=T - 5 * MIN)
    w1 = d.worker(trace_id=tr, status="success", worker_id="w-1", created_at=T - 9 * MIN,
                  started_at=T - 9 * MIN, finished_at=T - 9 * MIN + 1.5009 * SEC)
    w2 = d.worker(trace_id=tr, status="queued", created_at=T - 9 * MIN)
    d.llm(trace_id=tr, created_at=T - 8 * MIN, error="api_key=sk-1 invalid")
    d.llm(trace_id=tr, created_at=T - 7 * MIN, duration_ms=61000, response_content="hello",
          response_tool_calls=[{"name": "web_fetch", "args": {"url": "u", "api_key": "sk-2"}, "id": "c1",
                                "type": "tool_call"}])
    llm = {"phase": "initial", "model": "gpt-test", "msg_count": 3, "in_tokens": 100, "out_tokens": 20}
    started = {"run_id": run, "agent_id": d.agent_id, "thread_id": d.thread_id, "model": "gpt-test",
               "status": "failed"}
    summary_timeline = [
        {"timestamp": iso(T - 10 * MIN), "event_type": "supervisor.run.started", "source": "run",
         "details": started, "is_error": False, "duration_ms": None},
        {"timestamp": iso(T - 9 * MIN), "event_type": "worker.spawned", "source": "worker",
         "details": {"job_id": w1, "task": "task 1", "model": "gpt-test", "status": "success"},
         "is_error": False, "duration_ms": None},
        {"timestamp": iso(T - 9 * MIN), "event_type": "worker.spawned", "source": "worker",
         "details": {"job_id": w2, "task": "task 2", "model": "gpt-test", "status": "queued"},
         "is_error": False, "duration_ms": None},
        {"timestamp": iso(T - 9 * MIN), "event_type": "worker.started", "source": "worker",
         "details": {"job_id": w1, "worker_id": "w-1"}, "is_error": False, "duration_ms": None},
        # Zerg truncated the duration (1500.9 ms -> 1500) and put it in the details too.
        {"timestamp": iso(T - 9 * MIN + 1.5009 * SEC), "event_type": "worker.success", "source": "worker",
         "details": {"job_id": w1, "duration_ms": 1500, "error": None}, "is_error": False, "duration_ms": 1500},
        {"timestamp": iso(T - 8 * MIN), "event_type": "llm.generate", "source": "llm",
         "details": {**llm, "duration_ms": 1000, "error": "api_key=[REDACTED] invalid"}, "is_error": True,
         "duration_ms": 1000},
        {"timestamp": iso(T - 7 * MIN), "event_type": "llm.generate", "source": "llm",
         "details": {**llm, "duration_ms": 61000, "error": None}, "is_error": False, "duration_ms": 61000},
        {"timestamp": iso(T - 5 * MIN), "event_type": "supervisor.run.failed", "source": "run",
         "details": {"run_id": run, "duration_ms": 300000, "total_tokens": 50, "error": "secret: [REDACTED]"},
         "is_error": True, "duration_ms": 300000},
    ]
    anomalies = [f"Run {run} FAILED: secret: [REDACTED]", "LLM error in initial: api_key=[REDACTED] invalid",
                 f"Worker {w2} never started (status: queued)", "Slow LLM call: initial took 61.0s"]
    header = {"trace_id": str(tr), "status": "FAILED", "started_at": iso(T - 10 * MIN), "duration_seconds": 300.0,
              "counts": {"runs": 1, "workers": 2, "llm_calls": 2}, "anomalies": anomalies}
    assert zerg_api.get_trace(db, str(tr)) == {**header, "timeline": summary_timeline}

    details = {"phase": "initial", "model": "gpt-test", "message_count": 3, "input_tokens": 100,
               "output_tokens": 20}
    full = zerg_api.get_trace(db, str(tr), level="full")
    assert full == {**header, "timeline": summary_timeline, "llm_details": [
        # newest first, as Zerg listed them; no response_preview / tool_calls keys when there are none
        {**details, "duration_ms": 61000, "error": None, "response_preview": "hello",
         "tool_calls": [{"name": "web_fetch", "args": {"url": "u", "api_key": "[REDACTED]"}}]},
        {**details, "duration_ms": 1000, "error": "api_key=[REDACTED] invalid"}]}

    # level errors: the header describes the events returned, as Zerg's did.
    errors = zerg_api.get_trace(db, str(tr), level="errors", max_events=1)
    assert errors == {**header, "started_at": iso(T - 8 * MIN), "duration_seconds": 0,
                      "timeline": [summary_timeline[5]]}
    assert zerg_api.get_trace(db, str(uuid.uuid4())) is None
    assert zerg_api.get_trace(db, "not-a-uuid") is None


def test_list_traces_in_zergs_shape(db):
    d = Data(db)
    tr = uuid.uuid4()
    first = d.run(trace_id=tr, status="deferred", created_at=T - 50 * MIN, started_at=T - 50 * MIN,
                  finished_at=T - 49 * MIN, duration_ms=60000)
    last = d.run(trace_id=tr, status="success", model="gpt-b", continuation_of_run_id=first,
                 created_at=T - 40 * MIN, started_at=T - 40 * MIN, finished_at=T - 39 * MIN, duration_ms=60000)
    other = uuid.uuid4()
    lone = d.run(trace_id=other, created_at=T - 20 * MIN, started_at=T - 20 * MIN)
    assert zerg_api.list_traces(db, limit=5) == {
        "traces": [
            {"trace_id": str(other), "run_id": lone, "status": "success", "model": "gpt-test",
             "started_at": naive(T - 20 * MIN), "duration_ms": None},
            # one row per trace (Zerg had one per run): its latest run's status, model and id
            {"trace_id": str(tr), "run_id": last, "status": "success", "model": "gpt-b",
             "started_at": naive(T - 50 * MIN), "duration_ms": 11 * 60000}],
        "limit": 5, "offset": 0, "count": 2}
    assert zerg_api.list_traces(db, limit=1, offset=1)["traces"][0]["trace_id"] == str(tr)


def test_reliability_endpoints_in_zergs_shape(db):
    d = Data(db)
    failed = [d.run(status="failed", error="boom password=pw", created_at=T - 60 * MIN),  # exactly now - 1 h
              d.run(status="failed", error=None, created_at=T - 30 * MIN, trace_id=None)]
    d.run(status="failed", created_at=T - 61 * MIN)
    for i in range(4):
        d.run(duration_ms=1000 * (i + 1), created_at=T - (10 + i) * MIN)
    wf = d.worker(status="failed", error="Job 18 timed out", task="fetch ?token=abc", created_at=T - 10 * MIN)
    stuck = d.worker(status="running", worker_id="w-stuck", created_at=T - 31 * MIN, started_at=T - 30 * MIN)
    on = d.runner(status="online", last_seen_at=T - MIN)
    off = d.runner(status="offline", last_seen_at=T - 60 * MIN)

    # Zerg counted a failure created exactly an hour ago (created_at >= now - 1 h).
    assert zerg_api.system_health(db, as_of=T) == {
        "workers": {"online": 1, "offline": 1}, "recent_run_errors": 2, "recent_worker_errors": 1,
        "status": "healthy", "checked_at": "2026-01-15T12:00:00+00:00"}

    trace_of = {r["id"]: r["trace_id"] for r in db.execute("SELECT id, trace_id FROM agent_runs")}
    assert zerg_api.errors(db, hours=1, as_of=T) == {
        "run_errors": [
            {"id": failed[1], "error": None, "created_at": naive(T - 30 * MIN), "trace_id": None},
            {"id": failed[0], "error": "boom password=[REDACTED]", "created_at": naive(T - 60 * MIN),
             "trace_id": str(trace_of[failed[0]])}],
        "worker_errors": [{"id": wf, "error": "Job 18 timed out", "created_at": naive(T - 10 * MIN),
                           "task_preview": "fetch ?token=[REDACTED]", "trace_id": None}],
        "total_run_errors": 2, "total_worker_errors": 1, "hours": 1}

    # Interpolated percentiles of 1000..4000 ms, rounded to whole ms.
    assert zerg_api.performance(db, hours=1, as_of=T) == {
        "p50": 2500, "p95": 3850, "p99": None, "count": 4, "min": 1000, "max": 4000, "hours": 1}
    assert zerg_api.performance(db, hours=1, as_of=T - 24 * 60 * MIN) == {
        "p50": None, "p95": None, "p99": None, "count": 0, "hours": 1}

    assert zerg_api.stuck_workers(db, as_of=T) == {
        "stuck_count": 1, "threshold_mins": 10,
        "workers": [{"id": stuck, "task": "task 2", "started_at": naive(T - 30 * MIN), "worker_id": "w-stuck",
                     "trace_id": None}]}

    assert zerg_api.runners(db) == {"total": 2, "runners": [
        {"id": on, "name": "runner-3", "status": "online", "last_seen_at": naive(T - MIN),
         "capabilities": ["exec.readonly"]},
        {"id": off, "name": "runner-4", "status": "offline", "last_seen_at": naive(T - 60 * MIN),
         "capabilities": ["exec.readonly"]}]}
