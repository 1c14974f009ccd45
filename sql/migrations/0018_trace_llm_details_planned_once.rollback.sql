-- Undo 0018: the SQL-standard function takes its public name back.
DROP FUNCTION trace_llm_details(uuid, int);
-- squawk-ignore renaming-object -- takes back the name its plpgsql twin held, in the same transaction
ALTER FUNCTION trace_llm_details_rows(uuid, int) RENAME TO trace_llm_details;
