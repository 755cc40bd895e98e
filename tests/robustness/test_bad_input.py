"""The bad-input matrix (tests/README.md): every case exits 2 with one line on stderr naming the
file (or the name) and what to do, no traceback, and nothing written anywhere below tmp_path."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.conftest import git_init, posix_only, run_cli, snapshot
from tests.robustness.helpers import ROOT_MANIFEST, make_workspace

COMMANDS = {
    "fix-features": ("fix-features", "--unsafe-fixes"),
    "add-profiler": ("add-profiler",),
    "add": ("add", "core", "ext-core"),
}


def expect_refusal(tmp_path: Path, args: tuple[str, ...], cwd: Path, *needles: str) -> str:
    """Run the CLI, check the refusal contract, return the message."""
    before = snapshot(tmp_path)
    result = run_cli(*args, cwd=cwd)
    after = snapshot(tmp_path)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("error: "), line
    assert "; " in line, f"no hint saying what to do: {line}"  # message; hint
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    assert result.stdout == ""
    assert after == before, "something was written"
    return line


@pytest.fixture(params=list(COMMANDS))
def command(request) -> tuple[str, ...]:
    return COMMANDS[request.param]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "repo")


def commit(repo: Path) -> Path:
    git_init(repo)
    return repo


def test_invalid_toml(command, tmp_path, repo):
    (repo / "crates/ext/Cargo.toml").write_text("[package\nname = 'ext'\n")
    line = expect_refusal(
        tmp_path, command, commit(repo), "crates/ext/Cargo.toml:1:", "invalid TOML"
    )
    assert "fix the file" in line


def test_non_utf8(command, tmp_path, repo):
    (repo / "crates/ext/Cargo.toml").write_bytes(b'[package]\nname = "\xff\xfe"\n')
    expect_refusal(
        tmp_path,
        command,
        commit(repo),
        "crates/ext/Cargo.toml:2:",
        "not valid UTF-8",
        "save it as UTF-8",
    )


def test_corrupt_lock_file(command, tmp_path, repo):
    (repo / "Cargo.lock").write_text("version = 3\n[[package]\nname = 'pyo3'\n")
    expect_refusal(
        tmp_path, command, commit(repo), "Cargo.lock:2:", "invalid TOML", "cargo generate-lockfile"
    )


def test_doctor_broken_cargo_config(tmp_path, repo):
    (repo / ".cargo").mkdir()
    (repo / ".cargo/config.toml").write_text("[env\nPYO3_PYTHON = 'x'\n")
    expect_refusal(tmp_path, ("doctor",), commit(repo), ".cargo/config.toml:1:", "invalid TOML")


def test_empty_root_manifest(command, tmp_path, repo):
    (repo / "Cargo.toml").write_text("")
    expect_refusal(
        tmp_path,
        command,
        commit(repo),
        str(repo / "Cargo.toml"),
        "neither [package] nor [workspace]",
    )


def test_empty_member_manifest(command, tmp_path, repo):
    (repo / "crates/ext/Cargo.toml").write_text("")
    expect_refusal(tmp_path, command, commit(repo), "crates/ext/Cargo.toml", "no [package]")


def test_manifest_is_a_directory(command, tmp_path, repo):
    (repo / "crates/ext/Cargo.toml").unlink()
    (repo / "crates/ext/Cargo.toml").mkdir()
    (repo / "crates/ext/Cargo.toml/keep").write_text("")
    expect_refusal(tmp_path, command, commit(repo), "crates/ext/Cargo.toml", "is a directory")


def test_root_manifest_is_a_directory(command, tmp_path):
    repo = tmp_path / "repo"
    (repo / "Cargo.toml").mkdir(parents=True)
    (repo / "Cargo.toml/keep").write_text("")
    expect_refusal(tmp_path, command, commit(repo), "Cargo.toml", "is a directory")


def test_member_glob_matches_nothing(command, tmp_path, repo):
    (repo / "Cargo.toml").write_text(ROOT_MANIFEST.replace('"crates/*"', '"crates/*", "libs/*"'))
    expect_refusal(
        tmp_path, command, commit(repo), str(repo / "Cargo.toml"), "'libs/*'", "matches no crate"
    )


def test_member_path_does_not_exist(command, tmp_path, repo):
    (repo / "Cargo.toml").write_text(ROOT_MANIFEST.replace('"crates/*"', '"crates/*", "gone"'))
    expect_refusal(
        tmp_path, command, commit(repo), str(repo / "Cargo.toml"), "'gone'", "has no Cargo.toml"
    )


@posix_only("symlinks (a privilege on Windows)")
def test_symlinked_manifest_outside_the_repository(command, tmp_path, repo):
    outside = tmp_path / "elsewhere" / "Cargo.toml"
    outside.parent.mkdir()
    manifest = repo / "crates/ext/Cargo.toml"
    outside.write_bytes(manifest.read_bytes())
    manifest.unlink()
    manifest.symlink_to(outside)
    line = expect_refusal(
        tmp_path,
        command,
        commit(repo),
        "crates/ext/Cargo.toml",
        "outside the git repository",
        "refusing to write through it",
    )
    assert str(outside) in line


@posix_only("symlinks (a privilege on Windows)")
def test_symlinked_root_manifest_outside_the_repository(command, tmp_path, repo):
    outside = tmp_path / "elsewhere" / "Cargo.toml"
    outside.parent.mkdir()
    # default-members builds ext with its dependent: PW205 (and add-profiler) edit the root.
    outside.write_text(
        ROOT_MANIFEST.replace(
            "resolver", 'default-members = ["crates/cli", "crates/ext"]\nresolver'
        )
    )
    (repo / "Cargo.toml").unlink()
    (repo / "Cargo.toml").symlink_to(outside)
    expect_refusal(tmp_path, command, commit(repo), "Cargo.toml", "outside the git repository")


@posix_only("file modes (chmod)")
def test_read_only_manifest(command, tmp_path, repo):
    manifest = repo / "crates/ext/Cargo.toml"
    commit(repo)
    manifest.chmod(0o444)
    try:
        expect_refusal(
            tmp_path, command, repo, "crates/ext/Cargo.toml", "is read-only", "chmod u+w"
        )
    finally:
        manifest.chmod(0o644)
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o644


def test_ten_megabyte_manifest(command, tmp_path, repo):
    manifest = repo / "crates/ext/Cargo.toml"
    padding = "# padding padding padding padding padding padding padding padding padding\n"
    manifest.write_text(manifest.read_text() + padding * (10 * 1024 * 1024 // len(padding) + 1))
    assert manifest.stat().st_size > 10 * 1024 * 1024
    expect_refusal(tmp_path, command, commit(repo), "crates/ext/Cargo.toml", "MiB")


def test_nested_workspace(command, tmp_path, repo):
    # crates/ext is a member of the root and a workspace itself, whose members reach back up.
    manifest = repo / "crates/ext/Cargo.toml"
    manifest.write_text(manifest.read_text() + '\n[workspace]\nmembers = ["../cli"]\n')
    expect_refusal(
        tmp_path, command, commit(repo), "crates/ext/Cargo.toml", "itself a workspace root"
    )


def test_members_include_each_other(command, tmp_path, repo):
    # The root lists itself and its parent directory as members.
    (repo / "Cargo.toml").write_text(ROOT_MANIFEST.replace('"crates/*"', '"crates/*", "."'))
    expect_refusal(tmp_path, command, commit(repo), "Cargo.toml")


def test_package_neither_member_nor_excluded(command, tmp_path, repo):
    # tools/stray is below the workspace root, not covered by `crates/*`, not excluded: cargo
    # refuses it ("believes it's in a workspace when it's not"), and so does every command.
    stray = repo / "tools" / "stray"
    (stray / "src").mkdir(parents=True)
    (stray / "Cargo.toml").write_text('[package]\nname = "stray"\nversion = "0.1.0"\n')
    (stray / "src" / "lib.rs").write_text("")
    commit(repo)
    expect_refusal(
        tmp_path, command, stray, "tools/stray/Cargo.toml", "`workspace.members`", "exclude"
    )


def test_path_does_not_exist(command, tmp_path, repo):
    commit(repo)
    expect_refusal(
        tmp_path, (*command, str(repo / "nowhere")), repo, "nowhere", "no such file or directory"
    )


def test_path_is_not_a_cargo_project(command, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    expect_refusal(tmp_path, command, empty, str(empty), "no Cargo.toml")


# --- names ------------------------------------------------------------------------------------

BAD_NAMES = {
    "dotdot": "..",
    "parent": "../evil",
    "slash": "a/b",
    "absolute": "/tmp/evil",
    "nul": "ab\0c",
    "non-ascii": "crème",
    "empty": "",
}


@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_add_profiler_bad_name(name, tmp_path, repo):
    expect_refusal(
        tmp_path,
        ("add-profiler", "--name", BAD_NAMES[name]),
        commit(repo),
        repr(BAD_NAMES[name]) if BAD_NAMES[name] else "empty",
    )


@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_new_bad_name(name, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    expect_refusal(
        tmp_path,
        ("new", BAD_NAMES[name], "--yes", "--no-git"),
        work,
        repr(BAD_NAMES[name]) if BAD_NAMES[name] else "empty",
    )
    assert not any(work.iterdir())


@pytest.mark.parametrize(
    "name, reason",
    [("json", "standard library"), ("typing", "standard library"), ("class", "Python keyword")],
)
def test_new_refuses_unimportable_module_names(name, reason, tmp_path):
    """The generated package could not be imported under a keyword or a stdlib module's name."""
    work = tmp_path / "work"
    work.mkdir()
    expect_refusal(tmp_path, ("new", name, "--yes", "--no-git"), work, repr(name), reason)
    assert not any(work.iterdir())


def test_new_dest_is_a_file(tmp_path):
    (tmp_path / "taken").write_text("mine\n")
    expect_refusal(
        tmp_path,
        ("new", "good-name", str(tmp_path / "taken"), "--yes", "--no-git"),
        tmp_path,
        "taken",
        "not a directory",
    )


def test_new_dest_not_empty(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken/file").write_text("mine\n")
    expect_refusal(
        tmp_path,
        ("new", "good-name", str(tmp_path / "taken"), "--yes", "--no-git"),
        tmp_path,
        "taken",
        "not empty",
    )


def test_lock_held_by_another_command(tmp_path, repo, monkeypatch):
    from filelock import FileLock

    from scaffold.transaction import lock

    commit(repo)
    monkeypatch.setattr(lock, "LOCK_TIMEOUT", 0.3)
    other = FileLock(lock.lock_path(repo))  # another process's lock: filelock is per object
    with other:
        before = snapshot(tmp_path)
        result = run_cli("fix-features", cwd=repo)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            f"error: {repo}: another scaffold command is writing to this workspace; "
            "wait for it to finish and run again"
        )
        assert snapshot(tmp_path) == before


@pytest.mark.parametrize("flag", ["--dest", "--path"])  # --path: the old spelling, hidden
@pytest.mark.parametrize("where", ["../outside", "/elsewhere/abs"])
def test_add_profiler_dest_outside_the_workspace(where, flag, tmp_path, repo):
    location = where if where.startswith("..") else str(tmp_path / where.lstrip("/"))
    needle = "--dest must be inside the workspace"
    expect_refusal(tmp_path, ("add-profiler", flag, location), commit(repo), needle)


# --- scaffold add -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("add", "core", "ext"), ("'ext'", "exists already")),  # the extension's own name
        (("add", "cli", "cli-tool", "--dest", "crates/ext"), ("crates/ext", "already exists")),
        (("add", "core", "match"), ("'match'", "Rust keyword")),
        (("add", "core", "std"), ("'std'", "reserved name")),
        (("add", "extension", "json"), ("'json'", "standard library")),
        (("add", "extension", "class"), ("'class'", "Python keyword")),
        (("add", "plugin", "thing"), ("'plugin'", "core, cli, bench, extension")),
        (("add", "bench", "ext-bench"), ("no pure-Rust core crate", "scaffold add core")),
        (("add", "core", "a/b"), ("'a/b'", "is a path")),
    ],
    ids=[
        "existing-name",
        "existing-folder",
        "keyword",
        "std-crate",
        "stdlib-module",
        "python-keyword",
        "unknown-kind",
        "bench-without-core",
        "path-name",
    ],
)
def test_add_bad_input(args, needles, tmp_path, repo):
    expect_refusal(tmp_path, args, commit(repo), *needles)


def test_add_dirty_tree(tmp_path, repo):
    commit(repo)
    with (repo / "Cargo.toml").open("a") as manifest:
        manifest.write("# an edit not yet committed\n")
    expect_refusal(tmp_path, ("add", "core", "ext-core"), repo, "Cargo.toml", "uncommitted")


def test_add_path_outside_the_workspace(tmp_path, repo):
    expect_refusal(
        tmp_path,
        ("add", "core", "ext-core", "--dest", "../outside"),
        commit(repo),
        "must be inside the workspace",
    )
