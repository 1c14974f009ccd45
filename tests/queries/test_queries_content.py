"""Workflows (+ templates, executions, node states, canvas layouts), knowledge, memory,
the LLM audit log (single, executemany and COPY paths), and the async interface."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from psycopg.types.json import Jsonb

from zerg_sql.db import connect_async
from zerg_sql.queries import QueryError, acopy_rows, aqueries, copy_rows
from zerg_sql.queries import queries as q

UTC = dt.timezone.utc


@pytest.fixture
def uid(db):
    return q.create_user(db, email="c@example.com", provider=None, provider_user_id=None, display_name=None,
                         avatar_url=None, role=None)["id"]


def test_workflows_executions_and_layouts(db, uid):
    w = q.create_workflow(db, owner_id=uid, name="flow", description=None, canvas=Jsonb({"nodes": []}))
    assert q.get_workflow(db, workflow_id=w["id"])["canvas"] == {"nodes": []}
    w2 = q.create_workflow(db, owner_id=uid, name="old", description="d", canvas=Jsonb({}))
    assert q.update_workflow(db, workflow_id=w2["id"], name=None, description=None, canvas=None,
                             is_active=False)["is_active"] is False
    assert [r["id"] for r in q.list_workflows(db, owner_id=uid, name=None, skip=0, limit_rows=10)] == [w["id"]]

    tpl = q.create_workflow_template(db, created_by=uid, name="T", description=None, category="email",
                                     canvas=Jsonb({}), tags=None, preview_image_url=None, is_public=False)
    assert (tpl["tags"], tpl["is_public"]) == ([], False)
    assert q.get_workflow_template(db, template_id=tpl["id"])["category"] == "email"
    mine = dict(user_id=uid, mine_only=True, skip=0, limit_rows=10)
    assert [r["id"] for r in q.list_workflow_templates(db, **mine, category=None)] == [tpl["id"]]
    assert list(q.list_workflow_templates(db, **{**mine, "user_id": uid + 1}, category=None)) == []   # private
    assert list(q.list_workflow_templates(db, **mine, category="other")) == []
    assert q.delete_workflow_template(db, template_id=tpl["id"]) == 1

    ex = q.create_workflow_execution(db, workflow_id=w["id"], triggered_by=None)
    assert (ex["phase"], ex["triggered_by"]) == ("waiting", "manual")
    assert q.finish_workflow_execution(db, execution_id=ex["id"], result="success", failure_kind=None,
                                       error_message=None, log=None) is None          # not running yet
    assert q.start_workflow_execution(db, execution_id=ex["id"])["phase"] == "running"
    assert q.start_workflow_execution(db, execution_id=ex["id"]) is None
    assert q.touch_workflow_execution(db, execution_id=ex["id"]) == 1
    st = q.create_node_execution_state(db, workflow_execution_id=ex["id"], node_id="n1")
    assert q.finish_node_execution_state(db, state_id=st["id"], result="success", output=None, failure_kind=None,
                                         error_message=None) is None
    assert q.start_node_execution_state(db, state_id=st["id"])["phase"] == "running"
    fin = q.finish_node_execution_state(db, state_id=st["id"], result="failure", output=Jsonb({"o": 1}),
                                        failure_kind="user", error_message="bad")
    assert (fin["phase"], fin["result"], fin["output"]) == ("finished", "failure", {"o": 1})
    assert [r["node_id"] for r in q.list_node_execution_states(db, workflow_execution_id=ex["id"])] == ["n1"]
    done = q.finish_workflow_execution(db, execution_id=ex["id"], result="failure", failure_kind="user",
                                       error_message="bad", log="trace")
    assert (done["phase"], done["result"], done["log"]) == ("finished", "failure", "trace")
    assert q.get_workflow_execution(db, execution_id=ex["id"])["finished_at"] is not None
    assert q.touch_workflow_execution(db, execution_id=ex["id"]) == 0
    assert [r["id"] for r in q.list_workflow_executions(db, workflow_id=w["id"], limit_rows=5)] == [ex["id"]]

    g1 = q.save_canvas_layout(db, user_id=uid, nodes_json=Jsonb({"a": 1}), viewport=None)
    g2 = q.save_canvas_layout(db, user_id=uid, nodes_json=Jsonb({"a": 2}), viewport=Jsonb({"z": 1}))
    assert g1["id"] == g2["id"] and g2["nodes_json"] == {"a": 2}                      # one global layout
    l1 = q.save_workflow_canvas_layout(db, user_id=uid, workflow_id=w["id"], nodes_json=Jsonb({"b": 1}), viewport=None)
    l2 = q.save_workflow_canvas_layout(db, user_id=uid, workflow_id=w["id"], nodes_json=Jsonb({"b": 2}), viewport=None)
    assert l1["id"] == l2["id"] != g1["id"]
    assert q.get_canvas_layout(db, user_id=uid, workflow_id=None)["nodes_json"] == {"a": 2}
    assert q.get_canvas_layout(db, user_id=uid, workflow_id=w["id"])["nodes_json"] == {"b": 2}
    assert q.delete_workflow(db, workflow_id=w["id"]) == 1
    assert q.get_canvas_layout(db, user_id=uid, workflow_id=w["id"]) is None
    assert q.get_workflow_execution(db, execution_id=ex["id"]) is None


def test_knowledge(db, uid):
    s = q.create_knowledge_source(db, owner_id=uid, source_type="url", name="docs", config=Jsonb({"url": "u"}),
                                  sync_schedule=None)
    assert s["sync_status"] == "pending"
    assert q.get_knowledge_source(db, source_id=s["id"])["name"] == "docs"
    assert [r["id"] for r in q.list_knowledge_sources(db, owner_id=uid, skip=0, limit_rows=10)] == [s["id"]]
    failed = q.record_knowledge_sync(db, source_id=s["id"], sync_status="failed", sync_error="404")
    assert failed["sync_status"] == "failed" and failed["last_synced_at"] is not None
    ok = q.record_knowledge_sync(db, source_id=s["id"], sync_status="success", sync_error=None)
    assert ok["last_synced_at"] is not None and ok["sync_error"] is None
    d1 = q.upsert_knowledge_document(db, source_id=s["id"], owner_id=uid, path="/a", title="Alpha",
                                     content_text="the 100% guide", content_hash="h1", doc_metadata=None)
    d2 = q.upsert_knowledge_document(db, source_id=s["id"], owner_id=uid, path="/a", title="Alpha",
                                     content_text="v2 text", content_hash="h2", doc_metadata=Jsonb({"v": 2}))
    assert d1["id"] == d2["id"] and d2["content_hash"] == "h2" and d1["doc_metadata"] == {}
    q.upsert_knowledge_document(db, source_id=s["id"], owner_id=uid, path="/b", title=None,
                                content_text="beta", content_hash="h3", doc_metadata=None)
    assert sorted(r["path"] for r in q.list_knowledge_documents(db, owner_id=uid, source_id=s["id"], skip=0,
                                                                 limit_rows=10)) == ["/a", "/b"]
    assert [r["path"] for r in q.search_knowledge_documents(db, owner_id=uid, pattern="%V2%", limit_rows=5)] == ["/a"]
    assert list(q.search_knowledge_documents(db, owner_id=uid, pattern="%alpha%", limit_rows=5)) == []  # title only
    assert q.delete_knowledge_document(db, document_id=d1["id"]) == 1
    assert q.delete_knowledge_source(db, source_id=s["id"]) == 1
    assert db.execute("SELECT count(*) AS n FROM knowledge_documents").fetchone()["n"] == 0


def test_memory(db, uid):
    past = dt.datetime.now(UTC) - dt.timedelta(seconds=1)
    kv = q.upsert_memory_kv(db, user_id=uid, key="color", value=Jsonb("blue"), tags=Jsonb(["pref"]), expires_at=None)
    assert (kv["value"], kv["tags"]) == ("blue", ["pref"])
    assert q.upsert_memory_kv(db, user_id=uid, key="color", value=Jsonb({"c": "red"}), tags=None,
                              expires_at=None)["value"] == {"c": "red"}
    q.upsert_memory_kv(db, user_id=uid, key="tmp", value=Jsonb(1), tags=Jsonb(["pref"]), expires_at=past)
    q.upsert_memory_kv(db, user_id=uid, key="zz", value=Jsonb(2), tags=Jsonb(["pref"]), expires_at=None)
    assert q.get_memory_kv(db, user_id=uid, key="color")["value"] == {"c": "red"}
    assert q.get_memory_kv(db, user_id=uid, key="tmp") is None                         # expired
    assert [r["key"] for r in q.list_memory_kv(db, user_id=uid, tags=None, limit_rows=10)] == ["color", "zz"]
    assert [r["key"] for r in q.list_memory_kv(db, user_id=uid, tags=["pref"], limit_rows=10)] == ["zz"]
    assert q.delete_expired_memory_kv(db) == 1
    assert q.delete_memory_kv(db, user_id=uid, key="zz") == 1

    f = q.upsert_memory_file(db, owner_id=uid, path="notes/a.md", title=None, content="A", tags=None,
                             file_metadata=None)
    f2 = q.upsert_memory_file(db, owner_id=uid, path="notes/a.md", title="A", content="A2", tags=Jsonb(["x"]),
                              file_metadata=None)
    assert f["id"] == f2["id"] and f2["content"] == "A2" and f["last_accessed_at"] is None
    q.upsert_memory_file(db, owner_id=uid, path="other/b.md", title=None, content="B", tags=None, file_metadata=None)
    assert q.read_memory_file(db, owner_id=uid, path="notes/a.md")["last_accessed_at"] is not None
    assert q.read_memory_file(db, owner_id=uid, path="missing") is None
    assert [r["path"] for r in q.list_memory_files(db, owner_id=uid, path_pattern="notes/%", skip=0,
                                                    limit_rows=10)] == ["notes/a.md"]
    vec = bytes(range(16))
    e = q.upsert_memory_embedding(db, owner_id=uid, memory_file_id=f["id"], model="emb", embedding=vec)
    e2 = q.upsert_memory_embedding(db, owner_id=uid, memory_file_id=f["id"], model="emb", embedding=vec[::-1])
    assert e["id"] == e2["id"]
    rows = list(q.list_memory_embeddings(db, owner_id=uid, model="emb"))
    assert [(r["path"], bytes(r["embedding"])) for r in rows] == [("notes/a.md", vec[::-1])]
    assert q.delete_memory_file(db, owner_id=uid, path="notes/a.md") == 1
    assert list(q.list_memory_embeddings(db, owner_id=uid, model="emb")) == []


AUDIT = dict(run_id=None, worker_id=None, thread_id=None, owner_id=None, trace_id=None, span_id=None,
             phase="initial", model="gpt", messages=None, message_count=None, input_tokens=None,
             response_content=None, response_tool_calls=None, output_tokens=None, reasoning_tokens=None,
             duration_ms=None, checkpoint_id=None, error=None)


def test_llm_audit_single_batched_and_copy(db, uid):
    trace = uuid.uuid4()
    one = q.insert_llm_audit(db, **{**AUDIT, "owner_id": uid, "trace_id": trace,
                                    "messages": Jsonb([{"role": "user", "content": "hi"}]), "input_tokens": 5})
    assert isinstance(one, int)
    batch = [{**AUDIT, "created_at": None, "owner_id": uid, "trace_id": trace, "span_id": uuid.uuid4(), "output_tokens": i}
             for i in range(25)]
    assert q.insert_llm_audits(db, batch) == 25
    rows = [{"owner_id": uid, "trace_id": str(trace), "phase": "synthesis", "model": "gpt",
             "messages": [{"role": "user", "content": f"m{i}\ttab\nline \\ back"}], "input_tokens": i,
             "response_tool_calls": {"calls": []}}
            for i in range(200)]
    assert copy_rows(db, "llm_audit_log", rows) == 200
    assert q.count_llm_audit_since(db, since=dt.datetime.now(UTC) - dt.timedelta(minutes=1)) == \
        {"calls": 226, "traced_calls": 226}
    # Calls without a trace are counted apart (their own partial index): one now, one before the cutoff.
    untraced = q.insert_llm_audit(db, **{**AUDIT, "owner_id": uid})
    old = q.insert_llm_audit(db, **{**AUDIT, "owner_id": uid})
    db.execute("UPDATE llm_audit_log SET created_at = now() - interval '1 hour' WHERE id = %s", (old,))
    assert untraced != old
    assert q.count_llm_audit_since(db, since=dt.datetime.now(UTC) - dt.timedelta(minutes=1)) == \
        {"calls": 227, "traced_calls": 226}
    assert q.count_llm_audit_since(db, since=dt.datetime.now(UTC) - dt.timedelta(hours=2)) == \
        {"calls": 228, "traced_calls": 226}
    got = db.execute("SELECT messages, response_tool_calls FROM llm_audit_log WHERE phase = 'synthesis' "
                     "AND input_tokens = 7").fetchone()
    assert got == {"messages": [{"role": "user", "content": "m7\ttab\nline \\ back"}], "response_tool_calls": {"calls": []}}
    assert len(list(q.list_llm_audit_by_trace(db, trace_id=trace, limit_rows=10))) == 10
    assert q.delete_llm_audit_by_owner(db, owner_id=uid) == 228


def test_copy_is_all_or_nothing_and_names_the_column(db, uid):
    good = {"owner_id": uid, "phase": "initial"}
    with pytest.raises(QueryError, match=r"copy llm_audit_log, parameter bogus: .*unknown column"):
        copy_rows(db, "llm_audit_log", [good, {"bogus": 1}])
    db.rollback()
    with pytest.raises(QueryError, match=r"copy llm_audit_log.*llm_audit_log_phase_check") as err:
        copy_rows(db, "llm_audit_log", [good] * 10 + [{"phase": "nonsense"}])
    assert err.value.sqlstate == "23514"
    db.rollback()
    assert db.execute("SELECT count(*) AS n FROM llm_audit_log").fetchone()["n"] == 0


def test_llm_audit_by_run(db, uid):
    a = q.create_agent(db, owner_id=uid, name="a", system_instructions="s", task_instructions="t", model="m",
                       schedule=None, config=None, allowed_tools=None)
    th = q.create_thread(db, agent_id=a["id"], title="t", active=None, thread_type=None, agent_state=None, memory_strategy=None)
    r = q.create_run(db, agent_id=a["id"], thread_id=th["id"], status=None, trigger=None, model=None,
                     reasoning_effort=None, correlation_id=None, assistant_message_id=None)
    for w in ("w1", "w2", None):
        q.insert_llm_audit(db, **{**AUDIT, "run_id": r["id"], "worker_id": w})
    assert len(list(q.list_llm_audit_by_run(db, run_id=r["id"], worker_id=None, since=None, limit_rows=100))) == 3
    only = list(q.list_llm_audit_by_run(db, run_id=r["id"], worker_id="w2", since=None, limit_rows=100))
    assert [x["worker_id"] for x in only] == ["w2"]
    future = dt.datetime.now(UTC) + dt.timedelta(hours=1)
    assert list(q.list_llm_audit_by_run(db, run_id=r["id"], worker_id=None, since=future, limit_rows=100)) == []


def test_async_interface(fresh_db_url):
    async def main():
        conn = await connect_async(fresh_db_url, search_path=("zerg", "public"))
        try:
            u = await aqueries.create_user(conn, email="as@example.com", provider=None, provider_user_id=None,
                                           display_name=None, avatar_url=None, role=None)
            assert await aqueries.count_users(conn) == 1                        # $ on dict rows
            assert (await aqueries.get_user(conn, user_id=u["id"]))["email"] == "as@example.com"
            assert [r["id"] async for r in aqueries.list_users(conn, after_id=0, limit_rows=5)] == [u["id"]]
            assert await aqueries.set_user_gmail_refresh_token(conn, user_id=u["id"], gmail_refresh_token="t") == 1
            n = await acopy_rows(conn, "llm_audit_log", [{"owner_id": u["id"], "phase": "initial"}] * 3)
            assert n == 3
            assert await aqueries.insert_llm_audits(conn, [{**AUDIT, "created_at": None, "owner_id": u["id"]}] * 2) == 2
            with pytest.raises(QueryError, match="query get_user, parameter user_id: expects int"):
                await aqueries.get_user(conn, user_id="1")
            await conn.commit()
        finally:
            await conn.close()

    asyncio.run(main())
