"""A FastAPI service on zerg_sql (docs/queries.md; run by tests/library/test_fastapi_example.py).

The pool opens and closes with the application's lifespan; each request gets one pooled
connection and one transaction, committed when the endpoint returns and rolled back when
it raises. The environment comes from ZERG_ENV (and its URL variable, e.g.
ZERG_PROD_DATABASE_URL): `ZERG_ENV=dev uvicorn examples.fastapi_app:app`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import psycopg
from fastapi import Depends, FastAPI, HTTPException, Request
from psycopg.rows import DictRow
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel

from zerg_sql import async_pool, get_environment
from zerg_sql.queries import QueryError, aqueries


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with async_pool(get_environment(), min_size=1, max_size=10) as pool:
        app.state.pool = pool
        yield


app = FastAPI(lifespan=lifespan)


async def transaction(request: Request) -> AsyncIterator[psycopg.AsyncConnection[DictRow]]:
    """One connection and one transaction per request (the pool commits or rolls back)."""
    pool: AsyncConnectionPool[psycopg.AsyncConnection[DictRow]] = request.app.state.pool
    async with pool.connection() as conn:
        yield conn


# scope="function": the transaction ends when the endpoint returns, before the response is
# sent, so a client never sees 201 for a commit that then failed.
Conn = Annotated[psycopg.AsyncConnection[DictRow], Depends(transaction, scope="function")]


class NewUser(BaseModel):
    email: str
    role: str | None = None


class User(BaseModel):
    """What the API shows of a users row (never its credential columns)."""
    id: int
    email: str
    role: str


@app.post("/users", status_code=201)
async def create_user(body: NewUser, conn: Conn) -> User:
    """Create a user and set its role: both or neither (one transaction)."""
    try:
        user = await aqueries.create_user(conn, email=body.email, provider=None, provider_user_id=None,
                                          display_name=None, avatar_url=None, role=None)
        if user is None:
            raise HTTPException(500, "create_user returned no row")
        if body.role is not None:
            await aqueries.set_user_role(conn, user_id=user["id"], role=body.role)
    except QueryError as e:  # its message names constraint and parameter, never row contents
        raise HTTPException(409 if e.sqlstate == "23505" else 422, str(e)) from None
    return await get_user(user["id"], conn)


@app.get("/users/{user_id}")
async def get_user(user_id: int, conn: Conn) -> User:
    user = await aqueries.get_user(conn, user_id=user_id)
    if user is None:
        raise HTTPException(404, f"no user {user_id}")
    return User(id=user["id"], email=user["email"], role=user["role"])
