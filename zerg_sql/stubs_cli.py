"""zerg-sql stubs: write (or --check) zerg_sql/queries.pyi from the live migrated schema."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import Context, echo, progress
from .config import ZergError


@click.command()
@click.option("--check", is_flag=True, help="Fail (exit 1) when the committed file differs; write nothing.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write (default: zerg_sql/queries.pyi).")
@click.pass_obj
def stubs(ctx: Context, check: bool, output: Path | None) -> None:
    """Generate the typed interface of every named query (parameters, rows, returns)."""
    from .db import connect
    from .stubs import STUB_PATH, generate

    path = output or STUB_PATH
    with connect(ctx.env, autocommit=True) as conn:
        text = generate(conn)
    if check:
        if not path.is_file() or path.read_text() != text:
            raise ZergError(f"{path.name} is stale: run `zerg-sql stubs` against a migrated database and commit it")
        echo(f"{path.name} is up to date")
        return
    path.write_text(text)
    progress(f"wrote {path} ({text.count(': ...')} definitions)")
