"""cli/output.py, the one JSON printer and table renderer: scrubbed value by value, valid JSON."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from uuid import UUID

from zerg_sql.cli.output import echo_json, table
from zerg_sql.urls import normalize_url


def test_json_stays_valid_when_a_value_holds_a_password(capsys):
    normalize_url("postgresql://app:s3cr3t-pw@db.example:5432/zerg")  # a password we were told about
    data = {"error": 'connect failed: password="x" host=db', "dsn": "password=hunter2 user=app",
            "url": "postgresql://app:s3cr3t-pw@db.example/zerg", "quoted": 'password="[REDACTED]"',
            "nested": [{"text": "uses s3cr3t-pw"}], "at": datetime(2026, 1, 15, tzinfo=timezone.utc),
            "id": UUID(int=1), "amount": Decimal("1.50"), "raw": b"\x01\x02", "n": 3, "none": None}
    echo_json(data)
    out = capsys.readouterr().out
    parsed = json.loads(out)  # valid JSON, whatever the values held
    assert "hunter2" not in out and "s3cr3t-pw" not in out and 'password="x"' not in out
    assert parsed["dsn"] == "password=*** user=app"
    assert parsed["url"] == "postgresql://app:***@db.example/zerg"
    assert parsed["nested"] == [{"text": "uses ***"}]
    assert (parsed["at"], parsed["id"], parsed["amount"], parsed["raw"], parsed["n"], parsed["none"]) == \
        ("2026-01-15T00:00:00+00:00", str(UUID(int=1)), "1.50", "0102", 3, None)


def test_table_aligns_rows_and_counts_them():
    rows = [{"id": 1, "name": "a\nb", "at": None}, {"id": 22, "name": "x" * 80, "at": True}]
    lines = table(rows, count=True).splitlines()
    assert lines[0] == "id | name" + " " * 56 + " | at"
    assert lines[2].startswith("1  | a\\nb") and lines[2].endswith("| -")
    assert len(lines[3].split(" | ")[1]) == 60 and lines[3].split(" | ")[1].endswith("…")
    assert lines[-1] == "(2 rows)"
    assert table([], count=True) == "(0 rows)" and table([], [("id", "id")], indent="  ") == "  (none)"
    assert table([{"id": 1}], [("id", "job")], indent="  ").splitlines() == ["  job", "  ---", "  1"]
