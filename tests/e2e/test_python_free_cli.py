"""Issue 23 item 10: a binary that depends on the extension's rlib but calls no Python API is
not one that embeds Python. The rules give it options, never "fails to start"; the real build
says what it needs: its ELF NEEDED (scaffold.probes.elf) lists no libpython, with the
library's defaults (`extension-module`: pyo3 links none) and with `default-features = false`
(pyo3 links libpython, the linker's `--as-needed` drops it), and it runs without
LD_LIBRARY_PATH either way. `--unsafe-fixes` adds no build.rs and no `auto-initialize`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffold.probes import elf
from tests.conftest import REPO, TARGET_DIR, build_env, git_init, run, run_cli, snapshot

pytestmark = pytest.mark.e2e

CASE = REPO / "tests" / "rules" / "cases" / "PW203" / "python-free-cli" / "in"


def _build_and_run(root: Path) -> list[str]:
    """NEEDED of the built CLI, after running it without LD_LIBRARY_PATH."""
    run(["cargo", "build", "-p", "mylib-cli"], cwd=root)
    binary = TARGET_DIR / "debug" / "mylib-cli"
    env = build_env()
    assert "LD_LIBRARY_PATH" not in env
    run([binary], cwd=root, env=env)  # starts: no libpython to find
    return elf.read(binary).needed


def test_python_free_cli_is_told_options_and_runs_without_libpython(tmp_path):
    root = tmp_path / "withcli"
    shutil.copytree(CASE, root)
    git_init(root)

    check = run_cli("fix-features", "--check", root)
    assert check.exit_code == 0, check.stdout  # infos only
    assert "fails to start" not in check.stdout and "will not link" not in check.stdout
    assert "Python-free core crate" in check.stdout and "--as-needed" in check.stdout
    before = snapshot(root)
    fixed = run_cli("fix-features", "--unsafe-fixes", root)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert snapshot(root) == before  # no build.rs, no auto-initialize, no edit at all

    needed = _build_and_run(root)  # the library's defaults: extension-module on
    assert not any(n.startswith("libpython") for n in needed), needed

    manifest = root / "crates" / "mylib-cli" / "Cargo.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'path = "../mylib" }', 'path = "../mylib", default-features = false }'
        )
    )
    check = run_cli("fix-features", "--check", root)
    assert check.exit_code == 0, check.stdout
    assert "fails to start" not in check.stdout and "--as-needed" in check.stdout
    needed = _build_and_run(root)  # pyo3 links libpython now; nothing uses it
    assert not any(n.startswith("libpython") for n in needed), needed
