"""Environments (environments.toml): schema, URL, timeouts and protection of each."""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from .errors import CannotConnect as CannotConnect, LockBusy as LockBusy, ZergError as ZergError  # re-exported: services catch them from here
from .urls import mask_url, normalize_url, url_info

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
# An installed wheel has its own copy of sql/ and environments.toml inside the package
# (setup.py puts them there); a checkout reads the top-level ones, the DBAs' source.
_INSTALLED = (PACKAGE / "sql").is_dir()
SQL_DIR = PACKAGE / "sql" if _INSTALLED else ROOT / "sql"
ENVIRONMENTS_FILE = PACKAGE / "environments.toml" if _INSTALLED else ROOT / "environments.toml"

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_INTERVAL = re.compile(r"^(\d{1,9})\s*(ms|s|min|h)?$")
_UNIT_MS = {"ms": 1, "": 1, "s": 1000, "min": 60_000, "h": 3_600_000}  # a PostgreSQL setting: no unit = ms
_DURATION = re.compile(r"^\s*(\d+)\s*(ms|s|min|m|h|d)?\s*$")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta | None:
    """'500ms', '5s', '15min' (or '15m'), '12h', '30d' as a timedelta; a bare number is seconds,
    as in PostgreSQL, which reads each of these forms as an interval too. None if not one."""
    match = _DURATION.match(text or "")
    if not match:
        return None
    return timedelta(seconds=int(match.group(1)) * _SECONDS[match.group(2) or "s"])


@dataclass(frozen=True)
class Environment:
    name: str
    schema: str
    search_path: tuple[str, ...]
    url_env: tuple[str, ...]
    lock_timeout: str = "1s"         # each attempt of a migration to take its locks
    statement_timeout: str = "5min"
    lock_retry_for: str = "30s"      # how long a blocked migration keeps trying (growing pauses)
    lock_wait: float = 60.0
    protected: bool = False
    may_create_ops: bool = False
    dashboard_role: str = ""
    url: str | None = field(default=None, repr=False)  # resolved, normalised

    @property
    def lock_retry_seconds(self) -> float:
        return interval_ms(self.lock_retry_for, "lock_retry_for") / 1000

    @property
    def display_url(self) -> str:
        return mask_url(self.url or "")

    @property
    def target(self) -> str:
        """host / database / schema, password-free, for confirmations and messages."""
        info = url_info(self.url or "")
        return f"host={info.get('host', 'localhost')} port={info.get('port', '5432')} database={info.get('dbname', '?')} schema={self.schema}"


def dev_url_file() -> Path:
    """Where `make dev` leaves the embedded server's URL (a socket URL, never a password)."""
    if os.environ.get("ZERG_DEV_DATA_DIR"):
        return Path(os.environ["ZERG_DEV_DATA_DIR"]).resolve().parent / "dev-url"
    return ROOT / ".dev" / "dev-url"


def load_environments(path: Path | None = None) -> dict[str, dict[str, Any]]:
    try:
        with open(path or ENVIRONMENTS_FILE, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ZergError(f"{path or ENVIRONMENTS_FILE}: not valid TOML: {e}") from None


# What each environments.toml key may hold: (kind, bounds). Intervals are PostgreSQL-style
# ('500ms', '5s', '15min', '1h'); bounds in milliseconds. PostgreSQL caps its timeouts at
# INT_MAX ms (~24 days); ours are far shorter on purpose.
_KEYS: dict[str, tuple[str, tuple[float, float] | None]] = {
    "url_env": ("names", None),
    "schema": ("ident", None),
    "search_path": ("idents", None),
    "lock_timeout": ("interval", (1, 3_600_000)),          # 1 ms .. 1 h
    "statement_timeout": ("interval", (1, 86_400_000)),     # 1 ms .. 24 h
    "lock_retry_for": ("interval", (0, 3_600_000)),        # 0 (one attempt) .. 1 h
    "lock_wait": ("seconds", (0, 86_400)),
    "protected": ("bool", None),
    "may_create_ops": ("bool", None),
    "dashboard_role": ("ident-or-empty", None),
}


def interval_ms(value: object, what: str, low: float = 0, high: float = 86_400_000) -> int:
    """A PostgreSQL-style interval ('500ms', '5s', '15min', '1h') in ms, within [low, high]."""
    m = _INTERVAL.match(str(value).strip()) if isinstance(value, str) else None
    if not m:
        raise ZergError(f"{what}: {value!r} is not an interval like '500ms', '5s', '15min' or '1h'")
    ms = int(m.group(1)) * _UNIT_MS[m.group(2) or ""]
    if not low <= ms <= high:
        raise ZergError(f"{what}: {value!r} is out of range ({_ms_text(low)} to {_ms_text(high)})")
    return ms


def _ms_text(ms: float) -> str:
    for unit, size in (("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms >= size and ms % size == 0:
            return f"{ms // size:g}{unit}"
    return f"{ms:g}ms"


def finite_seconds(value: object, what: str, low: float = 0, high: float = 86_400) -> float:
    """A finite number of seconds within [low, high] (no NaN, no infinity, no text)."""
    try:
        seconds = float(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or not low <= seconds <= high:
        raise ZergError(f"{what}: {value!r} is not a number of seconds from {low:g} to {high:g}")
    return seconds


def _check_value(env: str, key: str, value: object) -> None:
    kind, bounds = _KEYS[key]
    limits: tuple[float, float] = bounds or (0, 86_400_000)
    what = f"environments.toml [{env}] {key}"
    if kind == "interval":
        interval_ms(value, what, *limits)
    elif kind == "seconds":
        finite_seconds(value, what, *limits)
    elif kind == "bool":
        if not isinstance(value, bool):
            raise ZergError(f"{what}: {value!r} must be true or false")
    elif kind == "names":
        if not isinstance(value, list) or not all(isinstance(v, str) and re.fullmatch(r"[A-Z_][A-Z0-9_]*", v) for v in value):
            raise ZergError(f"{what}: {value!r} must be a list of environment variable names")
    elif kind == "idents":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and _IDENT.match(v) for v in value):
            raise ZergError(f"{what}: {value!r} must be a non-empty list of plain lower-case identifiers")
    elif not isinstance(value, str) or not (_IDENT.match(value) or (kind == "ident-or-empty" and value == "")):
        raise ZergError(f"{what}: {value!r} is not a plain lower-case identifier")


def get_environment(name: str | None = None, database_url: str | None = None) -> Environment:
    """The named environment (--env, else ZERG_ENV, else dev) with its URL resolved."""
    if name is None:
        name = os.environ.get("ZERG_ENV") or "dev"
    envs = load_environments()
    if not name.strip():
        raise ZergError(f"--env {name!r}: an empty environment name; environments.toml defines: {', '.join(envs)}")
    if name not in envs:
        raise ZergError(f"unknown environment {name!r}; environments.toml defines: {', '.join(envs)}")
    raw = envs[name]
    for key, value in raw.items():
        if key not in _KEYS:
            raise ZergError(f"environments.toml [{name}]: unknown key {key!r} (known: {', '.join(_KEYS)})")
        _check_value(name, key, value)
    url = database_url
    if url is None:
        for var in raw.get("url_env", []):
            if os.environ.get(var):
                url = os.environ[var]
                break
    if url is None and name == "dev" and dev_url_file().exists():
        url = dev_url_file().read_text().strip()
    defaults = Environment(name=name, schema="zerg", search_path=(), url_env=())
    return Environment(
        name=name,
        schema=raw.get("schema", "zerg"),
        search_path=tuple(raw.get("search_path", [raw.get("schema", "zerg"), "public"])),
        url_env=tuple(raw.get("url_env", [])),
        lock_timeout=raw.get("lock_timeout", defaults.lock_timeout),
        statement_timeout=raw.get("statement_timeout", defaults.statement_timeout),
        lock_retry_for=raw.get("lock_retry_for", defaults.lock_retry_for),
        lock_wait=float(raw.get("lock_wait", defaults.lock_wait)),
        protected=raw.get("protected", False),
        may_create_ops=raw.get("may_create_ops", False),
        dashboard_role=raw.get("dashboard_role", ""),
        url=normalize_url(url) if url else None,
    )


def protected_urls(env: Environment) -> list[tuple[str, str]]:
    """(environment, URL) of every protected environment whose own variables are set: those
    no unprotected environment reads too (a shared DATABASE_URL says nothing about which
    one is meant; the server's marker decides that, db.refuse_protected)."""
    if env.protected:
        return []
    envs = load_environments()
    shared = {var for raw in envs.values() if not raw.get("protected") for var in raw.get("url_env", [])}
    return [(other, normalize_url(os.environ[var]))
            for other, raw in envs.items() if raw.get("protected")
            for var in raw.get("url_env", []) if var not in shared and os.environ.get(var)]


def same_database(a: str, b: str) -> bool:
    """Do two URLs name the same host, port and database (user and options aside)?"""
    def key(url: str) -> tuple[str, str, str]:
        info = url_info(url)
        return (info.get("host", "localhost").lower(), info.get("port", "5432"), info.get("dbname", info.get("user", "")))
    return key(a) == key(b)


def require_url(env: Environment) -> str:
    if not env.url:
        hint = " or run `make dev`" if env.name == "dev" else ""
        raise ZergError(
            f"no database URL for environment {env.name}: set {' or '.join(env.url_env) or 'DATABASE_URL'}"
            f", or pass --database-url{hint}"
        )
    return env.url
