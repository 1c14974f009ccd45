"""examples/fastapi_app.py, the FastAPI dependency docs/queries.md shows, served through
FastAPI's TestClient: the pool opens and closes with the app's lifespan, a request is one
connection and one transaction (a failing request leaves nothing behind)."""

from __future__ import annotations

import importlib.util

from fastapi.testclient import TestClient

from zerg_sql.config import ROOT
from zerg_sql.db import connect

EXAMPLE = ROOT / "examples" / "fastapi_app.py"


def load_app():
    spec = importlib.util.spec_from_file_location("fastapi_app", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.app


def test_the_example_app(fresh_db_url, monkeypatch):
    monkeypatch.setenv("ZERG_ENV", "test")
    monkeypatch.setenv("ZERG_TEST_DATABASE_URL", fresh_db_url)
    app = load_app()
    with TestClient(app) as client:
        pool = app.state.pool
        assert not pool.closed and pool.get_stats()["pool_size"] >= 1
        made = client.post("/users", json={"email": "ann@example.com", "role": "admin"})
        assert made.status_code == 201, made.text
        user = made.json()
        assert user == {"id": user["id"], "email": "ann@example.com", "role": "admin"}
        assert client.get(f"/users/{user['id']}").json() == user
        assert client.get(f"/users/{user['id'] + 1000}").status_code == 404

        # The user is inserted, then the role refused: the request's transaction rolls back both.
        bad = client.post("/users", json={"email": "bob@example.com", "role": "root"})
        assert bad.status_code == 422 and "users_role_check" in bad.json()["detail"]
        twice = client.post("/users", json={"email": "ann@example.com"})
        assert twice.status_code == 409 and "users_email_lower_key" in twice.json()["detail"]
        assert "ann@example.com" not in twice.json()["detail"]           # no row contents
        stats = pool.get_stats()
        assert stats["requests_num"] >= 5 and stats.get("requests_errors", 0) == 0
    assert pool.closed                                                 # closed with the lifespan
    with connect(fresh_db_url, search_path=("zerg", "public")) as conn:
        emails = [r["email"] for r in conn.execute("SELECT email FROM users ORDER BY id")]
    assert emails == ["ann@example.com"]                              # committed; bob rolled back
