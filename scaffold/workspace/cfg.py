"""`cfg(...)` predicates, the one evaluator for target tables and `#[cfg_attr]`.

The grammar is cargo-platform's and the Rust reference's ("Conditional compilation"): a name
(`unix`, `test`), `key = "value"` (`target_os = "linux"`, `feature = "x"`), and `all(..)`,
`any(..)`, `not(..)`. Three-valued: an atom the caller cannot decide is None, and so is what
depends on it (`all(False, None)` is False, `any(True, None)` True).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(r"\s*(?:(?P<word>\w+)|(?P<string>\"[^\"]*\")|(?P<punct>[(),=]))")

Atom = Callable[[str, str | None], bool | None]
"""What a name (`unix` -> (`unix`, None)) or `key = "value"` is in the build asked about."""


def evaluate(predicate: str, atom: Atom) -> bool | None:
    """The predicate's value with `atom` deciding each name; None when an atom is unknown or
    the predicate does not parse."""
    tokens = [
        m.group("word") or m.group("string") or m.group("punct") for m in _TOKEN.finditer(predicate)
    ]
    if "".join(tokens) != re.sub(r"\s+", "", predicate):
        return None  # something the tokenizer skipped: not a predicate we read
    try:
        value, rest = _expression(tokens, atom)
    except (IndexError, ValueError):
        return None
    return value if not rest else None


def _expression(tokens: list[str], atom: Atom) -> tuple[bool | None, list[str]]:
    head, rest = tokens[0], tokens[1:]
    if head in ("not", "all", "any") and rest[:1] == ["("]:
        values: list[bool | None] = []
        rest = rest[1:]
        while rest[0] != ")":
            value, rest = _expression(rest, atom)
            values.append(value)
            if rest[0] == ",":
                rest = rest[1:]
        rest = rest[1:]
        if head == "not":
            if len(values) != 1:
                raise ValueError(head)
            return (None if values[0] is None else not values[0]), rest
        if head == "all":
            return (False if False in values else None if None in values else True), rest
        return (True if True in values else None if None in values else False), rest
    if head in ("(", ")", ",", "=") or head.startswith('"'):
        raise ValueError(head)
    if rest[:1] == ["="]:
        literal = rest[1]
        if not literal.startswith('"'):
            raise ValueError(literal)
        return atom(head, literal.strip('"')), rest[2:]
    return atom(head, None), rest
