-- Undo 0017: the SQL-standard functions take their public names back.
DROP FUNCTION trace_summary(uuid);
DROP FUNCTION trace_timeline(uuid, text, int);
DROP FUNCTION trace_anomalies(uuid, int);
-- squawk-ignore renaming-object -- takes back the name its plpgsql twin held, in the same transaction
ALTER FUNCTION trace_summary_rows(uuid) RENAME TO trace_summary;
-- squawk-ignore renaming-object -- takes back the name its plpgsql twin held, in the same transaction
ALTER FUNCTION trace_timeline_rows(uuid, text, int) RENAME TO trace_timeline;
-- squawk-ignore renaming-object -- takes back the name its plpgsql twin held, in the same transaction
ALTER FUNCTION trace_anomalies_rows(uuid, int) RENAME TO trace_anomalies;
