-- adopt, migration-built databases only: their thread_messages has an extra created_at
-- column (Alembic b2c3d4e5f6g7) that the model never had and our schema does not have:
-- sent_at is the one chronology column. Runs first, in the same transaction as convert.sql.
--
-- Where sent_at is NULL, created_at is the best time the row has: it becomes sent_at (a
-- naive UTC value, like every legacy timestamp). Then the column goes. Rows where both are
-- set lose created_at, a write-time stamp no code read; adopt reports how many differ from
-- sent_at by more than a second before it runs, and the pg_dump backup keeps them.
UPDATE thread_messages
SET sent_at = created_at AT TIME ZONE 'UTC'
WHERE sent_at IS NULL AND created_at IS NOT NULL;

ALTER TABLE thread_messages DROP COLUMN created_at;
