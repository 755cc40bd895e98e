"""The remembered clean verdict of `fix-features --check` (scaffold/lint/verdicts.py): a
second identical check is answered from the user cache dir, and changing any kind of input
the check reads brings the finding back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scaffold.lint import verdicts
from tests import importtime
from tests.conftest import REPO, run_cli, snapshot

CASES = REPO / "tests" / "rules" / "cases"


@pytest.fixture
def replays(monkeypatch, tmp_path):
    """The cache lives in a private directory; the list records each lookup's answer."""
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "user-cache"))
    answers: list[bool] = []
    real = verdicts.replay

    def spy(cache_key: str) -> tuple[str, str] | None:
        remembered = real(cache_key)
        answers.append(remembered is not None)
        return remembered

    monkeypatch.setattr(verdicts, "replay", spy)
    return answers


def _copy(case: str, dest: Path) -> Path:
    shutil.copytree(CASES / case / "in", dest)
    return dest


def _clean_twice(project: Path, replays: list[bool], *args: str) -> str:
    first = run_cli("fix-features", "--check", *args, cwd=project)
    assert first.exit_code == 0, first.stdout + first.stderr
    second = run_cli("fix-features", "--check", *args, cwd=project)
    assert replays[-2:] == [False, True]  # recorded, then answered from the cache
    assert (second.exit_code, second.stdout, second.stderr) == (0, first.stdout, first.stderr)
    return first.stdout + first.stderr


def _found(project: Path, replays: list[bool], code: str, *args: str) -> None:
    result = run_cli("fix-features", "--check", *args, cwd=project)
    assert replays[-1] is False
    assert code in result.stdout, result.stdout + result.stderr


def test_hit_writes_nothing_into_the_project_and_no_cache_bypasses(tmp_path, replays):
    project = _copy("PW203/clean", tmp_path / "p")
    before = snapshot(project)
    _clean_twice(project, replays)
    assert snapshot(project) == before
    assert list((tmp_path / "user-cache" / "verdicts").iterdir())
    count = len(replays)
    bypass = run_cli("fix-features", "--check", "--no-cache", cwd=project)
    assert bypass.exit_code == 0 and len(replays) == count  # not even looked up


def test_member_manifest(tmp_path, replays):
    project = _copy("PW203/clean", tmp_path / "p")
    _clean_twice(project, replays)
    manifest = project / "crates" / "mylib-profiler" / "Cargo.toml"
    manifest.write_text(manifest.read_text().replace(", default-features = false", ""))
    _found(project, replays, "PW203")


def test_manifest_edit_of_the_same_size_within_one_mtime_tick(tmp_path, replays):
    project = _copy("PW101/clean", tmp_path / "p")
    _clean_twice(project, replays)
    manifest = project / "Cargo.toml"
    stat = manifest.stat()
    text = manifest.read_text()
    assert 'crate-type = ["cdylib"]' in text
    manifest.write_text(text.replace('crate-type = ["cdylib"]', 'crate-type = ["rlib"]  '))
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert manifest.stat().st_size == stat.st_size
    _found(project, replays, "PW101")


@pytest.mark.skipif(os.name == "nt", reason="ctime is the creation time on Windows")
def test_an_old_file_is_trusted_by_its_stamp_and_any_write_is_seen(tmp_path, replays, monkeypatch):
    """Files older than the racy window are compared by size, mtime, ctime and inode, not
    read again; a same-size edit with the mtime put back still changes the ctime."""
    monkeypatch.setattr(verdicts, "_RACY_NS", -(10**15))  # every file counts as old
    project = _copy("PW101/clean", tmp_path / "p")
    _clean_twice(project, replays)
    read: list[str] = []
    real = verdicts._file
    monkeypatch.setattr(verdicts, "_file", lambda path: read.append(path) or real(path))
    assert run_cli("fix-features", "--check", cwd=project).exit_code == 0
    assert replays[-1] is True and read == []  # answered from the stamps alone
    manifest = project / "Cargo.toml"
    stat = manifest.stat()
    text = manifest.read_text()
    manifest.write_text(text.replace('crate-type = ["cdylib"]', 'crate-type = ["rlib"]  '))
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert manifest.stat().st_size == stat.st_size
    _found(project, replays, "PW101")
    assert str(manifest) in read  # the stamp differed: the contents were compared


def test_pyproject(tmp_path, replays):
    project = _copy("PW401/clean", tmp_path / "p")
    _clean_twice(project, replays)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('module-name = "mylib"', 'module-name = "other"')
    )
    _found(project, replays, "PW401")


def test_rust_source(tmp_path, replays):
    project = _copy("PW401/clean", tmp_path / "p")
    _clean_twice(project, replays)
    source = project / "src" / "lib.rs"
    source.write_text(source.read_text().replace("fn mylib(", "fn _native("))
    _found(project, replays, "PW401")


def test_build_script(tmp_path, replays):
    project = _copy("PW203/clean", tmp_path / "p")
    _clean_twice(project, replays)
    shutil.copy(
        CASES
        / "PW103"
        / "build-script-without-rpath"
        / "in"
        / "crates"
        / "mylib-profiler"
        / "build.rs",
        project / "crates" / "mylib-profiler" / "build.rs",
    )
    _found(project, replays, "PW103")


def test_setup_py(tmp_path, replays):
    project = _copy("PW202/clean-setup-py-features", tmp_path / "p")
    _clean_twice(project, replays)
    setup = project / "setup.py"
    setup.write_text(setup.read_text().replace(', features=["pyo3/extension-module"]', ""))
    result = run_cli("fix-features", "--check", cwd=project)
    assert replays[-1] is False and "PW202" in result.stdout + result.stderr, result


def test_cargo_lock(tmp_path, replays):
    """An info finding changes the output, not the exit status: it must not be replayed."""
    project = _copy("PW401/clean", tmp_path / "p")
    assert "PW206" not in _clean_twice(project, replays)
    (project / "Cargo.lock").write_text(
        'version = 3\n\n[[package]]\nname = "mylib"\nversion = "0.1.0"\n\n'
        '[[package]]\nname = "pyo3"\nversion = "0.26.0"\n'
    )
    result = run_cli("fix-features", "--check", cwd=project)
    assert replays[-1] is False
    assert "PW206" in result.stdout, result.stdout + result.stderr


def test_new_member_matched_by_a_glob(tmp_path, replays):
    project = _copy("PW203/clean", tmp_path / "p")
    root = project / "Cargo.toml"
    root.write_text(
        root.read_text().replace(
            'members = ["crates/mylib", "crates/mylib-profiler"]', 'members = ["crates/*"]'
        )
    )
    _clean_twice(project, replays)
    extra = project / "crates" / "extra"
    (extra / "src").mkdir(parents=True)
    (extra / "src" / "lib.rs").write_text("")
    (extra / "Cargo.toml").write_text(
        '[package]\nname = "extra"\nversion = "0.1.0"\n'
        'edition = "2021"\n\n[dependencies]\n'
        'mylib = { path = "../mylib" }\n'
    )
    _found(project, replays, "PW203")


def test_parent_manifest_appearing(tmp_path, replays):
    """Checked from a member directory, discovery walks up; a workspace root that appears
    above is found."""
    project = _copy("PW203/clean", tmp_path / "p")
    root = project / "Cargo.toml"
    saved = root.read_text()
    root.unlink()
    member = project / "crates" / "mylib-profiler"
    manifest = member / "Cargo.toml"
    manifest.write_text(manifest.read_text().replace(", default-features = false", ""))
    _clean_twice(member, replays)  # a lone crate: nothing depends through a workspace
    root.write_text(saved)
    _found(member, replays, "PW203")


def test_hit_imports_neither_argparse_nor_the_toml_parser(tmp_path):
    project = _copy("PW203/clean", tmp_path / "p")
    env = importtime.environment(SCAFFOLD_CACHE_DIR=str(tmp_path / "user-cache"))
    runs, modules = zip(
        *(importtime.run("fix-features", "--check", cwd=project, env=env) for _ in range(2)),
        strict=True,
    )
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr[-2000:]
    assert "tomli" in modules[0] and "scaffold.lint.verdicts" in modules[1]
    assert not modules[1] & {"argparse", "tomli", "tomllib", "pathlib", "scaffold.rules"}, modules[
        1
    ]
    assert runs[1].stderr.endswith("All checks passed.\n")


def test_an_error_stops_recording_and_stores_nothing(tmp_path, replays, monkeypatch):
    project = _copy("PW203/path-dependency", tmp_path / "p")
    seen: list[tuple[int, int]] = []
    real_stop, real_exit = verdicts.Recorder.stop, verdicts.Recorder.__exit__

    def stop(self):
        seen.append((len(self.opened), len(self.probed)))
        real_stop(self)

    def exit_(self, *exc):
        seen.append((len(self.opened), len(self.probed)))
        return real_exit(self, *exc)

    monkeypatch.setattr(verdicts.Recorder, "stop", stop)
    monkeypatch.setattr(verdicts.Recorder, "__exit__", exit_)
    found = run_cli("fix-features", "--check", cwd=project)
    assert found.exit_code == 1 and "PW203" in found.stdout
    assert len(seen) == 2 and seen[0] == seen[1]  # stopped at the error, nothing after
    assert not (tmp_path / "user-cache" / "verdicts").exists()
    uncached = run_cli("fix-features", "--check", "--no-cache", cwd=project)
    assert (uncached.exit_code, uncached.stdout, uncached.stderr) == (
        found.exit_code,
        found.stdout,
        found.stderr,
    )
