"""A scratch database migrated from this checkout, for the generated schema files."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator

import psycopg
from psycopg.conninfo import make_conninfo

from ..config import Environment, ZergError, require_url
from ..migrate import Runner
from ..queries import internal
from ..urls import normalize_url


@contextmanager
def scratch(env: Environment) -> Iterator[Environment]:
    """The environment pointed at a scratch database on its server, migrated from this checkout.

    The generated files then depend on the migrations alone, never on a dev database's drift.
    """
    if env.protected:
        raise ZergError(f"environment {env.name} is protected: generate schema files from dev or test")
    url = require_url(env)
    scratch_url = normalize_url(make_conninfo(url, dbname="zerg_sql_schema_scratch"))
    with psycopg.connect(url, autocommit=True) as admin:
        internal.drop_scratch_database(admin)
        internal.create_scratch_database(admin)
    try:
        scratch_env = replace(env, url=scratch_url)
        with Runner(scratch_env, out=lambda _: None, command="schema") as runner:
            runner.migrate()
        yield scratch_env
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            internal.drop_scratch_database(admin)
