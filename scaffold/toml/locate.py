"""Find the line of a table or key in TOML text, for `path:line:col` diagnostics.

The TOML parser gives no positions, so this scans lines: it tracks the current `[table]` header and
matches `key =` (also dotted `key.sub =` and inline mentions). Good enough to point an editor
at the right place; never used to edit.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def split_key(dotted: str) -> tuple[str, ...]:
    """Split a TOML dotted key, honouring quotes: 'target."cfg(unix)".dependencies'."""
    parts, current, quote = [], "", ""
    for char in dotted:
        if quote:
            if char == quote:
                quote = ""
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return tuple(parts)


def locate(text: str, table: tuple[str, ...], key: str | None = None) -> tuple[int, int]:
    """(line, col), 1-based, of `key` inside `table` (or of the table itself); (1, 1) if unknown.

    Finds `[table]` headers, keys spelled with dotted prefixes inside a parent table
    (`pyo3.features = ...` under `[dependencies]`), and `[table.key]` sub-tables.
    """
    current: tuple[str, ...] = ()
    table_line = 0
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith("#"):
            current = split_key(header.group(1))
            if current == table and not table_line:
                table_line = number
                if key is None:
                    return number, 1
            if key is not None and current == (*table, key):
                return number, 1
            continue
        if key is None or current != table[: len(current)]:
            continue
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#") or "=" not in stripped:
            continue
        lhs = split_key(stripped.split("=", 1)[0])
        if (*current, *lhs)[: len(table) + 1] == (*table, key):
            return number, len(line) - len(stripped) + 1
    return (table_line or 1), 1
