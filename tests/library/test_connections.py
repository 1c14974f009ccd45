"""Sync and async connections and pools are set up alike: search_path, TimeZone=UTC, dict
rows, psycopg's automatic prepare; pooled ones are checked on checkout and recycled (I01)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from zerg_sql.db import POOL_MAX_LIFETIME, PREPARE_THRESHOLD, async_pool, connect, connect_async, pool
from zerg_sql.queries import aqueries, queries

from tests.conftest import test_env_for

USER = dict(provider=None, provider_user_id=None, display_name=None, avatar_url=None, role=None)


def settings_of(row: dict[str, Any]) -> tuple[str, str]:
    return row["search_path"], row["timezone"]


def test_all_four_are_configured_alike(fresh_db_url):
    env = test_env_for(fresh_db_url)
    show = "SELECT current_setting('search_path') AS search_path, current_setting('TimeZone') AS timezone"
    prepared = "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE '%FROM users%'"
    seen = {}

    with connect(env) as conn:
        uid = queries.create_user(conn, email="s@example.com", **USER)["id"]
        conn.commit()
        for _ in range(PREPARE_THRESHOLD + 1):
            assert queries.get_user(conn, user_id=uid)["id"] == uid
        seen["connect"] = (settings_of(conn.execute(show).fetchone()), conn.prepare_threshold,
                           conn.execute(prepared).fetchone()["n"])
    with pool(env, min_size=1, max_size=1) as p:
        assert p.max_lifetime == POOL_MAX_LIFETIME
        with p.connection() as conn:
            for _ in range(PREPARE_THRESHOLD + 1):
                assert queries.get_user(conn, user_id=uid)["id"] == uid
            seen["pool"] = (settings_of(conn.execute(show).fetchone()), conn.prepare_threshold,
                            conn.execute(prepared).fetchone()["n"])

    async def run_async() -> None:
        async with await connect_async(env) as conn:
            for _ in range(PREPARE_THRESHOLD + 1):
                assert (await aqueries.get_user(conn, user_id=uid))["id"] == uid
            seen["connect_async"] = (settings_of(await (await conn.execute(show)).fetchone()),
                                     conn.prepare_threshold, (await (await conn.execute(prepared)).fetchone())["n"])
        async with async_pool(env, min_size=1, max_size=1) as p:
            assert p.max_lifetime == POOL_MAX_LIFETIME
            async with p.connection() as conn:
                for _ in range(PREPARE_THRESHOLD + 1):
                    assert (await aqueries.get_user(conn, user_id=uid))["id"] == uid
                seen["async_pool"] = (settings_of(await (await conn.execute(show)).fetchone()),
                                      conn.prepare_threshold, (await (await conn.execute(prepared)).fetchone())["n"])

    asyncio.run(run_async())
    expected = (("zerg,public", "UTC"), PREPARE_THRESHOLD, 1)   # dict rows, else the ["n"] above fails
    assert seen == dict.fromkeys(["connect", "pool", "connect_async", "async_pool"], expected)


def test_pools_hand_out_a_live_connection_after_the_server_dropped_one(fresh_db_url, pg):
    env = test_env_for(fresh_db_url)

    def kill(pid: int) -> None:
        with pg.admin() as admin:
            assert admin.execute("SELECT pg_terminate_backend(%s::int)", [pid]).fetchone()[0] is True

    with pool(env, min_size=1, max_size=1) as p:
        with p.connection() as conn:
            before = conn.info.backend_pid
        kill(before)
        with p.connection() as conn:      # the check on checkout noticed, the pool reconnected
            assert conn.info.backend_pid != before and queries.count_users(conn) == 0

    async def run_async() -> None:
        async with async_pool(env, min_size=1, max_size=1) as p:
            async with p.connection() as conn:
                before = conn.info.backend_pid
            kill(before)
            async with p.connection() as conn:
                assert conn.info.backend_pid != before and await aqueries.count_users(conn) == 0

    asyncio.run(run_async())


def test_a_pool_block_is_one_transaction(fresh_db_url):
    env = test_env_for(fresh_db_url)

    async def run_async() -> None:
        async with async_pool(env, min_size=1, max_size=1) as p:
            try:
                async with p.connection() as conn:
                    await aqueries.create_user(conn, email="gone@example.com", **USER)
                    raise RuntimeError("request failed")
            except RuntimeError:
                pass
            async with p.connection() as conn:
                await aqueries.create_user(conn, email="kept@example.com", **USER)
            async with p.connection() as conn:
                assert [u["email"] async for u in aqueries.list_users(conn, after_id=0, limit_rows=10)] == \
                    ["kept@example.com"]

    asyncio.run(run_async())


def test_tasks_sharing_an_async_connection_each_get_their_own_rows(fresh_db_url):
    env = test_env_for(fresh_db_url)

    async def run_async() -> None:
        async with await connect_async(env, autocommit=True) as conn:
            ids = [(await aqueries.create_user(conn, email=f"u{i}@example.com", **USER))["id"] for i in range(12)]

            async def one(uid: int) -> tuple[int, list[int]]:
                row = await aqueries.get_user(conn, user_id=uid)
                listed = [r["id"] async for r in aqueries.list_users(conn, after_id=uid - 1, limit_rows=1)]
                return row["id"], listed

            got = await asyncio.gather(*(one(uid) for uid in ids * 3))
            assert got == [(uid, [uid]) for uid in ids * 3]
            with pytest.raises(TypeError, match="expected a psycopg.AsyncConnection"):
                await aqueries.get_user(object(), user_id=1)

    asyncio.run(run_async())
