-- Undo 0016: queue_problem_jobs as 0012 made it.
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
    (SELECT 'expired_lease', j.id, j.job_id, j.status, j.attempts, j.max_attempts,
            j.scheduled_for, j.lease_owner, j.lease_expires_at, j.finished_at,
            left(redact_secrets(j.last_error), 200), count(*) OVER ()
     FROM ops.job_queue AS j
     WHERE j.status = 'running' AND j.lease_expires_at < t_now
     ORDER BY j.lease_expires_at, j.id
     LIMIT n)
    UNION ALL
    (SELECT 'dead', j.id, j.job_id, j.status, j.attempts, j.max_attempts,
            j.scheduled_for, j.lease_owner, j.lease_expires_at, j.finished_at,
            left(redact_secrets(j.last_error), 200), count(*) OVER ()
     FROM ops.job_queue AS j
     WHERE j.status = 'dead' AND j.finished_at > since AND j.finished_at <= t_now
     ORDER BY j.finished_at DESC, j.id
     LIMIT n);
END
$$;
