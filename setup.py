"""The wheel carries sql/ and environments.toml inside the package (zerg_sql/sql/,
zerg_sql/environments.toml), copied at build time: the top-level files stay the one
source the DBAs read and edit, and an installed zerg_sql finds its SQL next to its code
(zerg_sql/config.py). Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithSql(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's sql/ itself
            return
        package = Path(self.build_lib) / "zerg_sql"
        shutil.rmtree(package / "sql", ignore_errors=True)
        shutil.copytree("sql", package / "sql", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2("environments.toml", package / "environments.toml")


setup(cmdclass={"build_py": BuildPyWithSql})
