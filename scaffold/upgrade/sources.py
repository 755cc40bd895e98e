"""Uses of renamed or removed PyO3 APIs in a workspace's Rust sources, and their renames.

Reads code the way `scaffold.workspace.rust_source.code` shows it (comments and string
literals blanked, offsets kept): every use is listed with file:line:col, and the renames that
are one identifier for another (`with_gil` -> `attach`) are applied at exactly those spans.
The compiler has the last word, so the renames are unsafe fixes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from scaffold.facts import ApiChange
from scaffold.workspace.rust_source import code

_SKIP_DIRS = {"target", ".git", "node_modules", ".venv"}


@dataclass(frozen=True)
class Use:
    path: Path
    line: int
    col: int
    change: ApiChange


def rust_files(directories: list[Path]) -> list[Path]:
    """Every `.rs` file of the crates in `directories` (src, tests, benches, examples,
    build.rs), not descending into another package (a directory with its own Cargo.toml)."""
    found: set[Path] = set()
    for directory in directories:
        for parent, subdirs, files in os.walk(directory):
            subdirs[:] = [
                d
                for d in subdirs
                if d not in _SKIP_DIRS and not os.path.exists(os.path.join(parent, d, "Cargo.toml"))
            ]
            found.update(Path(parent) / name for name in files if name.endswith(".rs"))
    return sorted(found)


def scan(path: Path, text: str, changes: list[ApiChange]) -> list[Use]:
    """Every use of `changes` in the code of `text`, in reading order."""
    masked = code(text, strings=False)
    found = []
    for change in changes:
        for match in re.finditer(change.pattern, masked):
            start = match.start()
            line_start = masked.rfind("\n", 0, start) + 1
            found.append(
                Use(path, masked.count("\n", 0, start) + 1, start - line_start + 1, change)
            )
    return sorted(found, key=lambda use: (use.line, use.col))


def rename(text: str, changes: list[ApiChange]) -> str:
    """`text` with every mechanical rename applied to code (never to comments or strings)."""
    for change in changes:
        if change.replacement is None:
            continue
        spans = [m.span() for m in re.finditer(change.pattern, code(text, strings=False))]
        for start, end in reversed(spans):
            text = text[:start] + change.replacement + text[end:]
    return text
