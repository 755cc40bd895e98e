"""The profiler crate of a workspace and its build with the `profiling` Cargo profile."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scaffold.display import shown
from scaffold.errors import UserError
from scaffold.workspace.crate import Crate
from scaffold.workspace.model import Workspace

PROFILE = "profiling"
# What `scaffold new` writes into the root Cargo.toml (templates/workspace/Cargo.toml.jinja),
# passed with `cargo --config` where the workspace has no such profile: release code plus the
# line tables perf and py-spy need for source names and inlined frames
# (https://doc.rust-lang.org/cargo/reference/profiles.html#debug,
# https://doc.rust-lang.org/cargo/reference/config.html#command-line-overrides).
PROFILE_CONFIG = (
    f'profile.{PROFILE}.inherits="release"',
    f'profile.{PROFILE}.debug="line-tables-only"',
)


@dataclass(frozen=True)
class Target:
    profiler: Crate
    library: Crate  # the PyO3 crate the profiler links


def find(ws: Workspace, wanted: str | None) -> Target:
    """The profiler crate: `--profiler NAME`, the only one, or the one `scaffold` rendered.

    A profiler is a member with a binary that embeds Python (pyo3 with `auto-initialize`) and
    has a path dependency on a PyO3 crate of the workspace, as `scaffold new` and
    `scaffold add-profiler` make it.
    """
    found = {c.name: t for c in ws.members if (t := _as_profiler(ws, c)) is not None}
    names = ", ".join(sorted(found)) or "none"
    if wanted is not None:
        if wanted not in found:
            raise UserError(
                f"{ws.root / 'Cargo.toml'}: no profiler crate named {wanted!r} "
                f"(profilers: {names})",
                "pass --profiler with one of them",
            )
        return found[wanted]
    if not found:
        raise UserError(
            f"{ws.root / 'Cargo.toml'}: no profiler crate in this workspace",
            f"create one with `scaffold add-profiler {shown(ws.root)}`",
        )
    if len(found) > 1:
        # The crate rendered from templates/profiler wins over other binaries that embed Python
        # (add-profiler gives those `auto-initialize` too).
        templated = [t for t in found.values() if _from_template(t.profiler)]
        if len(templated) == 1:
            return templated[0]
        raise UserError(
            f"{ws.root / 'Cargo.toml'}: several profiler crates ({names})",
            "choose one with --profiler NAME",
        )
    return next(iter(found.values()))


def _as_profiler(ws: Workspace, crate: Crate) -> Target | None:
    if not crate.has_binary:
        return None
    embeds = any(
        "auto-initialize" in crate.effective(d).features for d in ws.pyo3_dependencies(crate)
    )
    if not embeds:
        return None
    for library in ws.members:
        if (
            library is not crate
            and ws.pyo3_dependencies(library)
            and any(member is crate for member, _ in ws.dependents(library))
        ):
            return Target(crate, library)
    return None


def _from_template(crate: Crate) -> bool:
    """Rendered from templates/profiler: its copier answers file names the profiler crate."""
    answers = crate.dir / ".copier-answers.yml"
    return answers.is_file() and f"profiler_crate: {crate.name}" in answers.read_text(
        encoding="utf-8"
    )


def has_profile(ws: Workspace) -> bool:
    return PROFILE in ws.root_data.get("profile", {})


def build(ws: Workspace, target: Target, note: Callable[[str], None]) -> Path:
    """`cargo build --profile profiling -p PROFILER` (told to `note` first); returns the
    binary cargo reports."""
    config = [] if has_profile(ws) else [a for c in PROFILE_CONFIG for a in ("--config", c)]
    command = [
        "cargo",
        "build",
        *config,
        "--profile",
        PROFILE,
        "-p",
        target.profiler.name,
        "--message-format=json-render-diagnostics",
    ]
    note(f"building: {' '.join(command[:-1])}")
    try:
        proc = subprocess.run(
            command, cwd=ws.root, stdout=subprocess.PIPE, encoding="utf-8", errors="replace"
        )
    except FileNotFoundError:
        raise UserError("cargo not found", "install Rust with rustup (https://rustup.rs)") from None
    if proc.returncode != 0:
        raise UserError(
            f"{target.profiler.path}: `cargo build` failed (its errors are above)",
            "fix the build and run again",
        )
    binaries = []
    for line in proc.stdout.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if (
            message.get("reason") == "compiler-artifact"
            and message.get("executable")
            and "bin" in message.get("target", {}).get("kind", [])
            and Path(message["manifest_path"]).resolve() == target.profiler.path.resolve()
        ):
            binaries.append(Path(message["executable"]))
    if len(binaries) != 1:
        raise UserError(
            f"{target.profiler.path}: cargo built {len(binaries)} binaries",
            "give the profiler crate exactly one [[bin]] target",
        )
    return binaries[0]
