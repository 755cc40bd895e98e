"""A cdylib built by plain `cargo build` and copied under the #[pymodule] name by a script: no
Python build backend names the module, so PW401 must not claim an import error (issue 13,
Done-when 1, third shape). Real cargo and python, no LD_LIBRARY_PATH."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import BASE_PYTHON, REPO, build_env, run, run_cli

pytestmark = pytest.mark.e2e

CASE = REPO / "tests" / "rules" / "cases" / "PW401" / "no-backend-info" / "in"


def test_renamed_cargo_build_imports_and_gets_no_error(tmp_path: Path):
    root = tmp_path / "engine"
    shutil.copytree(CASE, root)
    check = run_cli("fix-features", root, "--check")
    assert check.exit_code == 0, check.stdout + check.stderr
    pw401 = [line for line in check.stdout.splitlines() if " PW401 " in line]
    assert len(pw401) == 1 and pw401[0].endswith("(info)"), check.stdout
    assert "cannot check" in pw401[0]

    run(["sh", "build.sh"], cwd=root)
    assert (root / "native_engine.so").is_file()
    env = build_env()
    assert "LD_LIBRARY_PATH" not in env
    imported = run(
        [BASE_PYTHON, "-c", "import native_engine; print(native_engine.answer())"],
        cwd=root,
        env=env,
    )
    assert imported.stdout.strip() == "42"
