"""Cargo version requirements rewritten for a new version, in the style the user wrote them.

`"0.24"` stays two components (`"0.30"`), `"=0.24.2"` stays an exact pin (`"=0.30.1"`),
`"~0.24.1"` keeps its tilde; the string keeps its quotes and trailing comment in the file.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

from scaffold.toml import manifest
from scaffold.workspace.crate import Dependency

if TYPE_CHECKING:
    from tomlkit.items import String

_SIMPLE = re.compile(r"^(\s*)(\^|~|=|>=)?(\s*)(\d+)(?:\.(\d+))?(?:\.(\d+))?(\s*)$")


def restyle(requirement: str, version: tuple[int, ...]) -> str:
    """`requirement` rewritten to select `version` (major, minor, patch), same operator and
    precision. A compound requirement (`">=0.20, <0.25"`) becomes the caret `"MAJOR.MINOR"`."""
    match = _SIMPLE.match(requirement)
    if match is None:
        return f"{version[0]}.{version[1]}"
    lead, op, gap, _, minor, patch, trail = match.groups()
    precision = 3 if patch is not None else 2 if minor is not None else 1
    parts = [*version, 0, 0][: max(precision, 2 if version[0] == 0 else 1)]
    return f"{lead}{op or ''}{gap}{'.'.join(map(str, parts))}{trail}"


def current(document: manifest.Table, dep: Dependency) -> str | None:
    """The version requirement of `dep` as written in `document`, or None."""
    item = manifest.dependency(document, dep)
    if isinstance(item, MutableMapping):
        value = item.get("version")
        return str(value) if value is not None else None
    return str(item) if item is not None else None


def set_requirement(document: manifest.Table, dep: Dependency, requirement: str) -> bool:
    """Write `requirement` as `dep`'s version, keeping its quotes and comment; True if changed."""
    parent = manifest.table(document, dep.table)
    if parent is None:
        raise KeyError(f"no table {'.'.join(dep.table)} holds {dep.key}")  # a caller's bug
    item = parent[dep.key]
    container, key = (item, "version") if isinstance(item, MutableMapping) else (parent, dep.key)
    old = container[key]
    if str(old) == requirement:
        return False
    container[key] = like(old, requirement)
    return True


def like(old: object, text: str) -> String:
    """A tomlkit string holding `text` with `old`'s quoting and trivia (comment, spacing)."""
    import tomlkit
    from tomlkit.items import StringType

    new = tomlkit.string(text, literal=getattr(old, "type", None) is StringType.SLL)
    trivia = getattr(old, "trivia", None)
    if trivia is not None:
        new.trivia.indent = trivia.indent
        new.trivia.comment_ws = trivia.comment_ws
        new.trivia.comment = trivia.comment
        new.trivia.trail = trivia.trail
    return new


_COMPARATOR = re.compile(r"\s*(\^|~|=|>=|<=|>|<)?\s*(\d+(?:\.\d+){0,2})\s*\Z")


def admits(requirement: str, version: tuple[int, ...]) -> bool:
    """Whether the Cargo requirement `requirement` admits `version` (Cargo's rules for `^`
    (the default), `~`, `=`, and comparisons; `*` admits everything)."""
    if requirement.strip() == "*":
        return True
    version = (*version, 0, 0, 0)[:3]
    for part in requirement.split(","):
        match = _COMPARATOR.match(part)
        if match is None:
            return False
        op, text = match.group(1) or "^", match.group(2)
        given = tuple(int(p) for p in text.split("."))
        low = (*given, 0, 0, 0)[:3]
        if op in ("^", "~"):
            if op == "~" or len(given) == 1:
                keep = min(len(given), 2) if op == "~" else 1
            else:
                keep = next((i + 1 for i, p in enumerate(given) if p != 0), len(given))
            ok = version >= low and version[:keep] == low[:keep]
        elif op == "=":
            ok = version[: len(given)] == given
        else:
            ok = {
                ">=": version >= low,
                ">": version > low,
                "<=": version <= low,
                "<": version < low,
            }[op]
        if not ok:
            return False
    return True
