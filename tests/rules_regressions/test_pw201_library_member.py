"""Issue 23 item 2: a library member (rlib, no backend builds it) that enables
`extension-module` too. After PW201's fix every test build of the extension can turn the
feature off, and the wheel build keeps it: `cargo tree -e features -i pyo3` with the real
pyo3 (the rule cases `PW201/library-member-*`), before and after."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO, build_env, git_init, run_cli

pytestmark = pytest.mark.needs_rust

CASES = REPO / "tests" / "rules" / "cases" / "PW201"


def _extension_module(root, *flags: str, edges: str = "features,normal") -> bool:
    """Whether pyo3's `extension-module` is on in `cargo tree -p ext FLAGS` (real cargo)."""
    for offline in (["--offline"], []):
        proc = subprocess.run(
            ["cargo", "tree", *offline, "-e", edges, "-i", "pyo3", "-p", "ext", *flags],
            cwd=root,
            env=build_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode == 0:
            return 'pyo3 feature "extension-module"' in proc.stdout
    raise AssertionError(proc.stderr)


@pytest.mark.parametrize("case", ["library-member-forced", "library-member-default"])
def test_every_test_build_can_turn_it_off_after_the_fix(tmp_path, case):
    root = tmp_path / case
    shutil.copytree(CASES / case / "in", root)
    git_init(root)
    # before: the test build without defaults still has it (the library forces or defaults it)
    assert _extension_module(root, "--no-default-features", edges="features,normal,dev")
    assert _extension_module(root)  # the wheel's build (`cargo rustc -p ext --lib`)

    fixed = run_cli("fix-features", root)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    check = run_cli("fix-features", "--check", root)
    assert check.exit_code == 0, check.stdout

    assert not _extension_module(root, "--no-default-features", edges="features,normal,dev")
    assert _extension_module(root)  # the wheel keeps it
    # and the library's own tests can link libpython (opt-in: even with its defaults)
    flags = ["--no-default-features"] if case == "library-member-default" else []
    core = subprocess.run(
        ["cargo", "tree", "--offline", "-e", "features", "-i", "pyo3", "-p", "core-lib", *flags],
        cwd=root,
        env=build_env(),
        capture_output=True,
        text=True,
    )
    assert core.returncode == 0 and '"extension-module"' not in core.stdout, core.stdout
