-- Named queries of workflows, workflow templates, executions, node states and canvas
-- layouts. Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
-- Executions and node states move waiting -> running -> finished (with a result); each
-- step is conditional on the previous phase and returns None when it did not apply.


-- name: create_workflow(owner_id, name, description, canvas)^
-- Create a user's workflow; None when an active workflow of the owner has that name (409). Fix: a unique index, where Zerg checked first (racy).
-- serves: F03
INSERT INTO workflows (owner_id, name, description, canvas)
VALUES (:owner_id::bigint, :name::text, :description::text, :canvas::jsonb)
ON CONFLICT (owner_id, name) WHERE is_active DO NOTHING
RETURNING *;


-- name: get_workflow(workflow_id)^
-- One workflow by id (the app checks the owner, and is_active where the engine runs it).
-- serves: F05
SELECT * FROM workflows WHERE id = :workflow_id::bigint;


-- name: list_workflows(owner_id, name, skip, limit_rows)
-- A user's active workflows, optionally of one exact name, most recently updated first, paged (skip / limit).
-- serves: F04
SELECT * FROM workflows
WHERE owner_id = :owner_id::bigint AND is_active
  AND (:name::text IS NULL OR name = :name::text)
ORDER BY updated_at DESC, id DESC
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: update_workflow(workflow_id, name, description, canvas, is_active)^
-- Change the fields given (NULL keeps a field; is_active false is the soft delete); returns the row.
-- serves: F06
UPDATE workflows
SET name = coalesce(:name::text, name),
    description = coalesce(:description::text, description),
    canvas = coalesce(:canvas::jsonb, canvas),
    is_active = coalesce(:is_active::boolean, is_active)
WHERE id = :workflow_id::bigint
RETURNING *;


-- name: delete_workflow(workflow_id)!
-- Delete a workflow with its executions and canvas layout.
DELETE FROM workflows WHERE id = :workflow_id::bigint;


-- name: create_workflow_template(created_by, name, description, category, canvas, tags, preview_image_url, is_public)^
-- Create a workflow template (public by default); returns the new row.
-- serves: F16
INSERT INTO workflow_templates (created_by, name, description, category, canvas, tags,
                                preview_image_url, is_public)
VALUES (:created_by::bigint, :name::text, :description::text, :category::text, :canvas::jsonb,
        coalesce(:tags::jsonb, '[]'::jsonb), :preview_image_url::text,
        coalesce(:is_public::boolean, true))
RETURNING *;


-- name: get_workflow_template(template_id)^
-- One template by id (the app checks public or owner).
-- serves: F18
SELECT * FROM workflow_templates WHERE id = :template_id::bigint;


-- name: list_workflow_templates(user_id, mine_only, category, skip, limit_rows)
-- Public templates, or with :mine_only only the user's own (any visibility); optionally of one category; by id, paged.
-- serves: F17
SELECT * FROM workflow_templates
WHERE CASE WHEN :mine_only::boolean THEN created_by = :user_id::bigint ELSE is_public END
  AND (:category::text IS NULL OR category = :category::text)
ORDER BY id
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: get_public_workflow_template_by_name(name)^
-- The first (oldest) public template with that name, e.g. 'minimal'.
-- serves: F19
SELECT * FROM workflow_templates
WHERE name = :name::text AND is_public
ORDER BY id
LIMIT 1;


-- name: list_workflow_template_categories()
-- Every category in use by any template, public or private (as Zerg), in order.
-- serves: F20
SELECT DISTINCT category FROM workflow_templates ORDER BY category;


-- name: delete_workflow_template(template_id)!
-- Delete one template.
DELETE FROM workflow_templates WHERE id = :template_id::bigint;


-- name: create_workflow_execution(workflow_id, triggered_by)^
-- Create an execution of a workflow (phase 'waiting', started_at now as Zerg, also when reserved); returns the new row.
-- serves: F07
INSERT INTO workflow_executions (workflow_id, triggered_by, started_at)
VALUES (:workflow_id::bigint, coalesce(:triggered_by::text, 'manual'), now())
RETURNING *;


-- name: get_workflow_execution(execution_id)^
-- One execution by id (the owner comes through get_workflow).
-- serves: F11
SELECT * FROM workflow_executions WHERE id = :execution_id::bigint;


-- name: list_workflow_executions(workflow_id, limit_rows)
-- The latest executions of a workflow, newest first. Fix: Zerg's had no order (any 100).
-- serves: F12
SELECT * FROM workflow_executions
WHERE workflow_id = :workflow_id::bigint
ORDER BY id DESC
LIMIT :limit_rows::int;


-- name: get_waiting_workflow_execution(workflow_id)^
-- The oldest execution of a workflow still waiting (reserved), or None.
-- serves: F13
SELECT * FROM workflow_executions
WHERE workflow_id = :workflow_id::bigint AND phase = 'waiting'
ORDER BY id
LIMIT 1;


-- name: start_workflow_execution(execution_id)^
-- waiting -> running, stamping started_at and the heartbeat; None if not waiting.
-- serves: F08
UPDATE workflow_executions
SET phase = 'running', started_at = now(), heartbeat_ts = now()
WHERE id = :execution_id::bigint AND phase = 'waiting'
RETURNING *;


-- name: touch_workflow_execution(execution_id)!
-- Refresh the heartbeat of a running execution.
UPDATE workflow_executions SET heartbeat_ts = now()
WHERE id = :execution_id::bigint AND phase = 'running';


-- name: finish_workflow_execution(execution_id, result, failure_kind, error_message, log)^
-- running -> finished with a result (heartbeat cleared); None if the execution was not running.
-- serves: F09
UPDATE workflow_executions
SET phase = 'finished',
    result = :result::text,
    failure_kind = :failure_kind::text,
    error_message = :error_message::text,
    log = coalesce(:log::text, log),
    heartbeat_ts = NULL,
    finished_at = now()
WHERE id = :execution_id::bigint AND phase = 'running'
RETURNING *;


-- name: cancel_workflow_execution(execution_id, failure_kind, error_message)^
-- waiting or running -> finished, result 'cancelled' (failure_kind user or system, the reason), heartbeat cleared; None if already finished (409).
-- serves: F10
UPDATE workflow_executions
SET phase = 'finished',
    result = 'cancelled',
    failure_kind = :failure_kind::text,
    error_message = :error_message::text,
    heartbeat_ts = NULL,
    finished_at = now()
WHERE id = :execution_id::bigint AND phase IN ('waiting', 'running')
RETURNING *;


-- name: create_node_execution_state(workflow_execution_id, node_id)^
-- Create the state of one node in an execution (phase 'waiting'); returns the new row.
-- serves: F14
INSERT INTO node_execution_states (workflow_execution_id, node_id)
VALUES (:workflow_execution_id::bigint, :node_id::text)
RETURNING *;


-- name: list_node_execution_states(workflow_execution_id)
-- Node states of an execution in creation order.
SELECT * FROM node_execution_states
WHERE workflow_execution_id = :workflow_execution_id::bigint
ORDER BY id;


-- name: start_node_execution_state(state_id)^
-- waiting -> running for one node; None if not waiting.
-- serves: F14
UPDATE node_execution_states SET phase = 'running', heartbeat_ts = now()
WHERE id = :state_id::bigint AND phase = 'waiting'
RETURNING *;


-- name: finish_node_execution_state(state_id, result, output, failure_kind, error_message)^
-- running -> finished with a result and output (heartbeat cleared); None if the node was not running.
-- serves: F15
UPDATE node_execution_states
SET phase = 'finished',
    result = :result::text,
    output = :output::jsonb,
    failure_kind = :failure_kind::text,
    error_message = :error_message::text,
    heartbeat_ts = NULL
WHERE id = :state_id::bigint AND phase = 'running'
RETURNING *;


-- name: save_canvas_layout(user_id, nodes_json, viewport)^
-- Create or replace the user's global canvas layout (no workflow); returns the row. Fix: atomic, one per user.
-- serves: F01
INSERT INTO canvas_layouts (user_id, workflow_id, nodes_json, viewport)
VALUES (:user_id::bigint, NULL, :nodes_json::jsonb, :viewport::jsonb)
ON CONFLICT (user_id) WHERE workflow_id IS NULL DO UPDATE
SET nodes_json = EXCLUDED.nodes_json, viewport = EXCLUDED.viewport
RETURNING *;


-- name: save_workflow_canvas_layout(user_id, workflow_id, nodes_json, viewport)^
-- Create or replace the user's canvas layout of one workflow; returns the row. Fix: atomic.
-- serves: F01
INSERT INTO canvas_layouts (user_id, workflow_id, nodes_json, viewport)
VALUES (:user_id::bigint, :workflow_id::bigint, :nodes_json::jsonb, :viewport::jsonb)
ON CONFLICT (user_id, workflow_id) DO UPDATE
SET nodes_json = EXCLUDED.nodes_json, viewport = EXCLUDED.viewport
RETURNING *;


-- name: get_canvas_layout(user_id, workflow_id)^
-- The user's layout of a workflow, or the global one when :workflow_id is NULL.
-- serves: F02
SELECT * FROM canvas_layouts
WHERE user_id = :user_id::bigint AND workflow_id IS NOT DISTINCT FROM :workflow_id::bigint;
