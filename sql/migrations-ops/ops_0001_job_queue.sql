-- The durable job queue (ops.job_queue) and its run history (ops.runs), in the shape
-- Zerg's code expects (zerg-schema-at-seed.md §2). Applied only where this repo may own
-- the ops schema (dev and test); in prod, ops belongs to another repo. Every name is
-- qualified with ops. so the file does not depend on search_path.
--
-- id is text holding a uuid string, not uuid: Zerg generates str(uuid4()) client-side
-- and compares ids as strings, the anchors in queue-anchors.md were measured with text,
-- and a text key lets enqueue_many pass ids as one text[] without per-element casts. The
-- default (gen_random_uuid()::text) covers callers that leave it out.
CREATE SCHEMA IF NOT EXISTS ops;

-- fillfactor 80: a job row changes status twice (queued -> running -> success) and those
-- updates can never be HOT (status is in the partial index's predicate), but lease
-- extensions (heartbeats) touch only unindexed columns and can be HOT when the page has
-- room; 20 percent free space keeps them HOT and keeps new versions on the same page.
-- Autovacuum: every finished job leaves about two dead tuples and the claim scan slows
-- down stepping over dead index entries (queue-anchors.md §4: a sawtooth between about
-- 5k and 1.7k jobs/s with default settings, vacuum starting only past 20 percent of the table).
-- So this table is vacuumed after a fixed number of dead tuples regardless of its size
-- (scale factor 0, threshold 10,000), without cost-based throttling (cost_delay 0) so
-- each vacuum finishes in seconds, and analyzed often enough for the planner to keep
-- using the partial index. autovacuum_naptime (once a minute per database by default)
-- is a server setting and cannot be set per table; docs/queue.md says more.
CREATE TABLE ops.job_queue (
    id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    job_id text NOT NULL,
    status text NOT NULL DEFAULT 'queued'
        CONSTRAINT job_queue_status_check
        CHECK (status IN ('queued', 'running', 'success', 'dead')),
    scheduled_for timestamptz NOT NULL DEFAULT now(),
    -- squawk-ignore prefer-bigint-over-int -- attempts of one job: a handful
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- squawk-ignore prefer-bigint-over-int -- configured per job: a handful
    max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    lease_owner text,
    lease_expires_at timestamptz,
    dedupe_key text CONSTRAINT job_queue_dedupe_key_key UNIQUE,
    payload jsonb,
    last_error text,
    started_at timestamptz,
    finished_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- A running job always has a lease; other states never keep one.
    CONSTRAINT job_queue_lease_check CHECK (
        (status = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
) WITH (
    fillfactor = 80,
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 10000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_vacuum_cost_delay = 0,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_analyze_threshold = 10000
);

COMMENT ON TABLE ops.job_queue IS
    'Durable job queue: queued -> running -> success | dead; running -> queued on retry. '
    'Queries in sql/queries/job_queue.sql; worker in zerg_sql/queue_worker.py.';

-- Claims scan this index from the oldest due job. Partial: finished jobs (the bulk of
-- the table over time) are not in it, so it stays small; queue-anchors.md measured it as
-- fast as (status, scheduled_for) and smaller.
CREATE INDEX job_queue_due_idx ON ops.job_queue (scheduled_for)
    WHERE status IN ('queued', 'running');
-- get_last_scheduled_for: max(scheduled_for) per job id.
CREATE INDEX job_queue_job_id_scheduled_for_idx ON ops.job_queue (job_id, scheduled_for);
-- list_recent_queue_entries and purge_finished_jobs.
CREATE INDEX job_queue_created_at_idx ON ops.job_queue (created_at);

-- One row per finished run (success or failure), written by the worker. Insert-only.
CREATE TABLE ops.runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_key text NOT NULL,
    job_id text NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    -- squawk-ignore prefer-bigint-over-int -- milliseconds of one run: 24 days max is plenty
    duration_ms integer,
    status text NOT NULL CONSTRAINT runs_status_check CHECK (status IN ('success', 'failure')),
    -- squawk-ignore prefer-bigint-over-int -- a process exit code
    exit_code integer,
    error_message text,
    error_type text,
    summary text,
    stdout_tail text,
    tags text[],
    project text,
    source_host text,
    metadata jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT runs_job_key_started_at_key UNIQUE (job_key, started_at)
);

CREATE INDEX runs_job_id_started_at_idx ON ops.runs (job_id, started_at);
