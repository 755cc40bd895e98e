"""Which `[target.'cfg(...)'.dependencies]` tables apply to a platform (cargo-platform's cfg
grammar: `cfg(name)`, `cfg(key = "value")`, `all(...)`, `any(...)`, `not(...)`, or a triple)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from scaffold.workspace import cfg


@dataclass(frozen=True)
class Platform:
    triple: str
    cfg: frozenset[tuple[str, str | None]]  # ("unix", None), ("target_os", "linux"), ...

    def matches(self, spec: str) -> bool:
        """Whether a `[target.SPEC]` table applies; an unparsable spec does not."""
        spec = spec.strip()
        if not spec.startswith("cfg(") or not spec.endswith(")"):
            return spec == self.triple
        return cfg.evaluate(spec[4:-1], lambda key, value: (key, value) in self.cfg) is True


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
    names = {
        (family, None),
        ("target_family", family),
        ("target_os", os_name),
        ("target_arch", arch),
        ("target_env", env),
        ("target_vendor", vendor),
        ("target_pointer_width", "64" if sys.maxsize > 2**32 else "32"),
        ("target_endian", sys.byteorder),
    }
    return Platform(triple, frozenset(names))


HOST = _host()
"""The machine running the tool: cargo's default `--target` (and the host of build scripts)."""
