"""zerg-sql prune: batched retention deletes of llm_audit_log and agent_run_events (real PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from tests.conftest import test_env_for

from zerg_sql.config import ZergError
from zerg_sql.db import connect
from zerg_sql.migrate import Runner
from zerg_sql.prune import parse_age, prune
from zerg_sql.queries import queries
from zerg_sql.devtools.seed import seed

AGE = timedelta(days=7)
FAR_FUTURE = datetime.now(timezone.utc) + timedelta(days=365)


@pytest.fixture(scope="module")
def seeded_template(pg, template_db):
    """A seeded database (scale 0.01: about 10,000 LLM calls and run events over 30 days), cloned per test."""
    name = f"prune_tpl_{uuid.uuid4().hex[:8]}"
    url = pg.create_database(name, template=template_db)
    seed(test_env_for(url), 0.01, out=lambda _: None)
    yield name
    pg.drop_database(name)


@pytest.fixture
def seeded_url(pg, seeded_template):
    name = f"prune_{uuid.uuid4().hex[:12]}"
    url = pg.create_database(name, template=seeded_template)
    yield url
    pg.drop_database(name)


def counts(url: str, cutoff: datetime) -> dict[str, int]:
    """Rows older than the cutoff, and all rows, of both tables."""
    with connect(url, search_path=("zerg", "public")) as conn:
        return {
            "audit_old": queries.count_llm_audit_before(conn, cutoff=cutoff),
            "audit_all": queries.count_llm_audit_before(conn, cutoff=FAR_FUTURE),
            "events_old": queries.count_run_events_before(conn, cutoff=cutoff),
            "events_all": queries.count_run_events_before(conn, cutoff=FAR_FUTURE),
        }


def test_prune_deletes_old_rows_and_keeps_new_ones(seeded_url):
    now = datetime.now(timezone.utc)
    cutoff = now - AGE
    before = counts(seeded_url, cutoff)
    assert before["audit_old"] > 1000 and before["events_old"] > 1000
    assert before["audit_all"] > before["audit_old"] and before["events_all"] > before["events_old"]

    result = prune(test_env_for(seeded_url), AGE, batch_size=700, now=now, out=lambda _: None)

    after = counts(seeded_url, cutoff)
    assert after["audit_old"] == 0 and after["events_old"] == 0
    assert after["audit_all"] == before["audit_all"] - before["audit_old"]
    assert after["events_all"] == before["events_all"] - before["events_old"]
    assert result["llm_audit_log"].deleted == before["audit_old"]
    assert result["agent_run_events"].deleted == before["events_old"]
    # Batches are bounded: none deletes more than the batch size.
    for table, old in (("llm_audit_log", before["audit_old"]), ("agent_run_events", before["events_old"])):
        assert result[table].batches == -(-old // 700)
        assert len(result[table].batch_ms) == result[table].batches


def test_prune_stops_after_max_batches_with_exact_batch_sizes(seeded_url):
    now = datetime.now(timezone.utc)
    cutoff = now - AGE
    before = counts(seeded_url, cutoff)
    result = prune(test_env_for(seeded_url), AGE, tables=("llm_audit_log",), batch_size=50, max_batches=3, now=now,
                   out=lambda _: None)
    after = counts(seeded_url, cutoff)
    assert result["llm_audit_log"].deleted == 150 and result["llm_audit_log"].batches == 3
    assert after["audit_old"] == before["audit_old"] - 150
    assert after["events_all"] == before["events_all"]  # the other table was not asked for


def test_dry_run_counts_and_changes_nothing(seeded_url):
    now = datetime.now(timezone.utc)
    before = counts(seeded_url, now - AGE)
    result = prune(test_env_for(seeded_url), AGE, dry_run=True, now=now, out=lambda _: None)
    assert result["llm_audit_log"].would_delete == before["audit_old"]
    assert result["agent_run_events"].would_delete == before["events_old"]
    assert result["llm_audit_log"].deleted == 0
    assert counts(seeded_url, now - AGE) == before


def test_protected_environment_needs_confirmation(seeded_url):
    now = datetime.now(timezone.utc)
    before = counts(seeded_url, now - AGE)
    protected = test_env_for(seeded_url, protected=True)
    with pytest.raises(ZergError, match="protected"):
        prune(protected, AGE, now=now, out=lambda _: None)
    assert counts(seeded_url, now - AGE) == before
    # A dry run needs no confirmation; a confirmed prune deletes.
    assert prune(protected, AGE, dry_run=True, now=now, out=lambda _: None)["llm_audit_log"].would_delete > 0
    prune(protected, AGE, confirmed=True, now=now, out=lambda _: None)
    assert counts(seeded_url, now - AGE)["audit_old"] == 0


@pytest.mark.parametrize("text, expected", [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)),
                                            ("90m", timedelta(minutes=90)), (" 2 min ", timedelta(minutes=2))])
def test_parse_age(text, expected):
    assert parse_age(text) == expected


@pytest.mark.parametrize("text", ["", "30", "7x", "0d", "-3d", "d"])
def test_parse_age_rejects_bad_input(text):
    with pytest.raises(ZergError, match="older-than"):
        parse_age(text)


def test_bad_batch_size_is_refused_before_anything_changes(seeded_url):
    before = counts(seeded_url, datetime.now(timezone.utc) - AGE)
    with pytest.raises(ZergError, match="batch-size"):
        prune(test_env_for(seeded_url), AGE, batch_size=0, out=lambda _: None)
    assert counts(seeded_url, datetime.now(timezone.utc) - AGE) == before


def cli(url: str, env: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zerg_sql", "--env", env, "--database-url", url, "prune", *args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)


def test_cli_dry_run_then_prune(seeded_url):
    cutoff = datetime.now(timezone.utc) - AGE
    before = counts(seeded_url, cutoff)
    dry = cli(seeded_url, "test", "--older-than", "7d", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    # Rows age while the test runs: the CLI's cutoff is a little later than ours.
    assert report["llm_audit_log"]["would_delete"] >= before["audit_old"]
    assert counts(seeded_url, cutoff)["audit_all"] == before["audit_all"]

    done = cli(seeded_url, "test", "--older-than", "7d", "--batch-size", "1000", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["llm_audit_log"]["deleted"] >= before["audit_old"]
    assert report["llm_audit_log"]["batches"] >= before["audit_old"] // 1000
    assert counts(seeded_url, cutoff)["audit_old"] == 0


def test_cli_refuses_protected_without_yes_and_bad_age(seeded_url):
    cutoff = datetime.now(timezone.utc) - AGE
    before = counts(seeded_url, cutoff)
    refused = cli(seeded_url, "prod", "--older-than", "7d")
    assert refused.returncode == 1
    assert "protected" in refused.stderr and "--yes" in refused.stderr
    bad = cli(seeded_url, "test", "--older-than", "soon")
    assert bad.returncode == 1 and "older-than" in bad.stderr
    assert counts(seeded_url, cutoff) == before


def test_the_batch_queries_one_by_one(seeded_url):
    now = datetime.now(timezone.utc)
    cutoff = now - AGE
    before = counts(seeded_url, cutoff)
    with connect(seeded_url, search_path=("zerg", "public")) as conn:
        assert queries.set_prune_timeouts(conn, lock_timeout="2s", statement_timeout="30s") == "2s 30s"
        conn.rollback()  # the settings were local to that transaction
        assert queries.delete_llm_audit_batch(conn, cutoff=cutoff, batch_size=25) == 25
        boundary = queries.get_run_events_boundary(conn, cutoff=cutoff)
        assert boundary is not None
        first = queries.delete_run_events_batch(conn, cutoff=cutoff, after_id=0, boundary_id=boundary, batch_size=30)
        assert first["deleted"] == 30 and first["last_id"] < boundary
        second = queries.delete_run_events_batch(conn, cutoff=cutoff, after_id=first["last_id"],
                                                 boundary_id=boundary, batch_size=30)
        assert second["deleted"] == 30 and second["last_id"] > first["last_id"]
        # Nothing at or after the boundary, nor newer than the cutoff, is ever touched.
        none = queries.delete_run_events_batch(conn, cutoff=cutoff, after_id=boundary - 1, boundary_id=boundary,
                                               batch_size=30)
        assert none["deleted"] == 0 and none["last_id"] is None
        conn.commit()
    after = counts(seeded_url, cutoff)
    assert after["audit_old"] == before["audit_old"] - 25 and after["audit_all"] == before["audit_all"] - 25
    assert after["events_old"] == before["events_old"] - 60 and after["events_all"] == before["events_all"] - 60
