-- Named queries of knowledge sources and their fetched documents.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.


-- name: create_knowledge_source(owner_id, source_type, name, config, sync_schedule)^
-- Create a knowledge source (sync_status 'pending'); returns the new row.
-- serves: K01
INSERT INTO knowledge_sources (owner_id, source_type, name, config, sync_schedule)
VALUES (:owner_id::bigint, :source_type::text, :name::text, :config::jsonb,
        :sync_schedule::text)
RETURNING *;


-- name: get_knowledge_source(source_id)^
-- One knowledge source by id (the app checks the owner).
-- serves: K02
SELECT * FROM knowledge_sources WHERE id = :source_id::bigint;


-- name: find_knowledge_source_by_name(owner_id, name)^
-- A user's first (oldest) knowledge source with that exact name, e.g. 'User Context - Servers'.
-- serves: K04
SELECT * FROM knowledge_sources
WHERE owner_id = :owner_id::bigint AND name = :name::text
ORDER BY id
LIMIT 1;


-- name: list_knowledge_sources(owner_id, skip, limit_rows)
-- A user's knowledge sources, newest first, paged (skip / limit).
-- serves: K03
SELECT * FROM knowledge_sources
WHERE owner_id = :owner_id::bigint
ORDER BY created_at DESC, id DESC
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: list_knowledge_sources_due_for_sync()
-- Every user's sources that have a sync schedule, by id.
-- serves: K08
SELECT * FROM knowledge_sources WHERE sync_schedule IS NOT NULL ORDER BY id;


-- name: update_knowledge_source(source_id, name, config, sync_schedule, clear_sync_schedule)^
-- Change the fields given (NULL keeps a field; clear_sync_schedule true sets the schedule NULL, which Zerg could not); returns the row.
-- serves: K05
UPDATE knowledge_sources
SET name = coalesce(:name::text, name),
    config = coalesce(:config::jsonb, config),
    sync_schedule = CASE WHEN :clear_sync_schedule::boolean THEN NULL
                         ELSE coalesce(:sync_schedule::text, sync_schedule) END
WHERE id = :source_id::bigint
RETURNING *;


-- name: record_knowledge_sync(source_id, sync_status, sync_error)^
-- Set the sync state (pending, syncing, success, failed) and sync_error (NULL clears it); stamps last_synced_at on every call, as Zerg; returns the row.
-- serves: K07
UPDATE knowledge_sources
SET sync_status = :sync_status::text,
    sync_error = :sync_error::text,
    last_synced_at = now()
WHERE id = :source_id::bigint
RETURNING *;


-- name: delete_knowledge_source(source_id)!
-- Delete a knowledge source with its documents.
-- serves: K06
DELETE FROM knowledge_sources WHERE id = :source_id::bigint;


-- name: upsert_knowledge_document(source_id, owner_id, path, title, content_text, content_hash, doc_metadata)^
-- Create or replace the document at :path of a source (fetched_at = now); returns the row. Fix: atomic (Zerg selected, then wrote).
-- serves: K09
INSERT INTO knowledge_documents (source_id, owner_id, path, title, content_text, content_hash,
                                 doc_metadata)
VALUES (:source_id::bigint, :owner_id::bigint, :path::text, :title::text, :content_text::text,
        :content_hash::text, coalesce(:doc_metadata::jsonb, '{}'::jsonb))
ON CONFLICT (source_id, path) DO UPDATE
SET title = EXCLUDED.title,
    content_text = EXCLUDED.content_text,
    content_hash = EXCLUDED.content_hash,
    doc_metadata = EXCLUDED.doc_metadata,
    fetched_at = now()
RETURNING *;


-- name: get_knowledge_document(document_id)^
-- One document by id (the app checks the owner).
-- serves: K10
SELECT * FROM knowledge_documents WHERE id = :document_id::bigint;


-- name: list_knowledge_documents(owner_id, source_id, skip, limit_rows)
-- A user's documents, optionally of one source (NULL: all), most recently fetched first, paged (skip / limit).
-- serves: K11
SELECT * FROM knowledge_documents
WHERE owner_id = :owner_id::bigint
  AND (:source_id::bigint IS NULL OR source_id = :source_id::bigint)
ORDER BY fetched_at DESC, id DESC
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: list_knowledge_documents_after(owner_id, source_id, after_id, limit_rows)
-- Keyset batch of a source's documents after :after_id (0 first) in id order, without their text: the GitHub sync's sha map and cleanup.
-- serves: K11, K12
SELECT id, source_id, owner_id, path, title, content_hash, fetched_at
FROM knowledge_documents
WHERE owner_id = :owner_id::bigint AND source_id = :source_id::bigint AND id > :after_id::bigint
ORDER BY id
LIMIT :limit_rows::int;


-- name: search_knowledge_documents(owner_id, pattern, limit_rows)
-- A user's documents whose text (not title, as Zerg) matches an ILIKE :pattern (give the wildcards), with the source's name, most recently fetched first.
-- serves: K14
SELECT d.*, s.name AS source_name
FROM knowledge_documents AS d
JOIN knowledge_sources AS s ON s.id = d.source_id
WHERE d.owner_id = :owner_id::bigint
  AND d.content_text ILIKE :pattern::text
ORDER BY d.fetched_at DESC, d.id DESC
LIMIT :limit_rows::int;


-- name: delete_knowledge_document(document_id)!
-- Delete one document.
-- serves: K13
DELETE FROM knowledge_documents WHERE id = :document_id::bigint;
