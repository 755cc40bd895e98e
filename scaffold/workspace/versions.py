"""Cargo version requirements, reduced to what the rules need: the minor series they select.

Cargo requirements are not PEP 440: `"0.21"` means `^0.21`, i.e. `>=0.21.0, <0.22.0`
(https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html).
"""

from __future__ import annotations

import re

_VERSION = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def series(requirement: str) -> tuple[int, int] | None:
    """The (major, minor) a requirement or a resolved version selects, e.g. "^0.21.2" -> (0, 21).

    For 0.x the minor is the compatibility series; for 1.x and later the major is. Returns None
    for requirements that select no single series (`*`, `>=0.20`, `<0.22` ...).
    """
    text = requirement.strip()
    if not text or text == "*" or (text.startswith(("<", ">", "!")) and not text.startswith(">=")):
        return None
    first = text.split(",")[0].strip().lstrip("^~=").strip()
    if text.startswith(">="):
        return None
    match = _VERSION.match(first)
    if not match:
        return None
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    return (major, minor) if major == 0 else (major, 0)


def parse(version: str) -> tuple[int, ...]:
    """A dotted version as a tuple of ints, ignoring pre-release and build suffixes."""
    match = _VERSION.match(version.strip().lstrip("^~=v"))
    if not match:
        return ()
    return tuple(int(part) for part in match.groups() if part is not None)


def format_series(value: tuple[int, int]) -> str:
    return f"{value[0]}.{value[1]}"
