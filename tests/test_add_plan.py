"""`scaffold add`'s plan on small fixtures (no build), and the lock file sync with the real cargo
(`scaffold.workspace.lockfile`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from scaffold import api
from scaffold.errors import UserError
from scaffold.toml.textfile import TextFile
from scaffold.workspace.lockfile import synced_lock
from tests.conftest import git_commit_all, git_init, run, run_cli, snapshot, write_tree
from tests.e2e import shapes


def planned(added: api.CrateAdded, relative: str) -> str:
    text = added.changeset.after[added.root / relative]
    assert text is not None
    return text


def test_extension_on_setuptools_rust_copies_the_backend(tmp_path):
    repo, _ = shapes.setuptools_rust(tmp_path)
    git_init(repo)
    added = api.add(kind="extension", name="srust-fast", path=repo, dry_run=True)
    pyproject = tomllib.loads(planned(added, "srust-fast/pyproject.toml"))
    assert pyproject["build-system"]["requires"] == ["setuptools>=61", "setuptools-rust>=1.12"]
    (module,) = pyproject["tool"]["setuptools-rust"]["ext-modules"]
    assert module == {"target": "srust_fast", "path": "Cargo.toml", "binding": "PyO3"}
    manifest = tomllib.loads(planned(added, "srust-fast/Cargo.toml"))
    assert manifest["lib"]["crate-type"] == ["rlib", "cdylib"]
    assert manifest["dependencies"]["pyo3"] == {"version": "0.30"}
    root = tomllib.loads(planned(added, "Cargo.toml"))
    assert root["workspace"]["members"] == ["srust-fast"]


def test_cli_without_core_uses_the_extension_without_default_features(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    git_init(repo)
    notes: list[str] = []
    added = api.add(kind="cli", name="tool", path=repo, dry_run=True, on_note=notes.append)
    manifest = tomllib.loads(planned(added, "crates/tool/Cargo.toml"))
    assert manifest["dependencies"]["withcli"] == {
        "path": "../withcli",
        "default-features": False,
    }
    assert any("default-features = false" in n and "core crate" in n for n in notes), notes


def test_workspace_lints_are_inherited(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    manifest = repo / "Cargo.toml"
    manifest.write_text(manifest.read_text() + '\n[workspace.lints.rust]\nunsafe_code = "forbid"\n')
    git_init(repo)
    added = api.add(kind="core", name="withcli-core", path=repo, dry_run=True)
    core = tomllib.loads(planned(added, "crates/withcli-core/Cargo.toml"))
    assert core["lints"] == {"workspace": True}
    assert core["package"]["version"] == "0.1.0"  # no [workspace.package] to inherit from
    ext = tomllib.loads(planned(added, "crates/withcli/Cargo.toml"))
    assert ext["dependencies"]["withcli-core"] == {"path": "../withcli-core"}


def test_help_lists_the_kinds_one_line_each(capsys):
    from scaffold.cli import main

    with pytest.raises(SystemExit):
        main(["add", "--help"])
    lines = capsys.readouterr().out.splitlines()
    for kind in ("core", "cli", "bench", "extension"):
        assert sum(line.startswith(f"  {kind} ") for line in lines) == 1, lines


# --- lock file ---------------------------------------------------------------------------------

MEMBER = """\
[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
"""


@pytest.fixture
def locked_workspace(tmp_path) -> Path:
    root = write_tree(
        tmp_path / "ws",
        {
            "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["a"]\n',
            "a/Cargo.toml": MEMBER.format(name="a"),
            "a/src/lib.rs": "",
        },
    )
    run(["cargo", "generate-lockfile", "--offline"], cwd=root)
    return root


def test_no_lock_file_no_lock(tmp_path):
    root = write_tree(tmp_path, {"Cargo.toml": MEMBER.format(name="a"), "src/lib.rs": ""})
    assert synced_lock(root, root, {}) == {}


@pytest.mark.needs_rust
def test_lock_gains_the_planned_member_and_disk_is_untouched(locked_workspace):
    root = locked_workspace
    before = snapshot(root)
    plan = {
        root / "Cargo.toml": TextFile(root / "Cargo.toml", '[workspace]\nmembers = ["a", "b"]\n'),
        root / "b/Cargo.toml": TextFile(root / "b/Cargo.toml", MEMBER.format(name="b")),
        root / "b/src/lib.rs": TextFile(root / "b/src/lib.rs", ""),
    }
    (lock,) = synced_lock(root, root, plan).values()
    assert 'name = "b"' in lock.text and 'name = "a"' in lock.text
    assert snapshot(root) == before
    assert synced_lock(root, root, {}) == {}  # already in step: nothing to write


@pytest.mark.needs_rust
def test_unresolvable_dependency_refuses_with_the_command(locked_workspace):
    root = locked_workspace
    manifest = root / "a/Cargo.toml"
    text = MEMBER.format(name="a") + '\n[dependencies]\nno-such-crate-scaffold-zz = "1"\n'
    with pytest.raises(UserError) as refused:
        synced_lock(root, root, {manifest: TextFile(manifest, text)})
    assert "cargo update --workspace" in str(refused.value)
    assert "nothing was written" in str(refused.value)


@pytest.mark.needs_rust
def test_fix_that_adds_a_build_dependency_keeps_the_lock_in_step(tmp_path):
    """PW103's fix adds `pyo3-build-config` to `[build-dependencies]`: Cargo.lock follows."""
    case = Path(__file__).parent / "rules/cases/PW103/no-build-script/in"
    repo = tmp_path / "repo"
    shutil.copytree(case, repo)
    for manifest in repo.rglob("Cargo.toml"):
        manifest.write_text(manifest.read_text().replace('"0.21"', '"0.30"'))
    run(["cargo", "generate-lockfile", "--offline"], cwd=repo)
    git_init(repo)
    result = run_cli("fix-features", "--unsafe-fixes", repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert 'name = "pyo3-build-config"' in (repo / "Cargo.lock").read_text()
    run(["cargo", "metadata", "--locked", "--format-version", "1"], cwd=repo)


def test_feature_edits_need_no_lock_update(tmp_path):
    from scaffold.workspace.lockfile import adds_dependencies

    path = tmp_path / "Cargo.toml"
    old = TextFile(path, '[dependencies]\npyo3 = { version = "0.30", features = ["x"] }\n')
    new = TextFile(path, '[dependencies]\npyo3 = { version = "0.30" }\n')
    assert not adds_dependencies({path: old}, {path: new})
    added = TextFile(path, new.text + "\n[target.'cfg(unix)'.build-dependencies]\nb = \"1\"\n")
    assert adds_dependencies({path: old}, {path: added})
    assert adds_dependencies({path: None}, {path: new})  # a new manifest


# --- a second extension: CI wheels and profiler --------------------------------------------------


def new_project(where: Path, name: str, *flags: str) -> Path:
    result = run_cli("new", name, "--yes", *flags, cwd=where)
    assert result.exit_code == 0, result.stderr
    return where / name


def workflow_findings(path: Path) -> set[str]:
    """check-jsonschema (GitHub's workflow schema) must pass; zizmor's finding kinds (offline)."""
    bin_dir = Path(sys.executable).parent
    schema = subprocess.run(
        [bin_dir / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", path],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run(
        [bin_dir / "zizmor", "--offline", "--format", "json", path], capture_output=True, text=True
    )
    return {f["ident"] for f in json.loads(audit.stdout)}


def test_second_extension_gets_wheel_jobs_and_a_profiler_in_the_generated_ci(tmp_path):
    """maturin: every wheel job and the sdist run once per package (`-m` its manifest, artifacts
    named after it, pytest in its folder); the Rust job runs the new profiler too; the result is
    a valid workflow with no zizmor finding beyond the generated one's; a third extension only
    adds matrix entries."""
    project = new_project(tmp_path, "mat")
    notes: list[str] = []
    added = api.add(
        kind="extension", name="mat-ext", path=project, dry_run=True, on_note=notes.append
    )
    assert not [n for n in notes if "CI" in n or "profiler" in n], notes
    assert project / "crates/mat-ext-profiler/src/main.rs" in added.created
    profiler = tomllib.loads(planned(added, "crates/mat-ext-profiler/Cargo.toml"))
    assert profiler["dependencies"]["mat-ext"]["path"] == "../mat-ext"
    members = tomllib.loads(planned(added, "Cargo.toml"))["workspace"]["members"]
    assert {"crates/mat-ext", "crates/mat-ext-profiler"} <= set(members)

    text = planned(added, ".github/workflows/CI.yml")
    flow = yaml.safe_load(text)
    jobs = flow["jobs"]
    packages = [
        {"name": "mat", "dir": ".", "manifest": "crates/mat/Cargo.toml"},
        {"name": "mat-ext", "dir": "crates/mat-ext", "manifest": "crates/mat-ext/Cargo.toml"},
    ]
    for job in ("linux", "musllinux", "windows", "macos", "sdist"):
        assert jobs[job]["strategy"]["matrix"]["package"] == packages, job
        builds = [s for s in jobs[job]["steps"] if "maturin-action" in s.get("uses", "")]
        assert builds and all(
            "-m ${{ matrix.package.manifest }}" in s["with"]["args"] for s in builds
        )
        (upload,) = [s for s in jobs[job]["steps"] if "upload-artifact" in s.get("uses", "")]
        assert "${{ matrix.package.name }}" in upload["with"]["name"], job
    pytest_steps = [s for s in jobs["linux"]["steps"] if "pytest" in s.get("run", "")]
    assert pytest_steps and all(
        s["working-directory"] == "${{ matrix.package.dir }}" and '"$PACKAGE"' in s["run"]
        for s in pytest_steps
    )
    runs = [s.get("run", "") for s in jobs["rust"]["steps"]]
    assert "cargo run --profile profiling -p mat-ext-profiler -- --iterations 5" in runs
    path = tmp_path / "CI.yml"
    path.write_text(text)
    assert workflow_findings(path) == {"unpinned-uses"}

    from scaffold.add import workflow

    third = workflow.WheelPackage("mat-3", "crates/mat-3", "crates/mat-3/Cargo.toml")
    grown = workflow.maturin_wheels(text, workflow.WheelPackage("x", ".", "x"), third)
    assert grown is not None
    for job in yaml.safe_load(grown)["jobs"].values():
        matrix = job.get("strategy", {}).get("matrix", {})
        if "package" in matrix:
            assert [p["name"] for p in matrix["package"]] == ["mat", "mat-ext", "mat-3"]


def test_second_extension_on_setuptools_rust_gets_a_cibuildwheel_step(tmp_path):
    project = new_project(tmp_path, "srs", "--backend", "setuptools-rust")
    notes: list[str] = []
    added = api.add(
        kind="extension", name="srs-ext", path=project, dry_run=True, on_note=notes.append
    )
    text = planned(added, ".github/workflows/CI.yml")
    steps = yaml.safe_load(text)["jobs"]["wheels"]["steps"]
    cibw = [s for s in steps if "cibuildwheel" in s.get("uses", "")]
    assert [s["with"].get("package-dir") for s in cibw] == [None, "crates/srs-ext"]
    sdist = yaml.safe_load(text)["jobs"]["sdist"]["steps"]
    assert not any("srs-ext" in s.get("run", "") for s in sdist)  # it could not build
    assert any("no sdist" in n and "srs-ext" in n for n in notes), notes
    pyproject = tomllib.loads(planned(added, "crates/srs-ext/pyproject.toml"))
    assert pyproject["tool"]["cibuildwheel"]["test-command"] == "pytest {package}/tests"
    path = tmp_path / "CI.yml"
    path.write_text(text)
    assert workflow_findings(path) == {"unpinned-uses"}


def test_second_extension_without_a_profiler_gets_none_and_no_note(tmp_path):
    project = new_project(tmp_path, "bare", "--no-profiler")
    notes: list[str] = []
    added = api.add(
        kind="extension", name="bare-ext", path=project, dry_run=True, on_note=notes.append
    )
    assert not any("profiler" in str(p) for p in added.created), added.created
    assert not any("profiler" in n for n in notes), notes
    assert "profiling" not in planned(added, ".github/workflows/CI.yml")


def test_a_workflow_of_its_own_gets_a_note_instead(tmp_path):
    project = new_project(tmp_path, "own", "--no-profiler")
    ci = project / ".github/workflows/CI.yml"
    ci.write_text(
        ci.read_text().replace("          args: --release --out dist", "          args: --out dist")
    )
    git_commit_all(project, "our own workflow")
    notes: list[str] = []
    added = api.add(
        kind="extension", name="own-ext", path=project, dry_run=True, on_note=notes.append
    )
    assert ci not in added.changed
    assert any("-m crates/own-ext/Cargo.toml" in n for n in notes), notes
