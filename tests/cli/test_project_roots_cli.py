"""One root discovery for every command (issue 13 item 5): the files the check reads can be
fixed from the project root, the crate directory and a member directory; the boundary is the
git repository, or outside git the directory given widened to its Cargo workspace."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.conftest import git_commit_all, git_init, posix_only, run_cli
from tests.e2e.test_project_roots import existing_profiler_shape

FILES = {
    "pyproject.toml": """\
        [build-system]
        requires = ["maturin>=1.0,<2"]  # PW403 raises this floor
        build-backend = "maturin"

        [project]
        name = "srcpkg"
        version = "0.1.0"
        """,
    "rust/Cargo.toml": """\
        [package]
        name = "srcpkg"
        version = "0.1.0"
        edition = "2021"

        [lib]
        crate-type = ["cdylib"]

        [dependencies]
        pyo3 = "0.30"
        """,
    "rust/src/lib.rs": "use pyo3::prelude::*;\n#[pymodule]\nfn srcpkg(_m: &Bound<'_, PyModule>)"
    " -> PyResult<()> { Ok(()) }\n",
}


def src_layout(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.mark.parametrize("start", [".", "rust", "rust/src"])
def test_fix_from_every_starting_point(tmp_path, start):
    root = src_layout(tmp_path / "proj")
    git_init(root)
    result = run_cli("fix-features", cwd=root / start)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert '"maturin>=1.9.4,<2"' in (root / "pyproject.toml").read_text()
    assert "# PW403 raises this floor" in (root / "pyproject.toml").read_text()
    assert not (root / "rust" / ".scaffold-journal").exists()


def test_diff_paths_are_relative_to_the_current_directory(tmp_path):
    root = src_layout(tmp_path / "proj")
    git_init(root)
    diff = run_cli("fix-features", "--diff", cwd=root)
    assert "+++ b/pyproject.toml" in diff.stdout
    dry = run_cli("add-profiler", "--dry-run", cwd=root)
    assert "+++ b/rust/Cargo.toml" in dry.stdout
    assert "would create: rust/srcpkg-profiler/Cargo.toml" in dry.stderr
    # From `rust/`, the pyproject.toml above it is `../pyproject.toml` (it was `a//abs/path`).
    inside = run_cli("fix-features", "--diff", cwd=root / "rust")
    headers = [line for line in inside.stdout.splitlines() if line.startswith(("---", "+++"))]
    assert headers == ["--- a/../pyproject.toml", "+++ b/../pyproject.toml"], inside.stdout


def test_outside_git_the_boundary_is_the_directory_given(tmp_path):
    root = src_layout(tmp_path / "proj")
    refused = run_cli("fix-features", "--allow-no-vcs", cwd=root / "rust")
    assert refused.exit_code == 2
    line = refused.stderr.strip()
    assert "pyproject.toml: is outside" in line and "not inside a git repository" in line
    assert "symbolic link" not in line  # there is no link
    assert "maturin>=1.0,<2" in (root / "pyproject.toml").read_text()  # nothing written
    fixed = run_cli("fix-features", "--allow-no-vcs", cwd=root)  # from the project root
    assert fixed.exit_code == 0, fixed.stderr
    assert "maturin>=1.9.4" in (root / "pyproject.toml").read_text()


@posix_only("symlinks (a privilege on Windows)")
def test_a_real_link_out_of_the_repository_is_still_refused(tmp_path):
    root = src_layout(tmp_path / "proj")
    outside = tmp_path / "elsewhere.toml"
    outside.write_text((root / "pyproject.toml").read_text())
    (root / "pyproject.toml").unlink()
    os.symlink(outside, root / "pyproject.toml")
    git_init(root)
    refused = run_cli("fix-features", cwd=root / "rust")
    assert refused.exit_code == 2
    assert (
        "is a symbolic link to" in refused.stderr and "outside the git repository" in refused.stderr
    )


def test_doctor_from_a_python_first_root(tmp_path):
    root = src_layout(tmp_path / "proj")
    report = run_cli("doctor", root, "--output-format", "json")
    assert '"project"' not in report.stdout  # the project was found, not skipped
    # Paths from where the user stands (they were relative to rust/, or absolute).
    with (root / "pyproject.toml").open("a") as pyproject:
        pyproject.write('requires-python = ">=3.8"\n')
    git_init(root)
    assert run_cli("add-profiler", cwd=root).exit_code == 0
    report = run_cli("doctor", "--output-format", "json", cwd=root)
    checks = {c["check"]: c["message"] for c in json.loads(report.stdout)["checks"]}
    assert checks["requires-python"].endswith("'>=3.8' (pyproject.toml)"), checks
    assert checks["rpath:srcpkg-profiler"].startswith("rust/srcpkg-profiler/build.rs puts")


def test_add_profiler_hint_from_the_project_root(tmp_path):
    root = src_layout(tmp_path / "proj")
    git_init(root)
    added = run_cli("add-profiler", cwd=root)
    assert added.exit_code == 0, added.stderr
    assert "created: rust/srcpkg-profiler/Cargo.toml" in added.stderr
    assert "cargo run --manifest-path rust/Cargo.toml --release -p srcpkg-profiler" in added.stderr
    git_commit_all(root)
    again = run_cli("add-profiler", cwd=root / "rust")
    assert again.exit_code == 0 and "already profiles" in again.stderr
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True
    ).stdout
    assert status == ""


def test_add_profiler_name_of_an_existing_profiler_fixes_it(tmp_path):
    """Issue 15 item 2: `--name profiling` for a profiling member the tool never made is that
    member, checked and given its rpath (it answered "exists already; nothing to do"), from the
    member's own directory too (paths then relative to it)."""
    root = existing_profiler_shape(tmp_path)  # the e2e test's fixture, not built here
    dry = run_cli("add-profiler", "--name", "profiling", "--dry-run", cwd=root)
    assert dry.exit_code == 0, dry.stderr
    assert "`profiling` already profiles `withprof`" in dry.stderr
    assert "would create: profiling/build.rs" in dry.stderr
    assert "+++ b/profiling/Cargo.toml" in dry.stdout and "pyo3-build-config" in dry.stdout
    assert not (root / "profiling" / "build.rs").exists()  # --dry-run writes nothing
    done = run_cli("add-profiler", "--name", "profiling", cwd=root / "profiling")
    assert done.exit_code == 0, done.stderr
    assert "created: build.rs" in done.stderr and "changed: Cargo.toml" in done.stderr
    assert "add_libpython_rpath_link_args" in (root / "profiling" / "build.rs").read_text()
    assert sorted(p.parent.name for p in root.rglob("Cargo.toml")) == ["profiling", "withprof"]
