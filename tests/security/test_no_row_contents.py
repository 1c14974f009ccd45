"""Errors carry no row contents (issue 17): PostgreSQL quotes the failing row of a NOT NULL
or CHECK violation and the key values of a unique / foreign key one; a users row holds its
Gmail refresh token. Neither a QueryError (message or logged traceback) nor any CLI line
repeats them; the constraint, column and parameter names stay."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
import traceback

import pytest

from zerg_sql.config import ROOT
from zerg_sql.urls import scrub
from zerg_sql.db import connect_async
from zerg_sql.queries import QueryError, aqueries, queries

TOKEN = "1//0gLx7Qm3-refresh-token-of-the-user"
HASH = "9f2c1e0b7d4a6f83c5e1a2b4d6f8091a"


def shown(err: BaseException) -> str:
    """Everything a service logging this error (logger.exception) would write."""
    return "".join(traceback.format_exception(err))


def make_user(db) -> int:
    uid: int = queries.create_user(db, email="gm@example.com", provider=None, provider_user_id=None,
                                   display_name=None, avatar_url=None, role=None)["id"]
    assert queries.set_user_gmail_refresh_token(db, user_id=uid, gmail_refresh_token=TOKEN) == 1
    db.commit()
    return uid


def test_a_check_violation_names_the_constraint_not_the_row(db):
    uid = make_user(db)
    with pytest.raises(QueryError) as err:
        queries.set_user_role(db, user_id=uid, role="superadmin")
    db.rollback()
    e = err.value
    assert (e.parameter, e.sqlstate, e.constraint) == ("role", "23514", "users_role_check")
    assert 'violates check constraint "users_role_check"' in str(e)
    assert TOKEN not in shown(e) and "Failing row" not in shown(e) and "gm@example.com" not in shown(e)
    assert e.__cause__ is None


def test_key_violations_keep_the_key_columns_not_their_values(db):
    uid = make_user(db)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    queries.create_enroll_token(db, owner_id=uid, token_hash=HASH, expires_at=expires)
    with pytest.raises(QueryError) as err:
        queries.create_enroll_token(db, owner_id=uid, token_hash=HASH, expires_at=expires)
    db.rollback()
    e = err.value
    assert e.parameter == "token_hash" and e.constraint == "runner_enroll_tokens_token_hash_key"
    assert "(Key (token_hash) already exists.)" in str(e) and HASH not in shown(e)
    with pytest.raises(QueryError) as err:
        queries.create_enroll_token(db, owner_id=uid + 424242, token_hash="other", expires_at=expires)
    db.rollback()
    assert err.value.parameter == "owner_id" and "Key (owner_id) is not present" in str(err.value)
    assert str(uid + 424242) not in shown(err.value)


def test_async_errors_too(fresh_db_url, db):
    uid = make_user(db)

    async def main() -> QueryError:
        async with await connect_async(fresh_db_url, search_path=("zerg", "public")) as conn:
            try:
                await aqueries.set_user_role(conn, user_id=uid, role="superadmin")
            except QueryError as e:
                return e
        raise AssertionError("no error")

    e = asyncio.run(main())
    assert e.constraint == "users_role_check" and TOKEN not in shown(e) and "Failing row" not in shown(e)


def test_the_cli_example_of_the_issue(fresh_db_url, db):
    uid = make_user(db)
    r = subprocess.run([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", fresh_db_url,
                        "query", "run", "set_user_role", "-p", f"user_id={uid}", "-p", "role=superadmin"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1
    assert "query set_user_role, parameter role" in r.stderr and "users_role_check" in r.stderr
    assert TOKEN not in r.stdout + r.stderr and "Failing row" not in r.stderr and "Traceback" not in r.stderr


def test_scrub_drops_quoted_rows_from_any_server_text():
    # What a migration or adopt step failing on a row would print through the CLI's echo().
    text = ('ERROR:  null value in column "model" of relation "agents" violates not-null constraint\n'
            f'DETAIL:  Failing row contains (7, 3, {TOKEN}\nsecond line, null).\n'
            'CONTEXT:  SQL statement "UPDATE agents SET model = NULL"')
    out = scrub(text)
    assert TOKEN not in out and "Failing row" not in out and "second line" not in out
    assert 'null value in column "model" of relation "agents"' in out and out.endswith('SET model = NULL"')
    assert scrub(f"Key (lower(email), token_hash)=(a@b.c, {HASH}) conflicts with existing key "
                 f"(lower(email), token_hash)=(a@b.c, {HASH}).") == \
        "Key (lower(email), token_hash) conflicts with existing key (lower(email), token_hash)."
    assert scrub('COPY llm_audit_log, line 3, column phase: "secret text"') == "COPY llm_audit_log, line 3, column phase"
    # Joined into one line (as `zerg-sql dash` does with primary, detail and hint): still nothing shown.
    assert scrub(f'violates check constraint "users_role_check" Failing row contains (1, {TOKEN}) Set role.') == \
        'violates check constraint "users_role_check"'
    assert scrub(f"duplicate key Key (token_hash)=({HASH}) hint") == "duplicate key Key (token_hash)"
