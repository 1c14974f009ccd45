"""A good tenant on a shared instance (issue 9): least-privilege roles, the read-only dashboard
role, nothing reached beyond our schema, no secret in any output, no value spliced into SQL.

The "DBA" is the test server's superuser. Per module it creates, with names unique to this
run (roles are cluster-wide): a schema owner that is not a superuser and owns only `zerg`,
an `ops` owner that owns ops.job_queue / ops.runs and grants the zerg owner only what the
queue queries need, the dashboard role, and a neighbour tenant with its own schema. Then
everything runs as those roles, the way it does on clifford (docs/security.md).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import click
import psycopg
import pytest
from psycopg import errors, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tests.conftest import test_env_for
from zerg_sql.cli.query import SECRET_COLUMNS
from zerg_sql.config import ROOT, SQL_DIR
from zerg_sql.db import connect
from zerg_sql.migrate import OPS_MIGRATIONS, Runner
from zerg_sql.queries import definitions, internal, queries

TAG = uuid.uuid4().hex[:8]
# Distinctive values: any output containing them leaked a secret or a password.
SECRET = f"S3CR{TAG}"
PASSWORD = f"Pw-{TAG}-n0t-f0r-output"
DASHBOARD_FILES = ("traces.sql", "reliability.sql", "queue_health.sql")
# Every credential column of the schema; the dashboard role must never read one.
CREDENTIAL_COLUMNS = {
    ("users", "gmail_refresh_token"), ("triggers", "secret"), ("connectors", "config"),
    ("connector_credentials", "encrypted_value"), ("account_connector_credentials", "encrypted_value"),
    ("runners", "auth_secret_hash"), ("runner_enroll_tokens", "token_hash"),
}
# A column whose name looks like one of those must be in CREDENTIAL_COLUMNS or here.
LOOKS_SECRET = re.compile(r"secret|token|hash|password|encrypt|credential|api_?key|cookie|session_key", re.I)
NOT_CREDENTIALS = {("agent_runs", "total_tokens"), ("llm_audit_log", "input_tokens"),
                   ("llm_audit_log", "output_tokens"), ("llm_audit_log", "reasoning_tokens"),
                   ("knowledge_documents", "content_hash")}
# What migration 0013 grants the dashboard role: table -> readable columns (None: all).
DASHBOARD_READS = {
    "agent_runs": None,
    "worker_jobs": None,
    "llm_audit_log": {"id", "created_at", "run_id", "worker_id", "thread_id", "owner_id", "trace_id", "span_id",
                      "phase", "model", "message_count", "input_tokens", "response_content",
                      "response_tool_calls", "output_tokens", "reasoning_tokens", "duration_ms",
                      "checkpoint_id", "error"},
    "runners": {"id", "owner_id", "name", "status", "last_seen_at", "capabilities"},
}
# The privileges the ops owner grants the zerg owner: exactly what sql/queries/job_queue.sql
# needs (SELECT for RETURNING / the claim scan, DELETE for purge_finished_jobs; on the
# insert-only history INSERT, and SELECT on the two columns ON CONFLICT (job_key, started_at)
# infers its arbiter index from). docs/security.md has the same list.
OPS_GRANTS = ["SELECT, INSERT, UPDATE, DELETE ON TABLE ops.job_queue",
              "INSERT, SELECT (job_key, started_at) ON TABLE ops.runs"]
ALLOWED_BESIDE = ["pg_catalog", "information_schema", "pg_toast"]


# ------------------------------------------------------------------ roles and databases

@dataclass
class Tenancy:
    owner: str
    ops: str
    dash: str
    neighbour: str
    pg: object  # conftest's Server

    def url(self, dbname: str, role: str, password: str | None = None) -> str:
        parts = urlsplit(self.pg.url(dbname))
        host = parts.netloc.rsplit("@", 1)[-1]
        auth = role + (":" + quote(password, safe="") if password else "")
        return urlunsplit(parts._replace(netloc=f"{auth}@{host}"))

    def owner_url(self, dbname: str) -> str:
        return self.url(dbname, self.owner, PASSWORD)

    def dash_url(self, dbname: str) -> str:
        return self.url(dbname, self.dash, PASSWORD)

    def env(self, dbname: str, **overrides):
        """The prod-like environment: protected (its runs mark the database, like the CLI's
        --env prod ones, so that dev and test refuse it), never creates ops, grants our
        dashboard role."""
        return test_env_for(self.owner_url(dbname), **{"name": "prod", "protected": True, "may_create_ops": False,
                                                       "dashboard_role": self.dash, **overrides})

    def clone(self, template: str) -> str:
        name = f"sec_{uuid.uuid4().hex[:12]}"
        self.pg.create_database(name, template=template)
        return name


def dbname(url: str) -> str:
    return psycopg.conninfo.conninfo_to_dict(url)["dbname"]


def ident(*names: str) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(n) for n in names)


@pytest.fixture(scope="module")
def tenancy(pg):
    t = Tenancy(owner=f"sec_owner_{TAG}", ops=f"sec_ops_{TAG}", dash=f"sec_dash_{TAG}",
                neighbour=f"sec_neighbour_{TAG}", pg=pg)
    with pg.admin() as c:
        for role in (t.owner, t.dash):  # passwords: TCP servers (testcontainers, CI) need them
            c.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}")
                      .format(sql.Identifier(role), sql.Literal(PASSWORD)))
        for role in (t.ops, t.neighbour):
            c.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    yield t
    with pg.admin() as c:  # the databases that held their privileges are gone by now
        for role in (t.owner, t.dash, t.ops, t.neighbour):
            c.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture(scope="module")
def bare_db(pg, tenancy):
    """What a DBA prepares on clifford, before our first migrate: schema zerg owned by the
    owner, ops owned by the ops owner with its grants, a neighbour tenant, a public table."""
    t = tenancy
    name = f"sec_bare_{TAG}"
    pg.create_database(name)
    try:
        prepare_bare(pg.url(name), t)
    except BaseException:
        pg.drop_database(name)
        raise
    yield name
    pg.drop_database(name)


def prepare_bare(url: str, t: Tenancy) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(sql.SQL("CREATE SCHEMA zerg AUTHORIZATION {}").format(sql.Identifier(t.owner)))
        c.execute(sql.SQL("CREATE SCHEMA ops AUTHORIZATION {}").format(sql.Identifier(t.ops)))
        # The ops files start with CREATE SCHEMA IF NOT EXISTS, which wants CREATE on the
        # database even when the schema exists: the DBA lends it for the run.
        c.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(sql.Identifier(dbname(url)), sql.Identifier(t.ops)))
        c.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(t.ops)))
        for f in sorted(OPS_MIGRATIONS.glob("ops_*.sql")):
            if not f.name.endswith(".rollback.sql"):
                c.execute(f.read_text())
        c.execute("RESET ROLE")
        c.execute(sql.SQL("REVOKE CREATE ON DATABASE {} FROM {}").format(sql.Identifier(dbname(url)), sql.Identifier(t.ops)))
        c.execute(sql.SQL("GRANT USAGE ON SCHEMA ops TO {}").format(ident(t.owner, t.dash)))
        for grant in OPS_GRANTS:
            c.execute(sql.SQL("GRANT {} TO {}").format(sql.SQL(grant), sql.Identifier(t.owner)))
        c.execute(sql.SQL("GRANT SELECT ON TABLE ops.job_queue TO {}").format(sql.Identifier(t.dash)))
        # The neighbour tenant: a schema with a table, a function, a type and a view.
        c.execute(sql.SQL("CREATE SCHEMA billing AUTHORIZATION {}").format(sql.Identifier(t.neighbour)))
        c.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(t.neighbour)))
        c.execute("""
            CREATE TYPE billing.plan AS ENUM ('free', 'pro');
            CREATE TABLE billing.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                           plan billing.plan NOT NULL, cents bigint NOT NULL);
            CREATE FUNCTION billing.total() RETURNS bigint LANGUAGE sql STABLE
                AS 'SELECT coalesce(sum(cents), 0)::bigint FROM billing.invoices';
            CREATE VIEW billing.pro_invoices AS SELECT * FROM billing.invoices WHERE plan = 'pro';
            INSERT INTO billing.invoices (plan, cents) VALUES ('pro', 1200), ('free', 0);
        """)
        c.execute("RESET ROLE")
        c.execute("CREATE TABLE public.canary (id int PRIMARY KEY, note text NOT NULL)")
        c.execute("INSERT INTO public.canary VALUES (1, 'still here')")
        c.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")  # the default since PG15; explicit for 14


@pytest.fixture(scope="module")
def migrated_db(pg, tenancy, bare_db):
    """bare_db migrated by the owner (not a superuser) with the dashboard role granted."""
    name = f"sec_migrated_{TAG}"
    pg.create_database(name, template=bare_db)
    with Runner(tenancy.env(name), out=lambda _: None) as runner:
        assert len(runner.migrate()) == len(list(runner.migrations()))
    yield name
    pg.drop_database(name)


@pytest.fixture
def clone(pg, tenancy):
    made = []

    def make(template: str) -> str:
        made.append(tenancy.clone(template))
        return made[-1]

    yield make
    for name in made:
        pg.drop_database(name)


# ------------------------------------------------------------------ helpers

def cli(*args: str, url: str | None = None, env: str | None = "prod", cwd: Path | None = None,
        extra_env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "zerg_sql"]
    cmd += ["--env", env] if env else []
    cmd += ["--database-url", url] if url else []
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("ZERG_") and k != "DATABASE_URL"}
    run_env.update(extra_env or {})
    return subprocess.run(cmd + list(args), capture_output=True, text=True, cwd=cwd or ROOT,
                          env=run_env, timeout=timeout, stdin=subprocess.DEVNULL)


def run_many(calls: list[tuple], **common) -> list[subprocess.CompletedProcess]:
    """CLI processes two at a time (each costs about a second of start-up and imports)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda c: cli(*c[0], **{**common, **c[1]}), calls))


def leaf_commands(group: click.Group | None = None, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    """Every runnable command of the CLI, by its path (("dash", "trace"), ...)."""
    from zerg_sql.cli import main

    group = group or main
    out = {}
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # zerg_sql.cli imports a group's module on first use
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            out.update(leaf_commands(cmd, prefix + (name,)))
        else:
            out[prefix + (name,)] = cmd
    return out


# Commands that never reach the database, or whose job is to pass text through to psql.
NO_DATABASE = {("new",), ("lint",), ("psql",), ("dev", "up"), ("dev", "down"), ("dev", "url"), ("dev", "reset"),
               ("query", "list"), ("query", "show")}

ACL_SNAPSHOT = """
SELECT 'schema' AS kind, n.nspname AS schema, '' AS name, pg_get_userbyid(n.nspowner) AS owner,
       n.nspacl::text AS acl
FROM pg_namespace n WHERE n.nspname <> 'zerg' AND n.nspname !~ '^pg_(toast_)?temp_'
UNION ALL
SELECT 'relation', n.nspname, c.relname, pg_get_userbyid(c.relowner), c.relacl::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY (%(schemas)s)
UNION ALL
SELECT 'column', n.nspname, c.relname || '.' || a.attname, '', a.attacl::text
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(schemas)s) AND a.attacl IS NOT NULL
UNION ALL
SELECT 'function', n.nspname, p.oid::regprocedure::text, pg_get_userbyid(p.proowner), p.proacl::text
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (%(schemas)s)
UNION ALL
SELECT 'type', n.nspname, t.typname, pg_get_userbyid(t.typowner), t.typacl::text
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY (%(schemas)s)
UNION ALL
SELECT 'default acl', coalesce(n.nspname, '(every schema)'), pg_get_userbyid(d.defaclrole) || ' ' || d.defaclobjtype::text,
       '', d.defaclacl::text
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE n.nspname IS DISTINCT FROM 'zerg'
UNION ALL
SELECT 'database', datname, '', pg_get_userbyid(datdba), datacl::text FROM pg_database WHERE datname = current_database()
UNION ALL
SELECT 'role', rolname, '', '', concat_ws(' ', rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolconfig::text)
FROM pg_roles WHERE rolname ~ '^(zerg|sec_)'
UNION ALL
SELECT 'canary', 'public', note, '', id::text FROM public.canary
UNION ALL
SELECT 'row', 'billing', id::text, plan::text, cents::text FROM billing.invoices
ORDER BY 1, 2, 3
"""
NEIGHBOURS = ["public", "ops", "billing"]


def neighbour_snapshot(pg, dbname: str) -> str:
    """Everything a neighbour owns, as text: catalog descriptions, fingerprints (xmin changes on
    any ALTER), owners and ACLs, default privileges, roles, and a few rows."""
    with psycopg.connect(pg.url(dbname), autocommit=True, row_factory=dict_row) as c:
        snap = {f"describe {s}": [list(r.values()) for r in internal.describe_schema(c, schema=s)] for s in NEIGHBOURS}
        snap["outside"] = [list(r.values()) for r in
                           internal.list_objects_outside(c, allowed_schemas=["zerg"] + ALLOWED_BESIDE)]
        snap["acl"] = [list(r.values()) for r in c.execute(ACL_SNAPSHOT, {"schemas": NEIGHBOURS})]
    assert snap["describe billing"] and snap["describe ops"], "the neighbours exist"
    return json.dumps(snap, indent=1, sort_keys=True)


def diff(a: str, b: str) -> str:
    import difflib

    return "\n".join(list(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1))[:40])


# ------------------------------------------------------------------ 1. as a role that is not a superuser

def test_the_owner_is_an_ordinary_role_that_owns_only_zerg(pg, tenancy, bare_db):
    with psycopg.connect(tenancy.owner_url(bare_db), autocommit=True) as c:
        row = c.execute("SELECT rolsuper, rolcreatedb, rolcreaterole, has_database_privilege(current_database(), 'CREATE'),"
                        " has_schema_privilege('public', 'CREATE'), has_schema_privilege('ops', 'CREATE')"
                        " FROM pg_roles WHERE rolname = current_user").fetchone()
        assert row == (False, False, False, False, False, False)
        owned = c.execute("SELECT nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles"
                          " WHERE rolname = current_user)").fetchall()
        assert owned == [("zerg",)]


def test_migrate_rollback_adopt_lint_as_the_owner_leave_the_neighbours_byte_for_byte_unchanged(pg, tenancy, bare_db, clone, tmp_path):
    """(status, verify and doctor as the owner: test_status_verify_and_doctor_work_as_the_owner.)"""
    db = clone(bare_db)
    url = tenancy.owner_url(db)
    before = neighbour_snapshot(pg, db)
    n = len([f for f in (SQL_DIR / "migrations").glob("[0-9]*.sql") if not f.name.endswith(".rollback.sql")])

    def applied() -> list[str]:
        with psycopg.connect(url, autocommit=True, options="-c search_path=zerg") as c:
            return sorted(r["migration_id"] for r in internal.list_ledger(c))

    r = cli("migrate", "--yes", url=url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(applied()) == n
    after_migrate = neighbour_snapshot(pg, db)
    assert after_migrate == before, diff(before, after_migrate)

    # Back to nothing and up again, as the owner (the runner in process: the CLI is above).
    with Runner(tenancy.env(db), out=lambda _: None) as runner:
        runner.rollback(to=applied()[0])
        runner.rollback(steps=1)
    assert applied() == []
    with psycopg.connect(pg.url(db)) as c:  # only the runner's bookkeeping is left in zerg
        left = c.execute("SELECT relname FROM pg_class WHERE relnamespace = 'zerg'::regnamespace"
                         " AND relkind IN ('r', 'v', 'm', 'p') AND relname !~ '^(_yoyo_|_zerg_sql_)'").fetchall()
        assert left == []
    after_rollback = neighbour_snapshot(pg, db)
    assert after_rollback == before, diff(before, after_rollback)

    with Runner(tenancy.env(db), out=lambda _: None) as runner:
        runner.migrate()
    assert len(applied()) == n
    # lint reads files only; adopt on a schema that is already ours refuses (legacy: next test).
    calls = [(("lint",), {})]
    if ("adopt",) in leaf_commands():
        calls += [(("adopt", "--dry-run"), {}), (("adopt", "--yes"), {})]
    for (args, _), r in zip(calls, run_many(calls, url=url)):
        assert "Traceback" not in r.stderr and (args == ("lint",) or r.returncode in (0, 1)), (args, r.stderr)
    again = neighbour_snapshot(pg, db)
    assert again == before, diff(before, again)


def test_adopt_as_the_owner_touches_nothing_outside_zerg(pg, tenancy, bare_db, clone):
    if ("adopt",) not in leaf_commands():
        pytest.fail("zerg-sql adopt is not registered (issue 4)")
    db = clone(bare_db)
    with psycopg.connect(tenancy.owner_url(db), autocommit=True) as c:  # the legacy schema, built by the owner
        c.execute("SET search_path TO zerg")
        c.execute((SQL_DIR / "legacy" / "create_all.sql").read_text())
        c.execute((ROOT / "tests" / "fixtures" / "legacy" / "data.sql").read_text())
    before = neighbour_snapshot(pg, db)
    r = cli("adopt", "--yes", url=tenancy.owner_url(db))
    assert r.returncode == 0, r.stdout + r.stderr
    r = cli("migrate", "--yes", url=tenancy.owner_url(db))
    assert r.returncode == 0, r.stderr
    after = neighbour_snapshot(pg, db)
    assert after == before, diff(before, after)
    assert cli("verify", url=tenancy.owner_url(db)).returncode == 0


def test_migrating_where_we_may_create_ops_still_leaves_public_and_neighbours_alone(pg, empty_db_url):
    """dev/test: ops is ours and created; `public` and a neighbour tenant are untouched."""
    with psycopg.connect(empty_db_url, autocommit=True) as c:
        c.execute("CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int); CREATE TABLE public.canary (id int);"
                  "CREATE FUNCTION billing.f() RETURNS int LANGUAGE sql AS 'SELECT 1';"
                  "CREATE TYPE billing.plan AS ENUM ('free'); CREATE VIEW billing.v AS SELECT * FROM billing.invoices")

    def snap() -> str:
        with psycopg.connect(empty_db_url, autocommit=True, row_factory=dict_row) as c:
            return json.dumps({s: [list(r.values()) for r in internal.describe_schema(c, schema=s)] for s in ("public", "billing")}
                              | {"outside": [list(r.values()) for r in internal.list_objects_outside(
                                  c, allowed_schemas=["zerg", "ops"] + ALLOWED_BESIDE)]}, sort_keys=True)

    before = snap()
    with Runner(test_env_for(empty_db_url), out=lambda _: None) as runner:
        runner.migrate()
        assert snap() == before
        runner.rollback(steps=len(runner.migrations()))
    assert snap() == before


def test_service_and_queue_queries_run_as_the_owner_with_only_the_ops_grants(pg, tenancy, migrated_db, clone):
    db = clone(migrated_db)
    conn = connect(tenancy.owner_url(db), search_path=("zerg", "public"))
    try:
        seed_secrets(conn)
        user = queries.get_user_by_email(conn, email=f"owner-{TAG}@example.com")
        assert user["gmail_refresh_token"] == f"{SECRET}-gmail"  # the service itself reads its secrets
        assert len(list(queries.list_agent_credentials(conn, agent_id=seeded_agent(conn)))) == 1
        conn.commit()
        exercise_queue(conn)
        conn.commit()
        # The worker itself, as the owner: one job succeeds, one fails for good (history rows).
        from zerg_sql.queue_worker import Worker

        def boom(payload):
            raise RuntimeError("no")

        for job_id in ("ok", "boom"):
            queries.enqueue_job(conn, id=None, job_id=job_id, scheduled_for=None, max_attempts=1, dedupe_key=None,
                                payload=None)
        conn.commit()
        worker = Worker(tenancy.owner_url(db), {"ok": lambda payload: None, "boom": boom}, listen=True, poll_seconds=0.1)
        assert worker.run(until_idle=True) == 2
        statuses = {r["status"]: r["n"] for r in queries.count_queue_jobs_by_status(conn)}
        assert (statuses["success"], statuses["dead"]) == (1, 1)
        conn.commit()
        # ... and nothing beyond the grants: no DDL in ops, no reading the history, no TRUNCATE.
        for stmt in ("CREATE TABLE ops.mine (id int)", "ALTER TABLE ops.job_queue ADD COLUMN x int",
                     "DROP TABLE ops.runs", "TRUNCATE ops.job_queue", "SELECT error_message FROM ops.runs",
                     "CREATE TABLE public.mine (id int)", "CREATE SCHEMA mine", "SELECT * FROM billing.invoices",
                     "ALTER TABLE ops.job_queue OWNER TO CURRENT_USER"):
            with pytest.raises(errors.InsufficientPrivilege):
                with conn.transaction():
                    conn.execute(stmt)
    finally:
        conn.close()


def seeded_agent(conn) -> int:
    return conn.execute("SELECT id FROM agents WHERE name = %s", (f"agent-{TAG}",)).fetchone()["id"]


def exercise_queue(conn) -> None:
    """Every query of sql/queries/job_queue.sql, with its effect checked, as the zerg owner."""
    q = queries
    used = set()

    def call(name, **params):
        used.add(name)
        return getattr(q, name)(conn, **params)

    call("listen_for_jobs")  # LISTEN needs no privilege
    call("set_default_plan_cache_mode")  # nor does SET LOCAL of a user setting
    jid = call("enqueue_job", id=None, job_id="sec-job", scheduled_for=None, max_attempts=2,
               dedupe_key=f"sec-{TAG}", payload=Jsonb({"n": 1}))
    assert jid and call("enqueue_job", id=None, job_id="sec-job", scheduled_for=None, max_attempts=2,
                        dedupe_key=f"sec-{TAG}", payload=None) is None
    many = list(call("enqueue_jobs", ids=[None, None, None], job_ids=["a", "b", "c"], scheduled_fors=[None] * 3,
                     max_attempts=[3, 3, 1], dedupe_keys=[None] * 3, payloads=[None] * 3))
    assert len(many) == 3
    claimed = {r["id"]: r for r in call("claim_jobs", owner="w1", lease_seconds=30, batch=10)}
    assert len(claimed) == 4
    ids = list(claimed)
    assert call("extend_job_lease", id=ids[0], owner="w1", attempt=1, lease_seconds=60) is not None
    assert len(list(call("extend_job_leases", owner="w1", ids=ids, attempts=[1] * 4, lease_seconds=60))) == 4
    assert call("complete_job", id=ids[0], owner="w1", attempt=1) == 1
    now = datetime.now(timezone.utc)
    done = list(call("complete_jobs", owner="w1", ids=[ids[1]], attempts=[1], started=[now], ended=[now], history=True))
    assert [d["id"] for d in done] == [ids[1]]
    rows = list(call("complete_and_claim_jobs", owner="w1", ids=[ids[2]], attempts=[1], started=[now], ended=[now],
                     history=True, lease_seconds=30, batch=5))
    assert [r["kind"] for r in rows] == ["completed"]
    failed = call("fail_job", id=ids[3], owner="w1", attempt=1, error=f"token={SECRET}-queue")
    assert failed["status"] == ("dead" if claimed[ids[3]]["max_attempts"] == 1 else "queued")
    again = call("enqueue_job", id=None, job_id="r", scheduled_for=None, max_attempts=1, dedupe_key=None, payload=None)
    got = list(call("claim_jobs", owner="w2", lease_seconds=30, batch=1))
    assert [g["id"] for g in got] == [again]
    assert list(call("release_jobs", owner="w2", ids=[again], attempts=[1])) == [{"id": again}]
    assert call("cancel_job", id=again, reason="stop")["status"] == "dead"
    k = call("enqueue_job", id=None, job_id="k", scheduled_for=None, max_attempts=3, dedupe_key=None, payload=None)
    assert [g["id"] for g in call("claim_job_by_id", id=k, owner="w2", lease_seconds=30)] == [k]
    assert call("fail_job_dead", id=k, owner="w2", attempt=1, error="disabled")["status"] == "dead"
    assert call("get_last_scheduled_for", job_id="sec-job") is not None
    assert len(list(call("list_recent_queue_entries", limit=10))) == 6
    assert {r["status"]: r["n"] for r in call("count_queue_jobs_by_status")}["success"] == 3
    assert call("insert_job_run", job_id="manual", started_at=now, ended_at=now, duration_ms=None, status="failure",
                exit_code=None, error_message="x", error_type="y", summary=None, stdout_tail=None, tags=None,
                project=None, metadata=Jsonb({})) == 1
    # A lease that expired on the last attempt is reaped (needs UPDATE + INSERT on ops.runs).
    # Commits in between: now() is the transaction's start.
    z = call("enqueue_job", id=None, job_id="z", scheduled_for=None, max_attempts=1, dedupe_key=None, payload=None)
    conn.commit()
    assert len(list(call("claim_jobs", owner="w3", lease_seconds=0.001, batch=1))) == 1
    conn.commit()
    time.sleep(0.01)
    assert [r["id"] for r in call("reap_zombie_jobs", reason="died")] == [z]
    assert call("purge_finished_jobs", older_than_seconds=-60) >= 4
    every = {d.name for d in definitions().values() if d.path.name == "job_queue.sql"}
    assert every - used == set(), f"queue queries not exercised as the owner: {sorted(every - used)}"


# ------------------------------------------------------------------ 2. the dashboard role

def seed_secrets(conn) -> uuid.UUID:
    """Every credential column filled with a distinctive value, plus failures whose texts carry
    secrets the dashboards must redact. Uses the service queries (as whoever conn is)."""
    q = queries
    u = q.create_user(conn, email=f"owner-{TAG}@example.com", provider="google", provider_user_id=f"g-{TAG}",
                      display_name="Owner", avatar_url=None, role="user")
    q.set_user_gmail_refresh_token(conn, user_id=u["id"], gmail_refresh_token=f"{SECRET}-gmail")
    a = q.create_agent(conn, owner_id=u["id"], name=f"agent-{TAG}", system_instructions="s", task_instructions="t",
                       model="gpt-x", schedule=None, config=None, allowed_tools=None)
    q.create_trigger(conn, agent_id=a["id"], type="webhook", secret=f"{SECRET}-trigger", config=None)
    q.create_connector(conn, owner_id=u["id"], type="email", provider="gmail",
                       config=Jsonb({"refresh_token": f"{SECRET}-connector", "watch": 1}))
    q.upsert_agent_credential(conn, agent_id=a["id"], connector_type="github", encrypted_value=f"{SECRET}-agentcred",
                              display_name="gh", connector_metadata=None)
    q.upsert_account_credential(conn, owner_id=u["id"], organization_id=None, connector_type="slack",
                                encrypted_value=f"{SECRET}-accountcred", display_name="sl", connector_metadata=None,
                                test_status=None)
    runner = q.create_runner(conn, owner_id=u["id"], name="laptop", auth_secret_hash=f"{SECRET}-runnerhash",
                             labels=None, capabilities=None, runner_metadata=None)
    q.record_runner_heartbeat(conn, runner_id=runner["id"], status="online", runner_metadata=None)
    q.create_enroll_token(conn, owner_id=u["id"], token_hash=f"{SECRET}-enroll",
                          expires_at=datetime.now(timezone.utc) + timedelta(hours=1))
    t = q.create_thread(conn, agent_id=a["id"], title="t", active=None, thread_type="manual", agent_state=None, memory_strategy=None)
    run = q.create_run(conn, agent_id=a["id"], thread_id=t["id"], status="queued", trigger="manual", model="gpt-x",
                       reasoning_effort=None, correlation_id=None, assistant_message_id=None)
    q.start_run(conn, run_id=run["id"])
    q.finish_run(conn, run_id=run["id"], status="failed", total_tokens=10, total_cost_usd=0.1,
                 error=f"401 from provider: api_key={SECRET}-runerror", summary=None)
    trace = run["trace_id"]
    w = q.create_worker_job(conn, owner_id=u["id"], supervisor_run_id=run["id"], tool_call_id="tc1", trace_id=trace,
                            task=f"call the API with password: {SECRET}-task", model="gpt-x", reasoning_effort=None,
                            status="queued")
    q.start_worker_job(conn, job_id=w["id"], worker_id="w-1")
    q.fail_worker_job(conn, job_id=w["id"], error=f"Authorization: Bearer {SECRET}-workererror", worker_id=None)
    q.insert_llm_audit(conn, run_id=run["id"], worker_id=None, thread_id=t["id"], owner_id=u["id"], trace_id=trace,
                       span_id=None, phase="initial", model="gpt-x",
                       messages=Jsonb([{"role": "user", "content": f"my password is {SECRET}-prompt"}]),
                       message_count=1, input_tokens=5,
                       response_content=f"use token: {SECRET}-response",
                       response_tool_calls=Jsonb([{"name": "http", "args": {"password": f"{SECRET}-toolarg"}}]),
                       output_tokens=3, reasoning_tokens=0, duration_ms=120000,
                       checkpoint_id=None, error=f"secret={SECRET}-llmerror")
    return trace


def dashboard_params(trace) -> dict:
    return dict(max_rows=100, skip=0, trace_id=trace, level="full", max_events=500, slow_ms=0, high_errors=0,
                some_errors=0, window_minutes=10080, as_of=None, hours=168, threshold_mins=0, orphan_mins=0)


def dashboard_queries() -> list:
    found = [d for d in definitions().values() if d.path.name in DASHBOARD_FILES]
    assert {d.path.name for d in found} == set(DASHBOARD_FILES), "the dashboard query files exist"
    return sorted(found, key=lambda d: d.name)


@pytest.fixture(scope="module")
def dash_db(pg, tenancy, migrated_db):
    """migrated_db with secrets seeded by the owner and a queue job whose error holds one."""
    name = tenancy.clone(migrated_db)
    with connect(tenancy.owner_url(name), search_path=("zerg", "public")) as conn:
        trace = seed_secrets(conn)
        jid = queries.enqueue_job(conn, id=None, job_id="j", scheduled_for=None, max_attempts=1, dedupe_key=None,
                                  payload=None)
        [job] = queries.claim_jobs(conn, owner="w", lease_seconds=30, batch=1)
        queries.fail_job(conn, id=jid, owner="w", attempt=job["attempts"], error=f"password={SECRET}-queue")
        conn.commit()
    yield name, trace
    pg.drop_database(name)


def test_the_dashboard_role_runs_every_dashboard_query_and_never_sees_a_secret(tenancy, dash_db):
    db, trace = dash_db
    params = dashboard_params(trace)
    outputs = {}
    with connect(tenancy.dash_url(db), search_path=("zerg", "public")) as conn:
        for d in dashboard_queries():
            missing = set(d.params or ()) - set(params)
            assert not missing, f"{d.name}: give dashboard_params() a value for {missing}"
            fn = getattr(queries, d.name)
            result = fn(conn, **{p: params[p] for p in d.params or ()})
            outputs[d.name] = list(result) if d.suffix == "" else result
            conn.rollback()
    text = json.dumps(outputs, default=str)
    assert SECRET not in text, [n for n, o in outputs.items() if SECRET in json.dumps(o, default=str)]
    # The data did reach the dashboards, redacted: the run's error, the worker's, the LLM call's.
    assert text.count("[REDACTED]") >= 5, text[:2000]
    assert any(r["source"] == "run" for r in outputs["list_reliability_errors"])
    assert outputs["get_queue_health"]["dead_last_day"] >= 1


def test_the_dashboard_role_cannot_write_anything_or_read_a_credential(tenancy, dash_db):
    db, _ = dash_db
    with connect(tenancy.dash_url(db), search_path=("zerg", "public"), autocommit=True) as conn:
        tables = [r["t"] for r in conn.execute(
            "SELECT c.oid::regclass::text AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname IN ('zerg', 'ops') AND c.relkind IN ('r', 'p') ORDER BY 1")]
        assert len(tables) >= 33
        for table in tables:
            t = sql.SQL(table)  # a regclass text from the catalog, already quoted as needed
            first = conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
                                 " AND attidentity = '' AND attgenerated = '' AND NOT attisdropped ORDER BY attnum"
                                 " LIMIT 1", (table,)).fetchone()["attname"]
            for stmt in (sql.SQL("INSERT INTO {} DEFAULT VALUES").format(t),
                         sql.SQL("UPDATE {} SET {} = {}").format(t, sql.Identifier(first), sql.Identifier(first)),
                         sql.SQL("DELETE FROM {}").format(t), sql.SQL("TRUNCATE {}").format(t)):
                with pytest.raises(errors.InsufficientPrivilege):
                    conn.execute(stmt)
        for table, column in sorted(CREDENTIAL_COLUMNS):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql.SQL("SELECT {} FROM {}").format(sql.Identifier(column), sql.Identifier("zerg", table)))
        for stmt in ("SELECT * FROM zerg.runners", "SELECT messages FROM zerg.llm_audit_log",
                     "CREATE TABLE zerg.mine (id int)", "CREATE FUNCTION zerg.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                     "CALL zerg.grant_dashboard_access(current_user)", "SELECT * FROM zerg._zerg_sql_log",
                     "SELECT * FROM ops.runs", "SELECT * FROM billing.invoices"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(stmt)
        # What it CAN read, exactly: the dashboards' tables and columns, nothing else.
        readable = {}
        for r in conn.execute(
                "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'zerg' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'm', 'p')"
                " AND has_column_privilege(c.oid, a.attnum, 'SELECT')"):
            readable.setdefault(r["relname"], set()).add(r["attname"])
        for table, columns in DASHBOARD_READS.items():
            if columns is None:
                columns = {r["attname"] for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    (f"zerg.{table}",))}
            assert readable.pop(table, set()) == columns, table
        assert readable == {}


def test_every_credential_looking_column_is_listed_and_unreadable_by_the_dashboard_role(tenancy, migrated_db):
    with psycopg.connect(tenancy.owner_url(migrated_db), row_factory=dict_row) as conn:
        cols = conn.execute(
            "SELECT c.relname, a.attname, has_column_privilege(%s, c.oid, a.attnum, 'SELECT') AS readable"
            " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'zerg' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
            " AND c.relname !~ '^(_yoyo_|_zerg_sql_)'",  # the runner's bookkeeping: no grant at all (above)
            (tenancy.dash,)).fetchall()
    by_key = {(c["relname"], c["attname"]): c["readable"] for c in cols}
    assert CREDENTIAL_COLUMNS <= set(by_key), "every listed credential column exists"
    looks = {k for k in by_key if LOOKS_SECRET.search(k[1])} - NOT_CREDENTIALS
    assert looks <= CREDENTIAL_COLUMNS, f"new credential-looking columns: add them to CREDENTIAL_COLUMNS: {looks - CREDENTIAL_COLUMNS}"
    assert [k for k in CREDENTIAL_COLUMNS if by_key[k]] == []
    # ... and `zerg-sql query run` redacts every one of them (zerg_sql.config).
    assert {column for _, column in CREDENTIAL_COLUMNS} - {"config"} <= SECRET_COLUMNS


def test_future_objects_functions_yes_tables_no_and_the_rollback_takes_everything_back(pg, tenancy, migrated_db, clone):
    db = clone(migrated_db)
    owner = psycopg.connect(tenancy.owner_url(db), autocommit=True)
    owner.execute("SET search_path TO zerg")
    # A DBA's hardening (functions not executable by PUBLIC): then only the default privilege
    # of 0013 lets the dashboard role run a function created later.
    owner.execute("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")
    owner.execute("CREATE FUNCTION later_dashboard() RETURNS int LANGUAGE sql AS 'SELECT 42'")
    owner.execute("CREATE TABLE later_table (id int, api_token text)")
    with psycopg.connect(tenancy.dash_url(db), autocommit=True) as c:
        assert c.execute("SELECT zerg.later_dashboard()").fetchone() == (42,)
        with pytest.raises(errors.InsufficientPrivilege):
            c.execute("SELECT * FROM zerg.later_table")
    assert owner.execute("SELECT has_function_privilege(%s, 'zerg.later_dashboard()', 'EXECUTE')",
                         (tenancy.neighbour,)).fetchone() == (False,)
    owner.execute("DROP FUNCTION later_dashboard(); DROP TABLE later_table")
    owner.execute("ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC")
    owner.close()

    def grants_of_dash() -> list:
        with psycopg.connect(pg.url(db), autocommit=True) as c:
            return c.execute("""
                SELECT 'rel', c.relname FROM pg_class c, aclexplode(c.relacl) x
                WHERE c.relnamespace = 'zerg'::regnamespace AND x.grantee = %(r)s::regrole
                UNION ALL SELECT 'col', c.relname || '.' || a.attname FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid, aclexplode(a.attacl) x
                WHERE c.relnamespace = 'zerg'::regnamespace AND x.grantee = %(r)s::regrole
                UNION ALL SELECT 'fn', p.proname FROM pg_proc p, aclexplode(p.proacl) x
                WHERE p.pronamespace = 'zerg'::regnamespace AND x.grantee = %(r)s::regrole
                UNION ALL SELECT 'schema', n.nspname FROM pg_namespace n, aclexplode(n.nspacl) x
                WHERE x.grantee = %(r)s::regrole AND n.nspname = 'zerg'
                UNION ALL SELECT 'default', d.defaclobjtype::text FROM pg_default_acl d, aclexplode(d.defaclacl) x
                WHERE x.grantee = %(r)s::regrole AND d.defaclnamespace = 'zerg'::regnamespace
                ORDER BY 1, 2""", {"r": tenancy.dash}).fetchall()

    granted = grants_of_dash()
    kinds = {k for k, _ in granted}
    assert kinds == {"rel", "col", "fn", "schema", "default"}, granted
    with Runner(tenancy.env(db), out=lambda _: None) as runner:
        later = runner.rollback(to="0012_error_signatures")
    assert later[-1] == "0013_dashboard_role"
    assert grants_of_dash() == []
    with Runner(tenancy.env(db), out=lambda _: None) as runner:
        assert runner.migrate() == later[::-1]
    assert grants_of_dash() == granted


def test_a_missing_or_unset_dashboard_role_is_skipped_and_one_created_later_is_granted_by_hand(pg, tenancy, bare_db, clone):
    db = clone(bare_db)
    late = f"sec_late_{TAG}"
    with Runner(tenancy.env(db, dashboard_role=late), out=lambda _: None) as runner:
        runner.migrate()  # the role does not exist yet: a NOTICE, nothing granted
    with Runner(tenancy.env(db, dashboard_role=""), out=lambda _: None) as runner:
        runner.rollback(to="0012_error_signatures")
        runner.migrate()
    with pg.admin() as c:
        c.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(late)))
    try:
        with psycopg.connect(tenancy.owner_url(db), autocommit=True) as c:
            assert c.execute("SELECT has_schema_privilege(%s, 'zerg', 'USAGE')", (late,)).fetchone() == (False,)
            c.execute("CALL zerg.grant_dashboard_access(%s)", (late,))
            assert c.execute("SELECT has_table_privilege(%s, 'zerg.agent_runs', 'SELECT'),"
                             " has_column_privilege(%s, 'zerg.runners', 'auth_secret_hash', 'SELECT')",
                             (late, late)).fetchone() == (True, False)
            with pytest.raises(errors.UndefinedObject):
                c.execute("CALL zerg.grant_dashboard_access('no_such_role_' || %s)", (TAG,))
            with pytest.raises(errors.InvalidParameterValue):
                c.execute("CALL zerg.grant_dashboard_access(current_user)")
    finally:
        pg.drop_database(db)
        with pg.admin() as c:
            c.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(late)))


# ------------------------------------------------------------------ 3. every command: passwords, secrets, injection

class WireTap:
    """A man in the middle of the PostgreSQL wire protocol, for the CLI processes under test:
    forwards every byte both ways and records the SQL text of each Query ('Q') and Parse ('P')
    message, and the raw Bind ('B') messages that carry parameter values. A value that is
    passed as a parameter shows up in a Bind; one spliced into SQL shows up in the text."""

    SSL_OR_GSS_REQUEST = (80877103, 80877104)

    def __init__(self, upstream_url: str):
        info = psycopg.conninfo.conninfo_to_dict(upstream_url)
        host, port = info.get("host") or "localhost", int(info.get("port") or 5432)
        self.upstream = ((socket.AF_UNIX, f"{host}/.s.PGSQL.{port}") if host.startswith("/")
                         else (socket.AF_INET, (host, port)))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.statements: list[str] = []
        self.binds: list[bytes] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, dbname: str, role: str, password: str) -> str:
        return (f"postgresql://{role}:{quote(password, safe='')}@127.0.0.1:{self.port}/{dbname}"
                "?sslmode=disable&gssencmode=disable")

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            up = socket.socket(self.upstream[0])
            up.connect(self.upstream[1])
            threading.Thread(target=self._frontend, args=(client, up), daemon=True).start()
            threading.Thread(target=self._pipe, args=(up, client), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _frontend(self, client: socket.socket, up: socket.socket) -> None:
        f = client.makefile("rb")
        try:
            while True:  # SSL / GSS requests (refused by the server), then the startup packet
                head = f.read(4)
                body = f.read(int.from_bytes(head, "big") - 4)
                up.sendall(head + body)
                if int.from_bytes(body[:4], "big") not in self.SSL_OR_GSS_REQUEST:
                    break
            while kind := f.read(1):
                head = f.read(4)
                body = f.read(int.from_bytes(head, "big") - 4)
                up.sendall(kind + head + body)
                with self.lock:
                    if kind == b"Q":
                        self.statements.append(body.rstrip(b"\0").decode(errors="replace"))
                    elif kind == b"P":
                        self.statements.append(body.split(b"\0")[1].decode(errors="replace"))
                    elif kind == b"B":
                        self.binds.append(body)
        except (OSError, ValueError):
            pass
        finally:
            self._pipe(client, up)  # closes both


HOSTILE = [
    "{m}'; DROP TABLE zerg.users; --",
    '{m}"; DROP TABLE public.canary; --',
    "{m}$$; DROP SCHEMA zerg CASCADE; $$",
    "{m} \\! touch {pwn}",
    "{m}'); SELECT pg_sleep(0); --",
    "{m} %(x)s %s :name {{0}} \\' \\\\ ; COMMIT; DROP TABLE public.canary",
    "{m}\n\\gexec\n`touch {pwn}` $(touch {pwn})",
]


@dataclass
class Call:
    args: tuple
    role: str = "owner"          # owner | dash | badhost
    env: str = "prod"
    codes: tuple = (0,)
    stored: str | None = None    # a marker that must reach the database, as a parameter


@pytest.fixture(scope="module")
def cli_batch(pg, tenancy, dash_db, tmp_path_factory):
    """Every command that reaches the database, run once as a real process through the
    WireTap with a password in its URL, hostile values in every free-text option; checked
    by the three tests below. Runs in one parallel batch (each process costs ~1 s)."""
    db, trace = dash_db
    tmp = tmp_path_factory.mktemp("cli")
    pwn = tmp / "pwned"
    tap = WireTap(pg.url(db))
    n = iter(range(1000))

    def hostile() -> tuple[str, str]:
        i = next(n)
        marker = f"INJ{TAG}x{i}"
        return marker, HOSTILE[i % len(HOSTILE)].format(m=marker, pwn=pwn)

    # (migrate, rollback, status, verify and doctor with a password: tests/runner/test_migrate.py.)
    calls: list[Call] = [
        Call(("migrate", "--dry-run")), Call(("status", "--json")), Call(("verify",)), Call(("doctor", "--json")),
        Call(("schema", "dump", "--check"), codes=(1,)), Call(("schema", "docs", "--check"), codes=(1,)),
        Call(("seed", "--scale", "0.001", "--no-queue"), codes=(1,)),  # protected: refused
        Call(("adopt", "--dry-run"), codes=(0, 1)), Call(("stubs", "--check", "--output", str(tmp / "q.pyi")), codes=(0, 1)),
    ]
    # Free-text options (the others are typed and refuse text before anything runs: below).
    m, h = hostile()
    calls.append(Call(("rollback", "--to", h, "--yes", "--allow-protected-rollback"), codes=(1,)))
    m, h = hostile()
    m2, h2 = hostile()
    calls.append(Call(("verify", "--accept", h, "--reason", h2, "--yes"), codes=(1,)))
    m, h = hostile()
    calls.append(Call(("verify", "--accept", "0013_dashboard_role", "--reason", h, "--yes"), stored=m))
    m, h = hostile()
    calls.append(Call(("status",), env=h, codes=(1,)))
    m, h = hostile()
    calls.append(Call(("prune", "--older-than", h, "--dry-run"), codes=(1,)))
    calls.append(Call(("prune", "--older-than", "3650d", "--dry-run", "--json")))
    # The queue worker (zerg-sql worker): its lease owner name is a parameter.
    with connect(pg.url(db), search_path=("zerg", "public")) as c:
        queries.enqueue_job(c, id=None, job_id="no-such-handler", scheduled_for=None, max_attempts=1,
                            dedupe_key=None, payload=None)
        c.commit()
    m, h = hostile()
    worker = ("worker", "--handlers", "tests.queue.queue_handlers", "--until-idle", "--no-listen", "--owner", h)
    calls.append(Call(worker, stored=m))
    # query run: a hostile value reaches the query as a parameter; a hostile name or -p is refused.
    m, h = hostile()
    calls.append(Call(("query", "run", "get_user_by_email", "-p", "email=" + h), stored=m))
    m, h = hostile()
    calls.append(Call(("query", "run", h), codes=(1,)))
    # ... and the rows it prints never show a credential column (zerg_sql.cli.query.redact_secret_columns).
    with psycopg.connect(pg.url(db), row_factory=dict_row) as c:
        ids = c.execute("SELECT u.id AS user_id, a.id AS agent_id FROM zerg.users u JOIN zerg.agents a ON a.owner_id = u.id"
                        " WHERE u.email = %s", (f"owner-{TAG}@example.com",)).fetchone()
    for q, ps, fmt in (("get_user_by_email", [f"email=owner-{TAG}@example.com"], ()),
                       ("get_agent_credential", [f"agent_id={ids['agent_id']}", "connector_type=github"], ("--json",)),
                       ("list_connectors", [f"owner_id={ids['user_id']}"], ()),
                       ("get_runner_by_name", [f"owner_id={ids['user_id']}", "name=laptop"], ("--json",))):
        calls.append(Call(("query", "run", q, *[x for p in ps for x in ("-p", p)], *fmt)))
    for path in leaf_commands():
        if path[0] == "dash":
            extra = (str(trace), "--level", "full") if path == ("dash", "trace") else ()
            calls.append(Call((*path, *extra, "--json"), role="dash"))
    calls.append(Call(("dash", "trace", str(trace), "--level", "full"), role="dash"))
    # Connection failures: the URL's password must not leak through the error either.
    # (doctor reports the failure as a FAIL line, exit 1; the others exit 3, cannot connect.)
    for args in (("doctor", "--json"), ("dash", "health"), ("query", "run", "count_users")):
        calls.append(Call(args, role="badhost", codes=(1,) if args[0] == "doctor" else (3,)))

    urls = {"owner": tap.url(db, tenancy.owner, PASSWORD), "dash": tap.url(db, tenancy.dash, PASSWORD),
            "badhost": f"postgresql://zerg:{quote(PASSWORD, safe='')}@nonexistent.invalid:5432/zerg"}
    with psycopg.connect(pg.url(db), autocommit=True, row_factory=dict_row) as c:
        catalog_before = [list(r.values()) for r in internal.describe_schema(c, schema="zerg")]
    neighbours_before = neighbour_snapshot(pg, db)
    started = time.time()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: cli(*c.args, url=urls[c.role], env=c.env, cwd=tmp,
                                              extra_env={"PYTHONPATH": str(ROOT)}), calls))
    tap.close()
    yield {"calls": calls, "results": results, "tap": tap, "db": db, "tmp": tmp, "pwn": pwn, "started": started,
           "catalog_before": catalog_before, "neighbours_before": neighbours_before}


def test_every_command_masks_the_password_and_writes_it_to_no_file(cli_batch):
    covered = {c.args[:2] if c.args[0] in ("dash", "schema", "dev", "query") else c.args[:1] for c in cli_batch["calls"]}
    missing = set(leaf_commands()) - NO_DATABASE - covered
    assert not missing, f"commands without a password / secret / injection check here: {sorted(missing)}"
    for call, r in zip(cli_batch["calls"], cli_batch["results"]):
        out = r.stdout + r.stderr
        assert r.returncode in call.codes, (call, r.returncode, out[-2000:])
        assert "Traceback" not in out, (call, out[-2000:])
        assert PASSWORD not in out and quote(PASSWORD, safe="") not in out, (call, out)
    shown = "".join(r.stdout + r.stderr for r in cli_batch["results"])
    assert ":***@" in shown  # where a URL is shown, it is masked
    # No file written anywhere we own holds the password (the repo, the runs' working directory).
    since = cli_batch["started"] - 1
    for folder in (ROOT, cli_batch["tmp"]):
        for top, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if d not in (".venv", ".git", "pgdata", "__pycache__", "node_modules")]
            for name in files:
                f = Path(top) / name
                try:  # others' test runs create and delete files here meanwhile
                    st = f.stat()
                    text = f.read_text(errors="ignore") if st.st_mtime >= since and st.st_size < 5_000_000 else ""
                except OSError:
                    continue
                assert PASSWORD not in text, f


def test_status_verify_and_doctor_work_as_the_owner(tenancy, cli_batch):
    out = {c.args: r.stdout for c, r in zip(cli_batch["calls"], cli_batch["results"]) if c.role == "owner"}
    status = json.loads(out[("status", "--json")])
    assert status["ok"] and status["applied"] and not status["pending"]
    assert out[("verify",)].startswith(f"ok: {len(status['applied'])} applied")
    checks = {c["name"]: c for c in json.loads(out[("doctor", "--json")])["checks"]}
    assert all(c["ok"] for c in checks.values()), checks
    assert checks["connection"]["detail"].startswith(f"connected as {tenancy.owner} ")
    assert "has every column" in checks["ops.job_queue"]["detail"]


def test_no_command_prints_a_credential(cli_batch):
    for call, r in zip(cli_batch["calls"], cli_batch["results"]):
        assert SECRET not in r.stdout + r.stderr, call
    dash_out = "".join(r.stdout for c, r in zip(cli_batch["calls"], cli_batch["results"]) if c.role == "dash")
    assert "[REDACTED]" in dash_out and "laptop" in dash_out  # the data was there, the secrets were not
    shown = [r.stdout for c, r in zip(cli_batch["calls"], cli_batch["results"]) if c.args[:2] == ("query", "run")
             and "[REDACTED]" in r.stdout]
    assert len(shown) == 4, "each credential row was printed, with its secret redacted"


def test_no_option_value_is_spliced_into_sql(pg, cli_batch):
    tap = cli_batch["tap"]
    assert len(tap.statements) > 50 and tap.binds, "the WireTap saw the traffic"
    spliced = [s for s in tap.statements if f"INJ{TAG}" in s]
    assert spliced == [], spliced[:3]
    binds = b"".join(tap.binds)
    for call in cli_batch["calls"]:
        if call.stored:  # it reached the database, as a parameter, and is stored verbatim
            assert call.stored.encode() in binds, call
    stored = [c for c in cli_batch["calls"] if c.stored]
    assert stored
    with psycopg.connect(pg.url(cli_batch["db"]), autocommit=True, row_factory=dict_row) as c:
        log = [r["detail"] for r in c.execute("SELECT detail FROM zerg._zerg_sql_log WHERE operation = 'accept-checksum'")]
        for call in (c for c in stored if "--reason" in c.args):
            reason = call.args[call.args.index("--reason") + 1]
            assert any(d.endswith("reason: " + reason) for d in log), (reason, log)
        assert c.execute("SELECT note FROM public.canary").fetchall() == [{"note": "still here"}]
        worked = c.execute("SELECT status, last_error FROM ops.job_queue WHERE job_id = 'no-such-handler'").fetchone()
        assert worked["status"] == "dead" and "no handler" in worked["last_error"]  # the worker did run
        assert c.execute("SELECT count(*) AS n FROM zerg.users").fetchone()["n"] >= 1
        after = [list(r.values()) for r in internal.describe_schema(c, schema="zerg")]
    assert after == cli_batch["catalog_before"]
    assert neighbour_snapshot(pg, cli_batch["db"]) == cli_batch["neighbours_before"]
    assert not cli_batch["pwn"].exists()


def test_every_other_option_refuses_hostile_text_before_anything_runs():
    """Options the batch above does not feed text to are typed (numbers, choices, UUIDs,
    timestamps, intervals) or name files: click refuses the text, so it never reaches SQL."""
    free_text = {(("rollback",), "--to"), (("verify",), "--accept"), (("verify",), "--reason"),
                 (("prune",), "--older-than"), (("query", "run"), "name"), (("query", "run"), "-p")}
    # --owner is fed hostile text by the batch above; --handlers names a module to import.
    free_text |= {(("worker",), "--owner")}
    file_paths = {(("stubs",), "--output"), (("worker",), "--handlers")}
    for path, cmd in leaf_commands().items():
        if path in NO_DATABASE:
            continue
        for param in cmd.params:
            name = param.opts[0] if param.opts else param.name
            if getattr(param, "is_flag", False) or param.name == "help" or (path, name) in free_text | file_paths:
                continue
            ctx = click.Context(cmd)
            for value in [v.format(m="INJ", pwn="/tmp/x") for v in HOSTILE]:
                with pytest.raises(click.BadParameter):
                    param.process_value(ctx, value)


def test_the_wiretap_sees_a_spliced_value_and_a_parameter(pg, tenancy, migrated_db):
    """The injection test above can fail: a value formatted into SQL on the client side shows
    up in the statement text the WireTap records; a parameter only in a Bind."""
    tap = WireTap(pg.url(migrated_db))
    try:
        with psycopg.connect(tap.url(migrated_db, tenancy.owner, PASSWORD), autocommit=True) as c:
            c.execute("SELECT %s::text", (f"bound-{TAG}",))
            psycopg.ClientCursor(c).execute("SELECT %s::text", (f"spliced-{TAG}",))
    finally:
        tap.close()
    assert any(f"spliced-{TAG}" in s for s in tap.statements)
    assert not any(f"bound-{TAG}" in s for s in tap.statements)
    assert any(f"bound-{TAG}".encode() in b for b in tap.binds)
