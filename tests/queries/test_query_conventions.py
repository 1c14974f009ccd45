"""Conventions of every file in sql/queries (all engineers' files), checked as written."""

from __future__ import annotations

import re

import pytest

from zerg_sql.config import SQL_DIR
from zerg_sql.queries import SERVES_LINE, definitions, header_comments, parse_definitions, queries

FILES = sorted((SQL_DIR / "queries").glob("*.sql"))
# verb_noun: the verb says what the query does to the data.
VERBS = {
    "get", "list", "count", "find", "search", "read",                        # reads
    "create", "insert", "append", "add", "record", "enqueue", "save", "upsert",  # writes
    "update", "set", "mark", "touch", "transition", "increment", "extend",
    "start", "resume", "queue", "requeue", "claim", "complete", "finish", "fail", "cancel",
    "timeout", "revoke", "consume", "release", "lock", "recover", "reap",
    "delete", "purge", "listen",
}


def test_query_files_exist_and_load_with_declared_parameters():
    assert len(FILES) >= 16
    names = set(definitions())           # also raises on a name defined twice (one namespace)
    assert names == set(queries.available_queries)
    for d in definitions().values():
        fn = getattr(queries, d.name)
        assert d.params is not None, f"{d.name}: declare the parameters in the name line, () if none"
        assert tuple(fn.parameters) == d.params, d.name


def problems_in(path):
    text = path.read_text()
    problems = []
    for d in parse_definitions(path):
        where = f"{path.name}:{d.line} {d.name}"
        verb = d.name.split("_", 1)[0]
        if "_" not in d.name or verb not in VERBS or d.name != d.name.lower():
            problems.append(f"{where}: name is not verb_noun with a known verb ({verb})")
        if d.suffix == "<!":
            problems.append(f"{where}: no <! queries (use ^ with RETURNING)")
        lines = d.text.splitlines()
        header = header_comments(lines)
        docs = [line for line in header if not SERVES_LINE.match(line)]
        if not (len(docs) == 1 and docs[0].startswith("-- ") and len(lines) > len(header) + 1
                and not lines[len(header) + 1].lstrip().startswith("--")):
            problems.append(f"{where}: exactly one '-- doc' line must follow the name line "
                            "(besides '-- serves:' lines)")
        for line in header:
            if SERVES_LINE.match(line) and not re.fullmatch(r"--\s*serves:\s*[A-Z]\d{2}(,\s*[A-Z]\d{2})*\s*", line):
                problems.append(f"{where}: write '-- serves: U01, A02' (IDs of docs/reference/service-accesses.md)")
        body = "\n".join(lines[len(header) + 1:])
        for m in re.finditer(r"\$(\w*)\$(.*?)\$\1\$", body, re.S):
            if re.search(r"(?<!:):[A-Za-z_]\w*", m.group(2)):
                problems.append(f"{where}: :word inside a $$ body (aiosql would take it for a parameter)")
    if "%" in text:
        problems.append(f"{path.name}: literal % (pass LIKE patterns as parameters)")
    return problems


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_query_follows_the_conventions(path):
    problems = problems_in(path)
    assert not problems, "\n".join(problems)


# The service query files (the dashboards' and the queue's follow their own docs): every
# parameter carries its ::type, which the runtime type check of zerg_sql.queries reads.
SERVICE_FILES = ["agents", "barriers", "connectors", "knowledge", "llm_audit", "memory", "run_events", "runners",
                 "runs", "sync", "tasks", "threads", "usage", "users", "waitlist", "worker_jobs", "workflows"]


@pytest.mark.parametrize("stem", SERVICE_FILES)
def test_service_query_parameters_are_all_cast(stem):
    for d in parse_definitions(SQL_DIR / "queries" / f"{stem}.sql"):
        body = "\n".join(line for line in d.text.splitlines()[2:] if not line.lstrip().startswith("--"))
        uncast = re.findall(r"(?<!:):(\w+)(?!\w|::)", body)
        assert not uncast, f"{d.name}: parameters without ::type: {uncast}"


def test_checks_catch_bad_files(tmp_path):
    bad = tmp_path / "bad.sql"
    bad.write_text("-- name: frobnicate_run(run_id)<!\nSELECT 1 WHERE 'x' LIKE '%' AND :run_id::bigint > 0;\n\n"
                   "-- name: get_thing()\n-- doc\n-- second doc line\nDO $$ BEGIN PERFORM :oops; END $$;\n\n"
                   "-- name: get_other()\n-- serves: U01\n-- doc\n-- serves: U02, A10\nSELECT 1;\n\n"
                   "-- name: get_third()\n-- doc\n-- serves: u1\nSELECT 1;\n")
    found = "\n".join(problems_in(bad))
    assert "frobnicate_run: name is not verb_noun" in found
    assert "frobnicate_run: no <! queries" in found
    assert "frobnicate_run: exactly one '-- doc' line" in found
    assert "get_thing: exactly one '-- doc' line" in found
    assert "get_thing: :word inside a $$ body" in found
    assert "literal %" in found
    assert "get_other" not in found                      # serves lines around the one doc line
    assert "get_third: write '-- serves: U01, A02'" in found
    assert [d.serves for d in parse_definitions(bad)][2:] == [("U01", "U02", "A10"), ("u1",)]
