"""Environments (environments.toml), connection URLs, and password masking."""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import psycopg.conninfo

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
ENVIRONMENTS_FILE = ROOT / "environments.toml"

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_INTERVAL = re.compile(r"^(\d{1,9})\s*(ms|s|min|h)?$")
_UNIT_MS = {"ms": 1, "": 1, "s": 1000, "min": 60_000, "h": 3_600_000}  # PostgreSQL: no unit = ms
_SCHEMES = ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://")


class ZergError(Exception):
    """An error the user can act on; the CLI prints it without a traceback, exit `code`."""

    code = 1


class CannotConnect(ZergError):
    """The server is unreachable, or refuses us (authentication, unknown role or database)."""

    code = 3


class LockBusy(ZergError):
    """Gave up waiting for a lock (the migration lock, or a table's); nothing was applied, rerun."""

    code = 4


# Every password we have seen this process; masked out of every message we print or log.
_SECRETS: set[str] = set()


def register_secret(value: str | None) -> None:
    if value and len(value) >= 2:
        _SECRETS.add(value)
        _SECRETS.add(quote(value, safe=""))


def scrub(text: str) -> str:
    """Replace every known password (and any URL's password) in text with ***."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    # A password we were never told about, inside any URL in the text.
    text = re.sub(r"(postgres(?:ql)?(?:\+\w+)?://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)
    # key=value DSNs; stop at quotes, & and whitespace so JSON and URLs around it stay intact.
    return re.sub(r"(password\s*=\s*)('[^']*'|[^\s'\"&]+)", r"\1***", text, flags=re.I)


def mask_url(url: str) -> str:
    return scrub(url)


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


def load_environments(path: Path | None = None) -> dict[str, dict]:
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
        seconds = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or not low <= seconds <= high:
        raise ZergError(f"{what}: {value!r} is not a number of seconds from {low:g} to {high:g}")
    return seconds


def _check_value(env: str, key: str, value: object) -> None:
    kind, bounds = _KEYS[key]
    what = f"environments.toml [{env}] {key}"
    if kind == "interval":
        interval_ms(value, what, *bounds)
    elif kind == "seconds":
        finite_seconds(value, what, *bounds)
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


def normalize_url(url: str) -> str:
    """Accept the URL forms people paste and return a libpq URI psycopg understands.

    postgres://, postgresql://, postgresql+psycopg:// (SQLAlchemy/yoyo style) all become
    postgresql://; query options such as options=-csearch_path=zerg,public are kept.
    """
    url = url.strip()
    _register_url_password(url)  # first, so even the errors below print it masked
    lowered = url.lower()
    for scheme in _SCHEMES:
        if lowered.startswith(scheme):
            url = "postgresql://" + url[len(scheme):]
            break
    else:
        if "://" in url:
            raise ZergError(f"unsupported database URL scheme in {mask_url(url)!r}: use postgresql://")
        if "=" not in url:
            raise ZergError(f"malformed database URL {mask_url(url)!r}: expected postgresql://user@host:port/dbname")
    if url.startswith("postgresql://"):
        url = _reencode_query(url)
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as e:
        raise ZergError(f"malformed database URL {mask_url(url)!r}: {scrub(str(e)).strip()}") from None
    password = parts.get("password")
    register_secret(None if password is None else str(password))
    port = str(parts.get("port") or "5432")
    if not all(p.isdigit() for p in port.split(",")):
        raise ZergError(f"malformed database URL {mask_url(url)!r}: port {port!r} is not a number")
    return url


def _register_url_password(url: str) -> None:
    if "://" not in url:
        return
    try:
        password = urlsplit(url).password
    except ValueError:
        return
    if password:
        register_secret(password)
        register_secret(unquote(password))


def _reencode_query(url: str) -> str:
    """Percent-encode query values the way libpq wants them.

    People paste options=-csearch_path=zerg,public (Zerg's docs) and options=-c+search_path=...
    (yoyo style); libpq rejects a raw '=' in a value and does not decode '+', so decode the
    query like yoyo does and encode it again.
    """
    split = urlsplit(url)
    if not split.query:
        return url
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='/,')}" for k, v in parse_qsl(split.query, keep_blank_values=True))
    return split._replace(query=query).geturl()


def url_info(url: str) -> dict[str, str]:
    """The parts of a URL (libpq keywords), never used for the password."""
    if not url:
        return {}
    info = {k: str(v) for k, v in psycopg.conninfo.conninfo_to_dict(url).items() if v is not None}
    info.pop("password", None)
    return info


# Credential columns (docs/security.md): no command prints their values (`zerg-sql query
# run` shows whole rows). Results carry column names, not tables, so these are names;
# `config` is a credential only in a connectors row (encrypted provider secrets), which is
# the one row shape with both `provider` and `config`.
SECRET_COLUMNS = frozenset({"encrypted_value", "gmail_refresh_token", "secret", "auth_secret_hash", "token_hash"})
REDACTED = "[REDACTED]"


def redact_secret_columns(result):
    """A query result (a row dict, a list of them, or a plain value) with credential values replaced."""
    if isinstance(result, list):
        return [redact_secret_columns(r) for r in result]
    if not isinstance(result, dict):
        return result
    secret = SECRET_COLUMNS | ({"config"} if "provider" in result else set())
    return {k: REDACTED if k in secret and v is not None else v for k, v in result.items()}
