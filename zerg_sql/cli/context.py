"""What every command gets: the selected environment, and the protected-environment confirmation."""

from __future__ import annotations

import sys
from pathlib import Path

from typing import Any

import click

from ..config import Environment, ZergError, finite_seconds, get_environment, interval_ms
from ..urls import url_info
from .output import progress


class Context:
    def __init__(self, env_name: str | None, database_url: str | None, migrations_dirs: list[Path] | None = None,
                 functions_dir: Path | None = None):
        self.env_name = env_name
        self.database_url = database_url
        self.migrations_dirs = migrations_dirs
        self.functions_dir = functions_dir
        self._env: Environment | None = None

    @property
    def env(self) -> Environment:
        if self._env is None:
            self._env = get_environment(self.env_name, self.database_url)
        return self._env


class Seconds(click.ParamType):  # type: ignore[type-arg]  # click 8.1's ParamType is generic only in newer stubs
    """A finite number of seconds within [low, high]: no NaN, no infinity (click's FloatRange lets NaN through)."""

    name = "seconds"

    def __init__(self, low: float = 0, high: float = 86_400):
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float):
            return value
        try:
            return finite_seconds(value, "", self.low, self.high)
        except ZergError:
            self.fail(f"{value!r} is not a number of seconds from {self.low:g} to {self.high:g}", param, ctx)


class Interval(click.ParamType):  # type: ignore[type-arg]
    """A PostgreSQL interval setting ('900s', '30min', '1h') within [low_ms, high_ms]."""

    name = "interval"

    def __init__(self, low_ms: int = 1, high_ms: int = 86_400_000):
        self.low_ms, self.high_ms = low_ms, high_ms

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            interval_ms(value, "", self.low_ms, self.high_ms)
        except ZergError as e:
            self.fail(str(e).lstrip(": "), param, ctx)
        return value


def confirm(env: Environment, yes: bool, action: str, items: list[str] | None = None) -> None:
    """Protected environments: --yes, or type the database name at an interactive prompt.
    `items`: what the action will run (the migrations), listed before the question."""
    if not env.protected:
        return
    progress(f"{action} on PROTECTED environment {env.name}: {env.target}")
    progress(f"  url: {env.display_url}")
    for item in items or []:
        progress(f"  {item}")
    if yes:
        return
    if not sys.stdin.isatty():
        raise ZergError(f"environment {env.name} is protected: re-run with --yes to {action} "
                        f"(or run it interactively to confirm)")
    dbname = url_info(env.url or "").get("dbname", "")
    typed = click.prompt(f"Type the database name ({dbname}) to {action}", default="", show_default=False)
    if typed != dbname:
        raise ZergError("not confirmed; nothing changed")
