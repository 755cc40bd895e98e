"""`scaffold add KIND NAME` and `scaffold test` with the real cargo, maturin, pip and pytest.

One `scaffold new` project gets all four kinds (module fixture, so the builds are shared), then
each check runs on it; existing-repo shapes (a single-crate maturin root with `locked = true`,
setuptools-rust) get the kinds that make sense for them.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from scaffold.probes import elf
from tests.conftest import (
    BASE_PYTHON,
    REPO,
    TARGET_DIR,
    build_env,
    git_commit_all,
    git_env,
    git_init,
    run,
    run_cli,
    snapshot,
    venv_python,
)
from tests.e2e import shapes

pytestmark = pytest.mark.e2e

ADDED = [
    ("core", "grow-core"),
    ("cli", "grow-cli"),
    ("bench", "grow-bench"),
    ("extension", "grow-ext"),
]


def lock(project: Path) -> None:
    """A Cargo.lock, from the local index cache when it has what is needed."""
    if run(["cargo", "generate-lockfile", "--offline"], cwd=project, check=False).returncode:
        run(["cargo", "generate-lockfile"], cwd=project)


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    """`scaffold new grow` with a Cargo.lock, then every kind added, each add committed."""
    where = tmp_path_factory.mktemp("grow")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in git_env().items():
            if key.startswith("GIT_"):
                patch.setenv(key, value)
        assert run_cli("new", "grow", "--yes", cwd=where).exit_code == 0
        project = where / "grow"
        lock(project)
        git_commit_all(project, "lock")
        for kind, name in ADDED:
            result = run_cli("add", kind, name, project)
            assert result.exit_code == 0, result.stderr
            assert "Cargo.lock" in result.stderr, result.stderr  # the lock follows the manifests
            git_commit_all(project, f"add {kind}")
    return project


def test_manifests_inherit_and_join_the_workspace(grown):
    import tomllib

    root = tomllib.loads((grown / "Cargo.toml").read_text())["workspace"]
    for _, name in ADDED:
        assert f"crates/{name}" in root["members"]
        package = tomllib.loads((grown / "crates" / name / "Cargo.toml").read_text())["package"]
        assert package["version"] == {"workspace": True}
        assert package["edition"] == {"workspace": True}
    # a plain build leaves both extensions out (their extension-module would be unified)
    assert "crates/grow-ext" not in root["default-members"]
    assert "crates/grow-core" in root["default-members"]
    ext = tomllib.loads((grown / "crates/grow/Cargo.toml").read_text())
    assert ext["dependencies"]["grow-core"] == {"path": "../grow-core"}
    alias = tomllib.loads((grown / ".cargo/config.toml").read_text())["alias"]["test-lib"]
    assert alias.split() == [
        "test",
        *("-p", "grow", "-p", "grow-core", "-p", "grow-ext"),
        "--no-default-features",
    ]
    readme = (grown / "README.md").read_text()
    assert all(f"## `{name}`" in readme for _, name in ADDED)
    ci = (grown / ".github/workflows/CI.yml").read_text()
    assert "cargo bench -p grow-bench -- --test" in ci and "cargo run -p grow-cli" in ci
    assert "-p grow-ext-profiler" in ci and "matrix.package.manifest" in ci
    assert "crates/grow-ext-profiler" in root["members"]  # the second extension's profiler


def test_locked_metadata_and_fix_features_clean(grown):
    run(["cargo", "metadata", "--locked", "--format-version", "1"], cwd=grown)
    check = run_cli("fix-features", "--check", grown)
    assert (check.exit_code, check.stdout) == (0, ""), check.stdout + check.stderr


def test_build_test_and_test_lib_run_the_core(grown):
    env = build_env()
    run(["cargo", "build"], cwd=grown, env=env)
    assert "sums_squares ... ok" in run(["cargo", "test"], cwd=grown, env=env).stdout
    lib_tests = run(["cargo", "test-lib"], cwd=grown, env=env).stdout
    assert "sums_squares ... ok" in lib_tests and "counts_primes ... ok" in lib_tests


def test_bench_quick_mode(grown):
    # the dev profile shares the build of divan `cargo test` made; CI runs the bench profile
    command = ["cargo", "bench", "--profile", "dev", "-p", "grow-bench", "--", "--test"]
    out = run(command, cwd=grown)
    assert "sum_of_squares" in out.stdout


def test_cli_runs_without_libpython(grown):
    out = run(["cargo", "run", "-q", "-p", "grow-cli", "--", "3"], cwd=grown)
    assert out.stdout.strip() == "14"
    needed = elf.read(TARGET_DIR / "debug" / "grow-cli").needed
    assert needed and not any("libpython" in n for n in needed), needed


def test_profiler_runs_without_ld_library_path(grown):
    env = build_env()
    assert "LD_LIBRARY_PATH" not in env
    out = run(["cargo", "run", "-q", "-p", "grow-profiler", "--", "--iterations", "2"], grown, env)
    assert [line.split()[0] for line in out.stdout.splitlines()] == ["native", "python"]


def test_both_wheels_build_and_import(grown, tmp_path):
    dist = tmp_path / "dist"
    for project in (grown, grown / "crates/grow-ext"):
        run(
            ["maturin", "build", "--profile", "dev", "-i", BASE_PYTHON, "--out", dist],
            cwd=project,
        )
    python = venv_python(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", *dist.glob("*.whl")], tmp_path)
    out = run([python, "-c", "import grow, grow_ext; print(grow_ext.sum_of_squares(3))"], tmp_path)
    assert out.stdout.strip() == "14"


def test_second_extension_profiler_runs_without_ld_library_path(grown, tmp_path):
    """`add extension` gave it a profiler as add-profiler does: it builds and runs with no
    LD_LIBRARY_PATH, and `scaffold profile --profiler` records it."""
    env = build_env()
    assert "LD_LIBRARY_PATH" not in env
    command = ["cargo", "run", "-q", "-p", "grow-ext-profiler", "--", "--iterations", "2"]
    out = run(command, grown, env)
    assert [line.split()[0] for line in out.stdout.splitlines()] == ["native", "python"]
    flamegraph = tmp_path / "flame.svg"
    options = ["--profiler", "grow-ext-profiler", "--iterations", "2", "--yes"]
    profiled = run(
        [sys.executable, "-m", "scaffold", "profile", *options, "--output", str(flamegraph)],
        grown,
        build_env(PYTHONPATH=str(REPO)),
        check=False,
    )
    assert profiled.returncode == 0, profiled.stdout + profiled.stderr
    assert "Traceback" not in profiled.stderr
    assert "</svg>" in flamegraph.read_text()


def test_ci_wheel_matrix_builds_both_packages(grown, tmp_path):
    """The CI's linux wheel job replayed for each entry of its package matrix: `maturin build`
    from the root with `-m` the entry's manifest (the dev profile and this Python instead of
    `--release` and `--find-interpreter`, to share the builds), the wheel installed by name
    from dist, and pytest in the entry's folder, as the pytest step runs it; then the sdist
    job's entry for the second package: its sdist carries the core crate it uses."""
    import yaml

    jobs = yaml.safe_load((grown / ".github/workflows/CI.yml").read_text())["jobs"]
    packages = jobs["linux"]["strategy"]["matrix"]["package"]
    assert [p["name"] for p in packages] == ["grow", "grow-ext"]
    (build,) = [s for s in jobs["linux"]["steps"] if s.get("name") == "Build wheels"]
    python = venv_python(tmp_path / "venv", "pytest", "mypy")
    for package in packages:
        dist = tmp_path / f"dist-{package['name']}"
        args = build["with"]["args"].replace("${{ matrix.package.manifest }}", package["manifest"])
        args = args.replace("--release", "--profile dev").replace("--find-interpreter", "")
        args = args.replace("--out dist", f"--out {dist}")
        run(["maturin", "build", *args.split(), "-i", BASE_PYTHON], cwd=grown)
        (wheel,) = dist.glob("*.whl")
        assert wheel.name.startswith(package["name"].replace("-", "_") + "-"), wheel.name
        install = [python, "-m", "pip", "install", package["name"], "--no-index", "--no-deps"]
        run([*install, "--find-links", dist], tmp_path)
        tested = run([python, "-m", "pytest", "-q", "tests"], cwd=grown / package["dir"])
        assert " passed" in tested.stdout and "failed" not in tested.stdout, tested.stdout

    (sdist,) = [s for s in jobs["sdist"]["steps"] if s.get("with", {}).get("command") == "sdist"]
    args = sdist["with"]["args"].replace("${{ matrix.package.manifest }}", packages[1]["manifest"])
    args = args.replace("--out dist", f"--out {tmp_path / 'sdist'}")
    run(["maturin", "sdist", *args.split()], cwd=grown)
    (archive,) = (tmp_path / "sdist").glob("grow_ext-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert any(n.endswith("grow-core/src/lib.rs") for n in names), names


def test_second_identical_add_refuses(grown):
    before = snapshot(grown)
    for kind, name in ADDED:
        again = run_cli("add", kind, name, grown)
        assert again.exit_code == 2 and len(again.stderr.splitlines()) == 1, again.stderr
        assert "exists already" in again.stderr
    assert snapshot(grown) == before


def test_previews_print_the_diff_and_write_nothing(grown):
    """`--diff` prints the patch (new files, the membership edit, Cargo.lock), `--dry-run`
    lists the files; both write nothing and exit 1 (something would change)."""
    before = snapshot(grown)
    result = run_cli("add", "cli", "grow-cli2", grown, "--diff")
    assert result.exit_code == 1, result.stderr
    assert '+    "crates/grow-cli2",' in result.stdout
    assert "+++ b/crates/grow-cli2/src/main.rs" in result.stdout
    assert "+++ b/Cargo.lock" in result.stdout
    listed = run_cli("add", "cli", "grow-cli2", grown, "--dry-run")
    assert listed.exit_code == 1 and listed.stdout == "", listed.stderr
    assert "would create: crates/grow-cli2/src/main.rs" in listed.stderr
    assert snapshot(grown) == before


def scaffold_test(project: Path, venv: Path, *args: str) -> subprocess.CompletedProcess:
    env = build_env(VIRTUAL_ENV=str(venv), PYTHONPATH=str(REPO))
    return run([sys.executable, "-m", "scaffold", "test", *args], project, env, check=False)


def test_scaffold_test_runs_every_layer_and_names_the_failing_one(grown):
    # maturin develop builds PyO3 for the venv's interpreter: a fixed venv path lets later
    # runs reuse that build in the shared target directory
    (TARGET_DIR / "venvs").mkdir(parents=True, exist_ok=True)
    venv = venv_python(TARGET_DIR / "venvs" / "scaffold-test", "pytest").parent.parent
    passed = scaffold_test(grown, venv)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.splitlines() == [
        "rust: libraries: passed",
        "rust: default members: passed",
        "python: the project (maturin develop): passed",
        "python: crates/grow-ext (maturin develop): passed",
    ], passed.stdout

    core = grown / "crates/grow-core/src/lib.rs"
    pytest_file = grown / "crates/grow-ext/tests/test_grow_ext.py"
    originals = {path: path.read_text() for path in (core, pytest_file)}
    try:
        core.write_text(originals[core].replace("14);", "15);"))
        failed = scaffold_test(grown, venv, "--layer", "rust")
        assert failed.returncode == 1
        assert "rust: libraries: FAILED (cargo test-lib)" in failed.stdout
        assert failed.stderr.splitlines()[-1] == "failed: rust"
        core.write_text(originals[core])

        pytest_file.write_text(originals[pytest_file].replace("== 14", "== 15"))
        failed = scaffold_test(grown, venv, "--layer", "python")
        assert failed.returncode == 1
        assert "python: crates/grow-ext (maturin develop): FAILED" in failed.stdout
        assert "python: the project (maturin develop): passed" in failed.stdout
        assert failed.stderr.splitlines()[-1] == "failed: python"
    finally:
        for path, text in originals.items():
            path.write_text(text)


# --- existing repositories ---------------------------------------------------------------------


def add_each_kind(repo: Path, prefix: str) -> None:
    """core, cli, bench and extension added to an existing repository, each committed; a
    second identical add is refused."""
    for kind in ("core", "cli", "bench", "extension"):
        result = run_cli("add", kind, f"{prefix}-{kind}", repo)
        assert result.exit_code == 0, result.stderr
        git_commit_all(repo, kind)
    again = run_cli("add", "core", f"{prefix}-core", repo)
    assert again.exit_code == 2 and len(again.stderr.splitlines()) == 1, again.stderr


def test_single_crate_maturin_root_with_locked_builds(tmp_path):
    """hyperjson's shape (one crate at the root) with `[tool.maturin] locked = true`: every kind
    makes it a workspace; the lock follows, so the locked wheel builds still work."""
    repo, module = shapes.hyperjson_shape(tmp_path)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.maturin]\nlocked = true\n")
    lock(repo)
    git_init(repo)
    add_each_kind(repo, "hj")
    run(["cargo", "metadata", "--locked", "--format-version", "1"], cwd=repo)
    bench = ["cargo", "bench", "--profile", "dev", "-p", "hj-bench", "--", "--test"]
    assert "sum_of_squares" in run(bench, cwd=repo).stdout
    # clean but for the shape's own `profiling` binary, which calls no Python: PW103 there is
    # issue 23 item 10 (a Python-free binary taken for one that embeds Python)
    check = run_cli("fix-features", "--check", repo)
    findings = [line for line in check.stdout.splitlines() if " PW" in line]
    assert all(
        "(info)" in line or ("profiling/Cargo.toml" in line and " PW103 " in line)
        for line in findings
    ), check.stdout
    out = run(["cargo", "run", "-q", "-p", "hj-cli", "--", "3"], cwd=repo)
    assert out.stdout.strip() == "14"
    assert not any("libpython" in n for n in elf.read(TARGET_DIR / "debug" / "hj-cli").needed)
    (extension,) = [p.parent for p in repo.glob("*/pyproject.toml")]
    for project in (repo, extension):  # both wheels, locked as maturin builds them
        run(
            ["maturin", "build", "--profile", "dev", "-i", BASE_PYTHON, "--out", tmp_path / "d"],
            project,
        )
    python = venv_python(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--no-index", *(tmp_path / "d").glob("*.whl")], tmp_path)
    out = run(
        [python, "-c", f"import {module}, hj_extension; print(hj_extension.sum_of_squares(3))"],
        tmp_path,
    )
    assert out.stdout.strip() == "14"


def test_setuptools_rust_root(tmp_path):
    """A setuptools-rust single-crate root: every kind; `cargo build --locked` still works."""
    repo, _ = shapes.setuptools_rust(tmp_path)
    lock(repo)
    git_init(repo)
    add_each_kind(repo, "srust")
    out = run(["cargo", "run", "-q", "--locked", "-p", "srust-cli", "--", "3"], cwd=repo)
    assert out.stdout.strip() == "14"
    check = run_cli("fix-features", "--check", repo)
    assert check.exit_code == 0, check.stdout + check.stderr
    # the wheel still builds from the root that became a workspace, and imports
    dist = tmp_path / "dist"
    (extension,) = [p.parent for p in repo.glob("*/pyproject.toml")]
    for project in (repo, extension):
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, project], cwd=repo)
    python = venv_python(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--no-index", *dist.glob("*.whl")], tmp_path)
    assert (
        run([python, "-c", "import _srust; print(_srust.double_py(2))"], tmp_path).stdout == "4\n"
    )
    out = run([python, "-c", "import srust_extension as m; print(m.sum_of_squares(3))"], tmp_path)
    assert out.stdout.strip() == "14"


def test_add_profiler_keeps_the_lock_in_step(tmp_path):
    """issue 23 item 8: add-profiler on a project with `locked = true` writes Cargo.lock too."""
    repo, _ = shapes.hyperjson_shape(tmp_path)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.maturin]\nlocked = true\n")
    lock(repo)
    git_init(repo)
    result = run_cli("add-profiler", repo)
    assert result.exit_code == 0 and "changed: Cargo.lock" in result.stderr, result.stderr
    run(["cargo", "metadata", "--locked", "--format-version", "1"], cwd=repo)
    run(["maturin", "sdist", "--out", tmp_path / "sd"], cwd=repo)
