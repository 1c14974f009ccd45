-- Named queries of worker barriers: a supervisor run waits until its spawned workers
-- finish. Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
--
-- The supervisor goes waiting (W16), in ONE transaction: create_worker_barrier, then per job
-- add_barrier_job (status 'queued') and queue_worker_job, then mark_run_paused ('waiting').
-- A second batch of workers (W19) starts with upsert_worker_barrier instead, which re-arms
-- the run's barrier (and drops the first batch's slots) or creates it.
--
-- A finishing worker runs, in ONE transaction:
--   lock_worker_barrier(run_id)                 row lock: workers finishing at once queue here
--   complete_barrier_job(barrier_id, job_id, ..) None when the slot was already final (replay)
--   increment_barrier_count(barrier_id)         only when complete_barrier_job returned a row
--   claim_barrier_resume(barrier_id)            the one caller that gets the row resumes the run
-- then commits. The reaper runs list_expired_barriers, then per barrier, in one
-- transaction: lock_worker_barrier_nowait (skip it when another holds it),
-- timeout_worker_barrier (None: no longer waiting), commit, list_barrier_jobs, resume.


-- name: create_worker_barrier(run_id, expected_count, deadline_at)^
-- Create the barrier of a run (status 'waiting'); returns the new row.
-- serves: W16
INSERT INTO worker_barriers (run_id, expected_count, deadline_at)
VALUES (:run_id::bigint, :expected_count::int, :deadline_at::timestamptz)
RETURNING *;


-- name: upsert_worker_barrier(run_id, expected_count, deadline_at)^
-- Arm the run's barrier for a new batch (status 'waiting', count 0, new expected count and deadline), deleting the old batch's slots; creates it when none exists.
-- serves: W19
WITH b AS (
    INSERT INTO worker_barriers (run_id, expected_count, deadline_at)
    VALUES (:run_id::bigint, :expected_count::int, :deadline_at::timestamptz)
    -- create_worker_barrier would collide on UNIQUE (run_id) for a second batch. As in Zerg,
    -- whatever the barrier's status; the old slots go in the same statement (the DELETE reads
    -- the barrier's id from the upsert), then the caller adds the new slots with add_barrier_job.
    ON CONFLICT (run_id) DO UPDATE
    SET status = 'waiting', expected_count = EXCLUDED.expected_count, completed_count = 0,
        deadline_at = EXCLUDED.deadline_at
    RETURNING *
), old_slots AS (
    DELETE FROM barrier_jobs WHERE barrier_id IN (SELECT id FROM b)
)
SELECT * FROM b;


-- name: add_barrier_job(barrier_id, job_id, tool_call_id, status)^
-- Add the slot of one worker job to a barrier ('created' by default); returns the new row.
-- serves: W16, W19
INSERT INTO barrier_jobs (barrier_id, job_id, tool_call_id, status)
VALUES (:barrier_id::bigint, :job_id::bigint, :tool_call_id::text,
        coalesce(:status::text, 'created'))
RETURNING *;


-- name: get_worker_barrier(run_id)^
-- The barrier of a run, without locking it.
-- serves: W18
SELECT * FROM worker_barriers WHERE run_id = :run_id::bigint;


-- name: lock_worker_barrier(run_id)^
-- The barrier of a run, row-locked until the end of the transaction (waits for other holders).
-- serves: W17
SELECT * FROM worker_barriers WHERE run_id = :run_id::bigint FOR UPDATE;


-- name: lock_worker_barrier_nowait(barrier_id)^
-- A barrier by id, row-locked; fails at once (lock not available) when another transaction holds it.
-- serves: W22
SELECT * FROM worker_barriers WHERE id = :barrier_id::bigint FOR UPDATE NOWAIT;


-- name: complete_barrier_job(barrier_id, job_id, status, result, error)^
-- Record a worker's outcome ('completed' / 'failed') in its slot; None if the slot was already final.
-- serves: W17
UPDATE barrier_jobs
SET status = :status::text, result = :result::text, error = :error::text, completed_at = now()
WHERE barrier_id = :barrier_id::bigint
  AND job_id = :job_id::bigint
  AND status IN ('created', 'queued')
  AND :status::text IN ('completed', 'failed')
RETURNING *;


-- name: increment_barrier_count(barrier_id)^
-- Count one more finished worker on a waiting barrier; returns the barrier with its new count.
-- serves: W17
UPDATE worker_barriers SET completed_count = completed_count + 1
WHERE id = :barrier_id::bigint AND status = 'waiting'
RETURNING *;


-- name: claim_barrier_resume(barrier_id)^
-- waiting -> resuming once every worker finished; the one caller that gets the row resumes the run.
-- serves: W17
UPDATE worker_barriers SET status = 'resuming'
WHERE id = :barrier_id::bigint AND status = 'waiting' AND completed_count >= expected_count
RETURNING *;


-- name: list_barrier_jobs(barrier_id)
-- The slots of a barrier in creation order, with their results.
-- serves: W17, W22
SELECT * FROM barrier_jobs WHERE barrier_id = :barrier_id::bigint ORDER BY id;


-- name: list_expired_barriers()
-- Waiting barriers past their deadline (reaper), oldest deadline first.
-- serves: W21
SELECT * FROM worker_barriers
WHERE status = 'waiting' AND deadline_at < now()
ORDER BY deadline_at;


-- name: timeout_worker_barrier(barrier_id, error)^
-- Reaper: waiting -> resuming past the deadline, whatever the count, and its created / queued slots 'timeout' with :error; None if not waiting.
-- serves: W22
WITH b AS (
    UPDATE worker_barriers SET status = 'resuming'
    -- One statement: the slots change only when the barrier was claimed (Zerg's error text is
    -- "Worker timed out (deadline exceeded)"). Hold lock_worker_barrier_nowait first.
    WHERE id = :barrier_id::bigint AND status = 'waiting'
    RETURNING *
), slots AS (
    UPDATE barrier_jobs SET status = 'timeout', error = :error::text, completed_at = now()
    WHERE barrier_id IN (SELECT id FROM b) AND status IN ('created', 'queued')
)
SELECT * FROM b;


-- name: finish_worker_barrier(barrier_id, status)^
-- waiting / resuming -> completed or failed; None if the barrier had already finished.
-- serves: W20, R15, R16
UPDATE worker_barriers SET status = :status::text
WHERE id = :barrier_id::bigint
  AND status IN ('waiting', 'resuming')
  AND :status::text IN ('completed', 'failed')
RETURNING *;
