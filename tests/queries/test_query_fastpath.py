"""How a sync query call runs: aiosql's SQL on a dict-row cursor kept per connection and
per thread. One call's results never reach the next, the cursor survives errors and
rollbacks, threads sharing a connection each get their own rows, a dropped connection is
not kept alive, and the input checks still refuse, before sending, the values PostgreSQL
itself would take without complaint."""

from __future__ import annotations

import gc
import sys
import threading
import weakref

import psycopg
import pytest
from psycopg.rows import dict_row

from zerg_sql.db import connect
from zerg_sql.queries import QueryError
from zerg_sql.queries import queries as q


def make_users(db, n):
    ids = [q.create_user(db, email=f"u{i}@example.com", provider=None, provider_user_id=None,
                         display_name=f"user {i}", avatar_url=None, role=None)["id"] for i in range(n)]
    db.commit()
    return ids


def raw(db, fn, **params):
    """The query's own SQL run by plain psycopg, as the server takes it without our checks."""
    return db.cursor(row_factory=dict_row).execute(fn.sql, params).fetchall()


@pytest.mark.parametrize("fn, params, bad, pattern", [
    ("get_user", {}, {"user_id": "1"}, r"expects int for bigint, got str"),          # '1' parses as 1
    ("get_user_by_email", {}, {"email": 1}, r"expects str for text, got int"),         # 1 becomes '1'
    ("list_users", {"after_id": 0}, {"limit_rows": True}, r"expects int for int, got bool"),  # true::int = 1
    ("list_users", {"after_id": 0}, {"limit_rows": 1.5}, r"expects int for int, got float"),  # rounds to 2
    ("list_users", {"limit_rows": 5}, {"after_id": "0"}, r"expects int for bigint, got str"),
])
def test_values_the_server_would_take_are_refused_before_sending(db, fn, params, bad, pattern):
    make_users(db, 3)
    fn = getattr(q, fn)
    raw(db, fn, **params, **bad)                # PostgreSQL runs it: only our check stops it
    db.rollback()
    with pytest.raises(QueryError, match=pattern) as err:
        result = fn(db, **params, **bad)
        list(result) if fn.operation.name == "SELECT" else result
    assert err.value.sqlstate is None and err.value.parameter == next(iter(bad))
    assert q.count_users(db) == 3               # nothing was sent: the transaction goes on


def test_an_out_of_range_integer_is_refused_without_aborting_the_transaction(db):
    with pytest.raises(psycopg.errors.NumericValueOutOfRange):
        raw(db, q.list_users, after_id=0, limit_rows=2**40)   # the server would abort the transaction
    db.rollback()
    q.create_user(db, email="kept@example.com", provider=None, provider_user_id=None, display_name=None,
                  avatar_url=None, role=None)
    with pytest.raises(QueryError, match=r"out of range for int") as err:
        list(q.list_users(db, after_id=0, limit_rows=2**40))
    assert err.value.sqlstate is None
    db.commit()                                  # the user created before the bad call is kept
    assert q.get_user_by_email(db, email="kept@example.com") is not None


def test_one_call_never_sees_the_rows_of_another(db):
    ids = make_users(db, 5)
    assert q.get_user(db, user_id=ids[0])["id"] == ids[0]
    assert q.get_user(db, user_id=-1) is None                       # ^ with no row after ^ with a row
    assert q.count_users(db) == 5                                    # $ after ^
    assert [r["id"] for r in q.list_users(db, after_id=0, limit_rows=10)] == ids
    assert q.get_user(db, user_id=ids[1])["id"] == ids[1]            # ^ after a many-row query
    assert q.set_user_gmail_refresh_token(db, user_id=-1, gmail_refresh_token="t") == 0
    assert q.set_user_gmail_refresh_token(db, user_id=ids[2], gmail_refresh_token="t") == 1
    assert list(q.list_users(db, after_id=ids[-1], limit_rows=10)) == []


def test_queries_run_while_iterating_another_do_not_disturb_it(db):
    ids = make_users(db, 6)
    seen = []
    for row in q.list_users(db, after_id=0, limit_rows=10):
        assert q.get_user(db, user_id=row["id"])["email"] == row["email"]
        seen.append(row["id"])
        list(q.list_users(db, after_id=row["id"], limit_rows=2))   # another many-row query in between
    assert seen == ids
    # Two generators open at once, advanced in turn.
    a, b = q.list_users(db, after_id=0, limit_rows=3), q.list_users(db, after_id=ids[2], limit_rows=3)
    assert [(x["id"], y["id"]) for x, y in zip(a, b)] == list(zip(ids[:3], ids[3:]))


def test_a_many_row_query_runs_on_first_next_like_aiosql(db):
    make_users(db, 1)
    rows = q.list_runs_by_trace(db, trace_id="not-a-uuid")   # nothing sent yet
    assert q.count_users(db) == 1                            # so the transaction is fine
    with pytest.raises(QueryError, match="invalid input syntax for type uuid") as err:
        next(rows)
    assert err.value.sqlstate == "22P02"


def test_the_cursor_works_again_after_errors_and_rollbacks(db):
    (uid,) = make_users(db, 1)
    with pytest.raises(QueryError):
        q.set_user_role(db, user_id=uid, role="root")               # server error inside the transaction
    with pytest.raises(psycopg.errors.InFailedSqlTransaction):     # still aborted, as before
        q.get_user(db, user_id=uid)
    db.rollback()
    assert q.get_user(db, user_id=uid)["role"] == "user"
    with pytest.raises(QueryError):
        with db.transaction():
            q.set_user_role(db, user_id=uid, role="admin")
            next(q.list_runs_by_trace(db, trace_id="nope"))
    assert q.get_user(db, user_id=uid)["role"] == "user"          # the block's update rolled back
    db.rollback()
    db.autocommit = True
    with pytest.raises(QueryError):
        q.create_user(db, email=None, provider=None, provider_user_id=None, display_name=None,
                      avatar_url=None, role=None)
    assert q.set_user_role(db, user_id=uid, role="admin")["role"] == "admin"   # autocommit: at once
    with db.pipeline():
        assert q.get_user(db, user_id=uid)["role"] == "admin"


def test_threads_sharing_a_connection_each_get_their_own_rows(fresh_db_url):
    with connect(fresh_db_url, search_path=("zerg", "public"), autocommit=True) as conn:
        ids = make_users(conn, 8)
        wrong: list[str] = []

        def work(k):
            try:
                check(k)
            except Exception as e:  # a thread's exception would otherwise only be a warning
                wrong.append(repr(e))

        def check(k):
            for i in range(150):
                uid = ids[(k + i) % len(ids)]
                row = q.get_user(conn, user_id=uid)
                if row["id"] != uid:
                    wrong.append(f"get_user({uid}) -> {row['id']}")
                page = [r["id"] for r in q.list_users(conn, after_id=uid, limit_rows=3)]
                if page != [x for x in ids if x > uid][:3]:
                    wrong.append(f"list_users({uid}) -> {page}")
                if q.count_users(conn) != len(ids):
                    wrong.append("count_users")

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)   # switch threads as often as possible, between execute and fetch too
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            sys.setswitchinterval(interval)
        assert wrong == []


def test_a_connection_is_not_kept_alive_by_its_cursor(fresh_db_url):
    conn = connect(fresh_db_url, search_path=("zerg", "public"))
    assert q.count_users(conn) == 0
    alive = weakref.ref(conn)
    conn.close()
    del conn
    gc.collect()
    assert alive() is None
    with connect(fresh_db_url, search_path=("zerg", "public")) as conn:
        conn.close()
        with pytest.raises(psycopg.OperationalError, match="closed"):
            q.count_users(conn)


def test_something_else_than_a_sync_connection_is_refused_with_a_pointer_to_aqueries():
    class NotAConnection:
        pass

    with pytest.raises(TypeError, match="expected a psycopg.Connection, got NotAConnection.*aqueries"):
        q.count_users(NotAConnection())



def test_array_parameters_arrive_whole_and_bad_elements_are_refused(db):
    # Parameters cast to an array type are sent in binary (zerg_sql.queries._statement): the
    # server must get the same values, None elements and empty lists included.
    ids = [None, None, "fixed-id"]
    inserted = list(q.enqueue_jobs(db, ids=ids, job_ids=["a", "b", "c"], scheduled_fors=[None] * 3,
                                   max_attempts=[None, 5, None], dedupe_keys=[None, "k", None],
                                   payloads=[None] * 3))
    assert len(inserted) == 3 and "fixed-id" in {r["id"] for r in inserted}
    rows = db.execute("SELECT job_id, max_attempts, dedupe_key FROM ops.job_queue ORDER BY job_id").fetchall()
    assert [(r["job_id"], r["max_attempts"], r["dedupe_key"]) for r in rows] == [("a", 3, None), ("b", 5, "k"), ("c", 3, None)]
    assert list(q.enqueue_jobs(db, ids=[], job_ids=[], scheduled_fors=[], max_attempts=[], dedupe_keys=[],
                               payloads=[])) == []
    with pytest.raises(QueryError, match="element: expects int") as e:
        q.mark_messages_processed(db, message_ids=[1, True])
    assert e.value.parameter == "message_ids"
    with pytest.raises(QueryError, match="message_ids"):
        q.mark_messages_processed(db, message_ids=[2**70])
