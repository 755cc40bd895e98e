"""Real-repository regression: the Python project sits above the crate it builds (pyca/bcrypt:
setuptools-rust `path = "src/_bcrypt/Cargo.toml"`; maturin's "Python first src-layout" with
`rust/Cargo.toml`). From the project root the tool found no Cargo.toml (exit 2) or walked up to
an unrelated workspace; from the crate it missed the project and compared the `#[pymodule]`
name with `[lib] name` instead of the backend's target (PW401 false positive)."""

from __future__ import annotations

import pytest

from tests.conftest import write_tree
from tests.rules_regressions.helpers import check, codes

CRATE = """\
    [package]
    name = "native-rust"
    version = "0.1.0"
    edition = "2021"

    [lib]
    name = "native_rust"
    crate-type = ["cdylib"]

    [dependencies]
    pyo3 = {pyo3}
    """
MODULE = (
    "use pyo3::prelude::*;\n\n#[pymodule]\nmod _native {\n"
    "    #[pymodule_export]\n    use super::*;\n}\n"
)


def bcrypt_shape(root):
    return write_tree(
        root,
        git=True,
        files={
            "pyproject.toml": """\
            [build-system]
            requires = ["setuptools", "setuptools-rust>=1.12"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "pkg"
            version = "0.1.0"

            [[tool.setuptools-rust.ext-modules]]
            target = "pkg._native"
            path = "src/_native/Cargo.toml"
            """,
            "src/pkg/__init__.py": "",
            "src/_native/Cargo.toml": CRATE.format(pyo3='"0.30"'),
            "src/_native/src/lib.rs": MODULE,
        },
    )


@pytest.mark.parametrize("where", [".", "src/_native"])
def test_setuptools_rust_crate_below_the_project(tmp_path, where):
    root = bcrypt_shape(tmp_path)
    result = check(root / where)
    assert result.exit_code == 0 and result.stdout == "", result.stdout + result.stderr


def test_module_name_still_checked_against_the_target(tmp_path):
    root = bcrypt_shape(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pkg._native"', '"pkg._core"'))
    result = check(root / "src/_native")
    assert codes(result.stdout) == ["PW401"], result.stdout
    assert "backend `_core`" in result.stdout


def test_maturin_python_first_src_layout(tmp_path):
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "pyproject.toml": """\
            [build-system]
            requires = ["maturin>=1,<2"]
            build-backend = "maturin"

            [project]
            name = "pkg"
            version = "0.1.0"

            [tool.maturin]
            module-name = "pkg._native"
            """,
            "src/pkg/__init__.py": "",
            "rust/Cargo.toml": CRATE.format(
                pyo3='{ version = "0.24", features = ["extension-module"] }'
            ),
            "rust/src/lib.rs": MODULE,
        },
    )
    for where in (root, root / "rust"):
        result = check(where)
        assert codes(result.stdout) == ["PW201"], result.stdout  # no PW402, no PW401


def workspace_with_project(root, where, module):
    """A virtual workspace with `crates/ext` and, in `where`, a maturin project building it
    (`manifest-path` up to the crate) as `module`."""
    up = "../" * (where.count("/") + 1)
    return write_tree(
        root,
        git=True,
        files={
            "Cargo.toml": '[workspace]\nmembers = ["crates/ext"]\nresolver = "2"\n',
            "crates/ext/Cargo.toml": CRATE.format(pyo3='"0.30"'),
            "crates/ext/src/lib.rs": MODULE,
            f"{where}/pyproject.toml": f"""\
            [build-system]
            requires = ["maturin>=1.9.4,<2"]
            build-backend = "maturin"

            [project]
            name = "pkg"
            version = "0.1.0"

            [tool.maturin]
            manifest-path = "{up}crates/ext/Cargo.toml"
            module-name = "{module}"
            """,
        },
    )


def test_project_in_a_sibling_directory_given_as_path(tmp_path):
    """nautilus_trader: python/pyproject.toml with `manifest-path = "../crates/ext/Cargo.toml"`,
    run from python/ (neither the workspace root nor a member directory)."""
    root = workspace_with_project(tmp_path, "python", "pkg._native")
    result = check(root / "python")
    assert result.exit_code == 0 and result.stdout == "", result.stdout
    renamed = root / "python/pyproject.toml"
    renamed.write_text(renamed.read_text().replace('"pkg._native"', '"pkg._core"'))
    result = check(root / "python")
    assert codes(result.stdout) == ["PW401"] and "python/pyproject.toml" in result.stdout


@pytest.mark.parametrize(
    ("where", "found"),
    [
        ("python", True),
        ("bindings/python/pkg", True),  # PYTHON_PROJECT_DEPTH levels below the top: found
        ("bindings/python/pkg/deeper", False),  # one more: the search stops above it
    ],
)
def test_python_project_found_from_the_workspace_root_by_depth(tmp_path, where, found):
    """From the workspace root, a project elsewhere in the repository that builds a member is
    found down to `PYTHON_PROJECT_DEPTH` levels (its last level is asked by name, not listed)."""
    root = workspace_with_project(tmp_path, where, "pkg._core")
    result = check(root)
    # found: PW401 compares `pkg._core` with the #[pymodule]; not found: no backend builds it
    assert (f"{where}/pyproject.toml" in result.stdout) is found, result.stdout
    assert ("no Python build backend builds" in result.stdout) is not found, result.stdout
