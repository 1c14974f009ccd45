"""Environments (environments.toml), connection URLs, and password masking."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import psycopg.conninfo

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
# An installed wheel has its own copy of sql/ and environments.toml inside the package
# (setup.py puts them there); a checkout reads the top-level ones, the DBAs' source.
_INSTALLED = (PACKAGE / "sql").is_dir()
SQL_DIR = PACKAGE / "sql" if _INSTALLED else ROOT / "sql"
ENVIRONMENTS_FILE = PACKAGE / "environments.toml" if _INSTALLED else ROOT / "environments.toml"

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_INTERVAL = re.compile(r"^\d+\s*(ms|s|min|h)?$")
_SCHEMES = ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://")


class ZergError(Exception):
    """An error the user can act on; the CLI prints it without a traceback (exit 1)."""


# Every password we have seen this process; masked out of every message we print or log.
_SECRETS: set[str] = set()
# A password shorter than this made of word characters only (docker-compose's `zerg`) may
# equal an ordinary word of the output (a database, schema or user name), so it is masked
# only where a password stands: a URL's user info, password=..., PASSWORD '...', JSON.
# Anything else (long, or with other characters) cannot be mistaken for a word and is
# masked wherever it appears, in any error text.
_WORDLIKE = re.compile(r"[A-Za-z0-9_]{1,15}")
_PASSWORD_SPOTS = [
    # user:password@ in any URL (one we were never told about too)
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*@", re.I), r"\1***@"),
    # key=value DSNs; stop at quotes, & and whitespace so JSON and URLs around it stay intact.
    (re.compile(r"(password\s*=\s*)('[^']*'|[^\s'\"&]+)", re.I), r"\1***"),
    (re.compile(r"(\bpassword\s+)'(?:[^']|'')*'", re.I), r"\1'***'"),        # SQL: PASSWORD '...'
    (re.compile(r'("password"\s*:\s*)"(?:[^"\\]|\\.)*"', re.I), r'\1"***"'),   # JSON
]


def register_secret(value: str | None) -> None:
    if value and len(value) >= 2:
        _SECRETS.add(value)
        _SECRETS.add(quote(value, safe=""))


def scrub(text: str) -> str:
    """Text with every password masked (***) and no row contents of a server error.

    A known password that could not be an ordinary word is replaced wherever it appears;
    one that could (`zerg`) only where a password stands, so `database=zerg` stays.
    """
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if not _WORDLIKE.fullmatch(secret):
            text = text.replace(secret, "***")
    for pattern, replacement in _PASSWORD_SPOTS:
        text = pattern.sub(replacement, text)
    return redact_row_contents(text)


# What PostgreSQL quotes of a table's rows in its error texts: the whole failing row of a
# NOT NULL or CHECK violation, the key values of a unique, foreign key or exclusion
# violation, the value a COPY line failed on. Any of it may be a credential column
# (users.gmail_refresh_token), so none of it is shown; constraint, column and key names stay.
_FAILING_ROW = re.compile(r"[ \t]*(?:DETAIL:\s*)?Failing row contains \(.*?\)\.?(?=\n[A-Z]+:|\Z)\n?", re.S)
_KEY_VALUES = re.compile(r"\b((?:[Kk]ey|existing key) \(.*?\))=\(.*?\)"
                         r"(?=( already exists| is not present| is still referenced| conflicts with|\.?\s*(?:\n|\Z)))",
                         re.S)
_COPY_VALUE = re.compile(r"(\bCOPY \w+, line \d+, column \w+): .*?(?=\n|\Z)")


def redact_row_contents(text: str) -> str:
    """Server error text without the row values PostgreSQL quotes (Failing row contains ...,
    Key (x)=(...), a COPY line's value)."""
    if "ailing row" not in text and "ey (" not in text and "COPY " not in text:
        return text
    text = _FAILING_ROW.sub("", text)
    text = _KEY_VALUES.sub(r"\1", text)
    # Where the end of the quoted values could not be told (other text on the same line),
    # drop everything from them on rather than show any of it.
    text = re.sub(r"[ \t]*(?:DETAIL:\s*)?Failing row contains \(.*", "", text, flags=re.S)
    text = re.sub(r"\b((?:[Kk]ey|existing key) \([^=\n]*?\))=\(.*", r"\1", text)
    return _COPY_VALUE.sub(r"\1", text)


def mask_url(url: str) -> str:
    return scrub(url)


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


def load_environments(path: Path = ENVIRONMENTS_FILE) -> dict[str, dict[str, Any]]:
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
        if key in raw and not _INTERVAL.match(str(raw[key])):
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


def redact_secret_columns(result: Any) -> Any:
    """A query result (a row dict, a list of them, or a plain value) with credential values replaced."""
    if isinstance(result, list):
        return [redact_secret_columns(r) for r in result]
    if not isinstance(result, dict):
        return result
    secret = SECRET_COLUMNS | ({"config"} if "provider" in result else set())
    return {k: REDACTED if k in secret and v is not None else v for k, v in result.items()}
