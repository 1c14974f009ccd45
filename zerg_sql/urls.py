"""Database URLs in the forms people paste, and password masking for everything we print."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import psycopg.conninfo

from .errors import ZergError

_SCHEMES = ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://")


# Every password we have seen this process; masked out of every message we print or log.
_SECRETS: set[str] = set()
# A password made of word characters only and shorter than 16 (docker-compose's `zerg`)
# may equal an ordinary word of the output (a database, schema or user name), so it is
# masked only where a password stands: a URL's user info, password=..., PASSWORD '...',
# JSON. Any other (long, or with other characters) cannot be mistaken for a word and is
# masked wherever it appears, in any error text.
_WORDLIKE = re.compile(r"[A-Za-z0-9_]{1,15}")
_PASSWORD_SPOTS = [
    # user:password@ in any URL (one we were never told about too)
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*@", re.I), r"\1***@"),
    # key=value DSNs; stop at quotes, & and whitespace so JSON and URLs around it stay intact.
    # A value the database already redacted stays as it is (the dashboards show [REDACTED]).
    (re.compile(r"(password\s*=\s*)(?!\[REDACTED\])('[^']*'|[^\s'\"&]+)", re.I), r"\1***"),
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
