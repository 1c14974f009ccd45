"""Users, agents (+ triggers, legacy messages, delete cascade), connectors and
credentials, user tasks, waitlist, sync operations: each query runs and its effect is
checked against the tables."""

from __future__ import annotations

import datetime as dt

from psycopg.types.json import Jsonb

from zerg_sql.queries import queries as q

UTC = dt.timezone.utc


def user(db, email="ann@example.com"):
    return q.create_user(db, email=email, provider="google", provider_user_id="sub-" + email,
                         display_name="Ann", avatar_url=None, role=None)


def agent(db, owner_id, name="helper", config=None, schedule=None):
    return q.create_agent(db, owner_id=owner_id, name=name, system_instructions="sys", task_instructions="task",
                          model="gpt-5.2", schedule=schedule, config=config, allowed_tools=Jsonb(["web_search"]))


def count(db, table):
    # Table names here are literals of this test file, never input.
    return db.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def test_users(db):
    u = user(db)
    assert u["role"] == "user" and u["is_active"] and u["context"] == {} and u["id"] > 0
    bob = user(db, "bob@example.com")
    assert q.get_user(db, user_id=u["id"])["email"] == "ann@example.com"
    assert q.get_user_by_email(db, email="bob@example.com")["id"] == bob["id"]
    assert q.get_user_by_provider(db, provider="google", provider_user_id="sub-bob@example.com")["id"] == bob["id"]
    assert [r["id"] for r in q.list_users(db, after_id=0, limit_rows=1)] == [u["id"]]
    assert [r["id"] for r in q.list_users(db, after_id=u["id"], limit_rows=10)] == [bob["id"]]
    assert q.count_users(db) == 2
    p = q.update_user_profile(db, user_id=u["id"], display_name=None, clear_display_name=None,
                              avatar_url="https://a/x.png", clear_avatar_url=None,
                              prefs=Jsonb({"theme": "dark"}))
    assert (p["display_name"], p["avatar_url"], p["prefs"]) == ("Ann", "https://a/x.png", {"theme": "dark"})
    assert q.update_user_context(db, user_id=u["id"], context=Jsonb({"servers": ["a"]}))["context"] == {"servers": ["a"]}
    assert q.set_user_role(db, user_id=u["id"], role="admin")["role"] == "admin"
    assert q.set_user_active(db, user_id=u["id"], is_active=False)["is_active"] is False
    assert q.record_user_login(db, user_id=u["id"]) == 1 and q.get_user(db, user_id=u["id"])["last_login"]
    assert q.set_user_gmail_refresh_token(db, user_id=u["id"], gmail_refresh_token="tok") == 1
    assert q.get_user(db, user_id=u["id"])["gmail_refresh_token"] == "tok"
    assert q.delete_user(db, user_id=bob["id"]) == 1
    assert q.get_user(db, user_id=bob["id"]) is None and q.count_users(db) == 1


def test_agents_triggers_and_messages(db):
    u = user(db)
    a = agent(db, u["id"], config=Jsonb({"is_supervisor": True}))
    b = agent(db, u["id"], name="scheduled", schedule="0 * * * *")
    assert a["status"] == "idle" and a["allowed_tools"] == ["web_search"]
    assert q.get_agent(db, agent_id=a["id"])["name"] == "helper"
    other = user(db, "eve@example.com")
    assert q.get_agent_for_owner(db, agent_id=a["id"], owner_id=u["id"])["id"] == a["id"]
    assert q.get_agent_for_owner(db, agent_id=a["id"], owner_id=other["id"]) is None
    assert [r["id"] for r in q.list_agents_by_owner(db, owner_id=u["id"], skip=0, limit_rows=100)] == [a["id"], b["id"]]
    assert q.get_supervisor_agent(db, owner_id=u["id"])["id"] == a["id"]
    assert [r["id"] for r in q.list_scheduled_agents(db)] == [b["id"]]
    up = q.update_agent(db, agent_id=a["id"], name="renamed", system_instructions=None, task_instructions=None,
                        model=None, status=None, schedule=None, clear_schedule=None, config=None,
                        allowed_tools=Jsonb([]))
    assert (up["name"], up["model"], up["allowed_tools"]) == ("renamed", "gpt-5.2", [])
    nxt = dt.datetime(2026, 1, 2, tzinfo=UTC)
    s = q.update_agent(db, agent_id=b["id"], name=None, system_instructions=None, task_instructions=None, model=None,
                       status=None, schedule=None, clear_schedule=True, config=None, allowed_tools=None)
    assert s["schedule"] is None and list(q.list_scheduled_agents(db)) == []
    assert q.set_agent_next_run(db, agent_id=b["id"], next_run_at=nxt)["next_run_at"] == nxt
    e = q.set_agent_status(db, agent_id=a["id"], status="error", last_error="boom", clear_last_error=None,
                           last_run_at=None)
    assert (e["status"], e["last_error"]) == ("error", "boom")

    m = q.create_agent_message(db, agent_id=a["id"], role="user", content="hi")
    assert [r["id"] for r in q.list_agent_messages(db, agent_id=a["id"], skip=0, limit_rows=None)] == [m["id"]]
    tr = q.create_trigger(db, agent_id=a["id"], type=None, secret="s3cret", config=None)
    assert tr["type"] == "webhook"
    assert q.get_trigger_by_secret(db, secret="s3cret")["agent_id"] == a["id"]
    tr2 = q.create_trigger(db, agent_id=a["id"], type="email", secret="other", config=Jsonb({"x": 1}))
    assert [r["id"] for r in q.list_triggers(db, agent_id=a["id"])] == [tr["id"], tr2["id"]]
    assert q.delete_trigger(db, trigger_id=tr2["id"]) == 1
    assert [r["id"] for r in q.list_triggers(db, agent_id=a["id"])] == [tr["id"]]


def test_delete_agent_cascades_in_one_call(db):
    u = user(db)
    a = agent(db, u["id"])
    keep = agent(db, u["id"], name="keep")
    th = q.create_thread(db, agent_id=a["id"], title="t", active=None, thread_type=None, agent_state=None, memory_strategy=None)
    q.create_thread_message(db, thread_id=th["id"], role="user", content="hi", tool_calls=None, tool_call_id=None,
                            name=None, parent_id=None, processed=None, internal=None, sent_at=None, message_metadata=None)
    run = q.create_run(db, agent_id=a["id"], thread_id=th["id"], status=None, trigger=None, model=None,
                       reasoning_effort=None, correlation_id=None, assistant_message_id=None)
    q.append_run_event(db, run_id=run["id"], event_type="x", payload=Jsonb({}))
    job = q.create_worker_job(db, owner_id=u["id"], supervisor_run_id=run["id"], tool_call_id="c1", trace_id=None,
                              task="t", model="m", reasoning_effort=None, status=None)
    audit = q.insert_llm_audit(db, run_id=run["id"], worker_id=None, thread_id=th["id"], owner_id=u["id"],
                               trace_id=None, span_id=None, phase="initial", model="m", messages=None,
                               message_count=None, input_tokens=None, response_content=None,
                               response_tool_calls=None, output_tokens=None, reasoning_tokens=None,
                               duration_ms=None, checkpoint_id=None, error=None)
    q.create_trigger(db, agent_id=a["id"], type=None, secret="s", config=None)
    q.upsert_agent_credential(db, agent_id=a["id"], connector_type="github", encrypted_value="enc",
                              display_name=None, connector_metadata=None)
    assert q.delete_agent(db, agent_id=a["id"]) == 1
    for table in ("agent_threads", "thread_messages", "agent_runs", "agent_run_events", "triggers",
                  "connector_credentials"):
        assert count(db, table) == 0, table
    # History survives, detached: the worker job and the audit row.
    assert q.get_worker_job(db, job_id=job["id"])["supervisor_run_id"] is None
    row = db.execute("SELECT run_id, thread_id, owner_id FROM llm_audit_log WHERE id = %s", [audit]).fetchone()
    assert row == {"run_id": None, "thread_id": None, "owner_id": u["id"]}
    assert q.get_agent(db, agent_id=keep["id"]) is not None


def test_connectors_and_credentials(db):
    u = user(db)
    a = agent(db, u["id"])
    c = q.create_connector(db, owner_id=u["id"], type="email", provider="gmail", config=Jsonb({"h": 1}))
    assert q.get_connector(db, connector_id=c["id"])["provider"] == "gmail"
    c2 = q.create_connector(db, owner_id=u["id"], type="email", provider="fastmail", config=None)
    assert [r["id"] for r in q.list_connectors(db, owner_id=u["id"], type=None, provider=None)] == [c["id"], c2["id"]]
    assert q.update_connector_config(db, connector_id=c["id"], config=Jsonb({"h": 2}))["config"] == {"h": 2}
    assert q.delete_connector(db, connector_id=c2["id"]) == 1

    cred = q.upsert_agent_credential(db, agent_id=a["id"], connector_type="slack", encrypted_value="v1",
                                     display_name="S", connector_metadata=None)
    tested = q.set_agent_credential_test_status(db, credential_id=cred["id"], test_status="success",
                                              connector_metadata=None)
    assert tested["test_status"] == "success" and tested["last_tested_at"] is not None
    again = q.upsert_agent_credential(db, agent_id=a["id"], connector_type="slack", encrypted_value="v2",
                                      display_name="S2", connector_metadata=Jsonb({"team": "t"}))
    assert again["id"] == cred["id"] and again["encrypted_value"] == "v2" and again["test_status"] == "untested"
    assert q.get_agent_credential(db, agent_id=a["id"], connector_type="slack")["display_name"] == "S2"
    assert [r["connector_type"] for r in q.list_agent_credentials(db, agent_id=a["id"])] == ["slack"]
    assert q.delete_agent_credential(db, agent_id=a["id"], connector_type="slack") == 1
    assert q.get_agent_credential(db, agent_id=a["id"], connector_type="slack") is None

    acc = q.upsert_account_credential(db, owner_id=u["id"], organization_id=None, connector_type="github",
                                      encrypted_value="g1", display_name=None, connector_metadata=None,
                                      test_status=None)
    assert q.set_account_credential_test_status(db, credential_id=acc["id"], test_status="failed",
                                                connector_metadata=None)["test_status"] == "failed"
    acc2 = q.upsert_account_credential(db, owner_id=u["id"], organization_id=7, connector_type="github",
                                       encrypted_value="g2", display_name="GH", connector_metadata=None,
                                       test_status=None)
    assert (acc2["id"], acc2["organization_id"], acc2["test_status"]) == (acc["id"], 7, "untested")
    assert q.get_account_credential(db, owner_id=u["id"], connector_type="github")["encrypted_value"] == "g2"
    assert [r["id"] for r in q.list_account_credentials(db, owner_id=u["id"])] == [acc["id"]]
    assert q.delete_account_credential(db, owner_id=u["id"], connector_type="github") == 1
    assert list(q.list_account_credentials(db, owner_id=u["id"])) == []


def test_user_tasks_are_scoped_to_their_user(db):
    u, other = user(db), user(db, "o@example.com")
    due = dt.datetime(2026, 3, 1, tzinfo=UTC)
    t1 = q.create_user_task(db, user_id=u["id"], title="later", notes=None, due_at=None)
    t2 = q.create_user_task(db, user_id=u["id"], title="soon", notes="n", due_at=due)
    assert t1["status"] == "pending"
    assert q.get_user_task(db, task_id=t1["id"], user_id=other["id"]) is None
    assert q.get_user_task(db, task_id=t1["id"], user_id=u["id"])["title"] == "later"
    assert [r["id"] for r in q.list_user_tasks(db, user_id=u["id"], status=None, skip=0, limit_rows=10)] == \
        [t2["id"], t1["id"]]
    upd = q.update_user_task(db, task_id=t1["id"], user_id=u["id"], title=None, notes="x", status=None, due_at=None,
                             clear_due_at=False)
    assert (upd["title"], upd["notes"]) == ("later", "x")
    assert q.set_user_task_status(db, task_id=t2["id"], user_id=other["id"], status="done") is None
    assert q.set_user_task_status(db, task_id=t2["id"], user_id=u["id"], status="done")["status"] == "done"
    assert [r["id"] for r in q.list_user_tasks(db, user_id=u["id"], status="done", skip=0, limit_rows=10)] == [t2["id"]]
    assert q.delete_user_task(db, task_id=t1["id"], user_id=other["id"]) == 0
    assert q.delete_user_task(db, task_id=t1["id"], user_id=u["id"]) == 1


def test_waitlist_is_idempotent_per_email(db):
    first = q.add_waitlist_entry(db, email="w@example.com", source=None, notes="hi")
    again = q.add_waitlist_entry(db, email="w@example.com", source="other", notes="changed")
    assert first["created"] is True and again["created"] is False
    assert (again["id"], again["source"], again["notes"]) == (first["id"], "pricing_pro", "hi")
    q.add_waitlist_entry(db, email="z@example.com", source=None, notes=None)
    assert q.count_waitlist_entries(db) == 2
    assert [r["email"] for r in q.list_waitlist_entries(db, after_id=first["id"], limit_rows=10)] == ["z@example.com"]
    assert q.delete_waitlist_entry(db, email="w@example.com") == 1 and q.count_waitlist_entries(db) == 1


def test_sync_operations_are_idempotent_per_user(db):
    u, other = user(db), user(db, "o@example.com")
    ts = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert q.get_max_sync_lamport(db, user_id=u["id"]) is None
    op = q.record_sync_operation(db, user_id=u["id"], op_id="op-1", type="message", body=Jsonb({"t": "hi"}),
                                 lamport=1, ts=ts)
    replay = q.record_sync_operation(db, user_id=u["id"], op_id="op-1", type="edit", body=Jsonb({"t": "no"}),
                                     lamport=9, ts=ts)
    assert op["created"] is True and replay["created"] is False
    assert (replay["id"], replay["type"], replay["body"], replay["lamport"]) == (op["id"], "message", {"t": "hi"}, 1)
    # The same op_id from another user is another operation (op_id is unique per user only).
    theirs = q.record_sync_operation(db, user_id=other["id"], op_id="op-1", type="message", body=Jsonb({}),
                                     lamport=1, ts=ts)
    assert theirs["created"] is True and theirs["id"] != op["id"]
    q.record_sync_operation(db, user_id=u["id"], op_id="op-2", type="message", body=Jsonb({}), lamport=5, ts=ts)
    assert q.count_sync_operations(db, user_id=u["id"]) == 2
    assert q.get_max_sync_lamport(db, user_id=u["id"]) == 5
    assert [r["op_id"] for r in q.list_sync_operations(db, user_id=u["id"], after_id=op["id"], limit_rows=10)] == ["op-2"]
