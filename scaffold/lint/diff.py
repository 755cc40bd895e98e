"""Unified diffs of planned changes, with `a/` and `b/` paths relative to the directory the
command prints paths from (`discover.display_base`)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from scaffold.display import shown
from scaffold.toml.textfile import TextFile


def unified_diff(
    root: Path, originals: Mapping[Path, TextFile | None], changes: dict[Path, TextFile]
) -> str:
    chunks: list[str] = []
    for path in sorted(changes):
        old = originals.get(path)
        relative = shown(path, root, up=None)  # `../` included: never `a//abs`
        before = old.original.splitlines(keepends=True) if old else []
        after = changes[path].original.splitlines(keepends=True)
        chunks += difflib.unified_diff(
            before, after, f"a/{relative}" if old else "/dev/null", f"b/{relative}"
        )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        for line in chunks
    )
