-- As 0017 did for the rest of the one-trace page: trace_llm_details (the page's full level)
-- took ~0.5 ms to plan at every call and ~0.1-0.3 ms to run. Its SQL-standard body becomes
-- trace_llm_details_rows; the public name runs it through a generic plan made once per session.
-- squawk-ignore renaming-object -- the public name is created again below, in the same transaction
ALTER FUNCTION trace_llm_details(uuid, int) RENAME TO trace_llm_details_rows;

CREATE FUNCTION trace_llm_details(trace uuid, max_rows int DEFAULT 100)
RETURNS TABLE (
    id bigint, created_at timestamptz, phase text, model text, message_count int, input_tokens int,
    output_tokens int, reasoning_tokens int, duration_ms int, error text, response_preview text,
    tool_calls jsonb, total bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY SELECT * FROM trace_llm_details_rows(trace, max_rows);
END
$$;
