-- COPY statement of the LLM audit background writer: zerg_sql.queries.copy_rows(conn,
-- "llm_audit_log", rows) streams rows (dicts keyed by these column names) into it with
-- psycopg's cursor.copy(). One statement per file; the column list is the row format.
COPY llm_audit_log (run_id, worker_id, thread_id, owner_id, trace_id, span_id, phase, model,
                    messages, message_count, input_tokens, response_content,
                    response_tool_calls, output_tokens, reasoning_tokens, duration_ms,
                    checkpoint_id, error)
FROM STDIN
