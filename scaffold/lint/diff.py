"""Unified diffs of planned changes, with `a/` and `b/` paths relative to the directory the
command prints paths from (`discover.display_base`)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

from scaffold.toml.textfile import TextFile


def unified_diff(
    root: Path, originals: Mapping[Path, TextFile | None], changes: dict[Path, TextFile]
) -> str:
    chunks: list[str] = []
    for path in sorted(changes):
        old = originals.get(path)
        relative = _relative(root, path)
        before = old.original.splitlines(keepends=True) if old else []
        after = changes[path].original.splitlines(keepends=True)
        chunks += difflib.unified_diff(
            before, after, f"a/{relative}" if old else "/dev/null", f"b/{relative}"
        )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        for line in chunks
    )


def _relative(root: Path, path: Path) -> str:
    """`path` from `root`, `../` included (a pyproject.toml above `rust/`): never an absolute
    path glued to the `a/` prefix."""
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()
