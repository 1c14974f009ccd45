"""What Zerg did in Python after its queries, for the questions whose answer ours computes
in SQL (zerg-schema-at-seed.md §3.2, §3.4, §3.5): timed with the legacy queries so both
sides answer the same page. A faithful, compact re-implementation, not Zerg's code."""

from __future__ import annotations

import re
from datetime import timezone

_REDACT = [re.compile(r"(?i)((?:api[_-]?key|password|secret|token|authorization)\s*[:=]\s*)([^\s,;\"']+)"),
           re.compile(r"(?i)(bearer\s+)(\S+)")]


def redact(value):
    if isinstance(value, str):
        for pattern in _REDACT:
            value = pattern.sub(r"\1[REDACTED]", value)
        return value
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _utc(ts):
    return ts.replace(tzinfo=timezone.utc) if ts is not None and ts.tzinfo is None else ts


def trace_page(results: list[list[dict]], level: str = "summary", max_events: int = 100) -> dict:
    """§3.2 steps 2-7 over the rows of the three queries (runs, workers, LLM calls)."""
    runs, workers, calls = results
    events, anomalies = [], []
    for r in runs:
        if r["started_at"]:
            events.append((_utc(r["started_at"]), "supervisor.run.started", "run",
                           {"run_id": r["id"], "agent_id": r["agent_id"], "thread_id": r["thread_id"],
                            "model": r["model"], "status": r["status"].lower()}, False))
        if r["finished_at"]:
            status = r["status"].lower()
            events.append((_utc(r["finished_at"]), f"supervisor.run.{status}", "run",
                           {"run_id": r["id"], "duration_ms": r["duration_ms"], "total_tokens": r["total_tokens"],
                            "error": (r["error"] or "")[:100]}, status in ("failed", "error")))
        if r["status"].lower() == "failed":
            anomalies.append(f"Run {r['id']} FAILED: {r['error']}")
    for w in workers:
        events.append((_utc(w["created_at"]), "worker.spawned", "worker",
                       {"job_id": w["id"], "task": w["task"][:50], "model": w["model"], "status": w["status"]}, False))
        if w["started_at"]:
            events.append((_utc(w["started_at"]), "worker.started", "worker",
                           {"job_id": w["id"], "worker_id": w["worker_id"]}, False))
        if w["finished_at"]:
            duration = (w["finished_at"] - w["started_at"]).total_seconds() if w["started_at"] else None
            events.append((_utc(w["finished_at"]), f"worker.{w['status']}", "worker",
                           {"job_id": w["id"], "duration": duration, "error": (w["error"] or "")[:100]},
                           w["status"] in ("failed", "error")))
        if w["status"] == "failed":
            anomalies.append(f"Worker {w['id']} failed: {w['error']}")
        if w["created_at"] and not w["started_at"] and w["status"] not in ("cancelled", "failed"):
            anomalies.append(f"Worker {w['id']} never started")
    for c in calls:
        events.append((_utc(c["created_at"]), "llm.generate", "llm",
                       {"phase": c["phase"], "model": c["model"], "msg_count": c["message_count"],
                        "in_tokens": c["input_tokens"], "out_tokens": c["output_tokens"],
                        "duration_ms": c["duration_ms"], "error": (c["error"] or "")[:50]}, c["error"] is not None))
        if c["error"]:
            anomalies.append(f"LLM error: {c['error']}")
        if (c["duration_ms"] or 0) > 60000:
            anomalies.append(f"Slow LLM call: {c['duration_ms']} ms")
    events.sort(key=lambda e: e[0])
    if level == "errors":
        events = [e for e in events if e[4]]
    events = events[:max_events]
    page = {"status": runs[0]["status"].upper() if runs else "UNKNOWN",
            "started_at": events[0][0].isoformat() if events else None,
            "duration_seconds": (events[-1][0] - events[0][0]).total_seconds() if events else 0,
            "counts": {"runs": len(runs), "workers": len(workers), "llm_calls": len(calls)},
            "anomalies": anomalies,
            "timeline": [{"timestamp": e[0].isoformat(), "event_type": e[1], "source": e[2], "details": e[3],
                          "is_error": e[4]} for e in events]}
    if level == "full":
        page["llm_details"] = [{"phase": c["phase"], "model": c["model"], "error": c["error"],
                                "response_preview": (c["response_content"] or "")[:200],
                                "tool_calls": [{"name": t.get("name"), "args": t.get("args")}
                                               for t in (c["response_tool_calls"] or []) if isinstance(t, dict)]}
                               for c in calls]
    return redact(page)


def errors_page(results: list[list[dict]]) -> dict:
    """§3.4: redact the errors and task previews of both lists."""
    runs, workers = results
    return redact({"run_errors": runs, "worker_errors": workers,
                   "total_run_errors": len(runs), "total_worker_errors": len(workers)})


def performance_page(results: list[list[dict]]) -> dict:
    """§3.5: sort the durations and take p50 / p95 / p99 (n >= 100)."""
    d = sorted(r["duration_ms"] for r in results[0])
    n = len(d)
    if not n:
        return {"p50": None, "p95": None, "p99": None, "count": 0}
    big = n >= 100
    return {"p50": d[n // 2] if big else None, "p95": d[int(n * 0.95)] if big else None,
            "p99": d[int(n * 0.99)] if big else None, "count": n, "min": d[0], "max": d[-1]}
