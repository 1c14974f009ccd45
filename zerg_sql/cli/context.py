"""What every command gets: the selected environment, and the protected-environment confirmation."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import Environment, ZergError, get_environment
from ..urls import url_info
from .output import progress


class Context:
    def __init__(self, env_name: str | None, database_url: str | None, migrations_dirs: list[Path] | None = None):
        self.env_name = env_name
        self.database_url = database_url
        self.migrations_dirs = migrations_dirs
        self._env: Environment | None = None

    @property
    def env(self) -> Environment:
        if self._env is None:
            self._env = get_environment(self.env_name, self.database_url)
        return self._env


def confirm(env: Environment, yes: bool, action: str) -> None:
    """Protected environments: --yes, or type the database name at an interactive prompt."""
    if not env.protected:
        return
    progress(f"{action} on PROTECTED environment {env.name}: {env.target}")
    progress(f"  url: {env.display_url}")
    if yes:
        return
    if not sys.stdin.isatty():
        raise ZergError(f"environment {env.name} is protected: re-run with --yes to {action} "
                        f"(or run it interactively to confirm)")
    dbname = url_info(env.url or "").get("dbname", "")
    typed = click.prompt(f"Type the database name ({dbname}) to {action}", default="", show_default=False)
    if typed != dbname:
        raise ZergError("not confirmed; nothing changed")
