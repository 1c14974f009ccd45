"""Job handlers for the queue tests, importable by worker processes:
zerg-sql --env test --database-url URL worker --handlers tests.queue.queue_handlers

The tables they write (queue_test_starts, queue_test_effects) are created by
tests/queue/test_queue.py in the test's own database, whose URL it passes in
ZERG_QUEUE_TEST_URL.
"""

from __future__ import annotations

import os
import time
from typing import Any

import psycopg

from zerg_sql.queue_worker import in_transaction

_log_conn: psycopg.Connection | None = None


def _log_start(key: str) -> None:
    """Record that an execution started, outside the job's transaction (it survives kills)."""
    global _log_conn
    if _log_conn is None:
        _log_conn = psycopg.connect(os.environ["ZERG_QUEUE_TEST_URL"], autocommit=True)
    _log_conn.execute("INSERT INTO public.queue_test_starts (job_key, pid) VALUES (%s, %s)",
                      (key, os.getpid()))


@in_transaction
def record(payload: dict[str, Any], conn: psycopg.Connection) -> None:
    """The side effect commits in the same transaction as the job's completion."""
    _log_start(payload["key"])
    time.sleep(payload.get("sleep", 0))
    conn.execute("INSERT INTO public.queue_test_effects (job_key, pid) VALUES (%s, %s)",
                 (payload["key"], os.getpid()))


def sleep(payload: dict[str, Any]) -> None:
    time.sleep(payload.get("seconds", 1))


def noop(payload: Any) -> None:
    return None


def boom(payload: Any) -> None:
    raise RuntimeError("boom: this job always fails")


HANDLERS = {"record": record, "sleep": sleep, "noop": noop, "boom": boom}
