"""The one write path (`scaffold.transaction.commit`), asked of every writing command alike:
fix-features, add-profiler, upgrade, cross and update.

For each: a dirty file it would write is refused unless `--allow-dirty`; the plan is made
under the workspace lock, taken once for planning and writing; each preview (`--check`,
`--dry-run`, `--diff`) writes nothing, takes no lock and never refuses a dirty tree. Removals
(update's) are journaled: an update killed right after removing a file leaves a journal that
puts the file back, and the next update finishes the job.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from scaffold.render import history
from scaffold.transaction import journal, lock
from tests.conftest import git_init, run_cli, snapshot, write_tree
from tests.e2e import shapes
from tests.robustness.helpers import leftovers
from tests.robustness.test_crash_safety import run_hooked
from tests.test_update import NAME, OLD_TEST, histories, made_at_n  # noqa: F401 (fixtures)


@dataclass(frozen=True)
class Command:
    args: tuple[str, ...]  # after `scaffold`, run from the project root
    planner: str  # module:function the API plans with (watched for the lock)
    dirty: str  # a file the command writes, dirtied by the test
    fixture: str  # the fixture that makes the project (a committed git repository)
    rust: bool = False  # needs cargo / rustc (upgrade resolves versions, cross lists targets)


def _host() -> str:
    from scaffold.probes.toolchain import Rustc

    return Rustc().host


COMMANDS = {
    "fix-features": Command(("fix-features",), "scaffold.lint.engine:run", "Cargo.toml", "shape"),
    "add-profiler": Command(("add-profiler",), "scaffold.lint.engine:run", "Cargo.toml", "shape"),
    "add": Command(("add", "core", "shape-core"), "scaffold.add.plan:plan", "Cargo.toml", "shape"),
    "upgrade": Command(
        ("upgrade", "--pyo3", "0.30"), "scaffold.upgrade.plan:build", "Cargo.toml", "old", True
    ),
    "cross": Command(
        ("cross", "HOST", "--python-version", "3.12", "--linker", "sh"),
        "scaffold.cross.plan:make_plan",
        ".cargo/config.toml",
        "shape",
        True,
    ),
    "update": Command(
        ("update", "--yes"), "scaffold.render.project_update:plan", "Cargo.toml", "update"
    ),
}
# `--check` and `--dry-run` are one flag (`flags.preview`): each test takes one spelling.
PREVIEWS = {"dirty": ("--check", "--diff"), "lock": ("--dry-run", "--diff")}


@pytest.fixture(autouse=True)
def _caches(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COPIER_CACHE_DIR", str(tmp_path / "cache" / "copier"))


@pytest.fixture
def make(tmp_path, request) -> Callable[[Command], Path]:
    """The project a command works on, committed; `update`'s is made at release N with N+1
    installed (tests/test_update.py's fixtures)."""

    def made(command: Command) -> Path:
        if command.fixture == "update":
            source = request.getfixturevalue("made_at_n")
            monkeypatch = request.getfixturevalue("monkeypatch")
            monkeypatch.setenv(
                history.HISTORY_ENV, str(request.getfixturevalue("histories")["N+1"])
            )
            root = tmp_path / NAME
            shutil.copytree(source, root, symlinks=True)
            return root
        if command.fixture == "old":
            root = write_tree(
                tmp_path / "old",
                {
                    "Cargo.toml": '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n\n'
                    '[dependencies]\npyo3 = "0.28"\n',
                    "src/lib.rs": "pub fn f() {}\n",
                },
            )
        else:
            root, _ = shapes.hyperjson_shape(tmp_path)
            write_tree(root, {".cargo/config.toml": "[build]\n"})
        git_init(root)
        return root

    return made


def _args(command: Command) -> list[str]:
    return [_host() if a == "HOST" else a for a in command.args]


def _dirty(root: Path, command: Command) -> None:
    path = root / command.dirty
    path.write_text(path.read_text() + "\n# not committed\n")


@pytest.fixture
def watch(monkeypatch) -> dict[str, list]:
    """Each lock acquisition, and for each plan whether the lock was held while it ran."""
    seen: dict[str, list] = {"acquired": [], "planned_locked": []}
    real_acquire = lock._acquire

    def acquire(root, *args, **kwargs):
        seen["acquired"].append(root)
        return real_acquire(root, *args, **kwargs)

    monkeypatch.setattr(lock, "_acquire", acquire)
    return seen


def _watch_planner(monkeypatch, command: Command, seen: dict[str, list]) -> None:
    module_name, name = command.planner.split(":")
    module = importlib.import_module(module_name)
    real = getattr(module, name)

    def planner(*args, **kwargs):
        seen["planned_locked"].append(bool(lock._held))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, planner)


def _needs_rust(command: Command) -> list:
    return [pytest.mark.needs_rust] if command.rust else []


CASES = [pytest.param(c, id=name, marks=_needs_rust(c)) for name, c in COMMANDS.items()]


@pytest.mark.parametrize("command", CASES)
def test_a_dirty_file_is_refused_unless_allow_dirty(command, make):
    root = make(command)
    _dirty(root, command)
    before = snapshot(root)
    refused = run_cli(*_args(command), cwd=root)
    assert refused.exit_code == 2, refused.stdout + refused.stderr
    last = refused.stderr.splitlines()[-1]  # after the plan's notes (cross)
    assert last.startswith("error: ") and last.endswith("pass --allow-dirty"), refused.stderr
    assert "Traceback" not in refused.stderr and snapshot(root) == before
    for preview in PREVIEWS["dirty"]:  # a preview only reads: never refused
        shown = run_cli(*_args(command), preview, cwd=root)
        assert shown.exit_code == 1, (preview, shown.stderr)  # something would change
        assert snapshot(root) == before, preview
    done = run_cli(*_args(command), "--allow-dirty", cwd=root)
    assert done.exit_code in (0, 1), done.stderr  # 1: findings or conflicts left, reported
    assert snapshot(root) != before and leftovers(root) == []
    assert "# not committed" in (root / command.dirty).read_text()  # the user's edit kept


@pytest.mark.parametrize("command", CASES)
def test_plans_under_the_lock_it_writes_with_and_previews_take_none(
    command, make, watch, monkeypatch
):
    root = make(command)
    _watch_planner(monkeypatch, command, watch)
    before = snapshot(root)
    for preview in PREVIEWS["lock"]:
        shown = run_cli(*_args(command), preview, cwd=root)
        assert shown.exit_code == 1, (preview, shown.stderr)
        assert snapshot(root) == before, preview  # nothing written
    assert watch["acquired"] == [] and watch["planned_locked"]
    assert not any(watch["planned_locked"])  # previews read without the write lock
    watch["planned_locked"].clear()
    done = run_cli(*_args(command), cwd=root)
    assert done.exit_code in (0, 1), done.stderr
    assert snapshot(root) != before and leftovers(root) == []
    assert len(watch["acquired"]) == 1  # one hold: planning and writing
    assert watch["planned_locked"] and all(watch["planned_locked"])


# Exit right after the file an update removes is gone from the project (its backup is kept).
UNLINK_HOOK = """
_real_unlink = os.unlink
def _unlink(path, *a, **k):
    _real_unlink(path, *a, **k)
    if os.path.realpath(path) == {target!r}:
        os._exit(137)
os.unlink = _unlink
"""


def test_update_killed_after_a_removal_is_rolled_back_then_finished(command_update, make):
    root = make(command_update)
    before = snapshot(root)
    old_test = root / OLD_TEST
    assert old_test.is_file()
    hook = UNLINK_HOOK.format(target=str(old_test.resolve()))
    crashed = run_hooked(hook, ("update", "--yes"), root)
    assert crashed.returncode == 137, crashed.stderr
    assert not old_test.exists() and (root / journal.JOURNAL).exists()
    notes: list[str] = []
    restored = journal.recover(root, notes.append)
    assert OLD_TEST in restored and "rolled back an interrupted write" in notes[0]
    assert snapshot(root) == before and leftovers(root) == []
    done = run_cli("update", "--yes", cwd=root)
    assert done.exit_code == 0, done.stderr
    assert not old_test.exists() and (root / "tests/test_module.py").is_file()
    assert leftovers(root) == []


def test_write_all_removes_files_and_rolls_removals_back(tmp_path, monkeypatch):
    """A removal is journaled like a write: a failure after it puts the file back; on
    success the folders it left empty go too."""
    import errno
    import os

    from scaffold.errors import ManifestError
    from scaffold.transaction.write import write_all

    root = write_tree(tmp_path / "r", {"a.txt": "a\n", "gone/deep/b.txt": "b\n", "c.txt": "c\n"})
    before = snapshot(root)
    contents = {root / "a.txt": "A\n", root / "gone/deep/b.txt": None, root / "c.txt": "C\n"}
    real_replace, count = os.replace, [0]

    def replace(src, dst, *args, **kwargs):
        if str(src).endswith(".scaffold-tmp") and Path(dst).name != journal.JOURNAL:
            count[0] += 1
            if count[0] == 2:  # c.txt, after b.txt was removed
                raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ManifestError, match="nothing was changed"):
        write_all(contents, root=root)
    assert snapshot(root) == before and leftovers(root) == []
    monkeypatch.setattr(os, "replace", real_replace)
    write_all(contents, root=root)
    assert (root / "a.txt").read_text() == "A\n" and (root / "c.txt").read_text() == "C\n"
    assert not (root / "gone").exists() and leftovers(root) == []


@pytest.fixture
def command_update() -> Command:
    return COMMANDS["update"]
