"""The JSON that Zerg's frontend reads from `/traces` and `/reliability`, field for field,
computed by zerg-sql's SQL.

At the seed commit these responses came from Zerg's routers/traces.py,
routers/reliability.py and services/trace_debugger.py. Each function here returns the same
keys, with the same types and the same time formats, so a router can call it instead without
a frontend change:

    @router.get("/reliability/system-health")
    async def system_health(...):
        with pool.connection() as conn:
            return zerg_api.system_health(conn)

The numbers are ours: true totals rather than the length of a capped list, every row of a
trace rather than the latest N, and texts redacted by the database. docs/dashboards.md,
"Zerg's JSON", lists each deliberate difference. All computing happens in SQL (the named
queries of sql/queries/traces.sql and reliability.sql, through zerg_sql.dashboards). This
module only picks keys and formats values.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Mapping
from uuid import UUID

from . import dashboards
from . import queries as _loader
from .dashboards import Conn

if TYPE_CHECKING:  # the row types live in the generated stubs only
    from .queries import ListTraceAnomaliesRow

Json = dict[str, Any]
UTC = timezone.utc

# Zerg's LLM details read up to max(max_events, this) calls of a trace.
LLM_DETAILS_AT_LEAST = 100


def _naive(ts: datetime | None) -> str | None:
    """A time as Zerg printed its `timestamp` columns: naive UTC, isoformat."""
    return ts.astimezone(UTC).replace(tzinfo=None).isoformat() if ts is not None else None


def _aware(ts: datetime | None) -> str | None:
    """A time as Zerg printed the ones it made aware (trace timeline, checked_at)."""
    return ts.astimezone(UTC).isoformat() if ts is not None else None


def _uuid(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def _cut(text: str | None, n: int) -> str | None:
    return text[:n] if text else None


# ------------------------------------------------------------------ /traces

def list_traces(conn: Conn, *, limit: int = 20, offset: int = 0) -> Json:
    """GET /traces. One row per trace, newest first: status, model and run_id are those of
    the trace's latest run, started_at and duration_ms those of the whole trace."""
    rows = dashboards.traces(conn, max_rows=limit, skip=offset)["traces"]
    traces = [{"trace_id": _uuid(r["trace_id"]), "run_id": r["last_run_id"], "status": r["status"],
               "model": r["model"], "started_at": _naive(r["started_at"]), "duration_ms": r["duration_ms"]}
              for r in rows]
    return {"traces": traces, "limit": limit, "offset": offset, "count": len(traces)}


def _details(event_type: str, d: Mapping[str, Any]) -> Json:
    """The timeline details as Zerg built them: its keys, in its order, its text lengths."""
    if event_type == "supervisor.run.started":
        return {k: d.get(k) for k in ("run_id", "agent_id", "thread_id", "model", "status")}
    if event_type.startswith("supervisor.run."):
        return {"run_id": d.get("run_id"), "duration_ms": d.get("duration_ms"),
                "total_tokens": d.get("total_tokens"), "error": _cut(d.get("error"), 100)}
    if event_type == "worker.spawned":
        return {"job_id": d.get("job_id"), "task": _cut(d.get("task"), 50), "model": d.get("model"),
                "status": d.get("status")}
    if event_type == "worker.started":
        return {"job_id": d.get("job_id"), "worker_id": d.get("worker_id")}
    if event_type.startswith("worker."):
        return {"job_id": d.get("job_id"), "duration_ms": d.get("duration_ms"), "error": _cut(d.get("error"), 100)}
    return {"phase": d.get("phase"), "model": d.get("model"), "msg_count": d.get("msg_count"),
            "in_tokens": d.get("in_tokens"), "out_tokens": d.get("out_tokens"),
            "duration_ms": d.get("duration_ms"), "error": _cut(d.get("error"), 50)}


# Zerg listed anomalies by kind in this order, each kind newest first.
_ANOMALY_ORDER = ("run_failed", "worker_failed", "llm_error", "worker_never_started", "llm_slow")


def _anomaly(a: ListTraceAnomaliesRow) -> str:
    kind = a["kind"]
    if kind == "run_failed":
        return f"Run {a['source_id']} FAILED: {a['error'] or 'no error message'}"
    if kind == "worker_failed":
        return f"Worker {a['source_id']} FAILED: {a['error'] or 'no error message'}"
    if kind == "llm_error":
        return f"LLM error in {a['phase']}: {a['error']}"
    if kind == "worker_never_started":
        return f"Worker {a['source_id']} never started (status: {a['status']})"
    return f"Slow LLM call: {a['phase']} took {(a['duration_ms'] or 0) / 1000:.1f}s"


def _anomaly_key(a: ListTraceAnomaliesRow) -> tuple[int, float, int]:
    """By kind in Zerg's order, then newest first (the function's columns are never NULL here)."""
    ts, source_id = a["ts"], a["source_id"]
    return (_ANOMALY_ORDER.index(a["kind"] or ""), -ts.timestamp() if ts else 0.0, -(source_id or 0))


def _llm_detail(d: Mapping[str, Any]) -> Json:
    out = {k: d[k] for k in ("phase", "model", "message_count", "input_tokens", "output_tokens", "duration_ms",
                             "error")}
    if d["response_preview"]:  # Zerg left the key out for an empty or missing response
        out["response_preview"] = d["response_preview"]
    if d["tool_calls"]:
        out["tool_calls"] = d["tool_calls"]
    return out


def get_trace(conn: Conn, trace_id: str, *, level: str = "summary", max_events: int = 100) -> Json | None:
    """GET /traces/{trace_id}; None for an unknown or malformed id (the router's 404)."""
    try:
        trace = UUID(str(trace_id))
    except ValueError:
        return None
    summary = _loader.queries.get_trace_summary(conn, trace_id=trace)
    if summary is None:
        return None
    timeline = list(_loader.queries.list_trace_timeline(conn, trace_id=trace, level=level, max_events=max_events))
    anomalies = sorted(_loader.queries.list_trace_anomalies(conn, trace_id=trace, slow_ms=60000),
                       key=_anomaly_key)
    # Zerg's header describes the events it returns (after the level's filter and the cap).
    first = timeline[0]["ts"] if timeline else None
    last = timeline[-1]["ts"] if timeline else None
    result = {
        "trace_id": trace_id,
        "status": (summary["status"] or "unknown").upper(),  # trace_summary() coalesces it so
        "started_at": _aware(first),
        "duration_seconds": (last - first).total_seconds() if first and last else 0,
        "counts": {"runs": summary["runs"], "workers": summary["workers"], "llm_calls": summary["llm_calls"]},
        "anomalies": [_anomaly(a) for a in anomalies],
        "timeline": [{"timestamp": _aware(t["ts"]), "event_type": t["event_type"], "source": t["source"],
                      "details": _details(t["event_type"] or "", t["details"]), "is_error": t["is_error"],
                      "duration_ms": t["duration_ms"]} for t in timeline],
    }
    if level == "full":
        rows = _loader.queries.list_trace_llm_details(conn, trace_id=trace,
                                                      max_rows=min(500, max(max_events, LLM_DETAILS_AT_LEAST)))
        result["llm_details"] = [_llm_detail(d) for d in reversed(list(rows))]  # Zerg: newest first
    return result


# ------------------------------------------------------------------ /reliability

def system_health(conn: Conn, *, as_of: datetime | None = None) -> Json:
    """GET /reliability/system-health (its thresholds: 10 and 5 errors in the last hour)."""
    h = dashboards.health(conn, as_of=as_of)
    counts = {"online": h["runners_online"], "offline": h["runners_offline"], "revoked": h["runners_revoked"]}
    return {"workers": {status: n for status, n in counts.items() if n},  # Zerg grouped the runners that exist
            "recent_run_errors": h["recent_run_errors"], "recent_worker_errors": h["recent_worker_errors"],
            "status": h["status"], "checked_at": _aware(h["checked_at"])}


def errors(conn: Conn, *, hours: int = 24, limit: int = 50, as_of: datetime | None = None) -> Json:
    """GET /reliability/errors. The totals count every failure of the window."""
    e = dashboards.errors(conn, hours=hours, max_rows=limit, as_of=as_of)
    return {
        "run_errors": [{"id": r["id"], "error": r["error"], "created_at": _naive(r["created_at"]),
                        "trace_id": _uuid(r["trace_id"])} for r in e["run_errors"]],
        "worker_errors": [{"id": r["id"], "error": r["error"], "created_at": _naive(r["created_at"]),
                           "task_preview": r["task_preview"], "trace_id": _uuid(r["trace_id"])}
                          for r in e["worker_errors"]],
        "total_run_errors": e["total_run_errors"],
        "total_worker_errors": e["total_worker_errors"],
        "hours": hours,
    }


def _ms(value: float | None) -> int | None:
    return round(value) if value is not None else None


def performance(conn: Conn, *, hours: int = 24, as_of: datetime | None = None) -> Json:
    """GET /reliability/performance: run duration percentiles (interpolated, every run)."""
    o = dashboards.performance(conn, hours=hours, as_of=as_of)["overall"]
    if not o["runs"]:
        return {"p50": None, "p95": None, "p99": None, "count": 0, "hours": hours}
    return {"p50": _ms(o["p50_ms"]), "p95": _ms(o["p95_ms"]), "p99": _ms(o["p99_ms"]), "count": o["runs"],
            "min": o["min_ms"], "max": o["max_ms"], "hours": hours}


def stuck_workers(conn: Conn, *, threshold_mins: int = 10, as_of: datetime | None = None) -> Json:
    """GET /reliability/workers/stuck: running workers past the threshold (50 listed)."""
    s = dashboards.stuck(conn, threshold_mins=threshold_mins, max_rows=50, as_of=as_of)["categories"]["stuck_running"]
    return {"stuck_count": s["total"], "threshold_mins": threshold_mins,
            "workers": [{"id": w["id"], "task": w["task_preview"], "started_at": _naive(w["started_at"]),
                         "worker_id": w["worker_id"], "trace_id": _uuid(w["trace_id"])} for w in s["workers"]]}


def runners(conn: Conn) -> Json:
    """GET /reliability/runners: the 100 most recently seen runners."""
    r = dashboards.runners(conn, max_rows=100)
    return {"total": r["total"],
            "runners": [{"id": x["id"], "name": x["name"], "status": x["status"],
                         "last_seen_at": _naive(x["last_seen_at"]), "capabilities": x["capabilities"]}
                        for x in r["runners"]]}
