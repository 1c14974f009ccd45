"""zerg-sql stubs: the committed zerg_sql/queries.pyi matches the live schema, its types
are what PostgreSQL says, and mypy uses them to check a service module."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

from zerg_sql.config import ROOT
from zerg_sql.db import connect
from zerg_sql.queries import queries
from zerg_sql.devtools.stubs import STUB_PATH, describe, generate

EXAMPLE = ROOT / "examples" / "service.py"


def cli(url, *args):
    return subprocess.run([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", url, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_committed_stubs_are_current_and_check_catches_stale(fresh_db_url, tmp_path):
    ok = cli(fresh_db_url, "stubs", "--check")
    assert ok.returncode == 0, ok.stderr
    assert "up to date" in ok.stdout
    stale = tmp_path / "queries.pyi"
    stale.write_text(STUB_PATH.read_text().replace("    def get_run(", "    def get_run_old(", 1))
    bad = cli(fresh_db_url, "stubs", "--check", "--output", str(stale))
    assert bad.returncode == 1 and "stale" in bad.stderr
    written = cli(fresh_db_url, "stubs", "--output", str(stale))
    assert written.returncode == 0 and stale.read_text() == STUB_PATH.read_text()


def test_types_come_from_the_schema(fresh_db_url):
    with connect(fresh_db_url, autocommit=True, search_path=("zerg", "public")) as conn:
        d = describe(conn, queries.get_run)
        cols = {c.name: c for c in d.columns}
        assert d.params == (("run_id", "bigint"),)
        assert (cols["id"].type, cols["id"].nullable) == ("bigint", False)
        assert (cols["error"].type, cols["error"].nullable) == ("text", True)
        assert cols["created_at"].type == "timestamp with time zone" and not cols["created_at"].nullable
        # Computed columns can be NULL as far as anyone can tell.
        counted = {c.name: c for c in describe(conn, queries.count_run_events_by_type).columns}
        assert counted["event_type"].nullable is False and counted["events"].nullable is True
        # A migration that makes a column NOT NULL makes it non-Optional in the stubs.
        conn.execute("ALTER TABLE agent_runs ALTER COLUMN model SET NOT NULL")
        assert "    model: str\n" in generate(conn).split("class GetRunRow(TypedDict):")[1].split("\n\n")[0]
    text = STUB_PATH.read_text()
    assert "def get_run(self, conn: psycopg.Connection[Any], /, *, run_id: int | None) -> GetRunRow | None" in text
    assert "def list_runs_by_agent(self, conn: psycopg.Connection[Any], /, *, agent_id: int | None, " \
           "limit_rows: int | None) -> Iterator[ListRunsByAgentRow]" in text
    assert "async def count_users(self, conn: psycopg.AsyncConnection[Any], /) -> int | None" in text
    assert "def delete_agent(self, conn: psycopg.Connection[Any], /, *, agent_id: int | None) -> int" in text
    assert "def insert_llm_audits(self, conn: psycopg.Connection[Any], rows: Iterable[InsertLlmAuditsParams], /) -> int" in text
    assert re.search(r"context: Jsonb \| Json\) -> UpdateUserContextRow \| None", text)


def test_mypy_accepts_the_example_and_rejects_a_wrong_type(tmp_path):
    bad = tmp_path / "service_bad.py"
    bad.write_text(EXAMPLE.read_text().replace("agent_id=supervisor_id)", "agent_id=str(supervisor_id))"))
    assert bad.read_text() != EXAMPLE.read_text()
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                        "--cache-dir", "/tmp/zerg-sql-mypy-cache", str(EXAMPLE), str(bad)],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    assert r.returncode == 1, r.stdout + r.stderr
    assert len(errors) == 1, r.stdout                          # the example itself is clean
    # (by file name: mypy's cache may remember an earlier tmp directory for an unchanged file)
    assert errors[0].split(':')[0].endswith('service_bad.py') and 'Argument "agent_id" to "get_active_run"' in errors[0]
    assert 'incompatible type "str"; expected "int | None"' in errors[0]


def test_the_example_runs(db):
    spec = importlib.util.spec_from_file_location("example_service", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    u = queries.create_user(db, email="x@example.com", provider=None, provider_user_id=None, display_name=None,
                            avatar_url=None, role=None)
    a = queries.create_agent(db, owner_id=u["id"], name="s", system_instructions="s", task_instructions="t",
                             model="m", schedule=None, config=None, allowed_tools=None)
    th = queries.create_thread(db, agent_id=a["id"], title="t", active=None, thread_type=None, agent_state=None,
                               memory_strategy=None)
    r = queries.create_run(db, agent_id=a["id"], thread_id=th["id"], status="running", trigger=None, model=None,
                           reasoning_effort=None, correlation_id=None, assistant_message_id=None)
    db.commit()
    assert mod.active_run(db, a["id"])["id"] == r["id"]
    ids = mod.spawn_workers(db, r["id"], u["id"], {"c1": "a", "c2": "b"})
    assert mod.spawn_workers(db, r["id"], u["id"], {"c1": "a", "c2": "b"}) == ids   # idempotent
    assert sorted(j["id"] for j in mod.claim(db, "w")) == sorted(ids)
    assert mod.finish(db, ids[0], None) is True and mod.finish(db, ids[0], None) is False
    assert mod.finish(db, ids[1], "boom") is True
    assert mod.message_count(db, th["id"]) == 0
