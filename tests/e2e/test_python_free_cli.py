"""Issue 23 item 10: a binary that depends on the extension's rlib but calls no Python API is
not one that embeds Python. The rules give it options, never "fails to start"; the real build
says what it needs: its ELF NEEDED (scaffold.probes.elf) lists no libpython, with the
library's defaults (`extension-module`: pyo3 links none) and with `default-features = false`
(pyo3 links libpython, the linker's `--as-needed` drops it), and it runs without
LD_LIBRARY_PATH either way. `--unsafe-fixes` adds no build.rs and no `auto-initialize` (only
PW203's `default-features = false`, which keeps its defaults out of other members' builds)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffold.probes import elf
from tests.conftest import REPO, TARGET_DIR, build_env, git_init, run, run_cli

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
    cli = root / "crates" / "mylib-cli"

    check = run_cli("fix-features", "--check", root)
    assert check.exit_code == 1, check.stdout  # PW203: its defaults unify into other builds
    assert "fails to start" not in check.stdout and "will not link" not in check.stdout
    assert "Python-free core crate" in check.stdout and "--as-needed" in check.stdout
    needed = _build_and_run(root)  # as it is: the library's defaults, extension-module on
    assert not any(n.startswith("libpython") for n in needed), needed

    fixed = run_cli("fix-features", "--unsafe-fixes", root)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert not (cli / "build.rs").exists()
    manifest = (cli / "Cargo.toml").read_text()
    assert "auto-initialize" not in manifest and "pyo3" not in manifest, manifest
    assert "default-features = false" in manifest  # PW203's safe fix, nothing else

    check = run_cli("fix-features", "--check", root)
    assert check.exit_code == 0, check.stdout  # PW103: an info, no "fails to start"
    assert "fails to start" not in check.stdout and "--as-needed" in check.stdout
    needed = _build_and_run(root)  # pyo3 links libpython now; nothing uses it
    assert not any(n.startswith("libpython") for n in needed), needed
