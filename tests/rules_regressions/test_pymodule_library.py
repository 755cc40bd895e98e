"""Real-repository regression: a library that defines a `#[pymodule]` for its users to add, with
no `cdylib` and no Python project, is not an extension (PyO3/pyo3-async-runtimes)."""

from __future__ import annotations

from tests.conftest import lib_rs, write_tree
from tests.rules_regressions.helpers import check, codes

LIBRARY = """\
    [package]
    name = "helpers"
    version = "0.1.0"
    edition = "2021"
    {lib}
    [dependencies]
    pyo3 = "0.30"
    """


def test_pymodule_in_a_plain_library_is_not_reported(tmp_path):
    root = write_tree(
        tmp_path,
        git=True,
        files={"Cargo.toml": LIBRARY.format(lib=""), "src/lib.rs": lib_rs("helpers")},
    )
    result = check(root)
    assert result.exit_code == 0 and result.stdout == "", result.stdout


def test_cdylib_with_pymodule_is_still_an_extension(tmp_path):
    """Without a Python project, `cdylib` + `#[pymodule]` still finds the extension."""
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": LIBRARY.format(lib='\n[lib]\ncrate-type = ["cdylib"]\n').replace(
                'pyo3 = "0.30"', 'pyo3 = { version = "0.24", features = ["extension-module"] }'
            ),
            "src/lib.rs": lib_rs("helpers"),
        },
    )
    assert codes(check(root).stdout) == ["PW201"]


def test_hand_written_pyinit_is_an_extension(tmp_path):
    """maturin's test-crates/pyo3-no-extension-module: `PyInit_*` by hand, no `#[pymodule]`."""
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": LIBRARY.format(lib='\n[lib]\ncrate-type = ["cdylib"]\n').replace(
                'pyo3 = "0.30"', 'pyo3 = { version = "0.25.0", default-features = false }'
            ),
            "src/lib.rs": 'use pyo3::ffi::*;\n\n#[no_mangle]\npub unsafe extern "C" fn '
            "PyInit_helpers() -> *mut PyObject {\n    std::ptr::null_mut()\n}\n",
        },
    )
    assert codes(check(root).stdout) == ["PW202"]
