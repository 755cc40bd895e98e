"""The per-target settings file `.cargo/cross/<triple>.env`.

Cargo's `[env]` applies to every build and `[target.<triple>]` has no environment key, so the
PYO3_CROSS_* settings live in a file that only the printed `--target` commands read, in a
subshell: `(. .cargo/cross/<triple>.env && cargo build --target <triple>)`. A native build never
sees them. The file is POSIX shell (`export NAME='value'` lines), so `read()` can parse it back.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from scaffold.errors import ManifestError

# The folder ignores itself: its files name this machine's paths (a sysroot's lib dir), so they
# are never committed, and a `scaffold cross` run leaves `git status` clean (pytest's cache does
# the same).
IGNORE_ALL = "# Written by `scaffold cross`: these settings name this machine's paths.\n*\n"


def path_for(root: Path, triple: str) -> Path:
    return root / ".cargo" / "cross" / f"{triple}.env"


def ignore_file(root: Path) -> Path:
    return root / ".cargo" / "cross" / ".gitignore"


def render(triple: str, settings: dict[str, str]) -> str:
    lines = [
        f"# PyO3 settings for builds with --target {triple}; written by `scaffold cross`.",
        f"# Use only in a subshell: (. .cargo/cross/{triple}.env && cargo build --target {triple})",
    ]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in settings.items()]
    return "\n".join(lines) + "\n"


def read(path: Path) -> dict[str, str]:
    """The `export NAME=value` settings of a file written by `render`."""
    settings = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = shlex.split(line)
        if len(words) != 2 or words[0] != "export" or "=" not in words[1]:
            raise ManifestError(path, "expected `export NAME=value`", line=number, col=1)
        name, value = words[1].split("=", 1)
        settings[name] = value
    return settings
