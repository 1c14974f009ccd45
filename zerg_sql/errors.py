"""The one exception type the user can act on."""


class ZergError(Exception):
    """An error the user can act on; the CLI prints it without a traceback (exit 1)."""
