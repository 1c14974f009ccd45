"""`zerg-sql adopt`: convert the legacy schema Zerg's ORM built to our migrated schema, in place."""

from __future__ import annotations

import click

from ..adopt import adopt as run_adopt
from ..adopt import finish as run_finish
from .context import Context, Interval, Seconds, confirm
from .output import echo, progress


@click.command()
@click.option("--dry-run", is_flag=True,
              help="Check, then print the full SQL plan, every repair and quarantined row, and the estimated "
                   "lock time per table; change nothing.")
@click.option("--finish", is_flag=True,
              help="End the cutover (docs/cutover.md): drop alembic_version, once no deployment runs "
                   "Zerg's `alembic upgrade head` any more.")
@click.option("--yes", is_flag=True, help="Confirm a protected environment without a prompt.")
@click.option("--statement-timeout", metavar="INTERVAL", default=None, type=Interval(1, 86_400_000),
              help="Per-statement limit for this adopt, 1ms..24h such as 900s, 30min or 1h "
                   "(default: the environment's statement_timeout).")
@click.option("--lock-wait", type=Seconds(0, 86_400), default=None, metavar="SECONDS",
              help="How long to wait for another deployer's migration lock (default: per environment).")
@click.pass_obj
def adopt(ctx: Context, dry_run: bool, finish: bool, yes: bool, statement_timeout: str | None,
          lock_wait: float | None) -> None:
    """Adopt the legacy `zerg` schema (Zerg's create_all) in place: refuse on unknown shapes or
    impossible values, repair or quarantine the legal rows our constraints reject, convert it,
    keep alembic_version at Zerg's head and record 0001..0011 as applied. --finish ends the cutover."""
    env = ctx.env
    if finish:
        if dry_run or statement_timeout:
            raise click.UsageError("--finish takes no --dry-run or --statement-timeout")
        confirm(env, yes, "finish the cutover (drops alembic_version; Zerg's `alembic upgrade head` would then "
                          "replay Zerg's migrations on this schema)")
        if run_finish(env, info=progress, lock_wait=lock_wait).outcome == "finished":
            echo(f"cutover finished: {env.target}")
        return
    if not dry_run:
        confirm(env, yes, "adopt the legacy schema (rewrites every table)")
    result = run_adopt(env, dry_run=dry_run, out=echo, info=progress,
                       statement_timeout=statement_timeout, lock_wait=lock_wait)
    if result.outcome == "adopted":
        echo(f"adopted: {env.target}")
