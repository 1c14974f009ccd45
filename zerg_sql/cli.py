"""zerg-sql: the command line. Exit 0 on success, 1 on failure, 2 on usage errors."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import click

from .config import Environment, ZergError, get_environment, scrub


def echo(text: str = "", err: bool = False) -> None:
    """Every line we print goes through here, so no password ever reaches a terminal or log."""
    click.echo(scrub(str(text)), err=err)


def progress(text: str) -> None:
    echo(text, err=True)


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    raise TypeError(type(value).__name__)


def echo_json(data) -> None:
    echo(json.dumps(data, indent=2, sort_keys=True, default=_json_default))


class Context:
    def __init__(self, env_name: str | None, database_url: str | None):
        self.env_name = env_name
        self.database_url = database_url
        self._env: Environment | None = None

    @property
    def env(self) -> Environment:
        if self._env is None:
            self._env = get_environment(self.env_name, self.database_url)
        return self._env


def confirm(env: Environment, yes: bool, action: str) -> None:
    """Protected environments: --yes, or type the database name at an interactive prompt."""
    if not env.protected:
        return
    progress(f"{action} on PROTECTED environment {env.name}: {env.target}")
    progress(f"  url: {env.display_url}")
    if yes:
        return
    if not sys.stdin.isatty():
        raise ZergError(f"environment {env.name} is protected: re-run with --yes to {action} "
                        f"(or run it interactively to confirm)")
    from .config import url_info

    dbname = url_info(env.url or "").get("dbname", "")
    typed = click.prompt(f"Type the database name ({dbname}) to {action}", default="", show_default=False)
    if typed != dbname:
        raise ZergError("not confirmed; nothing changed")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--env", "env_name", metavar="NAME", help="Environment from environments.toml (default: $ZERG_ENV or dev).")
@click.option("--database-url", metavar="URL", help="Connection URL, overriding the environment's variables.")
@click.option("--migrations-dir", "migrations_dirs", multiple=True, hidden=True,
              type=click.Path(file_okay=False, path_type=Path), help="Other migration folders (tests).")
@click.pass_context
def main(ctx: click.Context, env_name: str | None, database_url: str | None, migrations_dirs: tuple[Path, ...]) -> None:
    """Plain-SQL database layer of Zerg: migrations, queries, dashboards."""
    ctx.obj = Context(env_name, database_url)
    ctx.obj.migrations_dirs = list(migrations_dirs) or None


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
        echo(scrub("".join(traceback.format_exception(e))), err=True)
        echo(f"error: {type(e).__name__}: {e}", err=True)
        sys.exit(1)


# ------------------------------------------------------------------ migrations

def _runner(ctx: Context, command: str, lock_wait: float | None = None):
    from .migrate import Runner

    return Runner(ctx.env, out=progress, command=command, lock_wait=lock_wait, dirs=ctx.migrations_dirs)


@main.command()
@click.option("--dry-run", is_flag=True, help="Print each pending migration and its SQL; change nothing.")
@click.option("--yes", is_flag=True, help="Confirm a protected environment without a prompt.")
@click.option("--wait", "wait_seconds", type=float, default=0, show_default=True, metavar="SECONDS",
              help="Wait this long for the server to accept connections first.")
@click.option("--lock-wait", type=float, default=None, metavar="SECONDS",
              help="How long to wait for another deployer's migration lock (default: per environment).")
@click.pass_obj
def migrate(ctx: Context, dry_run: bool, yes: bool, wait_seconds: float, lock_wait: float | None) -> None:
    """Apply pending migrations."""
    from .config import require_url
    from .db import wait_for_server

    env = ctx.env
    if wait_seconds:
        wait_for_server(require_url(env), wait_seconds)
    if not dry_run:
        confirm(env, yes, "migrate")
    with _runner(ctx, "migrate", lock_wait) as runner:
        applied = runner.migrate(dry_run=dry_run)
    if not dry_run and applied:
        progress(f"applied {len(applied)} migration(s) to {env.target}")


@main.command()
@click.option("--steps", type=click.IntRange(min=1), default=None, help="How many migrations to roll back (default 1).")
@click.option("--to", "to", metavar="ID", help="Roll back every migration applied after ID (ID stays).")
@click.option("--dry-run", is_flag=True, help="Print what would be rolled back and its SQL.")
@click.option("--yes", is_flag=True, help="Confirm a protected environment without a prompt.")
@click.option("--allow-protected-rollback", is_flag=True,
              help="Second, explicit flag required to roll back a protected environment.")
@click.option("--lock-wait", type=float, default=None, metavar="SECONDS")
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
    if not dry_run:
        confirm(env, yes, "roll back")
    with _runner(ctx, "rollback", lock_wait) as runner:
        runner.rollback(steps=1 if steps is None and to is None else steps, to=to, dry_run=dry_run)


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
    echo(f"ok: {len(st.applied)} applied migration(s) match their files; {len(st.pending)} pending; {checked}")


@main.command()
@click.argument("slug")
def new(slug: str) -> None:
    """Create the next-numbered migration NNNN_SLUG.sql and its rollback file."""
    from .migrate import new_migration

    up, down = new_migration(slug)
    echo(f"created {up.relative_to(up.parents[2])}\ncreated {down.relative_to(down.parents[2])}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def doctor(ctx: Context, as_json: bool) -> None:
    """Connection, server version, schema owner and privileges, search_path, pending migrations."""
    from .doctor import run_doctor

    report = run_doctor(ctx.env)
    if as_json:
        echo_json(report)
    else:
        for check in report["checks"]:
            mark = "FAIL" if not check["ok"] else "WARN" if check.get("warn") else "ok  "
            echo(f"{mark} {check['name']}: {check['detail']}")
    if not all(c["ok"] for c in report["checks"]):
        sys.exit(1)


@main.command()
def lint() -> None:
    """squawk-cli over the migrations, plus rollback files, CONCURRENTLY and waiver reasons."""
    from .lint import lint as run_lint

    problems = run_lint()
    for p in problems:
        echo(p)
    if problems:
        raise ZergError(f"lint: {len(problems)} finding(s); fix them or waive inline: -- squawk-ignore RULE -- reason")
    echo("lint: migrations are clean")


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_obj
def psql(ctx: Context, psql_args: tuple[str, ...]) -> None:
    """psql on the environment's database with its search_path and UTC (args pass through)."""
    import os
    import shutil
    from urllib.parse import unquote, urlsplit, urlunsplit

    from .config import require_url

    env = ctx.env
    url = require_url(env)
    binary = shutil.which("psql")
    if binary is None:
        from .devserver import pg_binary

        binary = pg_binary("psql")
    child_env = dict(os.environ, PGOPTIONS=f"-c search_path={','.join(env.search_path)} -c TimeZone=UTC")
    parts = urlsplit(url)
    if parts.password:  # hand the password over in the environment, not on the command line
        child_env["PGPASSWORD"] = unquote(parts.password)
        host = parts.netloc.rsplit("@", 1)[1]
        user = parts.username or ""
        url = urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))
    progress(f"psql {env.display_url} (search_path {','.join(env.search_path)})")
    os.execvpe(binary, [binary, url, *psql_args], child_env)


@main.group()
def schema() -> None:
    """The generated views of the schema: sql/schema.sql and docs/schema.md."""


@schema.command("dump")
@click.option("--check", is_flag=True, help="Fail if sql/schema.sql differs from the migrated schema.")
@click.pass_obj
def schema_dump(ctx: Context, check: bool) -> None:
    """pg_dump of the migrated schema into sql/schema.sql (deterministic)."""
    from .schema_files import SCHEMA_SQL, dump_schema, scratch, write_or_check

    with scratch(ctx.env) as env:
        text = dump_schema(env)
    if not write_or_check(SCHEMA_SQL, text, check):
        raise ZergError("sql/schema.sql is stale: run `make schema` and commit the result")
    echo("sql/schema.sql is current" if check else "wrote sql/schema.sql")


@schema.command("docs")
@click.option("--check", is_flag=True, help="Fail if docs/schema.md differs from the migrated schema.")
@click.pass_obj
def schema_docs(ctx: Context, check: bool) -> None:
    """Regenerate docs/schema.md: the ER diagram, each table's purpose and ON DELETE rules."""
    from .schema_files import SCHEMA_MD, render_docs, scratch, write_or_check

    with scratch(ctx.env) as env:
        text = render_docs(env)
    if not write_or_check(SCHEMA_MD, text, check):
        raise ZergError("docs/schema.md is stale: run `make schema` and commit the result")
    echo("docs/schema.md is current" if check else "wrote docs/schema.md")


@main.command()
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="1 = 1,000 users, 100k runs, 500k worker jobs, 1M LLM rows, 2M messages, 1M events.")
@click.option("--no-queue", is_flag=True, help="Leave ops.job_queue alone.")
@click.pass_obj
def seed(ctx: Context, scale: float, no_queue: bool) -> None:
    """Load a realistic dataset (refused in protected environments)."""
    from .seed import seed as run_seed

    run_seed(ctx.env, scale, out=progress, queue=not no_queue)


# ------------------------------------------------------------------ dev database

@main.group()
def dev() -> None:
    """The local dev database (embedded PostgreSQL 16 unless DATABASE_URL or Docker)."""


@dev.command("up")
@click.option("--no-migrate", is_flag=True)
def dev_up(no_migrate: bool) -> None:
    """Start (or reuse) the embedded server, create database zerg, migrate; print the URL."""
    from . import devserver

    url = devserver.up()
    if not no_migrate:
        from .migrate import Runner

        with Runner(get_environment("dev", url), out=progress) as runner:
            runner.migrate()
    echo(url)


@dev.command("down")
def dev_down() -> None:
    """Stop the embedded dev server (data is kept)."""
    from . import devserver

    echo(devserver.down())


@dev.command("url")
def dev_url() -> None:
    """Print the dev database URL."""
    from . import devserver

    echo(devserver.url())


@dev.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask.")
def dev_reset(yes: bool) -> None:
    """Drop and re-create the dev database, then migrate."""
    from . import devserver
    from .migrate import Runner

    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("dev reset drops the dev database: pass --yes when not at a terminal")
        click.confirm("Drop the dev database zerg and all its data?", abort=True)
    url = devserver.reset()
    with Runner(get_environment("dev", url), out=progress) as runner:
        runner.migrate()
    echo(url)


# Commands of other modules register themselves below, one line each (python -m zerg_sql
# and the console script both import this module whole).
from .dash_cli import dash  # noqa: E402
main.add_command(dash)
from .adopt_cli import adopt  # noqa: E402
main.add_command(adopt)
from .stubs_cli import stubs  # noqa: E402
main.add_command(stubs)
from .query_cli import query  # noqa: E402
main.add_command(query)
from .prune_cli import prune  # noqa: E402
main.add_command(prune)
