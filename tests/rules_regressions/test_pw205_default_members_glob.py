"""Real-repository regression: PW205 expands globs in `default-members` as cargo does (pola-
rs/polars)."""

from __future__ import annotations

from tests.conftest import lib_rs, pyo3_manifest, run_cli, write_tree
from tests.rules_regressions.helpers import check, codes


def test_default_members_glob_expands(tmp_path):
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": """\
            [workspace]
            members = ["crates/*"]
            default-members = ["crates/*"]  # everything
            resolver = "2"
            """,
            "crates/mylib/Cargo.toml": pyo3_manifest("mylib", '"0.24"', feature_wiring=True),
            "crates/mylib/src/lib.rs": lib_rs("mylib"),
            "crates/mylib-prof/Cargo.toml": """\
            [package]
            name = "mylib-prof"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            mylib = { path = "../mylib", default-features = false }
            """,
            "crates/mylib-prof/src/lib.rs": "",
        },
    )
    assert codes(check(root).stdout) == ["PW205"]
    fixed = run_cli("fix-features", "--unsafe-fixes", root)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    text = (root / "Cargo.toml").read_text()
    assert 'default-members = ["crates/mylib-prof"]  # everything' in text, text
    assert check(root).stdout == ""
