-- Health of the durable job queue ops.job_queue. Each query calls a function of
-- sql/functions/queue.sql (plpgsql, so it exists even where ops does not; a
-- call there raises "ops.job_queue does not exist"). as_of: None = now().


-- name: get_queue_health(as_of)^
-- Queue signals: depth, oldest due job, expired leases, retries, dead jobs of the last day, dead tuples, oldest transaction.
SELECT * FROM queue_health(:as_of::timestamptz);


-- name: list_queue_depth(as_of)
-- Jobs per status (queued, running, success, dead): count, due now, oldest scheduled_for, retried.
SELECT * FROM queue_depth(:as_of::timestamptz);


-- name: list_queue_problem_jobs(hours, max_rows, as_of)
-- Running jobs whose lease expired and dead jobs finished in the window, with totals and redacted last errors.
SELECT * FROM queue_problem_jobs(:hours::int, :max_rows::int, :as_of::timestamptz);
