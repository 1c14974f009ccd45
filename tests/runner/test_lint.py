"""The migration lint: squawk plus our conventions (no database needed)."""

from pathlib import Path

from zerg_sql.devtools.lint import lint


def write(folder: Path, name: str, text: str, rollback: str | None = "SELECT 1;\n") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.sql").write_text(text)
    if rollback is not None:
        (folder / f"{name}.rollback.sql").write_text(rollback)


def test_the_project_migrations_are_clean():
    assert lint() == []


def test_findings_fail_unless_waived_with_a_reason(tmp_path):
    write(tmp_path, "0001_a", "CREATE TABLE a (n int);\n")
    finding = next(p for p in lint([tmp_path]) if "prefer-bigint-over-int" in p)
    assert "\n    help: Use 64-bit integer values instead" in finding  # squawk's own advice, kept
    assert "\n    see https://squawkhq.com/docs/prefer-bigint-over-int" in finding
    write(tmp_path, "0001_a", "-- squawk-ignore prefer-bigint-over-int -- a day count, never above 10^6\n"
                              "CREATE TABLE a (n int);\n")
    assert lint([tmp_path]) == []
    write(tmp_path, "0001_a", "-- squawk-ignore prefer-bigint-over-int\nCREATE TABLE a (n int);\n")
    assert any("without a reason" in p for p in lint([tmp_path]))


def test_missing_rollback_and_transactional_concurrently_are_flagged(tmp_path):
    write(tmp_path, "0001_a", "CREATE TABLE a (n bigint);\n", rollback=None)
    write(tmp_path, "0002_b", "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_n_idx ON a (n);\n")
    problems = lint([tmp_path])
    assert any("0001_a.sql: no rollback file" in p for p in problems)
    assert any("0002_b.sql: uses CONCURRENTLY" in p for p in problems)
    write(tmp_path, "0002_b", "-- transactional: false\n-- squawk-disable-assume-in-transaction\n"
                              "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_n_idx ON a (n);\n")
    assert not any("0002_b" in p for p in lint([tmp_path]))
