"""The zerg schema: matches sql/schema.sql, constraints bite, deletes cascade as chosen, plans use
indexes, and the generated files (sql/schema.sql, docs/schema.md) agree with the migrations."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.conftest import test_env_for
from tests.helpers import enum_checks, on_delete, schema_tables
from zerg_sql.devtools.devserver import pg_binary
from zerg_sql.queries import internal, load_sql
from zerg_sql.devtools.schema_docs import SCHEMA_MD, render_docs
from zerg_sql.devtools.schema_dump import SCHEMA_SQL, dump_schema
from zerg_sql.devtools.seed import seed

BIG_TABLES = {"agent_runs", "agent_run_events", "thread_messages", "worker_jobs", "llm_audit_log"}
PATTERNS = load_sql(Path(__file__).parents[1] / "sql" / "patterns.sql")


def test_every_table_and_column_of_schema_sql_exists_with_its_type_and_nullability(db):
    rows = db.execute("""
        SELECT c.relname AS t, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'zerg' AND c.relkind = 'r' AND c.relname !~ '^_'
    """).fetchall()
    live: dict[str, dict[str, tuple[str, bool]]] = {}
    for r in rows:
        live.setdefault(r["t"], {})[r["col"]] = (r["type"], r["nullable"])
    tables = schema_tables()
    assert len(tables) == 31
    assert set(live) == set(tables)
    for table, columns in tables.items():
        assert live[table] == columns, table


def test_enum_checks_and_on_delete_rules_are_the_intended_ones(db):
    checks = {(r["t"], r["def"]) for r in db.execute("""
        SELECT c.relname AS t, pg_get_constraintdef(k.oid) AS def FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'zerg' AND k.contype = 'c'""")}
    assert len(enum_checks()) == 23
    for (table, column), allowed in enum_checks().items():
        defs = [d for t, d in checks if t == table and f"({column} = ANY" in d]
        assert len(defs) == 1, (table, column)
        assert {v for v in allowed if f"'{v}'::text" in defs[0]} == set(allowed), (table, column, defs[0])
    fks = {(r["table_name"], r["columns"]): r["on_delete"] for r in internal.list_foreign_keys(db, schema="zerg")}
    assert fks == on_delete() and len(fks) == 40


def _user(db, email="a@example.test") -> int:
    return db.execute("INSERT INTO users (email) VALUES (%s) RETURNING id", (email,)).fetchone()["id"]


def _agent(db, owner: int) -> int:
    return db.execute("""INSERT INTO agents (name, system_instructions, task_instructions, model, owner_id)
                         VALUES ('a', 's', 't', 'gpt-5.2', %s) RETURNING id""", (owner,)).fetchone()["id"]


def test_constraints_reject_bad_rows_with_the_database_error(db):
    owner = _user(db)
    agent = _agent(db, owner)
    db.commit()
    bad = [
        ("INSERT INTO agents (name, system_instructions, task_instructions, model, owner_id, status) "
         "VALUES ('x', 's', 't', 'm', %s, 'IDLE')", (owner,), psycopg.errors.CheckViolation),
        ("INSERT INTO users (email, role) VALUES ('b@x', 'ADMIN')", (), psycopg.errors.CheckViolation),
        ("INSERT INTO agent_threads (agent_id, title) VALUES (%s, 't')", (987654321,), psycopg.errors.ForeignKeyViolation),
        ("INSERT INTO agent_threads (agent_id, title) VALUES (NULL, 't')", (), psycopg.errors.NotNullViolation),
        ("INSERT INTO users (email) VALUES ('a@example.test')", (), psycopg.errors.UniqueViolation),
        ("INSERT INTO worker_jobs (owner_id, task, model, status) VALUES (%s, 't', 'm', 'exploded')", (owner,),
         psycopg.errors.CheckViolation),
    ]
    for sql, params, error in bad:
        with pytest.raises(error):
            db.execute(sql, params)
        db.rollback()
    assert db.execute("SELECT count(*) AS n FROM agents WHERE id = %s", (agent,)).fetchone()["n"] == 1


def test_deleting_a_user_removes_their_data_and_keeps_the_audit_trail(db):
    owner, other = _user(db), _user(db, "other@example.test")
    agent, other_agent = _agent(db, owner), _agent(db, other)
    thread = db.execute("INSERT INTO agent_threads (agent_id, title) VALUES (%s, 't') RETURNING id", (agent,)).fetchone()["id"]
    db.execute("INSERT INTO thread_messages (thread_id, role, content) VALUES (%s, 'user', 'hi')", (thread,))
    run = db.execute("INSERT INTO agent_runs (agent_id, thread_id) VALUES (%s, %s) RETURNING id", (agent, thread)).fetchone()["id"]
    db.execute("INSERT INTO agent_run_events (run_id, event_type, payload) VALUES (%s, 'x', '{}')", (run,))
    db.execute("INSERT INTO worker_jobs (owner_id, supervisor_run_id, task, model) VALUES (%s, %s, 't', 'm')", (owner, run))
    audit = db.execute("INSERT INTO llm_audit_log (run_id, thread_id, owner_id) VALUES (%s, %s, %s) RETURNING id",
                       (run, thread, owner)).fetchone()["id"]
    db.commit()

    # A run deleted on its own: history survives with the reference nulled.
    db.execute("DELETE FROM agent_runs WHERE id = %s", (run,))
    assert db.execute("SELECT run_id FROM llm_audit_log WHERE id = %s", (audit,)).fetchone()["run_id"] is None
    assert db.execute("SELECT supervisor_run_id FROM worker_jobs").fetchone()["supervisor_run_id"] is None
    assert db.execute("SELECT count(*) AS n FROM agent_run_events").fetchone()["n"] == 0
    db.rollback()

    db.execute("DELETE FROM users WHERE id = %s", (owner,))
    counts = db.execute("""SELECT (SELECT count(*) FROM agents) AS agents, (SELECT count(*) FROM agent_threads) AS threads,
        (SELECT count(*) FROM thread_messages) AS messages, (SELECT count(*) FROM agent_runs) AS runs,
        (SELECT count(*) FROM worker_jobs) AS jobs, (SELECT count(*) FROM agent_run_events) AS events""").fetchone()
    assert counts == {"agents": 1, "threads": 0, "messages": 0, "runs": 0, "jobs": 0, "events": 0}
    assert db.execute("SELECT id FROM agents").fetchone()["id"] == other_agent
    row = db.execute("SELECT run_id, thread_id, owner_id FROM llm_audit_log WHERE id = %s", (audit,)).fetchone()
    assert row == {"run_id": None, "thread_id": None, "owner_id": None}


def test_updated_at_is_kept_by_the_trigger(db):
    owner = _user(db)
    db.execute("UPDATE users SET updated_at = '2020-01-01T00:00:00Z' WHERE id = %s", (owner,))
    db.commit()
    db.execute("UPDATE users SET display_name = 'n' WHERE id = %s", (owner,))
    assert db.execute("SELECT updated_at > now() - interval '1 minute' AS fresh FROM users").fetchone()["fresh"]


@pytest.fixture(scope="module")
def seeded_url(pg, template_db):
    name = "plans_seeded"
    pg.drop_database(name)
    url = pg.create_database(name, template=template_db)
    seed(test_env_for(url), 0.05, out=lambda _: None)
    yield url
    pg.drop_database(name)


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def test_query_patterns_use_indexes_not_sequential_scans_of_big_tables(seeded_url):
    with psycopg.connect(seeded_url, row_factory=dict_row, options="-c search_path=zerg") as conn:
        counts = conn.execute("""SELECT (SELECT count(*) FROM thread_messages) + (SELECT count(*) FROM llm_audit_log)
            + (SELECT count(*) FROM agent_run_events) + (SELECT count(*) FROM worker_jobs) + (SELECT count(*) FROM agent_runs) AS n""").fetchone()
        assert counts["n"] >= 200_000
        ids = conn.execute("""SELECT r.id AS run_id, r.thread_id, r.agent_id, r.trace_id, a.owner_id
            FROM agent_runs r JOIN agents a ON a.id = r.agent_id ORDER BY r.id LIMIT 1 OFFSET 100""").fetchone()
        values = {"run_id": ids["run_id"], "thread_id": ids["thread_id"], "agent_id": ids["agent_id"],
                  "trace_id": ids["trace_id"], "owner_id": ids["owner_id"], "after_id": 0}
        scanned = {}
        names = [n for n in PATTERNS.available_queries if not n.endswith("_cursor")]
        for name in names:
            query = getattr(PATTERNS, name)
            params = {p: values[p] for p in query.__signature__.parameters if p != "self"}
            # EXPLAIN can only wrap the statement's own text; the values still travel as parameters.
            plan = conn.execute("EXPLAIN (FORMAT JSON) " + query.sql, params).fetchone()["QUERY PLAN"][0]["Plan"]
            seq = {n["Relation Name"] for n in _plan_nodes(plan) if n["Node Type"] == "Seq Scan"} & BIG_TABLES
            if seq:
                scanned[name] = seq
        assert len(names) >= 20
        assert scanned == {}


def test_migrations_and_schema_sql_agree(test_env, empty_db_url, fresh_db_url):
    psql = pg_binary("psql")
    run = subprocess.run([psql, "-v", "ON_ERROR_STOP=1", "-q", "-f", str(SCHEMA_SQL), empty_db_url],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    with psycopg.connect(empty_db_url, row_factory=dict_row) as from_file, \
            psycopg.connect(fresh_db_url, row_factory=dict_row) as from_migrations:
        assert list(internal.describe_schema(from_file, schema="zerg")) == \
            list(internal.describe_schema(from_migrations, schema="zerg"))


def test_the_committed_schema_sql_and_docs_are_current(test_env):
    assert dump_schema(test_env) == SCHEMA_SQL.read_text(), "run `make schema` and commit sql/schema.sql"
    assert render_docs(test_env) == SCHEMA_MD.read_text(), "run `make schema` and commit docs/schema.md"
