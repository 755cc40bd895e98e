"""Real-repository regression: maturin / setuptools-rust projects that build a binary, cffi or
uniffi are no PyO3 extension."""

from __future__ import annotations

import pytest

from tests.conftest import lib_rs, maturin_pyproject, write_tree
from tests.rules_regressions.helpers import check, codes

BIN_CRATE = """\
    [package]
    name = "tool"
    version = "0.1.0"
    edition = "2021"

    [dependencies]
    {deps}
    """


@pytest.mark.parametrize(
    "bindings, deps",
    [
        ('bindings = "bin"', ""),  # explicit, no pyo3 at all
        ('bindings = "bin"', 'pyo3 = "0.30"'),  # explicit, a binary that embeds Python
        ("", 'pyo3 = "0.30"'),  # maturin detects `bin`: binaries and no cdylib
        ("", ""),  # no pyo3 and no cdylib: maturin builds a binary wheel
    ],
)
def test_maturin_binary_projects_are_not_extensions(tmp_path, bindings, deps):
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": BIN_CRATE.format(deps=deps),
            "src/main.rs": "fn main() {}\n",
            "pyproject.toml": maturin_pyproject("tool", extra=f"\n[tool.maturin]\n{bindings}\n"),
        },
    )
    result = check(root)
    assert result.exit_code == 0 and result.stdout == "", result.stdout


def test_maturin_bindings_in_cargo_metadata(tmp_path):
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": BIN_CRATE.format(deps='pyo3 = "0.30"')
            + '\n[package.metadata.maturin]\nbindings = "bin"\n',
            "src/lib.rs": "",
            "pyproject.toml": maturin_pyproject("tool"),
        },
    )
    assert check(root).stdout == ""


def test_pyo3_library_without_cdylib_still_reported(tmp_path):
    """The filter keeps real extensions: pyo3, a lib, no binaries, no cdylib -> PW101."""
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": BIN_CRATE.format(deps='pyo3 = "0.30"'),
            "src/lib.rs": lib_rs("tool"),
            "pyproject.toml": maturin_pyproject("tool"),
        },
    )
    assert codes(check(root).stdout) == ["PW101"]


def test_uniffi_manifest_path_is_not_reported(tmp_path):
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": '[workspace]\nmembers = ["crates/a"]\nresolver = "2"\n',
            "crates/a/Cargo.toml": """\
            [package]
            name = "a"
            version = "0.1.0"
            edition = "2021"

            [lib]
            crate-type = ["cdylib"]

            [dependencies]
            uniffi = "0.28"
            """,
            "crates/a/src/lib.rs": "",
            "pyproject.toml": maturin_pyproject(
                "a",
                extra="""
            [tool.maturin]
            bindings = "uniffi"
            manifest-path = "crates/a/Cargo.toml"
            """,
            ),
        },
    )
    assert check(root).stdout == ""


def test_setuptools_rust_exec_binding_is_not_an_extension(tmp_path):
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": BIN_CRATE.format(deps='pyo3 = "0.30"'),
            "src/main.rs": "fn main() {}\n",
            "pyproject.toml": """\
            [build-system]
            requires = ["setuptools", "setuptools-rust>=1.12"]
            build-backend = "setuptools.build_meta"
            """,
            "setup.py": """\
            from setuptools import setup
            from setuptools_rust import Binding, RustExtension

            setup(rust_extensions=[RustExtension("tool", binding=Binding.Exec)])
            """,
        },
    )
    assert check(root).stdout == ""
