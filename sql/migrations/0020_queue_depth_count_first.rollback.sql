-- Undo 0020: queue_depth as 0012 made it.
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
    SELECT s.status, count(j.id), count(j.id) FILTER (WHERE j.scheduled_for <= t_now),
           min(j.scheduled_for), count(j.id) FILTER (WHERE j.attempts > 1), max(j.attempts)
    FROM (VALUES (1, 'queued'), (2, 'running'), (3, 'success'), (4, 'dead')) AS s(n, status)
    LEFT JOIN ops.job_queue AS j ON j.status = s.status
    GROUP BY s.n, s.status
    ORDER BY s.n;
END
$$;
