"""Password masking hides a password wherever it can stand without masking ordinary words
(issue 17): docker-compose's dev URL is postgresql://zerg:zerg@..., and `status` must still
say database=zerg schema=zerg."""

from __future__ import annotations

import secrets
import subprocess
import sys
from urllib.parse import quote

from zerg_sql.config import ROOT, get_environment
from zerg_sql.urls import normalize_url, scrub

SHORT = "zerg"
LONG = secrets.token_urlsafe(24) + "/+:@x"      # random, with characters a URL must encode


SPOTS = ["postgresql://zerg:{enc}@db:5432/zerg", "postgres://zerg:{enc}@db/zerg?sslmode=require",
         "host=db user=zerg password={pw} dbname=zerg", "PGPASSWORD={pw}", "password = '{pw}' user=zerg",
         "ALTER ROLE zerg PASSWORD '{pw}'", '{{"password": "{pw}", "user": "zerg"}}']


def spots(password: str) -> list[tuple[str, str]]:
    """Every place a password can stand in what we print, and that text masked."""
    return [(s.format(pw=password, enc=quote(password, safe="")),
             s.format(pw="***", enc="***").replace("'***' user", "*** user")) for s in SPOTS]


def test_a_short_password_is_masked_where_a_password_stands_and_nowhere_else():
    env = get_environment("dev", f"postgresql://zerg:{SHORT}@localhost:5432/zerg")
    assert env.target == "host=localhost port=5432 database=zerg schema=zerg"
    assert scrub(env.target) == env.target
    assert scrub(env.display_url) == "postgresql://zerg:***@localhost:5432/zerg"
    for text, masked in spots(SHORT):
        assert scrub(text) == masked
    assert scrub("schema zerg: role zerg owns 11 tables in zerg") == "schema zerg: role zerg owns 11 tables in zerg"


def test_a_long_password_is_masked_everywhere():
    normalize_url(f"postgresql://zerg:{quote(LONG, safe='')}@localhost:5432/zerg")
    for text, masked in spots(LONG):
        assert scrub(text) == masked
    assert scrub(f"server said: could not use {LONG} here") == "server said: could not use *** here"
    assert scrub(f"encoded {quote(LONG, safe='')}") == "encoded ***"


def status(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zerg_sql", "--env", "test", "--database-url", url, "status"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_status_with_the_docker_compose_password(fresh_db_url):
    # The embedded server trusts local connections, so any password gets in.
    assert fresh_db_url.startswith("postgresql://postgres@")
    r = status(fresh_db_url.replace("postgresql://postgres@", f"postgresql://postgres:{SHORT}@"))
    assert r.returncode == 0, r.stderr
    assert "schema=zerg" in r.stdout and "***" not in r.stdout + r.stderr
    r = status(fresh_db_url.replace("postgresql://postgres@", f"postgresql://postgres:{quote(LONG, safe='')}@"))
    assert r.returncode == 0 and "schema=zerg" in r.stdout
    assert LONG not in r.stdout + r.stderr and quote(LONG, safe="") not in r.stdout + r.stderr
