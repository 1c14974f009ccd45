-- Named queries of agent memory: key/value pairs, memory files and their embeddings.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction. Expired
-- key/value entries are hidden from every read (Zerg never checked expires_at) and go
-- with delete_expired_memory_kv; deletes by key or tag still reach them.


-- name: upsert_memory_kv(user_id, key, value, tags, expires_at)^
-- Create or replace a user's memory key; returns the row. Fix: atomic (Zerg selected, then wrote).
-- serves: K15
INSERT INTO agent_memory_kv (user_id, key, value, tags, expires_at)
VALUES (:user_id::bigint, :key::text, :value::jsonb, coalesce(:tags::jsonb, '[]'::jsonb),
        :expires_at::timestamptz)
ON CONFLICT (user_id, key) DO UPDATE
SET value = EXCLUDED.value, tags = EXCLUDED.tags, expires_at = EXCLUDED.expires_at
RETURNING *;


-- name: get_memory_kv(user_id, key)^
-- A user's memory key, unless it has expired. Fix: Zerg returned expired entries.
-- serves: K16
SELECT * FROM agent_memory_kv
WHERE user_id = :user_id::bigint AND key = :key::text
  AND (expires_at IS NULL OR expires_at > now());


-- name: list_memory_kv(user_id, tags, limit_rows)
-- A user's unexpired memory keys, optionally only those with ANY of :tags (NULL: all), by key, at most :limit_rows. Fix: Zerg listed expired ones.
-- serves: K17, K20
SELECT * FROM agent_memory_kv
WHERE user_id = :user_id::bigint
  AND (expires_at IS NULL OR expires_at > now())
  AND (:tags::text[] IS NULL OR tags ?| :tags::text[])
ORDER BY key
LIMIT :limit_rows::int;


-- name: count_memory_kv(user_id)$
-- Number of a user's unexpired memory keys (the export's total, consistent with list_memory_kv).
-- serves: K20
SELECT count(*) FROM agent_memory_kv
WHERE user_id = :user_id::bigint AND (expires_at IS NULL OR expires_at > now());


-- name: delete_memory_kv(user_id, key)!
-- Delete a user's memory key; returns the count.
-- serves: K18
DELETE FROM agent_memory_kv WHERE user_id = :user_id::bigint AND key = :key::text;


-- name: delete_memory_kv_by_tags(user_id, tags)!
-- Delete a user's memory keys that have ANY of :tags (expired ones too); returns the count.
-- serves: K19
DELETE FROM agent_memory_kv WHERE user_id = :user_id::bigint AND tags ?| :tags::text[];


-- name: delete_expired_memory_kv()!
-- Delete every expired memory key.
DELETE FROM agent_memory_kv WHERE expires_at <= now();


-- name: upsert_memory_file(owner_id, path, title, content, tags, file_metadata)^
-- Create or replace the memory file at :path (a NULL title keeps the old one); returns the row. Fix: atomic (Zerg selected, then wrote).
-- serves: K21
INSERT INTO memory_files (owner_id, path, title, content, tags, file_metadata)
VALUES (:owner_id::bigint, :path::text, :title::text, :content::text,
        coalesce(:tags::jsonb, '[]'::jsonb), coalesce(:file_metadata::jsonb, '{}'::jsonb))
ON CONFLICT (owner_id, path) DO UPDATE
SET title = coalesce(EXCLUDED.title, memory_files.title), content = EXCLUDED.content,
    tags = EXCLUDED.tags, file_metadata = EXCLUDED.file_metadata
RETURNING *;


-- name: read_memory_file(owner_id, path)^
-- A user's memory file by path, stamping last_accessed_at. Fix: Zerg never wrote last_accessed_at.
-- serves: K22
UPDATE memory_files SET last_accessed_at = now()
WHERE owner_id = :owner_id::bigint AND path = :path::text
RETURNING *;


-- name: list_memory_files_by_ids(owner_id, ids)
-- A user's memory files among :ids (the embedding hits), by id; other users' ids are ignored.
-- serves: K23
SELECT * FROM memory_files
WHERE owner_id = :owner_id::bigint AND id = ANY (:ids::bigint[])
ORDER BY id;


-- name: list_memory_files(owner_id, path_pattern, skip, limit_rows)
-- A user's memory files whose path matches an ILIKE :path_pattern ('notes/' plus a wildcard; NULL: all), most recently updated first, paged.
-- serves: K24
SELECT * FROM memory_files
WHERE owner_id = :owner_id::bigint
  AND (:path_pattern::text IS NULL OR path ILIKE :path_pattern::text)
ORDER BY updated_at DESC, id DESC
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: search_memory_files(owner_id, pattern, tags, limit_rows)
-- A user's memory files whose content matches an ILIKE :pattern and, if :tags, has ANY of them ignoring case; newest update first. Fix: tags filtered before the limit.
-- serves: K26
SELECT * FROM memory_files AS f
WHERE f.owner_id = :owner_id::bigint
  AND f.content ILIKE :pattern::text
  AND (:tags::text[] IS NULL
       OR EXISTS (SELECT FROM jsonb_array_elements_text(f.tags) AS t(tag)
                  WHERE lower(t.tag) IN (SELECT lower(x) FROM unnest(:tags::text[]) AS x)))
ORDER BY f.updated_at DESC, f.id DESC
LIMIT :limit_rows::int;


-- name: delete_memory_file(owner_id, path)!
-- Delete a user's memory file (its embeddings go with it).
-- serves: K25
DELETE FROM memory_files WHERE owner_id = :owner_id::bigint AND path = :path::text;


-- name: upsert_memory_embedding(owner_id, memory_file_id, model, embedding)^
-- Create or replace a file's embedding for one model (raw float32 bytes); returns the row. Fix: atomic.
-- serves: K27
INSERT INTO memory_embeddings (owner_id, memory_file_id, model, embedding)
VALUES (:owner_id::bigint, :memory_file_id::bigint, :model::text, :embedding::bytea)
ON CONFLICT (owner_id, memory_file_id, model) DO UPDATE
SET embedding = EXCLUDED.embedding
RETURNING *;


-- name: list_memory_embeddings(owner_id, model)
-- A user's embeddings of one model, or of every model when :model is NULL (as Zerg's search), with the file path, for scoring in the app.
-- serves: K28
SELECT e.id, e.memory_file_id, f.path, e.model, e.embedding
FROM memory_embeddings AS e
JOIN memory_files AS f ON f.id = e.memory_file_id
WHERE e.owner_id = :owner_id::bigint AND (:model::text IS NULL OR e.model = :model::text)
ORDER BY e.memory_file_id, e.model;
