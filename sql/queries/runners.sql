-- Named queries of runners (machines that run commands for a user's agents), their
-- one-time enroll tokens and the jobs dispatched to them.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.


-- name: create_runner(owner_id, name, auth_secret_hash, labels, capabilities, runner_metadata)^
-- Enroll a runner (status 'offline', capabilities ["exec.readonly"] by default); returns the new row.
INSERT INTO runners (owner_id, name, auth_secret_hash, labels, capabilities, runner_metadata)
VALUES (:owner_id::bigint, :name::text, :auth_secret_hash::text, :labels::jsonb,
        coalesce(:capabilities::jsonb, '["exec.readonly"]'::jsonb), :runner_metadata::jsonb)
RETURNING *;


-- name: get_runner(runner_id)^
-- One runner by id.
SELECT * FROM runners WHERE id = :runner_id::bigint;


-- name: get_runner_by_name(owner_id, name)^
-- A user's runner by name.
SELECT * FROM runners WHERE owner_id = :owner_id::bigint AND name = :name::text;


-- name: list_runners_by_owner(owner_id)
-- A user's runners by name.
SELECT * FROM runners WHERE owner_id = :owner_id::bigint ORDER BY name;


-- name: record_runner_heartbeat(runner_id, status, runner_metadata)^
-- Mark a non-revoked runner online / offline and seen now; None if it was revoked.
UPDATE runners
SET status = :status::text,
    last_seen_at = now(),
    runner_metadata = coalesce(:runner_metadata::jsonb, runner_metadata)
WHERE id = :runner_id::bigint AND status <> 'revoked' AND :status::text <> 'revoked'
RETURNING *;


-- name: revoke_runner(runner_id)^
-- Revoke a runner (kept with its history); None if already revoked.
UPDATE runners SET status = 'revoked'
WHERE id = :runner_id::bigint AND status <> 'revoked'
RETURNING *;


-- name: delete_runner(runner_id)!
-- Delete a runner with its job history.
DELETE FROM runners WHERE id = :runner_id::bigint;


-- name: create_enroll_token(owner_id, token_hash, expires_at)^
-- Store the hash of a new one-time enroll token; returns the new row.
INSERT INTO runner_enroll_tokens (owner_id, token_hash, expires_at)
VALUES (:owner_id::bigint, :token_hash::text, :expires_at::timestamptz)
RETURNING *;


-- name: consume_enroll_token(token_hash)^
-- Use an unexpired, unused token once; None if unknown, used or expired.
UPDATE runner_enroll_tokens SET used_at = now()
WHERE token_hash = :token_hash::text AND used_at IS NULL AND expires_at > now()
RETURNING *;


-- name: delete_expired_enroll_tokens()!
-- Delete tokens that expired or were used.
DELETE FROM runner_enroll_tokens WHERE expires_at <= now() OR used_at IS NOT NULL;


-- name: create_runner_job(runner_job_id, owner_id, runner_id, worker_id, run_id, command, timeout_secs)^
-- Dispatch a command to a runner (status 'queued'); the id is the app's UUID string.
INSERT INTO runner_jobs (id, owner_id, runner_id, worker_id, run_id, command, timeout_secs)
VALUES (:runner_job_id::text, :owner_id::bigint, :runner_id::bigint, :worker_id::text,
        :run_id::text, :command::text, :timeout_secs::int)
RETURNING *;


-- name: get_runner_job(runner_job_id)^
-- One runner job by id.
SELECT * FROM runner_jobs WHERE id = :runner_job_id::text;


-- name: start_runner_job(runner_job_id)^
-- queued -> running; None if the job was not queued.
UPDATE runner_jobs SET status = 'running', started_at = now()
WHERE id = :runner_job_id::text AND status = 'queued'
RETURNING *;


-- name: finish_runner_job(runner_job_id, status, exit_code, stdout_trunc, stderr_trunc, error, artifacts)^
-- End a queued or running job with its outcome; None if it had already ended.
UPDATE runner_jobs
SET status = :status::text,
    exit_code = :exit_code::int,
    stdout_trunc = :stdout_trunc::text,
    stderr_trunc = :stderr_trunc::text,
    error = :error::text,
    artifacts = :artifacts::jsonb,
    finished_at = now()
WHERE id = :runner_job_id::text
  AND status IN ('queued', 'running')
  AND :status::text IN ('success', 'failed', 'timeout', 'canceled')
RETURNING *;


-- name: list_runner_jobs_by_runner(runner_id, limit_rows)
-- The latest jobs of a runner, newest first.
SELECT * FROM runner_jobs
WHERE runner_id = :runner_id::bigint
ORDER BY created_at DESC, id
LIMIT :limit_rows::int;


-- name: list_runner_jobs_by_worker(worker_id)
-- Commands run for one worker, oldest first.
SELECT * FROM runner_jobs WHERE worker_id = :worker_id::text ORDER BY created_at, id;
