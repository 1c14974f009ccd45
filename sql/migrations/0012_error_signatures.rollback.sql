-- Undo 0012_error_signatures.sql: the triggers, their function, the columns, then the two functions.
DROP TRIGGER worker_jobs_error_signature_update ON worker_jobs;
DROP TRIGGER worker_jobs_error_signature_insert ON worker_jobs;
DROP TRIGGER agent_runs_error_signature_update ON agent_runs;
DROP TRIGGER agent_runs_error_signature_insert ON agent_runs;
DROP FUNCTION set_error_signature();
ALTER TABLE worker_jobs DROP COLUMN error_signature;
ALTER TABLE agent_runs DROP COLUMN error_signature;
DROP FUNCTION error_signature(text);
DROP FUNCTION redact_secrets(text);
