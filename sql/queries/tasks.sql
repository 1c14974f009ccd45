-- Named queries of a user's to-do items (user_tasks). Every query is scoped by user_id,
-- so one user can never read or change another's task. Loaded by aiosql 15
-- (zerg_sql.queries); the caller owns the transaction.


-- name: create_user_task(user_id, title, notes, due_at)^
-- Create a task (status 'pending'); returns the new row.
-- serves: K29
INSERT INTO user_tasks (user_id, title, notes, due_at)
VALUES (:user_id::bigint, :title::text, :notes::text, :due_at::timestamptz)
RETURNING *;


-- name: get_user_task(task_id, user_id)^
-- One of the user's tasks by id.
-- serves: K31
SELECT * FROM user_tasks WHERE id = :task_id::bigint AND user_id = :user_id::bigint;


-- name: list_user_tasks(user_id, status, skip, limit_rows)
-- A user's tasks, optionally of one status, newest first, paged (skip / limit).
-- serves: K30
SELECT * FROM user_tasks
WHERE user_id = :user_id::bigint AND (:status::text IS NULL OR status = :status::text)
ORDER BY created_at DESC, id DESC
OFFSET :skip::int
LIMIT :limit_rows::int;


-- name: count_user_tasks(user_id, status)$
-- Number of a user's tasks, optionally of one status (the list's total).
-- serves: K30
SELECT count(*) FROM user_tasks
WHERE user_id = :user_id::bigint AND (:status::text IS NULL OR status = :status::text);


-- name: update_user_task(task_id, user_id, title, notes, status, due_at, clear_due_at)^
-- Change the fields given (NULL keeps a field; clear_due_at true sets due_at NULL); returns the row.
-- serves: K32
UPDATE user_tasks
SET title = coalesce(:title::text, title),
    notes = coalesce(:notes::text, notes),
    status = coalesce(:status::text, status),
    due_at = CASE WHEN :clear_due_at::boolean THEN NULL
                  ELSE coalesce(:due_at::timestamptz, due_at) END
WHERE id = :task_id::bigint AND user_id = :user_id::bigint
RETURNING *;


-- name: set_user_task_status(task_id, user_id, status)^
-- Set a task's status (pending / done / cancelled); returns the row.
-- serves: K32
UPDATE user_tasks SET status = :status::text
WHERE id = :task_id::bigint AND user_id = :user_id::bigint
RETURNING *;


-- name: delete_user_task(task_id, user_id)!
-- Delete one of the user's tasks.
-- serves: K33
DELETE FROM user_tasks WHERE id = :task_id::bigint AND user_id = :user_id::bigint;
