"""Cargo version requirements rewritten for a new version, in the style the user wrote them.

`"0.24"` stays two components (`"0.30"`), `"=0.24.2"` stays an exact pin (`"=0.30.1"`),
`"~0.24.1"` keeps its tilde; the string keeps its quotes and trailing comment in the file.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from scaffold.toml import manifest
from scaffold.workspace.crate import Dependency

_SIMPLE = re.compile(r"^(\s*)(\^|~|=|>=)?(\s*)(\d+)(?:\.(\d+))?(?:\.(\d+))?(\s*)$")


def restyle(requirement: str, version: tuple[int, ...]) -> str:
    """`requirement` rewritten to select `version` (major, minor, patch), same operator and
    precision. A compound requirement (`">=0.20, <0.25"`) becomes the caret `"MAJOR.MINOR"`."""
    match = _SIMPLE.match(requirement)
    if match is None:
        return f"{version[0]}.{version[1]}"
    lead, op, gap, _, minor, patch, trail = match.groups()
    precision = 3 if patch is not None else 2 if minor is not None else 1
    parts = [*version, 0, 0][:max(precision, 2 if version[0] == 0 else 1)]
    return f"{lead}{op or ''}{gap}{'.'.join(map(str, parts))}{trail}"


def current(document, dep: Dependency) -> str | None:
    """The version requirement of `dep` as written in `document`, or None."""
    item = manifest.dependency(document, dep)
    if isinstance(item, MutableMapping):
        value = item.get("version")
        return str(value) if value is not None else None
    return str(item) if item is not None else None


def set_requirement(document, dep: Dependency, requirement: str) -> bool:
    """Write `requirement` as `dep`'s version, keeping its quotes and comment; True if changed."""
    parent = manifest.table(document, dep.table)
    item = parent[dep.key]
    container, key = (item, "version") if isinstance(item, MutableMapping) else (parent, dep.key)
    old = container[key]
    if str(old) == requirement:
        return False
    container[key] = like(old, requirement)
    return True


def like(old, text: str):
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
