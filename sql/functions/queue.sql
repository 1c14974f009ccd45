-- depends: common
-- Health of ops.job_queue; sql/queries/queue_health.sql calls them. plpgsql: the body is
-- resolved when called, so this file applies where ops is absent (prod's ops belongs to
-- another repo); a call there raises a clear error instead.
-- Repeatable, edited in place (see common.sql).

-- Raises when ops.job_queue is not visible from this database.
CREATE OR REPLACE FUNCTION queue_require() RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF to_regclass('ops.job_queue') IS NULL THEN
        RAISE EXCEPTION 'ops.job_queue does not exist in database %', current_database()
            USING ERRCODE = 'undefined_table',
                  HINT = 'the queue is created by the ops migrations (dev, test) or by its owner (prod)';
    END IF;
END
$$;

-- One row of signals: depth (queued, due now, running), the oldest due job, running jobs
-- whose lease expired (a worker died; they are re-claimed or reaped), jobs waiting for a
-- retry, dead jobs finished in the last 24 h; and what predicts queue trouble: dead
-- tuples of the table (claims slow down stepping over them) and the oldest open
-- transaction in this database (it keeps vacuum from removing them). Other sessions'
-- transactions are visible only to their role, superusers and pg_read_all_stats members.
CREATE OR REPLACE FUNCTION queue_health(as_of timestamptz DEFAULT now())
RETURNS TABLE (
    queued bigint, queued_due bigint, running bigint, expired_leases bigint,
    oldest_due_at timestamptz, oldest_due_age_s double precision, awaiting_retry bigint,
    dead_last_day bigint, dead_tuples bigint, live_tuples bigint, last_vacuum timestamptz,
    oldest_xact_start timestamptz, oldest_xact_age_s double precision, oldest_xact_pid int,
    oldest_xmin_age bigint)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
    t_now timestamptz := coalesce(as_of, now());
BEGIN
    PERFORM queue_require();
    RETURN QUERY
    SELECT q.queued, q.queued_due, q.running, q.expired, q.oldest_due,
           extract(epoch FROM t_now - q.oldest_due)::float8, q.awaiting_retry, q.dead_last_day,
           s.n_dead_tup, s.n_live_tup, greatest(s.last_vacuum, s.last_autovacuum),
           x.xact_start, extract(epoch FROM t_now - x.xact_start)::float8, x.pid, x.xmin_age
    FROM (
        SELECT count(*) FILTER (WHERE j.status = 'queued') AS queued,
               count(*) FILTER (WHERE j.status = 'queued' AND j.scheduled_for <= t_now) AS queued_due,
               count(*) FILTER (WHERE j.status = 'running') AS running,
               count(*) FILTER (WHERE j.status = 'running' AND j.lease_expires_at < t_now) AS expired,
               min(j.scheduled_for) FILTER (WHERE j.status = 'queued' AND j.scheduled_for <= t_now) AS oldest_due,
               count(*) FILTER (WHERE j.status = 'queued' AND j.attempts > 0) AS awaiting_retry,
               count(*) FILTER (WHERE j.status = 'dead' AND j.finished_at > t_now - interval '1 day'
                                  AND j.finished_at <= t_now) AS dead_last_day
        FROM ops.job_queue AS j
    ) AS q
    LEFT JOIN pg_stat_user_tables AS s ON s.relid = 'ops.job_queue'::regclass
    LEFT JOIN LATERAL (
        SELECT a.xact_start, a.pid, age(a.backend_xmin)::bigint AS xmin_age
        FROM pg_stat_activity AS a
        WHERE a.datname = current_database() AND a.xact_start IS NOT NULL
          AND a.pid <> pg_backend_pid()
        ORDER BY a.xact_start
        LIMIT 1
    ) AS x ON true;
END
$$;

-- Depth by status: jobs, due now, oldest scheduled_for, jobs that took more than one
-- attempt, and the highest attempt count. Every status appears, with 0 when empty. Counted
-- per status first, then joined to the four statuses (joining every job to its status was a
-- hash probe per row). A full pass over the table, which purge_finished_jobs keeps small.
CREATE OR REPLACE FUNCTION queue_depth(as_of timestamptz DEFAULT now())
RETURNS TABLE (
    status text, jobs bigint, due bigint, oldest_scheduled_for timestamptz,
    retried bigint, max_attempts_used int)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
    t_now timestamptz := coalesce(as_of, now());
BEGIN
    PERFORM queue_require();
    RETURN QUERY
    SELECT s.status, coalesce(a.jobs, 0), coalesce(a.due, 0), a.oldest, coalesce(a.retried, 0),
           a.max_attempts_used
    FROM (VALUES (1, 'queued'), (2, 'running'), (3, 'success'), (4, 'dead')) AS s(n, status)
    LEFT JOIN (SELECT j.status, count(*) AS jobs, count(*) FILTER (WHERE j.scheduled_for <= t_now) AS due,
                      min(j.scheduled_for) AS oldest, count(*) FILTER (WHERE j.attempts > 1) AS retried,
                      max(j.attempts) AS max_attempts_used
               FROM ops.job_queue AS j
               GROUP BY j.status) AS a ON a.status = s.status
    ORDER BY s.n;
END
$$;

-- The jobs behind the signals: running with an expired lease (oldest expiry first), then
-- dead jobs finished in (as_of - hours, as_of] (latest first), max_rows of each, with the
-- category total; last_error redacted on the rows returned only: redacting inside the
-- branches would run redact_secrets() on every row of the window, since the window total
-- (count(*) OVER ()) is computed above the sort.
CREATE OR REPLACE FUNCTION queue_problem_jobs(hours int DEFAULT 24, max_rows int DEFAULT 50,
                                              as_of timestamptz DEFAULT now())
RETURNS TABLE (
    category text, id text, job_id text, status text, attempts int, max_attempts int,
    scheduled_for timestamptz, lease_owner text, lease_expires_at timestamptz,
    finished_at timestamptz, last_error text, total bigint)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
    t_now timestamptz := coalesce(as_of, now());
    since timestamptz := t_now - make_interval(hours => dashboard_arg(hours, 1, 168, 'hours'));
    n int := dashboard_arg(max_rows, 1, 500, 'max_rows');
BEGIN
    PERFORM queue_require();
    RETURN QUERY
    SELECT p.category, p.id, p.job_id, p.status, p.attempts, p.max_attempts, p.scheduled_for,
           p.lease_owner, p.lease_expires_at, p.finished_at, left(redact_secrets(p.last_error), 200),
           p.total
    FROM ((SELECT 'expired_lease' AS category, j.id, j.job_id, j.status, j.attempts, j.max_attempts,
                  j.scheduled_for, j.lease_owner, j.lease_expires_at, j.finished_at, j.last_error,
                  count(*) OVER () AS total
           FROM ops.job_queue AS j
           WHERE j.status = 'running' AND j.lease_expires_at < t_now
           ORDER BY j.lease_expires_at, j.id
           LIMIT n)
          UNION ALL
          (SELECT 'dead', j.id, j.job_id, j.status, j.attempts, j.max_attempts,
                  j.scheduled_for, j.lease_owner, j.lease_expires_at, j.finished_at, j.last_error,
                  count(*) OVER ()
           FROM ops.job_queue AS j
           WHERE j.status = 'dead' AND j.finished_at > since AND j.finished_at <= t_now
           ORDER BY j.finished_at DESC, j.id
           LIMIT n)) AS p
    -- expired leases first (no finished_at), then dead jobs (no lease), each in its order
    ORDER BY p.category = 'dead', p.lease_expires_at, p.finished_at DESC, p.id;
END
$$;
