"""zerg-sql: the command line. Exit codes: README (0 done, 1 failed, 2 usage, 3 cannot connect, 4 lock)."""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..config import ZergError, require_url
from ..urls import scrub
from .context import Context, Seconds, confirm
from .output import echo, echo_json, progress

if TYPE_CHECKING:
    from ..migrate import Runner

# The other command groups: command -> its module here, imported only when it runs, so a
# command (the queue worker above all) starts without importing every other one.
COMMANDS = {"adopt": "adopt", "dash": "dash", "dev": "dev", "seed": "dev", "doctor": "doctor", "prune": "prune",
            "psql": "psql", "query": "query", "schema": "schema", "stubs": "schema", "lint": "schema",
            "worker": "worker"}


class _Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            command: click.Command = getattr(importlib.import_module(f"{__name__}.{COMMANDS[name]}"), name)
            return command
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--env", "env_name", metavar="NAME", help="Environment from environments.toml (default: $ZERG_ENV or dev).")
@click.option("--database-url", metavar="URL", help="Connection URL, overriding the environment's variables.")
@click.option("--migrations-dir", "migrations_dirs", multiple=True, hidden=True,
              type=click.Path(file_okay=False, path_type=Path), help="Other migration folders (tests).")
@click.option("--functions-dir", hidden=True, type=click.Path(file_okay=False, path_type=Path),
              help="Another function-file folder (tests).")
@click.pass_context
def main(ctx: click.Context, env_name: str | None, database_url: str | None, migrations_dirs: tuple[Path, ...],
         functions_dir: Path | None) -> None:
    """Plain-SQL database layer of Zerg: migrations, queries, dashboards."""
    ctx.obj = Context(env_name, database_url, list(migrations_dirs) or None, functions_dir)


def run() -> None:
    """Entry point: turn errors into one scrubbed line and exit code 1."""
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as e:  # usage errors: exit 2
        e.show()
        sys.exit(e.exit_code)
    except ZergError as e:
        echo(f"error: {e}", err=True)
        sys.exit(e.code)
    except Exception as e:  # noqa: BLE001 - last resort: still no password in the output
        import psycopg

        if isinstance(e, psycopg.Error):  # a server error no command expected: one line, no traceback
            diag = getattr(e, "diag", None)
            state = f" ({e.sqlstate})" if getattr(e, "sqlstate", None) else ""
            echo(f"error: {type(e).__name__}{state}: {scrub(getattr(diag, 'message_primary', None) or str(e)).strip()}; "
                 f"`zerg-sql doctor` checks the connection and privileges", err=True)
            sys.exit(1)
        echo(scrub("".join(traceback.format_exception(e))), err=True)
        echo(f"error: {type(e).__name__}: {e}", err=True)
        sys.exit(1)


# ------------------------------------------------------------------ migrations

def _runner(ctx: Context, command: str, lock_wait: float | None = None, **kwargs: Any) -> Runner:
    from ..migrate import Runner

    return Runner(ctx.env, out=progress, command=command, lock_wait=lock_wait, dirs=ctx.migrations_dirs,
                  functions_dir=ctx.functions_dir, **kwargs)


LOCK_WAIT = click.option("--lock-wait", type=Seconds(0, 86_400), default=None, metavar="SECONDS",
                         help="How long to wait for another deployer's migration lock, 0..86400 "
                              "(default: per environment).")


@main.command()
@click.option("--dry-run", is_flag=True, help="Print each pending migration and its SQL; change nothing.")
@click.option("--yes", is_flag=True, help="Confirm a protected environment without a prompt.")
@click.option("--wait", "wait_seconds", type=Seconds(0, 3600), default=0, show_default=True, metavar="SECONDS",
              help="Wait this long (0..3600) for the server to accept connections first.")
@LOCK_WAIT
@click.option("--allow-out-of-order", is_flag=True,
              help="Apply a pending migration that sorts before applied ones (refused otherwise).")
@click.pass_obj
def migrate(ctx: Context, dry_run: bool, yes: bool, wait_seconds: float, lock_wait: float | None,
            allow_out_of_order: bool) -> None:
    """Apply pending migrations."""
    from ..db import wait_for_server

    env = ctx.env
    if wait_seconds:
        wait_for_server(require_url(env), wait_seconds)
    with _runner(ctx, "migrate", lock_wait, allow_out_of_order=allow_out_of_order) as runner:
        if not dry_run and env.protected:  # (function files that changed are applied after them)
            confirm(env, yes, "migrate", [f"will apply {mid}" for mid in runner.plan("apply")])
        applied = runner.migrate(dry_run=dry_run)
    if not dry_run and (applied or runner.functions_applied):
        progress(f"applied {len(applied)} migration(s) and {len(runner.functions_applied)} function file(s) to {env.target}")


@main.command()
@click.option("--steps", type=click.IntRange(min=1), default=None, help="How many migrations to roll back (default 1).")
@click.option("--to", "to", metavar="ID", help="Roll back every migration applied after ID (ID stays; a unique prefix will do).")
@click.option("--dry-run", is_flag=True, help="Print what would be rolled back and its SQL.")
@click.option("--yes", is_flag=True, help="Confirm a protected environment without a prompt.")
@click.option("--allow-protected-rollback", is_flag=True,
              help="Second, explicit flag required to roll back a protected environment.")
@LOCK_WAIT
@click.pass_obj
def rollback(ctx: Context, steps: int | None, to: str | None, dry_run: bool, yes: bool,
             allow_protected_rollback: bool, lock_wait: float | None) -> None:
    """Roll back the last migration (or --steps N, or --to ID).

    The schema's own migrations go first, newest first; the job queue's (ops_NNNN, dev and
    test only) only after the schema's first one."""
    if steps is not None and to is not None:
        raise click.UsageError("use --steps or --to, not both")
    env = ctx.env
    if env.protected and not dry_run and not allow_protected_rollback:
        raise ZergError(f"environment {env.name} is protected: rolling back drops data; add "
                        f"--allow-protected-rollback (and --yes) if you really mean it")
    steps = 1 if steps is None and to is None else steps
    with _runner(ctx, "rollback", lock_wait) as runner:
        if not dry_run and env.protected:
            plan = runner.plan("rollback", steps=steps, to=to)
            if plan:
                confirm(env, yes, "roll back", [f"will roll back {mid}" for mid in plan])
        runner.rollback(steps=steps, to=to, dry_run=dry_run)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (stable keys).")
@click.pass_obj
def status(ctx: Context, as_json: bool) -> None:
    """Applied and pending migrations and checksum state (never waits for the lock)."""
    with _runner(ctx, "status") as runner:
        st = runner.status()
    if as_json:
        data = st.as_dict()
        data["environment"] = ctx.env.name
        data["schema"] = ctx.env.schema
        echo_json(data)
    else:
        echo(f"environment {ctx.env.name}: {ctx.env.target}")
        if not st.schema_exists:
            echo(f"schema {ctx.env.schema} does not exist yet")
        for row in st.applied:
            at = row["applied_at"].strftime("%Y-%m-%d %H:%M:%S") if row.get("applied_at") else "-"
            echo(f"  applied  {row['migration_id']:<40} {at}  {row['state']}")
        for mid in st.pending:
            echo(f"  pending  {mid}")
        for f in st.functions:
            at = when.strftime("%Y-%m-%d %H:%M:%S") if (when := f["applied_at"]) else "-"
            state = {"ok": "applied ", "new": "pending ", "changed": "pending-changed",
                     "with": "pending-with-dependency", "removed": "pending-removed"}[f["state"]]
            echo(f"  {state:<8} {f['file']:<40} {at}")
        for p in st.problems:
            echo(f"problem: {p}")
        for d in st.drift or []:
            echo(f"drift: {d}")
        if st.drift_note:
            echo(f"catalog: {st.drift_note}")
    if st.problems:
        sys.exit(1)


@main.command()
@click.option("--accept", "accept_id", metavar="ID", help="Record the current checksum of an edited, applied migration.")
@click.option("--accept-drift", is_flag=True,
              help="Record the schema as it is now, accepting the drift verify lists (logged).")
@click.option("--reason", default="", help="Why the edit or the drift is fine (required with --accept*; logged).")
@click.option("--yes", is_flag=True)
@click.pass_obj
def verify(ctx: Context, accept_id: str | None, accept_drift: bool, reason: str, yes: bool) -> None:
    """Check applied migrations against the files (edited, renamed, deleted, unknown), and the
    schema against the catalog the last migrate left (objects changed by hand since)."""
    if accept_id and accept_drift:
        raise click.UsageError("use --accept ID or --accept-drift, not both")
    with _runner(ctx, "verify") as runner:
        if accept_id:
            confirm(ctx.env, yes, f"accept the edited migration {accept_id}")
            runner.accept_checksum(accept_id, reason)
            return
        if accept_drift:
            confirm(ctx.env, yes, "record the schema as it is now (accept its drift)")
            runner.accept_drift(reason)
            return
        st = runner.verify()
    for r in st.repairs:
        echo(f"repairable: {r}")
    for p in st.problems:
        echo(f"problem: {p}")
    for d in st.drift or []:
        echo(f"drift: {d}")
    if st.drift:
        echo(f"catalog: {st.drift_note}")
    if st.problems or st.drift:
        failed = [f"{len(st.problems)} problem(s)"] if st.problems else []
        if st.drift:
            failed.append(f"{len(st.drift)} object(s) changed outside zerg-sql. Put each change in a migration "
                          f"(zerg-sql new SLUG; IF NOT EXISTS where it is already made) or undo it; then "
                          f"`zerg-sql verify --accept-drift --reason '...'` records the schema as it is (logged)")
        raise ZergError("verify failed: " + "; ".join(failed))
    checked = (f"the schema is as zerg-sql left it ({st.drift_note})" if st.drift is not None
               else f"drift not checked: {st.drift_note}")
    fns = f"; function files: {len(st.functions) - len(st.pending_functions)} applied, {len(st.pending_functions)} pending"
    echo(f"ok: {len(st.applied)} applied migration(s) match their files; {len(st.pending)} pending{fns}; {checked}")


@main.command()
@click.argument("slug")
@click.option("--no-transaction", is_flag=True,
              help="Statements commit one by one (CONCURRENTLY): writes the `-- transactional: false` directive.")
def new(slug: str, no_transaction: bool) -> None:
    """Create the next-numbered migration NNNN_SLUG.sql and its rollback file."""
    from ..migrate import new_migration

    up, down = new_migration(slug, transactional=not no_transaction)
    echo(f"created {up.relative_to(up.parents[2])}\ncreated {down.relative_to(down.parents[2])}")
