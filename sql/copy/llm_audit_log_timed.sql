-- COPY statement of the LLM audit background writer when its rows carry their request time
-- (Zerg's writer sets created_at when the call was made, not when the batch is written):
-- zerg_sql.queries.copy_rows(conn, "llm_audit_log_timed", rows); every row needs created_at.
COPY llm_audit_log (created_at, run_id, worker_id, thread_id, owner_id, trace_id, span_id, phase,
                    model, messages, message_count, input_tokens, response_content,
                    response_tool_calls, output_tokens, reasoning_tokens, duration_ms,
                    checkpoint_id, error)
FROM STDIN
