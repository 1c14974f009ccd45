"""Shared test helpers: the schema as sql/schema.sql states it (pg_dump of the migrations,
reviewed in every PR), so no test keeps its own copy of the schema."""

from __future__ import annotations

import re
from functools import cache

from zerg_sql.devtools.schema_dump import SCHEMA_SQL

_TABLE = re.compile(r"^CREATE TABLE zerg\.(\w+) \(\n(.*?)\n\);$", re.M | re.S)
_COLUMN = re.compile(r'^    ("?\w+"?) (.+?)(?: DEFAULT .*?)?( NOT NULL)?(?: GENERATED .*)?,?$')
_CHECK = re.compile(r"^    CONSTRAINT (\w+) CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\),?$")
_FK = re.compile(r"^ALTER TABLE ONLY zerg\.(\w+)\n    ADD CONSTRAINT \w+ FOREIGN KEY \(([^)]*)\) "
                 r"REFERENCES zerg\.\w+\(\w+\)(?: ON DELETE (SET NULL|CASCADE|RESTRICT|SET DEFAULT))?;$", re.M)


@cache
def schema_tables() -> dict[str, dict[str, tuple[str, bool]]]:
    """table -> column -> (format_type() of the column, nullable), as sql/schema.sql creates them."""
    tables: dict[str, dict[str, tuple[str, bool]]] = {}
    for name, body in _TABLE.findall(SCHEMA_SQL.read_text()):
        columns = tables.setdefault(name, {})
        for line in body.splitlines():
            if line.startswith("    CONSTRAINT "):
                continue
            m = _COLUMN.match(line)
            assert m, f"cannot read column line of {name}: {line!r}"
            columns[m.group(1).strip('"')] = (m.group(2), m.group(3) is None)
    return tables


@cache
def enum_checks() -> dict[tuple[str, str], set[str]]:
    """(table, column) -> the values its `column = ANY (ARRAY[...])` CHECK allows, with the
    check's name, from sql/schema.sql."""
    found: dict[tuple[str, str], set[str]] = {}
    for name, body in _TABLE.findall(SCHEMA_SQL.read_text()):
        for line in body.splitlines():
            m = _CHECK.match(line)
            if m:
                assert m.group(1) == f"{name}_{m.group(2)}_check", f"CHECK named unlike <table>_<column>_check: {line}"
                found[(name, m.group(2))] = set(re.findall(r"'([^']*)'::text", m.group(3)))
    return found


@cache
def on_delete() -> dict[tuple[str, str], str]:
    """(table, FK columns) -> ON DELETE action, from sql/schema.sql."""
    return {(t, cols): action or "NO ACTION" for t, cols, action in _FK.findall(SCHEMA_SQL.read_text())}


def legacy_value(table: str, column: str, value):
    """Zerg's stored value as adopt must convert it: its non-native SQLAlchemy enums stored
    UPPERCASE member names where our CHECK allows the lowercase value."""
    allowed = enum_checks().get((table, column))
    if allowed and isinstance(value, str) and value not in allowed and value.lower() in allowed:
        return value.lower()
    return value
