"""Small format-preserving operations on tomlkit documents, shared by every fix.

They touch only the keys they change, edit arrays in place (keeping multiline layout and
comments), keep inline tables inline, and never leave an empty table behind. New tables are
built by parsing a TOML snippet, so they come out as a person would write them.

The rules import this module to define their fixes, so it must not import tomlkit itself: a
fix only runs on a document the editor parsed, and tomlkit is loaded then (`_tomlkit()`), never
on the read-only check path.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

# A tomlkit document, table or inline table: typed by what the operations use of it.
if TYPE_CHECKING:
    from tomlkit import items

    from scaffold.workspace.crate import Dependency

Table = MutableMapping[str, Any]


def _tomlkit() -> ModuleType:
    import tomlkit  # lazily: only fixes, which run on tomlkit documents, need it

    return tomlkit


def table(document: Table, path: tuple[str, ...]) -> Table | None:
    """The table at `path` (dotted keys, out-of-order and super tables included) or None."""
    current = document
    for key in path:
        if key not in current:
            return None
        current = current[key]
        if not isinstance(current, MutableMapping):
            return None
    return current


def ensure_table(document: Table, path: tuple[str, ...]) -> Table:
    """The table at `path`, created with its parents where missing (a fix's edit)."""
    current = document
    for index, key in enumerate(path):
        if key not in current:
            if is_inline(current):  # `workspace = { ... }`: the new table stays inline
                current[key] = _tomlkit().inline_table()
            else:
                current[key] = _tomlkit().table(is_super_table=index < len(path) - 1)
        current = current[key]
        if not isinstance(current, MutableMapping):
            raise KeyError(f"{'.'.join(path[: index + 1])} is not a table")  # cargo rejects it
    return current


def dependency(document: Table, dep: Dependency) -> Any:
    """The tomlkit item for `dep`: a string, an inline table or a table."""
    parent = table(document, dep.table)
    return parent[dep.key] if parent is not None and dep.key in parent else None


def dependency_table(document: Table, dep: Dependency) -> Table:
    """`dep` as a mutable table, converting a plain version string to an inline table."""
    parent = table(document, dep.table)
    if parent is None:
        raise KeyError(f"no table {'.'.join(dep.table)} holds {dep.key}")  # a caller's bug
    item = parent[dep.key]
    if isinstance(item, MutableMapping):
        return item
    parent[dep.key] = inline({"version": str(item)})
    return parent[dep.key]


def rewrite_dependency(parent: Table, key: str, fields: dict, keep: tuple[str, ...] = ()) -> None:
    """Make dependency `key` hold `fields` plus its own `keep` keys, dropping the rest.

    A `[dependencies.key]` table or dotted keys are edited in place (position and comments
    stay); a string or an inline table becomes a new inline table.
    """
    old = parent[key]
    if isinstance(old, MutableMapping) and not is_inline(old):
        for name, value in fields.items():
            old[name] = value
        for name in [n for n in list(old) if n not in fields and n not in keep]:
            del old[name]
        return
    kept = {n: old[n] for n in keep if isinstance(old, MutableMapping) and n in old}
    parent[key] = inline({**fields, **kept})


def inline(fields: dict) -> Table:
    """An inline table written as a person would: `{ version = "0.30", features = [...] }`."""
    tomlkit = _tomlkit()
    body = ", ".join(f"{key} = {tomlkit.item(value).as_string()}" for key, value in fields.items())
    return tomlkit.parse(f"x = {{ {body} }}\n")["x"]


def set_value(container: Table, key: str, value: Any) -> bool:
    """Set `key` unless it already holds `value`; returns whether anything changed."""
    if key in container and container[key] == value:
        return False
    container[key] = value
    return True


def add_key(table: items.Table, key: str, value: Any) -> None:
    """Add `key` after the table's last key, above the blank lines and comments that end the
    table (they introduce what follows); tomlkit alone would append below them."""
    body = table.value.body
    trailing: list[tuple[items.Key | None, items.Item]] = []
    while body and body[-1][0] is None:  # trivia after every key: no key index shifts
        trailing.insert(0, body.pop())
    table[key] = value
    body.extend(trailing)


def add_to_array(
    container: Table, key: str, value: str, create: bool = True, first: bool = False
) -> bool:
    """Append `value` to the array `key` (created when absent) unless present."""
    if key not in container:
        if not create:
            return False
        container[key] = [value]
        return True
    array = container[key]
    if value in list(array):
        return False
    if first:
        array.insert(0, value)
    else:
        array.append(value)
    return True


def remove_from_array(container: Table, key: str, value: str, drop_empty: bool = False) -> bool:
    """Remove every `value` from the array `key`; drop the key if it ends empty and asked to."""
    if key not in container:
        return False
    array = container[key]
    indexes = [i for i, item in enumerate(list(array)) if item == value]
    for index in reversed(indexes):
        del array[index]
    if drop_empty and not list(array):
        del container[key]
    return bool(indexes)


def replace_string(array: list[Any], index: int, value: str) -> None:
    """Set a string in an array, keeping how the old one was quoted (basic or literal)."""
    old = array[index]
    kind = getattr(old, "type", None)
    literal = kind is not None and kind.is_literal() and "'" not in value
    array[index] = _tomlkit().string(value, literal=literal)


def remove_key(container: Table, key: str) -> bool:
    if key in container:
        del container[key]
        return True
    return False


def is_inline(item: object) -> bool:
    from tomlkit.items import InlineTable

    return isinstance(item, InlineTable)


def snippet(text: str) -> Table:
    """A table parsed from a TOML snippet such as '[features]\\ndefault = []'."""
    return _tomlkit().parse(text)


__all__ = [
    "add_to_array",
    "dependency",
    "dependency_table",
    "inline",
    "is_inline",
    "remove_from_array",
    "remove_key",
    "rewrite_dependency",
    "set_value",
    "snippet",
    "table",
]
