-- Named queries of agents, their triggers and the legacy agent_messages log, and the
-- agent-level advisory locks of task runs.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
-- `-- serves:` lines name the accesses of docs/reference/service-accesses.md each query serves.
-- Lists page with OFFSET :skip LIMIT :limit_rows, as Zerg's API. Where Zerg had no ORDER BY
-- (heap order, in practice about id order) they order by id, so pages are stable.


-- name: create_agent(owner_id, name, system_instructions, task_instructions, model, schedule, config, allowed_tools)^
-- Create an agent (status 'idle', name 'New Agent' when NULL); returns the new row.
-- serves: A05, A11
INSERT INTO agents (owner_id, name, system_instructions, task_instructions, model,
                    schedule, config, allowed_tools)
VALUES (:owner_id::bigint, coalesce(:name::text, 'New Agent'), :system_instructions::text,
        :task_instructions::text, :model::text, :schedule::text, :config::jsonb, :allowed_tools::jsonb)
RETURNING *;


-- name: get_agent(agent_id)^
-- One agent by id (its owner: get_user; its messages: list_agent_messages).
-- serves: A03
SELECT * FROM agents WHERE id = :agent_id::bigint;


-- name: get_agent_for_owner(agent_id, owner_id)^
-- One agent by id, only if it belongs to :owner_id (authorisation, no admin bypass).
-- serves: A04
SELECT * FROM agents WHERE id = :agent_id::bigint AND owner_id = :owner_id::bigint;


-- name: list_agents_by_owner(owner_id, skip, limit_rows)
-- A user's agents in id order, one OFFSET page (Zerg's default 0 / 100).
-- serves: A01
SELECT * FROM agents
WHERE owner_id = :owner_id::bigint
ORDER BY id
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: list_agents(skip, limit_rows)
-- Every agent in id order, one OFFSET page (admins' scope=all).
-- serves: A02
SELECT * FROM agents ORDER BY id OFFSET :skip::int LIMIT :limit_rows::int;


-- name: get_supervisor_agent(owner_id)^
-- The user's oldest agent whose config is_supervisor is truthy (FIX: Zerg looked only among the first 100 agents, then made a second one).
-- serves: A11
SELECT * FROM agents
WHERE owner_id = :owner_id::bigint
  -- Python truthiness of config.get("is_supervisor"): not absent, null, false, 0, "", [] or {}.
  AND coalesce(config -> 'is_supervisor', 'null'::jsonb)
      NOT IN ('null'::jsonb, 'false'::jsonb, '0'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb)
ORDER BY id
LIMIT 1;


-- name: list_scheduled_agents()
-- Agents with a cron schedule, for the scheduler.
-- serves: A09
SELECT * FROM agents WHERE schedule IS NOT NULL ORDER BY id;


-- name: update_agent(agent_id, name, system_instructions, task_instructions, model, status, schedule, clear_schedule, config, allowed_tools)^
-- Change the fields given (NULL keeps a field; clear_schedule true removes the schedule, which Zerg could not); returns the row.
-- serves: A06
UPDATE agents
SET name = coalesce(:name::text, name),
    system_instructions = coalesce(:system_instructions::text, system_instructions),
    task_instructions = coalesce(:task_instructions::text, task_instructions),
    model = coalesce(:model::text, model),
    status = coalesce(:status::text, status),
    schedule = CASE WHEN :clear_schedule::boolean THEN NULL ELSE coalesce(:schedule::text, schedule) END,
    config = coalesce(:config::jsonb, config),
    allowed_tools = coalesce(:allowed_tools::jsonb, allowed_tools)
WHERE id = :agent_id::bigint
RETURNING *;


-- name: set_agent_status(agent_id, status, last_error, clear_last_error, last_run_at)^
-- Set the status; last_error and last_run_at NULL keep theirs (clear_last_error true clears the error); returns the row.
-- serves: A07
UPDATE agents
SET status = :status::text,
    last_error = CASE WHEN :clear_last_error::boolean THEN NULL
                      ELSE coalesce(:last_error::text, last_error) END,
    last_run_at = coalesce(:last_run_at::timestamptz, last_run_at)
WHERE id = :agent_id::bigint
RETURNING *;


-- name: set_agent_next_run(agent_id, next_run_at)^
-- Set the scheduler's next fire time, or clear it with NULL; nothing else changes; returns the row.
-- serves: A08
UPDATE agents SET next_run_at = :next_run_at::timestamptz
WHERE id = :agent_id::bigint
RETURNING *;


-- name: recover_stuck_agents(last_error)
-- At startup (after run recovery): agents 'running' without a running or queued run become 'idle' with :last_error, in one statement; returns them.
-- serves: A14
UPDATE agents AS a
SET status = 'idle', last_error = :last_error::text
WHERE a.status = 'running'
  AND NOT EXISTS (SELECT FROM agent_runs AS r
                  WHERE r.agent_id = a.id AND r.status IN ('running', 'queued'))
RETURNING a.*;


-- name: delete_agent(agent_id)!
-- Delete an agent with its threads, messages, runs, events, triggers and credentials (FIX: FK cascades, one statement; 0 when absent).
-- serves: A10
DELETE FROM agents WHERE id = :agent_id::bigint;


-- name: lock_agent(agent_id)$
-- Take the session-level advisory lock of a task run on its agent: true if taken, false if any session holds it, this one included (re-entry is "already running").
-- serves: A15
SELECT CASE
    -- The key is the agent id itself, as Zerg's, so both take the same lock during a cutover.
    -- Session-level: it outlives the transaction; release it on the same connection.
    WHEN EXISTS (SELECT FROM pg_locks
                 WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND objsubid = 1
                   AND ((classid::bigint << 32) | objid::bigint) = :agent_id::bigint)
    THEN false
    ELSE pg_try_advisory_lock(:agent_id::bigint)
END AS locked;


-- name: release_agent_lock(agent_id)$
-- Release this session's advisory lock on an agent: true if it held it.
-- serves: A15
SELECT pg_advisory_unlock(:agent_id::bigint) AS released;


-- name: list_locked_agents()
-- Agents whose advisory lock any session holds, in id order (keys that are no agent id are left out).
-- serves: A15
SELECT a.id AS agent_id, l.pid
FROM pg_locks AS l
JOIN agents AS a ON a.id = ((l.classid::bigint << 32) | l.objid::bigint)
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
ORDER BY a.id;


-- name: create_agent_message(agent_id, role, content)^
-- Append to the legacy per-agent message log; returns the new row.
-- serves: A13
INSERT INTO agent_messages (agent_id, role, content)
VALUES (:agent_id::bigint, :role::text, :content::text)
RETURNING *;


-- name: list_agent_messages(agent_id, skip, limit_rows)
-- The legacy message log of an agent by timestamp, one OFFSET page (NULL limit: all, for get_agent's eager load).
-- serves: A03, A12
SELECT * FROM agent_messages
WHERE agent_id = :agent_id::bigint
ORDER BY "timestamp", id
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: create_trigger(agent_id, type, secret, config)^
-- Create a webhook / email trigger of an agent ('webhook' by default; the app makes the secret); returns the row.
-- serves: A16
INSERT INTO triggers (agent_id, type, secret, config)
VALUES (:agent_id::bigint, coalesce(:type::text, 'webhook'), :secret::text, :config::jsonb)
RETURNING *;


-- name: get_trigger(trigger_id)^
-- One trigger by id (the caller compares the bearer token with its secret in constant time).
-- serves: A17
SELECT * FROM triggers WHERE id = :trigger_id::bigint;


-- name: get_trigger_by_secret(secret)^
-- The trigger a webhook caller authenticates with.
SELECT * FROM triggers WHERE secret = :secret::text;


-- name: list_triggers(agent_id)
-- Triggers of an agent (NULL: every trigger), oldest first; no owner scoping, as Zerg.
-- serves: A18
SELECT * FROM triggers
WHERE :agent_id::bigint IS NULL OR agent_id = :agent_id::bigint
ORDER BY id;


-- name: list_email_triggers(connector_id)
-- Email triggers whose config names this connector (Zerg read every email trigger and filtered in Python), oldest first.
-- serves: A19
SELECT * FROM triggers
WHERE type = 'email' AND config ->> 'connector_id' = :connector_id::bigint::text
ORDER BY id;


-- name: update_trigger_config(trigger_id, config)^
-- Merge these keys (e.g. the renewed Gmail watch's history_id, watch_expiry) into the trigger's config; returns the row.
-- serves: A20
UPDATE triggers SET config = coalesce(config, '{}'::jsonb) || :config::jsonb
WHERE id = :trigger_id::bigint
RETURNING *;


-- name: delete_trigger(trigger_id)!
-- Delete one trigger.
-- serves: A21
DELETE FROM triggers WHERE id = :trigger_id::bigint;
