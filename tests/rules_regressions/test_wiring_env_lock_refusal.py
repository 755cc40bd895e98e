"""`--wiring env` refused because Cargo.lock pins an older PyO3 than the manifest asks for: the
one-line error says that it read the lock file (issue 13, the maintainers' migrations)."""

from __future__ import annotations

from tests.conftest import lib_rs, maturin_pyproject, run_cli, write_tree

LOCK = """\
    version = 4

    [[package]]
    name = "mylib"
    version = "0.1.0"
    dependencies = ["pyo3"]

    [[package]]
    name = "pyo3"
    version = "0.25.1"
    source = "registry+https://github.com/rust-lang/crates.io-index"
    """


def test_refusal_names_the_lock_file(tmp_path):
    root = write_tree(
        tmp_path / "ws",
        git=True,
        files={
            "Cargo.toml": """\
            [package]
            name = "mylib"
            version = "0.1.0"
            edition = "2021"

            [lib]
            crate-type = ["cdylib"]

            [dependencies]
            pyo3 = { version = "0.26", features = ["extension-module"] }
            """,
            "Cargo.lock": LOCK,
            "src/lib.rs": lib_rs("mylib"),
            "pyproject.toml": maturin_pyproject("mylib"),
        },
    )
    before = (root / "Cargo.toml").read_bytes()
    result = run_cli("fix-features", "--wiring", "env", root)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "Cargo.lock" in result.stderr and "read Cargo.lock" in result.stderr
    assert "pins pyo3 0.25.1" in result.stderr and "asks for 0.26" in result.stderr
    assert "cargo update -p pyo3" in result.stderr
    assert (root / "Cargo.toml").read_bytes() == before
