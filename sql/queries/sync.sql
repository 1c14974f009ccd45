-- Named queries of the offline-client sync log (sync_operations): append-only,
-- idempotent per (user_id, op_id). Loaded by aiosql 15 (zerg_sql.queries); the caller
-- owns the transaction.


-- name: record_sync_operation(user_id, op_id, type, body, lamport, ts)^
-- Record a client operation once per (user, op_id); a replay returns the stored row (created = false). Fix: no savepoint per op.
-- serves: S01
WITH ins AS (
    INSERT INTO sync_operations (user_id, op_id, type, body, lamport, ts)
    VALUES (:user_id::bigint, :op_id::text, :type::text, :body::jsonb, :lamport::int,
            :ts::timestamptz)
    ON CONFLICT (user_id, op_id) DO NOTHING
    RETURNING *
)
SELECT ins.*, true AS created FROM ins
UNION ALL
SELECT s.*, false AS created FROM sync_operations AS s
WHERE s.user_id = :user_id::bigint AND s.op_id = :op_id::text AND NOT EXISTS (SELECT FROM ins);


-- name: list_sync_operations(user_id, after_id, limit_rows)
-- A user's operations after :after_id in id order (0 for the first page): keyset, for a service that streams.
-- serves: S03
SELECT * FROM sync_operations
WHERE user_id = :user_id::bigint AND id > :after_id::bigint
ORDER BY id
LIMIT :limit_rows::int;


-- name: list_sync_operations_from(user_id, skip, limit_rows)
-- A user's operations in id order from the :skip-th on (Zerg's pull cursor is that count); :limit_rows NULL = all, as Zerg.
-- serves: S03
SELECT * FROM sync_operations
WHERE user_id = :user_id::bigint
ORDER BY id
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: get_max_sync_lamport(user_id)$
-- The highest Lamport clock a user's client has sent (None before the first operation).
SELECT max(lamport) FROM sync_operations WHERE user_id = :user_id::bigint;


-- name: count_sync_operations(user_id)$
-- Number of operations a user has synced (the pull's nextCursor).
-- serves: S02
SELECT count(*) FROM sync_operations WHERE user_id = :user_id::bigint;
