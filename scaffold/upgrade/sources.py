"""Uses of renamed or removed PyO3 APIs in a workspace's Rust sources, and their renames.

A text scan, line by line, of the code part of each line (comments and string literals are
left alone): good enough to list every use with file:line, and to apply the renames that are
one identifier for another (`with_gil` -> `attach`). The compiler has the last word, so the
renames are unsafe fixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scaffold.facts import ApiChange

_SKIP_DIRS = {"target", ".git", "node_modules", ".venv"}


@dataclass(frozen=True)
class Use:
    path: Path
    line: int
    col: int
    change: ApiChange


def rust_files(directories: list[Path]) -> list[Path]:
    """Every `.rs` file below the crate directories (src, tests, benches, examples, build.rs)."""
    found: set[Path] = set()
    for directory in directories:
        for path in directory.rglob("*.rs"):
            if not _SKIP_DIRS.intersection(path.relative_to(directory).parts[:-1]):
                found.add(path)
    return sorted(found)


def scan(path: Path, text: str, changes: list[ApiChange]) -> list[Use]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = _outside_strings(_code(line), lambda part: part, mask=True)
        for change in changes:
            for match in re.finditer(change.pattern, code):
                found.append(Use(path, number, match.start() + 1, change))
    return found


def rename(text: str, changes: list[ApiChange]) -> str:
    """`text` with every mechanical rename applied to code (not comments or strings)."""
    mechanical = [c for c in changes if c.replacement is not None]
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        code = _code(line)
        if not code.strip():
            continue
        new = _outside_strings(code, lambda part: _apply(part, mechanical))
        lines[index] = new + line[len(code):]
    return "".join(lines)


def _apply(part: str, changes: list[ApiChange]) -> str:
    for change in changes:
        part = re.sub(change.pattern, change.replacement, part)
    return part


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|//')


def _code(line: str) -> str:
    """The line up to a `//` comment that is not inside a string literal."""
    for match in _TOKEN.finditer(line):
        if match.group() == "//":
            return line[:match.start()]
    return line


def _outside_strings(code: str, edit, mask: bool = False) -> str:
    """`edit` applied to the code between string literals; `mask` blanks the literals."""
    parts, last = [], 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"', code):
        literal = " " * len(match.group()) if mask else match.group()
        parts += [edit(code[last:match.start()]), literal]
        last = match.end()
    return "".join(parts) + edit(code[last:])
