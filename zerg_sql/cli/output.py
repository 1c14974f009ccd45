"""Everything the CLI prints goes through here: scrubbed lines, the one JSON printer and the
one table renderer, so no password reaches a terminal or a log."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Mapping
from uuid import UUID

import click

from ..urls import scrub


def echo(text: str = "", err: bool = False) -> None:
    click.echo(scrub(str(text)), err=err)


def progress(text: str) -> None:
    echo(text, err=True)


def plain(value: Any) -> Any:
    """JSON-ready data with every string scrubbed on its own. Scrubbing the serialised text
    instead could let the password=... rule swallow a closing quote and print invalid JSON."""
    if isinstance(value, Mapping):
        return {scrub(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub(str(value))  # UUID, Decimal, timedelta ...


def echo_json(data: Any) -> None:
    click.echo(json.dumps(plain(data), indent=2, sort_keys=True))


def cell(value: Any, width: int = 60) -> str:
    """One value on one line, at most `width` characters."""
    if value is None:
        text = "-"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = str(round(value, 3))
    elif isinstance(value, datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, default=str, ensure_ascii=False)
    elif isinstance(value, (bytes, memoryview)):
        text = "\\x" + bytes(value).hex()
    elif isinstance(value, UUID | Decimal):
        text = str(value)
    else:
        text = str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: Iterable[Mapping[str, Any]], columns: list[tuple[str, str]] | None = None, *,
          width: int = 60, indent: str = "", count: bool = False) -> str:
    """Rows as aligned columns: [(key, header), ...] (default: every key of the first row).
    `count` adds psql's "(N rows)" line; without it an empty table is "(none)"."""
    rows = list(rows)
    if columns is None:
        columns = [(k, k) for k in (rows[0] if rows else {})]
    if not rows:
        return "(0 rows)" if count else indent + "(none)"
    cells = [[cell(r.get(key), width) for key, _ in columns] for r in rows]
    heads = [h for _, h in columns]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = [indent + " | ".join(h.ljust(w) for h, w in zip(heads, widths)).rstrip(),
             indent + "-+-".join("-" * w for w in widths)]
    lines += [indent + " | ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    if count:
        lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)
