"""The read-only TOML parser reads what cargo reads: TOML 1.1 (scaffold/toml/parser.py).

Python 3.11's tomllib parses TOML 1.0 only, so a manifest cargo accepts (a multi-line inline
table with a trailing comma) was an "invalid TOML" error, exit 2. Cargo is the oracle.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffold.toml import parser
from tests.conftest import build_env, lib_rs, maturin_pyproject, pyo3_manifest, run_cli, write_tree

# TOML 1.1: newlines and a trailing comma inside an inline table.
TOML_1_1_TABLE = """
[package.metadata.release]
notes = {
    changelog = "CHANGELOG.md",
    tag = true,
}
"""


def _project(root: Path) -> None:
    write_tree(
        root,
        {
            "Cargo.toml": pyo3_manifest("mylib", extra=TOML_1_1_TABLE),
            "src/lib.rs": lib_rs("mylib"),
            "pyproject.toml": maturin_pyproject("mylib"),
        },
    )


def test_the_parser_reads_toml_1_1():
    data = parser.loads("a = {\n  b = 1,\n}\n")
    assert data == {"a": {"b": 1}}


def test_errors_keep_tomllib_s_message_and_position(tmp_path):
    with pytest.raises(parser.TOMLDecodeError, match=r"\(at line 2, column 5\)"):
        parser.loads("a = 1\nb = ]\n")


@pytest.mark.needs_rust
def test_a_toml_1_1_manifest_cargo_accepts_is_checked(tmp_path):
    _project(tmp_path)
    cargo = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1"],
        cwd=tmp_path,
        env=build_env(),
        capture_output=True,
        text=True,
    )
    assert cargo.returncode == 0, cargo.stderr  # the oracle: cargo reads TOML 1.1
    result = run_cli("fix-features", "--check", "--no-cache", tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "invalid TOML" not in result.stderr
