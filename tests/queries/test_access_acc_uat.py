"""Issue 18, domains U (users, usage, quota), A (agents, triggers, locks), T (threads,
messages): for each access the reference listed as MISMATCH or MISSING, a test of Zerg's
semantics that the queries before this change failed (each test names its IDs)."""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest
from psycopg.types.json import Jsonb

from zerg_sql.db import connect
from zerg_sql.queries import QueryError
from zerg_sql.queries import queries as q

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)   # the as_of of the usage tests
TODAY = dt.datetime(2026, 3, 10, tzinfo=UTC)


def user(db, email="ann@example.com", role=None):
    return q.create_user(db, email=email, provider=None, provider_user_id=None, display_name=None,
                         avatar_url=None, role=role)


def agent(db, owner_id, name="helper", config=None):
    return q.create_agent(db, owner_id=owner_id, name=name, system_instructions="s", task_instructions="t",
                          model="m", schedule=None, config=config, allowed_tools=None)


def thread(db, agent_id, title="t", active=None, thread_type=None):
    return q.create_thread(db, agent_id=agent_id, title=title, active=active, thread_type=thread_type,
                           agent_state=None, memory_strategy=None)


def message(db, thread_id, role, content="x", *, tool_calls=None, tool_call_id=None, internal=None,
            processed=None, sent_at=None):
    return q.create_thread_message(db, thread_id=thread_id, role=role, content=content, tool_calls=tool_calls,
                                   tool_call_id=tool_call_id, name=None, parent_id=None, processed=processed,
                                   internal=internal, sent_at=sent_at, message_metadata=None)


def pin(db, table, row_id, **values):
    """Set columns the queries take from the clock (created_at, sent_at, started_at ...)."""
    # Table and column names are literals of this file, never input.
    sets = ", ".join(f"{k} = %({k})s" for k in values)
    db.execute(f"UPDATE {table} SET {sets} WHERE id = %(id)s", {**values, "id": row_id})


def run(db, agent_id, thread_id, *, started=None, finished=None, tokens=None, cost=None, status="success"):
    r = q.create_run(db, agent_id=agent_id, thread_id=thread_id, status=status, trigger=None, model=None,
                     reasoning_effort=None, correlation_id=None, assistant_message_id=None)
    pin(db, "agent_runs", r["id"], started_at=started, finished_at=finished, total_tokens=tokens,
        total_cost_usd=cost)
    return r["id"]


def ids(rows):
    return [r["id"] for r in rows]


# ------------------------------------------------------------------ U: users, usage, quota

def test_email_lookup_and_uniqueness_ignore_case_without_wildcards(db):   # U02, U04
    ann = user(db, "Ann.Lee@Example.com")
    assert q.get_user_by_email(db, email="ann.lee@example.COM")["id"] == ann["id"]
    # Zerg's ILIKE read '_' as any character: 'ann_lee@...' found Ann. Not any more.
    assert q.get_user_by_email(db, email="ann_lee@example.com") is None
    with pytest.raises(QueryError, match=r"query create_user, parameter email: duplicate key"):
        user(db, "ANN.LEE@example.com")
    db.rollback()


def test_last_login_is_stamped_on_the_first_login_only(db):             # U08
    u = user(db)
    assert q.record_user_login(db, user_id=u["id"]) == 1
    first = q.get_user(db, user_id=u["id"])["last_login"]
    pin(db, "users", u["id"], last_login=first - dt.timedelta(days=1))
    assert q.record_user_login(db, user_id=u["id"]) == 0
    assert q.get_user(db, user_id=u["id"])["last_login"] == first - dt.timedelta(days=1)


def test_admins_in_id_order_and_the_first_admin(db):                    # U09
    user(db, "u@example.com")
    a2 = user(db, "a2@example.com", role="admin")
    a3 = user(db, "a3@example.com", role="admin")
    assert ids(q.list_admin_users(db, limit_rows=None)) == [a2["id"], a3["id"]]
    assert ids(q.list_admin_users(db, limit_rows=1)) == [a2["id"]]


def test_profile_update_keeps_none_and_clears_on_request(db):           # U05
    u = q.create_user(db, email="p@example.com", provider=None, provider_user_id=None, display_name="Pat",
                      avatar_url="https://a/p.png", role=None)
    kept = q.update_user_profile(db, user_id=u["id"], display_name=None, clear_display_name=None, avatar_url=None,
                                 clear_avatar_url=None, prefs=None)
    assert (kept["display_name"], kept["avatar_url"]) == ("Pat", "https://a/p.png")
    cleared = q.update_user_profile(db, user_id=u["id"], display_name=None, clear_display_name=False,
                                    avatar_url=None, clear_avatar_url=True, prefs=None)
    assert (cleared["display_name"], cleared["avatar_url"]) == ("Pat", None)


@pytest.fixture
def usage(db):
    """Two users; Ann has two agents with runs today, 3 and 20 days ago, and one outside 30 days."""
    ann, bob = user(db, "ann@example.com"), user(db, "Bob@example.com")
    pin(db, "users", ann["id"], created_at=NOW - dt.timedelta(days=100))
    a1, a2, b1 = agent(db, ann["id"], "a1"), agent(db, ann["id"], "a2"), agent(db, bob["id"], "b1")
    th = {x["id"]: thread(db, x["id"])["id"] for x in (a1, a2, b1)}
    h = dt.timedelta(hours=1)
    d = dt.timedelta(days=1)
    run(db, a1["id"], th[a1["id"]], started=TODAY + h, finished=TODAY + 2 * h, tokens=100, cost=1.0)
    run(db, a1["id"], th[a1["id"]], started=TODAY + 3 * h, finished=None, tokens=None, cost=None, status="running")
    run(db, a2["id"], th[a2["id"]], started=TODAY - 3 * d, finished=TODAY - 3 * d + h, tokens=50, cost=4.0)
    run(db, a2["id"], th[a2["id"]], started=TODAY - 20 * d, finished=TODAY - 20 * d + h, tokens=5, cost=0.5)
    run(db, a2["id"], th[a2["id"]], started=TODAY - 40 * d, finished=TODAY - 40 * d + h, tokens=7, cost=9.0)
    # Started yesterday, finished today: counts for today's cost, not today's runs.
    run(db, a2["id"], th[a2["id"]], started=TODAY - h, finished=TODAY + h, tokens=1, cost=0.25)
    run(db, b1["id"], th[b1["id"]], started=TODAY + h, finished=TODAY + 2 * h, tokens=10, cost=2.0)
    run(db, b1["id"], th[b1["id"]], started=None, finished=None, status="queued")
    q.set_user_active(db, user_id=bob["id"], is_active=False)
    return {"ann": ann["id"], "bob": bob["id"], "a1": a1["id"], "a2": a2["id"]}


def test_quota_check_counts_todays_runs_and_costs(db, usage):           # U14, U15, U16
    got = q.get_run_quota(db, user_id=usage["ann"], include_global=True, as_of=NOW)
    assert got == {"runs_today": 2, "user_cost_today": 1.25, "global_cost_today": 3.25}
    # The global sum only when a global budget is set; the next day starts from zero.
    assert q.get_run_quota(db, user_id=usage["ann"], include_global=False, as_of=NOW)["global_cost_today"] is None
    tomorrow = q.get_run_quota(db, user_id=usage["ann"], include_global=True, as_of=NOW + dt.timedelta(days=1))
    assert tomorrow == {"runs_today": 0, "user_cost_today": 0, "global_cost_today": 0}


def test_usage_of_a_user_over_a_range_by_day_and_by_agent(db, usage):   # U12, U13
    week = {"user_id": usage["ann"], "start_at": TODAY - dt.timedelta(days=6), "end_at": TODAY + dt.timedelta(days=1)}
    assert q.get_user_usage(db, **week) == {"tokens": 151, "cost_usd": 5.25, "runs": 4}
    assert q.get_user_usage(db, user_id=usage["ann"], start_at=TODAY, end_at=TODAY + dt.timedelta(days=1)) == \
        {"tokens": 100, "cost_usd": 1.0, "runs": 2}
    days = list(q.list_user_usage_daily(db, **week))
    assert [(r["day"], r["tokens"], r["cost_usd"], r["runs"]) for r in days] == [
        (dt.date(2026, 3, 10), 100, 1.0, 2), (dt.date(2026, 3, 9), 1, 0.25, 1), (dt.date(2026, 3, 7), 50, 4.0, 1)]
    top = list(q.list_user_top_agents(db, **week, limit_rows=10))
    assert [(r["agent_id"], r["name"], r["tokens"], r["cost_usd"], r["runs"]) for r in top] == [
        (usage["a2"], "a2", 51, 4.25, 2), (usage["a1"], "a1", 100, 1.0, 2)]
    assert len(list(q.list_user_top_agents(db, **week, limit_rows=1))) == 1


def test_admin_usage_list_sorts_pages_and_counts(db, usage):           # U11
    page = dict(is_active=None, skip=0, limit_rows=50, as_of=NOW)
    rows = list(q.list_users_with_usage(db, sort="cost_30d", descending=True, **page))
    assert ids(rows) == [usage["ann"], usage["bob"]]
    ann = rows[0]
    assert (ann["tokens_today"], ann["cost_today"], ann["runs_today"]) == (100, 1.0, 2)
    assert (ann["tokens_7d"], ann["cost_7d"], ann["runs_7d"]) == (151, 5.25, 4)
    assert (ann["tokens_30d"], ann["cost_30d"], ann["runs_30d"]) == (156, 5.75, 5)
    assert ids(q.list_users_with_usage(db, sort="cost_today", descending=True, **page)) == [usage["bob"], usage["ann"]]
    # Email sorts by lower(email): 'ann' before 'Bob' ascending.
    assert ids(q.list_users_with_usage(db, sort="email", descending=False, **page)) == [usage["ann"], usage["bob"]]
    assert ids(q.list_users_with_usage(db, sort="created_at", descending=True, **page)) == [usage["bob"], usage["ann"]]
    assert ids(q.list_users_with_usage(db, sort="email", descending=False, **{**page, "skip": 1})) == [usage["bob"]]
    assert ids(q.list_users_with_usage(db, sort="email", descending=False, **{**page, "is_active": True})) == \
        [usage["ann"]]
    assert (q.count_users_by_active(db, is_active=None), q.count_users_by_active(db, is_active=False)) == (2, 1)


# ------------------------------------------------------------------ A: agents, triggers, locks

def test_agent_lists_page_in_id_order(db):                              # A01, A02
    ann, bob = user(db), user(db, "bob@example.com")
    mine = [agent(db, ann["id"], f"a{i}")["id"] for i in range(3)]
    theirs = agent(db, bob["id"])["id"]
    assert ids(q.list_agents_by_owner(db, owner_id=ann["id"], skip=0, limit_rows=100)) == mine
    assert ids(q.list_agents_by_owner(db, owner_id=ann["id"], skip=1, limit_rows=1)) == [mine[1]]
    assert ids(q.list_agents(db, skip=0, limit_rows=100)) == mine + [theirs]
    assert ids(q.list_agents(db, skip=2, limit_rows=10)) == [mine[2], theirs]


def test_update_agent_sets_status_and_schedule_and_clears_on_request(db):   # A06
    a = agent(db, user(db)["id"])
    upd = dict(agent_id=a["id"], name=None, system_instructions=None, task_instructions=None, model=None,
               config=None, allowed_tools=None)
    s = q.update_agent(db, **upd, status="processing", schedule="0 * * * *", clear_schedule=None)
    assert (s["status"], s["schedule"], s["name"]) == ("processing", "0 * * * *", "helper")
    kept = q.update_agent(db, **upd, status=None, schedule=None, clear_schedule=False)
    assert (kept["status"], kept["schedule"]) == ("processing", "0 * * * *")
    assert q.update_agent(db, **upd, status=None, schedule=None, clear_schedule=True)["schedule"] is None


def test_status_flips_keep_what_they_do_not_name(db):                   # A07, A08
    a = agent(db, user(db)["id"])
    at = dt.datetime(2026, 1, 2, tzinfo=UTC)
    q.set_agent_next_run(db, agent_id=a["id"], next_run_at=at)
    flip = dict(agent_id=a["id"], clear_last_error=None)
    e = q.set_agent_status(db, **flip, status="error", last_error="boom", last_run_at=None)
    assert (e["status"], e["last_error"]) == ("error", "boom")
    r = q.set_agent_status(db, **flip, status="running", last_error=None, last_run_at=None)
    assert (r["status"], r["last_error"]) == ("running", "boom")     # running keeps last_error
    i = q.set_agent_status(db, **flip, status="idle", last_error=None, last_run_at=at)
    assert (i["status"], i["last_error"], i["last_run_at"], i["next_run_at"]) == ("idle", "boom", at, at)
    c = q.set_agent_status(db, agent_id=a["id"], status="idle", last_error=None, clear_last_error=True,
                           last_run_at=None)
    assert (c["last_error"], c["last_run_at"]) == (None, at)
    # The scheduler moves next_run_at alone (A08): last_run_at and the schedule stay.
    n = q.set_agent_next_run(db, agent_id=a["id"], next_run_at=None)
    assert (n["next_run_at"], n["last_run_at"]) == (None, at)


def test_supervisor_agent_is_the_oldest_with_a_truthy_flag(db):        # A11
    u = user(db)
    agent(db, u["id"], "zero", config=Jsonb({"is_supervisor": 0}))
    agent(db, u["id"], "empty", config=Jsonb({"is_supervisor": ""}))
    first = agent(db, u["id"], "first", config=Jsonb({"is_supervisor": 1}))
    agent(db, u["id"], "second", config=Jsonb({"is_supervisor": True}))
    assert q.get_supervisor_agent(db, owner_id=u["id"])["id"] == first["id"]
    other = user(db, "o@example.com")
    agent(db, other["id"], config=Jsonb({"is_supervisor": False}))
    assert q.get_supervisor_agent(db, owner_id=other["id"]) is None


def test_agent_messages_by_timestamp_paged(db):                          # A12
    a = agent(db, user(db)["id"])
    m = [q.create_agent_message(db, agent_id=a["id"], role="user", content=str(i))["id"] for i in range(3)]
    pin(db, "agent_messages", m[0], timestamp=dt.datetime(2026, 1, 3, tzinfo=UTC))
    pin(db, "agent_messages", m[1], timestamp=dt.datetime(2026, 1, 1, tzinfo=UTC))
    pin(db, "agent_messages", m[2], timestamp=dt.datetime(2026, 1, 2, tzinfo=UTC))
    assert ids(q.list_agent_messages(db, agent_id=a["id"], skip=0, limit_rows=None)) == [m[1], m[2], m[0]]
    assert ids(q.list_agent_messages(db, agent_id=a["id"], skip=1, limit_rows=1)) == [m[2]]


def test_startup_recovery_of_agents_stuck_running(db):                   # A14
    u = user(db)
    stuck, busy, waiting, idle = (agent(db, u["id"], n) for n in ("stuck", "busy", "waiting", "idle"))
    for a in (stuck, busy, waiting):
        q.set_agent_status(db, agent_id=a["id"], status="running", last_error=None, clear_last_error=None,
                           last_run_at=None)
    run(db, busy["id"], thread(db, busy["id"])["id"], status="queued")
    run(db, waiting["id"], thread(db, waiting["id"])["id"], status="waiting")
    recovered = list(q.recover_stuck_agents(db, last_error="Recovered from stuck running state"))
    # As Zerg: only a running or queued run keeps the agent running.
    assert sorted(ids(recovered)) == sorted([stuck["id"], waiting["id"]])
    assert q.get_agent(db, agent_id=stuck["id"])["last_error"] == "Recovered from stuck running state"
    assert q.get_agent(db, agent_id=busy["id"])["status"] == "running"
    assert q.get_agent(db, agent_id=idle["id"])["status"] == "idle"


def test_agent_advisory_locks_across_two_connections(db, fresh_db_url):   # A15
    owner = user(db)["id"]
    a, b = agent(db, owner, "a"), agent(db, owner, "b")
    db.commit()
    other = connect(fresh_db_url, search_path=("zerg", "public"), autocommit=True)
    db.autocommit = True
    try:
        assert q.lock_agent(db, agent_id=a["id"]) is True
        assert q.lock_agent(db, agent_id=a["id"]) is False          # re-entry counts as "already running"
        assert q.lock_agent(other, agent_id=a["id"]) is False       # another session: refused, not blocked
        assert q.lock_agent(other, agent_id=b["id"]) is True
        # Keys that are no agent id (another advisory lock) are not listed.
        other.execute("SELECT pg_advisory_lock(%s)", [10**12])
        assert [(r["agent_id"], r["pid"]) for r in q.list_locked_agents(db)] == \
            [(a["id"], db.info.backend_pid), (b["id"], other.info.backend_pid)]
        assert q.release_agent_lock(other, agent_id=a["id"]) is False   # not its lock
        assert q.release_agent_lock(db, agent_id=a["id"]) is True
        assert q.lock_agent(other, agent_id=a["id"]) is True
    finally:
        other.close()
    # A closed (or killed) session's locks go with its backend, which exits just after.
    deadline = time.monotonic() + 10
    while list(q.list_locked_agents(db)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(q.list_locked_agents(db)) == []


def test_triggers_by_id_all_email_of_a_connector_and_config_merge(db):   # A17, A18, A19, A20
    u = user(db)
    a, b = agent(db, u["id"], "a"), agent(db, u["id"], "b")
    web = q.create_trigger(db, agent_id=a["id"], type=None, secret="s1", config=None)
    mail = q.create_trigger(db, agent_id=b["id"], type="email", secret="s2",
                            config=Jsonb({"connector_id": 7, "provider": "gmail", "history_id": "1"}))
    q.create_trigger(db, agent_id=b["id"], type="email", secret="s3", config=Jsonb({"connector_id": 8}))
    assert q.get_trigger(db, trigger_id=web["id"])["secret"] == "s1"
    assert len(list(q.list_triggers(db, agent_id=None))) == 3
    assert ids(q.list_triggers(db, agent_id=a["id"])) == [web["id"]]
    assert ids(q.list_email_triggers(db, connector_id=7)) == [mail["id"]]
    merged = q.update_trigger_config(db, trigger_id=mail["id"],
                                     config=Jsonb({"history_id": "2", "watch_expiry": 1767225600000}))
    assert merged["config"] == {"connector_id": 7, "provider": "gmail", "history_id": "2",
                                "watch_expiry": 1767225600000}
    assert q.update_trigger_config(db, trigger_id=web["id"], config=Jsonb({"k": 1}))["config"] == {"k": 1}


# ------------------------------------------------------------------ T: threads, messages

def test_thread_lists_filter_order_by_created_at_and_page(db):          # T01
    ann, bob = user(db), user(db, "bob@example.com")
    a1, a2, b1 = agent(db, ann["id"], "a1"), agent(db, ann["id"], "a2"), agent(db, bob["id"], "b1")
    t = [thread(db, x["id"], title=title, thread_type=kind)["id"]
         for x, title, kind in ((a1, "x", None), (a2, "y", "manual"), (a1, "x", "manual"), (b1, "x", None))]
    # created_at order differs from id order: the lists follow created_at, newest first.
    for i, days in enumerate((3, 1, 2, 0)):
        pin(db, "agent_threads", t[i], created_at=NOW - dt.timedelta(days=days))
    page = dict(thread_type=None, title=None, skip=0, limit_rows=100)
    assert ids(q.list_threads_by_owner(db, owner_id=ann["id"], **page)) == [t[1], t[2], t[0]]
    assert ids(q.list_threads_by_owner(db, owner_id=ann["id"], **{**page, "skip": 1, "limit_rows": 1})) == [t[2]]
    assert ids(q.list_threads_by_owner(db, owner_id=ann["id"], **{**page, "title": "x"})) == [t[2], t[0]]
    assert ids(q.list_threads(db, **page)) == [t[3], t[1], t[2], t[0]]
    assert ids(q.list_threads(db, **{**page, "thread_type": "manual"})) == [t[1], t[2]]
    assert ids(q.list_threads_by_agent(db, agent_id=a1["id"], owner_id=None, **page)) == [t[2], t[0]]
    assert ids(q.list_threads_by_agent(db, agent_id=a1["id"], owner_id=bob["id"], **page)) == []
    assert ids(q.list_threads_by_agent(db, agent_id=a1["id"], owner_id=ann["id"],
                                       **{**page, "thread_type": "chat"})) == [t[0]]


def test_an_active_thread_deactivates_the_agents_other_threads(db):     # T04, T05, T07
    a = agent(db, user(db)["id"])
    other_agent = agent(db, q.get_agent(db, agent_id=a["id"])["owner_id"], "other")
    elsewhere = thread(db, other_agent["id"])
    first = thread(db, a["id"], "first")
    assert q.get_active_thread(db, agent_id=a["id"])["id"] == first["id"]
    second = thread(db, a["id"], "second")                    # active by default: first goes inactive
    assert q.get_thread(db, thread_id=first["id"])["active"] is False
    task = thread(db, a["id"], "task", active=False)          # an inactive one changes nothing
    assert q.get_active_thread(db, agent_id=a["id"])["id"] == second["id"] and task["active"] is False
    up = q.update_thread(db, thread_id=first["id"], title=None, active=True, agent_state=None, clear_agent_state=None,
                         memory_strategy="summary", thread_type="manual")
    assert (up["active"], up["memory_strategy"], up["thread_type"]) == (True, "summary", "manual")
    assert [r["id"] for r in db.execute("SELECT id FROM agent_threads WHERE agent_id = %s AND active",
                                        [a["id"]])] == [first["id"]]
    assert q.get_thread(db, thread_id=elsewhere["id"])["active"] is True   # other agents untouched
    # None keeps; clear_agent_state clears; all NULL only bumps updated_at (T06).
    q.update_thread(db, thread_id=first["id"], title=None, active=None, agent_state=Jsonb({"k": 1}),
                    clear_agent_state=None, memory_strategy=None, thread_type=None)
    cleared = q.update_thread(db, thread_id=first["id"], title=None, active=None, agent_state=None,
                              clear_agent_state=True, memory_strategy=None, thread_type=None)
    assert (cleared["agent_state"], cleared["memory_strategy"], cleared["active"]) == (None, "summary", True)
    with pytest.raises(QueryError, match=r"parameter thread_type: .*agent_threads_thread_type_check"):
        thread(db, a["id"], "scheduler", thread_type="schedule")      # Zerg's scheduler bug: refused
    db.rollback()


def test_api_message_page_is_offset_paged_without_internal_rows(db):    # T09
    th = thread(db, agent(db, user(db)["id"])["id"])["id"]
    m = [message(db, th, "user", str(i), internal=(i == 1))["id"] for i in range(5)]
    assert ids(q.list_thread_message_page(db, thread_id=th, skip=0, limit_rows=100)) == [m[0], m[2], m[3], m[4]]
    assert ids(q.list_thread_message_page(db, thread_id=th, skip=1, limit_rows=2)) == [m[2], m[3]]


def test_message_writes_set_processed_and_a_client_sent_at_within_5_minutes(db):   # T11
    th = thread(db, agent(db, user(db)["id"])["id"])["id"]
    now = db.execute("SELECT now() AS now").fetchone()["now"]
    near = message(db, th, "system", processed=True, sent_at=now - dt.timedelta(minutes=4))
    assert (near["processed"], near["sent_at"]) == (True, now - dt.timedelta(minutes=4))
    far = message(db, th, "user", sent_at=now - dt.timedelta(hours=2))
    assert (far["processed"], far["sent_at"]) == (False, now)   # outside the window: the server's now
    assert message(db, th, "user")["sent_at"] == now


def test_an_agent_turn_is_saved_in_one_statement_with_tool_parents(db):   # T12, T13
    th = thread(db, agent(db, user(db)["id"])["id"])["id"]
    earlier = message(db, th, "assistant", tool_calls=Jsonb([{"id": "c0"}]))
    calls = [{"id": "c1", "name": "search", "args": {}}]
    turn = [{"role": "tool", "content": "late result", "tool_call_id": "c0", "name": "search"},
            {"role": "assistant", "content": "", "tool_calls": calls},
            {"role": "tool", "content": "r1", "tool_call_id": "c1", "name": "search"},
            {"role": "tool", "content": "r2", "tool_call_id": "c2", "name": "search", "tool_calls": None},
            {"role": "assistant", "content": "done", "processed": False, "internal": True}]
    rows = sorted(q.save_thread_messages(db, thread_id=th, messages=Jsonb(turn), processed=None,
                                         parent_id=earlier["id"]), key=lambda r: r["id"])
    assert [r["role"] for r in rows] == ["tool", "assistant", "tool", "tool", "assistant"]
    assert [r["parent_id"] for r in rows] == [earlier["id"], None, rows[1]["id"], rows[1]["id"], None]
    assert (rows[1]["tool_calls"], rows[2]["tool_call_id"], rows[2]["name"], rows[3]["tool_calls"]) == \
        (calls, "c1", "search", None)
    assert [r["processed"] for r in rows] == [True, True, True, True, False] and rows[4]["internal"] is True
    assert len({r["sent_at"] for r in rows}) == 1
    # History order (sent_at, id) is the turn's order.
    assert ids(q.list_thread_messages_by_sent_at(db, thread_id=th, after_sent_at=None, after_id=None,
                                                 limit_rows=10))[1:] == ids(rows)
    unprocessed = q.save_thread_messages(db, thread_id=th, messages=Jsonb([{"role": "user", "content": "u"}]),
                                         processed=False, parent_id=None)
    assert [r["processed"] for r in unprocessed] == [False]
    # T13: the turn's usage merged into the last assistant row's metadata.
    q.update_message_metadata(db, message_id=rows[4]["id"], message_metadata=Jsonb({"a": 1}))
    meta = q.update_message_metadata(db, message_id=rows[4]["id"], message_metadata=Jsonb({"usage": {"total": 9}}))
    assert meta["message_metadata"] == {"a": 1, "usage": {"total": 9}}


def test_tool_call_parents_by_sent_at(db):                               # T21, T22
    th = thread(db, agent(db, user(db)["id"])["id"])["id"]
    old = message(db, th, "assistant", tool_calls=Jsonb([{"id": "c1"}, {"id": "c2"}]))
    new = message(db, th, "assistant", tool_calls=Jsonb([{"id": "c3"}]))
    plain = message(db, th, "assistant")
    # Id order and sent_at order differ: sent_at decides, as in Zerg.
    pin(db, "thread_messages", old["id"], sent_at=NOW)
    pin(db, "thread_messages", new["id"], sent_at=NOW - dt.timedelta(minutes=1))
    pin(db, "thread_messages", plain["id"], sent_at=NOW + dt.timedelta(minutes=1))
    assert q.get_tool_call_message(db, thread_id=th, tool_call_id="c2")["id"] == old["id"]
    assert q.get_tool_call_message(db, thread_id=th, tool_call_id="c3")["id"] == new["id"]
    assert q.get_tool_call_message(db, thread_id=th, tool_call_id="c9") is None
    assert q.get_last_tool_call_message(db, thread_id=th)["id"] == old["id"]


def test_stale_worker_context_is_deleted_by_id_within_its_thread(db):   # T24
    a = agent(db, user(db)["id"])
    th, other = thread(db, a["id"])["id"], thread(db, a["id"], "other")["id"]
    marker = "<!-- RECENT_WORKER_CONTEXT -->"
    stale = [message(db, th, "system", f"ctx {i} {marker}")["id"] for i in range(3)]
    elsewhere = message(db, other, "system", marker)["id"]
    found = ids(q.find_system_messages(db, thread_id=th, pattern=f"%{marker}%"))
    assert sorted(found) == stale
    assert q.delete_messages(db, thread_id=th, message_ids=found[1:] + [elsewhere]) == 2
    assert ids(q.find_system_messages(db, thread_id=th, pattern=f"%{marker}%")) == found[:1]
    assert q.get_thread_message(db, message_id=elsewhere) is not None


def test_activations_of_one_agents_threads_serialise(fresh_db_url):   # T05 across two sessions
    with connect(fresh_db_url, search_path=("zerg", "public")) as c1, \
            connect(fresh_db_url, search_path=("zerg", "public")) as c2:
        a = agent(c1, user(c1)["id"])
        t1, t2 = thread(c1, a["id"], "1")["id"], thread(c1, a["id"], "2")["id"]
        c1.commit()
        keep = dict(title=None, agent_state=None, clear_agent_state=None, memory_strategy=None, thread_type=None)
        q.update_thread(c1, thread_id=t1, active=True, **keep)
        c1.commit()
        q.update_thread(c2, thread_id=t2, active=True, **keep)
        c2.commit()
        active = [r["id"] for r in c1.execute("SELECT id FROM agent_threads WHERE active")]
        assert active == [t2]
        with pytest.raises(psycopg.errors.LockNotAvailable):
            # While one session activates (uncommitted), another's activation waits on its rows.
            q.update_thread(c1, thread_id=t1, active=True, **keep)
            c2.execute("SET lock_timeout = '200ms'")
            q.update_thread(c2, thread_id=t2, active=True, **keep)
        c1.rollback()
        c2.rollback()
