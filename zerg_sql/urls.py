"""Database URLs in the forms people paste, and password masking for everything we print."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import psycopg.conninfo

from .errors import ZergError

_SCHEMES = ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://")


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
