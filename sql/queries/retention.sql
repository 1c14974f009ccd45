-- Retention: drop old LLM audit rows and run events in small batches (zerg-sql prune,
-- zerg_sql/prune.py; docs/retention.md says why batches and not partitions). Each batch is
-- one short transaction: it locks only the rows it deletes, so inserts never wait, and
-- VACUUM reclaims the space for new rows between batches.
-- Run events have no created_at index (no service query needs one), but their ids grow with
-- time: get_run_events_boundary walks the primary key from the oldest id to the first
-- recent event (reading about as many rows as the prune deletes), and the batches then
-- delete by id range below that boundary.

-- name: set_prune_timeouts(lock_timeout, statement_timeout)$
-- Bound one batch: give up instead of waiting on a lock or running long (this transaction only).
SELECT set_config('lock_timeout', :lock_timeout::text, true) || ' ' || set_config('statement_timeout', :statement_timeout::text, true);

-- name: count_llm_audit_before(cutoff)$
-- LLM audit rows created before the cutoff (what a prune would delete).
SELECT count(*) FROM llm_audit_log WHERE created_at < :cutoff::timestamptz;

-- name: delete_llm_audit_batch(cutoff, batch_size)$
-- Delete up to batch_size of the oldest LLM audit rows created before the cutoff (created_at index); returns how many.
WITH doomed AS (
    SELECT id FROM llm_audit_log
    WHERE created_at < :cutoff::timestamptz
    ORDER BY created_at
    LIMIT :batch_size::int
    FOR UPDATE SKIP LOCKED
), deleted AS (
    DELETE FROM llm_audit_log AS l USING doomed WHERE l.id = doomed.id RETURNING 1
)
SELECT count(*) FROM deleted;

-- name: count_run_events_before(cutoff)$
-- Run events created before the cutoff (what a prune would delete).
SELECT count(*) FROM agent_run_events WHERE created_at < :cutoff::timestamptz;

-- name: get_run_events_boundary(cutoff)$
-- The first event id created at or after the cutoff (NULL: every event is older); see the file header.
SELECT min(id) FROM (
    SELECT id FROM agent_run_events WHERE created_at >= :cutoff::timestamptz ORDER BY id LIMIT 1
) AS first_recent;

-- name: delete_run_events_batch(cutoff, after_id, boundary_id, batch_size)^
-- Delete up to batch_size events created before the cutoff, in id order after :after_id and before the boundary; returns how many and the last id.
WITH doomed AS (
    SELECT id FROM agent_run_events
    WHERE id > :after_id::bigint
      AND id < coalesce(:boundary_id::bigint, 9223372036854775807)
      AND created_at < :cutoff::timestamptz
    ORDER BY id
    LIMIT :batch_size::int
    FOR UPDATE SKIP LOCKED
), deleted AS (
    DELETE FROM agent_run_events AS e USING doomed WHERE e.id = doomed.id RETURNING e.id
)
SELECT count(*) AS deleted, max(id) AS last_id FROM deleted;
