"""`zerg-sql dash ...`: the /traces and /reliability dashboards (and queue health) in a
terminal. The numbers come from the SQL functions of sql/functions/ through the named
queries (zerg_sql.dashboards); this module parses options, refreshes and renders.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

import click
import psycopg

from .. import dashboards
from ..config import ZergError
from ..db import connect
from .context import Context, Seconds
from .dash_render import RENDERERS
from .output import echo, echo_json


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO timestamp (e.g. 2026-01-15T12:00:00Z)") from None
    return ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)  # naive means UTC, as in Zerg


def _trace_id(_ctx: click.Context, _param: click.Parameter, value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a trace id (a UUID)") from None


AS_OF = click.option("--as-of", callback=_as_of, metavar="TIMESTAMP",
                     help="End the time window here instead of now (ISO; naive = UTC).")


def dashboard(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Common options of every dashboard: --json, --watch SECONDS, --count N."""
    def wrap(fetch: Callable[..., Any]) -> Callable[..., Any]:
        @click.option("--json", "as_json", is_flag=True, help="Machine-readable output (one document per refresh).")
        @click.option("--watch", type=Seconds(1, 3600), metavar="SECONDS",
                      help="Refresh every SECONDS (1-3600) until Ctrl-C, like the web page.")
        @click.option("--count", type=click.IntRange(1), metavar="N", help="With --watch: stop after N refreshes.")
        @click.pass_obj  # type: ignore[arg-type]  # functools.wraps' result does not type-match click's
        @functools.wraps(fetch)
        def command(ctx: Context, as_json: bool, watch: float | None, count: int | None, **params: Any) -> None:
            show(ctx, name, lambda conn: fetch(conn, **params), as_json, watch, count)
        return command
    return wrap


def show(ctx: Context, name: str, fetch: Callable[[psycopg.Connection[Any]], Any], as_json: bool, watch: float | None, count: int | None) -> None:
    if count and not watch:
        raise click.UsageError("--count needs --watch")
    clear = bool(watch) and not as_json and sys.stdout.isatty()
    conn = connect(ctx.env, application_name=f"zerg-sql dash {name}")
    shown = 0
    try:
        while True:
            try:
                data = fetch(conn)
            except psycopg.Error as e:
                diag = e.diag
                raise ZergError(" ".join(filter(None, [diag.message_primary or str(e).strip(), diag.message_detail,
                                                        diag.message_hint]))) from None
            finally:
                conn.rollback()  # end the read transaction: the next refresh sees a new now()
            if as_json:
                echo_json(data)
            else:
                if clear:
                    click.clear()
                elif watch and shown:
                    echo("")
                if watch:
                    echo(f"-- {name} at {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S}Z, every {watch:g}s (Ctrl-C to stop)")
                echo(RENDERERS[name](data))
            shown += 1
            if not watch or (count and shown >= count):
                return
            time.sleep(watch)
    except KeyboardInterrupt:  # Ctrl-C ends a watch normally
        return
    finally:
        conn.close()


@click.group()
def dash() -> None:
    """The /traces and /reliability dashboards and the queue's health (same SQL as psql: docs/psql.md)."""


@dash.command()
@click.option("--high", "high_errors", type=click.IntRange(0), default=10, show_default=True,
              help="More errors than this in the window is 'high'.")
@click.option("--some", "some_errors", type=click.IntRange(0), default=5, show_default=True,
              help="More errors than this in the window is 'some'.")
@click.option("--window-minutes", type=click.IntRange(1, 10080), default=60, show_default=True)
@AS_OF
@dashboard("health")
def health(conn: psycopg.Connection[Any], **params: Any) -> dict[str, Any]:
    """System health: healthy, degraded or unhealthy, from recent errors and runners."""
    return dashboards.health(conn, **params)


@dash.command()
@click.option("--hours", type=click.IntRange(1, 168), default=24, show_default=True)
@click.option("--limit", "max_rows", type=click.IntRange(1, 200), default=50, show_default=True,
              help="Rows per list and signature groups shown.")
@AS_OF
@dashboard("errors")
def errors(conn: psycopg.Connection[Any], **params: Any) -> dict[str, Any]:
    """Failed runs and workers: true totals, grouped by error signature, latest first."""
    return dashboards.errors(conn, **params)


@dash.command()
@click.option("--hours", type=click.IntRange(1, 168), default=24, show_default=True)
@AS_OF
@dashboard("perf")
def perf(conn: psycopg.Connection[Any], **params: Any) -> dict[str, Any]:
    """Run duration percentiles over every run of the window, overall, per model and per trigger."""
    return dashboards.performance(conn, **params)


@dash.command()
@click.option("--threshold-mins", type=click.IntRange(0, 1440), default=10, show_default=True)
@click.option("--orphan-mins", type=click.IntRange(0, 1440), default=5, show_default=True)
@click.option("--limit", "max_rows", type=click.IntRange(1, 500), default=50, show_default=True,
              help="Rows shown per category.")
@AS_OF
@dashboard("stuck")
def stuck(conn: psycopg.Connection[Any], **params: Any) -> dict[str, Any]:
    """Stuck running workers, queued jobs never started, jobs orphaned in 'created'."""
    return dashboards.stuck(conn, **params)


@dash.command()
@click.option("--limit", "max_rows", type=click.IntRange(1, 1000), default=100, show_default=True)
@dashboard("runners")
def runners(conn: psycopg.Connection[Any], **params: Any) -> dict[str, Any]:
    """Runners, last seen first."""
    return dashboards.runners(conn, **params)


@dash.command()
@click.option("--hours", type=click.IntRange(1, 168), default=24, show_default=True,
              help="Window of the dead-job list.")
@click.option("--limit", "max_rows", type=click.IntRange(1, 500), default=50, show_default=True)
@AS_OF
@dashboard("queue")
def queue(conn: psycopg.Connection[Any], **params: Any) -> dict[str, Any]:
    """ops.job_queue: depth, oldest due job, expired leases, dead jobs, dead tuples, oldest transaction."""
    return dashboards.queue(conn, **params)


@dash.command()
@click.option("--limit", "max_rows", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--offset", "skip", type=click.IntRange(0, 1000000), default=0, show_default=True)
@dashboard("traces")
def traces(conn: psycopg.Connection[Any], **params: Any) -> dict[str, Any]:
    """Recent traces, one row per trace."""
    return dashboards.traces(conn, **params)


@dash.command()
@click.argument("trace_id", callback=_trace_id)
@click.option("--level", type=click.Choice(["summary", "errors", "full"]), default="summary", show_default=True)
@click.option("--max-events", type=click.IntRange(1, 500), default=100, show_default=True)
@click.option("--slow-ms", type=click.IntRange(0, 86400000), default=60000, show_default=True,
              help="LLM calls slower than this are anomalies.")
@dashboard("trace")
def trace(conn: psycopg.Connection[Any], trace_id: UUID, **params: Any) -> dict[str, Any]:
    """The timeline of one trace (relative times), its anomalies, and at --level full its LLM calls."""
    data = dashboards.trace(conn, trace_id, **params)
    if data is None:
        raise ZergError(f"trace {trace_id} not found (no run, worker or LLM call has it)")
    return data
