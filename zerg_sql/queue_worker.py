"""A small worker for the durable job queue ops.job_queue (docs/queue.md).

It uses only the named queries of sql/queries/job_queue.sql:

* claim a batch (claim_jobs), run each job's handler, complete the successes in one
  statement that also writes their ops.runs rows (complete_jobs, in the transaction that
  claims the next batch: one commit per batch; also as it goes when a batch runs longer
  than a second), record failures at once (fail_job: retry with backoff, or dead at the
  last attempt; insert_job_run). With batches of one job, completion and claim are one
  statement (complete_and_claim_jobs), which measured faster there (docs/queue.md);
* a heartbeat thread on its own connection extends the leases of every job in hand
  every min(lease/2, 60) s (extend_job_leases); a lease it fails to extend is lost, and
  that job's result is never written (every write is guarded by owner and attempt). A job
  the worker is writing the outcome of is not reported lost: the heartbeat's UPDATE may
  wait on that very transaction's row lock and then find the job finished;
* a per-job timeout (SIGALRM, so handlers run in the main thread of the process);
* SIGTERM/SIGINT or stop(): stop claiming, finish the job running, give back the jobs
  claimed but not started (release_jobs) so they can be claimed again at once;
* LISTEN zerg_job_queue (enqueue notifies) wakes an idle worker early; polling every
  poll_seconds stays, so a missed notification only delays a job;
* reap_zombie_jobs at start and then once per lease period.

Handlers are registered by job id: ``handler(payload) -> None``; raising means failure.
A handler decorated with ``@in_transaction`` is called as ``handler(payload, conn)``
inside the transaction that completes the job: its database writes on ``conn`` commit
together with the completion, or not at all (lease lost, error, timeout). That is how a
job's database side effect happens exactly once even when workers die mid-job.

Run: ``zerg-sql --env prod worker --handlers my.module`` (the module's HANDLERS dict);
see ``zerg-sql worker --help``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
import traceback
from typing import Any, Callable, Mapping, cast

import psycopg
from psycopg.types.json import Jsonb

from zerg_sql import db
from zerg_sql.config import ZergError
from zerg_sql.queries import queries

log = logging.getLogger("zerg_sql.queue_worker")

Handler = Callable[..., None]
Job = dict[str, Any]  # a claimed row: id, job_id, payload, attempts, max_attempts, ...
Done = tuple[Job, dt.datetime, dt.datetime]  # a job that succeeded, with its start and end
ZOMBIE_REASON = "Zombie run detected (lease expired during the final attempt)"


# The queue's statements are planned once per connection, not at every call: PostgreSQL's
# default (plan_cache_mode = auto) re-plans a prepared statement whenever its generic plan
# is estimated dearer than a custom one, which for these statements (LIMIT :batch, unnest of
# parameter arrays) is always, and planning complete_and_claim_jobs took ~0.3 of the ~1 ms
# it costs. Their generic plans are index scans (tests/queue/test_queue.py checks them); with
# batches of 1 a job then costs about half as much server time (docs/queue.md).
SESSION = {"plan_cache_mode": "force_generic_plan"}


def connect(url: str, name: str = "zerg-sql queue worker") -> psycopg.Connection[dict[str, Any]]:
    """An autocommit connection with dict rows, TimeZone UTC and SESSION's settings."""
    return db.connect(url, autocommit=True, application_name=name, settings=SESSION)


def in_transaction(fn: Handler) -> Handler:
    """Mark a handler to be called as fn(payload, conn) inside the completing transaction."""
    fn.zerg_in_transaction = True  # type: ignore[attr-defined]
    return fn


class JobTimeout(Exception):
    pass


class _Rollback(Exception):
    def __init__(self, error: tuple[str, str] | None):
        super().__init__(error)
        self.error = error  # (error type, text), or None when the lease was lost


_last_now = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _now() -> dt.datetime:
    """Wall-clock time, strictly increasing within the process: ops.runs rows are keyed by
    (job_key, started_at), so two runs of one job id here never share a start time."""
    global _last_now
    t = dt.datetime.now(dt.timezone.utc)
    _last_now = t if t > _last_now else _last_now + dt.timedelta(microseconds=1)
    return _last_now


def _scheduled(job: Job) -> tuple[dt.datetime, str]:
    return job["scheduled_for"], job["id"]


def _on_alarm(signum: int, frame: Any) -> None:
    raise JobTimeout()


class _Heartbeat(threading.Thread):
    """Extends the leases of the jobs in hand; records the ones it could not extend."""

    def __init__(self, url: str, owner: str, lease_seconds: float):
        super().__init__(name="queue-heartbeat", daemon=True)
        self.url, self.owner, self.lease_seconds = url, owner, lease_seconds
        self.interval = min(lease_seconds / 2, 60.0)
        self.lock = threading.Lock()
        self.held: dict[str, int] = {}  # job id -> attempt (the lease)
        self.finishing: set[str] = set()  # outcome being written: not extended is not lost
        self.lost: set[str] = set()
        self.done = threading.Event()

    def hold(self, jobs: list[dict[str, Any]]) -> None:
        with self.lock:
            for job in jobs:
                self.held[job["id"]] = job["attempts"]
                self.lost.discard(job["id"])
                self.finishing.discard(job["id"])

    def finish(self, ids: list[str]) -> None:
        """Called before the statement that writes these jobs' outcome (or releases them)."""
        with self.lock:
            self.finishing.update(ids)

    def drop(self, ids: list[str]) -> None:
        with self.lock:
            for i in ids:
                self.held.pop(i, None)
                self.lost.discard(i)
                self.finishing.discard(i)

    def is_lost(self, job_id: str) -> bool:
        # Asked twice per job; a set's membership test is atomic under the GIL, so no lock.
        return job_id in self.lost

    def run(self) -> None:
        conn = None
        while not self.done.wait(self.interval):
            with self.lock:
                items = list(self.held.items())
            if not items:
                continue
            try:
                if conn is None or conn.closed:
                    conn = connect(self.url, "zerg-sql queue heartbeat")
                rows = queries.extend_job_leases(
                    conn, owner=self.owner, ids=[i for i, _ in items],
                    attempts=[a for _, a in items], lease_seconds=self.lease_seconds)
                kept = {r["id"] for r in rows}
            except (psycopg.Error, ZergError) as exc:
                log.warning("heartbeat failed (will retry): %s", exc)
                if conn is not None:
                    conn.close()
                conn = None
                continue
            with self.lock:
                for i, attempt in items:
                    if i not in kept and self.held.get(i) == attempt and i not in self.finishing:
                        self.lost.add(i)
                        log.warning("lease lost for job %s (attempt %s)", i, attempt)
        if conn is not None:
            conn.close()


class Worker:
    def __init__(
        self,
        url: str,
        handlers: Mapping[str, Handler],
        owner: str | None = None,
        batch: int = 10,
        poll_seconds: float = 5.0,
        lease_seconds: float = 900.0,
        job_timeout: float | None = 300.0,
        listen: bool = True,
        history: bool = True,
    ):
        self.url = url
        self.handlers = dict(handlers)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self.job_timeout = job_timeout
        self.listen = listen
        self.history = history
        self.processed = 0  # jobs whose outcome (success or failure) was written
        self._stopping = threading.Event()
        self._alarm = False
        self.conn: psycopg.Connection[dict[str, Any]] | None = None

    def stop(self, *_: Any) -> None:
        """Stop claiming; the running job finishes, the others are released. Signal-safe."""
        self._stopping.set()

    # -- main loop ---------------------------------------------------------------------

    def run(self, until_idle: bool = False) -> int:
        """Work until stop() (or SIGTERM/SIGINT); with until_idle, also when nothing is due."""
        main = threading.current_thread() is threading.main_thread()
        previous = {}
        if main:
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, self.stop)
            if self.job_timeout:
                previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, _on_alarm)
                self._alarm = True
        self._hb = _Heartbeat(self.url, self.owner, self.lease_seconds)
        self._hb.start()
        self._pending: list[Done] = []
        next_reap = 0.0
        try:
            while not self._stopping.is_set():
                try:
                    if self.conn is None or self.conn.closed:
                        self.conn = connect(self.url)
                        if self.listen:
                            queries.listen_for_jobs(self.conn)
                    if time.monotonic() >= next_reap:
                        for row in queries.reap_zombie_jobs(self.conn, reason=ZOMBIE_REASON):
                            log.warning("reaped zombie job %s: %s", row["id"], row["last_error"])
                        next_reap = time.monotonic() + max(self.lease_seconds, 5.0)
                    jobs = self._complete_and_claim() if self.batch == 1 else self._claim()
                    if jobs:
                        self._process(jobs)
                        continue
                    if until_idle:
                        break
                    self._wait()
                except psycopg.errors.DeadlockDetected as exc:
                    # Rare: two statements writing ops.runs rows with the same (job_key,
                    # started_at). The statement was rolled back as a whole; jobs still
                    # pending stay pending and the next statement retries them.
                    log.warning("deadlock, retrying: %s", exc)
                except (psycopg.OperationalError, ZergError) as exc:
                    # Jobs in hand stay leased and become claimable when the lease expires.
                    log.warning("database error, reconnecting: %s", exc)
                    self._hb.drop([j["id"] for j, _, _ in self._pending])
                    self._pending.clear()
                    if self.conn is not None:
                        self.conn.close()
                    self.conn = None
                    self._stopping.wait(1.0)
            if self._pending and self.conn is not None and not self.conn.closed:
                self._flush()  # stopping: record the jobs already done
        finally:
            self._hb.done.set()
            if self.conn is not None:
                self.conn.close()
                self.conn = None
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self._alarm = False
        return self.processed

    def _wait(self) -> None:
        """Sleep up to poll_seconds; a NOTIFY (or stop) ends it early."""
        deadline = time.monotonic() + self.poll_seconds
        while not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if not self.listen:
                self._stopping.wait(min(remaining, 0.5))
                continue
            assert self.conn is not None
            got = list(self.conn.notifies(timeout=min(remaining, 0.5), stop_after=1))
            if got:
                return

    # -- one batch ---------------------------------------------------------------------

    def _process(self, jobs: list[Job]) -> None:
        """Run a claimed batch; successes wait in self._pending for the next claim's commit."""
        self._hb.hold(jobs)
        last_flush = time.monotonic()
        try:
            for n, job in enumerate(jobs):
                if self._stopping.is_set():
                    self._flush()
                    self._release(jobs[n:])
                    return
                if self._hb.is_lost(job["id"]):
                    continue
                handler = self.handlers.get(job["job_id"])
                started = _now()
                if handler is None:
                    self._fail(job, f"no handler registered for job id {job['job_id']!r}",
                               "NoHandler", started, _now())
                elif getattr(handler, "zerg_in_transaction", False):
                    self._run_in_transaction(job, handler, started)
                else:
                    error = self._call(handler, job["payload"])
                    if error is None:
                        self._pending.append((job, started, _now()))
                    else:
                        self._fail(job, error[1], error[0], started, _now())
                if self._pending and time.monotonic() - last_flush > 1.0:
                    self._flush()  # long batches: do not sit on finished jobs
                    last_flush = time.monotonic()
        finally:
            pending = {j["id"] for j, _, _ in self._pending}
            self._hb.drop([j["id"] for j in jobs if j["id"] not in pending])

    def _call(self, fn: Handler, *args: Any) -> tuple[str, str] | None:
        """Run a handler under the timeout; None on success, else (error type, text)."""
        try:
            if self._alarm:
                signal.setitimer(signal.ITIMER_REAL, float(self.job_timeout or 0))
            try:
                fn(*args)
            finally:
                if self._alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except JobTimeout:
            return "JobTimeout", f"job timed out after {self.job_timeout} s"
        except Exception as exc:
            return type(exc).__name__, "".join(traceback.format_exception(exc))
        return None

    def _run_in_transaction(self, job: dict[str, Any], fn: Handler, started: dt.datetime) -> None:
        conn = self.conn
        assert conn is not None
        try:
            with conn.transaction():
                queries.set_default_plan_cache_mode(conn)  # the handler's statements: planned as usual
                error = self._call(fn, job["payload"], conn)
                if error is not None:
                    raise _Rollback(error)
                self._hb.finish([job["id"]])
                done = list(queries.complete_jobs(
                    conn, owner=self.owner, ids=[job["id"]], attempts=[job["attempts"]],
                    started=[started], ended=[_now()], history=self.history))
                if not done:
                    raise _Rollback(None)  # lease lost: undo the handler's writes too
            self.processed += 1
        except _Rollback as rb:
            if rb.error is None:
                log.warning("job %s: lease lost, result discarded", job["id"])
            else:
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    # A timeout inside a query leaves the connection busy: start afresh.
                    conn.close()
                    self.conn = connect(self.url)
                    if self.listen:
                        queries.listen_for_jobs(self.conn)
                self._fail(job, rb.error[1], rb.error[0], started, _now())

    def _db(self) -> psycopg.Connection[dict[str, Any]]:
        assert self.conn is not None
        return self.conn

    def _todo(self) -> list[Done]:
        """The finished jobs to complete (those whose lease the heartbeat lost are skipped)."""
        return [p for p in self._pending if not self._hb.is_lost(p[0]["id"])]

    def _completed(self, todo: list[Done], done: set[str]) -> None:
        self.processed += len(done)
        for job, _, _ in todo:
            if job["id"] not in done:
                log.warning("job %s: lease lost, result discarded", job["id"])
        self._hb.drop([j["id"] for j, _, _ in self._pending])
        self._pending.clear()

    def _complete_and_claim(self) -> list[Job]:
        """Complete the finished jobs and claim the next batch in one statement and commit."""
        todo = self._todo()
        self._hb.finish([j["id"] for j, _, _ in todo])
        rows = cast(list[Job], list(queries.complete_and_claim_jobs(
            self._db(), owner=self.owner, ids=[j["id"] for j, _, _ in todo],
            attempts=[j["attempts"] for j, _, _ in todo], started=[s for _, s, _ in todo],
            ended=[e for _, _, e in todo], history=self.history,
            lease_seconds=self.lease_seconds, batch=self.batch)))
        self._completed(todo, {r["id"] for r in rows if r["kind"] == "completed"})
        return [r for r in rows if r["kind"] == "claimed"]

    def _claim(self) -> list[Job]:
        """Complete the finished jobs (complete_jobs) and claim the next batch (claim_jobs)
        in one transaction: one commit per batch, not two (docs/queue.md). If it fails, the
        finished jobs stay pending for the next attempt."""
        todo = self._todo()
        conn = self._db()
        with conn.transaction():
            done = self._complete(conn, todo) if todo else set()
            jobs = cast(list[Job], list(queries.claim_jobs(
                conn, owner=self.owner, lease_seconds=self.lease_seconds, batch=self.batch)))
        self._completed(todo, done)
        jobs.sort(key=_scheduled)  # the claim's rows come in no particular order
        return jobs

    def _flush(self) -> None:
        todo = self._todo()
        if not todo:
            return
        self._completed(todo, self._complete(self._db(), todo))

    def _complete(self, conn: psycopg.Connection[dict[str, Any]], todo: list[Done]) -> set[str]:
        """complete_jobs for these finished jobs; the ids it completed (the others' leases were lost)."""
        self._hb.finish([j["id"] for j, _, _ in todo])
        return {r["id"] for r in queries.complete_jobs(
            conn, owner=self.owner, ids=[j["id"] for j, _, _ in todo],
            attempts=[j["attempts"] for j, _, _ in todo], started=[s for _, s, _ in todo],
            ended=[e for _, _, e in todo], history=self.history)}

    def _fail(self, job: Job, error: str, error_type: str,
              started: dt.datetime, ended: dt.datetime) -> None:
        conn = self._db()
        self._hb.finish([job["id"]])
        with conn.transaction():
            row = queries.fail_job(conn, id=job["id"], owner=self.owner,
                                   attempt=job["attempts"], error=error)
            if row is None:
                log.warning("job %s: lease lost, failure not recorded", job["id"])
                return
            if self.history:
                queries.insert_job_run(
                    conn, job_id=job["job_id"], started_at=started, ended_at=ended, duration_ms=None,
                    status="failure", exit_code=None, error_message=error, error_type=error_type,
                    summary=None, stdout_tail=None, tags=None, project=None,
                    metadata=Jsonb({"queue_id": job["id"], "attempt": job["attempts"],
                                    "owner": self.owner, "next": row["status"]}))
        self.processed += 1
        log.info("job %s attempt %s failed -> %s", job["id"], job["attempts"], row["status"])

    def _release(self, jobs: list[Job]) -> None:
        if not jobs:
            return
        self._hb.finish([j["id"] for j in jobs])
        released = list(queries.release_jobs(self._db(), owner=self.owner,
                                             ids=[j["id"] for j in jobs],
                                             attempts=[j["attempts"] for j in jobs]))
        log.info("released %d unstarted jobs", len(released))
