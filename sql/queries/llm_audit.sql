-- Named queries of the LLM audit log (insert-only). Loaded by aiosql 15
-- (zerg_sql.queries); the caller owns the transaction. Three write paths:
-- insert_llm_audit (one row, returns its id), insert_llm_audits (executemany of a list
-- of dicts, pipelined by psycopg) and, for the background writer's big batches, COPY:
-- sql/copy/llm_audit_log.sql through zerg_sql.queries.copy_rows(conn, "llm_audit_log", rows),
-- or sql/copy/llm_audit_log_timed.sql ("llm_audit_log_timed") whose rows carry created_at.


-- name: insert_llm_audit(run_id, worker_id, thread_id, owner_id, trace_id, span_id, phase, model, messages, message_count, input_tokens, response_content, response_tool_calls, output_tokens, reasoning_tokens, duration_ms, checkpoint_id, error)$
-- Record one LLM call; returns the new row's id.
-- serves: Q01
INSERT INTO llm_audit_log (run_id, worker_id, thread_id, owner_id, trace_id, span_id, phase,
                           model, messages, message_count, input_tokens, response_content,
                           response_tool_calls, output_tokens, reasoning_tokens, duration_ms,
                           checkpoint_id, error)
VALUES (:run_id::bigint, :worker_id::text, :thread_id::bigint, :owner_id::bigint,
        :trace_id::uuid, :span_id::uuid, :phase::text, :model::text, :messages::jsonb,
        :message_count::int, :input_tokens::int, :response_content::text,
        :response_tool_calls::jsonb, :output_tokens::int, :reasoning_tokens::int,
        :duration_ms::int, :checkpoint_id::text, :error::text)
RETURNING id;


-- name: insert_llm_audits(created_at, run_id, worker_id, thread_id, owner_id, trace_id, span_id, phase, model, messages, message_count, input_tokens, response_content, response_tool_calls, output_tokens, reasoning_tokens, duration_ms, checkpoint_id, error)*!
-- Record a batch of LLM calls (executemany over a list of parameter dicts); created_at = the request time (NULL: now), as Zerg's writer.
-- serves: Q01
INSERT INTO llm_audit_log (created_at, run_id, worker_id, thread_id, owner_id, trace_id, span_id,
                           phase, model, messages, message_count, input_tokens, response_content,
                           response_tool_calls, output_tokens, reasoning_tokens, duration_ms,
                           checkpoint_id, error)
VALUES (coalesce(:created_at::timestamptz, now()),
        :run_id::bigint, :worker_id::text, :thread_id::bigint, :owner_id::bigint,
        :trace_id::uuid, :span_id::uuid, :phase::text, :model::text, :messages::jsonb,
        :message_count::int, :input_tokens::int, :response_content::text,
        :response_tool_calls::jsonb, :output_tokens::int, :reasoning_tokens::int,
        :duration_ms::int, :checkpoint_id::text, :error::text);


-- name: list_llm_audit_by_trace(trace_id, limit_rows)
-- LLM calls of a trace, newest first.
SELECT * FROM llm_audit_log
WHERE trace_id = :trace_id::uuid
ORDER BY created_at DESC, id DESC
LIMIT :limit_rows::int;


-- name: list_llm_audit_by_run(run_id, worker_id, since, limit_rows)
-- LLM calls of a run (optionally of one worker, since a time), newest first.
-- serves: Q02
SELECT * FROM llm_audit_log
WHERE run_id = :run_id::bigint
  AND (:worker_id::text IS NULL OR worker_id = :worker_id::text)
  AND (:since::timestamptz IS NULL OR created_at >= :since::timestamptz)
ORDER BY created_at DESC, id DESC
LIMIT :limit_rows::int;


-- name: list_llm_audit_since(worker_id, since, limit_rows)
-- LLM calls of any run since a time ('-infinity': all), optionally of one worker, newest first (the audit query without a run).
-- serves: Q02
SELECT * FROM llm_audit_log
WHERE created_at >= :since::timestamptz
  AND (:worker_id::text IS NULL OR worker_id = :worker_id::text)
ORDER BY created_at DESC, id DESC
LIMIT :limit_rows::int;


-- name: count_llm_audit_since(since)^
-- Coverage since a time: all LLM calls, and those carrying a trace id.
-- serves: D11
SELECT count(*) AS calls,
       -- Not count(trace_id), which visits the heap for every call of the window: the calls
       -- without a trace are few (their own partial index), so both counts read indexes only.
       count(*) - (SELECT count(*) FROM llm_audit_log AS u
                   WHERE u.created_at >= :since::timestamptz AND u.trace_id IS NULL) AS traced_calls
FROM llm_audit_log
WHERE created_at >= :since::timestamptz;


-- name: delete_llm_audit_by_owner(owner_id)!
-- Erase a user's audit rows (do this before deleting the user: deletion only nulls owner_id).
DELETE FROM llm_audit_log WHERE owner_id = :owner_id::bigint;
