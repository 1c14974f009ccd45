"""The dashboards for Python callers and the CLI: each function runs the named queries of
sql/queries/{traces,reliability,queue_health}.sql (which call the SQL functions of
sql/functions/) and returns plain dicts; render_* turn them into terminal text.

All computing happens in SQL; this module only groups rows and formats them. Every text
it shows was redacted by the database (redact_secrets).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping
from uuid import UUID

from . import queries as _loader  # attribute access loads the SQL files on first use

Row = dict[str, Any]


# ------------------------------------------------------------------ data

def health(conn, *, high_errors: int = 10, some_errors: int = 5, window_minutes: int = 60,
           as_of: datetime | None = None) -> Row:
    row = _loader.queries.get_reliability_health(conn, high_errors=high_errors, some_errors=some_errors,
                                         window_minutes=window_minutes, as_of=as_of)
    assert row is not None  # the function always returns one row
    return {**row, "high_errors": high_errors, "some_errors": some_errors, "window_minutes": window_minutes}


def errors(conn, *, hours: int = 24, max_rows: int = 50, as_of: datetime | None = None) -> Row:
    rows = list(_loader.queries.list_reliability_errors(conn, hours=hours, max_rows=max_rows, as_of=as_of))
    groups = list(_loader.queries.list_reliability_error_groups(conn, hours=hours, max_rows=max_rows, as_of=as_of))
    totals: dict[str, int] = {"run": 0, "worker": 0}
    for r in rows:  # every row of a source carries that source's true total
        totals[str(r["source"])] = r["total"] or 0
    return {
        "hours": hours,
        "total_run_errors": totals["run"],
        "total_worker_errors": totals["worker"],
        "groups_total": groups[0]["groups_total"] if groups else 0,
        "groups": [_without(g, "groups_total") for g in groups],
        "run_errors": [_without(r, "source", "total", "task_preview") for r in rows if r["source"] == "run"],
        "worker_errors": [_without(r, "source", "total") for r in rows if r["source"] == "worker"],
    }


def performance(conn, *, hours: int = 24, as_of: datetime | None = None) -> Row:
    rows = list(_loader.queries.list_reliability_performance(conn, hours=hours, as_of=as_of))
    return {
        "hours": hours,
        "overall": next(_without(r, "scope") for r in rows if r["scope"] == "all"),
        "by_model": [_without(r, "scope") for r in rows if r["scope"] == "model"],
        "by_trigger": [_without(r, "scope") for r in rows if r["scope"] == "trigger"],
    }


STUCK_CATEGORIES = ("stuck_running", "queued_never_started", "orphaned_created")


def stuck(conn, *, threshold_mins: int = 10, max_rows: int = 50, orphan_mins: int = 5,
          as_of: datetime | None = None) -> Row:
    rows = list(_loader.queries.list_reliability_stuck_workers(conn, threshold_mins=threshold_mins, max_rows=max_rows,
                                                       orphan_mins=orphan_mins, as_of=as_of))
    categories = {}
    for cat in STUCK_CATEGORIES:
        mine = [r for r in rows if r["category"] == cat]
        categories[cat] = {"total": mine[0]["total"] if mine else 0,
                           "workers": [_without(r, "category", "total") for r in mine]}
    return {"threshold_mins": threshold_mins, "orphan_mins": orphan_mins,
            "stuck_count": categories["stuck_running"]["total"], "categories": categories}


def runners(conn, *, max_rows: int = 100) -> Row:
    rows = list(_loader.queries.list_reliability_runners(conn, max_rows=max_rows))
    return {"total": rows[0]["total"] if rows else 0, "runners": [_without(r, "total") for r in rows]}


def queue(conn, *, hours: int = 24, max_rows: int = 50, as_of: datetime | None = None) -> Row:
    problems = list(_loader.queries.list_queue_problem_jobs(conn, hours=hours, max_rows=max_rows, as_of=as_of))
    return {
        "health": _loader.queries.get_queue_health(conn, as_of=as_of),
        "depth": list(_loader.queries.list_queue_depth(conn, as_of=as_of)),
        "hours": hours,
        "expired_leases": [_without(p, "category", "total") for p in problems if p["category"] == "expired_lease"],
        "dead": [_without(p, "category", "total") for p in problems if p["category"] == "dead"],
    }


def traces(conn, *, max_rows: int = 20, skip: int = 0) -> Row:
    rows = list(_loader.queries.list_recent_traces(conn, max_rows=max_rows, skip=skip))
    return {"traces": rows, "limit": max_rows, "offset": skip, "count": len(rows)}


def trace(conn, trace_id: UUID | str, *, level: str = "summary", max_events: int = 100,
          slow_ms: int = 60000) -> Row | None:
    """One trace: header, timeline, anomalies (and LLM details at level full); None if unknown."""
    summary = _loader.queries.get_trace_summary(conn, trace_id=trace_id)
    if summary is None:
        return None
    timeline = list(_loader.queries.list_trace_timeline(conn, trace_id=trace_id, level=level, max_events=max_events))
    data = {
        **summary,
        "level": level,
        "max_events": max_events,
        "total_events": timeline[0]["total_events"] if timeline else 0,
        "timeline": [_without(t, "total_events") for t in timeline],
        "anomalies": list(_loader.queries.list_trace_anomalies(conn, trace_id=trace_id, slow_ms=slow_ms)),
    }
    if level == "full":
        details = list(_loader.queries.list_trace_llm_details(conn, trace_id=trace_id, max_rows=max_events))
        data["llm_details_total"] = details[0]["total"] if details else 0
        data["llm_details"] = [_without(d, "total") for d in details]
    return data


def _without(row: Mapping[str, Any], *keys: str) -> Row:
    return {k: v for k, v in row.items() if k not in keys}


# ------------------------------------------------------------------ rendering

def fmt(value: Any, width: int = 60) -> str:
    if value is None:
        text = "-"
    elif isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S%z")
    elif isinstance(value, float):
        text = f"{value:.1f}" if abs(value) < 1e15 else str(value)
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, (dict, list)):
        text = json.dumps(value)
    else:
        text = " ".join(str(value).split())  # one line per row
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: Iterable[Row], columns: list[tuple[str, str]], width: int = 60) -> str:
    """Aligned columns: [(key, header), ...]; '(none)' when empty."""
    cells = [[fmt(r.get(key), width) for key, _ in columns] for r in rows]
    if not cells:
        return "  (none)"
    heads = [h for _, h in columns]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(heads, widths)).rstrip()]
    lines.append("  " + "  ".join("-" * w for w in widths))
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 120:
        return f"{value:.0f}s"
    if value < 7200:
        return f"{value / 60:.0f}m"
    return f"{value / 3600:.1f}h"


def render_health(d: Row) -> str:
    return "\n".join([
        f"status: {d['status'].upper()}   (checked {fmt(d['checked_at'])})",
        f"failed runs in the last {d['window_minutes']} min:    {d['recent_run_errors']}",
        f"failed workers in the last {d['window_minutes']} min: {d['recent_worker_errors']}",
        f"runners: {d['runners_online']} online, {d['runners_offline']} offline, "
        f"{d['runners_revoked']} revoked ({d['runners_total']} total)"
        + ("  -- all offline" if d["all_runners_offline"] else ""),
        f"rule: unhealthy = errors > {d['high_errors']} and all runners offline; degraded = errors > "
        f"{d['high_errors']}, all runners offline, or errors > {d['some_errors']}",
    ])


def render_errors(d: Row) -> str:
    return "\n".join([
        f"last {d['hours']} h: {d['total_run_errors']} failed runs, {d['total_worker_errors']} failed workers, "
        f"{d['groups_total']} error signatures",
        "",
        "by signature:",
        table(d["groups"], [("source", "source"), ("occurrences", "count"), ("first_seen", "first seen"),
                            ("last_seen", "last seen"), ("signature", "signature")]),
        "",
        f"latest failed runs ({len(d['run_errors'])} of {d['total_run_errors']}):",
        table(d["run_errors"], [("id", "run"), ("created_at", "created"), ("trace_id", "trace"), ("error", "error")]),
        "",
        f"latest failed workers ({len(d['worker_errors'])} of {d['total_worker_errors']}):",
        table(d["worker_errors"], [("id", "job"), ("created_at", "created"), ("task_preview", "task"),
                                   ("error", "error")], width=40),
    ])


_PERF_COLS = [("runs", "runs"), ("min_ms", "min"), ("p50_ms", "p50"), ("p95_ms", "p95"),
              ("p99_ms", "p99"), ("max_ms", "max"), ("avg_ms", "avg")]


def render_performance(d: Row) -> str:
    return "\n".join([
        f"run durations (ms) of every run created in the last {d['hours']} h "
        "(percentile_cont; p99 needs 100 runs):",
        table([d["overall"]], [("key", "")] + _PERF_COLS),
        "",
        "per model:",
        table(d["by_model"], [("key", "model")] + _PERF_COLS),
        "",
        "per trigger:",
        table(d["by_trigger"], [("key", "trigger")] + _PERF_COLS),
    ])


def render_stuck(d: Row) -> str:
    titles = {
        "stuck_running": f"running for more than {d['threshold_mins']} min",
        "queued_never_started": f"queued more than {d['threshold_mins']} min ago, never started",
        "orphaned_created": f"left in 'created' for more than {d['orphan_mins']} min",
    }
    out = []
    for cat, title in titles.items():
        c = d["categories"][cat]
        rows = [{**w, "waiting": seconds(w["waiting_s"])} for w in c["workers"]]
        out += [f"{cat}: {c['total']} ({title}; showing {len(rows)})",
                table(rows, [("id", "job"), ("waiting", "waiting"), ("waiting_since", "since"),
                             ("worker_id", "worker"), ("trace_id", "trace"), ("task_preview", "task")], width=40),
                ""]
    return "\n".join(out).rstrip()


def render_runners(d: Row) -> str:
    return "\n".join([
        f"runners: {d['total']} (showing {len(d['runners'])})",
        table(d["runners"], [("id", "id"), ("name", "name"), ("status", "status"),
                             ("last_seen_at", "last seen"), ("owner_id", "owner"), ("capabilities", "capabilities")]),
    ])


def render_queue(d: Row) -> str:
    h = d["health"]
    return "\n".join([
        f"queued {h['queued']} ({h['queued_due']} due, oldest due waiting {seconds(h['oldest_due_age_s'])}), "
        f"running {h['running']} ({h['expired_leases']} with an expired lease), "
        f"awaiting retry {h['awaiting_retry']}, dead in the last 24 h {h['dead_last_day']}",
        f"table: {h['dead_tuples']} dead / {h['live_tuples']} live tuples, last vacuum {fmt(h['last_vacuum'])}",
        f"oldest open transaction: "
        + (f"{seconds(h['oldest_xact_age_s'])} (pid {h['oldest_xact_pid']}, xmin age {h['oldest_xmin_age']})"
           if h["oldest_xact_start"] else "none"),
        "",
        "depth by status:",
        table(d["depth"], [("status", "status"), ("jobs", "jobs"), ("due", "due"),
                           ("oldest_scheduled_for", "oldest scheduled"), ("retried", "retried"),
                           ("max_attempts_used", "max attempts")]),
        "",
        "running with an expired lease:",
        table(d["expired_leases"], [("id", "id"), ("job_id", "job"), ("attempts", "attempt"),
                                    ("lease_owner", "owner"), ("lease_expires_at", "lease expired")]),
        "",
        f"dead in the last {d['hours']} h:",
        table(d["dead"], [("id", "id"), ("job_id", "job"), ("attempts", "attempts"),
                          ("finished_at", "finished"), ("last_error", "last error")], width=50),
    ])


def render_traces(d: Row) -> str:
    rows = [{**t, "duration": None if t["duration_ms"] is None else f"{t['duration_ms'] / 1000:.3f}s"}
            for t in d["traces"]]
    return "\n".join([
        f"recent traces (offset {d['offset']}, {d['count']} shown):",
        table(rows, [("trace_id", "trace"), ("status", "status"), ("started_at", "started"),
                     ("duration", "duration"), ("runs", "runs"), ("workers", "workers"),
                     ("llm_calls", "llm"), ("errors", "errors"), ("model", "model")]),
    ])


# jsonb keeps keys in its own order (by length): show ids first, then what, then texts.
_DETAIL_ORDER = ["run_id", "job_id", "worker_id", "agent_id", "thread_id", "phase", "model", "status", "trigger",
                 "msg_count", "in_tokens", "out_tokens", "total_tokens", "duration_ms", "task", "error",
                 "tool_names", "response_preview"]


def _details(details: dict) -> str:
    keys = sorted(details, key=lambda k: (_DETAIL_ORDER.index(k) if k in _DETAIL_ORDER else len(_DETAIL_ORDER), k))
    return " ".join(f"{k}={fmt(details[k], 80)}" for k in keys if details[k] is not None)


def _offset(ts: datetime | None, start: datetime | None) -> str:
    if ts is None or start is None:
        return ""
    return f"+{(ts - start).total_seconds():.3f}s"


def render_trace(d: Row) -> str:
    start = d["started_at"]
    out = [
        f"trace {d['trace_id']}  status {d['status']}  model {d['model'] or '-'}",
        f"started {fmt(start)}  duration {d['duration_s'] or 0:.3f}s  runs {d['runs']}  "
        f"workers {d['workers']}  llm calls {d['llm_calls']}  events {d['events']}  errors {d['errors']}",
        "",
        f"timeline ({d['level']}, {len(d['timeline'])} of {d['total_events']} events):",
    ]
    for e in d["timeline"]:
        flag = "!" if e["is_error"] else " "
        rel = f"+{e['offset_s']:.3f}s"
        out.append(f" {flag}{rel:>11}  {e['source']:<6}  {e['event_type']:<26}  {_details(e['details'])}")
    if len(d["timeline"]) < d["total_events"]:
        out.append(f"  ... {d['total_events'] - len(d['timeline'])} later events not shown (--max-events, up to 500)")
    out += ["", f"anomalies ({len(d['anomalies'])}):"]
    out += [f"  {_offset(a['ts'], start):>11}  {a['kind']:<20}  {fmt(a['message'], 120)}" for a in d["anomalies"]] \
        or ["  (none)"]
    if "llm_details" in d:
        out += ["", f"LLM calls ({len(d['llm_details'])} of {d['llm_details_total']}):"]
        for c in d["llm_details"]:
            tools = ", ".join(f"{t['name']}({fmt(t['args'], 60)})" for t in c["tool_calls"] or [])
            out.append(f"  {_offset(c['created_at'], start):>11}  #{c['id']} {c['phase'] or '-'} {c['model'] or '-'} "
                       f"in={c['input_tokens']} out={c['output_tokens']} {c['duration_ms']}ms"
                       + (f" error={fmt(c['error'], 80)}" if c["error"] else ""))
            if c["response_preview"]:
                out.append(f"               response: {fmt(c['response_preview'], 200)}")
            if tools:
                out.append(f"               tools: {tools}")
    return "\n".join(out)


RENDERERS: dict[str, Callable[[Row], str]] = {
    "health": render_health, "errors": render_errors, "perf": render_performance, "stuck": render_stuck,
    "runners": render_runners, "queue": render_queue, "traces": render_traces, "trace": render_trace,
}
