"""The dashboards' data (zerg_sql.dashboards) as terminal text, for `zerg-sql dash`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable

from .output import cell, table

Row = dict[str, Any]


def _table(rows: Iterable[Row], columns: list[tuple[str, str]], width: int = 60) -> str:
    return table(rows, columns, width=width, indent="  ")


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
        f"status: {d['status'].upper()}   (checked {cell(d['checked_at'])})",
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
        _table(d["groups"], [("source", "source"), ("occurrences", "count"), ("first_seen", "first seen"),
                            ("last_seen", "last seen"), ("signature", "signature")]),
        "",
        f"latest failed runs ({len(d['run_errors'])} of {d['total_run_errors']}):",
        _table(d["run_errors"], [("id", "run"), ("created_at", "created"), ("trace_id", "trace"), ("error", "error")]),
        "",
        f"latest failed workers ({len(d['worker_errors'])} of {d['total_worker_errors']}):",
        _table(d["worker_errors"], [("id", "job"), ("created_at", "created"), ("task_preview", "task"),
                                   ("error", "error")], width=40),
    ])


_PERF_COLS = [("runs", "runs"), ("min_ms", "min"), ("p50_ms", "p50"), ("p95_ms", "p95"),
              ("p99_ms", "p99"), ("max_ms", "max"), ("avg_ms", "avg")]


def render_performance(d: Row) -> str:
    return "\n".join([
        f"run durations (ms) of every run created in the last {d['hours']} h "
        "(percentile_cont; p99 needs 100 runs):",
        _table([d["overall"]], [("key", "")] + _PERF_COLS),
        "",
        "per model:",
        _table(d["by_model"], [("key", "model")] + _PERF_COLS),
        "",
        "per trigger:",
        _table(d["by_trigger"], [("key", "trigger")] + _PERF_COLS),
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
                _table(rows, [("id", "job"), ("waiting", "waiting"), ("waiting_since", "since"),
                             ("worker_id", "worker"), ("trace_id", "trace"), ("task_preview", "task")], width=40),
                ""]
    return "\n".join(out).rstrip()


def render_runners(d: Row) -> str:
    return "\n".join([
        f"runners: {d['total']} (showing {len(d['runners'])})",
        _table(d["runners"], [("id", "id"), ("name", "name"), ("status", "status"),
                             ("last_seen_at", "last seen"), ("owner_id", "owner"), ("capabilities", "capabilities")]),
    ])


def render_queue(d: Row) -> str:
    h = d["health"]
    return "\n".join([
        f"queued {h['queued']} ({h['queued_due']} due, oldest due waiting {seconds(h['oldest_due_age_s'])}), "
        f"running {h['running']} ({h['expired_leases']} with an expired lease), "
        f"awaiting retry {h['awaiting_retry']}, dead in the last 24 h {h['dead_last_day']}",
        f"table: {h['dead_tuples']} dead / {h['live_tuples']} live tuples, last vacuum {cell(h['last_vacuum'])}",
        f"oldest open transaction: "
        + (f"{seconds(h['oldest_xact_age_s'])} (pid {h['oldest_xact_pid']}, xmin age {h['oldest_xmin_age']})"
           if h["oldest_xact_start"] else "none"),
        "",
        "depth by status:",
        _table(d["depth"], [("status", "status"), ("jobs", "jobs"), ("due", "due"),
                           ("oldest_scheduled_for", "oldest scheduled"), ("retried", "retried"),
                           ("max_attempts_used", "max attempts")]),
        "",
        "running with an expired lease:",
        _table(d["expired_leases"], [("id", "id"), ("job_id", "job"), ("attempts", "attempt"),
                                    ("lease_owner", "owner"), ("lease_expires_at", "lease expired")]),
        "",
        f"dead in the last {d['hours']} h:",
        _table(d["dead"], [("id", "id"), ("job_id", "job"), ("attempts", "attempts"),
                          ("finished_at", "finished"), ("last_error", "last error")], width=50),
    ])


def render_traces(d: Row) -> str:
    rows = [{**t, "duration": None if t["duration_ms"] is None else f"{t['duration_ms'] / 1000:.3f}s"}
            for t in d["traces"]]
    return "\n".join([
        f"recent traces (offset {d['offset']}, {d['count']} shown):",
        _table(rows, [("trace_id", "trace"), ("status", "status"), ("started_at", "started"),
                     ("duration", "duration"), ("runs", "runs"), ("workers", "workers"),
                     ("llm_calls", "llm"), ("errors", "errors"), ("model", "model")]),
    ])


# jsonb keeps keys in its own order (by length): show ids first, then what, then texts.
_DETAIL_ORDER = ["run_id", "job_id", "worker_id", "agent_id", "thread_id", "phase", "model", "status", "trigger",
                 "msg_count", "in_tokens", "out_tokens", "total_tokens", "duration_ms", "task", "error",
                 "tool_names", "response_preview"]


def _details(details: dict) -> str:
    keys = sorted(details, key=lambda k: (_DETAIL_ORDER.index(k) if k in _DETAIL_ORDER else len(_DETAIL_ORDER), k))
    return " ".join(f"{k}={cell(details[k], 80)}" for k in keys if details[k] is not None)


def _offset(ts: datetime | None, start: datetime | None) -> str:
    if ts is None or start is None:
        return ""
    return f"+{(ts - start).total_seconds():.3f}s"


def render_trace(d: Row) -> str:
    start = d["started_at"]
    out = [
        f"trace {d['trace_id']}  status {d['status']}  model {d['model'] or '-'}",
        f"started {cell(start)}  duration {d['duration_s'] or 0:.3f}s  runs {d['runs']}  "
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
    out += [f"  {_offset(a['ts'], start):>11}  {a['kind']:<20}  {cell(a['message'], 120)}" for a in d["anomalies"]] \
        or ["  (none)"]
    if "llm_details" in d:
        out += ["", f"LLM calls ({len(d['llm_details'])} of {d['llm_details_total']}):"]
        for c in d["llm_details"]:
            tools = ", ".join(f"{t['name']}({cell(t['args'], 60)})" for t in c["tool_calls"] or [])
            out.append(f"  {_offset(c['created_at'], start):>11}  #{c['id']} {c['phase'] or '-'} {c['model'] or '-'} "
                       f"in={c['input_tokens']} out={c['output_tokens']} {c['duration_ms']}ms"
                       + (f" error={cell(c['error'], 80)}" if c["error"] else ""))
            if c["response_preview"]:
                out.append(f"               response: {cell(c['response_preview'], 200)}")
            if tools:
                out.append(f"               tools: {tools}")
    return "\n".join(out)


RENDERERS: dict[str, Callable[[Row], str]] = {
    "health": render_health, "errors": render_errors, "perf": render_performance, "stuck": render_stuck,
    "runners": render_runners, "queue": render_queue, "traces": render_traces, "trace": render_trace,
}
