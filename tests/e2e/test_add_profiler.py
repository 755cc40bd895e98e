"""`scaffold add-profiler` on every repository shape, with the real cargo, maturin and pip."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import TARGET_DIR, build_env, git_init, run, run_cli, snapshot
from tests.e2e import shapes

pytestmark = pytest.mark.e2e

SHAPES = {
    "maturin-new": lambda root: shapes.maturin_new(root),
    "maturin-mixed": lambda root: shapes.maturin_new(root, mixed=True),
    "hyperjson": shapes.hyperjson_shape,
    "hyperjson-pyo3-0.24": shapes.hyperjson_old_pyo3,
    "virtual-bindings": shapes.virtual_bindings,
    "setuptools-rust": shapes.setuptools_rust,
    "existing-cli": shapes.existing_cli,
    "cfg-attr-module-name": shapes.cfg_attr_name,
    "cfg-attr-module-renamed": lambda root: shapes.cfg_attr_name(root, renamed=True),
}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """One fresh virtualenv for the import checks of this module."""
    path = tmp_path_factory.mktemp("venv") / "env"
    run([sys.executable, "-m", "venv", path], cwd=path.parent)
    return path / "bin" / "python"


def comment_lines(root: Path) -> list[tuple[str, str]]:
    found = []
    for path in [*root.rglob("Cargo.toml"), *root.rglob("pyproject.toml")]:
        for line in path.read_text().splitlines():
            if "#" in line:
                found.append((path.relative_to(root).as_posix(), line[line.index("#") :]))
    return found


def build_wheel(repo: Path, out: Path) -> Path:
    """Build the wheel with the project's backend, from the folder holding pyproject.toml."""
    (pyproject,) = [p for p in repo.rglob("pyproject.toml") if "-profiler" not in str(p)]
    project = pyproject.parent
    if "setuptools-rust" in pyproject.read_text():
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, project], cwd=project)
    else:
        run(["maturin", "build", "--out", out], cwd=project)
    (wheel,) = out.glob("*.whl")
    return wheel


@pytest.mark.parametrize("shape", list(SHAPES))
def test_add_profiler(shape, tmp_path, venv):
    repo, module = SHAPES[shape](tmp_path)
    git_init(repo)
    comments = comment_lines(repo)

    result = run_cli("add-profiler", repo)
    assert result.exit_code == 0, result.stderr
    assert "cargo run --manifest-path" in result.stderr and "--release -p" in result.stderr

    check = run_cli("fix-features", "--check", repo)
    assert check.exit_code == 0, check.stdout + check.stderr
    for file, comment in comments:  # the user's comments survive, on their lines
        assert any(line.endswith(comment) for line in (repo / file).read_text().splitlines()), (
            file,
            comment,
        )

    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "profiler"], cwd=repo, check=True)
    before = snapshot(repo)
    again = run_cli("add-profiler", repo)
    assert again.exit_code == 0 and "already profiles" in again.stderr, again.stderr
    assert "nothing to do" in again.stderr
    assert snapshot(repo) == before

    run(["cargo", "build"], cwd=repo)  # a plain build at the root
    (manifest,) = [p for p in repo.rglob("*-profiler/Cargo.toml") if "target" not in p.parts]
    profiler = TARGET_DIR / "debug" / tomllib.loads(manifest.read_text())["package"]["name"]
    output = run([profiler, "--iterations", "3"], cwd=repo, env=build_env()).stdout
    assert "native  3 iterations" in output and "python  3 iterations" in output, output

    wheel = build_wheel(repo, tmp_path / "dist")
    run([venv, "-m", "pip", "install", "--force-reinstall", "--no-deps", wheel], cwd=tmp_path)
    run([venv, "-c", f"import {module}"], cwd=tmp_path)
