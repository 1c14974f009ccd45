"""An example service module on the typed queries (checked by mypy --strict in tests/queries/test_stubs.py).

It spawns the worker jobs of a supervisor run and records the outcome, the way Zerg's
supervisor service does, in transactions the caller can see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import psycopg
from psycopg.types.json import Jsonb

from zerg_sql.queries import queries

if TYPE_CHECKING:  # row types exist only in the generated stubs (zerg_sql/queries.pyi)
    from zerg_sql.queries import ClaimWorkerJobsRow, GetActiveRunRow


def active_run(conn: psycopg.Connection[dict[str, object]], supervisor_id: int) -> GetActiveRunRow | None:
    """The supervisor's active run, if any."""
    return queries.get_active_run(conn, agent_id=supervisor_id)


def spawn_workers(conn: psycopg.Connection[dict[str, object]], run_id: int, owner_id: int,
                  tool_calls: dict[str, str]) -> list[int]:
    """One worker job per tool call (idempotent), in one transaction; returns the job ids."""
    ids: list[int] = []
    with conn.transaction():
        for call_id, task in sorted(tool_calls.items()):
            job = queries.create_worker_job(conn, owner_id=owner_id, supervisor_run_id=run_id, tool_call_id=call_id,
                                            trace_id=None, task=task, model="gpt-5.2", reasoning_effort=None,
                                            status=None)
            if job is not None and job["id"] is not None:
                ids.append(job["id"])
        queries.append_run_event(conn, run_id=run_id, event_type="worker_spawned",
                                 payload=Jsonb({"jobs": ids}))
    return ids


def claim(conn: psycopg.Connection[dict[str, object]], worker: str) -> Iterator[ClaimWorkerJobsRow]:
    """Claim up to four queued jobs for this worker."""
    with conn.transaction():
        rows = list(queries.claim_worker_jobs(conn, worker_id=worker, batch=4))
    return iter(rows)


def finish(conn: psycopg.Connection[dict[str, object]], job_id: int, error: str | None) -> bool:
    """Record a job's outcome; False when the job was not running any more."""
    with conn.transaction():
        if error is None:
            return queries.finish_worker_job(conn, job_id=job_id, worker_id=None) is not None
        return queries.fail_worker_job(conn, job_id=job_id, error=error, worker_id=None) is not None


def message_count(conn: psycopg.Connection[dict[str, object]], thread_id: int) -> int:
    return queries.count_thread_messages(conn, thread_id=thread_id) or 0
