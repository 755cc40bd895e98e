"""Real-repository regression: add-profiler adds `default-members` after the last key of
`[workspace]`, not below the comment that introduces the next table (milesgranger/cramjam's
shape: a root package with `members = ["js", "."]`, a blank line and a comment above `[lib]`)."""

from __future__ import annotations

from tests.conftest import lib_rs, maturin_pyproject, run_cli, write_tree

HEAD = """\
[package]
name = "squash"
version = "0.1.0"
edition = "2021"

[workspace]
resolver = "2"
members = ["js", "."]
"""
TAIL = """
# The library: a Python extension and an rlib for the benches.
[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
pyo3 = "0.30"
"""


def test_default_members_lands_after_the_last_workspace_key(tmp_path):
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": HEAD + TAIL,
            "src/lib.rs": lib_rs("squash"),
            "pyproject.toml": maturin_pyproject("squash"),
            "js/Cargo.toml": """\
            [package]
            name = "js"
            version = "0.1.0"
            edition = "2021"
            """,
            "js/src/lib.rs": "",
        },
    )
    result = run_cli("add-profiler", cwd=root)
    assert result.exit_code == 0, result.stderr
    text = (root / "Cargo.toml").read_text()
    members = HEAD.replace('members = ["js", "."]', 'members = ["js", ".", "squash-profiler"]')
    assert text.startswith(members + 'default-members = [".", "squash-profiler"]\n' + TAIL), text
