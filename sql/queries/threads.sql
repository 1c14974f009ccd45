-- Named queries of agent threads and their messages (thread_messages, the biggest table).
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction.
-- Paging is keyset paging (after an id, or after a (sent_at, id) position), served by the
-- (thread_id, id) and (thread_id, sent_at) indexes; chat history also offers OFFSET paging
-- as Zerg's API does.


-- name: create_thread(agent_id, title, thread_type, agent_state, memory_strategy)^
-- Create a thread of an agent ('chat' by default); returns the new row.
INSERT INTO agent_threads (agent_id, title, thread_type, agent_state, memory_strategy)
VALUES (:agent_id::bigint, :title::text, coalesce(:thread_type::text, 'chat'),
        :agent_state::jsonb, coalesce(:memory_strategy::text, 'buffer'))
RETURNING *;


-- name: get_thread(thread_id)^
-- One thread by id.
SELECT * FROM agent_threads WHERE id = :thread_id::bigint;


-- name: get_thread_for_owner(thread_id, owner_id)^
-- One thread by id, only if its agent belongs to :owner_id (authorisation).
SELECT t.* FROM agent_threads AS t
JOIN agents AS a ON a.id = t.agent_id
WHERE t.id = :thread_id::bigint AND a.owner_id = :owner_id::bigint;


-- name: list_threads_by_agent(agent_id, thread_type)
-- Threads of an agent, newest first, optionally of one type (NULL: all types).
SELECT * FROM agent_threads
WHERE agent_id = :agent_id::bigint
  AND (:thread_type::text IS NULL OR thread_type = :thread_type::text)
ORDER BY id DESC;


-- name: get_supervisor_thread(agent_id)^
-- The newest 'super' thread of an agent.
SELECT * FROM agent_threads
WHERE agent_id = :agent_id::bigint AND thread_type = 'super'
ORDER BY id DESC
LIMIT 1;


-- name: update_thread(thread_id, title, active, agent_state)^
-- Change the fields given (NULL keeps a field); returns the row.
UPDATE agent_threads
SET title = coalesce(:title::text, title),
    active = coalesce(:active::boolean, active),
    agent_state = coalesce(:agent_state::jsonb, agent_state)
WHERE id = :thread_id::bigint
RETURNING *;


-- name: delete_thread(thread_id)!
-- Delete a thread with its messages and runs (FK cascades).
DELETE FROM agent_threads WHERE id = :thread_id::bigint;


-- name: create_thread_message(thread_id, role, content, tool_calls, tool_call_id, name, parent_id, internal, message_metadata)^
-- Append a message to a thread (internal defaults to false); returns the new row.
INSERT INTO thread_messages (thread_id, role, content, tool_calls, tool_call_id, name,
                             parent_id, internal, message_metadata)
VALUES (:thread_id::bigint, :role::text, :content::text, :tool_calls::jsonb,
        :tool_call_id::text, :name::text, :parent_id::bigint,
        coalesce(:internal::boolean, false), :message_metadata::jsonb)
RETURNING *;


-- name: insert_thread_messages(thread_id, role, content, internal)*!
-- Append many plain messages in one call (executemany with a list of parameter dicts).
INSERT INTO thread_messages (thread_id, role, content, internal)
VALUES (:thread_id::bigint, :role::text, :content::text, coalesce(:internal::boolean, false));


-- name: get_thread_message(message_id)^
-- One message by id.
SELECT * FROM thread_messages WHERE id = :message_id::bigint;


-- name: list_thread_messages(thread_id, include_internal, after_id, limit_rows)
-- A page of a thread's messages in id order after :after_id (0 for the first page).
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint
  AND id > :after_id::bigint
  AND (:include_internal::boolean OR NOT internal)
ORDER BY id
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
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND NOT processed
ORDER BY id;


-- name: mark_messages_processed(message_ids)!
-- Mark a batch of messages (by id) processed.
UPDATE thread_messages SET processed = true
WHERE id = ANY(:message_ids::bigint[]) AND NOT processed;


-- name: list_chat_history(thread_id, offset_rows, limit_rows)
-- Visible user / assistant messages of a thread in sent_at order, one OFFSET page.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint
  AND role IN ('user', 'assistant')
  AND NOT internal
ORDER BY sent_at, id
OFFSET :offset_rows::int
LIMIT :limit_rows::int;


-- name: count_chat_history(thread_id)$
-- Number of visible user / assistant messages of a thread (total for the pager).
SELECT count(*) FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role IN ('user', 'assistant') AND NOT internal;


-- name: get_last_user_message(thread_id)^
-- The latest visible user message of a thread.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'user' AND NOT internal
ORDER BY sent_at DESC, id DESC
LIMIT 1;


-- name: list_tool_results(thread_id)
-- Tool-result messages of a thread (role 'tool' with a tool_call_id), in id order.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'tool' AND tool_call_id IS NOT NULL
ORDER BY id;


-- name: get_first_assistant_message(thread_id)^
-- The first assistant message of a thread, by id.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'assistant'
ORDER BY id
LIMIT 1;


-- name: get_last_assistant_message(thread_id)^
-- The last assistant message of a thread, by id.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'assistant'
ORDER BY id DESC
LIMIT 1;


-- name: find_system_messages(thread_id, pattern)
-- System messages of a thread whose content matches a LIKE :pattern (give the wildcards), newest first.
SELECT * FROM thread_messages
WHERE thread_id = :thread_id::bigint AND role = 'system' AND content LIKE :pattern::text
ORDER BY sent_at DESC, id DESC;


-- name: count_thread_messages(thread_id)$
-- Number of messages of a thread.
SELECT count(*) FROM thread_messages WHERE thread_id = :thread_id::bigint;


-- name: delete_thread_messages(thread_id)!
-- Delete every message of a thread (the thread stays).
DELETE FROM thread_messages WHERE thread_id = :thread_id::bigint;
