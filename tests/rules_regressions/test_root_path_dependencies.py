"""Real-repository regression: a root package's path dependencies are workspace members (PyO3's
examples/plugin)."""

from __future__ import annotations

from tests.conftest import lib_rs, maturin_pyproject, pyo3_manifest, run_cli, write_tree
from tests.rules_regressions.helpers import check, codes


def test_root_package_path_dependency_is_a_member(tmp_path):
    root = write_tree(
        tmp_path,
        git=True,
        files={
            "Cargo.toml": """\
            [package]
            name = "app"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            pyo3 = "0.30"
            plugin_api = { path = "plugin_api" }

            [workspace]
            """,
            "src/main.rs": "fn main() {\n    pyo3::Python::initialize();\n}\n",
            "plugin_api/Cargo.toml": pyo3_manifest("plugin_api"),
            "plugin_api/src/lib.rs": lib_rs("plugin_api"),
            "plugin_api/pyproject.toml": maturin_pyproject("plugin_api"),
        },
    )
    result = check(root)
    assert codes(result.stdout) == ["PW103"], result.stdout
    assert "embeds Python through `plugin_api`" in result.stdout
    # It starts the interpreter by hand: the fix adds the rpath, not `auto-initialize`.
    diff = run_cli("fix-features", "--diff", "--unsafe-fixes", root)
    assert "auto-initialize" not in diff.stdout, diff.stdout
    assert "+pyo3-build-config" in diff.stdout and "+++ b/build.rs" in diff.stdout
