"""add-profiler's refusals: exit 2, one line naming the file and what to do, nothing written."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git_init, run_cli, snapshot, write_tree
from tests.e2e import shapes


def refused(repo: Path, *args: str) -> str:
    """Run add-profiler on `repo`; check the refusal contract; return the message."""
    before = snapshot(repo)
    result = run_cli("add-profiler", repo, *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert snapshot(repo) == before
    return lines[0].removeprefix("error: ")


def test_path_without_cargo_toml(tmp_path):
    assert refused(tmp_path) == (
        f"{tmp_path}: no Cargo.toml here or in any parent directory, and no pyproject.toml or "
        "setup.py here that builds a Rust crate; run inside a Cargo or PyO3 project or pass its "
        "path"
    )


def test_crate_without_pyo3(tmp_path):
    write_tree(
        tmp_path, {"Cargo.toml": '[package]\nname = "plain"\nversion = "0.1.0"\n', "src/lib.rs": ""}
    )
    assert refused(tmp_path) == (
        f"{tmp_path / 'Cargo.toml'}: no crate in this workspace depends "
        "on pyo3; run add-profiler in a PyO3 project"
    )


def test_unknown_crate(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    git_init(repo)
    assert refused(repo, "--crate", "nope") == (
        f"{repo / 'Cargo.toml'}: no workspace crate named 'nope'; pass --crate with one of: withcli"
    )


def test_crate_that_has_no_pyo3(tmp_path):
    repo, _ = shapes.virtual_bindings(tmp_path)
    git_init(repo)
    assert refused(repo, "--crate", "vcore") == (
        f"{repo / 'core' / 'Cargo.toml'}: crate 'vcore' has no pyo3 dependency; pass --crate "
        "with one of: vcore-py"
    )


def test_existing_target_directory(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    (repo / "crates" / "withcli-profiler").mkdir()
    git_init(repo)
    assert refused(repo) == (
        f"{repo / 'crates' / 'withcli-profiler'}: already exists; choose another --name or --dest"
    )


def test_bad_profiler_name(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    git_init(repo)
    assert refused(repo, "--name", "../escape") == (
        "'../escape' is a path, not a name; pass a plain name; DEST sets the folder"
    )


def test_dry_run_writes_nothing(tmp_path):
    repo, _ = shapes.hyperjson_shape(tmp_path)
    git_init(repo)
    before = snapshot(repo)
    result = run_cli("add-profiler", repo, "--dry-run")
    assert result.exit_code == 1, result.stderr  # something would change
    assert result.stdout == "" and "would change: Cargo.toml" in result.stderr
    for created in (".copier-answers.yml", "Cargo.toml", "build.rs", "src/main.rs"):
        assert f"would create: hyperjson-profiler/{created}" in result.stderr
    diff = run_cli("add-profiler", repo, "--diff")
    assert diff.exit_code == 1, diff.stderr
    assert "+++ b/Cargo.toml" in diff.stdout
    assert '+members = ["hyperjson-profiler", "profiling"]' in diff.stdout
    assert "--- /dev/null\n+++ b/hyperjson-profiler/build.rs" in diff.stdout
    assert snapshot(repo) == before


def test_dirty_tree_refused(tmp_path):
    repo, _ = shapes.hyperjson_shape(tmp_path)
    git_init(repo)
    (repo / "Cargo.toml").write_text((repo / "Cargo.toml").read_text() + "# local edit\n")
    assert refused(repo) == (
        "uncommitted changes in files this command would touch: "
        "Cargo.toml; commit or stash them, or pass --allow-dirty"
    )


def test_dest_places_the_crate_and_the_old_path_spelling_still_does(tmp_path):
    """`--dest DIR` is where the crate goes (PATH is the repository); `--path`, the spelling
    easily confused with PATH, is still accepted and no longer listed in --help."""
    import contextlib
    import io

    from scaffold.cli import main

    for flag in ("--dest", "--path"):
        repo, _ = shapes.hyperjson_shape(tmp_path / flag.strip("-"))
        git_init(repo)
        result = run_cli("add-profiler", "--dry-run", flag, "tools/prof", cwd=repo)
        assert result.exit_code == 1, result.stderr  # a preview that would change something
        assert "would create: tools/prof/Cargo.toml" in result.stderr
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(["add-profiler", "--help"])
    assert "--dest DIR" in out.getvalue() and "--path" not in out.getvalue()
