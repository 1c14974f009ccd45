-- Named queries of worker jobs (background tasks a supervisor run spawns).
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
-- Lifecycle: created (two-phase spawn, not pickable) -> queued -> running -> success |
-- failed | cancelled. Pollers take work only through claim_worker_jobs, which locks the
-- rows it hands out (FOR UPDATE SKIP LOCKED): two pollers never get the same job.


-- name: create_worker_job(owner_id, supervisor_run_id, tool_call_id, trace_id, task, model, reasoning_effort, status)^
-- Create a job idempotently on (supervisor_run_id, tool_call_id); a replay returns the existing job (created = false).
WITH ins AS (
    INSERT INTO worker_jobs (owner_id, supervisor_run_id, tool_call_id, trace_id, task, model,
                             reasoning_effort, status)
    VALUES (:owner_id::bigint, :supervisor_run_id::bigint, :tool_call_id::text, :trace_id::uuid,
            :task::text, :model::text, coalesce(:reasoning_effort::text, 'none'),
            coalesce(:status::text, 'queued'))
    ON CONFLICT ON CONSTRAINT worker_jobs_supervisor_run_id_tool_call_id_key DO NOTHING
    RETURNING *
)
-- A replay that races the first insert (both in flight) sees neither row here and gets
-- None: look the job up with get_worker_job_by_tool_call after the other commits.
SELECT ins.*, true AS created FROM ins
UNION ALL
SELECT j.*, false AS created FROM worker_jobs AS j
WHERE j.supervisor_run_id = :supervisor_run_id::bigint
  AND j.tool_call_id = :tool_call_id::text
  AND NOT EXISTS (SELECT FROM ins);


-- name: get_worker_job(job_id)^
-- One job by id.
SELECT * FROM worker_jobs WHERE id = :job_id::bigint;


-- name: get_worker_job_for_owner(job_id, owner_id)^
-- One job by id, only if it belongs to :owner_id (authorisation).
SELECT * FROM worker_jobs WHERE id = :job_id::bigint AND owner_id = :owner_id::bigint;


-- name: get_worker_job_by_tool_call(supervisor_run_id, tool_call_id)^
-- The job a supervisor run spawned for one tool call.
SELECT * FROM worker_jobs
WHERE supervisor_run_id = :supervisor_run_id::bigint AND tool_call_id = :tool_call_id::text;


-- name: list_worker_jobs_by_run(supervisor_run_id)
-- Jobs spawned by a supervisor run, oldest first.
SELECT * FROM worker_jobs
WHERE supervisor_run_id = :supervisor_run_id::bigint
ORDER BY created_at, id;


-- name: get_latest_tool_call_job(supervisor_run_id)^
-- The newest job of a supervisor run that came from a tool call.
SELECT * FROM worker_jobs
WHERE supervisor_run_id = :supervisor_run_id::bigint AND tool_call_id IS NOT NULL
ORDER BY created_at DESC, id DESC
LIMIT 1;


-- name: list_recent_worker_jobs(owner_id, since, limit_rows)
-- A user's jobs created since :since that ran or finished (recent context), newest first.
SELECT * FROM worker_jobs
WHERE owner_id = :owner_id::bigint
  AND created_at >= :since::timestamptz
  AND status IN ('success', 'failed', 'running')
ORDER BY created_at DESC, id DESC
LIMIT :limit_rows::int;


-- name: list_active_worker_jobs(owner_id, limit_rows)
-- A user's queued or running jobs, newest first.
SELECT * FROM worker_jobs
WHERE owner_id = :owner_id::bigint AND status IN ('queued', 'running')
ORDER BY created_at DESC, id DESC
LIMIT :limit_rows::int;


-- name: queue_worker_job(job_id)^
-- created -> queued (second phase of a two-phase spawn); None if not 'created'.
UPDATE worker_jobs SET status = 'queued'
WHERE id = :job_id::bigint AND status = 'created'
RETURNING *;


-- name: claim_worker_jobs(worker_id, batch)
-- Atomically claim up to :batch queued jobs, oldest first, for :worker_id (queued -> running).
UPDATE worker_jobs AS j
SET status = 'running', worker_id = :worker_id::text, started_at = now()
FROM (
    SELECT q.id FROM worker_jobs AS q
    WHERE q.status = 'queued'
      AND :worker_id::text IS NOT NULL  -- a running job always names its worker
    ORDER BY q.created_at, q.id
    LIMIT coalesce(:batch::int, 0)  -- LIMIT NULL would mean all of them
    FOR UPDATE SKIP LOCKED
) AS c
WHERE j.id = c.id
RETURNING j.*;


-- name: start_worker_job(job_id, worker_id)^
-- queued -> running for one job by id; None if it was not queued (someone else has it) or no worker_id.
UPDATE worker_jobs SET status = 'running', worker_id = :worker_id::text, started_at = now()
WHERE id = :job_id::bigint AND status = 'queued' AND :worker_id::text IS NOT NULL
RETURNING *;


-- name: finish_worker_job(job_id)^
-- running -> success; None if the job was not running.
UPDATE worker_jobs SET status = 'success', finished_at = now(), error = NULL
WHERE id = :job_id::bigint AND status = 'running'
RETURNING *;


-- name: fail_worker_job(job_id, error)^
-- queued / running -> failed with an error; None if the job had already ended.
UPDATE worker_jobs SET status = 'failed', finished_at = now(), error = :error::text
WHERE id = :job_id::bigint AND status IN ('created', 'queued', 'running')
RETURNING *;


-- name: cancel_worker_job(job_id)^
-- Cancel a job that has not ended; None if it had.
UPDATE worker_jobs SET status = 'cancelled', finished_at = now()
WHERE id = :job_id::bigint AND status IN ('created', 'queued', 'running')
RETURNING *;


-- name: reap_orphaned_worker_jobs(older_than_seconds, error)
-- Fail jobs stuck in 'created' for longer than :older_than_seconds (spawn never completed); returns them.
UPDATE worker_jobs SET status = 'failed', finished_at = now(), error = :error::text
WHERE status = 'created'
  AND created_at < now() - make_interval(secs => :older_than_seconds::float8)
RETURNING *;


-- name: list_running_worker_jobs()
-- Jobs in 'running' (startup recovery, stuck-worker check), oldest first.
SELECT * FROM worker_jobs WHERE status = 'running' ORDER BY started_at, id;


-- name: requeue_worker_jobs(worker_id)
-- Put a dead worker's running jobs back in the queue; returns them.
UPDATE worker_jobs SET status = 'queued', worker_id = NULL, started_at = NULL
WHERE status = 'running' AND worker_id = :worker_id::text
RETURNING *;


-- name: delete_worker_job(job_id)!
-- Delete one job (its barrier slots go with it).
DELETE FROM worker_jobs WHERE id = :job_id::bigint;
