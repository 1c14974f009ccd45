"""Bad input to a named query: a clear QueryError naming the query and the parameter,
and nothing half-written (the statement is atomic; the caller's rollback leaves every
table as it was)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from zerg_sql.config import ZergError
from zerg_sql.queries import QueryError
from zerg_sql.queries import queries as q

USER = dict(email="a@example.com", provider=None, provider_user_id=None, display_name=None, avatar_url=None,
            role=None)


def counts(db):
    return db.execute("SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM agents) AS agents, "
                      "(SELECT count(*) FROM thread_messages) AS messages").fetchone()


@pytest.fixture
def uid(db):
    u = q.create_user(db, **USER)
    db.commit()
    return u["id"]


@pytest.mark.parametrize("call, pattern, param", [
    (lambda db, uid: q.get_user(db, user_id="7"), r"expects int for bigint, got str", "user_id"),
    (lambda db, uid: q.get_user(db, user_id=True), r"expects int for bigint, got bool", "user_id"),
    (lambda db, uid: q.create_user(db, **{**USER, "email": 42}), r"expects str for text, got int", "email"),
    (lambda db, uid: q.update_user_context(db, user_id=uid, context={"a": 1}),
     r"expects Jsonb or Json for jsonb, got dict \(wrap JSON values in psycopg.types.json.Jsonb\)", "context"),
    (lambda db, uid: q.mark_messages_processed(db, message_ids=[1, "2"]), r"element: expects int", "message_ids"),
    (lambda db, uid: q.list_runs_by_agent(db, agent_id=1, limit_rows=2**40), r"out of range for int", "limit_rows"),
    (lambda db, uid: q.get_user(db), r"missing parameter", "user_id"),
    (lambda db, uid: q.get_user(db, user_id=1, email="x"), r"unknown parameter; get_user takes \(user_id\)", "email"),
    (lambda db, uid: q.get_user(db, 1), r"pass parameters by name", None),
])
def test_wrong_input_is_refused_before_anything_is_sent(db, uid, call, pattern, param):
    with pytest.raises(QueryError, match=pattern) as err:
        call(db, uid)
    assert err.value.parameter == param and err.value.sqlstate is None
    assert isinstance(err.value, ZergError)
    # Nothing reached the server, so the transaction is still usable.
    assert q.get_user(db, user_id=uid)["id"] == uid


@pytest.mark.parametrize("call, param, sqlstate", [
    # NULL where the schema forbids it.
    (lambda db, uid: q.create_user(db, **{**USER, "email": None}), "email", "23502"),
    (lambda db, uid: q.create_agent(db, owner_id=uid, name="a", system_instructions=None, task_instructions="t",
                                    model="m", schedule=None, config=None, allowed_tools=None),
     "system_instructions", "23502"),
    # A value the CHECK / unique / foreign key refuses.
    (lambda db, uid: q.set_user_role(db, user_id=uid, role="root"), "role", "23514"),
    (lambda db, uid: q.create_user(db, **USER), "email", "23505"),
    (lambda db, uid: q.create_agent(db, owner_id=uid + 99, name="a", system_instructions="s", task_instructions="t",
                                    model="m", schedule=None, config=None, allowed_tools=None), "owner_id", "23503"),
    # An oversized string: bigger than a btree index entry can hold.
    (lambda db, uid: q.create_user(db, **{**USER, "email": "x" * 300_000 + "@example.com"}), "email", "54000"),
    # A NUL character, which PostgreSQL text cannot store.
    (lambda db, uid: q.create_user(db, **{**USER, "display_name": "a\x00b", "email": "n@example.com"}),
     "display_name", None),
    # An unparsable value for the type.
    (lambda db, uid: q.list_runs_by_trace(db, trace_id="not-a-uuid").__next__(), "trace_id", "22P02"),
])
def test_database_refusals_name_query_and_parameter_and_write_nothing(db, uid, call, param, sqlstate):
    before = counts(db)
    with pytest.raises(QueryError) as err:
        call(db, uid)
    assert err.value.parameter == param, str(err.value)
    assert err.value.sqlstate == sqlstate
    assert str(err.value).startswith(f"query {err.value.query}, parameter {param}: ")
    assert isinstance(err.value.__cause__, psycopg.Error)
    db.rollback()
    assert counts(db) == before


def test_sql_looking_strings_are_stored_as_data(db, uid):
    evil = "Robert'); DROP TABLE users; -- :user_id %(email)s $1 \\' \""
    u = q.create_user(db, **{**USER, "email": evil, "display_name": evil})
    db.commit()
    assert q.get_user_by_email(db, email=evil)["display_name"] == evil
    assert q.count_users(db) == 2


def test_a_failed_statement_in_a_transaction_block_rolls_everything_back(db, uid):
    before = counts(db)
    with pytest.raises(QueryError):
        with db.transaction():
            a = q.create_agent(db, owner_id=uid, name="a", system_instructions="s", task_instructions="t",
                               model="m", schedule=None, config=None, allowed_tools=None)
            th = q.create_thread(db, agent_id=a["id"], title="t", active=None, thread_type=None, agent_state=None,
                                 memory_strategy=None)
            q.insert_thread_messages(db, [{"thread_id": th["id"], "role": "user", "content": "ok", "internal": None},
                                          {"thread_id": th["id"], "role": None, "content": "x", "internal": None}])
    assert counts(db) == before          # the agent and thread created before the error are gone too


def test_executemany_rows_are_checked_before_sending(db, uid):
    row = {"thread_id": 1, "role": "u", "content": "c", "internal": None}
    with pytest.raises(QueryError, match=r"insert_thread_messages, parameter x: unknown parameter"):
        q.insert_thread_messages(db, [row, {**row, "x": 1}])
    with pytest.raises(QueryError, match=r"insert_thread_messages, parameter internal: missing parameter"):
        q.insert_thread_messages(db, [{k: v for k, v in row.items() if k != "internal"}])
    with pytest.raises(QueryError, match=r"row 0 is a tuple"):
        q.insert_thread_messages(db, [(1, "u", "c", None)])
    assert q.get_user(db, user_id=uid)["id"] == uid      # nothing was sent


def test_errors_that_are_not_about_input_propagate_unchanged(db, uid):
    with pytest.raises(QueryError):
        q.set_user_role(db, user_id=uid, role="root")
    # The transaction is now aborted: psycopg's own error says so, not blamed on input.
    with pytest.raises(psycopg.errors.InFailedSqlTransaction):
        q.get_user(db, user_id=uid)
    db.rollback()
    assert q.get_user(db, user_id=uid)["role"] == "user"
