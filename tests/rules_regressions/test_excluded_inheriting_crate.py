"""An excluded package that still inherits from the workspace (`version.workspace = true`):
cargo refuses to load it, so `--check` on it must not say "All checks passed" (found on a
real repository's book crate, notes/real-repos.md, round 3)."""

from __future__ import annotations

import pytest

from tests.conftest import run, run_cli, snapshot, write_tree


def tree(root):
    return write_tree(
        root,
        {
            "Cargo.toml": """\
            [workspace]
            members = []
            exclude = ["book"]

            [workspace.package]
            version = "0.1.0"
            """,
            "book/Cargo.toml": """\
            [package]
            name = "book"
            version.workspace = true
            edition = "2021"
            """,
            "book/src/main.rs": "fn main() {}\n",
        },
    )


@pytest.mark.needs_rust
def test_refused_as_cargo_refuses_it(tmp_path):
    root = tree(tmp_path / "p")
    cargo = run(["cargo", "metadata", "--no-deps"], root / "book", check=False)
    assert cargo.returncode != 0 and "failed to find a workspace root" in cargo.stderr
    before = snapshot(root)
    for args in (("--check",), ()):
        result = run_cli("fix-features", *args, root / "book")
        assert result.exit_code == 2, result.stdout + result.stderr
        (line,) = result.stderr.splitlines()
        assert "book/Cargo.toml: inherits `version`" in line and "excludes it" in line, line
        assert "failed to find a workspace root" in line
    assert snapshot(root) == before
