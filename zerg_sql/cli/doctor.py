"""`zerg-sql doctor`: what an on-call engineer checks first, one line each."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..config import Environment, ZergError, require_url
from ..migrate import Runner, describe_session, owned_schemas
from ..queries import internal
from ..urls import scrub
from .context import Context
from .output import echo, echo_json


def run_doctor(env: Environment) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool, detail: str, warn: bool = False) -> None:
        # warn: worth reading before a migrate, but no failure (a neighbour's long report).
        checks.append({"name": name, "ok": bool(ok), "warn": bool(warn), "detail": scrub(detail)})

    check("environment", True, f"{env.name} ({'protected' if env.protected else 'not protected'}), "
                               f"url {env.display_url or '(none)'}")
    try:
        require_url(env)
        with Runner(env, command="doctor", out=lambda _: None) as runner:
            s = runner.state
            check("connection", True, f"connected as {s['current_user']} to database {s['database']}")
            check("server version", s["server_version_num"] >= 140000,
                  f"PostgreSQL {s['server_version']} (14 or newer needed)")
            check("schema", bool(s["schema_exists"]) or bool(s["can_create_schema"]),
                  f"{env.schema} exists, owner {s['owner']}" if s["schema_exists"]
                  else f"{env.schema} missing; {'migrate will create it' if s['can_create_schema'] else 'and this role may not create it'}")
            if s["schema_exists"]:
                check("privileges", bool(s["can_create"]),
                      f"{s['current_user']} {'may' if s['can_create'] else 'may NOT'} create objects in {env.schema}")
            check("search_path", True, f"services use {','.join(env.search_path)}; migrations use {env.schema} alone")
            st = runner.status()
            check("migrations", not st.problems,
                  f"{len(st.applied)} applied, {len(st.pending)} pending; function files: "
                  f"{len(st.functions) - len(st.pending_functions)} applied, {len(st.pending_functions)} pending"
                  + (f"; problems: {'; '.join(st.problems)}" if st.problems else ""))
            if st.schema_exists:
                check("schema drift", not st.drift,
                      f"{len(st.drift)} object(s) changed outside zerg-sql (zerg-sql verify lists them)" if st.drift
                      else "none" if st.drift is not None else f"not checked: {st.drift_note}")
            for extra in _extra_checks(runner):
                check(*extra)
            for extra in _activity_checks(runner):
                check(*extra)
    except ZergError as e:
        check("connection", False, str(e))
    return {"environment": env.name, "checks": checks}


# Every column of ops.job_queue that sql/queries/job_queue.sql reads or writes. In prod the
# table belongs to another repo, so we check its shape instead of creating it.
JOB_QUEUE_COLUMNS = {
    "id", "job_id", "status", "scheduled_for", "attempts", "max_attempts", "lease_owner", "lease_expires_at",
    "dedupe_key", "payload", "last_error", "started_at", "finished_at", "created_at", "updated_at",
}


def _extra_checks(runner: Runner) -> list[tuple[Any, ...]]:
    env, user = runner.env, runner.state["current_user"]
    found: list[tuple[Any, ...]] = []
    columns = {r["column_name"] for r in internal.list_table_columns(runner.conn, schema="ops", table_name="job_queue")}
    if not columns:
        owner = "migrate creates it here" if env.may_create_ops else "owned by another repo; ask its owners"
        found.append(("ops.job_queue", env.may_create_ops, f"missing ({owner})"))
    else:
        missing = sorted(JOB_QUEUE_COLUMNS - columns)
        found.append(("ops.job_queue", not missing,
                      f"missing columns our queue queries use: {', '.join(missing)}" if missing
                      else f"has every column our queue queries use ({len(JOB_QUEUE_COLUMNS)})"))
        # The columns are in the catalog whatever our grants; the queries need the grants.
        lacking = [f"{r['privilege']} on {r['object']}" for r in internal.list_ops_privileges(runner.conn)
                   if r["granted"] is not True]
        found.append(("ops privileges", not lacking,
                      f"{user} lacks {', '.join(lacking)}: the queue's queries fail with permission denied; "
                      f"its owner grants them (docs/security.md)" if lacking
                      else f"{user} has USAGE on ops and every privilege the queue's queries use"))
    if env.dashboard_role:
        role = internal.get_dashboard_role_state(runner.conn, role_name=env.dashboard_role, schema=env.schema)
        if not role["role_exists"]:
            found.append(("dashboard role", True, f"{env.dashboard_role} does not exist: migration 0013 granted it "
                          f"nothing; a DBA creates it, then CALL {env.schema}.grant_dashboard_access("
                          f"'{env.dashboard_role}') (docs/security.md)", True))
        elif not role["has_usage"]:
            found.append(("dashboard role", True, f"{env.dashboard_role} exists but has no USAGE on {env.schema}: "
                          f"CALL {env.schema}.grant_dashboard_access('{env.dashboard_role}') (docs/security.md)", True))
        else:
            found.append(("dashboard role", True, f"{env.dashboard_role} exists and may read the dashboards"))
    return found


# A transaction open this long holds its locks as long: a migration waits behind it.
LONG_TRANSACTION_SECONDS = 60
HOLDER_SECONDS = 1


def _activity_checks(runner: Runner) -> list[tuple[Any, ...]]:
    # The application's own short reads hold locks too: only transactions open a while count
    # (another role's session hides its start from us, so it counts).
    holders = [r for r in internal.list_lock_holders(runner.conn, schemas=owned_schemas(runner.env))
               if r["xact_seconds"] is None or r["xact_seconds"] >= HOLDER_SECONDS]
    long = list(internal.list_long_transactions(runner.conn, min_seconds=LONG_TRANSACTION_SECONDS))
    return [
        ("lock holders", True, "; ".join(describe_session(r) for r in holders) if holders
         else f"no other session holds a lock on {', '.join(owned_schemas(runner.env))}", bool(holders)),
        ("long transactions", True, "; ".join(f"{r['seconds']} s: {describe_session(r)}" for r in long) if long
         else f"none open longer than {LONG_TRANSACTION_SECONDS} s", bool(long)),
    ]


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def doctor(ctx: Context, as_json: bool) -> None:
    """Connection, server version, schema owner and privileges, search_path, pending migrations."""
    report = run_doctor(ctx.env)
    if as_json:
        echo_json(report)
    else:
        for check in report["checks"]:
            mark = "FAIL" if not check["ok"] else "WARN" if check.get("warn") else "ok  "
            echo(f"{mark} {check['name']}: {check['detail']}")
    if not all(c["ok"] for c in report["checks"]):
        sys.exit(1)
