-- Named queries of LLM usage and the run quota, computed from agent_runs (tokens, cost)
-- of the user's agents. Loaded by aiosql 15 (zerg_sql.queries); the caller owns the
-- transaction. Days are UTC days, as Zerg's; :as_of is "now" (NULL: now()), so a
-- benchmark or a test can ask about another day. NULL tokens and costs count as 0.
-- A user's runs in a window come from agent_runs_agent_id_started_at_idx (tokens and cost
-- included), whatever plan the server caches for the prepared statement.
-- `-- serves:` lines name the accesses of docs/reference/service-accesses.md each query serves.


-- name: get_run_quota(user_id, include_global, as_of)^
-- What the quota check before every run start compares: the user's runs started today, the user's and (include_global) everyone's cost of runs finished today.
-- serves: U14, U15, U16
WITH today AS (
    SELECT date_trunc('day', coalesce(:as_of::timestamptz, now()), 'UTC') AS start_at
)
SELECT
    (SELECT count(*) FROM agent_runs AS r JOIN agents AS a ON a.id = r.agent_id, today
     WHERE a.owner_id = :user_id::bigint
       AND r.started_at >= today.start_at AND r.started_at < today.start_at + interval '1 day') AS runs_today,
    (SELECT coalesce(sum(r.total_cost_usd), 0) FROM agent_runs AS r JOIN agents AS a ON a.id = r.agent_id, today
     WHERE a.owner_id = :user_id::bigint
       AND r.finished_at >= today.start_at AND r.finished_at < today.start_at + interval '1 day') AS user_cost_today,
    -- Only when a global budget is set, as Zerg: it reads every run finished today
    -- (from agent_runs_finished_at_idx alone, which INCLUDEs the cost).
    CASE WHEN :include_global::boolean THEN
        (SELECT coalesce(sum(r.total_cost_usd), 0) FROM agent_runs AS r, today
         WHERE r.finished_at >= today.start_at AND r.finished_at < today.start_at + interval '1 day')
    END AS global_cost_today;


-- name: get_user_usage(user_id, start_at, end_at)^
-- One user's tokens, cost and runs over runs started in [start_at, end_at).
-- serves: U12
SELECT coalesce(sum(coalesce(r.total_tokens, 0)), 0)::bigint AS tokens,
       coalesce(sum(coalesce(r.total_cost_usd, 0)), 0) AS cost_usd,
       count(*) AS runs
FROM agents AS a
JOIN agent_runs AS r ON r.agent_id = a.id
WHERE a.owner_id = :user_id::bigint
  AND r.started_at >= :start_at::timestamptz AND r.started_at < :end_at::timestamptz;


-- name: list_user_usage_daily(user_id, start_at, end_at)
-- One user's tokens, cost and runs per UTC day of runs started in [start_at, end_at), newest day first.
-- serves: U13
SELECT (r.started_at AT TIME ZONE 'UTC')::date AS day,
       coalesce(sum(coalesce(r.total_tokens, 0)), 0)::bigint AS tokens,
       coalesce(sum(coalesce(r.total_cost_usd, 0)), 0) AS cost_usd,
       count(*) AS runs
FROM agents AS a
JOIN agent_runs AS r ON r.agent_id = a.id
WHERE a.owner_id = :user_id::bigint
  AND r.started_at >= :start_at::timestamptz AND r.started_at < :end_at::timestamptz
GROUP BY 1
ORDER BY 1 DESC;


-- name: list_user_top_agents(user_id, start_at, end_at, limit_rows)
-- One user's agents by cost of runs started in [start_at, end_at), costliest first (Zerg showed 10).
-- serves: U13
SELECT a.id AS agent_id, a.name,
       coalesce(sum(coalesce(r.total_tokens, 0)), 0)::bigint AS tokens,
       coalesce(sum(coalesce(r.total_cost_usd, 0)), 0) AS cost_usd,
       count(*) AS runs
FROM agents AS a
JOIN agent_runs AS r ON r.agent_id = a.id
WHERE a.owner_id = :user_id::bigint
  AND r.started_at >= :start_at::timestamptz AND r.started_at < :end_at::timestamptz
GROUP BY a.id, a.name
ORDER BY cost_usd DESC, a.id
LIMIT :limit_rows::int;


-- name: list_users_with_usage(is_active, sort, descending, skip, limit_rows, as_of)
-- Users (is_active NULL: all) with tokens, cost and runs of today, 7 and 30 UTC days, sorted by cost_today / cost_7d / cost_30d / email (lower) / created_at, one OFFSET page.
-- serves: U11
WITH days AS (
    SELECT date_trunc('day', coalesce(:as_of::timestamptz, now()), 'UTC') AS today
), usage AS (
    SELECT u.id, u.email, u.display_name, u.role, u.is_active, u.created_at,
           coalesce(sum(coalesce(r.total_tokens, 0)) FILTER (WHERE r.started_at >= d.today), 0)::bigint AS tokens_today,
           coalesce(sum(coalesce(r.total_cost_usd, 0)) FILTER (WHERE r.started_at >= d.today), 0) AS cost_today,
           count(r.id) FILTER (WHERE r.started_at >= d.today) AS runs_today,
           coalesce(sum(coalesce(r.total_tokens, 0)) FILTER (WHERE r.started_at >= d.today - interval '6 days'), 0)::bigint AS tokens_7d,
           coalesce(sum(coalesce(r.total_cost_usd, 0)) FILTER (WHERE r.started_at >= d.today - interval '6 days'), 0) AS cost_7d,
           count(r.id) FILTER (WHERE r.started_at >= d.today - interval '6 days') AS runs_7d,
           coalesce(sum(coalesce(r.total_tokens, 0)), 0)::bigint AS tokens_30d,
           coalesce(sum(coalesce(r.total_cost_usd, 0)), 0) AS cost_30d,
           count(r.id) AS runs_30d
    FROM days AS d
    CROSS JOIN users AS u
    LEFT JOIN agents AS a ON a.owner_id = u.id
    LEFT JOIN agent_runs AS r ON r.agent_id = a.id
         AND r.started_at >= d.today - interval '29 days' AND r.started_at < d.today + interval '1 day'
    WHERE :is_active::boolean IS NULL OR u.is_active = :is_active::boolean
    GROUP BY u.id
)
SELECT * FROM usage
-- One sort key per type; an unknown :sort leaves the id order (the API validates it).
ORDER BY
    CASE WHEN NOT :descending::boolean THEN
        CASE :sort::text WHEN 'cost_today' THEN cost_today WHEN 'cost_7d' THEN cost_7d WHEN 'cost_30d' THEN cost_30d END
    END,
    CASE WHEN :descending::boolean THEN
        CASE :sort::text WHEN 'cost_today' THEN cost_today WHEN 'cost_7d' THEN cost_7d WHEN 'cost_30d' THEN cost_30d END
    END DESC,
    CASE WHEN :sort::text = 'email' AND NOT :descending::boolean THEN lower(email) END,
    CASE WHEN :sort::text = 'email' AND :descending::boolean THEN lower(email) END DESC,
    CASE WHEN :sort::text = 'created_at' AND NOT :descending::boolean THEN created_at END,
    CASE WHEN :sort::text = 'created_at' AND :descending::boolean THEN created_at END DESC,
    id
OFFSET :skip::int
LIMIT :limit_rows::int;
