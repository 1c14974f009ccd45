-- Named queries of knowledge sources and their fetched documents.
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.


-- name: create_knowledge_source(owner_id, source_type, name, config, sync_schedule)^
-- Create a knowledge source (sync_status 'pending'); returns the new row.
INSERT INTO knowledge_sources (owner_id, source_type, name, config, sync_schedule)
VALUES (:owner_id::bigint, :source_type::text, :name::text, :config::jsonb,
        :sync_schedule::text)
RETURNING *;


-- name: get_knowledge_source(source_id)^
-- One knowledge source by id.
SELECT * FROM knowledge_sources WHERE id = :source_id::bigint;


-- name: list_knowledge_sources_by_owner(owner_id)
-- A user's knowledge sources, newest first.
SELECT * FROM knowledge_sources WHERE owner_id = :owner_id::bigint ORDER BY id DESC;


-- name: record_knowledge_sync(source_id, sync_status, sync_error)^
-- Record the outcome of a sync ('success' stamps last_synced_at); returns the row.
UPDATE knowledge_sources
SET sync_status = :sync_status::text,
    sync_error = :sync_error::text,
    last_synced_at = CASE WHEN :sync_status::text = 'success' THEN now() ELSE last_synced_at END
WHERE id = :source_id::bigint
RETURNING *;


-- name: delete_knowledge_source(source_id)!
-- Delete a knowledge source with its documents.
DELETE FROM knowledge_sources WHERE id = :source_id::bigint;


-- name: upsert_knowledge_document(source_id, owner_id, path, title, content_text, content_hash, doc_metadata)^
-- Create or replace the document at :path of a source (fetched_at = now); returns the row.
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


-- name: list_knowledge_documents(source_id)
-- Documents of a source by path.
SELECT * FROM knowledge_documents WHERE source_id = :source_id::bigint ORDER BY path;


-- name: search_knowledge_documents(owner_id, pattern, limit_rows)
-- A user's documents whose title or text matches an ILIKE :pattern (give the wildcards).
SELECT * FROM knowledge_documents
WHERE owner_id = :owner_id::bigint
  AND (content_text ILIKE :pattern::text OR title ILIKE :pattern::text)
ORDER BY fetched_at DESC, id DESC
LIMIT :limit_rows::int;


-- name: delete_knowledge_document(document_id)!
-- Delete one document.
DELETE FROM knowledge_documents WHERE id = :document_id::bigint;
