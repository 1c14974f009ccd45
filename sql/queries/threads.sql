-- Named queries of agent threads and their messages (thread_messages, the biggest table).
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
-- Paging is keyset paging (after an id, or after a (sent_at, id) position), served by the
-- (thread_id, id) and (thread_id, sent_at) indexes; chat history also offers OFFSET paging
-- as Zerg's API does, and so do the thread list and the API's message page (OFFSET :skip).
-- `-- serves:` lines name the accesses of docs/reference/service-accesses.md each query serves.
-- Making a thread active deactivates the agent's other threads in the same statement (an
-- agent has at most one active thread); two such statements racing on one agent's threads
-- may deadlock, and the one PostgreSQL aborts can simply be retried.


-- name: create_thread(agent_id, title, active, thread_type, agent_state, memory_strategy)^
-- Create a thread ('chat', active by default; active deactivates the agent's other threads); returns the new row.
-- serves: T03, T04
WITH others AS (
    -- Zerg's scheduler passed thread_type 'schedule', no value of the enum: the CHECK
    -- refuses it (a QueryError naming thread_type); the scheduler's type is 'scheduled'.
    UPDATE agent_threads SET active = false
    WHERE coalesce(:active::boolean, true) AND agent_id = :agent_id::bigint AND active
)
INSERT INTO agent_threads (agent_id, title, active, thread_type, agent_state, memory_strategy)
VALUES (:agent_id::bigint, :title::text, coalesce(:active::boolean, true), coalesce(:thread_type::text, 'chat'),
        :agent_state::jsonb, coalesce(:memory_strategy::text, 'buffer'))
RETURNING *;


-- name: get_thread(thread_id)^
-- One thread by id (its messages: list_thread_messages with include_internal).
-- serves: T02
SELECT * FROM agent_threads WHERE id = :thread_id::bigint;


-- name: get_thread_for_owner(thread_id, owner_id)^
-- One thread by id, only if its agent belongs to :owner_id (authorisation).
-- serves: T02
SELECT t.* FROM agent_threads AS t
JOIN agents AS a ON a.id = t.agent_id
WHERE t.id = :thread_id::bigint AND a.owner_id = :owner_id::bigint;


-- name: list_threads_by_agent(agent_id, owner_id, thread_type, title, skip, limit_rows)
-- Threads of an agent newest first (created_at), one OFFSET page; owner_id, thread_type, exact title NULL: no filter.
-- serves: T01
SELECT t.* FROM agent_threads AS t
WHERE t.agent_id = :agent_id::bigint
  AND (:owner_id::bigint IS NULL
       OR EXISTS (SELECT FROM agents AS a WHERE a.id = t.agent_id AND a.owner_id = :owner_id::bigint))
  AND (:thread_type::text IS NULL OR t.thread_type = :thread_type::text)
  AND (:title::text IS NULL OR t.title = :title::text)
ORDER BY t.created_at DESC, t.id DESC
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: list_threads_by_owner(owner_id, thread_type, title, skip, limit_rows)
-- Threads of all of a user's agents newest first (created_at), one OFFSET page; thread_type, exact title NULL: no filter.
-- serves: T01
SELECT t.* FROM agents AS a
JOIN agent_threads AS t ON t.agent_id = a.id
WHERE a.owner_id = :owner_id::bigint
  AND (:thread_type::text IS NULL OR t.thread_type = :thread_type::text)
  AND (:title::text IS NULL OR t.title = :title::text)
ORDER BY t.created_at DESC, t.id DESC
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: list_threads(thread_type, title, skip, limit_rows)
-- Every thread newest first (created_at), one OFFSET page (admins); thread_type, exact title NULL: no filter.
-- serves: T01
SELECT * FROM agent_threads
WHERE (:thread_type::text IS NULL OR thread_type = :thread_type::text)
  AND (:title::text IS NULL OR title = :title::text)
ORDER BY created_at DESC, id DESC
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: get_supervisor_thread(agent_id)^
-- The newest 'super' thread of an agent (FIX: Zerg looked only among the newest 100 threads, then made another).
-- serves: T03
SELECT * FROM agent_threads
WHERE agent_id = :agent_id::bigint AND thread_type = 'super'
ORDER BY id DESC
LIMIT 1;


-- name: update_thread(thread_id, title, active, agent_state, clear_agent_state, memory_strategy, thread_type)^
-- Change the fields given (NULL keeps a field, clear_agent_state true sets it NULL; active true deactivates the agent's other threads; all NULL bumps updated_at); returns the row.
-- serves: T05, T06
WITH others AS (
    UPDATE agent_threads AS o SET active = false
    WHERE :active::boolean
      AND o.agent_id = (SELECT agent_id FROM agent_threads WHERE id = :thread_id::bigint)
      AND o.id <> :thread_id::bigint
      AND o.active
)
UPDATE agent_threads
SET title = coalesce(:title::text, title),
    active = coalesce(:active::boolean, active),
    agent_state = CASE WHEN :clear_agent_state::boolean THEN NULL
                       ELSE coalesce(:agent_state::jsonb, agent_state) END,
    memory_strategy = coalesce(:memory_strategy::text, memory_strategy),
    thread_type = coalesce(:thread_type::text, thread_type)
WHERE id = :thread_id::bigint
RETURNING *;


-- name: get_active_thread(agent_id)^
-- The agent's active thread (the oldest, should there be several).
-- serves: T07
SELECT * FROM agent_threads WHERE agent_id = :agent_id::bigint AND active ORDER BY id LIMIT 1;


-- name: delete_thread(thread_id)!
-- Delete a thread with its messages and runs (FIX: FK cascades; Zerg failed when runs referenced the thread).
-- serves: T08
DELETE FROM agent_threads WHERE id = :thread_id::bigint;


-- name: create_thread_message(thread_id, role, content, tool_calls, tool_call_id, name, parent_id, processed, internal, sent_at, message_metadata)^
-- Append a message (processed, internal default false; sent_at is the client's time when within 5 minutes of now, else now); returns the new row.
-- serves: T11
INSERT INTO thread_messages (thread_id, role, content, tool_calls, tool_call_id, name,
                             parent_id, processed, internal, sent_at, message_metadata)
VALUES (:thread_id::bigint, :role::text, :content::text, :tool_calls::jsonb,
        :tool_call_id::text, :name::text, :parent_id::bigint, coalesce(:processed::boolean, false),
        coalesce(:internal::boolean, false),
        CASE WHEN :sent_at::timestamptz BETWEEN now() - interval '5 minutes' AND now() + interval '5 minutes'
             THEN :sent_at::timestamptz ELSE now() END,
        :message_metadata::jsonb)
RETURNING *;


-- name: save_thread_messages(thread_id, messages, processed, parent_id)
-- Append an agent turn's messages (a JSON array of {role, content, tool_calls, tool_call_id, name, processed, internal, message_metadata}) in order, in one statement; tool rows get the latest assistant row before them as parent (else :parent_id); processed defaults to :processed, else true; returns the rows.
-- serves: T12
WITH input AS MATERIALIZED (
    -- Ids drawn in array order, so a tool row can name the assistant row before it.
    SELECT e.ord, e.msg, nextval(pg_get_serial_sequence('thread_messages', 'id')) AS id
    FROM jsonb_array_elements(:messages::jsonb) WITH ORDINALITY AS e(msg, ord)
), parented AS (
    SELECT i.*, max(CASE WHEN i.msg ->> 'role' = 'assistant' THEN i.id END)
                    OVER (ORDER BY i.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_assistant
    FROM input AS i
)
INSERT INTO thread_messages (id, thread_id, role, content, tool_calls, tool_call_id, name, processed,
                             parent_id, internal, message_metadata)
SELECT p.id, :thread_id::bigint, p.msg ->> 'role', p.msg ->> 'content',
       nullif(p.msg -> 'tool_calls', 'null'::jsonb), p.msg ->> 'tool_call_id', p.msg ->> 'name',
       coalesce((p.msg ->> 'processed')::boolean, :processed::boolean, true),
       CASE WHEN p.msg ->> 'role' = 'tool' THEN coalesce(p.last_assistant, :parent_id::bigint) END,
       coalesce((p.msg ->> 'internal')::boolean, false),
       nullif(p.msg -> 'message_metadata', 'null'::jsonb)
FROM parented AS p
ORDER BY p.ord
RETURNING *;


-- name: update_message_metadata(message_id, message_metadata)^
-- Merge these keys (e.g. the turn's usage) into a message's metadata; returns the row.
-- serves: T13
UPDATE thread_messages
SET message_metadata = coalesce(message_metadata, '{}'::jsonb) || :message_metadata::jsonb
WHERE id = :message_id::bigint
RETURNING *;


-- name: insert_thread_messages(thread_id, role, content, internal)*!
-- Append many plain messages in one call (executemany with a list of parameter dicts).
INSERT INTO thread_messages (thread_id, role, content, internal)
VALUES (:thread_id::bigint, :role::text, :content::text, coalesce(:internal::boolean, false));


-- name: get_thread_message(message_id)^
-- One message by id.
SELECT * FROM thread_messages WHERE id = :message_id::bigint;


-- name: list_thread_messages(thread_id, include_internal, after_id, limit_rows)
-- A page of a thread's messages in id order after :after_id (0 for the first page; FIX: read every page, Zerg cut LLM history at 100 silently).
-- serves: T02, T10
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint
  AND id > :after_id::bigint
  AND (:include_internal::boolean OR NOT internal)
ORDER BY id
LIMIT :limit_rows::int;


-- name: list_thread_message_page(thread_id, skip, limit_rows)
-- The API's page of a thread's visible (not internal) messages in id order: OFFSET :skip LIMIT :limit_rows (Zerg's default 0 / 100).
-- serves: T09
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND NOT internal
ORDER BY id
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: list_thread_messages_by_sent_at(thread_id, after_sent_at, after_id, limit_rows)
-- A page of a thread's messages in (sent_at, id) order after that position (NULLs: from the start).
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint
  AND (:after_sent_at::timestamptz IS NULL
       OR (sent_at, id) > (:after_sent_at::timestamptz, coalesce(:after_id::bigint, 0)))
ORDER BY sent_at, id
LIMIT :limit_rows::int;


-- name: list_unprocessed_messages(thread_id)
-- Messages of a thread not yet processed by the agent, in id order.
-- serves: T14
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND NOT processed
ORDER BY id;


-- name: mark_messages_processed(message_ids)!
-- Mark a batch of messages (by id) processed; returns how many were not yet.
-- serves: T15
UPDATE thread_messages SET processed = true
WHERE id = ANY(:message_ids::bigint[]) AND NOT processed;


-- name: list_chat_history(thread_id, offset_rows, limit_rows)
-- Visible user / assistant messages of a thread in sent_at order, one OFFSET page.
-- serves: T16
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint
  AND role IN ('user', 'assistant')
  AND NOT internal
ORDER BY sent_at, id
OFFSET :offset_rows::int
LIMIT :limit_rows::int;


-- name: count_chat_history(thread_id)$
-- Number of visible user / assistant messages of a thread (total for the pager).
-- serves: T16
SELECT count(*) FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role IN ('user', 'assistant') AND NOT internal;


-- name: get_last_user_message(thread_id)^
-- The latest visible user message of a thread.
-- serves: T18
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'user' AND NOT internal
ORDER BY sent_at DESC, id DESC
LIMIT 1;


-- name: list_tool_results(thread_id)
-- Tool-result messages of a thread (role 'tool' with a tool_call_id), in id order.
-- serves: T17
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'tool' AND tool_call_id IS NOT NULL
ORDER BY id;


-- name: get_first_assistant_message(thread_id)^
-- The first assistant message of a thread, by id.
-- serves: T19
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'assistant'
ORDER BY id
LIMIT 1;


-- name: get_last_assistant_message(thread_id)^
-- The last assistant message of a thread, by id.
-- serves: T20
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'assistant'
ORDER BY id DESC
LIMIT 1;


-- name: get_tool_call_message(thread_id, tool_call_id)^
-- The newest (sent_at) assistant message of a thread whose tool_calls hold a call with this id: the parent of its tool result.
-- serves: T21
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'assistant'
  AND tool_calls @> jsonb_build_array(jsonb_build_object('id', :tool_call_id::text))
ORDER BY sent_at DESC, id DESC
LIMIT 1;


-- name: get_last_tool_call_message(thread_id)^
-- The newest (sent_at) assistant message of a thread with tool_calls: the parent of a batch of tool results.
-- serves: T22
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'assistant' AND tool_calls IS NOT NULL
ORDER BY sent_at DESC, id DESC
LIMIT 1;


-- name: find_system_messages(thread_id, pattern)
-- System messages of a thread whose content matches a LIKE :pattern (give the wildcards), newest first.
-- serves: T23
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'system' AND content LIKE :pattern::text
ORDER BY sent_at DESC, id DESC;


-- name: count_thread_messages(thread_id)$
-- Number of messages of a thread.
SELECT count(*) FROM thread_messages WHERE thread_id = :thread_id::bigint;


-- name: delete_thread_messages(thread_id)!
-- Delete every message of a thread (the thread stays).
-- serves: T25
DELETE FROM thread_messages WHERE thread_id = :thread_id::bigint;


-- name: delete_messages(thread_id, message_ids)!
-- Delete these messages of a thread (ids of another thread are left alone), e.g. stale worker context found by find_system_messages.
-- serves: T24
DELETE FROM thread_messages
WHERE thread_id = :thread_id::bigint AND id = ANY(:message_ids::bigint[]);
