"""The Rust toolchain and the Python build backends on this machine, asked through their CLIs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scaffold.errors import UserError

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def tool_version(command: list[str], env: dict[str, str] | None = None) -> tuple[int, ...] | None:
    """The first x.y.z in `command`'s output (e.g. `cargo --version`), None if it cannot run."""
    if shutil.which(command[0], path=(env or {}).get("PATH")) is None:
        return None
    try:
        proc = subprocess.run(
            command, capture_output=True, encoding="utf-8", errors="replace", timeout=60, env=env
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(proc.stdout + proc.stderr) if proc.returncode == 0 else None
    return tuple(int(g) for g in match.groups()) if match else None


@dataclass
class Rustc:
    """`rustc` as cargo would run it (honours the RUSTC variable)."""

    command: str = field(default_factory=lambda: os.environ.get("RUSTC", "rustc"))

    def _run(self, *args: str) -> str:
        try:
            proc = subprocess.run(
                [self.command, *args],
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                timeout=120,
            )
        except OSError as error:
            raise UserError(
                f"cannot run {self.command}: {error.strerror}",
                "install Rust with rustup (https://rustup.rs)",
            ) from None
        if proc.returncode != 0:
            raise UserError(
                f"`{self.command} {' '.join(args)}` failed: "
                f"{(proc.stderr.strip().splitlines() or ['no output'])[-1]}"
            )
        return proc.stdout

    @cached_property
    def host(self) -> str:
        match = re.search(r"^host: (\S+)", self._run("-vV"), re.M)
        if not match:
            raise UserError(f"`{self.command} -vV` printed no host triple")
        return match.group(1)

    @cached_property
    def targets(self) -> list[str]:
        return self._run("--print", "target-list").split()

    @cached_property
    def sysroot(self) -> Path:
        return Path(self._run("--print", "sysroot").strip())

    def std_installed(self, target: str) -> bool:
        """Whether the target's standard library is installed (`rustup target add`)."""
        return (self.sysroot / "lib" / "rustlib" / target / "lib").is_dir()
