-- Named queries of worker jobs (background tasks a supervisor run spawns).
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
-- Lifecycle: created (two-phase spawn, not pickable) -> queued -> running -> success |
-- failed | cancelled. Pollers take work only through claim_worker_jobs, which locks the
-- rows it hands out (FOR UPDATE SKIP LOCKED): two pollers never get the same job.


-- name: create_worker_job(owner_id, supervisor_run_id, tool_call_id, trace_id, task, model, reasoning_effort, status)^
-- Create a job idempotently on (supervisor_run_id, tool_call_id); a replay returns the existing job (created = false).
-- serves: W01, W02
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
-- serves: W06
SELECT * FROM worker_jobs WHERE id = :job_id::bigint;


-- name: get_worker_job_for_owner(job_id, owner_id)^
-- One job by id, only if it belongs to :owner_id (authorisation).
-- serves: W07
SELECT * FROM worker_jobs WHERE id = :job_id::bigint AND owner_id = :owner_id::bigint;


-- name: get_worker_job_by_tool_call(supervisor_run_id, tool_call_id)^
-- The job a supervisor run spawned for one tool call.
-- serves: W03
SELECT * FROM worker_jobs
WHERE supervisor_run_id = :supervisor_run_id::bigint AND tool_call_id = :tool_call_id::text;


-- name: list_worker_jobs_by_run(supervisor_run_id, owner_id)
-- Jobs spawned by a supervisor run, of one owner (None: any owner), oldest first.
-- serves: W08
SELECT * FROM worker_jobs
WHERE supervisor_run_id = :supervisor_run_id::bigint
  AND (:owner_id::bigint IS NULL OR owner_id = :owner_id::bigint)
ORDER BY created_at, id;


-- name: list_reusable_worker_jobs(owner_id, supervisor_run_id, limit_rows)
-- A run's successful jobs of one owner, newest first, at most :limit_rows (the app reuses an exact task match).
-- serves: W04
SELECT * FROM worker_jobs
WHERE supervisor_run_id = :supervisor_run_id::bigint
  AND owner_id = :owner_id::bigint
  AND status = 'success'
ORDER BY created_at DESC, id DESC
LIMIT :limit_rows::int;


-- name: find_active_worker_job_by_task(owner_id, supervisor_run_id, task)^
-- The oldest queued or running job of a run with the same task and owner, reused instead of a duplicate (Zerg: an arbitrary one).
-- serves: W05
SELECT * FROM worker_jobs
-- Oldest first where Zerg took an arbitrary row (.first() without ORDER BY).
WHERE supervisor_run_id = :supervisor_run_id::bigint
  AND owner_id = :owner_id::bigint
  AND task = :task::text
  AND status IN ('queued', 'running')
ORDER BY created_at, id
LIMIT 1;


-- name: get_latest_tool_call_job(supervisor_run_id)^
-- The newest job of a supervisor run that came from a tool call.
-- serves: W09
SELECT * FROM worker_jobs
WHERE supervisor_run_id = :supervisor_run_id::bigint AND tool_call_id IS NOT NULL
ORDER BY created_at DESC, id DESC
LIMIT 1;


-- name: list_recent_worker_jobs(owner_id, since, limit_rows)
-- A user's jobs created since :since that ran or finished (recent context), newest first.
-- serves: W10
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


-- name: list_worker_jobs_by_owner(owner_id, status, since, limit_rows)
-- A user's jobs, optionally of one status and created since :since (None: no filter), newest first, at most :limit_rows.
-- serves: W11
SELECT * FROM worker_jobs
WHERE owner_id = :owner_id::bigint
  AND (:status::text IS NULL OR status = :status::text)
  AND (:since::timestamptz IS NULL OR created_at >= :since::timestamptz)
ORDER BY created_at DESC, id DESC
LIMIT :limit_rows::int;


-- name: list_finished_worker_jobs(owner_id, since)
-- A user's jobs that ended in success or failed, created since :since (None: all), newest first (the app greps their artifacts).
-- serves: W12
SELECT * FROM worker_jobs
-- No limit, as in Zerg: the grep reads every finished job of the window.
WHERE owner_id = :owner_id::bigint
  AND status IN ('success', 'failed')
  AND (:since::timestamptz IS NULL OR created_at >= :since::timestamptz)
ORDER BY created_at DESC, id DESC;


-- name: queue_worker_job(job_id)^
-- created -> queued (second phase of a two-phase spawn); None if not 'created'.
-- serves: W15
UPDATE worker_jobs SET status = 'queued'
WHERE id = :job_id::bigint AND status = 'created'
RETURNING *;


-- name: claim_worker_jobs(worker_id, batch)
-- Atomically claim up to :batch queued jobs, oldest first, for :worker_id (queued -> running).
-- serves: W13
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
-- serves: W13
UPDATE worker_jobs SET status = 'running', worker_id = :worker_id::text, started_at = now()
WHERE id = :job_id::bigint AND status = 'queued' AND :worker_id::text IS NOT NULL
RETURNING *;


-- name: finish_worker_job(job_id, worker_id)^
-- running -> success, recording the worker id the run produced (None keeps the claimer's); None if the job was not running.
-- serves: W14
UPDATE worker_jobs
SET status = 'success', finished_at = now(), error = NULL,
    worker_id = coalesce(:worker_id::text, worker_id)
WHERE id = :job_id::bigint AND status = 'running'
RETURNING *;


-- name: fail_worker_job(job_id, error, worker_id)^
-- created / queued / running -> failed with an error and the worker id if known (None keeps); None if the job had already ended.
-- serves: W14, W24
UPDATE worker_jobs
SET status = 'failed', finished_at = now(), error = :error::text,
    worker_id = coalesce(:worker_id::text, worker_id)
WHERE id = :job_id::bigint AND status IN ('created', 'queued', 'running')
RETURNING *;


-- name: cancel_worker_job(job_id, error)^
-- Cancel a job that has not ended, with an error text (None: none) and finished_at (fix: Zerg left it NULL); None if it had.
-- serves: W25
UPDATE worker_jobs SET status = 'cancelled', finished_at = now(), error = :error::text
-- finished_at is stamped: fix, Zerg's roundabout cancel left it NULL on a job that ended.
WHERE id = :job_id::bigint AND status IN ('created', 'queued', 'running')
RETURNING *;


-- name: reap_orphaned_worker_jobs(older_than_seconds, error)
-- Fail jobs stuck in 'created' for longer than :older_than_seconds that have no barrier slot (barrier creation failed); returns them.
-- serves: W23
UPDATE worker_jobs AS j SET status = 'failed', finished_at = now(), error = :error::text
-- A created job with a slot waits for its barrier (the barrier reaper times it out).
WHERE j.status = 'created'
  AND j.created_at < now() - make_interval(secs => :older_than_seconds::float8)
  AND NOT EXISTS (SELECT FROM barrier_jobs AS b WHERE b.job_id = j.id)
RETURNING j.*;


-- name: list_running_worker_jobs()
-- Jobs in 'running' (startup recovery, stuck-worker check), oldest first.
-- serves: W24
SELECT * FROM worker_jobs WHERE status = 'running' ORDER BY started_at, id;


-- name: recover_running_worker_jobs(error)
-- At startup: fail every running job (its process is gone) with the error; queued jobs stay for the poller; returns them.
-- serves: W24
UPDATE worker_jobs SET status = 'failed', finished_at = now(), error = :error::text
-- One statement, as list_running_worker_jobs + fail_worker_job per row would do.
WHERE status = 'running'
RETURNING *;


-- name: requeue_worker_jobs(worker_id)
-- Put a dead worker's running jobs back in the queue; returns them.
UPDATE worker_jobs SET status = 'queued', worker_id = NULL, started_at = NULL
WHERE status = 'running' AND worker_id = :worker_id::text
RETURNING *;


-- name: delete_worker_job(job_id)!
-- Delete one job (its barrier slots go with it).
DELETE FROM worker_jobs WHERE id = :job_id::bigint;
