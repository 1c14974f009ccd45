-- Named queries of the run event stream (agent_run_events): append, SSE replay, counts.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
-- id is the only ordering key (monotonic identity), served by the (run_id, id) index.


-- name: append_run_event(run_id, event_type, payload)$
-- Append one event to a run's stream; returns its id.
-- serves: R21
INSERT INTO agent_run_events (run_id, event_type, payload)
VALUES (:run_id::bigint, :event_type::text, :payload::jsonb)
RETURNING id;


-- name: list_run_events_after(run_id, after_id, exclude_type)
-- SSE replay: a run's events after :after_id in id order, optionally without one event type.
-- serves: R22
SELECT * FROM agent_run_events
WHERE run_id = :run_id::bigint
  AND id > :after_id::bigint
  AND (:exclude_type::text IS NULL OR event_type <> :exclude_type::text)
ORDER BY id;


-- name: list_run_events(run_id, event_type, limit_rows)
-- A run's events (optionally of one type) oldest first, at most :limit_rows.
-- serves: R23, R24
SELECT * FROM agent_run_events
WHERE run_id = :run_id::bigint
  AND (:event_type::text IS NULL OR event_type = :event_type::text)
ORDER BY id
LIMIT :limit_rows::int;


-- name: get_last_run_event_id(run_id)$
-- The highest event id of a run (None when it has no events).
-- serves: R25
SELECT max(id) FROM agent_run_events WHERE run_id = :run_id::bigint;


-- name: count_run_events(run_id, event_type)$
-- Number of events of a run, optionally of one type.
-- serves: R26
SELECT count(*) FROM agent_run_events
WHERE run_id = :run_id::bigint
  AND (:event_type::text IS NULL OR event_type = :event_type::text);


-- name: count_run_events_by_type(run_id)
-- Number of events of a run per event type.
SELECT event_type, count(*) AS events FROM agent_run_events
WHERE run_id = :run_id::bigint
GROUP BY event_type
ORDER BY event_type;


-- name: list_agent_history_events(agent_id, event_types)
-- Events of the given types over all runs of an agent, in id order (supervisor history).
-- serves: R20
SELECT e.* FROM agent_run_events AS e
WHERE e.run_id IN (SELECT r.id FROM agent_runs AS r WHERE r.agent_id = :agent_id::bigint)
  AND e.event_type = ANY(:event_types::text[])
ORDER BY e.id;


-- name: delete_run_events(run_id)!
-- Delete every event of a run.
-- serves: R27
DELETE FROM agent_run_events WHERE run_id = :run_id::bigint;
