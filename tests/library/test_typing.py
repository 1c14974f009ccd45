"""py.typed and `mypy --strict` on the package itself, with no extra flags (issue 17): what a
service's mypy sees when it follows its imports into zerg_sql."""

from __future__ import annotations

import subprocess
import sys

from zerg_sql.config import ROOT


def test_the_package_is_typed_and_strict_clean():
    assert (ROOT / "zerg_sql" / "py.typed").is_file()
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", "/tmp/zerg-sql-mypy-cache", "zerg_sql",
                        "examples/service.py", "examples/fastapi_app.py"],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("Success: no issues found")
