"""add-profiler's refusals: exit 2, one line naming the file and what to do, nothing written."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import git_init, run_cli
from tests.e2e import shapes


def hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts}


def refused(repo: Path, *args: str) -> str:
    before = hashes(repo)
    result = run_cli("add-profiler", repo, *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert hashes(repo) == before
    return lines[0]


def test_path_without_cargo_toml(tmp_path):
    assert "no Cargo.toml" in refused(tmp_path)


def test_crate_without_pyo3(tmp_path):
    shapes.write(tmp_path, {"Cargo.toml": '[package]\nname = "plain"\nversion = "0.1.0"\n',
                            "src/lib.rs": ""})
    message = refused(tmp_path)
    assert "Cargo.toml" in message and "pyo3" in message


def test_unknown_crate(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    git_init(repo)
    message = refused(repo, "--crate", "nope")
    assert "withcli" in message and "--crate" in message


def test_crate_that_has_no_pyo3(tmp_path):
    repo, _ = shapes.virtual_bindings(tmp_path)
    git_init(repo)
    assert "has no pyo3 dependency" in refused(repo, "--crate", "vcore")


def test_existing_target_directory(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    (repo / "crates" / "withcli-profiler").mkdir()
    git_init(repo)
    assert "already exists" in refused(repo)


def test_bad_profiler_name(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    git_init(repo)
    refused(repo, "--name", "../escape")


def test_dry_run_writes_nothing(tmp_path):
    repo, _ = shapes.hyperjson_shape(tmp_path)
    git_init(repo)
    before = hashes(repo)
    result = run_cli("add-profiler", repo, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "+++ b/Cargo.toml" in result.stdout
    assert "would create: hyperjson-profiler/Cargo.toml" in result.stderr
    assert hashes(repo) == before


def test_dirty_tree_refused(tmp_path):
    repo, _ = shapes.hyperjson_shape(tmp_path)
    git_init(repo)
    (repo / "Cargo.toml").write_text((repo / "Cargo.toml").read_text() + "# local edit\n")
    message = refused(repo)
    assert "Cargo.toml" in message and "--allow-dirty" in message
