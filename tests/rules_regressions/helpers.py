"""Helpers for the regressions found on real PyO3 repositories (notes/real-repos.md).

Each case is a small fixture of our own, in the shape of the repository that showed the
problem; none of their files are copied.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git_init, run_cli, write_tree

PYMODULE = ("use pyo3::prelude::*;\n\n#[pymodule]\n"
            "fn {name}(_m: &Bound<'_, PyModule>) -> PyResult<()> {{\n    Ok(())\n}}\n")
MATURIN = '''\
    [build-system]
    requires = ["maturin>=1.9.4,<2"]
    build-backend = "maturin"

    [project]
    name = "{name}"
    version = "0.1.0"
    '''


def write(root: Path, files: dict[str, str]) -> Path:
    """A fixture tree committed to a fresh git repository."""
    write_tree(root, files)
    git_init(root)
    return root

def check(root: Path, *args: str):
    result = run_cli("fix-features", "--check", *args, root)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1), result.stderr
    return result


def codes(stdout: str) -> list[str]:
    return [line.split(": ", 1)[1].split()[0] for line in stdout.splitlines()]
