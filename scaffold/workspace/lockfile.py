"""Cargo.lock after planned manifest edits: the lock cargo itself writes, in memory.

Every command that adds a crate or a dependency asks `synced_lock` before its transaction and
writes the answer with the manifests, so a project built with `cargo build --locked` (or
maturin's `locked = true`) keeps building. Cargo resolves in a scratch copy of the project's
Cargo inputs (manifests, the lock, Rust sources, `.cargo/config*`, toolchain files) with the
planned files in place: `cargo update --workspace` keeps every locked version and adds only
what the edits need; `--offline` first (the local index cache), then online. A project without
Cargo.lock gets none. When cargo fails both ways the command refuses, naming what to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from scaffold.errors import UserError
from scaffold.toml.textfile import TextFile
from scaffold.transaction.changeset import ChangeSet

LOCK = "Cargo.lock"
# cargo update: "--workspace  Only update the workspace packages" (the lock's other entries
# stay as they are; new dependencies are resolved and added), The Cargo Book, cargo-update.
COMMAND = ("cargo", "update", "--workspace")
_CARGO_FILES = ("Cargo.toml", "Cargo.lock", "rust-toolchain", "rust-toolchain.toml")
_SKIPPED_DIRS = {".git", "target", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


def synced_lock(
    root: Path, boundary: Path, planned: Mapping[Path, TextFile]
) -> dict[Path, TextFile]:
    """`{root/Cargo.lock: new text}` when the planned files change what cargo locks; empty
    when there is no lock or it stays the same. Raises UserError when cargo cannot resolve."""
    lock = root / LOCK
    current = planned.get(lock)
    if current is None:
        if not lock.is_file():
            return {}
        current = TextFile.read(lock)
    scratch_root = Path(tempfile.mkdtemp(prefix="scaffold-lock-"))
    try:
        copy = scratch_root / "project"
        _mirror(boundary, copy, planned)
        where = copy / root.resolve().relative_to(boundary.resolve())
        failure = ""
        for offline in (True, False):
            failure = _cargo_update(where, offline)
            if not failure:
                break
        if failure:
            command = " ".join(COMMAND)
            raise UserError(
                f"{lock}: cargo could not bring the lock file in step with the new manifests "
                f"({failure}); nothing was written",
                f"check the network or the dependency, run `{command}` after the change by "
                "hand, or remove Cargo.lock",
            )
        new = (where / LOCK).read_bytes()
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)
    updated = TextFile.from_bytes(lock, new)
    return {} if updated.original == current.original else {lock: updated}


def with_synced_lock(changeset: ChangeSet, root: Path, boundary: Path) -> ChangeSet:
    """`changeset` plus the workspace's Cargo.lock as cargo writes it after those files, when
    they add a crate or a dependency (so both are written in one transaction)."""
    before = {
        p: None if t is None else TextFile.from_bytes(p, t.encode())
        for p, t in changeset.before.items()
    }
    after = {p: TextFile.from_bytes(p, t.encode()) for p, t in changeset.after.items() if t}
    if not adds_dependencies(before, after):
        return changeset
    lock = synced_lock(root, boundary, after)
    if not lock:
        return changeset
    ((path, text),) = lock.items()
    return changeset.merged(ChangeSet({path: TextFile.read(path).original}, {path: text.original}))


def guarded(paths: list[Path]) -> list[Path]:
    """The files the dirty-tree check guards: not Cargo.lock, which cargo itself rewrites on
    every build and which `synced_lock` derives from its current text (uncommitted changes in
    it are kept)."""
    return [p for p in paths if p.name != LOCK]


def adds_dependencies(
    originals: Mapping[Path, TextFile | None], changes: Mapping[Path, TextFile]
) -> bool:
    """Whether the changes add a manifest or a dependency key (so cargo must lock something
    new); feature and default-features edits never change what Cargo.lock records."""
    for path, new in changes.items():
        if path.name != "Cargo.toml":
            continue
        old = originals.get(path)
        if old is None or not _dependency_keys(new.parse()) <= _dependency_keys(old.parse()):
            return True
    return False


def _dependency_keys(data: dict) -> set[tuple[str, ...]]:
    """(table, ..., key) of every dependency, member and patch entry of a manifest."""
    found: set[tuple[str, ...]] = set()

    def walk(table: object, where: tuple[str, ...]) -> None:
        if not isinstance(table, dict):
            return
        for key, value in table.items():
            if key in ("dependencies", "dev-dependencies", "build-dependencies", "patch"):
                found.update(
                    (*where, key, name) for name in (value if isinstance(value, dict) else {})
                )
            elif key in ("target", "workspace") or where[:1] == ("target",):
                walk(value, (*where, key))
            if key == "members" and where == ("workspace",) and isinstance(value, list):
                found.update(("workspace", "members", str(m)) for m in value)

    walk(data, ())
    return found


def _cargo_update(directory: Path, offline: bool) -> str:
    """'' when `cargo update --workspace` succeeded in `directory`, else its last error line."""
    env = {k: v for k, v in os.environ.items() if k != "CARGO_TARGET_DIR"}
    return cargo_update(directory, [*COMMAND[2:], *(["--offline"] if offline else [])], env)


def cargo_update(directory: Path, args: list[str], env: dict[str, str] | None = None) -> str:
    """Run `cargo update ARGS` in `directory`: '' when it succeeded, else the line that says
    why (its last `error` line, else its last line)."""
    try:
        proc = subprocess.run(
            ["cargo", "update", *args],
            cwd=directory,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=False,
            timeout=600,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if proc.returncode == 0:
        return ""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error")]
    return (errors or lines or [f"exit status {proc.returncode}"])[-1].strip()


def _cargo_reads(directory: str) -> bool:
    return directory not in _SKIPPED_DIRS and (
        not directory.startswith(".") or directory == ".cargo"
    )


def _mirror(source: Path, dest: Path, planned: Mapping[Path, TextFile]) -> None:
    """Copy what cargo reads to resolve (manifests, lock, Rust sources, cargo configs) from
    `source` to `dest`, then the planned files over them."""
    source = source.resolve()
    for directory, subdirs, files in os.walk(source):
        here = Path(directory)
        subdirs[:] = [d for d in subdirs if _cargo_reads(d)]
        for name in files:
            if name in _CARGO_FILES or name.endswith(".rs") or here.name == ".cargo":
                target = dest / (here / name).relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, target)
    for path, text in planned.items():
        resolved = path.resolve()
        if not resolved.is_relative_to(source):
            continue
        target = dest / resolved.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.original, encoding="utf-8", newline="")
