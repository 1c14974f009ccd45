"""Stubs exact about NULL (issue 17): a parameter is `| None` only where the SQL accepts
NULL for it, a result column only where it can be NULL; inferred from the SQL and the
catalog (zerg_sql/devtools/nulls.py), so a query added tomorrow gets exact types on regeneration.
mypy --strict shows both directions on the committed stubs."""

from __future__ import annotations

import os
import subprocess
import sys

import aiosql
from psycopg.rows import dict_row

from zerg_sql.config import ROOT
from zerg_sql.db import connect
from zerg_sql.devtools.stubs import describe

PROBES = """
-- name: probe_insert(email, provider, role)^
-- NOT NULL column, nullable column, coalesce.
INSERT INTO users (email, provider, role)
VALUES (:email::text, :provider::text, coalesce(:role::text, 'user'))
RETURNING id, email, provider, role;

-- name: probe_filter(agent_id, thread_type)
-- An equality filter and an IS NULL "no filter"; expressions of every kind.
SELECT t.id, t.agent_state, count(*) OVER () AS total, max(t.id) OVER () AS top,
       t.agent_state ->> 'x' AS x, 1 AS one, NULL::text AS nothing, t.memory_strategy IS NULL AS unset,
       coalesce(t.memory_strategy, 'buffer') AS strategy, t.id + 1 AS next_id,
       EXISTS (SELECT FROM agents AS a WHERE a.id = t.agent_id) AS has_agent
FROM agent_threads AS t
WHERE t.agent_id = :agent_id::bigint AND (:thread_type::text IS NULL OR t.thread_type = :thread_type::text);

-- name: probe_outer(user_id)
-- The nullable side of an outer join.
SELECT u.id AS uid, u.email, a.id AS aid, a.name
FROM users AS u LEFT JOIN agents AS a ON a.owner_id = u.id
WHERE u.id = :user_id::bigint;

-- name: probe_update(agent_id, name, schedule, model)^
-- coalesce keeps a field; SET of a nullable and of a NOT NULL column.
UPDATE agents SET name = coalesce(:name::text, name), schedule = :schedule::text, model = :model::text
WHERE id = :agent_id::bigint
RETURNING id, schedule;
"""


def test_nullability_comes_from_the_sql_and_the_catalog(fresh_db_url):
    probes = aiosql.from_str(PROBES, "psycopg", kwargs={"row_factory": dict_row})
    with connect(fresh_db_url, autocommit=True, search_path=("zerg", "public")) as conn:
        def shape(name):
            d = describe(conn, getattr(probes, name))
            return ({p.name: p.nullable for p in d.params}, {c.name: c.nullable for c in d.columns})

        params, cols = shape("probe_insert")
        assert params == {"email": False, "provider": True, "role": True}
        assert cols == {"id": False, "email": False, "provider": True, "role": False}

        params, cols = shape("probe_filter")
        assert params == {"agent_id": False, "thread_type": True}
        assert cols == {"id": False, "agent_state": True, "total": False, "top": True, "x": True, "one": False,
                        "nothing": True, "unset": False, "strategy": False, "next_id": False, "has_agent": False}

        params, cols = shape("probe_outer")
        assert params == {"user_id": False}
        assert cols == {"uid": False, "email": False, "aid": True, "name": True}

        params, cols = shape("probe_update")
        assert params == {"agent_id": False, "name": True, "schedule": True, "model": False}
        assert cols == {"id": False, "schedule": True}


GOOD = '''\
import psycopg
from psycopg.types.json import Jsonb

from zerg_sql.queries import queries


def use(conn: psycopg.Connection[dict[str, object]], agent_id: int) -> str:
    queries.create_agent(conn, owner_id=1, name="a", system_instructions="s", task_instructions="t",
                         model="gpt", schedule=None, config=None, allowed_tools=None)   # nullable columns
    queries.update_agent(conn, agent_id=agent_id, name=None, system_instructions=None, task_instructions=None,
                         model=None, status=None, schedule=None, clear_schedule=False,
                         config=None, allowed_tools=None)                        # None keeps a field
    list(queries.list_threads_by_agent(conn, agent_id=agent_id, owner_id=None, thread_type=None,
                                       title=None, skip=0, limit_rows=10))       # None: no filter
    queries.create_user(conn, email="a@b.c", provider=None, provider_user_id=None, display_name=None,
                        avatar_url=None, role=None)                              # nullable columns
    queries.update_user_context(conn, user_id=1, context=Jsonb({}))
    run = queries.get_run(conn, run_id=1)
    if run is None:
        return ""
    return run["status"].upper() + (run["error"] or "").upper()                # status is NOT NULL
'''
NONE_WHERE_REFUSED = GOOD.replace('model="gpt"', "model=None").replace("context=Jsonb({})", "context=None")
NULLABLE_UNCHECKED = GOOD.replace('(run["error"] or "").upper()', 'run["error"].upper()')


def test_mypy_refuses_none_where_the_sql_does_and_an_unchecked_nullable_column(tmp_path):
    for name, text in (("good.py", GOOD), ("none_refused.py", NONE_WHERE_REFUSED),
                       ("nullable_unchecked.py", NULLABLE_UNCHECKED)):
        (tmp_path / name).write_text(text)
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", "/tmp/zerg-sql-mypy-cache",
                        "good.py", "none_refused.py", "nullable_unchecked.py"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=600,
                       env={**os.environ, "MYPYPATH": str(ROOT)})
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    by_file = {f: [e for e in errors if e.startswith(f)] for f in ("good.py", "none_refused.py", "nullable_unchecked.py")}
    assert by_file["good.py"] == [], r.stdout
    assert len(by_file["none_refused.py"]) == 2, r.stdout
    assert any('"model" to "create_agent"' in e and 'expected "str"' in e for e in by_file["none_refused.py"])
    assert any('"context" to "update_user_context"' in e and 'expected "Jsonb | Json"' in e
               for e in by_file["none_refused.py"]), r.stdout
    assert by_file["nullable_unchecked.py"] and 'Item "None" of "str | None" has no attribute "upper"' in \
        by_file["nullable_unchecked.py"][0], r.stdout
