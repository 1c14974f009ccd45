"""The exception types the user can act on; the CLI prints them without a traceback and
exits with their `code` (README, exit codes)."""


class ZergError(Exception):
    """An error the user can act on: one line saying what and what to do (exit 1)."""

    code = 1


class CannotConnect(ZergError):
    """The server is unreachable, or refuses us (authentication, unknown role or database)."""

    code = 3


class LockBusy(ZergError):
    """Gave up waiting for a lock (the migration lock, or a table's); nothing more was applied, rerun."""

    code = 4
