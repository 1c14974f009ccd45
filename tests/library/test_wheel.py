"""A normal install works (issue 17): the sdist and wheel built from this checkout, installed
into a fresh virtual environment (not editable, nothing from the checkout on the path),
migrate a database with the installed `zerg-sql` and run sync and async queries from a
program outside the repository, which `mypy --strict` accepts as it stands.

The environment gets its dependencies without the network: each one installed here is
packed again into a wheel (its files and metadata as installed) and pip installs from that
folder only (--no-index)."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as md
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from zerg_sql.config import ROOT

pytestmark = pytest.mark.slow

SERVICE = '''\
"""A service outside the zerg-sql repository, on the installed package."""
import asyncio
import sys

import psycopg
from psycopg.types.json import Jsonb

import zerg_sql
from zerg_sql import async_pool, connect, get_environment
from zerg_sql.queries import aqueries, queries


def sync_part(env: zerg_sql.Environment) -> int:
    with connect(env) as conn, conn.transaction():
        user = queries.create_user(conn, email="svc@example.com", provider=None, provider_user_id=None,
                                   display_name=None, avatar_url=None, role=None)
        assert user is not None
        queries.update_user_context(conn, user_id=user["id"], context=Jsonb({"from": "wheel"}))
        return user["id"]


async def async_part(env: zerg_sql.Environment, user_id: int) -> str:
    async with async_pool(env, min_size=1, max_size=2) as pool:
        async with pool.connection() as conn:
            user = await aqueries.get_user(conn, user_id=user_id)
            assert user is not None
            return user["email"]


def main() -> None:
    env = get_environment("test", sys.argv[1])
    user_id = sync_part(env)
    email = asyncio.run(async_part(env, user_id))
    print(zerg_sql.__file__, psycopg.__version__, email, queries.count_users.__name__)


if __name__ == "__main__":
    main()
'''


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def repack(dist: md.Distribution, folder: Path) -> None:
    """A wheel of an installed distribution: its files inside site-packages and its metadata."""
    info = next(f for f in dist.files or [] if f.name == "WHEEL" and f.parent.name.endswith(".dist-info"))
    tag = next(line.split(":", 1)[1].strip() for line in info.read_text().splitlines() if line.startswith("Tag:"))
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    record_path = f"{info.parent}/RECORD"
    skip = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    with zipfile.ZipFile(folder / f"{name}-{dist.version}-{tag}.whl", "w", zipfile.ZIP_STORED) as whl:
        records = []
        for f in dist.files or []:
            path = str(f)
            if path.startswith("..") or "__pycache__" in path or (f.parent == info.parent and f.name in skip):
                continue
            data = Path(str(f.locate())).read_bytes()
            whl.writestr(path, data)
            records.append(f"{path},{_record_hash(data)},{len(data)}")
        whl.writestr(record_path, "\n".join(records + [f"{record_path},,"]) + "\n")


def dependencies(requires: list[str]) -> set[str]:
    """The installed distributions these requirements need, transitively."""
    found: set[str] = set()
    todo: list[tuple[str, set[str]]] = [(r, set()) for r in requires]
    while todo:
        text, wanted = todo.pop()
        req = Requirement(text)
        if req.marker and not any(req.marker.evaluate({"extra": e}) for e in (wanted or {""})):
            continue
        key = req.name.lower()
        if key in found:
            continue
        dist = md.distribution(req.name)
        found.add(key)
        todo += [(r, set(req.extras)) for r in dist.requires or []]
    return found


def run(cmd, **kwargs):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    assert r.returncode == 0, f"{cmd}\n{r.stdout}\n{r.stderr}"
    return r


def test_the_built_wheel_installs_migrates_and_serves_queries(tmp_path, empty_db_url):
    dist = tmp_path / "dist"
    # sdist first, then the wheel built from the unpacked sdist: both must carry sql/.
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)], cwd=tmp_path)
    wheel = next(dist.glob("zerg_sql-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    for needed in ("zerg_sql/py.typed", "zerg_sql/queries.pyi", "zerg_sql/environments.toml",
                   "zerg_sql/sql/queries/users.sql", "zerg_sql/sql/internal/runner.sql",
                   "zerg_sql/sql/migrations/0001_set_updated_at.sql", "zerg_sql/sql/copy/llm_audit_log.sql"):
        assert needed in names, needed
    ours = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sql").rglob("*") if p.is_file()}
    assert {n.removeprefix("zerg_sql/") for n in names if n.startswith("zerg_sql/sql/")} == ours
    with tarfile.open(next(dist.glob("zerg_sql-*.tar.gz"))) as sdist:
        in_sdist = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert ours <= in_sdist and "environments.toml" in in_sdist

    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    for name in sorted(dependencies(requires)):
        repack(md.distribution(name), wheelhouse)

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-index", "--find-links",
         str(wheelhouse), str(wheel)], env={**os.environ, "PIP_CONFIG_FILE": os.devnull})

    service = tmp_path / "service"
    service.mkdir()
    (service / "app.py").write_text(SERVICE)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ZERG_", "VIRTUAL_ENV"))}
    migrated = run([str(venv / "bin" / "zerg-sql"), "--env", "test", "--database-url", empty_db_url, "migrate"],
                   cwd=service, env=clean)
    assert "applied" in migrated.stdout + migrated.stderr
    out = run([str(python), "app.py", empty_db_url], cwd=service, env=clean).stdout.split()
    assert Path(out[0]).is_relative_to(venv) and not Path(out[0]).is_relative_to(ROOT)
    assert out[2:] == ["svc@example.com", "count_users"]

    # mypy --strict, run as the service's CI would: on its own code, against its environment
    # (one run over the program and a copy passing a str id).
    (service / "bad.py").write_text(SERVICE.replace("user_id=user_id)", "user_id=str(user_id))"))
    typed = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python),
                            "--cache-dir", str(tmp_path / "mypy-cache"), "app.py", "bad.py"],
                           capture_output=True, text=True, cwd=service, env=clean, timeout=300)
    errors = [line for line in typed.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and errors[0].startswith("bad.py:"), typed.stdout + typed.stderr
    assert 'Argument "user_id" to "get_user"' in errors[0]
