"""inferno (https://github.com/jonhoo/inferno), the flamegraph renderer: found on PATH or in
Cargo's bin directory, or installed with `cargo install --locked inferno` when the user agrees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import UserError

INSTALL = ["cargo", "install", "--locked", "inferno"]


@dataclass(frozen=True)
class Inferno:
    collapse_perf: str
    flamegraph: str

    def render(self, folded: Path, svg: Path, title: str, colors: str) -> None:
        """`inferno-flamegraph` from folded stacks into `svg`."""
        with svg.open("wb") as out:  # the renderer writes it
            proc = subprocess.run(
                [
                    self.flamegraph,
                    "--title",
                    title,
                    "--colors",
                    colors,
                    "--deterministic",
                    str(folded),
                ],
                stdout=out,
                stderr=subprocess.PIPE,
                encoding="utf-8",
                errors="replace",
            )
        if proc.returncode != 0:
            detail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
            raise UserError(f"`inferno-flamegraph` failed: {detail}")


def find() -> Inferno | None:
    collapse, flamegraph = _which("inferno-collapse-perf"), _which("inferno-flamegraph")
    return Inferno(collapse, flamegraph) if collapse and flamegraph else None


def ensure(
    assume_yes: bool, confirm: Callable[[str], bool] | None, note: Callable[[str], None]
) -> Inferno:
    """The installed tools; installs them with consent (`--yes`, or `confirm` says yes: the
    caller asks on a terminal), telling `note` the install command."""
    found = find()
    if found is not None:
        return found
    command = " ".join(INSTALL)
    if not assume_yes:
        if confirm is None:
            raise UserError(
                "inferno-flamegraph (the flamegraph renderer) is not installed",
                f"install it with `{command}`, or pass --yes to install it",
            )
        if not confirm(
            f"The flamegraph renderer inferno is not installed. Run "
            f"`{command}` now (a few minutes)?"
        ):
            raise UserError("inferno-flamegraph is not installed", f"install it with `{command}`")
    note(f"installing the flamegraph renderer: {command}")
    try:
        proc = subprocess.run(INSTALL, stdout=sys.stderr)
    except FileNotFoundError:
        raise UserError(
            "cargo not found, needed to install inferno",
            "install Rust with rustup (https://rustup.rs)",
        ) from None
    found = find()
    if proc.returncode != 0 or found is None:
        raise UserError(
            f"`{command}` failed (its output is above)", "install inferno yourself and run again"
        )
    return found


def _which(name: str) -> str | None:
    cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    return shutil.which(name) or shutil.which(name, path=str(cargo_home / "bin"))
