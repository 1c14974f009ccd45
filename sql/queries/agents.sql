-- Named queries of agents, their triggers and the legacy agent_messages log.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.


-- name: create_agent(owner_id, name, system_instructions, task_instructions, model, schedule, config, allowed_tools)^
-- Create an agent (status 'idle'); returns the new row.
INSERT INTO agents (owner_id, name, system_instructions, task_instructions, model,
                    schedule, config, allowed_tools)
VALUES (:owner_id::bigint, :name::text, :system_instructions::text, :task_instructions::text,
        :model::text, :schedule::text, :config::jsonb, :allowed_tools::jsonb)
RETURNING *;


-- name: get_agent(agent_id)^
-- One agent by id.
SELECT * FROM agents WHERE id = :agent_id::bigint;


-- name: get_agent_for_owner(agent_id, owner_id)^
-- One agent by id, only if it belongs to :owner_id (authorisation).
SELECT * FROM agents WHERE id = :agent_id::bigint AND owner_id = :owner_id::bigint;


-- name: list_agents_by_owner(owner_id)
-- A user's agents, newest first.
SELECT * FROM agents WHERE owner_id = :owner_id::bigint ORDER BY id DESC;


-- name: get_supervisor_agent(owner_id)^
-- The user's supervisor agent (config is_supervisor = true), the newest if several.
SELECT * FROM agents
WHERE owner_id = :owner_id::bigint AND config @> '{"is_supervisor": true}'::jsonb
ORDER BY id DESC
LIMIT 1;


-- name: list_scheduled_agents()
-- Agents with a cron schedule, for the scheduler.
SELECT * FROM agents WHERE schedule IS NOT NULL ORDER BY id;


-- name: update_agent(agent_id, name, system_instructions, task_instructions, model, config, allowed_tools)^
-- Change the fields given (NULL keeps a field); returns the row.
UPDATE agents
SET name = coalesce(:name::text, name),
    system_instructions = coalesce(:system_instructions::text, system_instructions),
    task_instructions = coalesce(:task_instructions::text, task_instructions),
    model = coalesce(:model::text, model),
    config = coalesce(:config::jsonb, config),
    allowed_tools = coalesce(:allowed_tools::jsonb, allowed_tools)
WHERE id = :agent_id::bigint
RETURNING *;


-- name: set_agent_schedule(agent_id, schedule, next_run_at)^
-- Set or clear (NULL) the cron schedule and the next run time; returns the row.
UPDATE agents SET schedule = :schedule::text, next_run_at = :next_run_at::timestamptz
WHERE id = :agent_id::bigint
RETURNING *;


-- name: set_agent_status(agent_id, status, last_error)^
-- Set the agent's status and last error (NULL clears it); returns the row.
UPDATE agents SET status = :status::text, last_error = :last_error::text
WHERE id = :agent_id::bigint
RETURNING *;


-- name: record_agent_run_times(agent_id, last_run_at, next_run_at)^
-- Record when the agent last ran and when it runs next; returns the row.
UPDATE agents
SET last_run_at = :last_run_at::timestamptz, next_run_at = :next_run_at::timestamptz
WHERE id = :agent_id::bigint
RETURNING *;


-- name: delete_agent(agent_id)!
-- Delete an agent with its threads, messages, runs, events, triggers and credentials (FK cascades).
DELETE FROM agents WHERE id = :agent_id::bigint;


-- name: create_agent_message(agent_id, role, content)^
-- Append to the legacy per-agent message log; returns the new row.
INSERT INTO agent_messages (agent_id, role, content)
VALUES (:agent_id::bigint, :role::text, :content::text)
RETURNING *;


-- name: list_agent_messages(agent_id)
-- The legacy message log of an agent, oldest first.
SELECT * FROM agent_messages WHERE agent_id = :agent_id::bigint ORDER BY id;


-- name: create_trigger(agent_id, type, secret, config)^
-- Create a webhook / email trigger of an agent ('webhook' by default); returns the row.
INSERT INTO triggers (agent_id, type, secret, config)
VALUES (:agent_id::bigint, coalesce(:type::text, 'webhook'), :secret::text, :config::jsonb)
RETURNING *;


-- name: get_trigger_by_secret(secret)^
-- The trigger a webhook caller authenticates with.
SELECT * FROM triggers WHERE secret = :secret::text;


-- name: list_triggers_by_agent(agent_id)
-- Triggers of an agent, oldest first.
SELECT * FROM triggers WHERE agent_id = :agent_id::bigint ORDER BY id;


-- name: delete_trigger(trigger_id)!
-- Delete one trigger.
DELETE FROM triggers WHERE id = :trigger_id::bigint;
