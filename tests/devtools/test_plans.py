"""Plan regression: no hot named query reads a big table with a sequential scan.

The hot queries are the named queries of sql/queries that touch the big tables (agent_runs,
agent_run_events, thread_messages, worker_jobs, llm_audit_log) or are dashboards (traces,
reliability): every such query that exists, found by reading the files, so new queries
are checked without editing this test. The database is seeded at scale 0.05 (about
230,000 rows) and ANALYZEd; parameters are realistic values taken from the seeded data
through the named queries themselves. tests/devtools/test_schema.py checks the §4 patterns of
tests/sql/patterns.sql; this checks the real queries. Writes are only EXPLAINed (never run).
Not covered: sql/queries/retention.sql (maintenance; counting most of a table may scan it)
and INSERT ... VALUES statements (they read no table).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from psycopg.types.json import Jsonb

from tests.conftest import test_env_for

from zerg_sql.config import SQL_DIR
from zerg_sql.db import connect
from zerg_sql.queries import queries
from zerg_sql.devtools.seed import seed

BIG_TABLES = {"agent_runs", "agent_run_events", "thread_messages", "worker_jobs", "llm_audit_log"}
DASHBOARD_FILES = {"traces.sql", "reliability.sql"}
NOT_HOT_FILES = {"retention.sql"}
# Maintenance reports that count every row of a window of a big table with no index on that
# window, each with why that is acceptable.
NOT_HOT_QUERIES = {
    # make trace-coverage, by hand: agent_run_events has no created_at index, and one would
    # cost every event insert for a report run now and then.
    "list_trace_coverage_events",
}
NAME_LINE = re.compile(r"^-- name: (\w+)\(([^)]*)\)(\S*)", re.M)
# plpgsql functions that run an inlinable function through a plan made once per session
# (sql/functions/traces.sql): what they plan is the function they run, so that is what is checked.
PLANNED_ONCE = {"trace_summary": "trace_summary_rows", "trace_timeline": "trace_timeline_rows",
                "trace_anomalies": "trace_anomalies_rows", "trace_llm_details": "trace_llm_details_rows"}
OUR_FUNCTIONS = {m.lower() for f in [*(SQL_DIR / "migrations").glob("*.sql"), *(SQL_DIR / "functions").glob("*.sql")]
                 if not f.name.endswith(".rollback.sql")
                 for m in re.findall(r"CREATE (?:OR REPLACE )?FUNCTION (\w+)", f.read_text(), re.I)}


def hot_queries() -> list[str]:
    names = []
    for path in sorted((SQL_DIR / "queries").glob("*.sql")):
        if path.name in NOT_HOT_FILES:
            continue
        for name, _params, op in NAME_LINE.findall(path.read_text()):
            if name in NOT_HOT_QUERIES:
                continue
            text = getattr(queries, name).sql.lower()
            if op == "#" or (text.lstrip().startswith("insert") and "select" not in text):
                continue
            if path.name in DASHBOARD_FILES or any(re.search(rf"\b{t}\b", text) for t in BIG_TABLES):
                names.append(name)
    return names


def as_planned(sql: str) -> str:
    for outer, inner in PLANNED_ONCE.items():
        sql = re.sub(rf"\b{outer}\(", f"{inner}(", sql)
    return sql


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


@pytest.fixture(scope="module")
def seeded_url(pg, template_db):
    name = f"plans_{uuid.uuid4().hex[:10]}"
    url = pg.create_database(name, template=template_db)
    seed(test_env_for(url), 0.05, out=lambda _: None)  # ANALYZEs what it loaded
    yield url
    pg.drop_database(name)


@pytest.fixture(scope="module")
def values(seeded_url) -> dict:
    """A realistic value for every parameter name the hot queries use, from the seeded data."""
    now = datetime.now(timezone.utc)
    with connect(seeded_url, search_path=("zerg", "public")) as conn:
        # A recent trace with workers: its run, agent, thread, owner, jobs and messages.
        trace = next(t for t in queries.list_recent_traces(conn, max_rows=100, skip=0) if t["workers"] > 0)
        run = queries.get_run(conn, run_id=trace["first_run_id"])
        agent = queries.get_agent(conn, agent_id=run["agent_id"])
        job = list(queries.list_worker_jobs_by_run(conn, supervisor_run_id=run["id"]))[0]
        messages = list(queries.list_thread_messages(conn, thread_id=run["thread_id"], include_internal=True,
                                                     after_id=0, limit_rows=10))
        conn.rollback()
    assert messages, "the seeded thread has messages"
    return {
        "run_id": run["id"], "supervisor_run_id": run["id"], "continuation_of_run_id": run["id"],
        "agent_id": run["agent_id"], "thread_id": run["thread_id"], "owner_id": agent["owner_id"],
        "trace_id": trace["trace_id"], "job_id": job["id"], "tool_call_id": job["tool_call_id"],
        "worker_id": job["worker_id"] or "worker-1", "message_id": messages[0]["id"],
        "message_ids": [m["id"] for m in messages], "after_id": 0, "after_sent_at": now - timedelta(days=30),
        "limit_rows": 50, "max_rows": 50, "max_events": 100, "offset_rows": 20, "skip": 0, "batch": 5,
        "hours": 24, "window_minutes": 60, "threshold_mins": 10, "orphan_mins": 5, "slow_ms": 60000,
        "high_errors": 10, "some_errors": 5, "as_of": None, "since": now - timedelta(hours=1),
        "older_than_seconds": 300, "level": "summary", "include_internal": False,
        "event_type": "worker_spawned", "exclude_type": "supervisor_token",
        "event_types": ["worker_spawned", "worker_started", "worker_complete", "supervisor_complete"],
        "status": "failed", "from_status": "waiting", "to_status": "running", "pattern": "marker",
        "cancel_reason": "bench", "error": "boom", "summary": "done", "model": "gpt-5.2", "task": "t",
        "reasoning_effort": "low", "total_tokens": 10, "total_cost_usd": 0.01,
        # users, usage, agents, threads (issue 18)
        "user_id": agent["owner_id"], "window_days": 7, "start_at": now - timedelta(days=7), "end_at": now, "include_global": True,
        "is_active": None, "sort": "cost_today", "descending": True, "last_error": "recovered",
        "sent_at": None, "processed": None, "parent_id": None, "message_metadata": None,
        "messages": Jsonb([{"role": "assistant", "content": "c"}]),
    }


# Queries that read a whole window of a big table by design, each with why.
WHOLE_WINDOW = {
    # The admin usage list sorts every user by cost over 30 days (as Zerg's): it aggregates
    # every run of the window, and at this test's scale the window is the whole table.
    "list_users_with_usage": ["agent_runs"],
}


def test_the_hot_queries_are_found():
    names = hot_queries()
    assert len(names) >= 40
    for expected in ("get_run", "list_thread_messages", "list_run_events_after", "list_llm_audit_by_trace",
                     "claim_worker_jobs", "list_recent_traces", "list_reliability_errors"):
        assert expected in names


def test_no_hot_query_scans_a_big_table(seeded_url, values):
    scanned, hidden, missing = {}, {}, {}
    with connect(seeded_url, search_path=("zerg", "public")) as conn:
        for name in hot_queries():
            query = getattr(queries, name)
            params = [p for p in query.__signature__.parameters if p != "conn"]
            unknown = [p for p in params if p not in values]
            if unknown:
                missing[name] = unknown
                continue
            # EXPLAIN can only wrap the statement's own text; the values still travel as
            # parameters. Without ANALYZE nothing runs, and the transaction is rolled back.
            plan = conn.execute("EXPLAIN (FORMAT JSON) " + as_planned(query.sql),
                                {p: values[p] for p in params}).fetchone()["QUERY PLAN"][0]["Plan"]
            conn.rollback()
            nodes = list(plan_nodes(plan))
            seq = {n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"} & BIG_TABLES
            opaque = {n.get("Function Name") for n in nodes if n["Node Type"] == "Function Scan"} & OUR_FUNCTIONS
            if seq and WHOLE_WINDOW.get(name) != sorted(seq):
                scanned[name] = sorted(seq)
            if opaque:
                hidden[name] = sorted(opaque)
    assert missing == {}, "add realistic values for these parameters"
    assert hidden == {}, "these functions are not inlined, so their plans cannot be checked"
    assert scanned == {}


# Generic plans that scan only at this test's small scale, each with what happens at scale.
GENERIC_SMALL_SCALE_ONLY = {
    # 5,000 runs / 150 agents: sorting them all is cheapest. From scale 1 (100,000 runs) the
    # generic plan goes owner -> agents_owner_id_idx -> agent_runs_agent_id_id_idx (bench plans).
    "list_runs_by_owner": ["agent_runs"],
}


def test_no_generic_plan_scans_a_big_table(seeded_url):
    """psycopg prepares a statement after 5 executions and PostgreSQL may then keep one
    generic plan for all parameter values: those plans must not scan a big table either."""
    scanned = {}
    with connect(seeded_url, search_path=("zerg", "public")) as conn:
        if conn.info.server_version < 160000:
            pytest.skip("EXPLAIN (GENERIC_PLAN) needs PostgreSQL 16")
        for name in hot_queries():
            order: list[str] = []

            def placeholder(m: re.Match) -> str:
                if m.group(1) not in order:
                    order.append(m.group(1))
                return f"${order.index(m.group(1)) + 1}"

            # The statement as the server prepares it: aiosql's %(name)s placeholders -> $n.
            statement = re.sub(r"%\((\w+)\)s", placeholder, as_planned(getattr(queries, name).sql))
            plan = conn.execute("EXPLAIN (GENERIC_PLAN, FORMAT JSON) " + statement).fetchone()["QUERY PLAN"][0]["Plan"]
            conn.rollback()
            seq = {n["Relation Name"] for n in plan_nodes(plan) if n["Node Type"] == "Seq Scan"} & BIG_TABLES
            if seq and sorted(seq) not in (GENERIC_SMALL_SCALE_ONLY.get(name), WHOLE_WINDOW.get(name)):
                scanned[name] = sorted(seq)
    assert scanned == {}


# List queries of the small per-user tables, which the seed leaves empty: with sequential
# scans disabled the planner must still find a plan without one, i.e. an index serves the
# query's filter. Not here: whole-table reads of small tables by design
# (list_connectors_by_provider: every Gmail connector; list_knowledge_sources_due_for_sync;
# the public template gallery), which read them in primary-key order.
SMALL_TABLE_LISTS = {
    "list_connectors": {"owner_id": 1, "type": "email", "provider": None},
    "list_workflows": {"owner_id": 1, "name": None, "skip": 0, "limit_rows": 20},
    "list_workflow_templates": {"user_id": 1, "mine_only": True, "category": None, "skip": 0, "limit_rows": 20},
    "list_workflow_template_categories": {},
    "get_waiting_workflow_execution": {"workflow_id": 1},
    "list_knowledge_sources": {"owner_id": 1, "skip": 0, "limit_rows": 20},
    "list_knowledge_documents": {"owner_id": 1, "source_id": None, "skip": 0, "limit_rows": 20},
    "list_knowledge_documents_after": {"owner_id": 1, "source_id": 1, "after_id": 0, "limit_rows": 500},
    "search_knowledge_documents": {"owner_id": 1, "pattern": "x", "limit_rows": 3},
    "list_memory_kv": {"user_id": 1, "tags": ["a"], "limit_rows": 100},
    "list_memory_files_by_ids": {"owner_id": 1, "ids": [1, 2]},
    "list_memory_files": {"owner_id": 1, "path_pattern": "notes/", "skip": 0, "limit_rows": 100},
    "search_memory_files": {"owner_id": 1, "pattern": "x", "tags": None, "limit_rows": 10},
    "list_memory_embeddings": {"owner_id": 1, "model": None},
    "list_user_tasks": {"user_id": 1, "status": None, "skip": 0, "limit_rows": 100},
    "list_sync_operations_from": {"user_id": 1, "skip": 0, "limit_rows": None},
}


def test_small_table_list_queries_have_an_index(fresh_db_url):
    scanned = {}
    with connect(fresh_db_url, search_path=("zerg", "public")) as conn:
        conn.execute("SET enable_seqscan = off")
        for name, params in SMALL_TABLE_LISTS.items():
            plan = conn.execute("EXPLAIN (FORMAT JSON) " + getattr(queries, name).sql,
                                params).fetchone()["QUERY PLAN"][0]["Plan"]
            seq = sorted(n["Relation Name"] for n in plan_nodes(plan) if n["Node Type"] == "Seq Scan")
            if seq:
                scanned[name] = seq
        conn.rollback()
    assert scanned == {}
