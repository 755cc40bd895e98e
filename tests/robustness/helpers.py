"""Shared pieces of the robustness tests: a small workspace that needs fixing, and the
leftovers a write may leave."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import lib_rs, write_tree

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


def make_workspace(root: Path, cli: bool = True) -> Path:
    """A virtual workspace with an extension crate (PW201) and, optionally, a dependent (PW203)."""
    files: dict[str, str | bytes] = {
        "Cargo.toml": ROOT_MANIFEST,
        "crates/ext/Cargo.toml": EXT_MANIFEST,
        "crates/ext/src/lib.rs": lib_rs("ext"),
    }
    if cli:
        files["crates/cli/Cargo.toml"] = CLI_MANIFEST
        files["crates/cli/src/main.rs"] = "fn main() {}\n"
    write_tree(root, files)
    return root


def leftovers(root: Path) -> list[str]:
    """Temporary files, backups or a journal a write left behind."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.name.endswith((".scaffold-tmp", ".scaffold-bak")) or p.name == ".scaffold-journal"
    )
