"""`scaffold new`: from the installed wheel to a workspace that builds, tests, profiles and ships.

The heavy tests (marked e2e) share one generated project, made by the `scaffold` console script
of pyo3-scaffold's own wheel installed in a fresh venv outside the checkout. Builds share
conftest's CARGO_TARGET_DIR, in an order that compiles PyO3 once per feature set.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import (
    BASE_PYTHON,
    REPO,
    TARGET_DIR,
    build_env,
    git_env,
    run,
    run_cli,
    snapshot,
    venv_python,
)
from tests.test_new_variants import KNOWN_ACTIONS

BAD_NAMES = [
    "",
    "1abc",
    "my lib",
    "a/b",
    "..",
    "../x",
    "a\\b",
    "nul\0",
    "crème",
    "std",
    "core",
    "alloc",
    "test",
    "proc_macro",
    "self",
    "Self",
    "fn",
    "match",
    "class",
    "import",
    "lambda",
    "pyo3",
]


@pytest.fixture(scope="session")
def installed_scaffold(tmp_path_factory) -> Path:
    """pyo3-scaffold built as a wheel and installed into a venv outside the repository."""
    out = tmp_path_factory.mktemp("scaffold-wheel")
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", out, REPO],
        cwd=out,
        env=build_env(),
    )
    (wheel,) = out.glob("pyo3_scaffold-*.whl")
    python = venv_python(
        out / "venv", "copier", "tomlkit", "questionary", "git", "license_expression", "boolean"
    )
    run(
        [python, "-m", "pip", "install", "--no-deps", "--force-reinstall", wheel],
        cwd=out,
        env=build_env(),
    )
    where = run(
        [python, "-c", "import scaffold; print(scaffold.__file__)"], cwd=out, env=build_env()
    ).stdout.strip()
    assert Path(where).is_relative_to(out / "venv"), where
    assert not Path(where).is_relative_to(REPO)
    return python.parent / "scaffold"


@pytest.fixture(scope="module")
def project(installed_scaffold, tmp_path_factory) -> Path:
    """`scaffold new demo-lib --yes`, run from the installed wheel in an empty temp dir."""
    where = tmp_path_factory.mktemp("new")
    proc = subprocess.run(
        [installed_scaffold, "new", "demo-lib", "--yes"],
        cwd=where,
        env={**build_env(), **git_env()},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return where / "demo-lib"


@pytest.mark.e2e
def test_tree_and_manifests(project):
    for path in [
        "Cargo.toml",
        ".cargo/config.toml",
        ".gitignore",
        "README.md",
        "pyproject.toml",
        ".github/workflows/CI.yml",
        "crates/demo-lib/Cargo.toml",
        "crates/demo-lib/src/lib.rs",
        "crates/demo-lib-profiler/Cargo.toml",
        "crates/demo-lib-profiler/build.rs",
        "crates/demo-lib-profiler/src/main.rs",
        "python/demo_lib/__init__.py",
        "python/demo_lib/demo_lib.pyi",
        "python/demo_lib/py.typed",
        "tests/test_demo_lib.py",
    ]:
        assert (project / path).is_file(), path
    parsed = {
        p.relative_to(project).as_posix(): tomllib.loads(p.read_text())
        for p in project.rglob("*.toml")
        if ".git" not in p.parts
    }
    assert len(parsed) == 5
    root = parsed["Cargo.toml"]["workspace"]
    assert root["resolver"] == "3" and root["default-members"] == ["crates/demo-lib-profiler"]
    assert root["dependencies"]["pyo3"] == "0.30"
    lib = parsed["crates/demo-lib/Cargo.toml"]
    assert lib["lib"] == {"name": "demo_lib", "crate-type": ["rlib", "cdylib"]}
    assert lib["features"] == {
        "default": ["extension-module"],
        "extension-module": ["pyo3/extension-module"],
    }
    profiler = parsed["crates/demo-lib-profiler/Cargo.toml"]
    assert profiler["dependencies"]["demo-lib"] == {
        "path": "../demo-lib",
        "default-features": False,
    }
    assert profiler["dependencies"]["pyo3"] == {"workspace": True, "features": ["auto-initialize"]}
    maturin = parsed["pyproject.toml"]["tool"]["maturin"]
    assert maturin["manifest-path"] == "crates/demo-lib/Cargo.toml"
    assert maturin["module-name"] == "demo_lib.demo_lib"
    assert parsed["pyproject.toml"]["tool"]["pyo3-scaffold"] == {"wiring": "feature"}


@pytest.mark.e2e
def test_one_commit_and_clean_status(project):
    log = run(["git", "log", "--oneline"], cwd=project, env=git_env()).stdout.splitlines()
    assert len(log) == 1, log
    assert run(["git", "status", "--porcelain"], cwd=project, env=git_env()).stdout == ""


@pytest.mark.e2e
def test_ci_workflow_names_known_actions(project):
    workflow = yaml.safe_load((project / ".github/workflows/CI.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    used = {s["uses"] for s in steps if "uses" in s}
    assert used and used <= KNOWN_ACTIONS, used - KNOWN_ACTIONS
    assert {"linux", "musllinux", "windows", "macos", "sdist", "release"} <= set(workflow["jobs"])
    assert any("pytest" in s.get("run", "") for s in steps)
    assert any("demo-lib-profiler" in s.get("run", "") for s in steps)


@pytest.mark.e2e
def test_wiring_rules_find_nothing(project):
    result = run_cli("fix-features", "--check", project)
    assert (result.exit_code, result.stdout) == (0, ""), result.stdout + result.stderr
    assert result.stderr == "All checks passed.\n"


@pytest.mark.e2e
def test_cargo_build_test_and_profiler(project):
    env = build_env()
    assert "LD_LIBRARY_PATH" not in env
    run(["cargo", "build"], cwd=project, env=env)
    tests = run(["cargo", "test"], cwd=project, env=env)
    assert "embedded_module_runs_the_workload ... ok" in tests.stdout
    lib_tests = run(["cargo", "test-lib"], cwd=project, env=env)
    assert "counts_primes ... ok" in lib_tests.stdout
    profiler = run(
        [TARGET_DIR / "debug" / "demo-lib-profiler", "--iterations", "2"], cwd=project, env=env
    )
    lines = profiler.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["native", "python"], lines
    assert all("2 iterations in" in line and "per iteration" in line for line in lines)
    snippet = run(
        [
            TARGET_DIR / "debug" / "demo-lib-profiler",
            "--iterations",
            "1",
            "--python",
            "assert m.is_prime(7919)",
        ],
        cwd=project,
        env=env,
    )
    assert "python  1 iterations" in snippet.stdout


@pytest.mark.e2e
def test_wheel_imports_and_pytest_passes(project, tmp_path):
    env = build_env()
    run(
        [
            "maturin",
            "build",
            "--profile",
            "dev",
            "--interpreter",
            BASE_PYTHON,
            "--out",
            tmp_path / "dist",
        ],
        cwd=project,
        env=env,
    )
    (wheel,) = (tmp_path / "dist").glob("demo_lib-*.whl")
    python = venv_python(tmp_path / "venv", "pytest")
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=tmp_path, env=env)
    where = run(
        [python, "-c", "import demo_lib; print(demo_lib.__file__)"], cwd=tmp_path, env=env
    ).stdout.strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), where
    run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", project / "tests"],
        cwd=tmp_path,
        env=env,
    )


@pytest.mark.e2e
def test_without_profiler_builds_and_tests(tmp_path):
    assert (
        run_cli("new", "plain-lib", "--no-profiler", "--no-git", "--yes", cwd=tmp_path).exit_code
        == 0
    )
    project = tmp_path / "plain-lib"
    assert not (project / "crates/plain-lib-profiler").exists()
    assert "default-members" not in tomllib.loads((project / "Cargo.toml").read_text())["workspace"]
    assert run_cli("fix-features", "--check", project).exit_code == 0
    run(["cargo", "build"], cwd=project)
    run(["cargo", "test"], cwd=project)


def test_second_new_on_same_dest_changes_nothing(tmp_path):
    assert run_cli("new", "demo-lib", "--yes", cwd=tmp_path).exit_code == 0
    before = snapshot(tmp_path)
    again = run_cli("new", "demo-lib", "--yes", cwd=tmp_path)
    assert again.exit_code == 2 and "not empty" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_names_exit_2_and_create_nothing(name, tmp_path):
    result = run_cli("new", name, "--yes", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "flags",
    [
        ["--pyo3", "0.20"],
        ["--pyo3", "latest"],
        ["--python-min", "3.8"],
        ["--python-min", "4"],
        ["--author", 'a "quoted" name'],
    ],
)
def test_bad_options_exit_2_and_create_nothing(flags, tmp_path):
    result = run_cli("new", "demo-lib", *flags, "--yes", cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_my_lib_becomes_crate_and_module(tmp_path):
    assert run_cli("new", "my-lib", "out/dir", "--no-git", "--yes", cwd=tmp_path).exit_code == 0
    project = tmp_path / "out/dir"
    lib = tomllib.loads((project / "crates/my-lib/Cargo.toml").read_text())
    assert lib["package"]["name"] == "my-lib" and lib["lib"]["name"] == "my_lib"
    assert (project / "python/my_lib/__init__.py").is_file()
    assert not (project / ".git").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["MyLib", "dest", "--yes", "--no-git"],
        ["--yes", "MyLib", "--no-git", "dest"],
        ["MyLib", "--yes", "dest", "--no-git"],
        ["--no-git", "--yes", "MyLib", "dest"],
    ],
)
def test_camel_case_name_and_options_in_any_order(argv, tmp_path):
    """`new NAME DEST` with the flags anywhere; `MyLib` gives snake_case names (issue 26), so
    the `#[pymodule]` compiles without `non_snake_case` warnings."""
    result = run_cli("new", *argv, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "'MyLib' gives the crate my-lib and the module my_lib" in result.stderr
    project = tmp_path / "dest"
    lib = tomllib.loads((project / "crates/my-lib/Cargo.toml").read_text())
    assert lib["package"]["name"] == "my-lib" and lib["lib"]["name"] == "my_lib"
    assert "mod my_lib {" in (project / "crates/my-lib/src/lib.rs").read_text()
    assert (project / "python/my_lib/__init__.py").is_file()
    assert not (project / ".git").exists()


def test_options_reach_the_manifests(tmp_path):
    result = run_cli(
        "new",
        "opt-lib",
        "--pyo3",
        "0.28",
        "--python-min",
        "3.12",
        "--author",
        "Ada <ada@example.com>",
        "--license",
        "Apache-2.0",
        "--no-git",
        "--yes",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    project = tmp_path / "opt-lib"
    cargo = tomllib.loads((project / "Cargo.toml").read_text())["workspace"]
    assert cargo["dependencies"]["pyo3"] == "0.28"
    assert cargo["package"]["license"] == "Apache-2.0"
    assert cargo["package"]["authors"] == ["Ada <ada@example.com>"]
    profiler = tomllib.loads((project / "crates/opt-lib-profiler/Cargo.toml").read_text())
    assert profiler["build-dependencies"]["pyo3-build-config"] == "0.28"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert pyproject["requires-python"] == ">=3.12"
    assert pyproject["authors"] == [{"name": "Ada", "email": "ada@example.com"}]
    assert "Programming Language :: Python :: 3.11" not in pyproject["classifiers"]
    assert "Programming Language :: Python :: 3.12" in pyproject["classifiers"]


def test_inside_a_git_repository_no_nested_repo(tmp_path):
    subprocess.run(["git", "init", "-q", tmp_path], check=True, env=git_env())
    result = run_cli("new", "inner", "--yes", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "inner/.git").exists()
    assert "no nested repository" in result.stderr


def test_empty_dest_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run_cli("new", "demo-lib", "empty", "--no-git", "--yes", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "empty/Cargo.toml").is_file()


@pytest.mark.parametrize("existing", [False, True])
def test_interrupt_removes_what_was_created(existing, tmp_path, monkeypatch):
    import scaffold.vcs

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(scaffold.vcs, "init_and_commit", interrupted)
    if existing:
        (tmp_path / "a").mkdir()
    result = run_cli("new", "demo-lib", "a/b" if not existing else "a", "--yes", cwd=tmp_path)
    assert result.exit_code == 130
    assert [p.name for p in tmp_path.iterdir()] == (["a"] if existing else [])
    assert not existing or list((tmp_path / "a").iterdir()) == []


def test_without_tty_and_without_yes_it_finishes(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scaffold", "new", "demo-lib", "--no-git"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "demo-lib/Cargo.toml").is_file()


def test_help_does_not_import_the_renderers():
    code = (
        "import sys\nfrom scaffold.cli import main\ntry:\n    main(['new', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('copier', 'questionary', 'git', 'jinja2')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    assert proc.stdout.splitlines()[-1] == "[]"
