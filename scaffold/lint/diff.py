"""Unified diffs of planned changes, with `a/` and `b/` paths relative to the workspace root."""

from __future__ import annotations

import difflib
from pathlib import Path

from scaffold.toml.textfile import TextFile


def unified_diff(root: Path, originals: dict[Path, TextFile | None],
                 changes: dict[Path, TextFile]) -> str:
    chunks: list[str] = []
    for path in sorted(changes):
        old = originals.get(path)
        relative = _relative(root, path)
        before = old.original.splitlines(keepends=True) if old else []
        after = changes[path].original.splitlines(keepends=True)
        chunks += difflib.unified_diff(before, after,
                                       f"a/{relative}" if old else "/dev/null", f"b/{relative}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in chunks)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
