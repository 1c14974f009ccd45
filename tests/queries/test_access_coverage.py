"""Traceability of issue 18: every access of docs/reference/service-accesses.md is served by
a named query whose comment block names its ID (`-- serves: U02`), and no query names an ID
the reference does not have. One test per domain, so a domain's gaps show on their own."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from zerg_sql.config import ROOT
from zerg_sql.queries import definitions

REFERENCE = ROOT / "docs" / "reference" / "service-accesses.md"
ROW = re.compile(r"^\| ([A-Z]\d{2}) \|", re.M)


def reference_ids() -> list[str]:
    return ROW.findall(REFERENCE.read_text())


def served() -> dict[str, list[str]]:
    by_id: dict[str, list[str]] = {}
    for d in definitions().values():
        for access in d.serves:
            by_id.setdefault(access, []).append(d.name)
    return by_id


def test_the_reference_is_read():
    ids = reference_ids()
    assert len(ids) == len(set(ids)) >= 248
    assert {"U01", "A15", "T25", "R01", "I09"} <= set(ids)


@pytest.mark.parametrize("domain", sorted({i[0] for i in reference_ids()}))
def test_every_access_of_the_domain_is_served(domain):
    by_id = served()
    missing = [i for i in reference_ids() if i[0] == domain and i not in by_id]
    assert missing == [], f"no query names these IDs in a '-- serves:' line: {', '.join(missing)}"


def test_no_query_names_an_unknown_access():
    known = set(reference_ids())
    unknown = {i: names for i, names in served().items() if i not in known}
    assert unknown == {}


def test_query_list_shows_and_finds_the_ids():
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "zerg_sql", "query", "list", *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    listed = {d["name"]: d for d in json.loads(cli("--json").stdout)}
    assert listed["get_run_quota"]["serves"] == ["U14", "U15", "U16"]
    assert all(listed[n]["serves"] == list(d.serves) for n, d in definitions().items())
    line = next(x for x in cli().stdout.splitlines() if x.startswith("get_user_by_email "))
    assert " U02 " in line and "users.sql" in line
    found = cli("--serves", "a15")                      # any case
    assert sorted(x.split()[0] for x in found.stdout.splitlines()) == \
        ["list_locked_agents", "lock_agent", "release_agent_lock"]
    none = cli("--serves", "Z99")
    assert none.returncode == 1 and "no query serves Z99" in none.stderr
