-- The one trigger function that keeps every table's updated_at current.
-- Zerg's ORM set updated_at on UPDATE in Python (onupdate=func.now()), so raw SQL
-- and psql edits left it stale; one function used by a BEFORE UPDATE trigger on each
-- table with an updated_at column fixes that for every caller.
-- Unqualified names: the runner sets search_path to the target schema only.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Respect an explicit value set by the statement (adopt and imports keep history).
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
