"""`scaffold cross` without builds: dry run, idempotence, dirty trees, notes, zig, Windows."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from scaffold.cross import envfile
from scaffold.probes.toolchain import Rustc
from tests.conftest import git_commit_all, git_init, run_cli, snapshot
from tests.env.test_doctor import project

# `cross` checks TARGET against `rustc --print target-list`: these tests need rustc.
pytestmark = pytest.mark.needs_rust
HOST = Rustc().host if shutil.which("rustc") else "no-rustc-on-path"
LIBDIR = Path(sysconfig.get_config_var("LIBDIR") or "/nonexistent")
VERSION = "{}.{}".format(*sys.version_info[:2])


@pytest.fixture
def repo(tmp_path) -> Path:
    root = project(tmp_path / "p")
    git_init(root)
    return root


def test_dry_run_writes_nothing(repo):
    before = snapshot(repo)
    args = ("cross", HOST, repo, "--python-version", VERSION, "--linker", "sh")
    result = run_cli(*args, "--dry-run")
    assert result.exit_code == 1, result.stderr  # something would change
    assert "would write .cargo/config.toml\n" in result.stderr
    assert f"would write .cargo/cross/{HOST}.env" in result.stderr
    assert f"cargo build --target {HOST})" in result.stdout
    diff = run_cli(*args, "--diff")  # stdout: the patch alone, the commands on stderr
    assert diff.exit_code == 1, diff.stderr
    assert f'+++ b/.cargo/config.toml\n@@ -0,0 +1,2 @@\n+[target.{HOST}]\n+linker = "sh"' in (
        diff.stdout
    )
    assert f"cargo build --target {HOST})" in diff.stderr
    assert snapshot(repo) == before


def test_second_run_changes_nothing(repo):
    args = ("cross", HOST, repo, "--python-version", VERSION, "--linker", "sh")
    assert run_cli(*args).exit_code == 0
    git_commit_all(repo)
    before = snapshot(repo)
    again = run_cli(*args)
    assert again.exit_code == 0 and "wrote" not in again.stderr
    assert snapshot(repo) == before


def test_settings_folder_leaves_git_status_clean(repo):
    """The env file names this machine's paths: the folder ignores itself, so only the linker
    edit in .cargo/config.toml shows in `git status` (issue 26: commands never dirty the tree)."""
    git_commit_all(repo)
    result = run_cli("cross", HOST, repo, "--python-version", VERSION, "--linker", "sh")
    assert result.exit_code == 0, result.stderr
    assert (repo / ".cargo" / "cross" / f"{HOST}.env").is_file()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status.splitlines() == ["?? .cargo/config.toml"], status


def test_dirty_config_is_refused(repo):
    config = repo / ".cargo" / "config.toml"
    config.parent.mkdir()
    config.write_text("[build]\n")
    git_commit_all(repo)
    config.write_text("[build]\njobs = 1\n")
    result = run_cli("cross", HOST, repo, "--python-version", VERSION, "--linker", "sh")
    assert result.exit_code == 2 and "uncommitted changes" in result.stderr
    assert config.read_text() == "[build]\njobs = 1\n"
    assert not (repo / ".cargo" / "cross").exists()


def test_windows_target_with_zig(repo):
    triple = "x86_64-pc-windows-msvc"
    result = run_cli("cross", triple, repo, "--python-version", "3.13t", "--zig")
    assert result.exit_code == 0, result.stderr
    assert f"rustup target add {triple}" in result.stderr
    assert f"maturin build --release --target {triple} --zig)" in result.stdout
    assert f"cargo zigbuild --target {triple})" in result.stdout
    assert envfile.read(envfile.path_for(repo, triple)) == {
        "PYO3_CROSS_PYTHON_VERSION": "3.13t",
        "PYO3_CROSS_PYTHON_IMPLEMENTATION": "CPython",
    }
    assert not (repo / ".cargo" / "config.toml").exists()


def test_free_threaded_pypy_is_refused(repo):
    result = run_cli("cross", HOST, repo, "--python-version", "3.14t", "--implementation", "PyPy")
    assert result.exit_code == 2 and "only CPython is free-threaded" in result.stderr


def test_env_file_is_shell_for_the_printed_commands(repo):
    if not LIBDIR.is_dir():
        pytest.skip("no LIBDIR")
    result = run_cli("cross", HOST, repo, "--lib-dir", LIBDIR, "--linker", "sh")
    assert result.exit_code == 0, result.stderr
    line = next(c for c in result.stdout.splitlines() if "cargo build" in c)
    probe = line.replace(f"cargo build --target {HOST}", 'echo "$PYO3_CROSS_LIB_DIR"')
    out = subprocess.run(["sh", "-c", probe], cwd=repo, capture_output=True, text=True)
    assert out.stdout.strip() == str(LIBDIR.resolve())


def test_version_needed_unless_abi3(tmp_path):
    plain = project(tmp_path / "plain")
    result = run_cli("cross", HOST, plain, "--allow-no-vcs")
    assert result.exit_code == 2 and "no --python-version or --lib-dir given" in result.stderr
    abi3 = project(tmp_path / "abi3", pyo3='{ version = "0.30", features = ["abi3-py310"] }')
    result = run_cli("cross", HOST, abi3, "--allow-no-vcs")
    assert result.exit_code == 0, result.stderr
    assert envfile.read(envfile.path_for(abi3, HOST)) == {
        "PYO3_CROSS_PYTHON_IMPLEMENTATION": "CPython"
    }
