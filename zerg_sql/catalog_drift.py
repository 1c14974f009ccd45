"""Drift: what changed in the schema outside zerg-sql since it last migrated it.

Checksums prove the files did not change; they say nothing of the database. So every
migrate, rollback and adopt records the schema's catalog (sql/internal/catalog.sql,
describe_schema: columns, constraints, indexes, triggers, function bodies; and
describe_privileges: grants) as it leaves it, in `_zerg_sql_catalog`. `verify` compares the
live catalog with that record: an index added by hand during an incident, a column default
changed in psql, a function replaced, a grant on a credential column.

A run records what it found plus only the changes it made itself (before/after of the run),
so drift found before a migrate stays reported after it, until someone writes a migration
for it or accepts it with `verify --accept-drift --reason`. The comparison is per object
(kind, name) and its definition, all from pg_catalog, so it works on any server version and
schema name, and needs no scratch database (production has none to spare).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import psycopg
from psycopg.types.json import Jsonb

from .queries import internal

Key = tuple[str, str]          # (kind, object)
Catalog = dict[Key, str]       # -> definition


@cache
def catalog_format() -> str:
    """Which catalog a record holds: the describe queries' own text. A record made by a
    zerg-sql whose queries differ (a kind added, say) is not compared, it is recorded anew."""
    text = internal.describe_schema.sql + internal.describe_privileges.sql
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Record:
    applied: list[str]
    objects: Catalog
    recorded_at: object
    recorded_by: str
    server_version_num: int
    format: str


def live(conn: psycopg.Connection, schema: str) -> Catalog:
    rows = [*internal.describe_schema(conn, schema=schema), *internal.describe_privileges(conn, schema=schema)]
    return {(r["kind"], r["object"]): r["definition"] or "" for r in rows}


def recorded(conn: psycopg.Connection) -> Record | None:
    if not internal.catalog_table_exists(conn):
        return None
    row = internal.get_recorded_catalog(conn)
    if row is None:
        return None
    return Record(applied=list(row["applied"]), objects={(k, o): d for k, o, d in row["objects"]},
                  recorded_at=row["recorded_at"], recorded_by=row["recorded_by"],
                  server_version_num=row["server_version_num"], format=row["format"])


def record(conn: psycopg.Connection, objects: Catalog, applied: list[str], actor: str) -> None:
    rows = [[k, o, d] for (k, o), d in sorted(objects.items())]
    internal.record_catalog(conn, recorded_by=actor, format=catalog_format(), applied=sorted(applied),
                            objects=Jsonb(rows))


def patched(expected: Catalog, before: Catalog, after: Catalog) -> Catalog:
    """`expected` with the changes of one run (before -> after) applied, and nothing else."""
    out = dict(expected)
    for key in before.keys() | after.keys():
        if before.get(key) != after.get(key):
            if key in after:
                out[key] = after[key]
            else:
                out.pop(key, None)
    return out


def differences(expected: Catalog, now: Catalog) -> list[str]:
    """One line per object that is not as zerg-sql left it."""
    lines = []
    for key in sorted(expected.keys() | now.keys()):
        kind, name = key
        was, is_ = expected.get(key), now.get(key)
        if was == is_:
            continue
        if was is None:
            lines.append(f"+ {kind} {name}: added outside zerg-sql ({_short(kind, is_ or '')})")
        elif is_ is None:
            lines.append(f"- {kind} {name}: dropped outside zerg-sql (was {_short(kind, was)})")
        else:
            lines.append(f"~ {kind} {name}: changed outside zerg-sql ({_short(kind, was)} -> {_short(kind, is_)})")
    return lines


def _short(kind: str, definition: str) -> str:
    if kind == "function":  # describe_schema keeps an md5 of the body, not the body
        return f"body md5 {definition[:12]}"
    return definition if len(definition) <= 160 else definition[:157] + "..."
