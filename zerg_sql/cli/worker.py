"""`zerg-sql worker --handlers my.module`: a worker for ops.job_queue (zerg_sql/queue_worker.py)."""

from __future__ import annotations

import importlib
import logging

import click

from ..config import ZergError, require_url
from ..queue_worker import Worker, log
from .context import Context, Seconds


@click.command()
@click.option("--handlers", required=True, metavar="MODULE[:ATTR]",
              help="Module holding the dict job id -> handler (ATTR default HANDLERS).")
@click.option("--owner", help="Lease owner name (default host:pid).")
@click.option("--batch", type=click.IntRange(1), default=10, show_default=True)
@click.option("--poll-seconds", type=Seconds(0.01, 3600), default=5.0, show_default=True)
@click.option("--lease-seconds", type=Seconds(1, 86_400), default=900.0, show_default=True)
@click.option("--job-timeout", type=Seconds(0, 86_400), default=300.0, show_default=True, help="0: none.")
@click.option("--no-listen", is_flag=True, help="Poll only, no LISTEN/NOTIFY.")
@click.option("--no-history", is_flag=True, help="Write no ops.runs rows.")
@click.option("--until-idle", is_flag=True, help="Exit when nothing is due.")
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.pass_obj
def worker(ctx: Context, handlers: str, owner: str | None, batch: int, poll_seconds: float, lease_seconds: float,
           job_timeout: float, no_listen: bool, no_history: bool, until_idle: bool, log_level: str) -> None:
    """Run a worker for ops.job_queue on the environment's database until SIGTERM/SIGINT."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(process)d %(levelname)s %(message)s")
    module, _, attr = handlers.partition(":")
    try:
        registry = getattr(importlib.import_module(module), attr or "HANDLERS")
    except (ImportError, AttributeError) as e:
        raise ZergError(f"--handlers {handlers}: {e}") from None
    w = Worker(require_url(ctx.env), registry, owner=owner, batch=batch, poll_seconds=poll_seconds,
               lease_seconds=lease_seconds, job_timeout=job_timeout or None, listen=not no_listen,
               history=not no_history)
    n = w.run(until_idle=until_idle)
    log.info("worker %s stopped after %d jobs", w.owner, n)
