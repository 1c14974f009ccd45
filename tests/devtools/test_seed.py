"""zerg-sql seed: sizes, referential consistency, the mix of states, determinism (real PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from tests.conftest import test_env_for

from zerg_sql.config import ZergError
from zerg_sql.db import connect
from zerg_sql.migrate import Runner
from zerg_sql.queries import queries
from zerg_sql.devtools.seed import seed, seed_queries

SCALE = 0.02
# Rows per scale unit of the big tables (sql/seed/seed.sql) and the tolerance of the per-run averages.
EXPECTED = {"seed_run_events": 1_000_000, "seed_thread_messages": 2_000_000, "seed_worker_jobs": 500_000,
            "seed_llm_audit_log": 1_000_000}
TIME_DEPENDENT = ("stuck", "orphaned")  # these kinds depend on when the profile is read


def profile(url: str) -> dict[tuple[str, str], int]:
    with connect(url, search_path=("zerg", "public")) as conn:
        return {(r["table_name"], r["kind"]): r["rows"] for r in seed_queries().seed_profile(conn)}


def orphans(url: str) -> dict[str, int]:
    with connect(url, search_path=("zerg", "public")) as conn:
        seed_queries().create_orphan_counter(conn)
        return {r["constraint_name"]: r["orphans"] for r in seed_queries().count_seed_orphans(conn)}


def index_definitions(url: str) -> list[dict]:
    with connect(url, search_path=("zerg", "public")) as conn:
        return list(seed_queries().seed_index_definitions(conn))


@pytest.fixture(scope="module")
def seeded(pg, template_db):
    name = f"seed_{uuid.uuid4().hex[:10]}"
    url = pg.create_database(name, template=template_db)
    lines: list[str] = []
    indexes = index_definitions(url)
    counts = seed(test_env_for(url), SCALE, out=lines.append)
    yield url, counts, lines, indexes
    pg.drop_database(name)


def test_indexes_are_built_after_the_load_of_an_empty_database_and_left_as_they_were(seeded):
    url, _counts, lines, before = seeded
    # A fresh database: the big tables' secondary indexes were dropped for the load and built after it.
    for table in ("llm_audit_log", "thread_messages", "agent_run_events", "worker_jobs"):
        assert any(line.startswith(table) and "indexes built after the load" in line for line in lines), table
    assert index_definitions(url) == before
    assert len(before) > 60


def test_sizes_follow_the_scale(seeded):
    _url, counts, _lines, _indexes = seeded
    assert counts["seed_users"] == 20 and counts["seed_agents"] == 60 and counts["seed_threads"] == 600
    assert counts["seed_runs"] == 2000 and 0 < counts["seed_continuations"] < 100
    for step, per_unit in EXPECTED.items():
        assert abs(counts[step] - per_unit * SCALE) <= 0.05 * per_unit * SCALE, step
    assert counts["seed_queue_jobs"] == 200


def test_every_foreign_key_holds(seeded):
    url, _counts, _lines, _indexes = seeded
    found = orphans(url)
    # The load skipped the per-row FK triggers (superuser): every FK of the seeded tables is checked here.
    for fk in ("agent_runs_thread_id_fkey", "agent_run_events_run_id_fkey", "thread_messages_thread_id_fkey",
               "worker_jobs_supervisor_run_id_fkey", "llm_audit_log_run_id_fkey", "barrier_jobs_job_id_fkey",
               "agent_runs_continuation_of_run_id_fkey"):
        assert fk in found
    assert {k: v for k, v in found.items() if v} == {}


def test_seeded_error_signatures_are_the_functions(seeded):
    # The seed writes the signatures out (its triggers are off); they must be what the trigger stores.
    url, _counts, _lines, _indexes = seeded
    with connect(url, search_path=("zerg", "public")) as conn:
        wrong = {r["table_name"]: r["wrong"] for r in seed_queries().count_wrong_error_signatures(conn)}
        failed = conn.execute("SELECT count(*) AS n FROM agent_runs WHERE error_signature IS NOT NULL").fetchone()
    assert wrong == {"agent_runs": 0, "worker_jobs": 0}
    assert failed["n"] > 0


def test_the_mix_has_every_state_the_dashboards_show(seeded):
    url, counts, _lines, _indexes = seeded
    p = profile(url)
    for status in ("success", "failed", "cancelled", "deferred", "running", "waiting", "queued"):
        assert p.get(("agent_runs", status), 0) > 0, status
    assert p[("agent_runs", "continuation")] == p[("agent_runs", "deferred")] == counts["seed_continuations"]
    assert 0.05 < p[("agent_runs", "failed")] / 2000 < 0.12
    for kind in ("success", "failed", "cancelled", "queued", "running", "created",
                 "stuck (running, started over 10 min ago)", "orphaned (created over 5 min ago)"):
        assert p.get(("worker_jobs", kind), 0) > 0, kind
    audit = counts["seed_llm_audit_log"]
    assert 0.01 < p[("llm_audit_log", "error")] / audit < 0.03
    assert 0.003 < p[("llm_audit_log", "slow (over 60 s)")] / audit < 0.02
    assert p[("llm_audit_log", "no run")] > 0
    assert any(kind.endswith("(unprocessed)") for table, kind in p if table == "thread_messages")
    with connect(url, search_path=("zerg", "public")) as conn:
        stuck = list(queries.list_reliability_stuck_workers(conn, threshold_mins=10, max_rows=50, orphan_mins=5,
                                                            as_of=None))
        errors = list(queries.list_reliability_errors(conn, hours=24, max_rows=50, as_of=None))
    assert stuck and errors


def test_the_seed_is_repeatable_and_can_run_twice(pg, template_db, seeded):
    url, counts, _lines, _indexes = seeded
    name = f"seed_{uuid.uuid4().hex[:10]}"
    other = pg.create_database(name, template=template_db)
    try:
        kept: list[str] = []
        again = seed(test_env_for(other), SCALE, out=kept.append, parallel=False, defer_indexes=False)
        assert again == counts
        assert not any("indexes built after the load" in line for line in kept)
        stable = {k: v for k, v in profile(url).items() if not k[1].startswith(TIME_DEPENDENT)}
        assert {k: v for k, v in profile(other).items() if not k[1].startswith(TIME_DEPENDENT)} == stable
        # A second seed into the same database adds a second, separate batch (unique keys apart),
        # through the indexes (the tables are not empty: nothing is dropped), FKs checked per row.
        lines: list[str] = []
        with pytest.raises(ZergError, match="already holds a seed .* pass --force"):
            seed(test_env_for(other), SCALE, out=lines.append)
        third = seed(test_env_for(other), SCALE, out=lines.append, check_fks=True, force=True)
        assert third == counts
        assert not any("indexes built after the load" in line for line in lines)
        assert "checked per row" in lines[-1]
        assert index_definitions(other) == index_definitions(url)
        assert profile(other)[("agent_runs", "success")] == 2 * stable[("agent_runs", "success")]
        assert {k: v for k, v in orphans(other).items() if v} == {}
    finally:
        pg.drop_database(name)


def test_rows_per_second_are_reported(seeded):
    _url, _counts, lines, _indexes = seeded
    assert any(line.startswith("llm_audit_log") for line in lines)
    assert "rows/s" in lines[-1] and "foreign keys" in lines[-1]


@pytest.mark.parametrize("scale", [0, -1, 101])
def test_bad_scale_is_refused(fresh_db_url, scale):
    with pytest.raises(ZergError, match="scale"):
        seed(test_env_for(fresh_db_url), scale, out=lambda _: None)


def test_a_half_migrated_database_is_refused(pg, empty_db_url):
    with Runner(test_env_for(empty_db_url), out=lambda _: None) as runner:
        runner.migrate()
        runner.rollback(steps=3)
    with pytest.raises(ZergError, match=r"seed needs a fully migrated database: 3 migration\(s\) pending"):
        seed(test_env_for(empty_db_url), SCALE, out=lambda _: None)


def test_protected_environment_is_refused(fresh_db_url):
    with pytest.raises(ZergError, match="protected"):
        seed(test_env_for(fresh_db_url, protected=True), SCALE, out=lambda _: None)
    result = subprocess.run([sys.executable, "-m", "zerg_sql", "--env", "prod", "--database-url", fresh_db_url,
                             "seed", "--scale", "0.01"], capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "protected" in result.stderr
    with connect(fresh_db_url, search_path=("zerg", "public")) as conn:
        assert queries.count_llm_audit_since(conn, since=None)["calls"] == 0
