"""`zerg-sql lint`: squawk-cli over the migrations, plus the conventions squawk can't know:
a rollback per migration, numbers without gap or duplicate, CONCURRENTLY outside a
transaction, waivers with a reason, and no edit to a migration a release (a vX.Y.Z git tag)
contains: released migrations are frozen.

A finding fails unless the file waives that rule inline, with a reason:
    -- squawk-ignore prefer-bigint-over-int -- milliseconds of one run fit in 32 bits
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..config import ROOT, ZergError
from ..migrate import OPS_MIGRATIONS, TEMPLATE_MARK, ZERG_MIGRATIONS, _normalised

SQUAWK_CONFIG = ROOT / ".squawk.toml"
SQUAWK_RULES = "https://squawkhq.com/docs/"
ROLLBACK_EXCLUDED = "require-lock-timeout,require-statement-timeout,ban-drop-table,ban-drop-column,ban-drop-schema,ban-drop-function,ban-drop-database"
_IGNORE = re.compile(r"--\s*squawk-ignore(?:-file)?\s+(?P<rules>[\w,\s-]*?)(?:\s+--\s*(?P<reason>.*))?$")


def squawk_binary() -> str:
    found = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
    if not Path(found).exists():
        raise ZergError("squawk not found: install the test extra (pip install -e '.[test]')")
    return found


def header(text: str) -> str:
    """The leading comment block, where yoyo reads its directives."""
    lines = []
    for line in text.splitlines():
        if line.strip() and not line.strip().startswith("--"):
            break
        lines.append(line)
    return "\n".join(lines)


_NUMBERED = re.compile(r"^(?P<prefix>(?:[a-z]+_)?)(?P<n>\d{4})_[a-z0-9_]+$")
_RELEASE = re.compile(r"^v\d+\.\d+\.\d+$")


def numbering(folder: Path) -> list[str]:
    """NNNN_slug.sql (or ops_NNNN_slug.sql) numbered 1, 2, 3 ... without gap or duplicate,
    and no rollback file without its migration."""
    problems: list[str] = []
    numbers: dict[int, list[str]] = {}
    for f in sorted(folder.glob("*.sql")):
        stem = f.name.removesuffix(".sql").removesuffix(".rollback")
        m = _NUMBERED.match(stem)
        if not m:
            problems.append(f"{folder.name}/{f.name}: not named NNNN_slug.sql")
        elif f.name.endswith(".rollback.sql"):
            if not f.with_name(stem + ".sql").exists():
                problems.append(f"{folder.name}/{f.name}: a rollback file without its migration {stem}.sql")
        else:
            numbers.setdefault(int(m.group("n")), []).append(f.name)
    for n, names in sorted(numbers.items()):
        if len(names) > 1:
            problems.append(f"{folder.name}/: number {n:04d} is used twice ({', '.join(names)})")
    if numbers and (gaps := sorted(set(range(1, max(numbers) + 1)) - set(numbers))):
        problems.append(f"{folder.name}/: no migration numbered {', '.join(f'{n:04d}' for n in gaps)} (numbers go 1, 2, 3 ...)")
    return problems


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def frozen(root: Path = ROOT, folders: tuple[str, ...] = ("sql/migrations", "sql/migrations-ops")) -> list[str]:
    """Migrations a release tag (vX.Y.Z) contains must be in the checkout as they were
    released: same SQL and directives (comments and whitespace may change, as for checksums)."""
    if not (root / ".git").exists() or shutil.which("git") is None:
        return []  # not a checkout (an installed package): there is no release history to check
    problems = []
    for tag in sorted(t for t in _git(root, "tag", "--list", "v*").split() if _RELEASE.match(t)):
        for path in _git(root, "ls-tree", "-r", "--name-only", tag, "--", *folders).split():
            if not path.endswith(".sql"):
                continue
            released = _git(root, "show", f"{tag}:{path}")
            here = root / path
            if not here.exists():
                problems.append(f"{path}: released in {tag} but deleted or renamed; released migrations are "
                                f"frozen: restore it (git checkout {tag} -- {path})")
            elif _material(here.read_text()) != _material(released):
                problems.append(f"{path}: edited after its release in {tag}; released migrations are frozen: "
                                f"revert it (git checkout {tag} -- {path}) and put the change in a new migration "
                                f"(zerg-sql new SLUG)")
    return problems


def _material(text: str) -> str:
    directives = re.findall(r"^--\s*(?:transactional|depends)\s*:.*$", header(text), re.M | re.I)
    return "\n".join(d.replace(" ", "").lower() for d in directives) + "\n" + _normalised(text)


def lint(dirs: list[Path] | None = None) -> list[str]:
    project = dirs is None
    dirs = dirs or [ZERG_MIGRATIONS, OPS_MIGRATIONS]
    files = sorted(f for d in dirs if d.is_dir() for f in d.glob("*.sql"))
    problems: list[str] = [p for d in dirs if d.is_dir() for p in numbering(d)]
    if project:
        problems += frozen()
    for f in files:
        rel = f.relative_to(ROOT) if f.is_relative_to(ROOT) else f
        text = f.read_text()
        if not f.name.endswith(".rollback.sql") and not f.with_name(f.name[:-4] + ".rollback.sql").exists():
            problems.append(f"{rel}: no rollback file {f.name[:-4]}.rollback.sql")
        transactional = not re.search(r"^--\s*transactional\s*:\s*false", header(text), re.M | re.I)
        if re.search(r"\bconcurrently\b", re.sub(r"--.*", "", text), re.I) and transactional:
            problems.append(f"{rel}: uses CONCURRENTLY, which cannot run in a transaction: put "
                            f"`-- transactional: false` in the leading comment block")
        if not transactional and "squawk-disable-assume-in-transaction" not in text:
            problems.append(f"{rel}: is not transactional: add `-- squawk-disable-assume-in-transaction`")
        if TEMPLATE_MARK in text or (f.name.endswith(".rollback.sql") and not re.sub(r"--.*", "", text).strip()):
            problems.append(f"{rel}: still the template of `zerg-sql new`: write what it changes and why, "
                            f"and its SQL")
        for n, line in enumerate(text.splitlines(), 1):
            m = _IGNORE.search(line)
            if m and not (m.group("reason") or "").strip():
                problems.append(f"{rel}:{n}: squawk-ignore without a reason (write `-- squawk-ignore RULE -- why`)")
    forward = [f for f in files if not f.name.endswith(".rollback.sql")]
    rollbacks = [f for f in files if f.name.endswith(".rollback.sql")]
    # A rollback file drops what its migration created: that is its job, not a finding.
    for group, extra in ((forward, []), (rollbacks, ["--exclude", ROLLBACK_EXCLUDED])):
        if not group:
            continue
        run = subprocess.run([squawk_binary(), "-c", str(SQUAWK_CONFIG), "--reporter", "json", *extra,
                              *map(str, group)], capture_output=True, text=True)
        if run.returncode not in (0, 1):
            raise ZergError(f"squawk failed: {run.stderr.strip() or run.stdout.strip()}")
        for finding in json.loads(run.stdout or "[]"):
                path = Path(finding["file"])
                rel = path.relative_to(ROOT) if path.is_absolute() and path.is_relative_to(ROOT) else path
                # squawk's json line numbers are 0-based.
                # squawk's advice and its rule page, as its own reporter shows them.
                problems.append(f"{rel}:{finding['line'] + 1}: {finding['rule_name']}: {finding['message']}"
                                + (f"\n    help: {finding['help']}" if finding.get("help") else "")
                                + f"\n    see {SQUAWK_RULES}{finding['rule_name']}")
    return problems
