"""`zerg-sql adopt`: take the `zerg` schema that Zerg's ORM built (SQLAlchemy create_all,
optionally with the "migration-built" variants) to exactly what migrations 0001..0011 build,
in place, keeping every row, and record those migrations as applied so `migrate` continues.

Order, and why: (1) recognise the schema (legacy tables, none of our records); (2) compare its
catalog with the known legacy shapes (sql/legacy/shapes.json, described from the DDL in
sql/legacy/) and refuse on any difference we do not know; (3) run sql/adopt/checks.sql and
refuse while any row holds a value no legal writer could have stored; (4) in ONE transaction
under the runner's advisory lock: sql/adopt/fixes.sql (the legal rows our constraints reject
are repaired or moved to _zerg_sql_quarantine), sql/adopt/fold_created_at.sql (migration-built
only), sql/adopt/convert.sql, alembic_version kept at Zerg's head (sql/adopt/alembic.sql), and
the records of 0001..0011 exactly as `migrate` writes them. Nothing changes before (4), and a
crash in (4) rolls it all back. Migrations after 0011 are left to the next `migrate`.
`adopt --finish` ends the cutover (docs/cutover.md): it drops alembic_version.
"""

from __future__ import annotations

import json
import re
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Collection, Iterable
from typing import Any, Callable, TypedDict

import psycopg

from .config import SQL_DIR, Environment, ZergError
from .migrate import ZERG_MIGRATIONS, Runner
from .queries import internal, load_sql
from .urls import scrub

ADOPT_DIR = SQL_DIR / "adopt"
LEGACY_DIR = SQL_DIR / "legacy"
SHAPES_FILE = LEGACY_DIR / "shapes.json"
LEGACY_SCHEMA = "zerg"  # Zerg's ORM always used it; the shapes are described there
# The migrations whose effect convert.sql reproduces. Later ones (0012+) and the function
# files (sql/functions/) are applied by the `migrate` that follows adopt, like on any other database.
ADOPTED = (
    "0001_set_updated_at", "0002_users", "0003_agents_threads", "0004_runs", "0005_worker_jobs",
    "0006_runners", "0007_connectors", "0008_workflows", "0009_knowledge_memory",
    "0010_sync_tasks_waitlist", "0011_llm_audit_log",
)
# Rewrite rate of convert.sql measured on the development machine (2 cores, PostgreSQL 16,
# fsync on): bytes of pg_total_relation_size converted per second, index builds and FK checks
# included: 67 MB/s for agent_runs (nine indexes to build), 93-167 MB/s for the big event,
# message and audit tables, 100 MB/s overall; we use the slowest, rounded down, so estimates
# err on the long side. Method and numbers: docs/adopting-production.md, "Expected lock times".
REWRITE_BYTES_PER_S = 60 * 1024 * 1024
# Zerg's Alembic head at the seed commit (shared/reference/zerg-schema-at-seed.md): the schema
# adopt builds is what Zerg's models at that revision expect, so `alembic upgrade head` must find
# exactly this revision in zerg.alembic_version until `adopt --finish`.
ZERG_ALEMBIC_HEAD = "x1y2z3a4b5c6"
FIXED_SECONDS = 1.0  # catalog-only statements, FK validation of small tables, commit
SECTION = re.compile(r"^-- (\w+) -{5,}$", re.M)  # convert.sql's per-table section headers


def _q(name: str) -> Any:  # aiosql makes the query attributes at load time
    return load_sql(f"adopt/{name}.sql")


def sql_text(name: str) -> str:
    return (ADOPT_DIR / name).read_text()


def load_shapes() -> dict[str, list[list[str]]]:
    shapes: dict[str, list[list[str]]] = json.loads(SHAPES_FILE.read_text())
    return shapes


def dump_shapes(shapes: dict[str, list[Any]]) -> str:
    """shapes.json text: one catalog row per line, so a diff shows each changed object."""
    parts = []
    for name, rows in shapes.items():
        body = ",\n".join("  " + json.dumps(list(r), ensure_ascii=False) for r in rows)
        parts.append(f" {json.dumps(name)}: [\n{body}\n ]")
    return "{\n" + ",\n".join(parts) + "\n}\n"


# ---------------------------------------------------------------- catalog comparison

def _by_key(rows: Iterable[tuple[str, ...]]) -> dict[tuple[str, str], frozenset[str]]:
    """(kind, object) -> definitions. A key can hold several rows: describe_schema cuts
    `table.constraint` at 63 characters, so two constraints may share one object name."""
    out: dict[tuple[str, str], set[str]] = {}
    for kind, obj, definition in rows:
        out.setdefault((kind, obj), set()).add(definition)
    return {k: frozenset(v) for k, v in out.items()}


@dataclass
class ShapeMatch:
    nearest: str
    unknown: list[str] = field(default_factory=list)


def compare_with_shapes(live_rows: Iterable[Iterable[str]], shapes: dict[str, list[Any]], *,
                        allow: Collection[tuple[str, str]] = frozenset()) -> ShapeMatch:
    """Every object of the live schema must look as in one of the known shapes (object by
    object: a long-lived database may carry some of the migration-built variants and not
    others), and every object all shapes have must be there. `allow` lists keys to ignore."""
    live = _by_key(tuple(r) for r in live_rows)
    known = {name: _by_key(tuple(r) for r in rows) for name, rows in shapes.items()}
    keys = set(live).union(*known.values()) - set(allow)
    unknown = []
    for key in sorted(keys):
        have = live.get(key, frozenset())
        options = {shape.get(key, frozenset()) for shape in known.values()}
        if have in options:
            continue
        kind, obj = key
        expected = " | ".join(sorted("; ".join(sorted(o)) or "(absent)" for o in options))
        found = "; ".join(sorted(have)) or "(absent)"
        unknown.append(f"{kind} {obj}: {found}  -- known legacy shapes have: {expected}")
    scores = {name: sum(live.get(k) == shape.get(k) for k in keys) for name, shape in known.items()}
    nearest = max(scores, key=lambda name: scores[name])
    if not unknown and any(live.get(k) != known[nearest].get(k) for k in keys):
        nearest = "mixed (" + " and ".join(sorted(known)) + ")"
    return ShapeMatch(nearest=nearest, unknown=unknown)


# ---------------------------------------------------------------- the plan

@dataclass
class Section:
    table: str | None  # None: the statements before the first table / after the last
    sql: str
    label: str = ""


def convert_sections() -> list[Section]:
    """convert.sql cut at its per-table headers: run (and timed) one section at a time."""
    text = sql_text("convert.sql")
    marks = list(SECTION.finditer(text))
    sections = [Section(None, text[: marks[0].start()], "legacy objects and foreign keys dropped")]
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[m.start():end]
        tail = body.find("\n-- 4. ")  # the foreign keys come after the last table
        if tail >= 0:
            sections += [Section(m.group(1), body[:tail + 1], m.group(1)), Section(None, body[tail + 1:], "foreign keys")]
        else:
            sections.append(Section(m.group(1), body, m.group(1)))
    return sections


def estimate(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per table in conversion order: bytes, rows, seconds of rewrite, and when its lock is
    taken. Every lock is held until COMMIT (one transaction), and step 2 (dropping the legacy
    foreign keys) already locks every table that has or is the target of one."""
    by_name = {r["table_name"]: r for r in sizes}
    order = [s.table for s in convert_sections() if s.table]
    fk_free = {"waitlist_entries"}  # the only table no foreign key touches: locked at its turn
    rows, clock = [], FIXED_SECONDS / 2
    for table in order:
        size = by_name.get(table, {"total_bytes": 0, "estimated_rows": 0})
        seconds = size["total_bytes"] / REWRITE_BYTES_PER_S
        rows.append({"table": table, "bytes": size["total_bytes"], "rows": size["estimated_rows"],
                     "rewrite_s": seconds, "locked_at_s": clock if table in fk_free else 0.0})
        clock += seconds
    total = clock + FIXED_SECONDS / 2
    for r in rows:
        r["lock_held_s"] = total - r["locked_at_s"]
    return rows


# ---------------------------------------------------------------- adopt

class Fix(TypedDict):
    """A row of list_fixes (sql/adopt/fixes.sql)."""
    action: str          # "move" or "repair"
    source_table: str
    row_key: str
    column_name: str     # '' for a move
    new_value: str | None
    reason: str


@dataclass
class Result:
    outcome: str  # "adopted", "already adopted", "dry run", "finished", "already finished"
    shape: str = ""
    migrations: list[str] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)


def adopt(env: Environment, *, dry_run: bool = False, out: Callable[[str], None] = print,
          info: Callable[[str], None] | None = None, statement_timeout: str | None = None,
          lock_wait: float | None = None) -> Result:
    """Adopt the legacy schema of env; `out` gets the plan (dry run), `info` the progress."""
    info = info or out
    if env.schema != LEGACY_SCHEMA:
        raise ZergError(f"adopt knows Zerg's legacy schema `{LEGACY_SCHEMA}` only (environment schema: {env.schema})")
    with Runner(env, out=info, command="adopt", lock_wait=lock_wait) as runner:
        conn = runner.conn
        if statement_timeout:  # the server's answer is what the plan shows
            statement_timeout = _q("inspect").set_statement_timeout(conn, timeout=statement_timeout)["statement_timeout"]
        # The dry run only reads; the real run checks again under the lock, right before converting.
        with nullcontext() if dry_run else runner.locked():
            applied = _applied_migrations(runner)
            if set(ADOPTED) <= applied:
                finished = not _q("inspect").get_legacy_state(conn, schema=env.schema)["has_alembic_version"]
                info(f"schema {env.schema} is already adopted (0001..0011 recorded): nothing to do; "
                     f"`zerg-sql migrate` applies anything newer"
                     + ("" if finished else "; the cutover is not finished (`zerg-sql adopt --finish`, docs/cutover.md)"))
                return Result("already adopted")
            state = _q("inspect").get_legacy_state(conn, schema=env.schema)
            if state["tables"] == 0:
                raise ZergError(f"schema {env.schema} has no tables: nothing to adopt (`zerg-sql migrate` builds it)")
            shape = _match_shape(runner, applied)
            info(f"schema {env.schema}: legacy shape {shape}, {state['tables']} tables")
            fold = bool(state["has_message_created_at"])
            _refuse_violations(conn)
            _alembic_versions(conn, state)
            for note in _notes(conn, state, fold):
                info(note)
            files = ["fixes.sql"] + (["fold_created_at.sql"] if fold else []) + ["convert.sql", "alembic.sql"]
            if dry_run:
                with conn.transaction(force_rollback=True):  # the fix list is a temporary table
                    fixes = _find_fixes(conn, fold)
                rows = estimate(list(_q("inspect").list_table_sizes(conn, schema=env.schema)))
                _print_plan(out, env, files, rows, statement_timeout or env.statement_timeout, fixes)
                return Result("dry run", shape=shape, migrations=list(ADOPTED), fixes=fixes)
            fixes = _convert_and_record(runner, info, fold, applied, shape)
            return Result("adopted", shape=shape, migrations=list(ADOPTED), fixes=fixes)


def finish(env: Environment, *, info: Callable[[str], None] = print, lock_wait: float | None = None) -> Result:
    """End the cutover: drop alembic_version (kept by adopt so that the old app's `alembic
    upgrade head` is a no-op). Only on an adopted schema; a second run does nothing."""
    with Runner(env, out=info, command="adopt --finish", lock_wait=lock_wait) as runner, runner.locked():
        conn = runner.conn
        applied = _applied_migrations(runner)
        if not set(ADOPTED) <= applied:
            raise ZergError(f"schema {env.schema} is not adopted (0001..0011 are not all recorded): "
                            f"nothing to finish; run `zerg-sql adopt` first")
        state = _q("inspect").get_legacy_state(conn, schema=env.schema)
        if not state["has_alembic_version"]:
            info(f"schema {env.schema}: the cutover is already finished (no alembic_version): nothing to do")
            return Result("already finished")
        versions = [r["version_num"] for r in _q("inspect").list_alembic_versions(conn)]
        # The catalog record loses alembic_version and nothing else (drift stays reported).
        with runner.backend().transaction(), runner._recording():
            _q("alembic").drop_alembic_version(conn)
            internal.log_operation(conn, migration_id=None, operation="adopt-finish", actor=runner.actor,
                                   detail=f"cutover finished: alembic_version ({', '.join(versions) or 'empty'}) "
                                          f"dropped; environment {env.name}")
        info(f"cutover of schema {env.schema} finished: alembic_version ({', '.join(versions) or 'empty'}) dropped; "
             f"Zerg's `alembic upgrade head` must not run against this schema any more")
        return Result("finished")


def _applied_migrations(runner: Runner) -> set[str]:
    """What our records say is applied; refuses anything but a legacy or adopted schema."""
    env = runner.env
    if not runner.state["schema_exists"]:
        raise ZergError(f"schema {env.schema} does not exist: nothing to adopt (`zerg-sql migrate` builds it)")
    st = runner.status()
    if st.problems:
        raise ZergError("refusing to adopt:\n  - " + "\n  - ".join(st.problems))
    applied = {r["migration_id"] for r in st.applied}
    known = {m.id: m for m in runner.migrations()}
    missing = [mid for mid in ADOPTED if mid not in known]
    if missing:
        raise ZergError(f"this checkout lacks {', '.join(missing)}: adopt needs migrations 0001..0011")
    ours = {mid for mid, m in known.items() if Path(m.path).parent == ZERG_MIGRATIONS}
    if not set(ADOPTED) <= applied and (applied & ours) - {"0001_set_updated_at"}:
        raise ZergError(f"schema {env.schema} is managed by zerg-sql (applied: {', '.join(sorted(applied))}) "
                        f"but not adopted: it is not a legacy schema. Use `zerg-sql migrate` / `status`")
    return applied


def _match_shape(runner: Runner, applied: set[str]) -> str:
    env = runner.env
    live = [(r["kind"], r["object"], r["definition"]) for r in internal.describe_schema(runner.conn, schema=env.schema)]
    # A `migrate` run before adopt applies 0001 (the function) and fails on 0002; the ledger
    # vouches for the function then (its checksum was verified), and convert.sql replaces it.
    allow = {("function", "set_updated_at()")} if "0001_set_updated_at" in applied else set()
    match = compare_with_shapes(live, load_shapes(), allow=allow)
    if match.unknown:
        raise ZergError(
            f"refusing to adopt: schema {env.schema} differs from every known legacy shape "
            f"(nearest: {match.nearest}) in {len(match.unknown)} place(s); adopt does not guess:\n  - "
            + "\n  - ".join(match.unknown))
    return match.nearest


def _refuse_violations(conn: psycopg.Connection[Any]) -> None:
    violations = _violations(conn)
    if violations:
        lines = [f"{v['table_name']} id {v['row_ids']}: {v['constraint_name']}"
                 + (f" (value: {v['value']})" if v["value"] is not None else " (NULL)") for v in violations]
        raise ZergError(f"refusing to adopt: {len(violations)} row(s) hold values no legal writer of the legacy "
                        f"schema could have stored; nothing was changed. Fix them by hand "
                        f"(docs/adopting-production.md) and re-run:\n  - " + "\n  - ".join(lines))


def _find_fixes(conn: psycopg.Connection[Any], fold: bool) -> list[Fix]:
    """Fill the session's fix list (fixes.sql) and return it; the caller owns the transaction."""
    q = _q("fixes")
    q.create_fix_list(conn)
    q.find_moves(conn)
    q.find_repairs(conn)
    (q.find_sent_at_repairs_unfolded if fold else q.find_sent_at_repairs)(conn)
    return list(q.list_fixes(conn))


def fix_line(f: Fix) -> str:
    if f["action"] == "move":
        return f"move to quarantine: {f['source_table']} {f['row_key']}: {f['reason']}"
    value = "NULL" if f["new_value"] is None else f["new_value"]
    return f"repair: {f['source_table']} {f['row_key']} {f['column_name']} := {value} ({f['reason']})"


def _fix_summary(fixes: list[Fix]) -> str:
    moved = sum(f["action"] == "move" for f in fixes)
    return f"{len(fixes) - moved} value(s) repaired, {moved} row(s) moved to _zerg_sql_quarantine"


def _convert_and_record(runner: Runner, info: Callable[[str], None], fold: bool, applied: set[str],
                        shape: str) -> list[Fix]:
    """One transaction: the fixes, the conversion, Alembic's version kept at Zerg's head, a check
    that nothing outside the schema changed, and the records of 0001..0011 (yoyo's rows, our
    ledger with checksums, the log)."""
    env, conn = runner.env, runner.conn
    by_id = {m.id: m for m in runner.migrations()}
    backend = runner.backend()
    started = time.monotonic()
    allowed = [env.schema, "pg_catalog", "information_schema", "pg_toast"]
    with backend.transaction():
        # Our ledger tables and yoyo's commit with the conversion or not at all: a killed
        # adopt leaves the schema fully legacy, bookkeeping included.
        runner.ensure_schema()
        backend.ensure_internal_schema_updated()
        before = {tuple(r.values()) for r in internal.list_objects_outside(conn, allowed_schemas=allowed)}
        try:
            fixes = _find_fixes(conn, fold)
            for f in fixes:
                info("  " + fix_line(f))
            _q("fixes").create_quarantine(conn)
            if fixes:
                _run(conn, info, f"fixes ({_fix_summary(fixes)})", lambda: _q("fixes").apply_fixes(conn))
            if fold:
                _run(conn, info, "fold_created_at.sql", sql_text("fold_created_at.sql"))
            for s in convert_sections():
                _run(conn, info, s.label, s.sql)
            _q("alembic").ensure_alembic_version(conn)
            _q("alembic").stamp_alembic_head(conn, head=ZERG_ALEMBIC_HEAD)
        except psycopg.Error as e:  # e.g. lock_timeout: an application transaction holds a table
            raise ZergError(f"adopt stopped and was rolled back, schema {env.schema} is unchanged (still "
                            f"legacy): {scrub(str(e)).strip()}") from None
        after = {tuple(r.values()) for r in internal.list_objects_outside(conn, allowed_schemas=allowed)}
        if before != after:
            changed = sorted({f"{k[0]} {k[1]}.{k[2]}" for k in before ^ after})
            raise ZergError(f"adopt would change objects outside schema {env.schema}: {', '.join(changed[:10])}; "
                            f"rolled back, nothing changed")
        for mid in ADOPTED:
            if mid not in applied:
                runner.mark_applied(backend, by_id[mid], started)
        runner.record_catalog()  # the converted schema is what `verify` checks drift against
        internal.log_operation(conn, migration_id=None, operation="adopt", actor=runner.actor,
                               detail=f"legacy shape {shape} converted in place; {_fix_summary(fixes)}; "
                                      f"alembic_version kept at {ZERG_ALEMBIC_HEAD}; recorded "
                                      f"{ADOPTED[0]}..{ADOPTED[-1]}; environment {env.name}")
    info(f"adopted schema {env.schema} in {time.monotonic() - started:.1f} s; {_fix_summary(fixes)}; recorded "
         f"{len(ADOPTED)} migrations as applied; alembic_version kept at Zerg's head {ZERG_ALEMBIC_HEAD} until "
         f"`zerg-sql adopt --finish`. Next: `zerg-sql migrate` (applies anything newer), then `zerg-sql verify`")
    return fixes


def _violations(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    q = _q("checks")
    found = []
    for query in (q.list_unknown_values, q.list_duplicates, q.list_invalid_json):
        found += list(query(conn))
    return found


def _alembic_versions(conn: psycopg.Connection[Any], state: dict[str, Any]) -> list[str]:
    """The legacy Alembic revision(s); refuses anything but Zerg's head (or no table at all)."""
    versions = [r["version_num"] for r in _q("inspect").list_alembic_versions(conn)] if state["has_alembic_version"] else []
    if set(versions) - {ZERG_ALEMBIC_HEAD}:
        raise ZergError(f"refusing to adopt: alembic_version holds {', '.join(versions)}, not Zerg's head "
                        f"{ZERG_ALEMBIC_HEAD} that this zerg-sql converts from; nothing was changed. Bring the "
                        f"database to that revision with Zerg's own `alembic upgrade` first")
    return versions


def _notes(conn: psycopg.Connection[Any], state: dict[str, Any], fold: bool) -> list[str]:
    notes = []
    versions = _alembic_versions(conn, state)
    notes.append(f"alembic_version ({', '.join(versions) or 'absent'}) will hold Zerg's head {ZERG_ALEMBIC_HEAD} "
                 f"until `zerg-sql adopt --finish`, so the old app's `alembic upgrade head` does nothing")
    if fold:
        c = _q("checks").count_created_at_folds(conn)
        notes.append(f"thread_messages.created_at (migration-built only) will be dropped: {c['filled']} sent_at filled "
                     f"from it; {c['differing']} values differing from sent_at by more than 1 s go with it (the backup keeps them)")
    if state["has_public_trigger_function"]:
        notes.append("public.update_updated_at_column() is left in place: schema public is not ours. Its trigger on "
                     "connectors is replaced by connectors_set_updated_at; ask the owner of public whether anything "
                     "else uses the function before dropping it")
    return notes


def _run(conn: psycopg.Connection[Any], info: Callable[[str], None], label: str, sql: str | Callable[[], object]) -> None:
    t = time.monotonic()
    sql() if callable(sql) else conn.execute(sql)
    info(f"  {label}: {time.monotonic() - t:.2f} s")


def _print_plan(out: Callable[[str], None], env: Environment, files: list[str], rows: list[dict[str, Any]], stmt_timeout: str,
                fixes: list[Fix]) -> None:
    total = max((r["lock_held_s"] for r in rows), default=0)
    out(f"-- adopt plan for schema {env.schema}: ONE transaction (lock_timeout={env.lock_timeout}, "
        f"statement_timeout={stmt_timeout} per statement), then 0001..0011 recorded as applied.")
    out("-- Every table is rewritten (column types change) under an ACCESS EXCLUSIVE lock held until COMMIT.")
    out(f"-- Estimate at {REWRITE_BYTES_PER_S / 2**20:.0f} MB/s (measured, see docs/adopting-production.md): "
        f"about {total:.1f} s in all; Zerg cannot read or write these tables meanwhile.")
    out(f"-- {'table':<32}{'size':>12}{'rows':>12}{'rewrite':>10}{'locked':>10}")
    for r in rows:
        n = "?" if r["rows"] is None else str(r["rows"])  # never analyzed
        out(f"-- {r['table']:<32}{_mb(r['bytes']):>12}{n:>12}{r['rewrite_s']:>9.1f}s{r['lock_held_s']:>9.1f}s")
    out(f"-- Fixes (sql/adopt/fixes.sql): {_fix_summary(fixes)}" + (":" if fixes else "."))
    for f in fixes:
        out("--   " + fix_line(f))
    for name in files:
        out(f"\n-- ===== sql/adopt/{name} " + "=" * 40)
        out(sql_text(name).rstrip())
    out(f"\n-- ===== alembic.sql runs ensure_alembic_version and stamp_alembic_head ({ZERG_ALEMBIC_HEAD}); "
        f"fixes.sql runs create_quarantine and, with fixes, apply_fixes")
    out("-- ===== then, in the same transaction: _yoyo_migration, _yoyo_log, _zerg_sql_migrations (with "
        "checksums) and _zerg_sql_log record " + ", ".join(ADOPTED))


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"
