"""Writes that fail part-way, processes killed between two renames, concurrent runs, Ctrl-C.

After each: every file is entirely old or the whole change is applied (compared with a clean
sequential run on a copy), no temporary file, backup or journal is left behind. Failures are
injected only here: in-process with monkeypatch, or in a child process started through
`python -c` with a few lines of patching before `scaffold.cli.main` (no hook in the product).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scaffold.transaction import files, journal, write
from tests.conftest import REPO, git_env, git_init, posix_only, run_cli, snapshot
from tests.robustness.helpers import leftovers, make_workspace

FIX = ("fix-features", "--unsafe-fixes")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_workspace(tmp_path / "repo")
    git_init(root)
    return root


@pytest.fixture
def fixed(tmp_path: Path, repo: Path) -> dict:
    """The snapshot of `repo` after an uninterrupted fix, made on a copy."""
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, symlinks=True)
    result = run_cli(*FIX, cwd=copy)
    assert result.exit_code == 0, result.stderr
    changed = {k for k, v in snapshot(copy).items() if snapshot(repo).get(k) != v}
    assert len(changed) >= 3, changed  # a multi-file fix: two manifests and a new build.rs
    return snapshot(copy)


def run_hooked(
    hook: str, args: tuple[str, ...], cwd: Path, wait: bool = True
) -> subprocess.CompletedProcess | subprocess.Popen:
    """`scaffold ARGS` in a child process, after running the patching code `hook`.

    The child restores Python's own SIGINT handler first: a test runner started in the
    background (`cmd &` in a script) passes SIGINT on as ignored, and the injected Ctrl-C
    would then be lost.
    """
    code = (
        "import os, signal, sys, time\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        f"{textwrap.dedent(hook)}\n"
        "from scaffold.cli import main\n"
        f"sys.exit(main({list(args)!r}))\n"
    )
    env = {**git_env(), "PYTHONPATH": str(REPO)}
    if not wait:
        return subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=cwd,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, text=True, capture_output=True, timeout=300
    )


# Count the renames of staged files over their targets (not the journal's own rename).
REPLACE_HOOK = """
_real_replace = os.replace
_count = [0]
def _replace(src, dst, *a, **k):
    result = _real_replace(src, dst, *a, **k)
    if str(src).endswith(".scaffold-tmp") and not os.path.basename(dst) == ".scaffold-journal":
        _count[0] += 1
        if _count[0] == 1:
            {action}
    return result
os.replace = _replace
"""


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# --- failures inside the process: rolled back at once ------------------------------------------


def _failing_replace(monkeypatch, error: OSError, on: int = 2) -> None:
    real = os.replace
    count = [0]

    def replace(src, dst, *args, **kwargs):
        if str(src).endswith(".scaffold-tmp") and Path(dst).name != journal.JOURNAL:
            count[0] += 1
            if count[0] == on:
                raise error
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.EIO, "Input/output error"),
        PermissionError(errno.EACCES, "Permission denied"),  # a read-only file or folder found late
    ],
    ids=["eio", "eacces"],
)
def test_rename_fails_on_second_file(error, tmp_path, repo, monkeypatch):
    before = snapshot(repo)
    _failing_replace(monkeypatch, error)
    result = run_cli(*FIX, cwd=repo)
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "cannot be written" in line and "nothing was changed" in line, line
    assert snapshot(repo) == before
    assert leftovers(repo) == []


def test_disk_full_while_staging(tmp_path, repo, monkeypatch):
    before = snapshot(repo)
    real = files.write_file
    count = [0]

    def write_file(path, text, mode):
        if not path.name.startswith(journal.JOURNAL):
            count[0] += 1
            if count[0] == 2:  # half the second file reaches the disk, then ENOSPC
                real(path, text[: len(text) // 2], mode)
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, text, mode)

    monkeypatch.setattr(files, "write_file", write_file)
    result = run_cli(*FIX, cwd=repo)
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "No space left on device" in line, line
    assert "Cargo.toml" in line or "build.rs" in line, line
    assert snapshot(repo) == before
    assert leftovers(repo) == []


@posix_only("file modes (chmod)")
def test_second_file_made_read_only_after_planning(tmp_path, repo, monkeypatch):
    """The file turns read-only between the lint and the write: refused before any rename."""
    import scaffold.vcs

    before = snapshot(repo)
    late = repo / "crates/cli/Cargo.toml"
    real = scaffold.vcs.ensure_clean

    def ensure_clean(*args, **kwargs):
        real(*args, **kwargs)
        late.chmod(0o444)

    monkeypatch.setattr(scaffold.vcs, "ensure_clean", ensure_clean)
    try:
        result = run_cli(*FIX, cwd=repo)
    finally:
        late.chmod(0o644)
    assert result.exit_code == 2
    assert "crates/cli/Cargo.toml: is read-only" in one_error_line(result.stderr)
    assert snapshot(repo) == before
    assert leftovers(repo) == []


@posix_only("file modes (chmod)")
def test_rollback_restores_mode_and_bytes(tmp_path, monkeypatch):
    """Direct use of write_all: CRLF, a BOM and an unusual mode survive a failed write."""
    root = tmp_path / "ws"
    root.mkdir()
    first, second = root / "a.toml", root / "b.toml"
    first.write_bytes(b"\xef\xbb\xbfa = 1\r\n")
    second.write_bytes(b"b = 1\n")
    first.chmod(0o640)
    before = snapshot(root)
    with monkeypatch.context() as patch:
        _failing_replace(patch, OSError(errno.EIO, "Input/output error"))
        with pytest.raises(Exception, match="nothing was changed"):
            write.write_all(
                {first: "\ufeffa = 2\r\n", second: "b = 2\n", root / "new" / "c.toml": "c = 1\n"},
                root=root,
            )
    assert snapshot(root) == before
    write.write_all({first: "\ufeffa = 2\r\n", second: "b = 2\n"}, root=root)
    assert first.read_bytes() == "\ufeffa = 2\r\n".encode()
    assert first.stat().st_mode & 0o777 == 0o640
    assert leftovers(root) == []


# --- the process killed between two renames: the next run recovers -----------------------------


def test_killed_between_renames_then_next_run_recovers(tmp_path, repo, fixed):
    before = snapshot(repo)
    crashed = run_hooked(REPLACE_HOOK.format(action="os._exit(137)"), FIX, repo)
    assert crashed.returncode == 137
    middle = snapshot(repo)
    changed = {k for k in before if before[k] != middle.get(k)} | (middle.keys() - before.keys())
    assert changed - {journal.JOURNAL} and (repo / journal.JOURNAL).exists(), (
        "the kill did not land between two renames"
    )
    assert changed - {journal.JOURNAL} != fixed.keys() - before.keys()  # a half-applied change

    check = run_cli("fix-features", "--check", cwd=repo)
    assert "an interrupted write is pending" in check.stderr
    assert (repo / journal.JOURNAL).exists()  # --check writes nothing, not even the rollback

    result = run_cli(*FIX, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert "rolled back an interrupted write" in result.stderr
    assert snapshot(repo) == fixed
    assert leftovers(repo) == []


def test_killed_between_renames_recover_restores_old(tmp_path, repo):
    before = snapshot(repo)
    crashed = run_hooked(REPLACE_HOOK.format(action="os._exit(137)"), FIX, repo)
    assert crashed.returncode == 137
    notes = []
    restored = journal.recover(repo, notes.append)
    assert restored and "rolled back" in notes[0]
    assert snapshot(repo) == before
    assert leftovers(repo) == []


def test_killed_after_commit_rolls_forward(tmp_path, repo, fixed):
    """Killed while removing the backups: the change is complete, recovery only cleans up."""
    hook = """
    from scaffold.transaction import files
    _real_unlink = files.unlink
    def _unlink(path):
        if str(path).endswith(".scaffold-bak"):
            os._exit(137)
        _real_unlink(path)
    files.unlink = _unlink
    """
    crashed = run_hooked(hook, FIX, repo)
    assert crashed.returncode == 137
    assert (repo / journal.JOURNAL).exists()
    notes = []
    journal.recover(repo, notes.append)
    assert "completed an interrupted write" in notes[0]
    assert snapshot(repo) == fixed
    assert leftovers(repo) == []


def test_add_profiler_killed_between_renames(tmp_path, repo):
    """New files and folders of an interrupted add-profiler are removed by the next run."""
    (repo / "Cargo.toml").write_text(
        (repo / "Cargo.toml")
        .read_text()
        .replace("resolver", 'default-members = ["crates/cli"]\nresolver')
    )
    git_init(repo)
    before = snapshot(repo)
    crashed = run_hooked(REPLACE_HOOK.format(action="os._exit(137)"), ("add-profiler",), repo)
    assert crashed.returncode == 137, crashed.stderr
    assert (repo / "crates/ext-profiler").exists()
    notes = []
    journal.recover(repo, notes.append)
    assert snapshot(repo) == before
    assert not (repo / "crates/ext-profiler").exists()
    result = run_cli("add-profiler", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert (repo / "crates/ext-profiler/Cargo.toml").is_file()
    assert leftovers(repo) == []


@posix_only("SIGINT sent with os.kill")
def test_ctrl_c_between_renames(tmp_path, repo):
    before = snapshot(repo)
    hook = REPLACE_HOOK.format(action="import signal; os.kill(os.getpid(), signal.SIGINT)")
    result = run_hooked(hook, FIX, repo)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "error: interrupted"
    assert snapshot(repo) == before
    assert leftovers(repo) == []


# --- two runs at once ------------------------------------------------------------------------


def test_two_fix_features_at_once_equal_sequential(tmp_path, repo, fixed):
    # Each run lingers inside the lock after linting, so the two really overlap.
    hook = """
    from scaffold.lint import engine
    _real_run = engine.run
    def _run(*a, **k):
        outcome = _real_run(*a, **k)
        time.sleep(1.0)
        return outcome
    engine.run = _run
    """
    first = run_hooked(hook, FIX, repo, wait=False)
    time.sleep(0.3)
    second = run_hooked(hook, FIX, repo, wait=False)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    codes = [p.returncode for p in (first, second)]
    assert codes == [0, 0], outputs
    assert any("waiting for another scaffold command" in err for _, err in outputs), outputs
    assert sum("Fixed" in err for _, err in outputs) == 1, outputs
    assert snapshot(repo) == fixed
    assert leftovers(repo) == []


# --- Ctrl-C during `scaffold new` ------------------------------------------------------------

RENDER_HOOK = """
import signal
from scaffold.render import copier_render
_real_render = copier_render.render
_renders = [0]
def _render(*a, **k):
    _real_render(*a, **k)
    _renders[0] += 1
    if _renders[0] == {after}:
        os.kill(os.getpid(), signal.SIGINT)
copier_render.render = _render
"""


@pytest.mark.parametrize("after", [1, 2], ids=["after-workspace", "after-profiler"])
@pytest.mark.parametrize("dest", ["missing", "nested/missing", "empty"])
def test_ctrl_c_during_new(after, dest, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    if dest == "empty":
        (work / "empty").mkdir()
    before = snapshot(work)
    result = run_hooked(
        RENDER_HOOK.format(after=after), ("new", "demo-lib", dest, "--yes", "--no-git"), work
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "error: interrupted"
    assert snapshot(work) == before


@posix_only("SIGINT sent with os.kill")
def test_ctrl_c_during_new_git_commit(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    before = snapshot(work)
    hook = """
    import signal
    from scaffold import vcs
    def _init_and_commit(path, message):
        import git
        git.Repo.init(path)
        os.kill(os.getpid(), signal.SIGINT)
    vcs.init_and_commit = _init_and_commit
    """
    result = run_hooked(hook, ("new", "demo-lib", "--yes"), work)
    assert result.returncode == 130, result.stderr
    assert snapshot(work) == before
    assert not (work / "demo-lib").exists()
