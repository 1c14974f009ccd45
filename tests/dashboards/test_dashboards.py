"""The dashboards (issue 6): every function of sql/functions/ through its named query, on
hand-built data whose answers are known (tests/dashboards/test_dashboards_data.py), plus the Python
grouping of zerg_sql.dashboards, parameter validation, ops-less databases and plans.
psql and the CLI are in tests/dashboards/test_dashboards_psql_cli.py.
"""

from __future__ import annotations

import math
import uuid

import psycopg
import pytest

from tests.dashboards.test_dashboards_data import MIN, SEC, T, Data
from zerg_sql import dashboards
from zerg_sql.queries import QueryError, queries


@pytest.fixture
def data(db):
    return Data(db)


def redact(db, text):
    return db.execute("SELECT redact_secrets(%s) AS r", (text,)).fetchone()["r"]


# ------------------------------------------------------------------ redaction

REDACTIONS = [
    ("api_key=sk-123", "api_key=[REDACTED]"),
    ("API-KEY: abc", "API-KEY: [REDACTED]"),
    ("apikey=abc&x=1", "apikey=[REDACTED]&x=1"),
    ("x-api-key: k1, next", "x-api-key: [REDACTED], next"),
    ("password=hunter2 user=bob", "password=[REDACTED] user=bob"),
    ("PassWord : hunter2", "PassWord : [REDACTED]"),
    ("Secret: s3cr3t", "Secret: [REDACTED]"),
    ("client_secret=abc", "client_secret=[REDACTED]"),
    ("token=abc.def", "token=[REDACTED]"),
    ("access_token=xyz;", "access_token=[REDACTED];"),
    ("Authorization: Bearer eyJhbGci.x.y", "Authorization: [REDACTED]"),
    ("authorization=Basic dXNlcjpw", "authorization=[REDACTED]"),
    ("sent BEARER abc123 to the api", "sent BEARER [REDACTED] to the api"),
    ('{"api_key": "sk-1 2", "n": 1}', '{"api_key": [REDACTED], "n": 1}'),
    ("password='a b c' ok", "password=[REDACTED] ok"),
    ("token=a password=b secret=c", "token=[REDACTED] password=[REDACTED] secret=[REDACTED]"),
    # not secrets: the key must be followed by : or =
    ("max_tokens: 500, input tokens=12, password_hint shown", "max_tokens: 500, input tokens=12, password_hint shown"),
    ("no secrets here", "no secrets here"),
]


@pytest.mark.parametrize("text, expected", REDACTIONS)
def test_redact_secrets_every_pattern(db, text, expected):
    assert redact(db, text) == expected
    assert redact(db, expected) == expected  # idempotent: redacting twice changes nothing


def test_redact_secrets_null(db):
    assert redact(db, None) is None


# ------------------------------------------------------------------ errors

def test_error_signature_normalises_ids_and_numbers(db):
    sig = lambda t: db.execute("SELECT error_signature(%s) AS s", (t,)).fetchone()["s"]  # noqa: E731
    assert sig("Job 123 timed out after 30s") == sig("Job 98765 timed out after 31s") == "Job <n> timed out after <n>s"
    assert sig("run 5f0c9a6e-1111-4222-8333-123456789abc lost lease 0xdeadbeef") \
        == sig("run 00000000-aaaa-4bbb-8ccc-dddddddddddd lost lease 0xCAFE12") == "run <uuid> lost lease <hex>"
    assert sig("object a1b2c3d4e5f6 missing") == sig("object 0f0e0d0c0b0a9 missing") == "object <hex> missing"
    assert sig("  two   spaces\n") == "two spaces"
    assert sig("password=hunter2 rejected") == "password=[REDACTED] rejected"
    assert sig(None) == sig("") == "(no error message)"
    assert sig("x" * 500) == "x" * 200


def test_error_groups_count_first_last_and_latest_example(db, data):
    w1 = data.worker(status="failed", error="Job 123 timed out after 30s", created_at=T - 50 * MIN)
    w2 = data.worker(status="failed", error="Job 98765 timed out after 31s", created_at=T - 10 * MIN)
    w3 = data.worker(status="failed", error="Job 5 timed out after 2s password=pw", created_at=T - 20 * MIN)
    data.worker(status="failed", error="disk full", created_at=T - 5 * MIN)
    data.worker(status="success", error="Job 1 timed out after 1s", created_at=T - 5 * MIN)  # not a failure
    trace = uuid.uuid4()
    r1 = data.run(status="failed", error="lost lease 0xdeadbeef", created_at=T - 40 * MIN, trace_id=trace)
    groups = list(queries.list_reliability_error_groups(db, hours=1, max_rows=50, as_of=T))
    by = {(g["source"], g["signature"]): g for g in groups}
    timeout = by[("worker", "Job <n> timed out after <n>s")]
    assert timeout["occurrences"] == 2 and timeout["first_seen"] == T - 50 * MIN and timeout["last_seen"] == T - 10 * MIN
    assert timeout["example_id"] == w2 and timeout["example_error"] == "Job 98765 timed out after 31s"
    with_secret = by[("worker", "Job <n> timed out after <n>s password=[REDACTED]")]
    assert with_secret["example_id"] == w3 and "pw" not in with_secret["example_error"]
    assert by[("run", "lost lease <hex>")]["example_id"] == r1
    assert by[("run", "lost lease <hex>")]["example_trace_id"] == trace
    assert [g["occurrences"] for g in groups] == [2, 1, 1, 1]  # most frequent first
    assert {g["groups_total"] for g in groups} == {4}
    top = list(queries.list_reliability_error_groups(db, hours=1, max_rows=1, as_of=T))
    assert len(top) == 1 and top[0]["groups_total"] == 4 and top[0]["signature"] == "Job <n> timed out after <n>s"
    assert w1 not in {g["example_id"] for g in groups if g["source"] == "worker"}


def test_error_signature_treats_an_id_after_an_underscore_as_an_id(db):
    sig = lambda t: db.execute("SELECT error_signature(%s) AS s", (t,)).fetchone()["s"]  # noqa: E731
    assert sig("429 for request req_8f3c2a1b9d0e4f5a") == sig("429 for request req_a0b1c2d3e4") \
        == "<n> for request req_<hex>"
    assert sig("tool_call_id missing") == "tool_call_id missing"  # words are not hex ids


def signatures(db, table: str, row_id: int) -> tuple:
    row = db.execute(f"SELECT error, error_signature FROM {table} WHERE id = %s", (row_id,)).fetchone()  # noqa: S608
    return row["error"], row["error_signature"]


def test_the_signature_is_stored_when_the_error_is_written(db, data):
    r = data.run(status="failed", error="Job 7 timed out after 3s", created_at=T - MIN)
    w = data.worker(status="failed", error="lost lease 0xdeadbeef", created_at=T - MIN)
    ok = data.run(status="success", created_at=T - MIN)
    assert signatures(db, "agent_runs", r) == ("Job 7 timed out after 3s", "Job <n> timed out after <n>s")
    assert signatures(db, "worker_jobs", w) == ("lost lease 0xdeadbeef", "lost lease <hex>")
    assert signatures(db, "agent_runs", ok) == (None, None)
    # A run failing later (the service's UPDATE), an error corrected, an error cleared.
    db.execute("UPDATE agent_runs SET status = 'failed', error = 'disk 3 full' WHERE id = %s", (ok,))
    assert signatures(db, "agent_runs", ok) == ("disk 3 full", "disk <n> full")
    db.execute("UPDATE worker_jobs SET error = 'ssh to 10.0.0.1 refused' WHERE id = %s", (w,))
    assert signatures(db, "worker_jobs", w)[1] == "ssh to <n>.<n>.<n>.<n> refused"
    db.execute("UPDATE agent_runs SET error = NULL WHERE id = %s", (r,))
    assert signatures(db, "agent_runs", r) == (None, None)
    # The signature cannot be set to anything but the function's value, nor without an error.
    db.execute("UPDATE agent_runs SET error_signature = 'forged' WHERE id = %s", (ok,))
    assert signatures(db, "agent_runs", ok)[1] == "disk <n> full"
    forged = db.execute("INSERT INTO agent_runs (agent_id, thread_id, model, status, trigger, error_signature) "
                        "VALUES (%s, %s, 'm', 'failed', 'chat', 'forged') RETURNING id",
                        (data.agent_id, data.thread_id)).fetchone()["id"]
    assert signatures(db, "agent_runs", forged) == (None, None)


def test_error_groups_count_rows_written_before_the_signature_column_too(db, data):
    # Rows older than migration 0012_error_signatures have no stored signature: the dashboard computes theirs,
    # so they join the groups of the newer rows with the same signature.
    new = data.worker(status="failed", error="Job 1 timed out after 30s", created_at=T - 30 * MIN)
    old = data.worker(status="failed", error="Job 2 timed out after 31s", created_at=T - 20 * MIN)
    old_run = data.run(status="failed", error="quota 5 exceeded", created_at=T - 10 * MIN)
    silent = data.run(status="failed", created_at=T - 5 * MIN)  # no message at all
    db.execute("ALTER TABLE worker_jobs DISABLE TRIGGER worker_jobs_error_signature_update")
    db.execute("ALTER TABLE agent_runs DISABLE TRIGGER agent_runs_error_signature_update")
    db.execute("UPDATE worker_jobs SET error_signature = NULL WHERE id = %s", (old,))
    db.execute("UPDATE agent_runs SET error_signature = NULL WHERE id = %s", (old_run,))
    assert signatures(db, "worker_jobs", old)[1] is None and signatures(db, "agent_runs", old_run)[1] is None
    groups = {(g["source"], g["signature"]): g
              for g in queries.list_reliability_error_groups(db, hours=1, max_rows=50, as_of=T)}
    timeout = groups[("worker", "Job <n> timed out after <n>s")]
    assert timeout["occurrences"] == 2 and timeout["example_id"] == old and timeout["first_seen"] == T - 30 * MIN
    assert groups[("run", "quota <n> exceeded")]["example_id"] == old_run
    assert groups[("run", "(no error message)")]["example_id"] == silent
    assert {g["groups_total"] for g in groups.values()} == {3}
    assert new != old and timeout["last_seen"] == T - 20 * MIN

def test_errors_true_totals_beyond_the_limit_and_window_edges(db, data):
    runs = [data.run(status="failed", error=f"boom {i} api_key=k{i}", created_at=T - (i + 1) * MIN)
            for i in range(7)]
    data.run(status="failed", error="edge", created_at=T - 60 * MIN)     # exactly at since: outside
    data.run(status="failed", error="at as_of", created_at=T)           # at as_of: inside
    data.run(status="failed", error="future", created_at=T + SEC)       # after as_of: outside
    data.run(status="success", created_at=T - MIN)
    workers = [data.worker(status="failed", error="w", task=f"task password=pw{i}", created_at=T - (i + 1) * MIN)
               for i in range(4)]
    rows = list(queries.list_reliability_errors(db, hours=1, max_rows=3, as_of=T))
    run_rows = [r for r in rows if r["source"] == "run"]
    worker_rows = [r for r in rows if r["source"] == "worker"]
    assert [r["error"] for r in run_rows] == ["at as_of", "boom 0 api_key=[REDACTED]", "boom 1 api_key=[REDACTED]"]
    assert [r["id"] for r in run_rows][1:] == runs[:2]
    assert {r["total"] for r in run_rows} == {8}  # the true total, not the 3 rows shown
    assert [r["id"] for r in worker_rows] == workers[:3] and {r["total"] for r in worker_rows} == {4}
    assert worker_rows[0]["task_preview"] == "task password=[REDACTED]"
    d = dashboards.errors(db, hours=1, max_rows=3, as_of=T)
    assert (d["total_run_errors"], d["total_worker_errors"]) == (8, 4)
    assert len(d["run_errors"]) == 3 and len(d["worker_errors"]) == 3


# ------------------------------------------------------------------ health

def health(db, **kw):
    return queries.get_reliability_health(db, **{"high_errors": 10, "some_errors": 5, "window_minutes": 60,
                                                 "as_of": T, **kw})


def test_health_status_at_every_boundary(db, data):
    expected = {0: "healthy", 5: "healthy", 6: "degraded", 10: "degraded", 11: "degraded", 12: "degraded"}
    # Run errors one by one in window A (ending at T); no runners registered yet.
    for n in range(13):
        h = health(db)
        assert h["recent_run_errors"] == n
        if n in expected:
            assert h["status"] == expected[n], n
        data.run(status="failed", created_at=T - 59 * MIN)
    data.run(status="failed", created_at=T - 60 * MIN)   # on the window's open edge: not counted
    data.run(status="success", created_at=T - MIN)
    assert health(db)["recent_run_errors"] == 13
    # Worker errors in window B (ending at T + 3 h), same rule.
    tb = T + 180 * MIN
    for n in range(12):
        h = health(db, as_of=tb)
        assert (h["recent_run_errors"], h["recent_worker_errors"]) == (0, n)
        if n in expected:
            assert h["status"] == expected[n], n
        data.worker(status="failed", created_at=tb - 30 * MIN)
    quiet = T - 24 * 60 * MIN  # a window without errors
    # All runners offline (revoked counts as not online): degraded alone, unhealthy with high errors.
    data.runner(status="offline")
    data.runner(status="revoked")
    h = health(db, as_of=quiet)
    assert (h["status"], h["all_runners_offline"], h["runners_offline"], h["runners_revoked"], h["runners_total"]) \
        == ("degraded", True, 1, 1, 2)
    assert health(db)["status"] == "unhealthy"
    assert health(db, as_of=tb)["status"] == "unhealthy"
    # One online runner: high errors are degraded, a quiet window healthy.
    data.runner(status="online")
    assert (health(db)["status"], health(db, as_of=quiet)["status"]) == ("degraded", "healthy")
    # Thresholds are parameters: 13 errors > 12 is high, > 13 is not even "some".
    assert health(db, high_errors=12, some_errors=12)["status"] == "degraded"
    assert health(db, high_errors=13, some_errors=13)["status"] == "healthy"
    # window_minutes: a 1-minute window sees only the error of the last minute... none here.
    assert health(db, window_minutes=1)["recent_run_errors"] == 0


# ------------------------------------------------------------------ performance

def percentile(values, p):
    """Linear interpolation between closest ranks (what percentile_cont computes), by hand."""
    s = sorted(values)
    pos = p * (len(s) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def test_performance_percentiles_of_a_known_distribution(db, data):
    m1 = [10 * i for i in range(1, 102)]        # 10, 20, ..., 1010: 101 runs
    m2 = [1, 2, 3, 4]
    for i, ms in enumerate(m1):
        data.run(model="m1", trigger="chat", status="success" if i % 2 else "failed", duration_ms=ms,
                 created_at=T - (i + 1) * SEC)
    for ms in m2:
        data.run(model="m2", trigger="api", duration_ms=ms, created_at=T - 2 * MIN)
    data.run(model="m1", duration_ms=None, created_at=T - MIN)                     # no duration: skipped
    data.run(model="m1", duration_ms=999999, created_at=T - 25 * 60 * MIN)         # outside 24 h
    rows = list(queries.list_reliability_performance(db, hours=24, as_of=T))
    by = {(r["scope"], r["key"]): r for r in rows}
    assert list(by) == [("all", "all"), ("model", "m1"), ("model", "m2"), ("trigger", "chat"), ("trigger", "api")]
    one = by[("model", "m1")]
    assert (one["runs"], one["min_ms"], one["max_ms"]) == (101, 10, 1010)
    assert (one["p50_ms"], one["p95_ms"], one["p99_ms"]) == (510, 960, 1000)  # positions 50, 95, 99 exactly
    two = by[("model", "m2")]
    assert (two["p50_ms"], two["p95_ms"], two["p99_ms"]) == (2.5, pytest.approx(3.85), None)  # p99 needs 100 runs
    everything = by[("all", "all")]
    allv = m1 + m2
    assert everything["runs"] == 105 and everything["avg_ms"] == pytest.approx(sum(allv) / 105)
    for p, key in ((0.5, "p50_ms"), (0.95, "p95_ms"), (0.99, "p99_ms")):
        assert everything[key] == pytest.approx(percentile(allv, p))
    assert by[("trigger", "chat")]["runs"] == 101 and by[("trigger", "api")]["p50_ms"] == 2.5
    d = dashboards.performance(db, hours=24, as_of=T)
    assert d["overall"]["runs"] == 105 and [m["key"] for m in d["by_model"]] == ["m1", "m2"]


def test_performance_with_no_runs(db):
    rows = list(queries.list_reliability_performance(db, hours=24, as_of=T))
    assert rows == [{"scope": "all", "key": "all", "runs": 0, "min_ms": None, "p50_ms": None, "p95_ms": None,
                     "p99_ms": None, "max_ms": None, "avg_ms": None}]


# ------------------------------------------------------------------ stuck workers

def test_stuck_workers_at_and_around_the_threshold(db, data):
    cut = T - 10 * MIN
    at = data.worker(status="running", started_at=cut, created_at=cut - MIN)                # exactly: not stuck
    just = data.worker(status="running", started_at=cut - SEC / 1000, created_at=cut - MIN)  # just beyond: stuck
    data.worker(status="running", started_at=cut + SEC, created_at=cut - MIN)               # not yet
    oldest = data.worker(status="running", started_at=T - 60 * MIN, created_at=T - 61 * MIN,
                         task="run with token=abc", worker_id="w1")
    nostart = data.worker(status="running", started_at=None, created_at=T - 20 * MIN)       # running, no start
    q_old = data.worker(status="queued", created_at=cut - SEC)
    data.worker(status="queued", created_at=cut)                                            # exactly: not yet
    data.worker(status="success", started_at=T - 90 * MIN, created_at=T - 90 * MIN)
    o_old = data.worker(status="created", created_at=T - 5 * MIN - SEC)
    data.worker(status="created", created_at=T - 5 * MIN)                                   # exactly: not yet
    rows = list(queries.list_reliability_stuck_workers(db, threshold_mins=10, max_rows=50, orphan_mins=5, as_of=T))
    got = [(r["category"], r["id"]) for r in rows]
    assert got == [("stuck_running", oldest), ("stuck_running", nostart), ("stuck_running", just),
                   ("queued_never_started", q_old), ("orphaned_created", o_old)]
    assert at not in [r["id"] for r in rows]
    first = rows[0]
    assert first["waiting_s"] == 3600 and first["task_preview"] == "run with token=[REDACTED]"
    assert first["worker_id"] == "w1" and first["total"] == 3
    # max_rows per category, totals beyond the rows shown, longest first
    two = list(queries.list_reliability_stuck_workers(db, threshold_mins=10, max_rows=1, orphan_mins=5, as_of=T))
    assert [(r["category"], r["id"], r["total"]) for r in two] == [
        ("stuck_running", oldest, 3), ("queued_never_started", q_old, 1), ("orphaned_created", o_old, 1)]
    d = dashboards.stuck(db, threshold_mins=10, max_rows=1, orphan_mins=5, as_of=T)
    assert d["stuck_count"] == 3 and len(d["categories"]["stuck_running"]["workers"]) == 1
    # a larger threshold: only the hour-old job is stuck
    assert [r["id"] for r in queries.list_reliability_stuck_workers(
        db, threshold_mins=30, max_rows=50, orphan_mins=5, as_of=T) if r["category"] == "stuck_running"] == [oldest]


# ------------------------------------------------------------------ runners

def test_runners_last_seen_first_with_total_and_no_secret(db, data):
    never = data.runner(status="offline", last_seen_at=None)
    recent = data.runner(status="online", last_seen_at=T - MIN)
    older = data.runner(status="offline", last_seen_at=T - 60 * MIN)
    rows = list(queries.list_reliability_runners(db, max_rows=100))
    assert [r["id"] for r in rows] == [recent, older, never]
    assert {r["total"] for r in rows} == {3}
    assert "auth_secret_hash" not in rows[0] and "runner_metadata" not in rows[0]
    assert rows[0]["capabilities"] == ["exec.readonly"]
    d = dashboards.runners(db, max_rows=1)
    assert d["total"] == 3 and [r["id"] for r in d["runners"]] == [recent]


# ------------------------------------------------------------------ traces

def test_trace_list_one_row_per_trace_newest_first(db, data):
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    a1 = data.run(trace_id=a, status="deferred", created_at=T - 180 * MIN, started_at=T - 180 * MIN,
                  finished_at=T - 179 * MIN)
    a2 = data.run(trace_id=a, status="success", continuation_of_run_id=a1, trigger="continuation",
                  model="gpt-cont", created_at=T - 60 * MIN, started_at=T - 60 * MIN, finished_at=T - 59 * MIN)
    data.worker(trace_id=a, status="failed")
    data.worker(trace_id=a, status="success")
    data.llm(trace_id=a)
    data.llm(trace_id=a, error="x")
    data.llm(trace_id=a)
    b1 = data.run(trace_id=b, status="failed", created_at=T - 120 * MIN)
    c1 = data.run(trace_id=c, status="running", created_at=T - 30 * MIN, started_at=T - 30 * MIN)
    rows = list(queries.list_recent_traces(db, max_rows=20, skip=0))
    assert [r["trace_id"] for r in rows] == [c, b, a]   # by trace start; a appears ONCE
    ra = rows[2]
    assert (ra["status"], ra["model"], ra["runs"], ra["workers"], ra["llm_calls"], ra["errors"]) \
        == ("success", "gpt-cont", 2, 2, 3, 2)
    assert (ra["first_run_id"], ra["last_run_id"]) == (a1, a2)
    assert ra["started_at"] == T - 180 * MIN and ra["duration_ms"] == 121 * 60 * 1000
    assert (rows[1]["status"], rows[1]["errors"], rows[1]["duration_ms"]) == ("failed", 1, None)
    assert rows[0]["last_run_id"] == c1 and rows[1]["first_run_id"] == b1
    page = list(queries.list_recent_traces(db, max_rows=2, skip=1))
    assert [r["trace_id"] for r in page] == [b, a]
    d = dashboards.traces(db, max_rows=1, skip=2)
    assert d["count"] == 1 and d["traces"][0]["trace_id"] == a


def test_timeline_orders_ties_deterministically(db, data):
    tr = uuid.uuid4()
    # Everything at the same instant, inserted in reverse causal order.
    llm = data.llm(trace_id=tr, created_at=T)
    w2 = data.worker(trace_id=tr, status="success", created_at=T, started_at=T, finished_at=T)
    w1 = data.worker(trace_id=tr, status="failed", created_at=T, started_at=T, finished_at=T, error="bad")
    run = data.run(trace_id=tr, status="success", created_at=T, started_at=T, finished_at=T, duration_ms=0)
    rows = list(queries.list_trace_timeline(db, trace_id=tr, level="summary", max_events=100))
    assert [(r["event_type"], r["source_id"]) for r in rows] == [
        ("supervisor.run.started", run),
        ("worker.spawned", w2), ("worker.spawned", w1),
        ("worker.started", w2), ("worker.started", w1),
        ("llm.generate", llm),
        ("worker.success", w2), ("worker.failed", w1),
        ("supervisor.run.success", run),
    ]
    assert [r["seq"] for r in rows] == list(range(1, 10)) and {r["offset_s"] for r in rows} == {0}
    assert {r["total_events"] for r in rows} == {9}
    # the same answer every time, whatever the physical order
    db.execute("CLUSTER worker_jobs USING worker_jobs_pkey")
    again = list(queries.list_trace_timeline(db, trace_id=tr, level="summary", max_events=100))
    assert again == rows


def test_timeline_levels_cap_and_relative_times(db, data):
    tr = uuid.uuid4()
    start = T - 60 * MIN
    run = data.run(trace_id=tr, status="failed", created_at=start, started_at=start, finished_at=start + 200 * SEC,
                   error="password=hunter2 " + "x" * 300, duration_ms=200000)
    calls = [data.llm(trace_id=tr, created_at=start + (i + 1) * SEC, error="boom" if i == 150 else None)
             for i in range(160)]
    summary = list(queries.list_trace_timeline(db, trace_id=tr, level="summary", max_events=100))
    # the FIRST 100 events in time order (Zerg kept the latest 100 LLM calls, then the earliest events)
    assert len(summary) == 100 and summary[0]["event_type"] == "supervisor.run.started"
    assert [r["source_id"] for r in summary[1:]] == calls[:99]
    assert summary[5]["offset_s"] == 5.0 and summary[0]["total_events"] == 162
    errors = list(queries.list_trace_timeline(db, trace_id=tr, level="errors", max_events=100))
    assert [(r["event_type"], r["source_id"]) for r in errors] == [("llm.generate", calls[150]),
                                                                    ("supervisor.run.failed", run)]
    assert errors[0]["offset_s"] == 151.0 and errors[0]["total_events"] == 2   # relative to the trace start
    end = errors[1]["details"]
    assert end["error"].startswith("password=[REDACTED] x") and len(end["error"]) == 100
    full = list(queries.list_trace_timeline(db, trace_id=tr, level="full", max_events=500))
    assert len(full) == 162 and len(full[-1]["details"]["error"]) == len("password=[REDACTED] ") + 300
    assert "response_preview" in full[1]["details"] and "response_preview" not in summary[1]["details"]


def test_trace_summary_anomalies_and_llm_details(db, data):
    tr = uuid.uuid4()
    run = data.run(trace_id=tr, status="failed", error="secret: abc", created_at=T - 10 * MIN,
                   started_at=T - 10 * MIN, finished_at=T - 5 * MIN)
    wf = data.worker(trace_id=tr, status="failed", error="Bearer tok123 rejected", created_at=T - 9 * MIN,
                     started_at=T - 9 * MIN, finished_at=T - 8 * MIN)
    wq = data.worker(trace_id=tr, status="queued", created_at=T - 9 * MIN)
    data.worker(trace_id=tr, status="cancelled", created_at=T - 9 * MIN)      # never started, but cancelled
    data.worker(trace_id=tr, status="success", created_at=T - 9 * MIN, started_at=T - 9 * MIN, finished_at=T - 8 * MIN)
    le = data.llm(trace_id=tr, created_at=T - 7 * MIN, error="api_key=sk-1 invalid", phase="tool_iteration")
    data.llm(trace_id=tr, created_at=T - 7 * MIN + SEC, duration_ms=60000)                    # not slow
    slow = data.llm(trace_id=tr, created_at=T - 6 * MIN, duration_ms=60001, response_content="A" * 300,
                    response_tool_calls=[{"name": "web_fetch", "args": {"url": "u", "api_key": "sk-2"}},
                                         {"function": {"name": "exec", "arguments": "{\"cmd\": \"ls\"}"}}])
    s = queries.get_trace_summary(db, trace_id=tr)
    assert (s["status"], s["runs"], s["workers"], s["llm_calls"]) == ("failed", 1, 4, 3)
    assert s["started_at"] == T - 10 * MIN and s["ended_at"] == T - 5 * MIN and s["duration_s"] == 300
    assert s["errors"] == 3 and s["events"] == 2 + 4 + 2 + 2 + 3  # run 2; workers spawned 4, started 2, finished 2; llm 3
    anomalies = list(queries.list_trace_anomalies(db, trace_id=tr, slow_ms=60000))
    assert [(a["kind"], a["source_id"]) for a in anomalies] == [
        ("worker_never_started", wq), ("worker_failed", wf), ("llm_error", le), ("llm_slow", slow),
        ("run_failed", run)]
    text = " ".join(a["message"] for a in anomalies)
    assert "abc" not in text and "tok123" not in text and "sk-1" not in text and "[REDACTED]" in text
    assert anomalies[3]["message"] == f"LLM call {slow} took 60.0 s"
    assert anomalies[4]["message"] == f"Run {run} failed: secret: [REDACTED]"
    details = list(queries.list_trace_llm_details(db, trace_id=tr, max_rows=2))
    assert [d["id"] for d in details] == [le, le + 1] and {d["total"] for d in details} == {3}
    last = list(queries.list_trace_llm_details(db, trace_id=tr, max_rows=100))[-1]
    assert last["response_preview"] == "A" * 200
    assert [t["name"] for t in last["tool_calls"]] == ["web_fetch", "exec"]
    assert "sk-2" not in last["tool_calls"][0]["args"] and "[REDACTED]" in last["tool_calls"][0]["args"]
    assert details[0]["error"] == "api_key=[REDACTED] invalid"
    d = dashboards.trace(db, tr, level="full", max_events=100)
    assert d["total_events"] == s["events"] and d["llm_details_total"] == 3 and len(d["anomalies"]) == 5
    assert dashboards.trace(db, uuid.uuid4()) is None
    assert queries.get_trace_summary(db, trace_id=uuid.uuid4()) is None


def test_the_trace_page_functions_run_their_rows_functions_with_one_plan(db, data):
    """trace_summary / _timeline / _anomalies / _llm_details (plpgsql, sql/functions/traces.sql) return exactly
    what the inlinable *_rows functions return, for every level and limit, and reuse one generic
    plan per session without changing the caller's plan_cache_mode; bad arguments fail as before."""
    tr = uuid.uuid4()
    data.run(trace_id=tr, status="failed", error="token=abc", created_at=T - 10 * MIN,
             started_at=T - 10 * MIN, finished_at=T - 5 * MIN)
    data.worker(trace_id=tr, status="failed", error="boom", created_at=T - 9 * MIN,
                started_at=T - 9 * MIN, finished_at=T - 8 * MIN)
    data.worker(trace_id=tr, status="queued", created_at=T - 9 * MIN)
    data.llm(trace_id=tr, created_at=T - 7 * MIN, error="x", duration_ms=70000)
    calls = [("trace_summary(%s)", (tr,)), ("trace_summary(%s)", (uuid.uuid4(),))]
    calls += [("trace_timeline(%s, %s, %s)", (tr, level, n)) for level in ("summary", "errors", "full") for n in (1, 3, 500)]
    calls += [("trace_anomalies(%s, %s)", (tr, ms)) for ms in (0, 60000, 80000)]
    calls += [("trace_llm_details(%s, %s)", (tr, n)) for n in (1, 100)]
    for _ in range(2):  # the second round runs on the plans kept from the first
        for call, args in calls:
            rows = db.execute(f"SELECT * FROM {call}", args).fetchall()
            assert rows == db.execute(f"SELECT * FROM {call.replace('(', '_rows(', 1)}", args).fetchall(), (call, args)
    assert any(db.execute("SELECT * FROM trace_timeline(%s, 'full', 500)", (tr,)).fetchall())
    config = {r["proname"]: r["proconfig"] for r in db.execute(
        "SELECT proname, proconfig FROM pg_proc WHERE proname IN ('trace_summary', 'trace_timeline', 'trace_anomalies',"
        " 'trace_llm_details')"
        " AND pronamespace = current_schema()::regnamespace AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')")}
    assert set(config) == {"trace_summary", "trace_timeline", "trace_anomalies", "trace_llm_details"}
    assert all("plan_cache_mode=force_generic_plan" in c for c in config.values())
    assert db.execute("SHOW plan_cache_mode").fetchone()["plan_cache_mode"] == "auto"
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="invalid level"):
        db.execute("SELECT * FROM trace_timeline(%s, 'everything', 10)", (tr,))


# ------------------------------------------------------------------ queue health

def test_queue_health_depth_and_problem_jobs(db, data):
    data.job(status="queued", scheduled_for=T - 5 * MIN)
    data.job(status="queued", scheduled_for=T - 2 * MIN, attempts=1, last_error="retry")   # awaiting retry
    data.job(status="queued", scheduled_for=T + 5 * MIN)                                     # not due yet
    exp = data.job(status="running", attempts=2, lease_expires_at=T - MIN, started_at=T - 20 * MIN)
    data.job(status="running", attempts=1, lease_expires_at=T + MIN, started_at=T - MIN)
    dead = data.job(status="dead", attempts=3, finished_at=T - 2 * 60 * MIN, last_error="boom token=t1")
    data.job(status="dead", attempts=3, finished_at=T - 25 * 60 * MIN)                       # over a day ago
    data.job(status="success", attempts=1, finished_at=T - MIN)
    h = queries.get_queue_health(db, as_of=T)
    assert (h["queued"], h["queued_due"], h["running"], h["expired_leases"], h["awaiting_retry"], h["dead_last_day"]) \
        == (3, 2, 2, 1, 1, 1)
    assert h["oldest_due_at"] == T - 5 * MIN and h["oldest_due_age_s"] == 300
    depth = {r["status"]: r for r in queries.list_queue_depth(db, as_of=T)}
    assert list(depth) == ["queued", "running", "success", "dead"]
    assert [depth[s]["jobs"] for s in depth] == [3, 2, 1, 2]
    assert (depth["queued"]["due"], depth["running"]["retried"], depth["dead"]["max_attempts_used"]) == (2, 1, 3)
    problems = list(queries.list_queue_problem_jobs(db, hours=24, max_rows=50, as_of=T))
    assert [(p["category"], p["id"], p["total"]) for p in problems] == [("expired_lease", exp, 1), ("dead", dead, 1)]
    assert problems[1]["last_error"] == "boom token=[REDACTED]"
    d = dashboards.queue(db, hours=24, max_rows=50, as_of=T)
    assert d["health"]["queued"] == 3 and len(d["dead"]) == 1 and len(d["expired_leases"]) == 1


def test_queue_depth_lists_every_status_even_empty(db, data):
    """queue_depth counts per status before joining the four statuses: one with no job still
    appears, with zero counts and no oldest / highest attempt."""
    empty = list(queries.list_queue_depth(db, as_of=T))
    assert [(r["status"], r["jobs"], r["due"], r["oldest_scheduled_for"], r["retried"], r["max_attempts_used"])
            for r in empty] == [(s, 0, 0, None, 0, None) for s in ("queued", "running", "success", "dead")]
    data.job(status="queued", scheduled_for=T + MIN, attempts=2, last_error="retry")
    depth = {r["status"]: r for r in queries.list_queue_depth(db, as_of=T)}
    assert (depth["queued"]["jobs"], depth["queued"]["due"], depth["queued"]["retried"]) == (1, 0, 1)
    assert depth["queued"]["oldest_scheduled_for"] == T + MIN and depth["queued"]["max_attempts_used"] == 2
    assert depth["dead"]["jobs"] == 0 and depth["dead"]["max_attempts_used"] is None


def test_queue_problem_jobs_order_caps_and_totals(db, data):
    """Each category keeps its own order and max_rows, with its full total; only the rows
    returned are redacted, and they are the same rows as before it."""
    expired = [data.job(status="running", attempts=1, lease_expires_at=T - k * MIN, started_at=T - 30 * MIN)
               for k in (3, 1, 5, 2, 4)]
    dead = [data.job(status="dead", attempts=3, finished_at=T - k * MIN, last_error=f"fail {k} password=p{k}")
            for k in (30, 10, 50, 20, 40)]
    problems = list(queries.list_queue_problem_jobs(db, hours=24, max_rows=3, as_of=T))
    assert [(p["category"], p["id"]) for p in problems] == [
        ("expired_lease", expired[2]), ("expired_lease", expired[4]), ("expired_lease", expired[0]),
        ("dead", dead[1]), ("dead", dead[3]), ("dead", dead[0])]
    assert {p["total"] for p in problems} == {5}
    assert [p["last_error"] for p in problems[3:]] == [
        "fail 10 password=[REDACTED]", "fail 20 password=[REDACTED]", "fail 30 password=[REDACTED]"]


def test_queue_dead_tuples_and_oldest_transaction(db, fresh_db_url, data):
    for _ in range(30):
        data.job(status="success", finished_at=T)
    db.commit()
    db.execute("DELETE FROM ops.job_queue")
    db.execute("SELECT pg_stat_force_next_flush()")   # publish this session's counters at commit
    db.commit()
    other = psycopg.connect(fresh_db_url)                # an open transaction elsewhere, holding a snapshot
    other.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    try:
        other.execute("SELECT 1")                        # BEGIN ... left open
        pid = other.info.backend_pid
        h = queries.get_queue_health(db, as_of=None)
        assert h["dead_tuples"] >= 30 and h["live_tuples"] == 0
        assert h["oldest_xact_pid"] == pid and h["oldest_xact_age_s"] >= 0
        assert h["oldest_xmin_age"] is not None
    finally:
        other.close()
    db.rollback()
    assert queries.get_queue_health(db, as_of=None)["oldest_xact_pid"] is None


def test_dashboards_without_ops_schema(pg, empty_db_url):
    """In prod, ops belongs to another repo: the migration must not need it, the queue
    functions raise a clear error, every other dashboard works."""
    from tests.conftest import test_env_for
    from zerg_sql.db import connect
    from zerg_sql.migrate import Runner

    env = test_env_for(empty_db_url, may_create_ops=False)
    with Runner(env, out=lambda _: None) as runner:
        runner.migrate()
    with connect(empty_db_url, search_path=("zerg", "public")) as conn:
        assert conn.execute("SELECT to_regclass('ops.job_queue') AS t").fetchone()["t"] is None
        assert queries.get_reliability_health(conn, high_errors=10, some_errors=5, window_minutes=60,
                                              as_of=None)["status"] == "healthy"
        with pytest.raises(QueryError, match="ops.job_queue does not exist") as e:
            queries.get_queue_health(conn, as_of=None)
        assert e.value.sqlstate == "42P01"  # undefined_table


# ------------------------------------------------------------------ parameters

BAD = [
    (lambda c: list(queries.list_reliability_errors(c, hours=0, max_rows=50, as_of=None)), "hours: 0"),
    (lambda c: list(queries.list_reliability_errors(c, hours=169, max_rows=50, as_of=None)), "hours: 169"),
    (lambda c: list(queries.list_reliability_errors(c, hours=24, max_rows=201, as_of=None)), "max_rows: 201"),
    (lambda c: list(queries.list_reliability_performance(c, hours=None, as_of=None)), "hours: NULL"),
    (lambda c: list(queries.list_reliability_stuck_workers(c, threshold_mins=-1, max_rows=5, orphan_mins=5,
                                                           as_of=None)), "threshold_mins: -1"),
    (lambda c: list(queries.list_recent_traces(c, max_rows=101, skip=0)), "max_rows: 101"),
    (lambda c: list(queries.list_recent_traces(c, max_rows=5, skip=-1)), "skip: -1"),
    (lambda c: list(queries.list_trace_timeline(c, trace_id=uuid.uuid4(), level="summary", max_events=501)),
     "max_events: 501"),
    (lambda c: list(queries.list_queue_problem_jobs(c, hours=500, max_rows=5, as_of=None)), "hours: 500"),
    (lambda c: queries.get_reliability_health(c, high_errors=10, some_errors=5, window_minutes=0, as_of=None),
     "window_minutes: 0"),
]


@pytest.mark.parametrize("call, message", BAD)
def test_bad_parameters_get_a_clear_error(db, call, message):
    with pytest.raises(QueryError, match=f"invalid {message} [(].* must be an integer from") as e:
        call(db)
    assert e.value.sqlstate == "22023"  # invalid_parameter_value
    db.rollback()


def test_bad_level_is_refused(db, data):
    tr = uuid.uuid4()
    data.run(trace_id=tr, started_at=T)
    with pytest.raises(QueryError, match="invalid level: error [(]level must be summary, errors or full"):
        list(queries.list_trace_timeline(db, trace_id=tr, level="error", max_events=10))


# ------------------------------------------------------------------ plans

SCALE = [
    """INSERT INTO agent_runs (agent_id, thread_id, trace_id, model, status, trigger, started_at, finished_at,
                            duration_ms, error, created_at)
    SELECT %(agent)s, %(thread)s, md5((g / 2)::text)::uuid, (ARRAY['gpt-a', 'gpt-b', 'gpt-c'])[1 + g %% 3],
           (ARRAY['success', 'success', 'success', 'failed', 'running'])[1 + g %% 5],
           (ARRAY['chat', 'schedule', 'manual'])[1 + g %% 3], ts, ts + interval '2 s', 1000 + g %% 5000,
           CASE WHEN g %% 5 = 3 THEN 'boom ' || g END, ts
    FROM generate_series(1, 20000) AS g,
         LATERAL (SELECT %(t)s - (20000 - g) * interval '130 s' AS ts) AS t""",
    """INSERT INTO worker_jobs (owner_id, supervisor_run_id, tool_call_id, trace_id, task, model, status,
                             created_at, started_at, finished_at, error)
    SELECT %(user)s, r.id, 'tc' || k, r.trace_id, 'task', 'gpt',
           (ARRAY['success', 'success', 'failed', 'success', 'success', 'cancelled'])[1 + (r.id + k) %% 6],
           r.created_at, r.created_at + interval '1 s', r.created_at + interval '2 s', 'err'
    FROM agent_runs AS r, generate_series(1, 2) AS k""",
    """INSERT INTO llm_audit_log (created_at, run_id, trace_id, phase, model, duration_ms, error)
    SELECT r.created_at + k * interval '1 s', r.id, r.trace_id, 'initial', 'gpt', 500 * k,
           CASE WHEN k = 3 THEN 'x' END
    FROM agent_runs AS r, generate_series(1, 3) AS k""",
]

# The as_of literal is T.
PLANNED = [
    "EXPLAIN (FORMAT JSON) SELECT * FROM trace_list()",
    "EXPLAIN (FORMAT JSON) SELECT * FROM trace_list(20, 200)",
    # trace_timeline / _summary / _anomalies / _llm_details run these through a plan made once (sql/functions/traces.sql).
    "EXPLAIN (FORMAT JSON) SELECT * FROM trace_timeline_rows(md5('100')::uuid, 'full', 500)",
    "EXPLAIN (FORMAT JSON) SELECT * FROM trace_summary_rows(md5('100')::uuid)",
    "EXPLAIN (FORMAT JSON) SELECT * FROM trace_anomalies_rows(md5('100')::uuid)",
    "EXPLAIN (FORMAT JSON) SELECT * FROM trace_llm_details_rows(md5('100')::uuid)",
    "EXPLAIN (FORMAT JSON) SELECT * FROM reliability_health(as_of => '2026-01-15 12:00+00')",
    "EXPLAIN (FORMAT JSON) SELECT * FROM reliability_errors(as_of => '2026-01-15 12:00+00')",
    "EXPLAIN (FORMAT JSON) SELECT * FROM reliability_error_groups(as_of => '2026-01-15 12:00+00')",
    "EXPLAIN (FORMAT JSON) SELECT * FROM reliability_performance(as_of => '2026-01-15 12:00+00')",
    "EXPLAIN (FORMAT JSON) SELECT * FROM reliability_stuck_workers(as_of => '2026-01-15 12:00+00')",
    "EXPLAIN (FORMAT JSON) SELECT * FROM reliability_runners()",
]
BIG = {"agent_runs", "worker_jobs", "llm_audit_log"}


def plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def test_plans_are_inlined_and_use_indexes(db, data):
    """At modest scale (20k runs over a month, 40k workers, 60k LLM calls) after ANALYZE,
    each function is inlined into the caller's plan and reads no big table sequentially."""
    assert T.isoformat() == "2026-01-15T12:00:00+00:00"
    for statement in SCALE:
        db.execute(statement, {"agent": data.agent_id, "thread": data.thread_id, "user": data.user_id, "t": T})
    db.execute("ANALYZE agent_runs, worker_jobs, llm_audit_log, runners")
    problems = {}
    for explain in PLANNED:
        nodes = list(plan_nodes(db.execute(explain).fetchone()["QUERY PLAN"][0]["Plan"]))
        functions = [n["Function Name"] for n in nodes if n["Node Type"] == "Function Scan"
                     and n["Function Name"].startswith(("trace_", "reliability_"))]
        scans = [n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan" and n["Relation Name"] in BIG]
        if functions or scans:
            problems[explain] = {"not inlined": functions, "seq scans": scans}
    assert problems == {}
