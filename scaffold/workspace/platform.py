"""Which `[target.'cfg(...)'.dependencies]` tables apply to a platform (cargo-platform's cfg
grammar: `cfg(name)`, `cfg(key = "value")`, `all(...)`, `any(...)`, `not(...)`, or a triple)."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

_TOKEN = re.compile(
    r'\s*(?:(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<string>"[^"]*")'
    r"|(?P<punct>[(),=]))"
)


@dataclass(frozen=True)
class Platform:
    triple: str
    cfg: frozenset[tuple[str, str | None]]  # ("unix", None), ("target_os", "linux"), ...

    def matches(self, spec: str) -> bool:
        """Whether a `[target.SPEC]` table applies; an unparsable spec does not."""
        spec = spec.strip()
        if not spec.startswith("cfg("):
            return spec == self.triple
        try:
            # Every alternative of _TOKEN is a named group: `lastgroup` is never None.
            tokens = [m.group(m.lastgroup or 0) for m in _TOKEN.finditer(spec)]
            value, rest = self._expr(tokens[2:])  # past `cfg` `(`
            return value if rest == [")"] else False
        except (IndexError, ValueError):
            return False

    def _expr(self, tokens: list[str]) -> tuple[bool, list[str]]:
        head, rest = tokens[0], tokens[1:]
        if head in ("all", "any", "not") and rest[:1] == ["("]:
            values, rest = [], rest[1:]
            while rest[0] != ")":
                value, rest = self._expr(rest)
                values.append(value)
                if rest[0] == ",":
                    rest = rest[1:]
            rest = rest[1:]
            if head == "not":
                if len(values) != 1:
                    raise ValueError(head)
                return not values[0], rest
            return (all(values) if head == "all" else any(values)), rest
        if rest[:1] == ["="]:
            return (head, rest[1].strip('"')) in self.cfg, rest[2:]
        return (head, None) in self.cfg, rest


def _host() -> Platform:
    os_name = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(
        sys.platform, sys.platform
    )
    machine = (
        os.uname().machine.lower()
        if hasattr(os, "uname")
        else os.environ.get("PROCESSOR_ARCHITECTURE", "").lower()
    )
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    family = "windows" if os_name == "windows" else "unix"
    env = {"linux": "gnu", "windows": "msvc"}.get(os_name, "")
    vendor = {"macos": "apple", "windows": "pc"}.get(os_name, "unknown")
    triple = {
        "linux": f"{arch}-unknown-linux-gnu",
        "macos": f"{arch}-apple-darwin",
        "windows": f"{arch}-pc-windows-msvc",
    }.get(os_name, arch)
    cfg = {
        (family, None),
        ("target_family", family),
        ("target_os", os_name),
        ("target_arch", arch),
        ("target_env", env),
        ("target_vendor", vendor),
        ("target_pointer_width", "64" if sys.maxsize > 2**32 else "32"),
        ("target_endian", sys.byteorder),
    }
    return Platform(triple, frozenset(cfg))


HOST = _host()
"""The machine running the tool: cargo's default `--target` (and the host of build scripts)."""
