-- Named queries of the pre-signup waitlist. Loaded by aiosql 15 (zerg_sql.queries); the
-- caller owns the transaction.


-- name: add_waitlist_entry(email, source, notes)^
-- Add an e-mail (lower-cased by the app) to the waitlist once; a repeat returns the stored row (created = false: "already on the waitlist").
-- serves: S04
WITH ins AS (
    INSERT INTO waitlist_entries (email, source, notes)
    VALUES (:email::text, coalesce(:source::text, 'pricing_pro'), :notes::text)
    ON CONFLICT (email) DO NOTHING
    RETURNING *
)
SELECT ins.*, true AS created FROM ins
UNION ALL
SELECT w.*, false AS created FROM waitlist_entries AS w
WHERE w.email = :email::text AND NOT EXISTS (SELECT FROM ins);


-- name: list_waitlist_entries(after_id, limit_rows)
-- Waitlist entries in id order after :after_id (0 for the first page).
SELECT * FROM waitlist_entries WHERE id > :after_id::bigint ORDER BY id LIMIT :limit_rows::int;


-- name: count_waitlist_entries()$
-- Number of waitlist entries.
-- serves: S05
SELECT count(*) FROM waitlist_entries;


-- name: delete_waitlist_entry(email)!
-- Remove an e-mail from the waitlist.
DELETE FROM waitlist_entries WHERE email = :email::text;
