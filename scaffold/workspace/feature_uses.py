"""Where a crate's features are named outside the manifests: CI workflows, task runners,
build scripts, cargo aliases and READMEs that pass `--features NAME` (or `-F NAME`,
`--features=CRATE/NAME`) to cargo or maturin. A fix that would remove a feature asks here
first: cargo refuses `--features NAME` for a package without that feature ("does not contain
this feature"), so the command in the workflow would break.

Files are read through the workspace's `Reader` (planned files count, the verdict cache
records each read); nothing is executed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scaffold.workspace.crate import Crate
    from scaffold.workspace.model import Workspace

# Relative to the repository's top, the workspace root, the crate and each Python project.
USE_FILES = (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
    "noxfile.py",
    "tox.ini",
    "setup.py",
    "Makefile",
    "makefile",
    "GNUmakefile",
    "justfile",
    "Justfile",
    ".justfile",
    "Taskfile.yml",
    "build.sh",
    "scripts/*.sh",
    "ci/*.sh",
    ".cargo/config.toml",
    ".cargo/config",
    "README*",
    "CONTRIBUTING*",
)

# `--features a,b`, `--features "a b"`, `--features=a`, `-F a`, `-Fa`
_FLAG = re.compile(
    r"""(?:--features|(?<![\w-])-F)(?:=|[ \t]*)(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'`;|&)\]]+))"""
)


def feature_uses(ws: Workspace, crate: Crate, names: Iterable[str]) -> dict[str, list[Path]]:
    """feature name -> the files outside the manifests that pass it (as `NAME` or
    `CRATE/NAME`) to cargo or maturin; only names found are keys."""
    wanted = set(names)
    found: dict[str, list[Path]] = {}
    if not wanted:
        return found
    for path in _candidate_files(ws, crate):
        text = ws.reader.text(path) or ""
        if "-F" not in text and "--features" not in text:
            continue
        for name in sorted(_named_features(text, crate.name) & wanted):
            found.setdefault(name, []).append(path)
    return found


def _named_features(text: str, crate_name: str) -> set[str]:
    """The features of `crate_name` the text's feature flags name (unqualified ones count:
    which package they select depends on where the command runs)."""
    names = set()
    for match in _FLAG.finditer(text):
        value = next(group for group in match.groups() if group is not None)
        for token in re.split(r"[,\s]+", value):
            package, sep, feature = token.rpartition("/")
            if not sep:
                names.add(token)
            elif package == crate_name:
                names.add(feature)
    return names


def _candidate_files(ws: Workspace, crate: Crate) -> list[Path]:
    reader = ws.reader
    directories = [*_repository_dirs(ws), crate.dir, *(p.dir for p in ws.projects)]
    files: list[Path] = []
    for directory in dict.fromkeys(reader.resolve(d) for d in directories):
        for pattern in USE_FILES:
            files += [f for f in reader.files(directory, pattern) if reader.is_file(f)]
    return list(dict.fromkeys(files))


def _repository_dirs(ws: Workspace) -> list[Path]:
    """The workspace root and the directories above it up to the git work tree's top."""
    found = [ws.root]
    if ws.reader.exists(ws.root / ".git"):
        return found
    for parent in ws.root.parents:
        if ws.reader.exists(parent / ".git"):
            return [*found, parent]
    return found
