"""zerg-sql query list | show | run, as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

from zerg_sql.config import ROOT
from zerg_sql.queries import queries


def cli(url, *args, env_name="test", stdin=None):
    return subprocess.run([sys.executable, "-m", "zerg_sql", "--env", env_name, "--database-url", url, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, input=stdin)


def test_list_and_show(fresh_db_url):
    r = cli(fresh_db_url, "query", "list", "--json")
    data = {d["name"]: d for d in json.loads(r.stdout)}
    assert set(data) == set(queries.available_queries)
    assert data["get_active_run"]["returns"] == "row" and data["get_active_run"]["reads_only"] is True
    assert data["claim_worker_jobs"]["reads_only"] is False and data["lock_worker_barrier"]["reads_only"] is False
    text = cli(fresh_db_url, "query", "list").stdout
    assert any(line.startswith("get_run ") and "runs.sql" in line for line in text.splitlines())
    show = cli(fresh_db_url, "query", "show", "get_active_run")
    assert show.returncode == 0 and "sql/queries/runs.sql:" in show.stdout and "-- name: get_active_run(agent_id)^" in show.stdout
    missing = cli(fresh_db_url, "query", "show", "get_rnu")
    assert missing.returncode == 1 and "no query named get_rnu" in missing.stderr


def test_run_types_parameters_and_prints_a_table(fresh_db_url):
    made = cli(fresh_db_url, "query", "run", "create_user", "-p", "email=42", "-p", "display_name=Ann | Lee")
    assert made.returncode == 0, made.stderr
    assert "NULL: provider" in made.stderr                       # omitted parameters are NULL
    lines = made.stdout.splitlines()
    assert lines[0].split(" | ")[:3] == ["id", "provider", "provider_user_id"] and lines[-1] == "(1 row)"
    # '42' stayed a string for the text parameter; '1' is an int for the bigint one.
    got = cli(fresh_db_url, "query", "run", "get_user", "-p", "user_id=1", "--json")
    assert json.loads(got.stdout)["email"] == "42"
    ctx = cli(fresh_db_url, "query", "run", "update_user_context", "-p", "user_id=1", "-p", 'context={"a": [1, 2]}',
              "--json")
    assert json.loads(ctx.stdout)["context"] == {"a": [1, 2]}
    assert cli(fresh_db_url, "query", "run", "count_users").stdout.strip() == "1"
    listed = cli(fresh_db_url, "query", "run", "list_users", "-p", "after_id=0", "-p", "limit_rows=5")
    assert "(1 row)" in listed.stdout
    rows = cli(fresh_db_url, "query", "run", "mark_messages_processed", "-p", "message_ids=[1, 2]")
    assert rows.returncode == 0 and rows.stdout.strip() == "0 rows affected"


def test_run_refuses_bad_input_clearly(fresh_db_url):
    bad = cli(fresh_db_url, "query", "run", "get_user", "-p", "user_id=abc")
    assert bad.returncode == 2 and "user_id='abc' is not a valid bigint" in bad.stderr
    unknown = cli(fresh_db_url, "query", "run", "get_user", "-p", "nope=1")
    assert unknown.returncode == 2 and "get_user has no parameter 'nope'" in unknown.stderr
    null = cli(fresh_db_url, "query", "run", "create_user")
    assert null.returncode == 1 and "query create_user, parameter email: null value" in null.stderr
    many = cli(fresh_db_url, "query", "run", "insert_llm_audits")
    assert many.returncode == 1 and "executemany" in many.stderr


def test_writes_need_confirmation_on_protected_environments_and_rollback_works(fresh_db_url):
    prod = cli(fresh_db_url, "query", "run", "create_user", "-p", "email=p@example.com", env_name="prod")
    assert prod.returncode == 1 and "protected" in prod.stderr
    # Reads run without --yes, in a read-only transaction.
    assert cli(fresh_db_url, "query", "run", "count_users", env_name="prod").stdout.strip() == "0"
    dry = cli(fresh_db_url, "query", "run", "create_user", "-p", "email=d@example.com", "--rollback")
    assert dry.returncode == 0 and "rolled back" in dry.stderr
    assert cli(fresh_db_url, "query", "run", "count_users").stdout.strip() == "0"
    yes = cli(fresh_db_url, "query", "run", "create_user", "-p", "email=p@example.com", "--yes", env_name="prod")
    assert yes.returncode == 0, yes.stderr
    assert cli(fresh_db_url, "query", "run", "count_users").stdout.strip() == "1"
