-- Named queries of worker barriers: a supervisor run waits until its spawned workers
-- finish. Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
--
-- A finishing worker runs, in ONE transaction:
--   lock_worker_barrier(run_id)                 row lock: workers finishing at once queue here
--   complete_barrier_job(barrier_id, job_id, ..) None when the slot was already final (replay)
--   increment_barrier_count(barrier_id)         only when complete_barrier_job returned a row
--   claim_barrier_resume(barrier_id)            the one caller that gets the row resumes the run
-- then commits. The reaper runs list_expired_barriers, then per barrier, in one
-- transaction: lock_worker_barrier_nowait (skip it when another holds it),
-- timeout_barrier_jobs, finish_worker_barrier.


-- name: create_worker_barrier(run_id, expected_count, deadline_at)^
-- Create the barrier of a run (status 'waiting'); returns the new row.
INSERT INTO worker_barriers (run_id, expected_count, deadline_at)
VALUES (:run_id::bigint, :expected_count::int, :deadline_at::timestamptz)
RETURNING *;


-- name: add_barrier_job(barrier_id, job_id, tool_call_id, status)^
-- Add the slot of one worker job to a barrier ('created' by default); returns the new row.
INSERT INTO barrier_jobs (barrier_id, job_id, tool_call_id, status)
VALUES (:barrier_id::bigint, :job_id::bigint, :tool_call_id::text,
        coalesce(:status::text, 'created'))
RETURNING *;


-- name: get_worker_barrier(run_id)^
-- The barrier of a run, without locking it.
SELECT * FROM worker_barriers WHERE run_id = :run_id::bigint;


-- name: lock_worker_barrier(run_id)^
-- The barrier of a run, row-locked until the end of the transaction (waits for other holders).
SELECT * FROM worker_barriers WHERE run_id = :run_id::bigint FOR UPDATE;


-- name: lock_worker_barrier_nowait(barrier_id)^
-- A barrier by id, row-locked; fails at once (lock not available) when another transaction holds it.
SELECT * FROM worker_barriers WHERE id = :barrier_id::bigint FOR UPDATE NOWAIT;


-- name: complete_barrier_job(barrier_id, job_id, status, result, error)^
-- Record a worker's outcome ('completed' / 'failed') in its slot; None if the slot was already final.
UPDATE barrier_jobs
SET status = :status::text, result = :result::text, error = :error::text, completed_at = now()
WHERE barrier_id = :barrier_id::bigint
  AND job_id = :job_id::bigint
  AND status IN ('created', 'queued')
  AND :status::text IN ('completed', 'failed')
RETURNING *;


-- name: increment_barrier_count(barrier_id)^
-- Count one more finished worker on a waiting barrier; returns the barrier with its new count.
UPDATE worker_barriers SET completed_count = completed_count + 1
WHERE id = :barrier_id::bigint AND status = 'waiting'
RETURNING *;


-- name: claim_barrier_resume(barrier_id)^
-- waiting -> resuming once every worker finished; the one caller that gets the row resumes the run.
UPDATE worker_barriers SET status = 'resuming'
WHERE id = :barrier_id::bigint AND status = 'waiting' AND completed_count >= expected_count
RETURNING *;


-- name: list_barrier_jobs(barrier_id)
-- The slots of a barrier in creation order, with their results.
SELECT * FROM barrier_jobs WHERE barrier_id = :barrier_id::bigint ORDER BY id;


-- name: list_expired_barriers()
-- Waiting barriers past their deadline (reaper), oldest deadline first.
SELECT * FROM worker_barriers
WHERE status = 'waiting' AND deadline_at < now()
ORDER BY deadline_at;


-- name: timeout_barrier_jobs(barrier_id)!
-- Mark a barrier's unfinished slots ('created' / 'queued') 'timeout'.
UPDATE barrier_jobs SET status = 'timeout', completed_at = now()
WHERE barrier_id = :barrier_id::bigint AND status IN ('created', 'queued');


-- name: finish_worker_barrier(barrier_id, status)^
-- waiting / resuming -> completed or failed; None if the barrier had already finished.
UPDATE worker_barriers SET status = :status::text
WHERE id = :barrier_id::bigint
  AND status IN ('waiting', 'resuming')
  AND :status::text IN ('completed', 'failed')
RETURNING *;
