-- Named queries of agent runs. Loaded by aiosql 15 (zerg_sql.queries); the caller owns
-- the transaction.
-- Status changes are conditional: each UPDATE names the state(s) it may leave
-- (WHERE id = :run_id AND status = ...), returns the changed row, and returns no row
-- (None) when the run was not in that state, so two callers can never both move a run.
-- Lifecycle: queued -> running -> (waiting | deferred) -> running ... -> success |
-- failed | cancelled.


-- name: create_run(agent_id, thread_id, status, trigger, model, reasoning_effort, correlation_id, assistant_message_id)^
-- Create a run (status 'queued' and trigger 'manual' by default; fix: created 'running', it gets started_at now(), Zerg left NULL); returns the new row.
-- serves: R01, R02
INSERT INTO agent_runs (agent_id, thread_id, status, trigger, model, reasoning_effort,
                        correlation_id, assistant_message_id, started_at)
VALUES (:agent_id::bigint, :thread_id::bigint, coalesce(:status::text, 'queued'),
        coalesce(:trigger::text, 'manual'), :model::text, :reasoning_effort::text,
        :correlation_id::text, :assistant_message_id::text,
        CASE WHEN :status::text = 'running' THEN now() END)
-- trace_id comes from the column default (Zerg made a uuid4 in Python). A run created
-- 'running' (the chat endpoints, R02) is stamped started_at = now(): fix, Zerg left it NULL
-- outside one fallback path, so durations and "started" dashboards missed those runs.
RETURNING *;


-- name: create_continuation_run(continuation_of_run_id, model, reasoning_effort)^
-- Create the continuation of a run, idempotently: returns the existing one if there is.
WITH parent AS (
    SELECT agent_id, thread_id FROM agent_runs WHERE id = :continuation_of_run_id::bigint
), ins AS (
    INSERT INTO agent_runs (agent_id, thread_id, continuation_of_run_id, trigger, model,
                            reasoning_effort)
    SELECT parent.agent_id, parent.thread_id, :continuation_of_run_id::bigint, 'continuation',
           :model::text, :reasoning_effort::text
    FROM parent
    ON CONFLICT (continuation_of_run_id) WHERE continuation_of_run_id IS NOT NULL DO NOTHING
    RETURNING *
)
SELECT * FROM ins
UNION ALL
SELECT * FROM agent_runs
WHERE continuation_of_run_id = :continuation_of_run_id::bigint AND NOT EXISTS (SELECT FROM ins);


-- name: get_run(run_id)^
-- One run by id.
-- serves: R03, R04
SELECT * FROM agent_runs WHERE id = :run_id::bigint;


-- name: get_run_for_owner(run_id, owner_id)^
-- One run by id, only if its agent belongs to :owner_id (authorisation).
-- serves: R04
SELECT r.* FROM agent_runs AS r
JOIN agents AS a ON a.id = r.agent_id
WHERE r.id = :run_id::bigint AND a.owner_id = :owner_id::bigint;


-- name: list_runs_by_agent(agent_id, limit_rows)
-- The latest runs of an agent, newest (highest id) first.
-- serves: R05
SELECT * FROM agent_runs
WHERE agent_id = :agent_id::bigint
ORDER BY id DESC
LIMIT :limit_rows::int;


-- name: list_runs_by_owner(owner_id, agent_id, limit_rows)
-- A user's latest runs across agents (or of one agent), newest first.
-- serves: R06
SELECT r.* FROM agent_runs AS r
JOIN agents AS a ON a.id = r.agent_id
WHERE a.owner_id = :owner_id::bigint
  AND (:agent_id::bigint IS NULL OR r.agent_id = :agent_id::bigint)
ORDER BY r.created_at DESC, r.id DESC
LIMIT :limit_rows::int;


-- name: list_runs_by_trace(trace_id)
-- Runs of one trace, oldest first.
SELECT * FROM agent_runs WHERE trace_id = :trace_id::uuid ORDER BY created_at, id;


-- name: get_active_run(agent_id)^
-- The supervisor's active run: running, else waiting, else deferred without a finished continuation; newest first.
-- serves: R07
SELECT r.* FROM agent_runs AS r
WHERE r.agent_id = :agent_id::bigint
  AND (r.status IN ('running', 'waiting')
       OR (r.status = 'deferred'
           AND NOT EXISTS (
               SELECT FROM agent_runs AS c
               WHERE c.continuation_of_run_id = r.id
                 AND c.trigger = 'continuation'
                 AND c.status IN ('success', 'failed', 'cancelled'))))
ORDER BY CASE r.status WHEN 'running' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END,
         r.created_at DESC, r.id DESC
LIMIT 1;


-- name: get_latest_thread_run(thread_id)^
-- The newest run of a thread.
-- serves: R08
SELECT * FROM agent_runs
WHERE thread_id = :thread_id::bigint
ORDER BY created_at DESC, id DESC
LIMIT 1;


-- name: get_continuation_run(run_id)^
-- The continuation of a run, if one was created.
SELECT * FROM agent_runs WHERE continuation_of_run_id = :run_id::bigint;


-- name: start_run(run_id)^
-- queued -> running, stamping started_at; None if the run was not queued.
-- serves: R09
UPDATE agent_runs SET status = 'running', started_at = coalesce(started_at, now())
WHERE id = :run_id::bigint AND status = 'queued'
RETURNING *;


-- name: update_run_start(run_id, assistant_message_id)^
-- A supervisor run begins: its assistant message id (None keeps), started_at and trace_id only where still NULL.
-- serves: R12
UPDATE agent_runs
SET assistant_message_id = coalesce(:assistant_message_id::text, assistant_message_id),
    started_at = coalesce(started_at, now()),
    trace_id = coalesce(trace_id, gen_random_uuid())
-- Zerg ran three setters with a commit each; one statement here. The app makes the uuid
-- when the client sent no message id, as Zerg did. Unconditional on status, as in Zerg.
WHERE id = :run_id::bigint
RETURNING *;


-- name: mark_run_paused(run_id, status, duration_ms, add_tokens)^
-- running -> waiting / deferred with its duration (None: since started_at) and tokens added (None keeps); None if not running.
-- serves: R13, R14
UPDATE agent_runs
SET status = :status::text,
    duration_ms = coalesce(:duration_ms::int,
                           (extract(epoch FROM now() - coalesce(started_at, created_at)) * 1000)::int),
    total_tokens = CASE WHEN :add_tokens::int IS NULL THEN total_tokens
                        ELSE coalesce(total_tokens, 0) + :add_tokens::int END
-- Deferred (R13): the supervisor stopped waiting, the work goes on. Waiting (R14): workers
-- are pending; run it in the transaction of the barrier (W16, or the re-arm of W19).
-- Tokens are added, never overwritten, so a resumed run that waits again keeps the first
-- part's usage (Zerg's +=); a NULL total counts as 0.
WHERE id = :run_id::bigint
  AND status = 'running'
  AND :status::text IN ('waiting', 'deferred')
RETURNING *;


-- name: transition_run(run_id, from_status, to_status)^
-- Move a run from :from_status to a non-final :to_status; None if it was not in :from_status.
UPDATE agent_runs SET status = :to_status::text
WHERE id = :run_id::bigint
  AND status = :from_status::text
  AND :to_status::text IN ('queued', 'running', 'waiting', 'deferred')
RETURNING *;


-- name: resume_run(run_id)^
-- waiting -> running (workers done, or a continuation picked up); None if not waiting.
-- serves: R18
UPDATE agent_runs SET status = 'running'
WHERE id = :run_id::bigint AND status = 'waiting'
RETURNING *;


-- name: finish_run(run_id, status, total_tokens, total_cost_usd, error, summary)^
-- End an unfinished run as success / failed / cancelled with its totals; None if already finished.
-- serves: R10, R11, R15, R16, R17
UPDATE agent_runs
SET status = :status::text,
    finished_at = now(),
    duration_ms = (extract(epoch FROM now() - coalesce(started_at, created_at)) * 1000)::int,
    total_tokens = coalesce(:total_tokens::int, total_tokens),
    total_cost_usd = coalesce(:total_cost_usd::float8, total_cost_usd),
    error = :error::text,
    summary = coalesce(:summary::text, summary)
WHERE id = :run_id::bigint
  AND status IN ('queued', 'running', 'waiting', 'deferred')
  AND :status::text IN ('success', 'failed', 'cancelled')
RETURNING *;


-- name: cancel_run(run_id, cancel_reason)^
-- Cancel an unfinished run with a reason; None if already finished.
-- serves: R17
UPDATE agent_runs
SET status = 'cancelled', cancel_reason = :cancel_reason::text, finished_at = now()
WHERE id = :run_id::bigint AND status IN ('queued', 'running', 'waiting', 'deferred')
RETURNING *;


-- name: list_unfinished_runs()
-- Runs startup recovery would fail: running, queued, and deferred without a finished continuation (fix, see recover_unfinished_runs), in id order.
-- serves: R19
SELECT r.* FROM agent_runs AS r
-- Only unfinished runs are read, through agent_runs_unfinished_idx (partial); the same
-- filter as recover_unfinished_runs, whose comments say why each part is there.
WHERE r.id = ANY (ARRAY(
    SELECT u.id FROM agent_runs AS u WHERE u.status IN ('running', 'queued')
    UNION ALL
    SELECT d.id FROM agent_runs AS d
    WHERE d.status = 'deferred'
      AND NOT EXISTS (
          SELECT FROM agent_runs AS c
          WHERE c.continuation_of_run_id = d.id
            AND c.continuation_of_run_id IS NOT NULL
            AND c.trigger = 'continuation'
            AND c.status IN ('success', 'failed', 'cancelled'))))
ORDER BY r.id;


-- name: recover_unfinished_runs(error)
-- At startup: fail every running, queued or deferred run, duration_ms when it had started; fix: not a deferred run whose continuation finished; returns them.
-- serves: R19
UPDATE agent_runs AS r
SET status = 'failed',
    finished_at = now(),
    duration_ms = CASE WHEN r.started_at IS NOT NULL
                       THEN (extract(epoch FROM now() - r.started_at) * 1000)::int
                       ELSE r.duration_ms END,
    error = :error::text
-- One statement (Zerg: one commit). duration_ms = now - started_at for runs that started,
-- unchanged (NULL) for runs never started, as Zerg. Fix: a deferred run whose continuation
-- already finished (success / failed / cancelled) delivered its answer and is not failed
-- (Zerg's recovery turned those into "orphaned" failures); a deferred run whose
-- continuation is unfinished fails together with it. Two branches, so each reads only
-- its own statuses from agent_runs_unfinished_idx (an OR would make the NOT EXISTS a hashed
-- subplan over every continuation); "continuation_of_run_id IS NOT NULL" lets a hash join
-- read the partial agent_runs_continuation_of_run_id_key (which carries trigger and
-- status) instead of the table; the ids as
-- an array, so the runs are fetched by primary key at any table size.
WHERE r.id = ANY (ARRAY(
    SELECT u.id FROM agent_runs AS u WHERE u.status IN ('running', 'queued')
    UNION ALL
    SELECT d.id FROM agent_runs AS d
    WHERE d.status = 'deferred'
      AND NOT EXISTS (
          SELECT FROM agent_runs AS c
          WHERE c.continuation_of_run_id = d.id
            AND c.continuation_of_run_id IS NOT NULL
            AND c.trigger = 'continuation'
            AND c.status IN ('success', 'failed', 'cancelled'))))
RETURNING r.*;


-- name: delete_run(run_id)!
-- Delete a run with its events and barrier (FK cascades); its worker jobs stay, detached.
DELETE FROM agent_runs WHERE id = :run_id::bigint;
