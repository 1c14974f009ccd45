-- The /reliability dashboard (zerg-schema-at-seed.md §3.3 - §3.7). Each query calls a
-- function of sql/functions/reliability.sql, where the SQL and its comments live, so
-- psql users run the same code (docs/psql.md). as_of: end of the window (None = now()).


-- name: get_reliability_health(high_errors, some_errors, window_minutes, as_of)^
-- System health (healthy|degraded|unhealthy) from recent run/worker errors and runner status, thresholds as parameters.
-- serves: D03
SELECT * FROM reliability_health(:high_errors::int, :some_errors::int, :window_minutes::int,
                                 :as_of::timestamptz);


-- name: list_reliability_errors(hours, max_rows, as_of)
-- Latest failed runs and workers of the window (max_rows of each), with the true total per source.
-- serves: D04
SELECT * FROM reliability_errors(:hours::int, :max_rows::int, :as_of::timestamptz);


-- name: list_reliability_error_groups(hours, max_rows, as_of)
-- Failures of the window grouped by normalised error signature: occurrences, first/last seen, latest example.
-- serves: D04
SELECT * FROM reliability_error_groups(:hours::int, :max_rows::int, :as_of::timestamptz);


-- name: list_reliability_performance(hours, as_of)
-- Run duration percentiles (percentile_cont) over every run of the window: overall, per model, per trigger.
-- serves: D05
SELECT * FROM reliability_performance(:hours::int, :as_of::timestamptz);


-- name: list_reliability_stuck_workers(threshold_mins, max_rows, orphan_mins, as_of)
-- Stuck running, queued-never-started and orphaned-created worker jobs, longest waiting first, with totals.
-- serves: D06
SELECT * FROM reliability_stuck_workers(:threshold_mins::int, :max_rows::int, :orphan_mins::int,
                                        :as_of::timestamptz);


-- name: list_reliability_runners(max_rows)
-- Runners, last seen first, with the total count (never the secret hash).
-- serves: D07
SELECT * FROM reliability_runners(:max_rows::int);
