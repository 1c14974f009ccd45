"""`zerg-sql adopt` against real PostgreSQL: a legacy `zerg` schema (sql/legacy/ DDL + the
fixture data in tests/fixtures/legacy/) is converted in place to exactly what migrations
0001..0011 build, every row kept; refusals change nothing; kill -9 leaves it legacy."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from psycopg import sql

from tests.conftest import test_env_for
from tests.helpers import legacy_value
from zerg_sql.adopt import ADOPTED, LEGACY_DIR, SHAPES_FILE, ZERG_ALEMBIC_HEAD, adopt, dump_shapes, load_shapes
from zerg_sql.config import ZergError, get_environment
from zerg_sql.db import connect
from zerg_sql.migrate import ZERG_MIGRATIONS, Runner, checksum
from zerg_sql.queries import internal

FIX = Path(__file__).parents[1] / "fixtures" / "legacy"
CREATE_ALL = [LEGACY_DIR / "create_all.sql"]
VARIANT = CREATE_ALL + [LEGACY_DIR / "migration_variant.sql"]
DATA = {"create_all": CREATE_ALL + [FIX / "data.sql"],
        "migration-built": VARIANT + [FIX / "data.sql", FIX / "data_variant.sql"]}
OUTSIDE_ZERG = ["zerg", "pg_catalog", "information_schema", "pg_toast"]


# ---------------------------------------------------------------- helpers

def load(url: str, files: list[Path]) -> None:
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS zerg")
        for f in files:
            conn.execute(f.read_text())


def describe(url: str, schema: str = "zerg") -> list[tuple]:
    # search_path = zerg alone, as adopt's session has it (trigger definitions name
    # functions outside the path with their schema).
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        return [(r["kind"], r["object"], r["definition"]) for r in internal.describe_schema(conn, schema=schema)]


def split_alembic(rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(the rest, alembic_version's objects): adopt keeps Alembic's table until --finish."""
    ours = [r for r in rows if not r[1].startswith("alembic_version")]
    return ours, [r for r in rows if r[1].startswith("alembic_version")]


def alembic_versions(url: str) -> list[str] | None:
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        if conn.execute("SELECT to_regclass('alembic_version') IS NULL AS gone").fetchone()["gone"]:
            return None
        return [r["version_num"] for r in conn.execute("SELECT version_num FROM alembic_version")]


def dump_rows(url: str) -> dict[str, list[dict]]:
    """Every row of every zerg table, in key order (the first column; agent_memory_kv's
    primary key is (user_id, key))."""
    tables = [obj for kind, obj, _ in describe(url) if kind == "relation"]
    out = {}
    with connect(url, search_path=("zerg",)) as conn:
        for t in tables:
            # Table names come from the catalog and are quoted by psycopg.sql.
            rows = conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(t))).fetchall()
            key = ("user_id", "key") if t == "agent_memory_kv" else (next(iter(rows[0])),) if rows else ()
            out[t] = sorted(rows, key=lambda r: tuple(r[c] for c in key))
    return out


def cli(url: str, *args: str, env: str = "test") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zerg_sql", "--env", env, "--database-url", url, *args],
                          capture_output=True, text=True, timeout=120)


def expected_row(table: str, legacy: dict) -> dict:
    """What adopt must make of a legacy row: naive timestamps are UTC instants, enum names
    mapped, the migration-built thread_messages.created_at folded into a NULL sent_at."""
    row = dict(legacy)
    if table == "thread_messages" and "created_at" in row:
        created = row.pop("created_at")
        if row["sent_at"] is None:
            row["sent_at"] = created
    for col, value in row.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            row[col] = value.replace(tzinfo=timezone.utc)
        else:
            row[col] = legacy_value(table, col, value)
    return row


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def legacy_db(pg):
    """Factory: a new database with the given legacy files loaded into schema zerg."""
    made = []

    def make(files: list[Path]) -> str:
        name = f"adopt_{uuid.uuid4().hex[:10]}"
        url = pg.create_database(name)
        made.append(name)
        load(url, files)
        return url

    yield make
    for name in made:
        pg.drop_database(name)


@pytest.fixture(scope="session")
def catalog_0011(pg, tmp_path_factory) -> list[tuple]:
    """The zerg catalog of a database migrated with exactly 0001..0011 (what adopt targets)."""
    folder = tmp_path_factory.mktemp("migrations_0011")
    for mid in ADOPTED:
        for suffix in (".sql", ".rollback.sql"):
            shutil.copy(ZERG_MIGRATIONS / f"{mid}{suffix}", folder / f"{mid}{suffix}")
    name = f"adopt_target_{uuid.uuid4().hex[:8]}"
    url = pg.create_database(name)
    with Runner(test_env_for(url, may_create_ops=False), dirs=[folder], out=lambda _: None) as runner:
        assert runner.migrate() == list(ADOPTED)
    yield describe(url)
    pg.drop_database(name)


# ---------------------------------------------------------------- the known shapes

def test_shapes_json_describes_the_legacy_ddl(legacy_db):
    """sql/legacy/shapes.json is what adopt compares with: it must be the DDL's catalog."""
    shapes = {"create_all": describe(legacy_db(CREATE_ALL)), "migration-built": describe(legacy_db(VARIANT))}
    if os.environ.get("ZERG_WRITE_SHAPES"):
        SHAPES_FILE.write_text(dump_shapes(shapes))
    assert load_shapes() == {k: [list(r) for r in v] for k, v in shapes.items()}, \
        "stale: regenerate with ZERG_WRITE_SHAPES=1 pytest tests/adopt/test_adopt.py -k shapes"
    assert shapes["create_all"] != shapes["migration-built"]


# ---------------------------------------------------------------- adopt, the happy path

@pytest.mark.parametrize("shape", ["create_all", "migration-built"])
def test_adopt_converts_in_place_keeps_every_row_and_migrate_continues(shape, legacy_db, catalog_0011, fresh_db_url):
    url = legacy_db(DATA[shape])
    legacy_catalog = describe(url)
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        # ids 7..50 of waitlist_entries were used and deleted: the identity must not reuse them.
        conn.execute("SELECT setval('waitlist_entries_id_seq', 50)")
    before = dump_rows(url)

    done = cli(url, "adopt")
    assert done.returncode == 0, done.stderr
    assert f"legacy shape {shape}" in done.stderr
    assert "alembic_version (x1y2z3a4b5c6) will hold Zerg's head x1y2z3a4b5c6" in done.stderr
    assert "0 value(s) repaired, 0 row(s) moved to _zerg_sql_quarantine" in done.stderr

    # The catalog is exactly the one migrations 0001..0011 build, plus Alembic's table at
    # Zerg's head until the cutover is finished.
    ours, alembic = split_alembic(describe(url))
    assert ours == catalog_0011
    assert alembic == [r for r in legacy_catalog if r[1].startswith("alembic_version")] and alembic
    assert alembic_versions(url) == [ZERG_ALEMBIC_HEAD]

    # Every row, value by value.
    after = dump_rows(url)
    assert set(after) == set(before)
    assert sum(len(rows) for rows in after.values()) > 2500
    for table, rows in after.items():
        assert len(rows) == len(before[table]), table
        for old, new in zip(before[table], rows):
            assert new == expected_row(table, old), (table, old)
    users = {u["id"]: u for u in after["users"]}
    assert users[1]["role"] == "admin" and users[2]["role"] == "user"
    assert users[1]["last_login"] == datetime(2026, 1, 20, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert users[6]["context"]["nested"]["a"]["b"]["c"] == [1, 2.5, -300, True, None]
    assert {r["status"] for r in after["agent_runs"]} >= {"success", "deferred", "failed", "cancelled"}
    if shape == "migration-built":
        msg = next(m for m in after["thread_messages"] if m["id"] == 601)
        assert msg["sent_at"] == datetime(2025, 11, 2, 1, 30, 0, 250000, tzinfo=timezone.utc)
        assert "1 sent_at filled from it" in done.stderr
        assert "public.update_updated_at_column() is left in place" in done.stderr

    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        # Identities continue after max(id) and after the legacy sequence; set_updated_at works.
        assert conn.execute("INSERT INTO users (email) VALUES ('new@example.com') RETURNING id").fetchone()["id"] == 7
        assert conn.execute("INSERT INTO waitlist_entries (email) VALUES ('w@example.com') RETURNING id").fetchone()["id"] == 51
        row = conn.execute("UPDATE agents SET name = 'renamed' WHERE id = 1 RETURNING updated_at").fetchone()
        assert row["updated_at"] > datetime(2026, 11, 1, tzinfo=timezone.utc)
        # Recorded exactly as migrate records: yoyo's rows, ledger with checksums, log.
        assert [r["migration_id"] for r in internal.list_yoyo_applied(conn)] == list(ADOPTED)
        ledger = {r["migration_id"]: r["checksum"] for r in internal.list_ledger(conn)}
        with Runner(test_env_for(url), out=lambda _: None) as runner:
            sums = {m.id: checksum(m) for m in runner.migrations()}
        assert ledger == {mid: sums[mid] for mid in ADOPTED}
        ops = [r["operation"] for r in internal.list_log(conn, max_rows=100)]
        assert ops.count("apply") == len(ADOPTED) and ops.count("adopt") == 1

    # Twice is a no-op.
    said: list[str] = []
    assert adopt(test_env_for(url), out=said.append).outcome == "already adopted"
    assert "already adopted" in said[0] and "the cutover is not finished" in said[0]
    assert split_alembic(describe(url))[0] == catalog_0011

    # migrate applies what is newer (0012+, ops in the test environment), verify is happy,
    # and the result is the fully migrated catalog.
    migrated = cli(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "ops_0001_job_queue" in migrated.stderr
    assert split_alembic(describe(url)) == (describe(fresh_db_url), alembic)
    verified = cli(url, "verify")
    assert verified.returncode == 0 and "ok:" in verified.stdout, verified.stdout + verified.stderr
    # adopt recorded the converted catalog, migrate added its own changes: no drift.
    assert "the schema is as zerg-sql left it" in verified.stdout

    # Finishing the cutover drops Alembic's table; the schema is then exactly a migrated one,
    # and no drift is reported for the drop.
    finished = cli(url, "adopt", "--finish")
    assert finished.returncode == 0, finished.stderr
    assert "cutover of schema zerg finished: alembic_version (x1y2z3a4b5c6) dropped" in finished.stderr
    assert describe(url) == describe(fresh_db_url) and alembic_versions(url) is None
    verified = cli(url, "verify")
    assert verified.returncode == 0 and "the schema is as zerg-sql left it" in verified.stdout, verified.stdout
    again = cli(url, "adopt", "--finish")
    assert again.returncode == 0 and "already finished" in again.stderr


# ---------------------------------------------------------------- refusals change nothing

BAD_ROWS = [
    "agent_runs id 901: agent_runs_status_check (value: EXPLODED)",
    "worker_jobs id 901: worker_jobs_status_check (value: paused)",
    'thread_messages id 901: thread_messages.message_metadata jsonb (value: {"raw": "abc\\u0000def"})',
    # Two active workflows of one owner under one name (a race of Zerg's app-side check):
    # refused, like case-insensitive e-mail duplicates, since which one to keep is a decision.
    "workflows id 1, 901: workflows_owner_id_name_key (value: 1, Disk alert → Slack)",
    # Two spellings of one address: refused before the case-insensitive unique index is built.
    "users id 1, 901: users_email_lower_key (value: david.rosen@example.com, David.Rosen@Example.com)",
]


@pytest.mark.parametrize("shape", ["create_all", "migration-built"])
def test_values_no_legal_writer_could_store_are_listed_and_nothing_changes(shape, legacy_db):
    # The legal rows beside them are not listed: they would be fixed, but adopt refuses first.
    extra = [FIX / "legal_rows.sql", FIX / "bad_data.sql"]
    url = legacy_db(DATA[shape] + extra)
    catalog, rows = describe(url), dump_rows(url)

    expected = BAD_ROWS
    with pytest.raises(ZergError) as dry:  # the dry run runs the same checks
        adopt(test_env_for(url), dry_run=True, out=lambda _: None)
    refused = cli(url, "adopt")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    for text in (str(dry.value), refused.stderr):
        listed = [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("- ")]
        assert sorted(listed) == sorted(expected), text
        assert "hold values no legal writer of the legacy schema could have stored; nothing was changed" in text

    assert describe(url) == catalog
    assert dump_rows(url) == rows
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        assert not internal.ledger_exists(conn) and not internal.yoyo_table_exists(conn)
        assert conn.execute("SELECT to_regclass('_zerg_sql_quarantine') AS t").fetchone()["t"] is None


# ---------------------------------------------------------------- legal rows are kept

FIXES = [
    "move to quarantine: agent_messages 901: agent_messages_agent_id_fkey: agents 999 does not exist",
    "move to quarantine: agent_messages 902: agent_messages.agent_id is NULL",
    "move to quarantine: agent_run_events 9001: agent_run_events_run_id_fkey: agent_runs 905 moves too",
    "move to quarantine: agent_runs 905: agent_runs_agent_id_fkey: agents 998 does not exist",
    "move to quarantine: agent_threads 902: agent_threads_agent_id_fkey: agents 998 does not exist",
    "move to quarantine: canvas_layouts 1: canvas_layouts_user_id_key: user 1 has a newer global layout (id 901)",
    "move to quarantine: thread_messages 905: thread_messages_thread_id_fkey: agent_threads 902 moves too",
    "move to quarantine: thread_messages 907: thread_messages.thread_id is NULL",
    "repair: agent_runs 902 created_at := 2025-04-01 08:01:00 (NULL created_at: started_at)",
    "repair: agent_runs 902 updated_at := 2025-04-01 08:02:00 (NULL updated_at: finished_at)",
    "repair: agent_runs 904 created_at := NOW (NULL created_at: the adopt's time (no other time on the row))",
    "repair: agent_runs 904 updated_at := NOW (NULL updated_at: the adopt's time (no other time on the row))",
    "repair: agent_threads 901 active := true (NULL active: the model default (true))",
    "repair: agent_threads 901 updated_at := 2025-04-01 08:00:00 (NULL updated_at: created_at)",
    "repair: agents 901 created_at := 2025-04-01 08:00:00 (NULL created_at: updated_at)",
    "repair: agents 901 status := IDLE (NULL status: the model default (AgentStatus.IDLE))",
    "repair: llm_audit_log 901 run_id := NULL (llm_audit_log_run_id_fkey (ON DELETE SET NULL): agent_runs 905 moves)",
    "repair: llm_audit_log 901 thread_id := NULL (llm_audit_log_thread_id_fkey (ON DELETE SET NULL): agent_threads 902 moves)",
    "repair: thread_messages 906 parent_id := NULL (thread_messages_parent_id_fkey (ON DELETE SET NULL): thread_messages 905 moves)",
]
FIXES_CREATE_ALL = [
    "repair: thread_messages 908 sent_at := 2025-04-01 08:00:30+00 (NULL sent_at: the previous message's sent_at)"]
FIXES_VARIANT = [
    "repair: agent_runs 903 continuation_of_run_id := NULL (agent_runs_continuation_of_run_id_key: run 2 has an "
    "earlier continuation (run 3))",
    "repair: thread_messages 902 sent_at := 2025-12-01 08:59:59.999661+00 (NULL sent_at and created_at: the previous "
    "message's time)"]


def as_json(row: dict) -> dict:
    """A row as to_jsonb() writes it (timestamps in ISO form, uuids as text)."""
    return json.loads(json.dumps(row, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


def fix_lines(text: str) -> list[str]:
    prefix = "--   "
    lines = [line[len(prefix):] for line in text.splitlines() if line.startswith(prefix + ("move", "repair")[0])
             or line.startswith(prefix + "repair")]
    # The adopt's own time is the one value that differs between runs.
    return sorted(re.sub(r":= \d{4}-\d\d-\d\d [\d:.]+ \(NULL (created|updated)_at: the adopt's",
                         r":= NOW (NULL \1_at: the adopt's", line) for line in lines)


@pytest.mark.parametrize("shape", ["create_all", "migration-built"])
def test_legal_rows_are_repaired_or_quarantined_never_dropped(shape, legacy_db, catalog_0011):
    extra = [FIX / "legal_rows.sql"] + ([FIX / "legal_rows_variant.sql"] if shape == "migration-built" else [])
    url = legacy_db(DATA[shape] + extra)
    catalog, before = describe(url), dump_rows(url)
    expected = sorted(FIXES + (FIXES_VARIANT if shape == "migration-built" else FIXES_CREATE_ALL))

    # The dry run lists every repair and every quarantined row, and changes nothing.
    plan = cli(url, "adopt", "--dry-run")
    assert plan.returncode == 0, plan.stderr
    assert fix_lines(plan.stdout) == expected, plan.stdout
    moves = sum(line.startswith("move") for line in expected)
    assert f"{len(expected) - moves} value(s) repaired, {moves} row(s) moved to _zerg_sql_quarantine" in plan.stdout
    assert describe(url) == catalog and dump_rows(url) == before

    done = cli(url, "adopt")
    assert done.returncode == 0, done.stderr
    assert fix_lines(done.stderr.replace("\n  move", "\n--   move").replace("\n  repair", "\n--   repair")) == expected
    assert split_alembic(describe(url))[0] == catalog_0011
    after = dump_rows(url)

    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        quarantined = list(conn.execute("SELECT source_table, action, reason, row_data FROM _zerg_sql_quarantine"))
    moved = {(q["source_table"], str(q["row_data"]["id"])): q for q in quarantined if q["action"] == "moved"}
    repaired = {(q["source_table"], q["row_data"]["id"]): q for q in quarantined if q["action"] == "repaired"}
    assert sorted(moved) == sorted((line.split()[3], line.split()[4].rstrip(":")) for line in expected
                                   if line.startswith("move"))
    # Nothing is dropped: every legacy row is in its table or, whole and as it was, in quarantine.
    for table, rows in before.items():
        if table in ("alembic_version", "agent_memory_kv"):  # no id; nothing fixed there
            assert after[table] == [expected_row(table, r) for r in rows]
            continue
        kept = {r["id"]: r for r in after[table]}
        for old in rows:
            if (table, str(old["id"])) in moved:
                assert moved[table, str(old["id"])]["row_data"] == as_json(old), (table, old["id"])
                assert old["id"] not in kept
            else:
                assert old["id"] in kept, (table, old["id"])
                if (table, old["id"]) in repaired:
                    assert repaired[table, old["id"]]["row_data"] == as_json(old)
                else:
                    assert kept[old["id"]] == expected_row(table, old), (table, old["id"])
    assert len(repaired) == len({(line.split()[1], line.split()[2]) for line in expected if line.startswith("repair")})

    # The repaired values.
    rows = {(t, r["id"]): r for t in ("agents", "agent_threads", "agent_runs", "thread_messages", "llm_audit_log")
            for r in after[t]}
    utc = timezone.utc
    assert rows["agents", 901]["status"] == "idle"
    assert rows["agents", 901]["created_at"] == datetime(2025, 4, 1, 8, tzinfo=utc)
    assert rows["agent_threads", 901]["active"] is True
    assert rows["agent_runs", 902]["created_at"] == datetime(2025, 4, 1, 8, 1, tzinfo=utc)
    assert rows["agent_runs", 904]["created_at"] > datetime(2026, 1, 1, tzinfo=utc)
    assert rows["thread_messages", 906]["parent_id"] is None
    assert rows["llm_audit_log", 901]["run_id"] is None and rows["llm_audit_log", 901]["owner_id"] == 1
    if shape == "create_all":
        assert rows["thread_messages", 908]["sent_at"] == datetime(2025, 4, 1, 8, 0, 30, tzinfo=utc)
    else:
        assert rows["agent_runs", 903]["continuation_of_run_id"] is None

    # The runbook's restore: re-create the missing parent, put the row back, drop its record.
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        conn.execute(RESTORE_EXAMPLE)
        back = conn.execute("SELECT agent_id, content, timestamp FROM agent_messages WHERE id = 901").fetchone()
        assert back == {"agent_id": 999, "content": "orphaned by a partial restore",
                        "timestamp": datetime(2025, 5, 1, tzinfo=utc)}
        assert conn.execute("SELECT count(*) AS n FROM _zerg_sql_quarantine WHERE action = 'moved' "
                            "AND source_table = 'agent_messages'").fetchone()["n"] == 1


# docs/adopting-production.md, "Inspecting and restoring": the same statements.
RESTORE_EXAMPLE = """
SET TIME ZONE 'UTC';
BEGIN;
INSERT INTO agents (id, name, status, system_instructions, task_instructions, model, owner_id)
VALUES (999, 'Restored agent', 'idle', '', '', 'gpt-5.2', 1);
INSERT INTO agent_messages SELECT (jsonb_populate_record(NULL::agent_messages, row_data)).*
FROM _zerg_sql_quarantine WHERE source_table = 'agent_messages' AND (row_data ->> 'id')::bigint = 901 AND action = 'moved';
DELETE FROM _zerg_sql_quarantine WHERE source_table = 'agent_messages' AND (row_data ->> 'id')::bigint = 901 AND action = 'moved';
COMMIT;
"""


def test_unknown_differences_from_the_legacy_shapes_are_refused(legacy_db):
    url = legacy_db(DATA["create_all"])
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        conn.execute("ALTER TABLE users ADD COLUMN nickname text")
        conn.execute("DROP INDEX ix_worker_jobs_idempotency")
        conn.execute("ALTER TABLE agents ALTER COLUMN name TYPE varchar(100)")
    catalog = describe(url)

    refused = cli(url, "adopt")
    assert refused.returncode == 1
    assert "differs from every known legacy shape (nearest: create_all) in 3 place(s)" in refused.stderr
    listed = [line.strip()[2:] for line in refused.stderr.splitlines() if line.strip().startswith("- ")]
    assert [line.split(":")[0] for line in listed] == [
        "column agents.name", "column users.nickname", "index ix_worker_jobs_idempotency"]
    assert "column agents.name: character varying(100) not null  -- known legacy shapes have: " \
           "character varying not null" in refused.stderr
    assert describe(url) == catalog


# ---------------------------------------------------------------- kill -9 in the middle

def test_kill_9_during_adopt_leaves_the_legacy_schema_and_a_rerun_completes(legacy_db, catalog_0011):
    url = legacy_db(DATA["create_all"])
    legacy, rows = describe(url), dump_rows(url)

    def adopt_backend() -> int | None:
        with connect(url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                "WHERE left(a.application_name, 14) = 'zerg-sql adopt' AND NOT l.granted "
                "AND l.relation = 'zerg.waitlist_entries'::regclass").fetchone()
            return row["pid"] if row else None

    def locked_by(pid: int) -> set[str]:
        with connect(url, autocommit=True) as conn:
            return {r["rel"] for r in conn.execute(
                "SELECT c.relname AS rel FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND l.granted AND l.mode = 'AccessExclusiveLock'", (pid,))}

    def gone(pid: int) -> bool:
        with connect(url, autocommit=True) as conn:
            return conn.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()["n"] == 0

    # waitlist_entries is converted last (no foreign key touches it earlier): while the test
    # reads it in an open transaction, adopt converts every other table, then waits there.
    with connect(url, search_path=("zerg",)) as holder:
        holder.execute("SELECT count(*) FROM waitlist_entries")
        proc = subprocess.Popen([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", url, "adopt"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            pid = wait_for(adopt_backend, 30, "adopt to wait for waitlist_entries")
            assert {"users", "agent_runs", "thread_messages", "llm_audit_log"} <= locked_by(pid)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            wait_for(lambda: gone(pid), 15, "the killed adopt's server session to end")
        finally:
            if proc.poll() is None:
                proc.kill()
        # A lock that stays taken: adopt gives up after lock_timeout and rolls back.
        with pytest.raises(ZergError, match="rolled back, schema zerg is unchanged .*lock timeout"):
            adopt(test_env_for(url, lock_timeout="300ms"), out=lambda _: None)
        holder.rollback()

    assert describe(url) == legacy
    assert dump_rows(url) == rows
    with connect(url, autocommit=True) as conn:  # fully legacy: no bookkeeping table either
        assert conn.execute("SELECT count(*) AS n FROM pg_class WHERE relnamespace = 'zerg'::regnamespace "
                            "AND relname ~ '^(_yoyo_|_zerg_sql_|yoyo_lock)'").fetchone()["n"] == 0
    assert adopt(test_env_for(url), out=lambda _: None).outcome == "adopted"
    assert split_alembic(describe(url))[0] == catalog_0011


# ---------------------------------------------------------------- neighbours, prod, dry run

NEIGHBOURS = """
CREATE SCHEMA ops;
CREATE TABLE ops.job_queue (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL DEFAULT 'queued');
CREATE INDEX job_queue_status_idx ON ops.job_queue (status);
CREATE SCHEMA tenant_b;
CREATE TABLE tenant_b.users (id serial PRIMARY KEY, email varchar NOT NULL, created_at timestamp DEFAULT now());
CREATE TABLE tenant_b.alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO tenant_b.alembic_version VALUES ('b0b0b0');
CREATE INDEX ix_tenant_b_users_email ON tenant_b.users (email);
CREATE VIEW tenant_b.active_users AS SELECT id, email FROM tenant_b.users;
CREATE FUNCTION tenant_b.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER update_connectors_updated_at BEFORE UPDATE ON tenant_b.users
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
"""


def test_other_schemas_stay_unchanged_prod_needs_yes_and_dry_run_changes_nothing(legacy_db, catalog_0011):
    url = legacy_db(DATA["migration-built"])
    with connect(url, autocommit=True) as conn:
        conn.execute(NEIGHBOURS)

    def outside() -> tuple:
        with connect(url, autocommit=True) as conn:
            objects = list(internal.list_objects_outside(conn, allowed_schemas=OUTSIDE_ZERG))
        return objects, {s: describe(url, s) for s in ("ops", "tenant_b", "public")}

    before, legacy = outside(), describe(url)
    assert any("update_updated_at_column" in r["name"] for r in before[0])

    refused = cli(url, "adopt", env="prod")  # protected: no --yes, no terminal
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert describe(url) == legacy

    plan = cli(url, "adopt", "--dry-run", "--statement-timeout", "1h", env="prod")
    assert plan.returncode == 0, plan.stderr
    prod_lock_timeout = get_environment("prod").lock_timeout
    assert f"ONE transaction (lock_timeout={prod_lock_timeout}, statement_timeout=1h per statement)" in plan.stdout
    estimates = [line.split() for line in plan.stdout.splitlines() if line.startswith("-- ") and line.endswith("s")
                 and " MB " in line]
    assert [e[1] for e in estimates][0] == "users" and estimates[-1][1] == "waitlist_entries"
    assert len(estimates) == 31
    for name in ("fold_created_at.sql", "convert.sql"):
        assert (Path(LEGACY_DIR.parent / "adopt" / name).read_text().rstrip()) in plan.stdout
    assert describe(url) == legacy
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        assert not internal.ledger_exists(conn) and not internal.yoyo_table_exists(conn)

    done = cli(url, "adopt", "--yes", env="prod")
    assert done.returncode == 0, done.stderr
    assert "public.update_updated_at_column() is left in place" in done.stderr
    assert split_alembic(describe(url))[0] == catalog_0011
    assert outside() == before
    with connect(url, autocommit=True) as conn:
        kept = conn.execute("SELECT version_num FROM tenant_b.alembic_version").fetchall()
    assert kept == [{"version_num": "b0b0b0"}]

    status = cli(url, "status", "--json", env="prod")
    assert [a["id"] for a in json.loads(status.stdout)["applied"]] == list(ADOPTED)


def test_migrate_on_the_legacy_schema_refuses_and_points_to_adopt(legacy_db, catalog_0011):
    """Zerg's container runs `migrate` at start: against the legacy schema it must change
    nothing and point to adopt; adopt then takes it from there."""
    url = legacy_db(DATA["create_all"])
    env = test_env_for(url)
    legacy = describe(url)
    with pytest.raises(ZergError, match="zerg-sql adopt"), Runner(env, out=lambda _: None) as runner:
        runner.migrate()
    assert describe(url) == legacy
    with Runner(env, out=lambda _: None) as runner:
        assert runner.status().applied == []
    assert adopt(env, out=lambda _: None).outcome == "adopted"
    assert split_alembic(describe(url))[0] == catalog_0011
    with Runner(env, out=lambda _: None) as runner:
        st = runner.verify()
    assert not st.problems and [r["migration_id"] for r in st.applied][:len(ADOPTED)] == list(ADOPTED)


# Some of the migration-built variants and not others, as a long-lived database may have.
SOME_VARIANTS = """
ALTER TABLE agent_runs ALTER COLUMN trigger TYPE character varying(50), ALTER COLUMN created_at DROP DEFAULT;
ALTER INDEX ix_zerg_agent_runs_trace_id RENAME TO ix_agent_runs_trace_id;
ALTER TABLE agent_runs RENAME CONSTRAINT agent_runs_continuation_of_run_id_fkey TO fk_agent_runs_continuation_of_run_id;
DROP INDEX ix_zerg_worker_barriers_run_id;
ALTER TABLE worker_barriers ADD CONSTRAINT uq_worker_barriers_run_id UNIQUE (run_id);
CREATE INDEX ix_worker_barriers_run_id ON worker_barriers USING btree (run_id);
ALTER TABLE thread_messages ADD COLUMN created_at timestamp without time zone DEFAULT now();
"""


def test_a_mix_of_the_known_shapes_is_adopted_object_by_object(legacy_db, catalog_0011):
    url = legacy_db(DATA["create_all"])
    with connect(url, autocommit=True, search_path=("zerg",)) as conn:
        conn.execute(SOME_VARIANTS)
    rows = dump_rows(url)
    said: list[str] = []
    assert adopt(test_env_for(url), out=said.append).outcome == "adopted"
    assert "schema zerg: legacy shape mixed (create_all and migration-built), 32 tables" in said
    assert split_alembic(describe(url))[0] == catalog_0011
    after = dump_rows(url)
    assert [len(after[t]) for t in after] == [len(rows[t]) for t in after]
    assert after["thread_messages"] == [expected_row("thread_messages", r) for r in rows["thread_messages"]]
