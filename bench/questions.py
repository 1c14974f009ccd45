"""The questions the benchmarks ask of both schemas: each pairs our named queries (sql/queries)
with the queries Zerg ran for the same page or service call (bench/sql/legacy_queries.sql).

A question's parameters come from a sample row (a random run with its agent, thread, owner
and trace; see bench_sample_runs) and the repetition number, so every repetition asks about
a different run / thread / agent and a different window, identically on both sides.
Time windows end at the sample's "as_of", the dataset's own now (its newest run), on both
sides, so an older dataset still has its last hour. A side is a list of (query name, parameters): a page that Zerg built from three queries is
timed as those three queries. `rollback`: a write, timed inside a transaction rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from . import zerg_python

Params = Callable[[dict, int], dict]
HISTORY_TYPES = ["supervisor_started", "supervisor_tool_started", "supervisor_tool_completed", "supervisor_complete",
                 "worker_spawned", "worker_started", "worker_complete", "worker_failed"]


@dataclass
class Question:
    name: str
    kind: str  # dashboard | service
    ours: list[tuple[str, Params]]
    legacy: list[tuple[str, Params]] = field(default_factory=list)
    rollback: bool = False
    recent: bool = False  # sample from recent runs (dashboards look at the last day)
    note: str = ""
    # What Zerg then did in Python with the legacy rows (bench/zerg_python.py), timed with them.
    legacy_post: Callable[[list[list[dict]]], object] | None = None


def pick(values: list, i: int):
    return values[i % len(values)]



QUESTIONS: list[Question] = [
    # ------------------------------------------------------------------ dashboards (§3)
    Question("traces: recent list", "dashboard",
             [("list_recent_traces", lambda s, i: {"max_rows": 20, "skip": pick([0, 20, 40, 100], i)})],
             [("legacy_list_traces", lambda s, i: {"max_rows": 20, "skip": pick([0, 20, 40, 100], i)})]),
    Question("traces: one trace (summary level)", "dashboard",
             [("get_trace_summary", lambda s, i: {"trace_id": s["trace_id"]}),
              ("list_trace_timeline", lambda s, i: {"trace_id": s["trace_id"], "level": "summary", "max_events": 100}),
              ("list_trace_anomalies", lambda s, i: {"trace_id": s["trace_id"], "slow_ms": 60000})],
             [("legacy_trace_runs", lambda s, i: {"trace_id": s["trace_id"], "max_rows": 100}),
              ("legacy_trace_workers", lambda s, i: {"trace_id": s["trace_id"], "max_rows": 100}),
              ("legacy_trace_llm", lambda s, i: {"trace_id": s["trace_id"], "max_rows": 100})],
             recent=True, legacy_post=zerg_python.trace_page,
             note="ours: summary + timeline + anomalies in SQL; Zerg: its three queries + timeline, anomalies and redaction in Python"),
    Question("traces: one trace (full level)", "dashboard",
             [("get_trace_summary", lambda s, i: {"trace_id": s["trace_id"]}),
              ("list_trace_timeline", lambda s, i: {"trace_id": s["trace_id"], "level": "full", "max_events": 100}),
              ("list_trace_anomalies", lambda s, i: {"trace_id": s["trace_id"], "slow_ms": 60000}),
              ("list_trace_llm_details", lambda s, i: {"trace_id": s["trace_id"], "max_rows": 100})],
             [("legacy_trace_runs", lambda s, i: {"trace_id": s["trace_id"], "max_rows": 100}),
              ("legacy_trace_workers", lambda s, i: {"trace_id": s["trace_id"], "max_rows": 100}),
              ("legacy_trace_llm", lambda s, i: {"trace_id": s["trace_id"], "max_rows": 100})],
             recent=True, legacy_post=lambda rows: zerg_python.trace_page(rows, level="full")),
    Question("reliability: system health", "dashboard",
             [("get_reliability_health", lambda s, i: {"high_errors": 10, "some_errors": 5, "window_minutes": 60,
                                                       "as_of": s["as_of"]})],
             [("legacy_runner_status_counts", lambda s, i: {}),
              ("legacy_count_run_errors", lambda s, i: {"minutes": 60, "as_of": s["as_of"]}),
              ("legacy_count_worker_errors", lambda s, i: {"minutes": 60, "as_of": s["as_of"]})]),
    # The windowed pages, at the default window (24 h) and the longest one allowed (168 h):
    # their cost grows with the rows of the window, so one p95 over a mix would hide which.
    *[q for hours in (24, 168) for q in (
        Question(f"reliability: errors ({hours} h)", "dashboard",
                 [("list_reliability_errors", lambda s, i, h=hours: {"hours": h, "max_rows": 50, "as_of": s["as_of"]})],
                 [("legacy_run_errors", lambda s, i, h=hours: {"hours": h, "max_rows": 50, "as_of": s["as_of"]}),
                  ("legacy_worker_errors", lambda s, i, h=hours: {"hours": h, "max_rows": 50, "as_of": s["as_of"]})],
                 legacy_post=zerg_python.errors_page,
                 note="ours also counts the true totals; Zerg redacted in Python"),
        Question(f"reliability: error groups ({hours} h)", "dashboard",
                 [("list_reliability_error_groups",
                   lambda s, i, h=hours: {"hours": h, "max_rows": 50, "as_of": s["as_of"]})],
                 note="new: Zerg had no grouping"),
        Question(f"reliability: performance ({hours} h)", "dashboard",
                 [("list_reliability_performance", lambda s, i, h=hours: {"hours": h, "as_of": s["as_of"]})],
                 [("legacy_run_durations", lambda s, i, h=hours: {"hours": h, "as_of": s["as_of"]})],
                 legacy_post=zerg_python.performance_page,
                 note="ours: percentiles in SQL over every run of the window; Zerg: 10,000 durations sorted in Python"),
    )],
    Question("reliability: stuck workers", "dashboard",
             [("list_reliability_stuck_workers", lambda s, i: {"threshold_mins": pick([10, 30, 60], i), "max_rows": 50,
                                                               "orphan_mins": 5, "as_of": s["as_of"]})],
             [("legacy_stuck_workers", lambda s, i: {"threshold_mins": pick([10, 30, 60], i), "as_of": s["as_of"]})],
             note="ours also lists queued-never-started and orphaned jobs, with totals"),
    Question("reliability: runners", "dashboard",
             [("list_reliability_runners", lambda s, i: {"max_rows": 100})],
             [("legacy_list_runners", lambda s, i: {})]),
    Question("queue: health", "dashboard", [("get_queue_health", lambda s, i: {"as_of": s["as_of"]})],
             note="ops.job_queue: no Zerg dashboard"),
    Question("queue: depth", "dashboard", [("list_queue_depth", lambda s, i: {"as_of": s["as_of"]})]),
    Question("queue: problem jobs", "dashboard",
             [("list_queue_problem_jobs", lambda s, i: {"hours": 24, "max_rows": 50, "as_of": s["as_of"]})]),
    # ------------------------------------------------------------------ hot service queries (§4)
    Question("runs: get by id", "service",
             [("get_run", lambda s, i: {"run_id": s["run_id"]})],
             [("legacy_get_run", lambda s, i: {"run_id": s["run_id"]})]),
    Question("runs: by agent, newest 50", "service",
             [("list_runs_by_agent", lambda s, i: {"agent_id": s["agent_id"], "limit_rows": 50})],
             [("legacy_runs_by_agent", lambda s, i: {"agent_id": s["agent_id"], "limit_rows": 50})]),
    Question("runs: by owner, newest 50", "service",
             [("list_runs_by_owner", lambda s, i: {"owner_id": s["owner_id"], "agent_id": None, "limit_rows": 50})],
             [("legacy_runs_by_owner", lambda s, i: {"owner_id": s["owner_id"], "limit_rows": 50})]),
    Question("runs: active run of an agent", "service",
             [("get_active_run", lambda s, i: {"agent_id": s["agent_id"]})],
             [("legacy_active_run_status", lambda s, i: {"agent_id": s["agent_id"], "status": "RUNNING"}),
              ("legacy_active_run_status", lambda s, i: {"agent_id": s["agent_id"], "status": "WAITING"}),
              ("legacy_active_run_deferred", lambda s, i: {"agent_id": s["agent_id"]})],
             note="Zerg: up to three queries (running, waiting, deferred); timed when none is found"),
    Question("runs: latest of a thread", "service",
             [("get_latest_thread_run", lambda s, i: {"thread_id": s["thread_id"]})],
             [("legacy_latest_thread_run", lambda s, i: {"thread_id": s["thread_id"]})]),
    Question("runs: unfinished (startup recovery)", "service",
             [("list_unfinished_runs", lambda s, i: {})],
             [("legacy_unfinished_runs", lambda s, i: {})]),
    Question("threads: message page (50)", "service",
             [("list_thread_messages", lambda s, i: {"thread_id": s["thread_id"], "include_internal": False,
                                                     "after_id": 0, "limit_rows": 50})],
             [("legacy_thread_page", lambda s, i: {"thread_id": s["thread_id"], "offset_rows": 0, "limit_rows": 50})]),
    Question("threads: chat history page + count", "service",
             [("list_chat_history", lambda s, i: {"thread_id": s["thread_id"], "offset_rows": pick([0, 20], i),
                                                  "limit_rows": 20}),
              ("count_chat_history", lambda s, i: {"thread_id": s["thread_id"]})],
             [("legacy_chat_history", lambda s, i: {"thread_id": s["thread_id"], "offset_rows": pick([0, 20], i),
                                                    "limit_rows": 20}),
              ("legacy_count_chat_history", lambda s, i: {"thread_id": s["thread_id"]})]),
    Question("threads: unprocessed messages", "service",
             [("list_unprocessed_messages", lambda s, i: {"thread_id": s["thread_id"]})],
             [("legacy_unprocessed_messages", lambda s, i: {"thread_id": s["thread_id"]})]),
    Question("threads: last user message", "service",
             [("get_last_user_message", lambda s, i: {"thread_id": s["thread_id"]})],
             [("legacy_last_user_message", lambda s, i: {"thread_id": s["thread_id"]})]),
    Question("events: SSE replay of a run", "service",
             [("list_run_events_after", lambda s, i: {"run_id": s["run_id"], "after_id": 0,
                                                      "exclude_type": "supervisor_token"})],
             [("legacy_run_events_after", lambda s, i: {"run_id": s["run_id"], "after_id": 0})]),
    Question("events: history of an agent", "service",
             [("list_agent_history_events", lambda s, i: {"agent_id": s["agent_id"], "event_types": HISTORY_TYPES})],
             [("legacy_agent_history_events", lambda s, i: {"agent_id": s["agent_id"], "event_types": HISTORY_TYPES})]),
    Question("workers: jobs of a run", "service",
             [("list_worker_jobs_by_run", lambda s, i: {"supervisor_run_id": s["run_id"]})],
             [("legacy_worker_jobs_by_run", lambda s, i: {"supervisor_run_id": s["run_id"]})]),
    Question("workers: recent jobs of a user", "service",
             [("list_recent_worker_jobs", lambda s, i: {"owner_id": s["owner_id"], "since": s["as_of"] - timedelta(minutes=30),
                                                        "limit_rows": 20})],
             [("legacy_recent_worker_jobs", lambda s, i: {"owner_id": s["owner_id"], "minutes": 30, "limit_rows": 20, "as_of": s["as_of"]})]),
    Question("workers: active jobs of a user", "service",
             [("list_active_worker_jobs", lambda s, i: {"owner_id": s["owner_id"], "limit_rows": 20})],
             [("legacy_active_worker_jobs", lambda s, i: {"owner_id": s["owner_id"], "limit_rows": 20})]),
    Question("workers: poller claims 5", "service",
             [("claim_worker_jobs", lambda s, i: {"worker_id": "bench", "batch": 5})],
             [("legacy_queued_worker_jobs", lambda s, i: {"max_rows": 5})],
             rollback=True, note="ours: the atomic claim (UPDATE, rolled back); Zerg: its SELECT only"),
    Question("workers: running jobs (recovery)", "service",
             [("list_running_worker_jobs", lambda s, i: {})],
             [("legacy_running_worker_jobs", lambda s, i: {})]),
    Question("quota: check before a run start", "service",
             [("get_run_quota", lambda s, i: {"user_id": s["owner_id"], "include_global": True, "as_of": s["as_of"]})],
             [("legacy_quota_runs_today", lambda s, i: {"owner_id": s["owner_id"], "as_of": s["as_of"]}),
              ("legacy_quota_user_cost_today", lambda s, i: {"owner_id": s["owner_id"], "as_of": s["as_of"]}),
              ("legacy_quota_global_cost_today", lambda s, i: {"as_of": s["as_of"]})],
             note="runs today, the user's and the global cost today (global budget set: the worst case); "
                  "ours one statement, Zerg three"),
    *[Question(f"usage: one user's detail ({hours} h)", "service",
               [("get_user_usage", lambda s, i, h=hours: {"user_id": s["owner_id"],
                                                          "start_at": s["as_of"] - timedelta(hours=h), "end_at": s["as_of"]}),
                ("list_user_usage_daily", lambda s, i, h=hours: {"user_id": s["owner_id"],
                                                                 "start_at": s["as_of"] - timedelta(hours=h),
                                                                 "end_at": s["as_of"]}),
                ("list_user_top_agents", lambda s, i, h=hours: {"user_id": s["owner_id"],
                                                                "start_at": s["as_of"] - timedelta(hours=h),
                                                                "end_at": s["as_of"], "limit_rows": 10})],
               [("legacy_user_usage_range", lambda s, i, h=hours: {"owner_id": s["owner_id"], "hours": h, "as_of": s["as_of"]}),
                ("legacy_user_usage_daily", lambda s, i, h=hours: {"owner_id": s["owner_id"], "hours": h, "as_of": s["as_of"]}),
                ("legacy_user_top_agents", lambda s, i, h=hours: {"owner_id": s["owner_id"], "hours": h, "as_of": s["as_of"]})],
               note="summary + daily breakdown + top agents of the window")
      for hours in (24, 168)],
    Question("llm audit: calls of a trace", "service",
             [("list_llm_audit_by_trace", lambda s, i: {"trace_id": s["trace_id"], "limit_rows": 100})],
             [("legacy_llm_by_trace", lambda s, i: {"trace_id": s["trace_id"], "limit_rows": 100})]),
    Question("llm audit: calls of a run", "service",
             [("list_llm_audit_by_run", lambda s, i: {"run_id": s["run_id"], "worker_id": None, "since": None,
                                                      "limit_rows": 1000})],
             [("legacy_llm_by_run", lambda s, i: {"run_id": s["run_id"]})]),
    Question("llm audit: coverage count (24 h)", "service",
             [("count_llm_audit_since", lambda s, i: {"since": s["as_of"] - timedelta(hours=24)})],
             [("legacy_llm_coverage", lambda s, i: {"hours": 24, "as_of": s["as_of"]})]),
    # ------------------------------------------------------------------ /api/ops (issue 18, D08-D10)
    # Windows are UTC days ending with the dataset's last day (window_days 1 = 24 h, 7 = 168 h);
    # the target is p95 <= 50 ms at S=10. No legacy side: Zerg loaded the rows into Python.
    Question("ops: summary (24 h)", "dashboard",
             [("get_ops_summary", lambda s, i: {"user_id": s["owner_id"], "window_days": 1, "as_of": s["as_of"]})],
             recent=True),
    Question("ops: time series (24 h)", "dashboard",
             [("list_ops_timeseries", lambda s, i: {"window_days": 1, "as_of": s["as_of"]})], recent=True),
    Question("ops: top agents (24 h)", "dashboard",
             [("list_ops_top_agents", lambda s, i: {"window_days": 1, "limit_rows": 5, "as_of": s["as_of"]})],
             recent=True),
    Question("ops: active users (24 h)", "dashboard",
             [("count_ops_active_users", lambda s, i: {"as_of": s["as_of"]})], recent=True),
    Question("ops: summary (168 h)", "dashboard",
             [("get_ops_summary", lambda s, i: {"user_id": s["owner_id"], "window_days": 7, "as_of": s["as_of"]})],
             recent=True),
    Question("ops: time series (168 h)", "dashboard",
             [("list_ops_timeseries", lambda s, i: {"window_days": 7, "as_of": s["as_of"]})], recent=True),
    Question("ops: top agents (168 h)", "dashboard",
             [("list_ops_top_agents", lambda s, i: {"window_days": 7, "limit_rows": 5, "as_of": s["as_of"]})],
             recent=True),]
