"""The one SQL-to-Python type table: what a parameter of each SQL type accepts (checked before
a named query is sent), how the typed stubs annotate it, and how `zerg-sql query run` reads a
command-line string as one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Callable
from uuid import UUID

from psycopg.types.json import Json, Jsonb


@dataclass(frozen=True)
class SqlType:
    accepts: tuple[type, ...]       # the Python values a parameter of this type takes
    row: str                        # a result column's annotation in queries.pyi
    param: str                      # a parameter's annotation in queries.pyi
    parse: Callable[[str], Any]     # a command-line string as such a value
    bound: int | None = None        # integers: values lie in [-bound, bound)


def _bool(raw: str) -> bool:
    if raw.lower() not in ("true", "false", "t", "f", "1", "0", "yes", "no"):
        raise ValueError("expected true or false")
    return raw.lower() in ("true", "t", "1", "yes")


_TEXT = SqlType((str,), "str", "str", str)
_TIMESTAMP = SqlType((datetime,), "datetime.datetime", "datetime.datetime", datetime.fromisoformat)
_FLOAT = SqlType((float, int, Decimal), "float", "float", float)

# Keyed by format_type() names, as PostgreSQL describes a statement.
TYPES: dict[str, SqlType] = {
    "bigint": SqlType((int,), "int", "int", int, 2**63),
    "integer": SqlType((int,), "int", "int", int, 2**31),
    "smallint": SqlType((int,), "int", "int", int, 2**15),
    "oid": SqlType((int,), "int", "int", int),
    "text": _TEXT, "character varying": _TEXT, "character": _TEXT, "name": _TEXT, '"char"': _TEXT,
    "boolean": SqlType((bool,), "bool", "bool", _bool),
    "timestamp with time zone": _TIMESTAMP, "timestamp without time zone": _TIMESTAMP,
    "date": SqlType((date,), "datetime.date", "datetime.date", date.fromisoformat),
    "interval": SqlType((timedelta,), "datetime.timedelta", "datetime.timedelta",
                        lambda raw: timedelta(seconds=float(raw))),
    "double precision": _FLOAT, "real": _FLOAT,
    "numeric": SqlType((Decimal, int, float), "decimal.Decimal", "decimal.Decimal | int | float", Decimal),
    "uuid": SqlType((UUID, str), "uuid.UUID", "uuid.UUID | str", UUID),
    "bytea": SqlType((bytes, bytearray, memoryview), "bytes", "bytes | bytearray | memoryview", bytes.fromhex),
    "jsonb": SqlType((Jsonb, Json), "Any", "Jsonb | Json", lambda raw: Jsonb(json.loads(raw))),
    "json": SqlType((Json, Jsonb), "Any", "Json | Jsonb", lambda raw: Json(json.loads(raw))),
}
# The names the `::type` casts of sql/ use for them.
_ALIASES = {"int8": "bigint", "int": "integer", "int4": "integer", "int2": "smallint", "bool": "boolean",
            "varchar": "character varying", "timestamptz": "timestamp with time zone",
            "timestamp": "timestamp without time zone", "float8": "double precision", "float4": "real"}


def sql_type(name: str) -> SqlType | None:
    """The entry of a type by its format_type() or cast name; None for a type we do not know."""
    return TYPES.get(_ALIASES.get(name, name))


def from_text(raw: str, name: str) -> Any:
    """A command-line string as the Python value psycopg sends for this SQL type (arrays take a
    JSON list); ValueError if it is not one. An unknown type keeps the string."""
    if name.endswith("[]"):
        items = json.loads(raw)
        if not isinstance(items, list):
            raise ValueError("expected a JSON list")
        return [None if i is None else from_text(i if isinstance(i, str) else json.dumps(i), name[:-2])
                for i in items]
    t = sql_type(name)
    return raw if t is None else t.parse(raw)
