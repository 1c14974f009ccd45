"""Validation gate: every query in sql/queries prepares against the migrated schema.

Each query's aiosql text (%(name)s placeholders) is numbered $1..$n in declared order,
prepared (protocol Parse: PostgreSQL's full parse analysis, as SQL PREPARE does, so an
unknown table or column, a type mismatch or a parameter whose type cannot be inferred
fails), described, and deallocated. A migration that breaks any query fails here.
Also: every query runs in some test that asserts its effect (its name appears in a
test file other than the gate and conventions tests).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zerg_sql.db import connect
from zerg_sql.queries import QueryError, definitions, queries
from zerg_sql.devtools.stubs import describe, describe_all

TESTS = Path(__file__).parents[1]
NOT_EFFECT_TESTS = {"test_query_gate.py", "test_query_conventions.py", "test_stubs.py", "test_access_coverage.py"}


@pytest.fixture
def autocommit(fresh_db_url):
    conn = connect(fresh_db_url, autocommit=True, search_path=("zerg", "public"))
    yield conn
    conn.close()


def test_every_query_prepares(autocommit):
    done, failed = describe_all(autocommit)
    assert not failed, "\n".join(str(e) for e in failed)
    assert {d.name for d in done} == set(definitions())
    # Deallocated: nothing is left prepared on the connection.
    # (psycopg's own automatically prepared statements are named _pg3_*.)
    left = [r["name"] for r in autocommit.execute("SELECT name FROM pg_prepared_statements")]
    assert [n for n in left if not n.startswith("_pg3_")] == []


def test_gate_fails_when_a_migration_breaks_a_query(autocommit):
    autocommit.execute("ALTER TABLE agent_runs RENAME COLUMN continuation_of_run_id TO continues")
    with pytest.raises(QueryError, match=r"query get_continuation_run: does not prepare.*continuation_of_run_id"):
        describe(autocommit, queries.get_continuation_run)
    _, failed = describe_all(autocommit)
    assert {"get_continuation_run", "get_active_run", "create_continuation_run"} <= {e.query for e in failed}
    # The connection stays usable after a failed prepare.
    assert autocommit.execute("SELECT 1 AS one").fetchone()["one"] == 1


def test_gate_reports_a_parameter_whose_type_cannot_be_inferred(autocommit):
    class Untyped:  # the shape of an aiosql QueryFn, for a query missing its ::cast
        __name__ = "get_untyped"
        sql = "SELECT count(*) FROM users WHERE %(value)s IS NULL"
        parameters = ["value"]
        operation = queries.count_users.operation
    with pytest.raises(QueryError, match=r"could not determine data type of parameter \$1"):
        describe(autocommit, Untyped)


def test_every_query_runs_in_an_effect_test():
    text = "\n".join(p.read_text() for p in sorted(TESTS.rglob("*.py")) if p.name not in NOT_EFFECT_TESTS)
    untested = sorted(n for n in definitions() if not re.search(rf"\b{n}\b", text))
    assert not untested, f"queries no test runs: {untested}"
