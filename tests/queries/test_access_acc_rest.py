"""Issue 18, domains C, F, K, S, Q, D: each ID whose reference row said MISMATCH or MISSING
(../shared/reference/service-accesses.md) gets a test here that fails on the old behaviour.
Fixture rows are inserted with plain SQL (literal values of this file), so the tests depend
only on the queries they are about."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg
import pytest
from psycopg.types.json import Jsonb

from zerg_sql.db import connect
from zerg_sql.queries import QueryError, copy_rows
from zerg_sql.queries import queries as q

UTC = dt.timezone.utc


def one(db, sql, params=()):
    return db.execute(sql, params).fetchone()


def mkuser(db, email):
    return one(db, "INSERT INTO users (email) VALUES (%s) RETURNING id", (email,))["id"]


def mkagent(db, owner, name="a", schedule=None):
    return one(db, "INSERT INTO agents (owner_id, name, system_instructions, task_instructions, model, schedule) "
                   "VALUES (%s, %s, 's', 't', 'm', %s) RETURNING id", (owner, name, schedule))["id"]


def mkthread(db, agent):
    return one(db, "INSERT INTO agent_threads (agent_id, title) VALUES (%s, 't') RETURNING id", (agent,))["id"]


@pytest.fixture
def uid(db):
    return mkuser(db, "rest@example.com")


# ----------------------------------------------------------------- C: connectors, credentials

def test_c03_c04_connectors_filtered_by_type_and_provider_in_id_order(db, uid):
    other = mkuser(db, "o@example.com")
    b = q.create_connector(db, owner_id=uid, type="email", provider="outlook", config=None)
    a = q.create_connector(db, owner_id=uid, type="calendar", provider="google", config=None)
    g = q.create_connector(db, owner_id=uid, type="email", provider="gmail", config=Jsonb({"emailAddress": "x"}))
    og = q.create_connector(db, owner_id=other, type="email", provider="gmail", config=None)
    ids = lambda rows: [r["id"] for r in rows]  # noqa: E731
    # Old: ordered by type, provider (a, g, b) and no filters.
    assert ids(q.list_connectors(db, owner_id=uid, type=None, provider=None)) == [b["id"], a["id"], g["id"]]
    assert ids(q.list_connectors(db, owner_id=uid, type="email", provider=None)) == [b["id"], g["id"]]
    assert ids(q.list_connectors(db, owner_id=uid, type="email", provider="gmail")) == [g["id"]]
    # C04: across owners.
    assert ids(q.list_connectors_by_provider(db, type="email", provider="gmail")) == [g["id"], og["id"]]


def test_c05_config_read_for_update_locks_the_connector(db, uid, fresh_db_url):
    c = q.create_connector(db, owner_id=uid, type="email", provider="gmail", config=Jsonb({"history_id": 1}))
    db.commit()
    assert q.get_connector_for_update(db, connector_id=c["id"])["config"] == {"history_id": 1}
    with connect(fresh_db_url, search_path=("zerg", "public")) as other:
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute("SELECT 1 FROM connectors WHERE id = %s FOR UPDATE NOWAIT", (c["id"],))
    q.update_connector_config(db, connector_id=c["id"], config=Jsonb({"history_id": 2}))
    db.commit()


def test_c10_c17_test_result_writes_or_clears_the_metadata(db, uid):
    a = mkagent(db, uid)
    cred = q.upsert_agent_credential(db, agent_id=a, connector_type="slack", encrypted_value="v",
                                     display_name=None, connector_metadata=Jsonb({"old": 1}))
    t = q.set_agent_credential_test_status(db, credential_id=cred["id"], test_status="success",
                                           connector_metadata=Jsonb({"team": "t"}))
    assert (t["test_status"], t["connector_metadata"]) == ("success", {"team": "t"})
    t = q.set_agent_credential_test_status(db, credential_id=cred["id"], test_status="failed",
                                           connector_metadata=None)
    assert (t["test_status"], t["connector_metadata"]) == ("failed", None)   # old: kept {"team": "t"}
    acc = q.upsert_account_credential(db, owner_id=uid, organization_id=None, connector_type="github",
                                      encrypted_value="g", display_name=None, connector_metadata=Jsonb({"o": 1}),
                                      test_status=None)
    t = q.set_account_credential_test_status(db, credential_id=acc["id"], test_status="success",
                                             connector_metadata=Jsonb({"login": "ann"}))
    assert t["connector_metadata"] == {"login": "ann"}
    t = q.set_account_credential_test_status(db, credential_id=acc["id"], test_status="failed",
                                             connector_metadata=None)
    assert t["connector_metadata"] is None and t["last_tested_at"] is not None


def test_c14_c15_upsert_records_a_tested_credential_in_one_statement(db, uid):
    untested = q.upsert_account_credential(db, owner_id=uid, organization_id=None, connector_type="github",
                                           encrypted_value="a", display_name=None, connector_metadata=None,
                                           test_status=None)
    assert (untested["test_status"], untested["last_tested_at"]) == ("untested", None)
    gh = q.upsert_account_credential(db, owner_id=uid, organization_id=None, connector_type="github",
                                     encrypted_value="b", display_name="@ann",
                                     connector_metadata=Jsonb({"login": "ann", "connected_via": "oauth"}),
                                     test_status="success")
    assert gh["id"] == untested["id"]
    assert (gh["test_status"], gh["display_name"], gh["connector_metadata"]["login"]) == ("success", "@ann", "ann")
    assert gh["last_tested_at"] is not None    # old: forced untested / NULL
    again = q.upsert_account_credential(db, owner_id=uid, organization_id=None, connector_type="github",
                                        encrypted_value="c", display_name=None, connector_metadata=None,
                                        test_status=None)
    assert (again["test_status"], again["last_tested_at"]) == ("untested", None)   # C14 reset


def test_c16_token_refresh_keeps_name_metadata_and_last_test(db, uid):
    acc = q.upsert_account_credential(db, owner_id=uid, organization_id=None, connector_type="whoop",
                                      encrypted_value="old", display_name="Personal Whoop",
                                      connector_metadata=Jsonb({"m": 1}), test_status="success")
    new = q.update_account_credential_secret(db, owner_id=uid, connector_type="whoop", encrypted_value="new")
    assert (new["encrypted_value"], new["test_status"]) == ("new", "untested")
    assert (new["display_name"], new["connector_metadata"], new["last_tested_at"]) == (
        "Personal Whoop", {"m": 1}, acc["last_tested_at"])
    assert q.update_account_credential_secret(db, owner_id=uid, connector_type="none", encrypted_value="x") is None


def test_c19_seeding_inserts_only_when_absent(db, uid):
    first = q.add_account_credential(db, owner_id=uid, organization_id=None, connector_type="ssh",
                                     encrypted_value="e1", display_name="Personal Ssh")
    assert (first["test_status"], first["display_name"]) == ("untested", "Personal Ssh")
    assert q.add_account_credential(db, owner_id=uid, organization_id=None, connector_type="ssh",
                                    encrypted_value="e2", display_name="x") is None
    assert q.get_account_credential(db, owner_id=uid, connector_type="ssh")["encrypted_value"] == "e1"


# ----------------------------------------------------------------- F: workflows, templates

def test_f03_an_owner_cannot_have_two_active_workflows_with_one_name(db, uid):
    other = mkuser(db, "o@example.com")
    w = q.create_workflow(db, owner_id=uid, name="My Workflow", description=None, canvas=Jsonb({}))
    assert q.create_workflow(db, owner_id=uid, name="My Workflow", description=None, canvas=Jsonb({})) is None
    assert q.create_workflow(db, owner_id=other, name="My Workflow", description=None, canvas=Jsonb({}))
    x = q.create_workflow(db, owner_id=uid, name="Other", description=None, canvas=Jsonb({}))
    db.commit()
    with pytest.raises(QueryError) as err:   # a rename into a taken name
        q.update_workflow(db, workflow_id=x["id"], name="My Workflow", description=None, canvas=None, is_active=None)
    assert err.value.sqlstate == "23505"
    db.rollback()
    q.update_workflow(db, workflow_id=w["id"], name=None, description=None, canvas=None, is_active=False)
    assert q.create_workflow(db, owner_id=uid, name="My Workflow", description=None, canvas=Jsonb({}))


def test_f04_workflows_by_name_most_recently_updated_first_paged(db, uid):
    ws = [q.create_workflow(db, owner_id=uid, name=f"w{i}", description=None, canvas=Jsonb({})) for i in range(3)]
    db.execute("UPDATE workflows SET updated_at = %s WHERE id = %s", (dt.datetime(2030, 1, 1, tzinfo=UTC), ws[0]["id"]))
    page = dict(owner_id=uid, name=None)
    assert [r["id"] for r in q.list_workflows(db, **page, skip=0, limit_rows=10)][0] == ws[0]["id"]  # old: id DESC
    assert [r["id"] for r in q.list_workflows(db, **page, skip=1, limit_rows=1)] == [ws[2]["id"]]
    assert [r["name"] for r in q.list_workflows(db, owner_id=uid, name="w1", skip=0, limit_rows=10)] == ["w1"]
    assert list(q.list_workflows(db, owner_id=uid, name="nope", skip=0, limit_rows=10)) == []


def test_f07_f09_f10_f13_f15_execution_lifecycle(db, uid):
    w = q.create_workflow(db, owner_id=uid, name="f", description=None, canvas=Jsonb({}))
    assert q.get_waiting_workflow_execution(db, workflow_id=w["id"]) is None
    reserved = q.create_workflow_execution(db, workflow_id=w["id"], triggered_by=None)
    assert reserved["started_at"] is not None                               # F07: old NULL until start
    later = q.create_workflow_execution(db, workflow_id=w["id"], triggered_by="schedule")
    assert q.get_waiting_workflow_execution(db, workflow_id=w["id"])["id"] == reserved["id"]   # F13
    # F10: a reserved (waiting) execution can be cancelled; old: only a running one finished.
    c = q.cancel_workflow_execution(db, execution_id=reserved["id"], failure_kind="user", error_message="stop")
    assert (c["phase"], c["result"], c["failure_kind"], c["error_message"]) == ("finished", "cancelled", "user", "stop")
    assert c["finished_at"] is not None
    assert q.cancel_workflow_execution(db, execution_id=reserved["id"], failure_kind="user",
                                       error_message="again") is None      # 409
    assert q.start_workflow_execution(db, execution_id=later["id"])["heartbeat_ts"] is not None
    st = q.create_node_execution_state(db, workflow_execution_id=later["id"], node_id="n")
    assert q.start_node_execution_state(db, state_id=st["id"])["heartbeat_ts"] is not None
    node = q.finish_node_execution_state(db, state_id=st["id"], result="success", output=None, failure_kind=None,
                                         error_message=None)
    assert node["heartbeat_ts"] is None                                      # F15
    running = q.cancel_workflow_execution(db, execution_id=later["id"], failure_kind="system", error_message="shutdown")
    assert running["heartbeat_ts"] is None and running["result"] == "cancelled"
    third = q.create_workflow_execution(db, workflow_id=w["id"], triggered_by=None)
    q.start_workflow_execution(db, execution_id=third["id"])
    done = q.finish_workflow_execution(db, execution_id=third["id"], result="success", failure_kind=None,
                                       error_message=None, log=None)
    assert done["heartbeat_ts"] is None                                      # F09


def test_f17_f19_f20_template_gallery(db, uid):
    other = mkuser(db, "o@example.com")
    mk = lambda by, name, cat, public: q.create_workflow_template(  # noqa: E731
        db, created_by=by, name=name, description=None, category=cat, canvas=Jsonb({}), tags=None,
        preview_image_url=None, is_public=public)
    pub = mk(other, "minimal", "starter", True)
    mine_private = mk(uid, "minimal", "secret", False)
    mine_public = mk(uid, "digest", "email", True)
    gallery = dict(user_id=uid, category=None, skip=0, limit_rows=10)
    # Default: public only; old: public plus the user's private ones.
    assert [r["id"] for r in q.list_workflow_templates(db, **gallery, mine_only=False)] == [pub["id"], mine_public["id"]]
    assert [r["id"] for r in q.list_workflow_templates(db, **gallery, mine_only=True)] == [
        mine_private["id"], mine_public["id"]]
    assert [r["id"] for r in q.list_workflow_templates(db, **{**gallery, "skip": 1}, mine_only=False)] == [
        mine_public["id"]]
    assert q.get_public_workflow_template_by_name(db, name="minimal")["id"] == pub["id"]
    assert q.get_public_workflow_template_by_name(db, name="nope") is None
    assert [r["category"] for r in q.list_workflow_template_categories(db)] == ["email", "secret", "starter"]


# ----------------------------------------------------------------- K: knowledge, memory, tasks

def test_k03_k04_k05_k08_sources(db, uid):
    mk = lambda name, sched: q.create_knowledge_source(  # noqa: E731
        db, owner_id=uid, source_type="url", name=name, config=Jsonb({}), sync_schedule=sched)
    a, b, c = mk("a", None), mk("User Context - Servers", "0 * * * *"), mk("User Context - Servers", None)
    db.execute("UPDATE knowledge_sources SET created_at = %s WHERE id = %s", (dt.datetime(2030, 1, 1, tzinfo=UTC), a["id"]))
    assert [r["id"] for r in q.list_knowledge_sources(db, owner_id=uid, skip=0, limit_rows=2)] == [a["id"], c["id"]]
    assert [r["id"] for r in q.list_knowledge_sources(db, owner_id=uid, skip=2, limit_rows=2)] == [b["id"]]
    assert q.find_knowledge_source_by_name(db, owner_id=uid, name="User Context - Servers")["id"] == b["id"]
    assert q.find_knowledge_source_by_name(db, owner_id=uid + 1, name="a") is None
    assert [r["id"] for r in q.list_knowledge_sources_due_for_sync(db)] == [b["id"]]
    keep = q.update_knowledge_source(db, source_id=b["id"], name="renamed", config=None, sync_schedule=None,
                                     clear_sync_schedule=False)
    assert (keep["name"], keep["sync_schedule"]) == ("renamed", "0 * * * *")
    cleared = q.update_knowledge_source(db, source_id=b["id"], name=None, config=Jsonb({"u": 1}), sync_schedule=None,
                                        clear_sync_schedule=True)
    assert (cleared["name"], cleared["config"], cleared["sync_schedule"]) == ("renamed", {"u": 1}, None)
    assert list(q.list_knowledge_sources_due_for_sync(db)) == []


def test_k07_sync_starts_with_syncing_and_stamps_every_call(db, uid):
    s = q.create_knowledge_source(db, owner_id=uid, source_type="github_repo", name="r", config=Jsonb({}),
                                  sync_schedule=None)
    syncing = q.record_knowledge_sync(db, source_id=s["id"], sync_status="syncing", sync_error=None)  # old: CHECK
    assert syncing["sync_status"] == "syncing" and syncing["last_synced_at"] is not None
    failed = q.record_knowledge_sync(db, source_id=s["id"], sync_status="failed", sync_error="partial: 3 files")
    assert failed["last_synced_at"] >= syncing["last_synced_at"] and failed["sync_error"] == "partial: 3 files"
    ok = q.record_knowledge_sync(db, source_id=s["id"], sync_status="success", sync_error=None)
    assert ok["sync_error"] is None


def test_k10_k11_k12_k14_documents(db, uid):
    other = mkuser(db, "o@example.com")
    s1 = q.create_knowledge_source(db, owner_id=uid, source_type="url", name="Runbook", config=Jsonb({}),
                                   sync_schedule=None)
    s2 = q.create_knowledge_source(db, owner_id=uid, source_type="url", name="Wiki", config=Jsonb({}),
                                   sync_schedule=None)
    so = q.create_knowledge_source(db, owner_id=other, source_type="url", name="Theirs", config=Jsonb({}),
                                   sync_schedule=None)
    doc = lambda s, owner, path, title, text: q.upsert_knowledge_document(  # noqa: E731
        db, source_id=s["id"], owner_id=owner, path=path, title=title, content_text=text, content_hash="h",
        doc_metadata=None)
    d = [doc(s1, uid, f"/{i}", f"T{i}", f"text {i}") for i in range(5)] + [doc(s2, uid, "/w", "nginx", "wiki body")]
    doc(so, other, "/x", None, "restart nginx")
    for i, row in enumerate(d):
        db.execute("UPDATE knowledge_documents SET fetched_at = %s WHERE id = %s",
                   (dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(hours=i), row["id"]))
    assert q.get_knowledge_document(db, document_id=d[0]["id"])["path"] == "/0"
    ids = lambda rows: [r["id"] for r in rows]  # noqa: E731
    # K11: owner-scoped, any source, newest fetch first, paged (old: one source by path).
    assert ids(q.list_knowledge_documents(db, owner_id=uid, source_id=None, skip=0, limit_rows=2)) == [d[5]["id"], d[4]["id"]]
    assert ids(q.list_knowledge_documents(db, owner_id=uid, source_id=s1["id"], skip=3, limit_rows=5)) == [
        d[1]["id"], d[0]["id"]]
    assert list(q.list_knowledge_documents(db, owner_id=other, source_id=s1["id"], skip=0, limit_rows=5)) == []
    # K12: keyset batches over one source, in id order.
    batch = list(q.list_knowledge_documents_after(db, owner_id=uid, source_id=s1["id"], after_id=0, limit_rows=3))
    assert ids(batch) == ids(d[:3]) and "content_text" not in batch[0]
    assert ids(q.list_knowledge_documents_after(db, owner_id=uid, source_id=s1["id"], after_id=batch[-1]["id"],
                                                limit_rows=3)) == ids(d[3:5])
    # K14: the text only (a title hit is no hit), with the source's name; other owners never.
    hits = list(q.search_knowledge_documents(db, owner_id=uid, pattern="%NGINX%", limit_rows=5))
    assert hits == []
    hits = list(q.search_knowledge_documents(db, owner_id=uid, pattern="%body%", limit_rows=5))
    assert [(h["path"], h["source_name"]) for h in hits] == [("/w", "Wiki")]


def test_k17_k19_k20_memory_kv_by_any_tag_with_limit_and_count(db, uid):
    kv = lambda key, tags, exp=None: q.upsert_memory_kv(  # noqa: E731
        db, user_id=uid, key=key, value=Jsonb(1), tags=Jsonb(tags), expires_at=exp)
    kv("a", ["x"]), kv("b", ["y"]), kv("c", ["z"]), kv("d", ["x", "z"])
    kv("gone", ["x"], dt.datetime.now(UTC) - dt.timedelta(seconds=5))
    keys = lambda rows: [r["key"] for r in rows]  # noqa: E731
    assert keys(q.list_memory_kv(db, user_id=uid, tags=["x", "y"], limit_rows=10)) == ["a", "b", "d"]  # old: one tag
    assert keys(q.list_memory_kv(db, user_id=uid, tags=None, limit_rows=2)) == ["a", "b"]           # old: no limit
    assert q.count_memory_kv(db, user_id=uid) == 4
    assert q.delete_memory_kv_by_tags(db, user_id=uid, tags=["z", "x"]) == 4      # a, c, d and the expired one
    assert keys(q.list_memory_kv(db, user_id=uid, tags=None, limit_rows=10)) == ["b"]


def test_k21_k23_k24_k26_k28_memory_files(db, uid):
    other = mkuser(db, "o@example.com")
    up = lambda owner, path, title, content, tags=None: q.upsert_memory_file(  # noqa: E731
        db, owner_id=owner, path=path, title=title, content=content, tags=Jsonb(tags) if tags else None,
        file_metadata=None)
    f1 = up(uid, "Notes/a.md", "Alpha", "deploy steps", ["Ops"])
    assert up(uid, "Notes/a.md", None, "deploy steps v2", ["Ops"])["title"] == "Alpha"   # K21: old NULL
    f2 = up(uid, "notes/b.md", None, "deploy later", ["home"])
    f3 = up(uid, "episodes/c.md", None, "unrelated")
    fo = up(other, "notes/x.md", None, "deploy theirs")
    for i, f in enumerate((f1, f2, f3)):
        db.execute("UPDATE memory_files SET updated_at = %s WHERE id = %s",
                   (dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(hours=i), f["id"]))
    ids = lambda rows: [r["id"] for r in rows]  # noqa: E731
    assert ids(q.list_memory_files_by_ids(db, owner_id=uid, ids=[f3["id"], f1["id"], fo["id"]])) == [f1["id"], f3["id"]]
    # K24: ILIKE (old LIKE missed 'Notes/'), newest update first (old: path), paged.
    assert ids(q.list_memory_files(db, owner_id=uid, path_pattern="notes/%", skip=0, limit_rows=10)) == [f2["id"], f1["id"]]
    assert ids(q.list_memory_files(db, owner_id=uid, path_pattern=None, skip=1, limit_rows=1)) == [f2["id"]]
    # K26: content match, tags any ignoring case, before the limit.
    assert ids(q.search_memory_files(db, owner_id=uid, pattern="%deploy%", tags=None, limit_rows=10)) == [f2["id"], f1["id"]]
    assert ids(q.search_memory_files(db, owner_id=uid, pattern="%deploy%", tags=["ops"], limit_rows=1)) == [f1["id"]]
    # K28: every model when none is given (old: a model was required).
    for model in ("m1", "m2"):
        q.upsert_memory_embedding(db, owner_id=uid, memory_file_id=f1["id"], model=model, embedding=b"\0\0\0\0")
    assert [r["model"] for r in q.list_memory_embeddings(db, owner_id=uid, model=None)] == ["m1", "m2"]
    assert [r["model"] for r in q.list_memory_embeddings(db, owner_id=uid, model="m2")] == ["m2"]


def test_k30_k32_tasks_newest_first_paged_counted_and_due_date_cleared(db, uid):
    due = dt.datetime(2026, 3, 1, tzinfo=UTC)
    ts = [q.create_user_task(db, user_id=uid, title=f"t{i}", notes=None, due_at=due if i == 0 else None)
          for i in range(3)]
    for i, t in enumerate(ts):
        db.execute("UPDATE user_tasks SET created_at = %s WHERE id = %s",
                   (dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(hours=i), t["id"]))
    # Old: by due date, so t0 (dated) came first.
    assert [r["id"] for r in q.list_user_tasks(db, user_id=uid, status=None, skip=0, limit_rows=2)] == [
        ts[2]["id"], ts[1]["id"]]
    assert [r["id"] for r in q.list_user_tasks(db, user_id=uid, status=None, skip=2, limit_rows=2)] == [ts[0]["id"]]
    assert q.count_user_tasks(db, user_id=uid, status=None) == 3
    upd = q.update_user_task(db, task_id=ts[0]["id"], user_id=uid, title=None, notes=None, status="done",
                             due_at=None, clear_due_at=True)
    assert (upd["title"], upd["status"], upd["due_at"]) == ("t0", "done", None)
    assert q.count_user_tasks(db, user_id=uid, status="done") == 1
    kept = q.update_user_task(db, task_id=ts[1]["id"], user_id=uid, title=None, notes=None, status=None,
                              due_at=due, clear_due_at=False)
    assert kept["due_at"] == due and kept["status"] == "pending"


# ----------------------------------------------------------------- S: sync

def test_s03_pull_cursor_is_a_count_with_no_limit(db, uid):
    for i in range(5):
        q.record_sync_operation(db, user_id=uid, op_id=f"op{i}", type="message", body=Jsonb({}), lamport=i,
                                ts=dt.datetime(2026, 1, 1, tzinfo=UTC))
    cursor = 2      # the client's nextCursor from an earlier pull: a count, not an id
    rows = list(q.list_sync_operations_from(db, user_id=uid, skip=cursor, limit_rows=None))
    assert [r["op_id"] for r in rows] == ["op2", "op3", "op4"]
    assert q.count_sync_operations(db, user_id=uid) == 5


# ----------------------------------------------------------------- Q: llm audit, job queue

AUDIT = dict(run_id=None, worker_id=None, thread_id=None, owner_id=None, trace_id=None, span_id=None,
             phase="initial", model="gpt", messages=None, message_count=None, input_tokens=None,
             response_content=None, response_tool_calls=None, output_tokens=None, reasoning_tokens=None,
             duration_ms=None, checkpoint_id=None, error=None)


def test_q01_audit_rows_keep_their_request_time(db, uid):
    asked = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert q.insert_llm_audits(db, [{**AUDIT, "created_at": asked, "owner_id": uid},
                                    {**AUDIT, "created_at": None, "owner_id": uid}]) == 2
    assert copy_rows(db, "llm_audit_log_timed", [{"created_at": asked, "owner_id": uid, "phase": "synthesis"}]) == 1
    rows = db.execute("SELECT created_at, phase FROM llm_audit_log ORDER BY id").fetchall()
    assert [r["created_at"] == asked for r in rows] == [True, False, True]
    with pytest.raises(QueryError, match="created_at"):      # the timed COPY needs the time
        copy_rows(db, "llm_audit_log_timed", [{"owner_id": uid}])


def test_q02_audit_log_query_without_a_run(db, uid):
    for w in ("w1", "w2"):
        q.insert_llm_audit(db, **{**AUDIT, "worker_id": w})
    since = dt.datetime.min.replace(tzinfo=UTC)
    assert [r["worker_id"] for r in q.list_llm_audit_since(db, worker_id=None, since=since, limit_rows=10)] == [
        "w2", "w1"]
    assert [r["worker_id"] for r in q.list_llm_audit_since(db, worker_id="w1", since=since, limit_rows=10)] == ["w1"]
    future = dt.datetime.now(UTC) + dt.timedelta(hours=1)
    assert list(q.list_llm_audit_since(db, worker_id=None, since=future, limit_rows=10)) == []


def enqueue(db, id, max_attempts=3):
    return q.enqueue_job(db, id=id, job_id="backup", scheduled_for=None, max_attempts=max_attempts,
                         dedupe_key=None, payload=None)


def test_q05_claim_by_id_only_when_queued(db):
    enqueue(db, "j1")
    got = list(q.claim_job_by_id(db, id="j1", owner="w", lease_seconds=60))
    assert [(r["id"], r["attempts"]) for r in got] == [("j1", 1)]
    assert list(q.claim_job_by_id(db, id="j1", owner="w2", lease_seconds=60)) == []    # running now
    assert list(q.claim_job_by_id(db, id="none", owner="w", lease_seconds=60)) == []


def test_q07_success_clears_an_earlier_attempts_error(db):
    enqueue(db, "j1")
    j = list(q.claim_jobs(db, owner="w", lease_seconds=60, batch=1))[0]
    q.fail_job(db, id="j1", owner="w", attempt=j["attempts"], error="boom")
    db.execute("UPDATE ops.job_queue SET scheduled_for = now() WHERE id = 'j1'")
    j = list(q.claim_jobs(db, owner="w", lease_seconds=60, batch=1))[0]
    assert q.complete_job(db, id="j1", owner="w", attempt=j["attempts"]) == 1
    assert one(db, "SELECT status, last_error FROM ops.job_queue WHERE id = 'j1'") == {
        "status": "success", "last_error": None}    # old: kept 'boom'


def test_q08_a_disabled_job_dies_under_its_lease_with_attempts_left(db):
    enqueue(db, "j1", max_attempts=5)
    j = list(q.claim_jobs(db, owner="w", lease_seconds=60, batch=1))[0]
    assert q.fail_job_dead(db, id="j1", owner="other", attempt=j["attempts"], error="disabled") is None
    dead = q.fail_job_dead(db, id="j1", owner="w", attempt=j["attempts"], error="x" * 6000)
    assert (dead["status"], len(dead["last_error"]), dead["attempts"]) == ("dead", 5000, 1)


def test_q13_job_run_history_with_every_column(db):
    t0 = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert q.insert_job_run(db, job_id="backup", started_at=t0, ended_at=t0 + dt.timedelta(seconds=2),
                            duration_ms=1234, status="success", exit_code=0, error_message=None, error_type=None,
                            summary="ok", stdout_tail="done\n", tags=["zerg", "backup"], project="zerg",
                            metadata=Jsonb({"k": 1})) == 1
    r = one(db, "SELECT * FROM ops.runs")
    assert (r["duration_ms"], r["exit_code"], r["summary"], r["stdout_tail"], r["tags"], r["project"]) == (
        1234, 0, "ok", "done\n", ["zerg", "backup"], "zerg")


# ----------------------------------------------------------------- D: ops dashboard, coverage

AS_OF = dt.datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
TODAY = dt.datetime(2026, 3, 10, tzinfo=UTC)


@pytest.fixture
def ops_data(db, uid):
    """Runs around AS_OF: today, earlier this week, and outside every window."""
    other = mkuser(db, "b@example.com")
    idle = mkuser(db, "idle@example.com")
    a1, a2 = mkagent(db, uid, "one", schedule="0 * * * *"), mkagent(db, other, "two")
    mkagent(db, idle, "three")
    t1, t2 = mkthread(db, a1), mkthread(db, a2)
    h = dt.timedelta(hours=1)

    def run(agent, thread, started, status="success", finished=None, dur=None, cost=None):
        db.execute("INSERT INTO agent_runs (agent_id, thread_id, status, started_at, finished_at, duration_ms, "
                   "total_cost_usd) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                   (agent, thread, status, started, finished, dur, cost))

    run(a1, t1, TODAY + 1 * h, finished=TODAY + 1 * h, dur=100, cost=0.5)
    run(a1, t1, TODAY + 1 * h, finished=TODAY + 2 * h, dur=200, cost=None)
    run(a1, t1, TODAY + 11 * h, "failed", finished=AS_OF - dt.timedelta(minutes=10), dur=50)
    run(a2, t2, TODAY + 3 * h, finished=TODAY + 3 * h, dur=400, cost=1.25)
    run(a2, t2, TODAY - 2 * 24 * h, finished=TODAY - 2 * 24 * h, dur=1000, cost=2.0)     # 7 d only
    run(a2, t2, TODAY - 9 * 24 * h, finished=TODAY - 9 * 24 * h, dur=5, cost=9.0)       # 30 d only
    run(a1, t1, TODAY - 1 * h, finished=TODAY + 0.5 * h, dur=10, cost=0.25)   # started yesterday, cost today
    db.execute("INSERT INTO thread_messages (thread_id, role, content, sent_at) VALUES (%s, 'user', 'hi', %s)",
               (t2, AS_OF - 30 * h))       # too old to make its owner active
    return {"uid": uid, "other": other, "a1": a1, "a2": a2}


def test_d08_summary_today_and_7_days(db, ops_data):
    s = q.get_ops_summary(db, user_id=ops_data["uid"], window_days=1, as_of=AS_OF)
    assert (s["window_start"], s["window_end"]) == (TODAY, TODAY + dt.timedelta(days=1))
    assert s["runs"] == 4
    assert s["cost_usd"] == pytest.approx(0.5 + 1.25 + 0.25)         # finished today with a known cost
    assert s["user_cost_today_usd"] == pytest.approx(0.75)           # U15
    assert s["global_cost_today_usd"] == pytest.approx(2.0)          # U16
    # Successes started today: 100, 200, 400 -> percentile_cont p50 200, p95 380.
    assert (s["latency_p50_ms"], s["latency_p95_ms"]) == (200, 380)
    # Runs started in the last 24 h: both owners (the idle user has none, the old message is out).
    assert q.count_ops_active_users(db, as_of=AS_OF) == 2
    assert (s["agents_total"], s["agents_scheduled"], s["errors_last_hour"]) == (3, 1, 1)
    week = q.get_ops_summary(db, user_id=ops_data["uid"], window_days=7, as_of=AS_OF)
    assert week["runs"] == 6 and week["cost_usd"] == pytest.approx(4.0)
    assert week["global_cost_today_usd"] == pytest.approx(2.0)
    empty = q.get_ops_summary(db, user_id=ops_data["uid"], window_days=1, as_of=AS_OF + dt.timedelta(days=5))
    assert (empty["runs"], empty["cost_usd"], empty["latency_p95_ms"], empty["user_cost_today_usd"]) == (0, None, 0, 0)


def test_d08_active_users_by_messages_alone(db, ops_data):
    idle_thread = mkthread(db, mkagent(db, mkuser(db, "talker@example.com")))
    db.execute("INSERT INTO thread_messages (thread_id, role, content, sent_at) VALUES (%s, 'user', 'hi', %s)",
               (idle_thread, AS_OF + dt.timedelta(hours=1)))
    assert q.count_ops_active_users(db, as_of=AS_OF) == 2                  # the message is not sent yet
    assert q.count_ops_active_users(db, as_of=AS_OF + dt.timedelta(hours=1)) == 3
    # Later: every run of the fixture started more than a day before; only the message counts.
    assert q.count_ops_active_users(db, as_of=AS_OF + dt.timedelta(hours=23)) == 1


def test_d09_timeseries_zero_filled_hours_and_days(db, ops_data):
    hours = list(q.list_ops_timeseries(db, window_days=1, as_of=AS_OF))
    assert len(hours) == 24 and hours[0]["label"] == "00:00Z" and hours[23]["label"] == "23:00Z"
    assert hours[0]["bucket_start"] == TODAY
    by = {r["label"]: r for r in hours}
    assert (by["01:00Z"]["runs"], by["01:00Z"]["cost_usd"]) == (2, pytest.approx(0.5))
    assert (by["02:00Z"]["runs"], by["02:00Z"]["cost_usd"]) == (0, 0)     # finished at 02, no known cost
    assert by["12:00Z"]["errors"] == 1 and by["11:00Z"]["runs"] == 1
    assert by["00:00Z"]["cost_usd"] == pytest.approx(0.25)
    assert sum(r["runs"] for r in hours) == 4
    days = list(q.list_ops_timeseries(db, window_days=7, as_of=AS_OF))
    assert [r["label"] for r in days] == [f"2026-03-{d:02d}" for d in range(4, 11)]
    assert [r["runs"] for r in days] == [0, 0, 0, 0, 1, 1, 4]
    assert days[4]["cost_usd"] == pytest.approx(2.0) and days[5]["cost_usd"] == 0
    assert len(list(q.list_ops_timeseries(db, window_days=30, as_of=AS_OF))) == 30


def test_d10_top_agents(db, ops_data):
    top = list(q.list_ops_top_agents(db, window_days=1, limit_rows=5, as_of=AS_OF))
    assert [(r["agent_id"], r["name"], r["owner_email"], r["runs"]) for r in top] == [
        (ops_data["a1"], "one", "rest@example.com", 3), (ops_data["a2"], "two", "b@example.com", 1)]
    assert top[0]["cost_usd"] == pytest.approx(0.75)     # finished today: 0.5 + 0.25 (started yesterday)
    assert top[0]["p95_ms"] == 195                        # successes 100, 200 -> 195
    week = list(q.list_ops_top_agents(db, window_days=7, limit_rows=1, as_of=AS_OF))
    assert [(r["agent_id"], r["runs"]) for r in week] == [(ops_data["a1"], 4)]
    month = list(q.list_ops_top_agents(db, window_days=30, limit_rows=5, as_of=AS_OF))
    assert [(r["agent_id"], r["runs"]) for r in month] == [(ops_data["a1"], 4), (ops_data["a2"], 3)]
    assert month[1]["cost_usd"] == pytest.approx(12.25)


def test_d11_trace_coverage(db, uid):
    a = mkagent(db, uid)
    t = mkthread(db, a)
    since = dt.datetime.now(UTC) - dt.timedelta(minutes=5)
    old = dt.datetime.now(UTC) - dt.timedelta(days=1)
    r1 = one(db, "INSERT INTO agent_runs (agent_id, thread_id) VALUES (%s, %s) RETURNING id", (a, t))["id"]
    db.execute("INSERT INTO agent_runs (agent_id, thread_id, trace_id) VALUES (%s, %s, NULL)", (a, t))
    db.execute("INSERT INTO agent_runs (agent_id, thread_id, created_at) VALUES (%s, %s, %s)", (a, t, old))
    db.execute("INSERT INTO worker_jobs (owner_id, task, model, trace_id) VALUES (%s, 'x', 'm', %s), "
               "(%s, 'y', 'm', NULL)", (uid, uuid.uuid4(), uid))
    q.insert_llm_audit(db, **{**AUDIT, "trace_id": uuid.uuid4()})
    for kind, payload in (("worker_spawned", {"trace_id": "abc"}), ("worker_spawned", {}),
                          ("supervisor_complete", {"trace_id": ""}), ("supervisor_complete", {"trace_id": "t"})):
        q.append_run_event(db, run_id=r1, event_type=kind, payload=Jsonb(payload))
    cov = q.get_trace_coverage(db, since=since)
    assert cov == {"runs": 2, "traced_runs": 1, "worker_jobs": 2, "traced_worker_jobs": 1,
                   "llm_calls": 1, "traced_llm_calls": 1}
    assert q.get_trace_coverage(db, since=dt.datetime.min.replace(tzinfo=UTC))["runs"] == 3
    assert list(q.list_trace_coverage_events(db, since=since)) == [
        {"event_type": "supervisor_complete", "events": 2, "traced_events": 1},
        {"event_type": "worker_spawned", "events": 2, "traced_events": 1}]
