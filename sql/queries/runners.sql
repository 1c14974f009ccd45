-- Named queries of runners (machines that run commands for a user's agents), their
-- one-time enroll tokens and the jobs dispatched to them.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.


-- name: create_runner(owner_id, name, auth_secret_hash, labels, capabilities, runner_metadata)^
-- Enroll a runner (status 'offline', capabilities ["exec.readonly"] by default); returns the new row.
-- serves: N04
INSERT INTO runners (owner_id, name, auth_secret_hash, labels, capabilities, runner_metadata)
VALUES (:owner_id::bigint, :name::text, :auth_secret_hash::text, :labels::jsonb,
        coalesce(:capabilities::jsonb, '["exec.readonly"]'::jsonb), :runner_metadata::jsonb)
RETURNING *;


-- name: get_runner(runner_id)^
-- One runner by id.
-- serves: N05
SELECT * FROM runners WHERE id = :runner_id::bigint;


-- name: get_runner_by_name(owner_id, name)^
-- A user's runner by name.
-- serves: N06
SELECT * FROM runners WHERE owner_id = :owner_id::bigint AND name = :name::text;


-- name: find_runner_by_secret(name, auth_secret_hash)^
-- The runner of a name-based hello: by name and secret hash across all owners; None when none or more than one match.
-- serves: N07
SELECT r.* FROM runners AS r
-- Zerg's scalar_one_or_none raised on two matches; an ambiguous hello is refused here
-- (None). Revoked runners are returned: the app refuses them (status), as in Zerg.
WHERE r.auth_secret_hash = :auth_secret_hash::text
  AND r.name = :name::text
  AND NOT EXISTS (SELECT FROM runners AS o
                  WHERE o.auth_secret_hash = r.auth_secret_hash AND o.name = r.name AND o.id <> r.id);


-- name: list_runners_by_owner(owner_id, skip, limit_rows)
-- A user's runners, paged as the API pages (OFFSET :skip LIMIT :limit_rows), by name (Zerg had no order, so pages could shift).
-- serves: N08
SELECT * FROM runners WHERE owner_id = :owner_id::bigint
ORDER BY name, id
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: update_runner(runner_id, name, labels, capabilities, clear_labels)^
-- Partial update of a runner's name, labels and capabilities (None keeps; clear_labels sets labels NULL); None if no such runner.
-- serves: N09
UPDATE runners
SET name = coalesce(:name::text, name),
    labels = CASE WHEN :clear_labels::boolean THEN NULL ELSE coalesce(:labels::jsonb, labels) END,
    capabilities = coalesce(:capabilities::jsonb, capabilities)
-- A name taken by another runner of the owner fails with a unique violation (the API's 409).
WHERE id = :runner_id::bigint
RETURNING *;


-- name: record_runner_heartbeat(runner_id, status, runner_metadata)^
-- Mark a non-revoked runner online / offline and seen now; None if it was revoked.
-- serves: N13, N14, N15
UPDATE runners
SET status = :status::text,
    last_seen_at = now(),
    runner_metadata = coalesce(:runner_metadata::jsonb, runner_metadata)
WHERE id = :runner_id::bigint AND status <> 'revoked' AND :status::text <> 'revoked'
RETURNING *;


-- name: update_runner_secret(runner_id, auth_secret_hash)^
-- Rotate a runner's secret: replace its hash (SHA-256 of the new secret); None if no such runner or it is revoked.
-- serves: N12
UPDATE runners SET auth_secret_hash = :auth_secret_hash::text
-- Zerg refused revoked runners in the app; the same rule is in the statement.
WHERE id = :runner_id::bigint AND status <> 'revoked'
RETURNING *;


-- name: revoke_runner(runner_id)^
-- Revoke a runner (kept with its history); None if already revoked.
-- serves: N10
UPDATE runners SET status = 'revoked'
WHERE id = :runner_id::bigint AND status <> 'revoked'
RETURNING *;


-- name: delete_runner(runner_id)!
-- Delete a runner with its job history.
-- serves: N11
DELETE FROM runners WHERE id = :runner_id::bigint;


-- name: create_enroll_token(owner_id, token_hash, expires_at)^
-- Store the hash of a new one-time enroll token; returns the new row.
-- serves: N01
INSERT INTO runner_enroll_tokens (owner_id, token_hash, expires_at)
VALUES (:owner_id::bigint, :token_hash::text, :expires_at::timestamptz)
RETURNING *;


-- name: get_enroll_token_by_hash(token_hash)^
-- An enroll token by its hash, used or not, expired or not.
-- serves: N02
SELECT * FROM runner_enroll_tokens WHERE token_hash = :token_hash::text;


-- name: consume_enroll_token(token_hash)^
-- Use an unexpired, unused token once; None if unknown, used or expired.
-- serves: N03
UPDATE runner_enroll_tokens SET used_at = now()
WHERE token_hash = :token_hash::text AND used_at IS NULL AND expires_at > now()
RETURNING *;


-- name: delete_expired_enroll_tokens()!
-- Delete tokens that expired or were used.
DELETE FROM runner_enroll_tokens WHERE expires_at <= now() OR used_at IS NOT NULL;


-- name: create_runner_job(runner_job_id, owner_id, runner_id, worker_id, run_id, command, timeout_secs)^
-- Dispatch a command to a runner (status 'queued'); the id is the app's UUID string.
-- serves: N16
INSERT INTO runner_jobs (id, owner_id, runner_id, worker_id, run_id, command, timeout_secs)
VALUES (:runner_job_id::text, :owner_id::bigint, :runner_id::bigint, :worker_id::text,
        :run_id::text, :command::text, :timeout_secs::int)
RETURNING *;


-- name: get_runner_job(runner_job_id)^
-- One runner job by id.
-- serves: N18
SELECT * FROM runner_jobs WHERE id = :runner_job_id::text;


-- name: start_runner_job(runner_job_id)^
-- queued -> running; None if the job was not queued.
-- serves: N17
UPDATE runner_jobs SET status = 'running', started_at = now()
WHERE id = :runner_job_id::text AND status = 'queued'
RETURNING *;


-- name: append_runner_job_output(runner_job_id, stream, chunk, max_chars)^
-- Append a streamed chunk to stdout_trunc or stderr_trunc (:stream) in one statement (fix: Zerg's read-modify-write lost chunks), both within :max_chars; None if no job or bad stream.
-- serves: N19
UPDATE runner_jobs
SET stdout_trunc = CASE WHEN :stream::text <> 'stdout' THEN stdout_trunc
        WHEN right(coalesce(stdout_trunc, ''), 12) = E'\n[truncated]' THEN stdout_trunc
        WHEN length(coalesce(stdout_trunc, '')) + length(:chunk::text)
             + length(coalesce(stderr_trunc, '')) <= :max_chars::int
            THEN coalesce(stdout_trunc, '') || :chunk::text
        ELSE left(coalesce(stdout_trunc, '') || :chunk::text,
                  greatest(:max_chars::int - length(coalesce(stderr_trunc, '')),
                           length(coalesce(stdout_trunc, '')))) || E'\n[truncated]' END,
    stderr_trunc = CASE WHEN :stream::text <> 'stderr' THEN stderr_trunc
        WHEN right(coalesce(stderr_trunc, ''), 12) = E'\n[truncated]' THEN stderr_trunc
        WHEN length(coalesce(stderr_trunc, '')) + length(:chunk::text)
             + length(coalesce(stdout_trunc, '')) <= :max_chars::int
            THEN coalesce(stderr_trunc, '') || :chunk::text
        ELSE left(coalesce(stderr_trunc, '') || :chunk::text,
                  greatest(:max_chars::int - length(coalesce(stdout_trunc, '')),
                           length(coalesce(stderr_trunc, '')))) || E'\n[truncated]' END
-- One statement, so two chunks arriving at once cannot lose each other (Zerg read, appended
-- in Python and wrote back). The chunk that would pass :max_chars (Zerg: 50 KB) is cut to
-- the room left and the stream ends with "\n[truncated]"; later chunks of that stream are
-- dropped. Any status: chunks may trail the job's end.
WHERE id = :runner_job_id::text AND :stream::text IN ('stdout', 'stderr')
RETURNING *;


-- name: finish_runner_job(runner_job_id, status, exit_code, stdout_trunc, stderr_trunc, error, artifacts)^
-- End a queued or running job, keeping the streamed output (None keeps output, exit code, artifacts); None if it had ended (fix: Zerg's could flip a recovered job).
-- serves: N20, N21, N22
UPDATE runner_jobs
SET status = :status::text,
    exit_code = coalesce(:exit_code::int, exit_code),
    stdout_trunc = coalesce(:stdout_trunc::text, stdout_trunc),
    stderr_trunc = coalesce(:stderr_trunc::text, stderr_trunc),
    error = :error::text,
    artifacts = coalesce(:artifacts::jsonb, artifacts),
    finished_at = now()
-- error is written as given: None clears it (success, timeout). Conditional on an unfinished
-- job: fix, Zerg's unconditional update could flip a job that startup recovery had failed.
WHERE id = :runner_job_id::text
  AND status IN ('queued', 'running')
  AND :status::text IN ('success', 'failed', 'timeout', 'canceled')
RETURNING *;


-- name: list_runner_jobs_by_runner(runner_id, skip, limit_rows)
-- A runner's jobs, newest first, paged (OFFSET :skip LIMIT :limit_rows).
-- serves: N23
SELECT * FROM runner_jobs
WHERE runner_id = :runner_id::bigint
ORDER BY created_at DESC, id
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: list_runner_jobs_by_worker(worker_id)
-- Commands run for one worker, oldest first.
SELECT * FROM runner_jobs WHERE worker_id = :worker_id::text ORDER BY created_at, id;


-- name: recover_runner_jobs(error)
-- At startup: fail every queued or running runner job (its socket is gone) with the error; returns them.
-- serves: N24
UPDATE runner_jobs SET status = 'failed', finished_at = now(), error = :error::text
WHERE status IN ('queued', 'running')
RETURNING *;
