"""Real-repository regression: PW103 on PyO3 before `auto-initialize` and
`pyo3_build_config::get()` (mre/hyperjson)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_tree
from tests.rules_regressions.helpers import check, codes


def old_pyo3_repo(root: Path, version: str) -> Path:
    return write_tree(
        root,
        git=True,
        files={
            "Cargo.toml": f'''\
            [package]
            name = "lib"
            version = "0.1.0"
            edition = "2018"

            [lib]
            crate-type = ["rlib", "cdylib"]

            [dependencies]
            pyo3 = "{version}"

            [features]
            default = ["pyo3/extension-module"]

            [workspace]
            members = ["profiling"]
            ''',
            "src/lib.rs": "#[pymodule]\nfn lib() {}\n",
            "profiling/Cargo.toml": f'''\
            [package]
            name = "profiling"
            version = "0.1.0"
            edition = "2018"

            [dependencies]
            lib = {{ path = "..", default-features = false }}

            [dependencies.pyo3]
            version = "{version}"
            ''',
            "profiling/src/main.rs": "fn main() {}\n",
        },
    )


@pytest.mark.parametrize("version", ["0.8.3", "0.13.2"])
def test_old_pyo3_needs_no_auto_initialize_and_gets_no_broken_fix(tmp_path, version):
    root = old_pyo3_repo(tmp_path, version)
    result = check(root, "--unsafe-fixes")
    assert codes(result.stdout) == ["PW103"], result.stdout
    assert "auto-initialize" not in result.stdout  # not a feature yet / on by default
    assert "[*]" not in result.stdout  # no pyo3-build-config API to put in a build.rs
    diff = run_cli("fix-features", "--diff", "--unsafe-fixes", root)
    assert diff.exit_code == 0 and "+++" not in diff.stdout, diff.stdout
    assert "Would change nothing." in diff.stderr


def test_pyo3_015_gets_the_lib_dir_build_script(tmp_path):
    root = old_pyo3_repo(tmp_path, "0.15.2")
    result = run_cli("fix-features", "--unsafe-fixes", root)
    assert result.exit_code == 0, result.stdout + result.stderr
    build = (root / "profiling/build.rs").read_text()
    assert "pyo3_build_config::get().lib_dir" in build
    data = tomllib.loads((root / "profiling/Cargo.toml").read_text())
    assert data["build-dependencies"]["pyo3-build-config"] == {"version": "0.15"}
    assert "auto-initialize" in data["dependencies"]["pyo3"]["features"]
