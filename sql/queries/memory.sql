-- Named queries of agent memory: key/value pairs, memory files and their embeddings.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.


-- name: upsert_memory_kv(user_id, key, value, tags, expires_at)^
-- Create or replace a user's memory key; returns the row.
INSERT INTO agent_memory_kv (user_id, key, value, tags, expires_at)
VALUES (:user_id::bigint, :key::text, :value::jsonb, coalesce(:tags::jsonb, '[]'::jsonb),
        :expires_at::timestamptz)
ON CONFLICT (user_id, key) DO UPDATE
SET value = EXCLUDED.value, tags = EXCLUDED.tags, expires_at = EXCLUDED.expires_at
RETURNING *;


-- name: get_memory_kv(user_id, key)^
-- A user's memory key, unless it has expired.
SELECT * FROM agent_memory_kv
WHERE user_id = :user_id::bigint AND key = :key::text
  AND (expires_at IS NULL OR expires_at > now());


-- name: list_memory_kv(user_id, tag)
-- A user's unexpired memory keys, optionally only those tagged :tag, by key.
SELECT * FROM agent_memory_kv
WHERE user_id = :user_id::bigint
  AND (expires_at IS NULL OR expires_at > now())
  AND (:tag::text IS NULL OR tags @> jsonb_build_array(:tag::text))
ORDER BY key;


-- name: delete_memory_kv(user_id, key)!
-- Delete a user's memory key.
DELETE FROM agent_memory_kv WHERE user_id = :user_id::bigint AND key = :key::text;


-- name: delete_expired_memory_kv()!
-- Delete every expired memory key.
DELETE FROM agent_memory_kv WHERE expires_at <= now();


-- name: upsert_memory_file(owner_id, path, title, content, tags, file_metadata)^
-- Create or replace the memory file at :path; returns the row.
INSERT INTO memory_files (owner_id, path, title, content, tags, file_metadata)
VALUES (:owner_id::bigint, :path::text, :title::text, :content::text,
        coalesce(:tags::jsonb, '[]'::jsonb), coalesce(:file_metadata::jsonb, '{}'::jsonb))
ON CONFLICT (owner_id, path) DO UPDATE
SET title = EXCLUDED.title, content = EXCLUDED.content, tags = EXCLUDED.tags,
    file_metadata = EXCLUDED.file_metadata
RETURNING *;


-- name: read_memory_file(owner_id, path)^
-- A user's memory file by path, stamping last_accessed_at.
UPDATE memory_files SET last_accessed_at = now()
WHERE owner_id = :owner_id::bigint AND path = :path::text
RETURNING *;


-- name: list_memory_files(owner_id, path_pattern)
-- A user's memory files whose path matches a LIKE :path_pattern (e.g. 'notes/' plus a wildcard), by path.
SELECT * FROM memory_files
WHERE owner_id = :owner_id::bigint AND path LIKE :path_pattern::text
ORDER BY path;


-- name: delete_memory_file(owner_id, path)!
-- Delete a user's memory file (its embeddings go with it).
DELETE FROM memory_files WHERE owner_id = :owner_id::bigint AND path = :path::text;


-- name: upsert_memory_embedding(owner_id, memory_file_id, model, embedding)^
-- Create or replace a file's embedding for one model (raw float32 bytes); returns the row.
INSERT INTO memory_embeddings (owner_id, memory_file_id, model, embedding)
VALUES (:owner_id::bigint, :memory_file_id::bigint, :model::text, :embedding::bytea)
ON CONFLICT (owner_id, memory_file_id, model) DO UPDATE
SET embedding = EXCLUDED.embedding
RETURNING *;


-- name: list_memory_embeddings(owner_id, model)
-- A user's embeddings of one model, with the file path, for scoring in the app.
SELECT e.id, e.memory_file_id, f.path, e.embedding
FROM memory_embeddings AS e
JOIN memory_files AS f ON f.id = e.memory_file_id
WHERE e.owner_id = :owner_id::bigint AND e.model = :model::text
ORDER BY e.memory_file_id;
