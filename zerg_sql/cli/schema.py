"""`zerg-sql schema dump|docs`, `zerg-sql stubs`, `zerg-sql lint`: the generated files and the migrations' lint."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import ZergError
from ..db import connect
from ..devtools.lint import lint as run_lint
from ..devtools.schema_docs import SCHEMA_MD, render_docs
from ..devtools.schema_dump import SCHEMA_SQL, dump_schema, write_or_check
from ..devtools.scratch import scratch
from ..devtools.stubs import STUB_PATH, generate
from .context import Context
from .output import echo, progress


@click.command()
@click.option("--check", is_flag=True, help="Fail (exit 1) when the committed file differs; write nothing.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write (default: zerg_sql/queries.pyi).")
@click.pass_obj
def stubs(ctx: Context, check: bool, output: Path | None) -> None:
    """Generate the typed interface of every named query (parameters, rows, returns)."""
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


@click.group()
def schema() -> None:
    """The generated views of the schema: sql/schema.sql and docs/schema.md."""


@schema.command("dump")
@click.option("--check", is_flag=True, help="Fail if sql/schema.sql differs from the migrated schema.")
@click.pass_obj
def schema_dump(ctx: Context, check: bool) -> None:
    """pg_dump of the migrated schema into sql/schema.sql (deterministic)."""
    with scratch(ctx.env) as env:
        text = dump_schema(env)
    if not write_or_check(SCHEMA_SQL, text, check):
        raise ZergError("sql/schema.sql is stale: run `make schema` and commit the result")
    echo("sql/schema.sql is current" if check else "wrote sql/schema.sql")


@schema.command("docs")
@click.option("--check", is_flag=True, help="Fail if docs/schema.md differs from the migrated schema.")
@click.pass_obj
def schema_docs(ctx: Context, check: bool) -> None:
    """Regenerate docs/schema.md: the ER diagram, each table's purpose and ON DELETE rules."""
    with scratch(ctx.env) as env:
        text = render_docs(env)
    if not write_or_check(SCHEMA_MD, text, check):
        raise ZergError("docs/schema.md is stale: run `make schema` and commit the result")
    echo("docs/schema.md is current" if check else "wrote docs/schema.md")


@click.command()
def lint() -> None:
    """squawk-cli over the migrations, plus rollback files, CONCURRENTLY and waiver reasons."""
    problems = run_lint()
    for p in problems:
        echo(p)
    if problems:
        raise ZergError(f"lint: {len(problems)} finding(s); fix them or waive inline: -- squawk-ignore RULE -- reason")
    echo("lint: migrations are clean")
