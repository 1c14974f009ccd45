"""`zerg-sql prune --older-than 30d`: batched retention deletes (zerg_sql/prune.py)."""

from __future__ import annotations

import click

from ..prune import TABLES, parse_age, prune as run_prune
from .context import Context, Seconds, confirm
from .output import echo_json, progress


@click.command()
@click.option("--older-than", "older_than", required=True, help="age of the rows to delete: 30d, 12h, 90m")
@click.option("--table", "tables", multiple=True, type=click.Choice(TABLES),
              help="only this table (repeatable; default: llm_audit_log and agent_run_events)")
@click.option("--batch-size", default=5000, show_default=True, type=int, help="rows per batch (one transaction each)")
@click.option("--pause", default=0.0, show_default=True, type=Seconds(0, 3600), help="seconds to sleep between batches")
@click.option("--dry-run", is_flag=True, help="only count what would be deleted")
@click.option("--yes", is_flag=True, help="confirm on a protected environment")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.pass_obj
def prune(ctx: Context, older_than: str, tables: tuple[str, ...], batch_size: int, pause: float, dry_run: bool,
          yes: bool, as_json: bool) -> None:
    """Delete LLM audit rows and run events older than --older-than, in short batches."""
    age = parse_age(older_than)
    env = ctx.env
    if not dry_run:
        confirm(env, yes, f"delete rows older than {older_than}")
    results = run_prune(env, age, tables=tables or TABLES, batch_size=batch_size, pause=pause, dry_run=dry_run,
                        confirmed=True, out=progress)
    if as_json:
        echo_json({t: {"deleted": r.deleted, "batches": r.batches, "would_delete": r.would_delete,
                       "max_batch_ms": round(r.max_batch_ms, 1)} for t, r in results.items()})
