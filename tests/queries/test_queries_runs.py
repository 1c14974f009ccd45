"""Threads and messages (paging by id and sent_at, processing, history), runs
(conditional transitions, the active-run order, continuations, recovery) and run events."""

from __future__ import annotations

import datetime as dt

import pytest
from psycopg.types.json import Jsonb

from zerg_sql.queries import queries as q

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def owner(db):
    u = q.create_user(db, email="a@example.com", provider=None, provider_user_id=None, display_name=None,
                      avatar_url=None, role=None)
    a = q.create_agent(db, owner_id=u["id"], name="sup", system_instructions="s", task_instructions="t",
                       model="m", schedule=None, config=None, allowed_tools=None)
    th = q.create_thread(db, agent_id=a["id"], title="main", active=None, thread_type="super", agent_state=None,
                         memory_strategy=None)
    return {"user": u["id"], "agent": a["id"], "thread": th["id"]}


def msg(db, thread, role, content, *, internal=None, tool_call_id=None, sent_at=None):
    m = q.create_thread_message(db, thread_id=thread, role=role, content=content, tool_calls=None,
                                tool_call_id=tool_call_id, name=None, parent_id=None, processed=None, internal=internal, sent_at=None,
                                message_metadata=None)
    if sent_at is not None:  # sent_at comes from the database clock; tests pin it to order by it
        db.execute("UPDATE thread_messages SET sent_at = %s WHERE id = %s", [sent_at, m["id"]])
    return m["id"]


def run(db, owner, status=None, trigger=None):
    return q.create_run(db, agent_id=owner["agent"], thread_id=owner["thread"], status=status, trigger=trigger,
                        model="m", reasoning_effort=None, correlation_id=None, assistant_message_id=None)


def test_threads(db, owner):
    t = q.get_thread(db, thread_id=owner["thread"])
    assert (t["thread_type"], t["memory_strategy"], t["active"]) == ("super", "buffer", True)
    chat = q.create_thread(db, agent_id=owner["agent"], title="c", active=None, thread_type=None, agent_state=Jsonb({"k": 1}),
                           memory_strategy=None)
    assert chat["thread_type"] == "chat" and chat["agent_state"] == {"k": 1}
    assert q.get_thread_for_owner(db, thread_id=chat["id"], owner_id=owner["user"])["id"] == chat["id"]
    assert q.get_thread_for_owner(db, thread_id=chat["id"], owner_id=owner["user"] + 1) is None
    page = dict(owner_id=None, title=None, skip=0, limit_rows=100)
    assert [r["id"] for r in q.list_threads_by_agent(db, agent_id=owner["agent"], thread_type=None, **page)] == \
        [chat["id"], owner["thread"]]
    assert [r["id"] for r in q.list_threads_by_agent(db, agent_id=owner["agent"], thread_type="chat", **page)] == \
        [chat["id"]]
    assert q.get_supervisor_thread(db, agent_id=owner["agent"])["id"] == owner["thread"]
    up = q.update_thread(db, thread_id=chat["id"], title=None, active=False, agent_state=None, clear_agent_state=None,
                         memory_strategy=None, thread_type=None)
    assert (up["title"], up["active"], up["agent_state"]) == ("c", False, {"k": 1})
    msg(db, chat["id"], "user", "x")
    assert q.delete_thread(db, thread_id=chat["id"]) == 1
    assert q.get_thread(db, thread_id=chat["id"]) is None
    assert db.execute("SELECT count(*) AS n FROM thread_messages").fetchone()["n"] == 0


def test_messages_paging_processing_and_history(db, owner):
    th = owner["thread"]
    ids = [msg(db, th, "system", "[marker:42] ctx", sent_at=T0),
           msg(db, th, "user", "hello", sent_at=T0 + dt.timedelta(seconds=3)),
           msg(db, th, "assistant", "hi", sent_at=T0 + dt.timedelta(seconds=2)),
           msg(db, th, "tool", "result", tool_call_id="call-1", sent_at=T0 + dt.timedelta(seconds=4)),
           msg(db, th, "user", "secret", internal=True, sent_at=T0 + dt.timedelta(seconds=5)),
           msg(db, th, "assistant", "bye", sent_at=T0 + dt.timedelta(seconds=6))]
    assert q.count_thread_messages(db, thread_id=th) == 6
    assert q.get_thread_message(db, message_id=ids[1])["content"] == "hello"
    page1 = [r["id"] for r in q.list_thread_messages(db, thread_id=th, include_internal=False, after_id=0, limit_rows=2)]
    page2 = [r["id"] for r in q.list_thread_messages(db, thread_id=th, include_internal=False, after_id=page1[-1],
                                                     limit_rows=10)]
    assert page1 + page2 == [i for i in ids if i != ids[4]]
    assert len(list(q.list_thread_messages(db, thread_id=th, include_internal=True, after_id=0, limit_rows=10))) == 6
    by_time = [r["id"] for r in q.list_thread_messages_by_sent_at(db, thread_id=th, after_sent_at=None, after_id=None,
                                                                  limit_rows=3)]
    assert by_time == [ids[0], ids[2], ids[1]]
    last = q.get_thread_message(db, message_id=by_time[-1])
    rest = [r["id"] for r in q.list_thread_messages_by_sent_at(db, thread_id=th, after_sent_at=last["sent_at"],
                                                               after_id=last["id"], limit_rows=10)]
    assert rest == [ids[3], ids[4], ids[5]]

    assert [r["id"] for r in q.list_unprocessed_messages(db, thread_id=th)] == ids
    assert q.mark_messages_processed(db, message_ids=ids[:3]) == 3
    assert q.mark_messages_processed(db, message_ids=ids[:3]) == 0
    assert [r["id"] for r in q.list_unprocessed_messages(db, thread_id=th)] == ids[3:]

    history = [r["content"] for r in q.list_chat_history(db, thread_id=th, offset_rows=0, limit_rows=10)]
    assert history == ["hi", "hello", "bye"]
    assert [r["content"] for r in q.list_chat_history(db, thread_id=th, offset_rows=1, limit_rows=1)] == ["hello"]
    assert q.count_chat_history(db, thread_id=th) == 3
    assert q.get_last_user_message(db, thread_id=th)["content"] == "hello"  # the internal one is skipped
    assert [r["tool_call_id"] for r in q.list_tool_results(db, thread_id=th)] == ["call-1"]
    assert q.get_first_assistant_message(db, thread_id=th)["content"] == "hi"
    assert q.get_last_assistant_message(db, thread_id=th)["content"] == "bye"
    assert [r["id"] for r in q.find_system_messages(db, thread_id=th, pattern="[marker:42]%")] == [ids[0]]
    assert list(q.find_system_messages(db, thread_id=th, pattern="%nomatch%")) == []
    n = q.insert_thread_messages(db, [{"thread_id": th, "role": "user", "content": f"m{i}", "internal": None}
                                      for i in range(5)])
    assert n == 5 and q.count_thread_messages(db, thread_id=th) == 11
    assert q.delete_thread_messages(db, thread_id=th) == 11
    assert q.count_thread_messages(db, thread_id=th) == 0


def test_conditional_transitions_fire_only_from_the_expected_state(db, owner):
    r = run(db, owner)
    assert r["status"] == "queued" and r["trigger"] == "manual" and r["trace_id"] is not None
    assert q.resume_run(db, run_id=r["id"]) is None                     # not waiting
    started = q.start_run(db, run_id=r["id"])
    assert started["status"] == "running" and started["started_at"] is not None
    assert q.start_run(db, run_id=r["id"]) is None                      # no second start
    assert q.transition_run(db, run_id=r["id"], from_status="queued", to_status="waiting") is None
    assert q.transition_run(db, run_id=r["id"], from_status="running", to_status="success") is None  # final: finish_run
    assert q.transition_run(db, run_id=r["id"], from_status="running", to_status="waiting")["status"] == "waiting"
    assert q.resume_run(db, run_id=r["id"])["status"] == "running"
    done = q.finish_run(db, run_id=r["id"], status="success", total_tokens=120, total_cost_usd=0.25,
                        error=None, summary="ok")
    assert (done["status"], done["total_tokens"], done["summary"]) == ("success", 120, "ok")
    assert done["finished_at"] is not None and done["duration_ms"] >= 0
    assert q.finish_run(db, run_id=r["id"], status="failed", total_tokens=None, total_cost_usd=None,
                        error="late", summary=None) is None
    assert q.cancel_run(db, run_id=r["id"], cancel_reason="x") is None
    assert q.get_run(db, run_id=r["id"])["status"] == "success"
    r2 = run(db, owner)
    c = q.cancel_run(db, run_id=r2["id"], cancel_reason="user stop")
    assert (c["status"], c["cancel_reason"]) == ("cancelled", "user stop")


def _age(db, run_id, seconds):
    db.execute("UPDATE agent_runs SET created_at = %s WHERE id = %s", [T0 + dt.timedelta(seconds=seconds), run_id])


def test_active_run_order(db, owner):
    assert q.get_active_run(db, agent_id=owner["agent"]) is None
    deferred = run(db, owner, status="deferred")
    _age(db, deferred["id"], 30)
    assert q.get_active_run(db, agent_id=owner["agent"])["id"] == deferred["id"]
    # A deferred run whose continuation finished is no longer active ...
    cont = q.create_continuation_run(db, continuation_of_run_id=deferred["id"], model=None, reasoning_effort=None)
    assert cont["trigger"] == "continuation" and cont["thread_id"] == owner["thread"]
    assert q.get_active_run(db, agent_id=owner["agent"])["id"] == deferred["id"]  # continuation still queued
    q.finish_run(db, run_id=cont["id"], status="success", total_tokens=None, total_cost_usd=None, error=None,
                 summary=None)
    assert q.get_active_run(db, agent_id=owner["agent"]) is None
    # ... waiting beats deferred even when older, running beats waiting, newest first within a status.
    other_deferred = run(db, owner, status="deferred")
    _age(db, other_deferred["id"], 50)
    waiting = run(db, owner, status="waiting")
    _age(db, waiting["id"], 10)
    assert q.get_active_run(db, agent_id=owner["agent"])["id"] == waiting["id"]
    old_running = run(db, owner, status="running")
    _age(db, old_running["id"], 1)
    new_running = run(db, owner, status="running")
    _age(db, new_running["id"], 2)
    assert q.get_active_run(db, agent_id=owner["agent"])["id"] == new_running["id"]


def test_runs_lookup_continuation_recovery(db, owner):
    a = run(db, owner)
    _age(db, a["id"], 1)
    b = run(db, owner, status="running", trigger="chat")
    _age(db, b["id"], 2)
    assert q.get_run_for_owner(db, run_id=a["id"], owner_id=owner["user"])["id"] == a["id"]
    assert q.get_run_for_owner(db, run_id=a["id"], owner_id=owner["user"] + 1) is None
    assert [r["id"] for r in q.list_runs_by_agent(db, agent_id=owner["agent"], limit_rows=10)] == [b["id"], a["id"]]
    assert [r["id"] for r in q.list_runs_by_owner(db, owner_id=owner["user"], agent_id=None, limit_rows=1)] == [b["id"]]
    assert [r["id"] for r in q.list_runs_by_owner(db, owner_id=owner["user"], agent_id=owner["agent"],
                                                 limit_rows=10)] == [b["id"], a["id"]]
    assert [r["id"] for r in q.list_runs_by_trace(db, trace_id=a["trace_id"])] == [a["id"]]
    assert q.get_latest_thread_run(db, thread_id=owner["thread"])["id"] == b["id"]

    assert q.get_continuation_run(db, run_id=a["id"]) is None
    c1 = q.create_continuation_run(db, continuation_of_run_id=a["id"], model="m2", reasoning_effort="low")
    c2 = q.create_continuation_run(db, continuation_of_run_id=a["id"], model="other", reasoning_effort=None)
    assert c1["id"] == c2["id"] and c2["model"] == "m2"          # idempotent: the replay gets the same run
    assert q.get_continuation_run(db, run_id=a["id"])["id"] == c1["id"]

    deferred = run(db, owner, status="deferred")
    assert {r["id"] for r in q.list_unfinished_runs(db)} == {a["id"], b["id"], c1["id"], deferred["id"]}
    recovered = list(q.recover_interrupted_runs(db, error="server restarted"))
    assert [r["id"] for r in recovered] == [b["id"]]
    assert q.get_run(db, run_id=b["id"])["error"] == "server restarted"
    assert q.delete_run(db, run_id=a["id"]) == 1 and q.get_run(db, run_id=a["id"]) is None
    assert q.get_run(db, run_id=c1["id"])["continuation_of_run_id"] is None  # kept, detached


def test_run_events(db, owner):
    r = run(db, owner)
    ids = [q.append_run_event(db, run_id=r["id"], event_type=t, payload=Jsonb({"i": i}))
           for i, t in enumerate(["supervisor_started", "supervisor_token", "supervisor_token", "worker_spawned"])]
    assert ids == sorted(ids)
    assert [e["id"] for e in q.list_run_events_after(db, run_id=r["id"], after_id=ids[0], exclude_type=None)] == ids[1:]
    assert [e["id"] for e in q.list_run_events_after(db, run_id=r["id"], after_id=0,
                                                     exclude_type="supervisor_token")] == [ids[0], ids[3]]
    assert [e["payload"] for e in q.list_run_events(db, run_id=r["id"], event_type="supervisor_token",
                                                    limit_rows=1)] == [{"i": 1}]
    assert q.get_last_run_event_id(db, run_id=r["id"]) == ids[-1]
    assert q.count_run_events(db, run_id=r["id"], event_type=None) == 4
    assert q.count_run_events(db, run_id=r["id"], event_type="supervisor_token") == 2
    assert list(q.count_run_events_by_type(db, run_id=r["id"])) == [
        {"event_type": "supervisor_started", "events": 1}, {"event_type": "supervisor_token", "events": 2},
        {"event_type": "worker_spawned", "events": 1}]
    r2 = run(db, owner)
    q.append_run_event(db, run_id=r2["id"], event_type="worker_complete", payload=Jsonb({}))
    hist = [e["id"] for e in q.list_agent_history_events(db, agent_id=owner["agent"],
                                                         event_types=["worker_spawned", "worker_complete"])]
    assert len(hist) == 2 and hist[0] == ids[3]
    assert q.delete_run_events(db, run_id=r["id"]) == 4
    assert q.get_last_run_event_id(db, run_id=r["id"]) is None
