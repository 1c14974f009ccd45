"""The dashboards for Python callers and the CLI: each function runs the named queries of
sql/queries/{traces,reliability,queue_health}.sql (which call the SQL functions of
sql/functions/) and returns plain dicts (the CLI renders them: zerg_sql/cli/dash.py).

All computing happens in SQL; this module only groups rows. Every text in them was
redacted by the database (redact_secrets).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping
from uuid import UUID

from . import queries as _loader  # attribute access loads the SQL files on first use

Row = dict[str, Any]


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
