"""`zerg-sql psql`: psql on the environment's database, search_path and UTC set."""

from __future__ import annotations

import os
import shutil
from urllib.parse import unquote, urlsplit, urlunsplit

import click

from ..config import require_url
from ..devtools.devserver import pg_binary
from .context import Context
from .output import progress


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_obj
def psql(ctx: Context, psql_args: tuple[str, ...]) -> None:
    """psql on the environment's database with its search_path and UTC (args pass through)."""
    env = ctx.env
    url = require_url(env)
    binary = shutil.which("psql")
    if binary is None:
        binary = pg_binary("psql")
    child_env = dict(os.environ, PGOPTIONS=f"-c search_path={','.join(env.search_path)} -c TimeZone=UTC")
    parts = urlsplit(url)
    if parts.password:  # hand the password over in the environment, not on the command line
        child_env["PGPASSWORD"] = unquote(parts.password)
        host = parts.netloc.rsplit("@", 1)[1]
        user = parts.username or ""
        url = urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))
    progress(f"psql {env.display_url} (search_path {','.join(env.search_path)})")
    os.execvpe(binary, [binary, url, *psql_args], child_env)
