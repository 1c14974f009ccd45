"""Retention: delete LLM audit rows and run events older than a cutoff, in short batches.

Each batch is its own transaction with a lock_timeout and a statement_timeout, so it locks
only the rows it deletes for milliseconds: concurrent inserts never wait, and a batch that
would wait on a lock gives up (the next prune run finishes the job). Why batches and not
time partitions: docs/retention.md. Queries: sql/queries/retention.sql.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from .config import Environment, ZergError, parse_duration
from .db import connect
from .queries import queries

TABLES = ("llm_audit_log", "agent_run_events")


def parse_age(text: str) -> timedelta:
    """'30d', '12h', '90m' -> timedelta (at least one minute)."""
    age = parse_duration(text)
    if age is None or age < timedelta(minutes=1):
        raise ZergError(f"--older-than: expected a positive age like 30d, 12h or 90m, got {text!r}")
    return age


@dataclass
class TableResult:
    table: str
    deleted: int = 0
    batches: int = 0
    would_delete: int | None = None  # dry run
    batch_ms: list[float] = field(default_factory=list)

    @property
    def max_batch_ms(self) -> float:
        return max(self.batch_ms, default=0.0)


def prune(env: Environment, older_than: timedelta, *, tables: tuple[str, ...] = TABLES, batch_size: int = 5000,
          pause: float = 0.0, dry_run: bool = False, confirmed: bool = False, lock_timeout: str = "2s",
          statement_timeout: str = "30s", max_batches: int | None = None,
          now: datetime | None = None, out: Callable[[str], None] = print) -> dict[str, TableResult]:
    """Delete rows of `tables` created before now - older_than; returns what each table lost.

    Protected environments need `confirmed` (the CLI's --yes or typed confirmation) unless
    dry_run, which only counts.
    """
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ZergError(f"prune: unknown table(s) {', '.join(sorted(unknown))}; choose from {', '.join(TABLES)}")
    if not 1 <= batch_size <= 100_000:
        raise ZergError("--batch-size must be between 1 and 100000")
    if pause < 0:
        raise ZergError("--pause must be >= 0")
    if env.protected and not dry_run and not confirmed:
        raise ZergError(f"environment {env.name} is protected: confirm the prune (--yes)")
    cutoff = (now or datetime.now(timezone.utc)) - older_than
    results = {t: TableResult(t) for t in tables}
    with connect(env) as conn:
        for table in tables:
            result = results[table]
            if dry_run:
                count = queries.count_llm_audit_before if table == "llm_audit_log" else queries.count_run_events_before
                result.would_delete = count(conn, cutoff=cutoff)
                conn.rollback()
                out(f"{table}: {result.would_delete:,} rows created before {cutoff.isoformat()} (dry run: nothing deleted)")
                continue
            batch = _audit_batches(conn, cutoff, batch_size) if table == "llm_audit_log" else \
                _event_batches(conn, cutoff, batch_size)
            while max_batches is None or result.batches < max_batches:
                queries.set_prune_timeouts(conn, lock_timeout=lock_timeout, statement_timeout=statement_timeout)
                t0 = time.perf_counter()
                deleted = next(batch)
                conn.commit()
                if not deleted:
                    break
                result.batch_ms.append((time.perf_counter() - t0) * 1000)
                result.deleted += deleted
                result.batches += 1
                if pause:
                    time.sleep(pause)
            out(f"{table}: deleted {result.deleted:,} rows created before {cutoff.isoformat()} in "
                f"{result.batches} batches (longest {result.max_batch_ms:.0f} ms)")
    return results


def _audit_batches(conn, cutoff: datetime, batch_size: int):
    while True:
        yield queries.delete_llm_audit_batch(conn, cutoff=cutoff, batch_size=batch_size)


def _event_batches(conn, cutoff: datetime, batch_size: int):
    boundary = queries.get_run_events_boundary(conn, cutoff=cutoff)
    after_id = 0
    while True:
        row = queries.delete_run_events_batch(conn, cutoff=cutoff, after_id=after_id, boundary_id=boundary,
                                              batch_size=batch_size)
        deleted = row["deleted"] if row else 0  # an aggregate: always one row
        if deleted and row and row["last_id"] is not None:
            after_id = row["last_id"]
        yield deleted
