"""Environments (environments.toml): schema, URL, timeouts and protection of each."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from .errors import ZergError as ZergError  # re-exported: services catch it from here
from .urls import mask_url, normalize_url, url_info

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
ENVIRONMENTS_FILE = ROOT / "environments.toml"

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
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
    lock_timeout: str = "5s"
    statement_timeout: str = "5min"
    lock_wait: float = 60.0
    protected: bool = False
    may_create_ops: bool = False
    dashboard_role: str = ""
    url: str | None = field(default=None, repr=False)  # resolved, normalised

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


def load_environments(path: Path = ENVIRONMENTS_FILE) -> dict[str, dict]:
    with open(path, "rb") as f:
        return tomllib.load(f)


def get_environment(name: str | None = None, database_url: str | None = None) -> Environment:
    """The named environment (--env, else ZERG_ENV, else dev) with its URL resolved."""
    name = name or os.environ.get("ZERG_ENV") or "dev"
    envs = load_environments()
    if name not in envs:
        raise ZergError(f"unknown environment {name!r}; environments.toml defines: {', '.join(envs)}")
    raw = envs[name]
    for key in ("schema", *raw.get("search_path", [])):
        value = raw.get(key, key) if key == "schema" else key
        if not _IDENT.match(value):
            raise ZergError(f"environment {name}: {value!r} is not a plain lower-case identifier")
    if raw.get("dashboard_role") and not _IDENT.match(raw["dashboard_role"]):
        raise ZergError(f"environment {name}: dashboard_role {raw['dashboard_role']!r} is not a plain identifier")
    for key in ("lock_timeout", "statement_timeout"):
        if key in raw and parse_duration(str(raw[key])) is None:
            raise ZergError(f"environment {name}: {key} {raw[key]!r} is not like '5s', '500ms', '15min'")
    url = database_url
    if url is None:
        for var in raw.get("url_env", []):
            if os.environ.get(var):
                url = os.environ[var]
                break
    if url is None and name == "dev" and dev_url_file().exists():
        url = dev_url_file().read_text().strip()
    return Environment(
        name=name,
        schema=raw.get("schema", "zerg"),
        search_path=tuple(raw.get("search_path", [raw.get("schema", "zerg"), "public"])),
        url_env=tuple(raw.get("url_env", [])),
        lock_timeout=str(raw.get("lock_timeout", "5s")),
        statement_timeout=str(raw.get("statement_timeout", "5min")),
        lock_wait=float(raw.get("lock_wait", 60)),
        protected=bool(raw.get("protected", False)),
        may_create_ops=bool(raw.get("may_create_ops", False)),
        dashboard_role=raw.get("dashboard_role", ""),
        url=normalize_url(url) if url else None,
    )


def require_url(env: Environment) -> str:
    if not env.url:
        hint = " or run `make dev`" if env.name == "dev" else ""
        raise ZergError(
            f"no database URL for environment {env.name}: set {' or '.join(env.url_env) or 'DATABASE_URL'}"
            f", or pass --database-url{hint}"
        )
    return env.url
