"""`zerg-sql dev up|down|url|reset` (the local dev database) and `zerg-sql seed`."""

from __future__ import annotations

import os
import sys

import click

from ..config import ZergError, get_environment
from ..devtools import devserver
from ..devtools.seed import seed as run_seed
from ..migrate import Runner
from .context import Context
from .output import echo, progress


@click.group()
def dev() -> None:
    """The local dev database (embedded PostgreSQL 16 unless DATABASE_URL or Docker)."""


@dev.command("up")
@click.option("--no-migrate", is_flag=True)
def dev_up(no_migrate: bool) -> None:
    """Start (or reuse) the embedded server, create database zerg, migrate; print the URL."""
    url = devserver.up()
    if not no_migrate:
        with Runner(get_environment("dev", url), out=progress) as runner:
            runner.migrate()
    echo(url)


@dev.command("down")
def dev_down() -> None:
    """Stop the embedded dev server (data is kept)."""
    echo(devserver.down())


@dev.command("url")
def dev_url() -> None:
    """Print the dev database URL."""
    echo(devserver.url())


@dev.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask.")
@click.pass_obj
def dev_reset(ctx: Context, yes: bool) -> None:
    """Drop and re-create the dev database, then migrate."""
    chosen = ctx.env_name if ctx.env_name is not None else os.environ.get("ZERG_ENV") or "dev"
    if chosen != "dev" or ctx.database_url:
        what = f"--database-url" if ctx.database_url else f"environment {chosen!r}"
        raise ZergError(f"dev reset drops the embedded dev server's database and is for environment dev only, "
                        f"not {what}; nothing changed")
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("dev reset drops the dev database: pass --yes when not at a terminal")
        click.confirm("Drop the dev database zerg and all its data?", abort=True)
    url = devserver.reset()
    with Runner(get_environment("dev", url), out=progress) as runner:
        runner.migrate()
    echo(url)


@click.command()
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="1 = 1,000 users, 100k runs, 500k worker jobs, 1M LLM rows, 2M messages, 1M events.")
@click.option("--no-queue", is_flag=True, help="Leave ops.job_queue alone.")
@click.option("--force", is_flag=True, help="Seed a database seeded before (adds a second batch: twice the rows).")
@click.pass_obj
def seed(ctx: Context, scale: float, no_queue: bool, force: bool) -> None:
    """Load a realistic dataset (refused in protected environments)."""
    run_seed(ctx.env, scale, out=progress, queue=not no_queue, force=force)
