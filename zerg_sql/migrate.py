"""The migration runner: yoyo reads, orders and applies migrations; this adds what yoyo lacks.

yoyo 9 alone (see shared/reference/deps-eval.md §4) puts its tables in `public` when the
schema is missing, keeps a lock row that a killed process leaves behind, hashes only file
names (edits go unnoticed), and commits a migration and its bookkeeping separately. So:

- the schema is created (or a clear error given) before yoyo runs, the session's
  search_path is the target schema alone, and a migration that would change anything
  outside the schemas this environment owns is rolled back;
- a session-level advisory lock replaces yoyo's lock row (it dies with the connection);
- a content checksum per migration, normalised so whitespace and comments don't count,
  is kept in our ledger; edited, renamed, deleted or unknown migrations are refused;
- each transactional migration, yoyo's records and our ledger commit in one transaction;
- each run records the schema's catalog as it leaves it, so `verify` finds what was changed
  by hand since (catalog_drift.py);
- a blocked migration retries with a short lock_timeout per attempt and growing pauses, so
  the application never queues behind it for long; every expected failure becomes one
  ZergError naming the migration, the file and line, and what was (not) applied.
- function files (sql/functions/, repeatable, as Flyway's R__ files) are applied after the
  versioned migrations whenever their checksum changed (`FunctionFile`, `_apply_functions`).
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import socket
import time
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterator, TypedDict

import psycopg
from sqlparse import lexer
from sqlparse import tokens as T
from yoyo import internalmigrations, read_migrations  # type: ignore[import-untyped]  # yoyo ships no types
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend  # type: ignore[import-untyped]
from yoyo.migrations import Migration, MigrationList, topological_sort  # type: ignore[import-untyped]

from . import catalog_drift
from .config import SQL_DIR, Environment, LockBusy, ZergError, require_url
from .db import connect_error, refuse_protected
from .queries import internal
from .urls import scrub

ZERG_MIGRATIONS = SQL_DIR / "migrations"
OPS_MIGRATIONS = SQL_DIR / "migrations-ops"  # only where the environment may own `ops`
FUNCTIONS = SQL_DIR / "functions"  # repeatable: re-applied whenever a file's checksum changes
YOYO_TABLE = "_yoyo_migration"


def migration_dirs(env: Environment) -> list[Path]:
    return [ZERG_MIGRATIONS, OPS_MIGRATIONS] if env.may_create_ops else [ZERG_MIGRATIONS]


def owned_schemas(env: Environment) -> list[str]:
    return [env.schema, "ops"] if env.may_create_ops else [env.schema]


# Pauses between attempts of a blocked migration double from the first to the longest
# (GitLab's lock-retry helper works the same way): a brief blocker costs a short pause, a
# long one is not hammered.
FIRST_PAUSE, LONGEST_PAUSE = 0.1, 10.0


# ---------------------------------------------------------------- checksums

@cache
def _normalised(text: str) -> str:
    # sqlparse's lexer (yoyo splits with sqlparse too) tells comments and whitespace from
    # SQL, respecting quotes and $$ bodies; what remains is joined with single spaces. The
    # lexer alone gives the same tokens as sqlparse.parse(...).flatten() (same checksums, all
    # 118 .sql files compared) at a quarter of the time: parse also groups, which we ignore.
    return " ".join(value for ttype, value in lexer.tokenize(text)  # type: ignore[no-untyped-call]
                    if ttype not in T.Whitespace and ttype not in T.Comment)


def checksum(migration: Migration) -> str:
    """sha256 of the migration's SQL with comments and whitespace removed, plus the directives
    that change how it runs (a comment edit passes, `-- transactional:` does not)."""
    migration.load()
    text = Path(migration.path).read_text()
    material = f"transactional={migration.use_transactions};depends={sorted(d.id for d in migration.depends)};"
    return hashlib.sha256((material + _normalised(text)).encode()).hexdigest()


# ---------------------------------------------------------------- function files

@dataclass
class FunctionFile:
    """One file of sql/functions/: CREATE OR REPLACE statements of code objects whose body can
    change without changing stored data. `-- depends: NAME[, NAME]` (file names without .sql)
    orders the files and says which must be re-applied with it."""
    id: str              # "functions/traces.sql"
    path: Path
    depends: list[str]   # ids
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256((f"depends={sorted(self.depends)};" + _normalised(self.text)).encode()).hexdigest()


def read_function_files(folder: Path) -> list[FunctionFile]:
    """The folder's files, each after the files it depends on, else by name."""
    files = {}
    for path in sorted(folder.glob("*.sql")):
        text = path.read_text()
        code = re.search(r"^(?!\s*--|\s*$)", text, re.M)  # the directive counts in the leading comments only
        m = re.search(r"^--\s*depends:(.*)$", text[: code.start() if code else None], re.M)
        names = [n.strip().removesuffix(".sql") for n in m.group(1).split(",") if n.strip()] if m else []
        files[path.stem] = FunctionFile(f"{folder.name}/{path.name}", path, [f"{folder.name}/{n}.sql" for n in names], text)
    ids = {f.id for f in files.values()}
    for f in files.values():
        if unknown := [d for d in f.depends if d not in ids]:
            raise ZergError(f"{f.id}: `-- depends:` names {', '.join(unknown)}, which is not in {folder.name}/")
    ordered: list[FunctionFile] = []
    todo = list(files.values())
    while todo:
        ready = [f for f in todo if all(d in {o.id for o in ordered} for d in f.depends)]
        if not ready:
            raise ZergError(f"`-- depends:` cycle between {', '.join(f.id for f in todo)}")
        ordered.append(ready[0])
        todo.remove(ready[0])
    return ordered


# ---------------------------------------------------------------- yoyo, on our connection

class _Backend(PostgresqlPsycopgBackend):  # type: ignore[misc]  # yoyo's class is untyped
    """yoyo's psycopg backend driven on a connection we opened and configured.

    Its lock becomes a no-op (we hold an advisory lock for the whole command), the
    transactional-DDL probe is skipped (PostgreSQL has it), and apply/rollback run the
    migration, yoyo's records and our ledger in one transaction.
    """

    def __init__(self, conn: psycopg.Connection[Any], runner: "Runner"):
        self._connection = conn
        self.DatabaseError = psycopg.DatabaseError
        self.migration_table = YOYO_TABLE
        self.has_transactional_ddl = True
        self.schema = None
        self.uri = None
        self.runner = runner

    @contextmanager
    def lock(self, timeout: float = 10) -> Iterator[None]:
        yield

    def init_database(self) -> None:  # no yoyo_lock table, no yoyo_tmp_* probe
        pass

    def ensure_internal_schema_updated(self) -> None:
        if not self._in_transaction:
            super().ensure_internal_schema_updated()
            return
        # Inside the caller's transaction (adopt): yoyo's tables commit with it, or not at all.
        if internalmigrations.needs_upgrading(self):
            internalmigrations.upgrade(self)
        self._internal_schema_updated = True

    def cursor(self) -> "_Cursor":
        return _Cursor(self._connection, self.runner)

    def list_tables(self, **kwargs: Any) -> list[str]:
        # yoyo's version reads self.uri, which we don't have; same query, current schema.
        return [r[0] for r in self.execute(self.list_tables_sql, {"schema": self.runner.env.schema}).fetchall()]

    def apply_one(self, migration: Migration, force: bool = False, mark: bool = True) -> None:
        self.runner._run_one(self, migration, "apply")

    def rollback_one(self, migration: Migration, force: bool = False) -> None:
        self.runner._run_one(self, migration, "rollback")


@contextmanager
def _quiet(runner: "Runner") -> Iterator[None]:
    out, runner.out = runner.out, lambda _: None
    try:
        yield
    finally:
        runner.out = out


class _Cursor(psycopg.Cursor):
    """yoyo's cursor: remembers the statement it runs, to place a failing one in its file."""

    def __init__(self, conn: psycopg.Connection, runner: "Runner"):
        super().__init__(conn)
        self.runner = runner

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        try:
            return super().execute(query, params, **kwargs)
        except psycopg.Error:
            if not self.runner.failed_statement:  # the first; yoyo's ROLLBACK TO SAVEPOINT follows
                self.runner.failed_statement = query if isinstance(query, str) else ""
            raise


# ---------------------------------------------------------------- the runner

class FunctionState(TypedDict):
    """A function file as `status` sees it (see `Status.functions` for the states)."""
    file: str
    state: str
    checksum: str
    applied_at: datetime | None
    routines: list[str]
    depends: list[str]


@dataclass
class Status:
    applied: list[dict[str, Any]] = field(default_factory=list)   # ledger rows, each with a `state`
    pending: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    schema_exists: bool = False
    drift: list[str] | None = None   # objects changed outside zerg-sql; None: nothing to compare with
    drift_note: str = ""
    # function files, in apply order; state: ok, new, changed, with (a file it depends on is
    # re-applied) or removed (recorded, no longer in the checkout: its routines are dropped)
    functions: list[FunctionState] = field(default_factory=list)

    @property
    def pending_functions(self) -> list[FunctionState]:
        return [f for f in self.functions if f["state"] != "ok"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema_exists": self.schema_exists,
            "applied": [
                {"id": r["migration_id"], "checksum": r["checksum"], "state": r["state"],
                 "applied_at": r["applied_at"].isoformat() if r.get("applied_at") else None}
                for r in self.applied
            ],
            "pending": self.pending,
            "functions": [
                {"file": f["file"], "state": f["state"], "checksum": f["checksum"],
                 "applied_at": at.isoformat() if (at := f["applied_at"]) else None}
                for f in self.functions
            ],
            "problems": self.problems,
            "drift": self.drift,
            "drift_note": self.drift_note,
            "ok": not self.problems,
        }


class Runner:
    """One migration session on one connection. Use as a context manager."""

    def __init__(self, env: Environment, *, dirs: list[Path] | None = None,
                 out: Callable[[str], None] = print, command: str = "migrate",
                 lock_wait: float | None = None, functions_dir: Path | None = None,
                 allow_out_of_order: bool = False):
        self.env = env
        self.allow_out_of_order = allow_out_of_order
        self.failed_statement = ""
        self.run_done: list[str] = []  # migrations this run has applied (or rolled back) so far
        self._in_migration = False
        self.dirs = dirs or migration_dirs(env)
        # Other migration folders (tests) come without the schema's function files unless given.
        self.functions_dir = functions_dir if functions_dir is not None or dirs else FUNCTIONS
        self.functions_applied: list[str] = []
        self.out = out
        self.command = command
        self.lock_wait = env.lock_wait if lock_wait is None else lock_wait
        self.actor = f"{getpass.getuser()}@{socket.gethostname()}:{os.getpid()}"
        self._conn: psycopg.Connection[Any] | None = None

    @property
    def conn(self) -> psycopg.Connection[Any]:
        if self._conn is None:
            raise ZergError("the migration runner is not connected (use it as `with Runner(env) as runner:`)")
        return self._conn

    # -- connection ------------------------------------------------------------
    def __enter__(self) -> "Runner":
        url = require_url(self.env)
        refuse_protected(self.env)
        try:
            # autocommit: yoyo issues BEGIN/COMMIT itself; session settings then persist.
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            raise connect_error(url, e) from None
        # A migration's NOTICEs (0013: "role zerg_dashboard does not exist, granting nothing")
        # are for the deployer; the runner's own (IF NOT EXISTS ... skipping) are not.
        def notice(d: psycopg.errors.Diagnostic) -> None:
            if self._in_migration:
                self.out(f"  notice: {d.message_primary}")

        self.conn.add_notice_handler(notice)
        internal.configure_migration_session(
            self.conn, schema=self.env.schema, lock_timeout=self.env.lock_timeout,
            statement_timeout=self.env.statement_timeout,
            app_name=f"zerg-sql {self.command} {socket.gethostname()}:{os.getpid()}"[:63],
            may_create_ops=self.env.may_create_ops, dashboard_role=self.env.dashboard_role)
        try:
            refuse_protected(self.env, self.conn)
        except ZergError:
            self.conn.close()
            raise
        self.state = internal.get_schema_state(self.conn, schema=self.env.schema)
        if self.state["server_version_num"] >= 140000:
            internal.enable_client_connection_check(self.conn)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            self._conn.close()

    def migrations(self) -> MigrationList:
        migrations = read_migrations(*[str(d) for d in self.dirs if d.is_dir()])
        ids = [m.id for m in migrations]
        if len(ids) != len(set(ids)):
            raise ZergError(f"duplicate migration ids in {', '.join(map(str, self.dirs))}")
        return migrations

    def _backend(self) -> _Backend:
        return _Backend(self.conn, self)

    def function_files(self) -> list[FunctionFile]:
        return read_function_files(self.functions_dir) if self.functions_dir and self.functions_dir.is_dir() else []

    def _function_ledger(self) -> dict[str, dict[str, Any]]:
        if not internal.function_ledger_exists(self.conn):
            return {}
        return {r["file"]: r for r in internal.list_function_ledger(self.conn)}

    def _function_status(self) -> list[FunctionState]:
        """Each function file with its state; a file depending on one that is re-applied goes
        with it (its SQL-standard bodies are bound to the routines that are dropped)."""
        if self.functions_dir is None:
            return []
        ledger = self._function_ledger()
        rows: list[FunctionState] = []
        again: set[str] = set()
        for f in self.function_files():
            rec = ledger.get(f.id)
            state = "new" if rec is None else "changed" if rec["checksum"] != f.checksum else "ok"
            if state == "ok" and again & set(f.depends):
                state = "with"
            if state != "ok":
                again.add(f.id)
            rows.append({"file": f.id, "state": state, "checksum": f.checksum,
                         "applied_at": rec["applied_at"] if rec else None,
                         "routines": list(rec["routines"]) if rec else [], "depends": f.depends})
        known = {r["file"] for r in rows}
        for fid, rec in ledger.items():
            if fid not in known:
                rows.append({"file": fid, "state": "removed", "checksum": rec["checksum"],
                             "applied_at": rec["applied_at"], "routines": list(rec["routines"]), "depends": []})
        return rows

    # -- schema first ------------------------------------------------------------
    def ensure_schema(self) -> None:
        self.state = internal.get_schema_state(self.conn, schema=self.env.schema)  # fresh, under the lock
        if not self.state["schema_exists"]:
            if not self.state["can_create_schema"]:
                raise ZergError(
                    f"schema {self.env.schema} does not exist in database {self.state['database']} and "
                    f"role {self.state['current_user']} may not create it: ask a DBA to run "
                    f"CREATE SCHEMA {self.env.schema} AUTHORIZATION {self.state['current_user']}")
            internal.create_target_schema(self.conn)
            self.out(f"created schema {self.env.schema}")
            self.state = internal.get_schema_state(self.conn, schema=self.env.schema)
        if self.state["current_schema"] != self.env.schema:
            raise ZergError(
                f"refusing to run: unqualified objects would land in {self.state['current_schema']!r}, "
                f"not in schema {self.env.schema!r} (check privileges on the schema)")
        if not self.state["can_create"]:
            raise ZergError(f"role {self.state['current_user']} may not create objects in schema "
                            f"{self.env.schema} (owner: {self.state['owner']})")
        internal.create_ledger(self.conn)
        if self.env.protected:
            internal.record_protection_marker(self.conn, environment=self.env.name, recorded_by=self.actor)

    # -- the lock ---------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        deadline = time.monotonic() + self.lock_wait
        told = False
        while not internal.try_migration_lock(self.conn, schema=self.env.schema):
            holder = internal.get_migration_lock_holder(self.conn, schema=self.env.schema)
            who = self._describe_holder(holder)
            if time.monotonic() >= deadline:
                raise LockBusy(f"gave up after {self.lock_wait:g}s waiting for the migration lock of schema "
                                f"{self.env.schema}, held by {who}; nothing changed, rerun when it is done")
            if not told:
                self.out(f"waiting up to {self.lock_wait:g}s for the migration lock, held by {who}")
                told = True
            time.sleep(0.2)
        try:
            yield
        finally:
            # A dropped connection took the lock with it; its error is the one to report.
            with suppress(psycopg.OperationalError):
                if not self.conn.closed:
                    internal.release_migration_lock(self.conn, schema=self.env.schema)

    @staticmethod
    def _describe_holder(h: dict[str, Any] | None) -> str:
        if not h:
            return "another session (it just released it)"
        return (f"server pid {h['pid']} ({h['application_name'] or 'no application name'}, "
                f"client {h['client_addr'] or 'local socket'}, connected since {h['backend_start']:%Y-%m-%d %H:%M:%S %Z})")

    # -- state --------------------------------------------------------------------
    def status(self) -> Status:
        """Applied, pending and problems, without taking the lock and without writing."""
        st = Status(schema_exists=bool(self.state["schema_exists"]))
        migrations = self.migrations()
        if not st.schema_exists or self.state["current_schema"] != self.env.schema:
            st.pending = [m.id for m in migrations]
            st.functions = self._function_status()
            return st
        ledger = {r["migration_id"]: r for r in internal.list_ledger(self.conn)} if internal.ledger_exists(self.conn) else {}
        yoyo = {r["migration_id"] for r in internal.list_yoyo_applied(self.conn)} if internal.yoyo_table_exists(self.conn) else set()
        by_id = {m.id: m for m in migrations}
        sums = {m.id: checksum(m) for m in migrations}
        for mid in sorted(set(ledger) | yoyo, key=lambda i: (ledger.get(i, {}).get("applied_at") is None, i)):
            row = dict(ledger.get(mid) or {"migration_id": mid, "checksum": None, "applied_at": None})
            if mid not in ledger:
                row["state"] = "unrecorded"
                st.repairs.append(f"{mid}: applied by yoyo without zerg-sql's ledger (run outside zerg-sql); "
                                  f"its checksum will be recorded on the next migrate")
                if mid not in by_id:
                    row["state"] = "unknown"
                    st.problems.append(self._unknown_message(mid, None, sums, ledger))
            elif mid not in by_id:
                row["state"] = "missing"
                st.problems.append(self._unknown_message(mid, row["checksum"], sums, ledger))
            elif row["checksum"] != sums[mid]:
                row["state"] = "changed"
                st.problems.append(
                    f"{mid}: edited after it was applied (file {self._path(by_id[mid])}; recorded checksum "
                    f"{row['checksum'][:12]}, file now {sums[mid][:12]}). Revert the edit (git checkout -- "
                    f"{self._path(by_id[mid])}) and put the change in a new migration (zerg-sql new SLUG); "
                    f"if the edit changes nothing in the database, accept it with "
                    f"`zerg-sql verify --accept {mid} --reason '...'` (logged)")
            else:
                row["state"] = "ok"
                if mid not in yoyo:
                    st.repairs.append(f"{mid}: in zerg-sql's ledger but not in yoyo's table; will be re-marked")
            st.applied.append(row)
        known = set(ledger) | yoyo
        st.pending = [m.id for m in migrations if m.id not in known]
        st.functions = self._function_status()
        st.drift, st.drift_note = self._drift(self._ledger_ids())
        return st

    # -- drift: the catalog against the one the last run recorded ---------------------
    def _drift(self, applied: list[str]) -> tuple[list[str] | None, str]:
        holder = internal.get_migration_lock_holder(self.conn, schema=self.env.schema)
        if holder and holder["pid"] != self.conn.info.backend_pid:
            # Its changes so far (CONCURRENTLY steps commit one by one) are not recorded yet.
            return None, f"a zerg-sql run holds the migration lock ({self._describe_holder(holder)}): check again after it"
        rec, why_not = self._usable_record(applied)
        if rec is None:
            return None, why_not
        lines = catalog_drift.differences(rec.objects, catalog_drift.live(self.conn, self.env.schema))
        note = f"catalog recorded {rec.recorded_at:%Y-%m-%d %H:%M:%S %Z} by {rec.recorded_by}"
        then, now = rec.server_version_num // 10000, self.state["server_version_num"] // 10000
        if lines and then != now:
            # A major upgrade may print the same definitions differently (function bodies).
            note += (f"; recorded on PostgreSQL {then}, the server is {now} now: check the differences, "
                     f"then accept them with verify --accept-drift")
        return lines, note

    def _usable_record(self, applied: list[str]) -> tuple[catalog_drift.Record | None, str]:
        """The recorded catalog if it can be compared with the live one, else why not."""
        rec = catalog_drift.recorded(self.conn)
        if rec is None:
            return None, ("no catalog recorded yet (last migrated by a zerg-sql that did not record one): "
                          "the next migrate records it")
        if rec.format != catalog_drift.catalog_format():
            return None, ("the catalog was recorded by a zerg-sql that described the schema differently: "
                          "the next migrate records it again")
        if rec.applied != applied:
            return None, (f"the recorded catalog belongs to {len(rec.applied)} applied migrations, the ledger has "
                          f"{len(applied)} (a run was interrupted): the next migrate records it again")
        return rec, ""

    def _ledger_ids(self) -> list[str]:
        """What the catalog record belongs to: the applied migrations and function files (with
        their checksum), so a run interrupted between a function file and the record is seen."""
        ids = [r["migration_id"] for r in internal.list_ledger(self.conn)] if internal.ledger_exists(self.conn) else []
        if internal.function_ledger_exists(self.conn):
            ids += [f"{r['file']}@{r['checksum'][:12]}" for r in internal.list_function_ledger(self.conn)]
        return sorted(ids)

    @contextmanager
    def _recording(self) -> Iterator[None]:
        """Around a run: warn of drift, then record the catalog as the run leaves it.

        The record is the previous one plus this run's own changes (before -> after), so drift
        made by hand stays reported. Without a usable record (first run with catalogs, or after
        an interrupted run) what is there now becomes the record."""
        rec, _ = self._usable_record(self._ledger_ids())
        before = catalog_drift.live(self.conn, self.env.schema)
        expected = rec.objects if rec else before
        for line in catalog_drift.differences(expected, before):
            self.out(f"warning: schema drift: {line}")

        def record() -> None:
            self.record_catalog(catalog_drift.patched(expected, before, catalog_drift.live(self.conn, self.env.schema)))

        try:
            yield
        except BaseException:
            # The migrations before the failed one are committed: record them if the
            # connection still works, else the next run starts a new record.
            with suppress(psycopg.Error):
                record()
            raise
        record()

    def record_catalog(self, objects: catalog_drift.Catalog | None = None) -> None:
        """Record `objects` (default: the live catalog, for adopt and verify --accept-drift)
        with the migrations the ledger holds now."""
        if objects is None:
            objects = catalog_drift.live(self.conn, self.env.schema)
        catalog_drift.record(self.conn, objects, self._ledger_ids(), self.actor)

    def accept_drift(self, reason: str) -> list[str]:
        """The explicit override: record the schema as it is now; returns what was accepted."""
        if not reason.strip():
            raise ZergError("--reason is required to accept schema drift")
        with self.locked():
            self.ensure_schema()
            st = self.status()
            if st.problems:
                raise ZergError("fix these first (verify):\n  - " + "\n  - ".join(st.problems))
            accepted = st.drift or []
            with self.conn.transaction():
                self.record_catalog()
                internal.log_operation(self.conn, migration_id=None, operation="accept-drift", actor=self.actor,
                                       detail=f"{len(accepted)} object(s): {'; '.join(accepted)[:2000]}; reason: {reason}")
        self.out(f"recorded the schema as it is now ({len(accepted)} difference(s) accepted, logged with your reason)")
        return accepted

    @staticmethod
    def _path(m: Migration) -> str:
        try:
            return str(Path(m.path).relative_to(SQL_DIR.parent))
        except ValueError:
            return str(m.path)

    def _unknown_message(self, mid: str, recorded: str | None, sums: dict[str, str], ledger: dict[str, Any]) -> str:
        renamed = [new for new, s in sums.items() if recorded and s == recorded and new not in ledger]
        if renamed:
            return (f"{mid}: applied, but its file was renamed to {renamed[0]}; rename it back "
                    f"(applied migrations keep their names), then put changes in a new migration")
        return (f"{mid}: applied in the database but not in this checkout ({', '.join(self._rel(d) for d in self.dirs)}): "
                f"the file was deleted or renamed, or the database was migrated by a newer checkout (pull first)")

    @staticmethod
    def _rel(d: Path) -> str:
        try:
            return str(d.relative_to(SQL_DIR.parent))
        except ValueError:
            return str(d)

    def verify(self) -> Status:
        st = self.status()
        if not st.schema_exists:
            st.problems.append(f"schema {self.env.schema} does not exist: nothing is migrated")
        return st

    def accept_checksum(self, migration_id: str, reason: str) -> None:
        """The explicit override: record the file's current checksum for an edited migration."""
        if not reason.strip():
            raise ZergError("--reason is required to accept an edited migration")
        by_id = {m.id: m for m in self.migrations()}
        if migration_id not in by_id:
            raise ZergError(f"no migration {migration_id} in this checkout")
        with self.locked():
            self.ensure_schema()
            new = checksum(by_id[migration_id])
            with self.conn.transaction():
                if internal.update_ledger_checksum(self.conn, migration_id=migration_id, checksum=new) != 1:
                    raise ZergError(f"{migration_id} is not recorded as applied")
                internal.log_operation(self.conn, migration_id=migration_id, operation="accept-checksum",
                                       actor=self.actor, detail=f"new checksum {new}; reason: {reason}")
        self.out(f"accepted the edited {migration_id} (logged with your reason)")

    # -- apply / rollback ---------------------------------------------------------------
    def _repair(self, st: Status) -> None:
        """Bring yoyo's table and our ledger back in line, without re-running any DDL."""
        if not st.repairs:
            return
        backend = self._backend()
        by_id = {m.id: m for m in self.migrations()}
        ledger = {r["migration_id"] for r in internal.list_ledger(self.conn)}
        yoyo = {r["migration_id"] for r in internal.list_yoyo_applied(self.conn)} if internal.yoyo_table_exists(self.conn) else set()
        backend.ensure_internal_schema_updated()
        with backend.transaction():
            for mid in sorted(yoyo - ledger):
                if mid in by_id:
                    internal.record_ledger(self.conn, migration_id=mid, checksum=checksum(by_id[mid]),
                                           transactional=by_id[mid].use_transactions, applied_by=self.actor,
                                           duration_ms=None)
                    internal.log_operation(self.conn, migration_id=mid, operation="repair",
                                           actor=self.actor, detail="recorded checksum of a migration applied outside zerg-sql")
                    self.out(f"repaired: recorded {mid} (applied outside zerg-sql) in the ledger")
            for mid in sorted(ledger - yoyo):
                if mid in by_id:
                    backend.mark_one(by_id[mid], log=False)
                    internal.log_operation(self.conn, migration_id=mid, operation="repair",
                                           actor=self.actor, detail="re-marked in yoyo's table")
                    self.out(f"repaired: re-marked {mid} in yoyo's table")

    def pending(self, st: Status) -> list[Migration]:
        wanted = set(st.pending)
        return list(topological_sort(m for m in self.migrations() if m.id in wanted))

    def out_of_order(self, st: Status) -> list[str]:
        """Pending migrations that sort before applied ones of their folder, one line each."""
        folder = {m.id: Path(m.path).parent for m in self.migrations()}
        applied = [r["migration_id"] for r in st.applied]
        lines = []
        for mid in st.pending:
            later = sorted(a for a in applied if a > mid and folder.get(a) == folder[mid])
            if later:
                lines.append(f"{mid} sorts before the applied {', '.join(later[:3])}"
                             f"{f' and {len(later) - 3} more' if len(later) > 3 else ''}")
        return lines

    def _refuse_out_of_order(self, st: Status) -> None:
        lines = self.out_of_order(st)
        if lines and not self.allow_out_of_order:
            raise ZergError(
                "refusing to migrate: out-of-order migration(s):\n  - " + "\n  - ".join(lines)
                + "\nrename each so that it sorts after the last applied one (zerg-sql new gives the next "
                  "number), or apply it anyway with --allow-out-of-order if it does not depend on the "
                  "migrations it would now follow; nothing changed")
        for line in lines:
            self.out(f"warning: applying out of order (--allow-out-of-order): {line}")

    def migrate(self, dry_run: bool = False) -> list[str]:
        """Apply every pending migration; returns their ids. Dry run: print the plan only."""
        if dry_run:
            st = self.status()
            if st.problems:
                raise ZergError("refusing to migrate:\n  - " + "\n  - ".join(st.problems))
            self._refuse_out_of_order(st)
            if not st.schema_exists:
                if self.state["can_create_schema"]:
                    self.out(f"-- would create schema {self.env.schema}")
                else:
                    self.out(f"-- would stop here: schema {self.env.schema} does not exist and role "
                             f"{self.state['current_user']} may not create it (ask a DBA: CREATE SCHEMA "
                             f"{self.env.schema} AUTHORIZATION {self.state['current_user']})")
            for line in st.drift or []:
                self.out(f"-- warning: schema drift: {line}")
            pending = self.pending(st)
            self._print_plan(pending)
            self._print_function_plan(st)
            self.out(self._summary(pending, "apply"))
            return [m.id for m in pending]
        # Lock first (its key is the schema's name, so it works before the schema exists):
        # eight deployers racing to CREATE SCHEMA / the ledger would otherwise collide.
        with self.locked():
            self._refuse_foreign_schema()  # before ensure_schema, which writes our ledger tables
            self.ensure_schema()
            st = self.status()
            if st.problems:
                raise ZergError("refusing to migrate:\n  - " + "\n  - ".join(st.problems))
            self._refuse_out_of_order(st)
            self._repair(st)
            backend = self._backend()
            backend.ensure_internal_schema_updated()
            pending = self.pending(st)
            with self._recording():
                for m in pending:
                    self._run_one(backend, m, "apply")
                self.functions_applied = self._apply_functions(self._function_status())
            if not pending and not self.functions_applied:
                self.out(f"nothing to migrate: schema {self.env.schema} is up to date")
            return [m.id for m in pending]

    def _refuse_foreign_schema(self) -> None:
        """A schema full of tables that none of our migrations made: Zerg's ORM built it."""
        if internal.ledger_exists(self.conn) and list(internal.list_ledger(self.conn)):
            return
        n = internal.count_foreign_tables(self.conn)
        if n:
            raise ZergError(
                f"schema {self.env.schema} already holds {n} tables that no zerg-sql migration created "
                f"(Zerg's ORM-built schema?): adopt it first with `zerg-sql adopt --dry-run`, then "
                f"`zerg-sql adopt` (docs/adopting-production.md); nothing changed")

    def rollback(self, steps: int | None = 1, to: str | None = None, dry_run: bool = False) -> list[str]:
        """Roll back the last `steps` migrations, or every migration applied after `to`."""
        with self.locked() if not dry_run else nullcontext():
            if not dry_run:
                self.ensure_schema()
            st = self.status()
            if st.problems:
                raise ZergError("refusing to roll back:\n  - " + "\n  - ".join(st.problems))
            backend = self._backend()
            if not internal.yoyo_table_exists(self.conn):
                self.out("nothing to roll back")
                return []
            applied = list(backend.to_rollback(self.migrations()))  # newest first, by file name
            # ops_NNNN sorts after every NNNN_ file but is no part of the schema's history:
            # "roll back the last migration" must mean the schema's last one, never the job
            # queue (and its jobs). So ops migrations go last, taken only by steps past the
            # schema's first migration. A stable sort keeps the order within each folder.
            applied.sort(key=lambda m: Path(m.path).parent.resolve() == OPS_MIGRATIONS.resolve())
            ids = [m.id for m in applied]
            if to is not None:
                to = self._unique_applied(to, ids)
                chosen = applied[: ids.index(to)]
            else:
                chosen = applied[: max(0, steps or 0)]
            recorded = [f for f in self._function_status() if f["routines"]] if chosen else []
            if dry_run:
                for f in recorded:
                    self.out(f"-- first drop the routines of {f['file']} (the next migrate creates them again): "
                             f"{', '.join(f['routines'])}")
                self._print_plan(chosen, direction="rollback")
                self.out(self._summary(chosen, "rollback"))
                return [m.id for m in chosen]
            with self._recording():
                # The function files are written against the newest schema, and their
                # SQL-standard bodies hold on to its columns: they go first, as one.
                if recorded:
                    with self.conn.transaction():
                        self._drop_routines([r for f in recorded for r in f["routines"]])
                        for f in recorded:
                            internal.delete_function_file(self.conn, file=f["file"])
                            internal.log_operation(self.conn, migration_id=None, operation="drop-functions",
                                                   actor=self.actor, detail=f"{f['file']} before a rollback")
                    self.out(f"dropped the routines of {len(recorded)} function file(s); the next migrate creates them again")
                for m in chosen:
                    self._run_one(backend, m, "rollback")
            if not chosen:
                self.out("nothing to roll back")
            else:
                left = [i for i in ids if i not in {m.id for m in chosen}]
                self.out(f"rolled back {len(chosen)} migration(s): {', '.join(m.id for m in chosen)}; "
                         f"the newest applied is now {left[0] if left else 'none (nothing is applied)'}")
            return [m.id for m in chosen]

    @staticmethod
    def _unique_applied(to: str, ids: list[str]) -> str:
        """--to ID, or a prefix of exactly one applied id (`--to 0020`)."""
        if to in ids:
            return to
        matches = [i for i in ids if i.startswith(to)] if to else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ZergError(f"--to {to}: matches {', '.join(sorted(matches))}; give more of the id")
        raise ZergError(f"--to {to}: not an applied migration (applied: {', '.join(reversed(ids)) or 'none'})")

    def plan(self, direction: str = "apply", steps: int | None = 1, to: str | None = None) -> list[str]:
        """The ids a migrate or rollback would run now, for a confirmation prompt (no lock, no writes)."""
        if direction == "apply":
            return [m.id for m in self.pending(self.status())]
        with _quiet(self):
            return self.rollback(steps=steps, to=to, dry_run=True)

    def _summary(self, migrations: list[Migration], direction: str) -> str:
        verb = "apply" if direction == "apply" else "roll back"
        if not migrations:
            return f"-- summary: nothing to {verb}"
        plain = sum(1 for m in migrations if not m.use_transactions)
        return (f"-- summary: would {verb} {len(migrations)} migration(s): {', '.join(m.id for m in migrations)}"
                + (f" ({plain} not transactional)" if plain else "")
                + f"; each transactional one waits at most lock_timeout={self.env.lock_timeout} per attempt, "
                  f"retrying for {self.env.lock_retry_for}")

    def _print_plan(self, migrations: list[Migration], direction: str = "apply") -> None:
        if not migrations:
            self.out(f"-- nothing to {direction}")
        for m in migrations:
            m.load()
            path = Path(m.path) if direction == "apply" else Path(str(m.path)[: -len(".sql")] + ".rollback.sql")
            mode = "one transaction" if m.use_transactions else "NOT transactional (each statement commits)"
            self.out(f"-- {direction} {m.id} ({self._path(m) if direction == 'apply' else path.name}; {mode}; "
                     f"lock_timeout={self.env.lock_timeout}, statement_timeout={self.env.statement_timeout})")
            self.out(path.read_text().rstrip() if path.exists() else "-- (no rollback file)")
            self.out("")

    # -- function files -----------------------------------------------------------------
    def _print_function_plan(self, st: Status) -> None:
        files = {f.id: f for f in self.function_files()}
        todo = st.pending_functions
        if todo:
            self.out(f"-- then the function files, in ONE transaction (lock_timeout={self.env.lock_timeout}, "
                     f"statement_timeout={self.env.statement_timeout}); first it drops the routines they "
                     f"created last time: {', '.join(r for f in todo for r in f['routines']) or 'none'}")
        for f in todo:
            why = {"new": "new", "changed": "changed since applied", "removed": "removed from the checkout",
                   "with": f"re-applied with {', '.join(d for d in f['depends'])}"}[f["state"]]
            if f["state"] == "removed":
                self.out(f"-- drop {f['file']} ({why}): {', '.join(f['routines']) or 'no routines'}")
                continue
            self.out(f"-- apply {f['file']} ({why})")
            self.out(files[f["file"]].text.rstrip())
            self.out("")

    def _drop_routines(self, routines: list[str]) -> None:
        internal.set_routines_to_drop(self.conn, routines=routines)
        internal.drop_routines(self.conn)

    def _apply_functions(self, plan: list[FunctionState]) -> list[str]:
        """Apply the function files that changed (and those that depend on them), in one
        transaction: drop the routines they created last time, run each file, record the routines
        it created. A signature change thus needs no DROP in the file; a failure or a killed run
        leaves every routine as it was."""
        todo = [f for f in plan if f["state"] != "ok"]
        if not todo:
            return []
        files = {f.id: f for f in self.function_files()}
        allowed = owned_schemas(self.env) + ["pg_catalog", "information_schema", "pg_toast"]
        started = time.monotonic()
        self.out(f"applying function files {', '.join(f['file'] for f in todo)} ...")
        try:
            with self.conn.transaction():
                outside = list(internal.list_outside_oids(self.conn, allowed_schemas=allowed))
                self._drop_routines([r for f in todo for r in f["routines"]])
                for f in todo:
                    if f["state"] == "removed":
                        internal.delete_function_file(self.conn, file=f["file"])
                        internal.log_operation(self.conn, migration_id=None, operation="drop-functions",
                                               actor=self.actor, detail=f"{f['file']}: removed from the checkout")
                        continue
                    one = time.monotonic()
                    before = {r["routine"]: r["version"] for r in internal.list_schema_routines(self.conn)}
                    self.conn.execute(files[f["file"]].text)  # a file of sql/, as psql would run it
                    created = [r["routine"] for r in internal.list_schema_routines(self.conn)
                               if before.get(r["routine"]) != r["version"]]
                    ms = int((time.monotonic() - one) * 1000)
                    internal.record_function_file(self.conn, file=f["file"], checksum=f["checksum"], routines=created,
                                                  applied_by=self.actor, duration_ms=ms)
                    internal.log_operation(self.conn, migration_id=None, operation="apply-functions", actor=self.actor,
                                           detail=f"{f['file']} ({f['state']}): {len(created)} routine(s), {ms} ms, "
                                                  f"environment {self.env.name}")
                self._check_outside(f"function files {', '.join(f['file'] for f in todo)}", allowed, outside)
        except psycopg.Error as e:
            diag = e.diag.message_primary or str(e)
            detail = f" ({e.diag.message_detail})" if e.diag.message_detail else ""
            if isinstance(e, psycopg.errors.DependentObjectsStillExist):
                detail += (": a function file whose routines use these must say so (`-- depends: NAME`), and "
                           "nothing versioned may use a function file's routine")
            raise ZergError(f"function files {', '.join(f['file'] for f in todo)} failed: {scrub(diag)}{scrub(detail)}; "
                            f"rolled back, every routine is as it was") from None
        self.out(f"  done in {(time.monotonic() - started) * 1000:.0f} ms")
        return [f["file"] for f in todo]

    def _run_one(self, backend: _Backend, m: Migration, direction: str) -> None:
        m.load()
        started = time.monotonic()
        self.out(f"{'applying' if direction == 'apply' else 'rolling back'} {m.id} ...")
        self._in_migration, self.failed_statement = True, ""
        try:
            if m.use_transactions:
                self._run_transactional(backend, m, direction, started)
            else:
                # Statements commit one by one; record right after. A crash in between is found
                # by status (applied objects, no record): such files must be idempotent (IF NOT
                # EXISTS), which the lint enforces, so re-running them is the repair. No retry
                # here: a CONCURRENTLY step that timed out leaves an invalid index to look at.
                m.process_steps(backend, direction)
                with backend.transaction():
                    self._record(backend, m, direction, started)
        except psycopg.Error as e:
            raise self._failure(m, direction, e) from None
        finally:
            self._in_migration = False
        self.run_done.append(m.id)
        self.out(f"  done in {(time.monotonic() - started) * 1000:.0f} ms")

    def _run_transactional(self, backend: _Backend, m: Migration, direction: str, started: float) -> None:
        """One transaction per attempt; a lock timeout rolls it back, pauses and tries again
        until lock_retry_for is spent, so the application waits at most one lock_timeout per
        statement of each attempt instead of for the whole blocker."""
        allowed = owned_schemas(self.env) + ["pg_catalog", "information_schema", "pg_toast"]
        deadline = time.monotonic() + self.env.lock_retry_seconds
        pause, attempt = FIRST_PAUSE, 1
        while True:
            try:
                with backend.transaction():
                    before = list(internal.list_outside_oids(self.conn, allowed_schemas=allowed))
                    m.process_steps(backend, direction)
                    self._check_outside(m.id, allowed, before)
                    self._record(backend, m, direction, started)
                return
            except psycopg.errors.LockNotAvailable:
                self.failed_statement = ""
                if time.monotonic() + pause > deadline:
                    self.attempts = attempt
                    raise
                self.out(f"  {m.id}: a lock it needs is taken (attempt {attempt}, lock_timeout "
                         f"{self.env.lock_timeout}); rolled back, retrying in {pause:g}s")
                time.sleep(pause)
                pause, attempt = min(pause * 2, LONGEST_PAUSE), attempt + 1

    def _failure(self, m: Migration, direction: str, e: psycopg.Error) -> ZergError:
        """One message for a migration that failed: what, where, what was applied, what to do."""
        verb = "applied" if direction == "apply" else "rolled back"
        done = f"; {', '.join(self.run_done)} of this run {'are' if len(self.run_done) > 1 else 'is'} {verb}" \
            if self.run_done else ""
        if m.use_transactions:
            nothing = f"nothing of {m.id} was {verb} (its transaction was rolled back){done}"
        else:
            nothing = (f"{m.id} is NOT transactional: its statements before the failing one are committed; "
                       f"it is idempotent (IF NOT EXISTS), so fixing the cause and rerunning finishes it{done}")
        what = scrub(getattr(e.diag, "message_primary", None) or str(e)).strip()
        where = self._where(m, direction, e)
        if isinstance(e, psycopg.errors.LockNotAvailable):
            return LockBusy(
                f"{m.id}: gave up after {getattr(self, 'attempts', 1)} attempt(s) over {self.env.lock_retry_for} "
                f"(lock_timeout {self.env.lock_timeout} each): {self._blockers()}; {nothing}. Rerun when the "
                f"blocker is gone (`zerg-sql doctor` lists long transactions and lock holders)")
        if isinstance(e, psycopg.errors.QueryCanceled):
            return ZergError(f"{m.id}: {what} ({where}; statement_timeout {self.env.statement_timeout}); {nothing}. "
                             f"A statement this slow needs a non-transactional, batched migration, or a "
                             f"longer statement_timeout in environments.toml")
        if isinstance(e, psycopg.errors.InsufficientPrivilege):
            return ZergError(f"{m.id}: {what} ({where}) as role {self.state['current_user']}; {nothing}. "
                             f"Grant the privilege (docs/security.md) or change the migration")
        if isinstance(e, psycopg.OperationalError) or self.conn.closed or self.conn.broken:
            return ZergError(f"{m.id}: the connection to the server was lost ({what}); the server rolls back "
                             f"an unfinished transaction, so {nothing}. Rerun migrate when the server is back "
                             f"(`zerg-sql status` shows what is applied)")
        return ZergError(f"{m.id}: {type(e).__name__}: {what} ({where}); {nothing}. Fix the file, then rerun")

    def _where(self, m: Migration, direction: str, e: psycopg.Error) -> str:
        """file:line of the failing statement (line of the error position when the server gives one)."""
        path = Path(m.path) if direction == "apply" else Path(str(m.path)[: -len(".sql")] + ".rollback.sql")
        rel = self._path(m) if direction == "apply" else self._rel(path)
        stmt = self.failed_statement
        try:
            text = path.read_text()
        except OSError:
            return rel
        at = text.find(stmt.strip()) if stmt.strip() else -1
        if at < 0:
            return rel
        position = int(getattr(e.diag, "statement_position", None) or 0)
        lead = len(stmt) - len(stmt.lstrip())
        offset = at + max(0, position - 1 - lead)
        return f"{rel}, line {text.count(chr(10), 0, offset) + 1}"

    def _blockers(self) -> str:
        """Who holds locks on our schemas now, oldest transaction first (the likely blocker)."""
        with suppress(psycopg.Error):
            rows = list(internal.list_lock_holders(self.conn, schemas=owned_schemas(self.env)))
            if rows:
                return "blocked, most likely, by " + "; ".join(describe_session(r) for r in rows[:3])
        return "blocked by a session that has since let go (or that this role may not see)"

    def _record(self, backend: _Backend, m: Migration, direction: str, started: float) -> None:
        ms = int((time.monotonic() - started) * 1000)
        backend.log_migration(m, direction)
        if direction == "apply":
            backend.mark_one(m, log=False)
            internal.record_ledger(self.conn, migration_id=m.id, checksum=checksum(m),
                                   transactional=m.use_transactions, applied_by=self.actor, duration_ms=ms)
        else:
            backend.unmark_one(m, log=False)
            internal.delete_ledger(self.conn, migration_id=m.id)
        internal.log_operation(self.conn, migration_id=m.id, operation=direction, actor=self.actor,
                               detail=f"{ms} ms, environment {self.env.name}")

    # -- for `adopt`, which converts a legacy schema in place to the migrations' effect ----------
    def backend(self) -> _Backend:
        """yoyo's backend on this connection: `with runner.backend().transaction():`."""
        return self._backend()

    def mark_applied(self, backend: _Backend, m: Migration, started: float) -> None:
        """Record m as applied exactly as migrate does (yoyo's rows, ledger with checksum, log)
        without running it, inside the caller's `backend.transaction()`."""
        self._record(backend, m, "apply", started)

    def _check_outside(self, what: str, allowed: list[str], before: list[dict[str, Any]]) -> None:
        """Refuse what this migration's own transaction did outside our schemas (a neighbour's
        DDL meanwhile is none of ours: list_objects_changed_here sees only our transaction)."""
        names = {(r["classid"], r["oid"]): f"{r['kind']} {r['schema']}.{r['name']}" for r in before}
        rows = internal.list_objects_changed_here(
            self.conn, allowed_schemas=allowed, before_classids=[r["classid"] for r in before],
            before_oids=[r["oid"] for r in before])
        changed = sorted({f"{r['kind']} {r['schema']}.{r['name']}" if r["how"] == "changed"
                          else f"dropped {next((n for (c, o), n in names.items() if o == r['oid']), r['oid'])}"
                          for r in rows})
        if changed:
            raise ZergError(
                f"{what} would change objects outside the schemas environment {self.env.name} owns "
                f"({', '.join(owned_schemas(self.env))}): {', '.join(changed[:10])}; rolled back, nothing changed")


def describe_session(r: dict[str, Any]) -> str:
    """A lock holder or long transaction in one line: pid, application, user, since when, query (scrubbed)."""
    if r.get("state") is None:  # pg_stat_activity hides another role's activity from us
        return (f"server pid {r['pid']} ({r.get('application_name') or 'no application name'}, user {r.get('user_name')}, "
                f"its activity is visible to that role only" + (f", holding {r['locks']}" if r.get("locks") else "") + ")")
    since = f"in a transaction since {r['xact_start']:%Y-%m-%d %H:%M:%S %Z}" if r.get("xact_start") else "no transaction"
    query = " ".join(scrub(r.get("query") or "").split())[:160]
    return (f"server pid {r['pid']} ({r.get('application_name') or 'no application name'}, user {r.get('user_name')}, "
            f"{r.get('state') or '?'}, {since}"
            + (f", holding {r['locks']}" if r.get("locks") else "")
            + (f", last query: {query}" if query else "") + ")")


# The first line of every template; lint fails a migration that still has it.
TEMPLATE_MARK = "what this changes and why (a DBA reads this first)"


def new_migration(slug: str, folder: Path = ZERG_MIGRATIONS, transactional: bool = True) -> tuple[Path, Path]:
    """Create the next-numbered NNNN_slug.sql and NNNN_slug.rollback.sql.

    `new 0021_x` means slug x (a number typed out of habit is dropped, not doubled);
    transactional=False writes the `-- transactional: false` directive (CONCURRENTLY)."""
    numbered = re.fullmatch(r"(\d{4})_(.+)", slug)
    if numbered:
        slug = numbered.group(2)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_]{0,50}", slug):
        raise ZergError(f"slug {slug!r}: use lower-case letters, digits and underscores")
    numbers = [int(p.name[:4]) for p in folder.glob("[0-9][0-9][0-9][0-9]_*.sql")]
    n = max(numbers, default=0) + 1
    if numbered and int(numbered.group(1)) != n:
        raise ZergError(f"{numbered.group(0)}: the next number is {n:04d} (numbers are given, not chosen); "
                        f"run `zerg-sql new {slug}`")
    up = folder / f"{n:04d}_{slug}.sql"
    down = folder / f"{n:04d}_{slug}.rollback.sql"
    directives = "" if transactional else (
        "-- transactional: false\n-- squawk-disable-assume-in-transaction\n"
        "-- Each statement commits on its own: make every one safe to run again (IF NOT EXISTS),\n"
        "-- since an interrupted run is repaired by running it again.\n")
    up.write_text(f"{directives}-- {slug.replace('_', ' ')}: {TEMPLATE_MARK}.\n"
                  "-- Unqualified names: the runner sets search_path to the target schema.\n\n")
    down.write_text(("" if transactional else "-- transactional: false\n-- squawk-disable-assume-in-transaction\n")
                    + f"-- Undo {up.name} exactly.\n\n")
    return up, down
