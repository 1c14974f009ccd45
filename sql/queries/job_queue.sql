-- Named queries of the durable job queue (ops.job_queue, ops.runs); docs/queue.md.
-- Loaded by aiosql 15 (adapter "psycopg"). Every job-changing query after the claim is
-- guarded by the lease: status 'running', lease_owner = :owner and attempts = the
-- attempt number the claim returned. attempts grows by one on every claim, so
-- (owner, attempt) names one lease: a worker whose lease expired and was taken over,
-- even by itself, can no longer extend, complete, fail or release that job.
-- Enqueue statements call pg_notify('zerg_job_queue', job_id) for workers that LISTEN;
-- the notification is sent at commit, and workers keep polling as the fallback.


-- name: enqueue_job(id, job_id, scheduled_for, max_attempts, dedupe_key, payload)$
-- Enqueue one job; returns its id, or None when a job with the same dedupe key exists.
-- serves: Q03
WITH ins AS (
    INSERT INTO ops.job_queue AS j
        (id, job_id, status, scheduled_for, attempts, max_attempts, dedupe_key, payload)
    VALUES (
        coalesce(:id::text, gen_random_uuid()::text),
        :job_id::text,
        'queued',
        coalesce(:scheduled_for::timestamptz, now()),
        0,
        coalesce(:max_attempts::int, 3),
        :dedupe_key::text,
        :payload::jsonb)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING j.id, j.job_id
)
SELECT ins.id
FROM ins CROSS JOIN LATERAL (SELECT pg_notify('zerg_job_queue', ins.job_id)) AS n;


-- name: enqueue_jobs(ids, job_ids, scheduled_fors, max_attempts, dedupe_keys, payloads)
-- Enqueue many jobs from parallel arrays (null id: generated); returns the ids inserted, skipping duplicate dedupe keys.
-- serves: Q03
WITH ins AS (
    INSERT INTO ops.job_queue AS j
        (id, job_id, status, scheduled_for, attempts, max_attempts, dedupe_key, payload)
    SELECT coalesce(x.id, gen_random_uuid()::text), x.job_id, 'queued',
           coalesce(x.scheduled_for, now()), 0, coalesce(x.max_attempts, 3),
           x.dedupe_key, x.payload
    FROM unnest(:ids::text[], :job_ids::text[], :scheduled_fors::timestamptz[],
                :max_attempts::int[], :dedupe_keys::text[], :payloads::jsonb[])
         AS x(id, job_id, scheduled_for, max_attempts, dedupe_key, payload)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING j.id, j.job_id
)
SELECT ins.id
FROM ins CROSS JOIN LATERAL (SELECT pg_notify('zerg_job_queue', ins.job_id)) AS n;


-- name: claim_jobs(owner, lease_seconds, batch)
-- Claim up to :batch due jobs for :owner (queued, or running with an expired lease; attempts left), oldest scheduled first.
-- serves: Q04
WITH due AS (
    SELECT q.id
    FROM ops.job_queue AS q
    WHERE q.status IN ('queued', 'running')
      AND q.scheduled_for <= now()
      AND q.attempts < q.max_attempts
      AND (q.status = 'queued' OR q.lease_expires_at IS NULL OR q.lease_expires_at < now())
    ORDER BY q.scheduled_for
    LIMIT :batch::int
    FOR UPDATE SKIP LOCKED
)
UPDATE ops.job_queue AS j
SET status = 'running',
    lease_owner = :owner::text,
    lease_expires_at = now() + :lease_seconds::float8 * interval '1 second',
    attempts = j.attempts + 1,
    started_at = now(),
    updated_at = now()
WHERE j.id = ANY (ARRAY(SELECT due.id FROM due))
RETURNING j.id, j.job_id, j.payload, j.attempts, j.max_attempts, j.scheduled_for,
          j.lease_expires_at;


-- name: claim_job_by_id(id, owner, lease_seconds)
-- Claim one job by id for :owner if it is queued (no attempts check and no due check, as Zerg's run-now path); no row when it is not.
-- serves: Q05
UPDATE ops.job_queue AS j
SET status = 'running',
    lease_owner = :owner::text,
    lease_expires_at = now() + :lease_seconds::float8 * interval '1 second',
    attempts = j.attempts + 1,
    started_at = now(),
    updated_at = now()
WHERE j.id = :id::text AND j.status = 'queued'
RETURNING j.id, j.job_id, j.payload, j.attempts, j.max_attempts, j.scheduled_for,
          j.lease_expires_at;


-- name: extend_job_lease(id, owner, attempt, lease_seconds)$
-- Extend one lease held by :owner for :attempt; returns the new expiry, or None when the lease was lost. Fix: also fenced by the attempt.
-- serves: Q06
UPDATE ops.job_queue
SET lease_expires_at = now() + :lease_seconds::float8 * interval '1 second',
    updated_at = now()
WHERE id = :id::text
  AND status = 'running'
  AND lease_owner = :owner::text
  AND attempts = :attempt::int
RETURNING lease_expires_at;


-- name: extend_job_leases(owner, ids, attempts, lease_seconds)
-- Heartbeat: extend the leases (id, attempt pairs) still held by :owner; returns the ids extended.
-- serves: Q06
UPDATE ops.job_queue AS j
SET lease_expires_at = now() + :lease_seconds::float8 * interval '1 second',
    updated_at = now()
FROM unnest(:ids::text[], :attempts::int[]) AS h(id, attempt)
WHERE j.id = h.id
  AND j.attempts = h.attempt
  AND j.status = 'running'
  AND j.lease_owner = :owner::text
RETURNING j.id, j.lease_expires_at;


-- name: complete_job(id, owner, attempt)!
-- Mark one job success (last_error cleared) if :owner still holds its lease for :attempt; returns the row count (0: lease lost).
-- serves: Q07
UPDATE ops.job_queue
SET status = 'success',
    last_error = NULL,
    lease_owner = NULL,
    lease_expires_at = NULL,
    finished_at = now(),
    updated_at = now()
WHERE id = :id::text
  AND status = 'running'
  AND lease_owner = :owner::text
  AND attempts = :attempt::int;


-- name: complete_jobs(owner, ids, attempts, started, ended, history)
-- Mark success every listed job :owner still holds (parallel arrays); with :history, write their ops.runs rows; returns the ids completed.
-- serves: Q07, Q13
WITH done AS (
    UPDATE ops.job_queue AS j
    SET status = 'success',
        last_error = NULL,
        lease_owner = NULL,
        lease_expires_at = NULL,
        finished_at = now(),
        updated_at = now()
    FROM unnest(:ids::text[], :attempts::int[], :started::timestamptz[],
                :ended::timestamptz[]) AS c(id, attempt, started_at, ended_at)
    WHERE j.id = c.id
      AND j.attempts = c.attempt
      AND j.status = 'running'
      AND j.lease_owner = :owner::text
    RETURNING j.id, j.job_id, c.started_at, c.ended_at
), hist AS (
    INSERT INTO ops.runs (job_key, job_id, started_at, ended_at, duration_ms, status, source_host)
    SELECT 'zerg:' || d.job_id, d.job_id, d.started_at, d.ended_at,
           round(extract(epoch FROM d.ended_at - d.started_at) * 1000)::int,
           'success', 'zerg'
    FROM done AS d
    WHERE :history::boolean
    -- key order: concurrent inserters of a colliding key never wait on each other in a cycle
    ORDER BY 1, 3
    ON CONFLICT (job_key, started_at) DO NOTHING
)
SELECT done.id FROM done;


-- name: complete_and_claim_jobs(owner, ids, attempts, started, ended, history, lease_seconds, batch)
-- complete_jobs and then claim_jobs in one statement (one commit per batch instead of two); rows: kind 'completed' (id) or 'claimed' (the job).
-- serves: Q04, Q07, Q13
WITH done AS (
    UPDATE ops.job_queue AS j
    SET status = 'success',
        last_error = NULL,
        lease_owner = NULL,
        lease_expires_at = NULL,
        finished_at = now(),
        updated_at = now()
    FROM unnest(:ids::text[], :attempts::int[], :started::timestamptz[],
                :ended::timestamptz[]) AS c(id, attempt, started_at, ended_at)
    WHERE j.id = c.id
      AND j.attempts = c.attempt
      AND j.status = 'running'
      AND j.lease_owner = :owner::text
    RETURNING j.id, j.job_id, c.started_at, c.ended_at
), hist AS (
    INSERT INTO ops.runs (job_key, job_id, started_at, ended_at, duration_ms, status, source_host)
    SELECT 'zerg:' || d.job_id, d.job_id, d.started_at, d.ended_at,
           round(extract(epoch FROM d.ended_at - d.started_at) * 1000)::int,
           'success', 'zerg'
    FROM done AS d
    WHERE :history::boolean
    -- key order: concurrent inserters of a colliding key never wait on each other in a cycle
    ORDER BY 1, 3
    ON CONFLICT (job_key, started_at) DO NOTHING
), due AS (
    SELECT q.id
    FROM ops.job_queue AS q
    WHERE q.status IN ('queued', 'running')
      AND q.scheduled_for <= now()
      AND q.attempts < q.max_attempts
      AND (q.status = 'queued' OR q.lease_expires_at IS NULL OR q.lease_expires_at < now())
      -- a row this statement completes must not be claimed by it too
      AND q.id <> ALL (:ids::text[])
    ORDER BY q.scheduled_for
    LIMIT :batch::int
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE ops.job_queue AS j
    SET status = 'running',
        lease_owner = :owner::text,
        lease_expires_at = now() + :lease_seconds::float8 * interval '1 second',
        attempts = j.attempts + 1,
        started_at = now(),
        updated_at = now()
    WHERE j.id = ANY (ARRAY(SELECT due.id FROM due))
    RETURNING j.id, j.job_id, j.payload, j.attempts, j.max_attempts, j.scheduled_for,
              j.lease_expires_at
)
-- Reading done first makes the completion run to its end before the claim locks anything
-- (a CTE runs when first read, and UNION ALL reads its branches in order): a statement
-- then only waits (in done, for a row a concurrent claim holds) before it holds claim
-- locks of its own, so two workers cannot deadlock on job rows. Keep this order.
SELECT 'completed' AS kind, done.id, NULL AS job_id, NULL::jsonb AS payload,
       NULL::int AS attempts, NULL::int AS max_attempts,
       NULL::timestamptz AS scheduled_for, NULL::timestamptz AS lease_expires_at
FROM done
UNION ALL
SELECT 'claimed', claimed.id, claimed.job_id, claimed.payload, claimed.attempts,
       claimed.max_attempts, claimed.scheduled_for, claimed.lease_expires_at
FROM claimed;


-- name: fail_job(id, owner, attempt, error)^
-- Record a failed attempt held by :owner: requeue after backoff min(60*2^(attempts-1), 3600) s with +-10 percent jitter (capped), or dead at the last attempt.
-- serves: Q08, Q09
UPDATE ops.job_queue
SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
    scheduled_for = CASE
        WHEN attempts >= max_attempts THEN scheduled_for
        ELSE now() + least(60 * 2 ^ least(attempts - 1, 20) * (0.9 + 0.2 * random()), 3600)
                     * interval '1 second'
    END,
    finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
    last_error = left(:error::text, 5000),
    lease_owner = NULL,
    lease_expires_at = NULL,
    updated_at = now()
WHERE id = :id::text
  AND status = 'running'
  AND lease_owner = :owner::text
  AND attempts = :attempt::int
RETURNING id, job_id, status, scheduled_for, attempts, max_attempts, last_error;


-- name: fail_job_dead(id, owner, attempt, error)^
-- Mark dead a job :owner holds for :attempt whatever attempts remain (job disabled or missing), keeping :error; None when the lease was lost.
-- serves: Q08
UPDATE ops.job_queue
SET status = 'dead',
    last_error = left(:error::text, 5000),
    lease_owner = NULL,
    lease_expires_at = NULL,
    finished_at = now(),
    updated_at = now()
WHERE id = :id::text
  AND status = 'running'
  AND lease_owner = :owner::text
  AND attempts = :attempt::int
RETURNING id, job_id, status, scheduled_for, attempts, max_attempts, last_error;


-- name: release_jobs(owner, ids, attempts)
-- Give back claimed jobs not started (shutdown): queued again at once, the claim's attempt not counted; returns the ids released.
UPDATE ops.job_queue AS j
SET status = 'queued',
    attempts = j.attempts - 1,
    lease_owner = NULL,
    lease_expires_at = NULL,
    updated_at = now()
FROM unnest(:ids::text[], :attempts::int[]) AS r(id, attempt)
WHERE j.id = r.id
  AND j.attempts = r.attempt
  AND j.status = 'running'
  AND j.lease_owner = :owner::text
RETURNING j.id;


-- name: reap_zombie_jobs(reason)
-- Mark dead the running jobs whose lease expired on their final attempt (worker died), keeping :reason, with an ops.runs failure row; returns them. Fix: Zerg wrote no history row.
-- serves: Q11
WITH reaped AS (
    UPDATE ops.job_queue
    SET status = 'dead',
        last_error = left(:reason::text || ' (attempt ' || attempts || ' of ' || max_attempts
                          || ', lease held by ' || lease_owner || ' expired at '
                          || lease_expires_at || ')', 5000),
        lease_owner = NULL,
        lease_expires_at = NULL,
        finished_at = now(),
        updated_at = now()
    WHERE status = 'running'
      AND lease_expires_at < now()
      AND attempts >= max_attempts
    RETURNING id, job_id, started_at, last_error
), hist AS (
    INSERT INTO ops.runs (job_key, job_id, started_at, ended_at, duration_ms, status,
                          error_message, error_type, source_host)
    SELECT 'zerg:' || r.job_id, r.job_id, r.started_at, now(),
           round(extract(epoch FROM now() - r.started_at) * 1000)::int,
           'failure', r.last_error, 'zombie', 'zerg'
    FROM reaped AS r
    ON CONFLICT (job_key, started_at) DO NOTHING
)
SELECT reaped.id, reaped.job_id, reaped.last_error FROM reaped;


-- name: cancel_job(id, reason)^
-- Cancel a queued or running job (status dead, :reason kept); a running job's worker then cannot complete it; None if already finished.
UPDATE ops.job_queue
SET status = 'dead',
    last_error = left(coalesce(:reason::text, 'cancelled'), 5000),
    lease_owner = NULL,
    lease_expires_at = NULL,
    finished_at = now(),
    updated_at = now()
WHERE id = :id::text
  AND status IN ('queued', 'running')
RETURNING id, job_id, status, last_error;


-- name: get_last_scheduled_for(job_id)$
-- The latest scheduled_for of any entry of :job_id (None if it never ran).
-- serves: Q10
SELECT max(scheduled_for) FROM ops.job_queue WHERE job_id = :job_id::text;


-- name: list_recent_queue_entries(limit)
-- The :limit most recently created queue entries, newest first.
-- serves: Q12
SELECT id, job_id, status, scheduled_for, attempts, max_attempts, lease_owner,
       lease_expires_at, dedupe_key, payload, last_error, started_at, finished_at,
       created_at, updated_at
FROM ops.job_queue
ORDER BY created_at DESC
LIMIT :limit::int;


-- name: count_queue_jobs_by_status()
-- Number of queue entries per status (all four, zero included).
SELECT s.status, count(q.id)::int AS n
FROM unnest(ARRAY['queued', 'running', 'success', 'dead']) AS s(status)
LEFT JOIN ops.job_queue AS q ON q.status = s.status
GROUP BY s.status
ORDER BY s.status;


-- name: insert_job_run(job_id, started_at, ended_at, duration_ms, status, exit_code, error_message, error_type, summary, stdout_tail, tags, project, metadata)!
-- Write one ops.runs history row (job_key zerg:<job_id>; duration_ms NULL = ended - started); a second row for the same start is ignored; returns the row count.
-- serves: Q13
INSERT INTO ops.runs (job_key, job_id, started_at, ended_at, duration_ms, status, exit_code,
                      error_message, error_type, summary, stdout_tail, tags, project,
                      source_host, metadata)
VALUES ('zerg:' || :job_id::text, :job_id::text, :started_at::timestamptz, :ended_at::timestamptz,
        coalesce(:duration_ms::int,
                 round(extract(epoch FROM :ended_at::timestamptz - :started_at::timestamptz) * 1000)::int),
        :status::text, :exit_code::int, left(:error_message::text, 5000), :error_type::text,
        :summary::text, :stdout_tail::text, :tags::text[], :project::text, 'zerg',
        :metadata::jsonb)
ON CONFLICT (job_key, started_at) DO NOTHING;


-- name: purge_finished_jobs(older_than_seconds)!
-- Delete success and dead entries finished more than :older_than_seconds ago (keeps the table and its indexes small); returns the row count.
DELETE FROM ops.job_queue
WHERE status IN ('success', 'dead')
  AND finished_at < now() - :older_than_seconds::float8 * interval '1 second';


-- name: set_default_plan_cache_mode()!
-- Until the end of the transaction, plan statements as PostgreSQL does by default (the worker's connection forces generic plans for the queue's own statements).
SET LOCAL plan_cache_mode = auto;


-- name: listen_for_jobs()!
-- Subscribe this session to the zerg_job_queue notifications that enqueue sends at commit.
LISTEN zerg_job_queue;
