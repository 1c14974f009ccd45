"""`zerg-sql adopt`: convert the legacy schema Zerg's ORM built to our migrated schema, in place."""

from __future__ import annotations

import click

from ..adopt import adopt as run_adopt
from .context import Context, Interval, Seconds, confirm
from .output import echo, progress


@click.command()
@click.option("--dry-run", is_flag=True,
              help="Check, then print the full SQL plan and the estimated lock time per table; change nothing.")
@click.option("--yes", is_flag=True, help="Confirm a protected environment without a prompt.")
@click.option("--statement-timeout", metavar="INTERVAL", default=None, type=Interval(1, 86_400_000),
              help="Per-statement limit for this adopt, 1ms..24h such as 900s, 30min or 1h "
                   "(default: the environment's statement_timeout).")
@click.option("--lock-wait", type=Seconds(0, 86_400), default=None, metavar="SECONDS",
              help="How long to wait for another deployer's migration lock (default: per environment).")
@click.pass_obj
def adopt(ctx: Context, dry_run: bool, yes: bool, statement_timeout: str | None, lock_wait: float | None) -> None:
    """Adopt the legacy `zerg` schema (Zerg's create_all) in place: refuse on unknown shapes or
    rows that break a new constraint, else convert it and record 0001..0011 as applied."""
    env = ctx.env
    if not dry_run:
        confirm(env, yes, "adopt the legacy schema (rewrites every table)")
    result = run_adopt(env, dry_run=dry_run, out=echo, info=progress,
                       statement_timeout=statement_timeout, lock_wait=lock_wait)
    if result.outcome == "adopted":
        echo(f"adopted: {env.target}")
