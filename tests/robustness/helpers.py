"""Shared pieces of the robustness tests: a small workspace that needs fixing, and a snapshot
of everything below a directory (file hashes, directories, symlinks and modes)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.conftest import write_tree as write

ROOT_MANIFEST = """\
# the workspace
[workspace]
resolver = "2"
members = ["crates/*"]
"""

EXT_MANIFEST = """\
[package]
name = "ext"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]  # the Python extension

[dependencies]
pyo3 = { version = "0.22", features = ["extension-module"] }  # PW201 moves the feature
"""

CLI_MANIFEST = """\
[package]
name = "cli"
version = "0.1.0"
edition = "2021"

[dependencies]
ext = { path = "../ext" }  # PW203 adds default-features = false
"""

LIB_RS = """\
use pyo3::prelude::*;

#[pymodule]
fn ext(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
"""



def make_workspace(root: Path, cli: bool = True) -> Path:
    """A virtual workspace with an extension crate (PW201) and, optionally, a dependent (PW203)."""
    files: dict[str, str | bytes] = {
        "Cargo.toml": ROOT_MANIFEST,
        "crates/ext/Cargo.toml": EXT_MANIFEST,
        "crates/ext/src/lib.rs": LIB_RS,
    }
    if cli:
        files["crates/cli/Cargo.toml"] = CLI_MANIFEST
        files["crates/cli/src/main.rs"] = "fn main() {}\n"
    write(root, files)
    return root


def snapshot(root: Path) -> dict[str, object]:
    """Every entry below `root` (outside .git): file hash and mode, directory, symlink target."""
    found: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir",)
            else:
                found[key] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(),
                              path.stat().st_mode & 0o7777)
    return found


def leftovers(root: Path) -> list[str]:
    """Temporary files, backups or a journal a write left behind."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.name.endswith((".scaffold-tmp", ".scaffold-bak"))
                  or p.name == ".scaffold-journal")
