"""The generated project's daily loop (issue 26), run as its README tells it.

- The editable loop of every layout x backend `new` offers: `maturin develop` or
  `pip install -e .`, then `pytest` without the project root on `sys.path` (`python -P`, as the
  `pytest` script runs it), so a module only the root would provide fails; a fresh stub passes
  mypy's stubtest; a `#[pyfunction]` added without its stub fails the generated tests with how
  to update it.
- `--stubs generated`: maturin writes the stub (PyO3's experimental-inspect), it follows a new
  binding, and a rebuild without `--generate-stubs` leaves a stale stub the tests catch.
- The uv loop: `uv sync --group test`, `uv run pytest`; a Rust edit is seen by the next
  `uv run pytest` (`[tool.uv] cache-keys`).
- CI's test step, taken from the generated workflow and run as it is, with a runtime
  dependency: the built wheel is installed with its dependencies.

CI time: a venv's interpreter is not the base one, and PyO3 rebuilds for every interpreter; so
the builds into venvs share one target directory of their own (VENV_TARGET_DIR) and one venv,
and compile PyO3 once per run. The CI step's wheel is built with the base interpreter into
conftest's TARGET_DIR, as tests/e2e/test_variants.py builds its wheels.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import BASE_PYTHON, TARGET_DIR, build_env, run, run_cli, venv_python

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
VENV_TARGET_DIR = TARGET_DIR.with_name(TARGET_DIR.name + "-venvs")
VARIANTS = {
    "maturin-mixed": [],
    "maturin-rust": ["--layout", "rust"],
    "setuptools-rust-mixed": ["--backend", "setuptools-rust"],
    "setuptools-rust-rust": ["--backend", "setuptools-rust", "--layout", "rust"],
}
# A new binding, added inside the `#[pymodule]` of the generated lib.rs.
NEW_BINDING = """
    /// Triple `n`.
    #[pyfunction]
    fn triple(n: u64) -> u64 {
        3 * n
    }
"""


def new_project(tmp_path: Path, name: str, *flags: str) -> Path:
    result = run_cli("new", name, tmp_path / name, *flags, "--no-git", "--yes")
    assert result.exit_code == 0, result.stderr
    return tmp_path / name


def add_binding(project: Path, crate: str) -> None:
    lib_rs = project / f"crates/{crate}/src/lib.rs"
    text = lib_rs.read_text()
    anchor = "    /// Tell whether `n` is prime."
    assert anchor in text
    lib_rs.write_text(text.replace(anchor, NEW_BINDING.lstrip("\n") + "\n" + anchor, 1))


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """The user's venv: pytest and mypy (the `test` group) borrowed, nothing downloaded."""
    return venv_python(tmp_path_factory.mktemp("loop-venv") / "venv", "pytest", "mypy")


def venv_env(python: Path) -> dict[str, str]:
    """An activated venv, as the README's loop runs: no PYO3_PYTHON (the backend picks the
    venv's interpreter)."""
    env = build_env(
        CARGO_TARGET_DIR=str(VENV_TARGET_DIR),
        VIRTUAL_ENV=str(python.parent.parent),
        PATH=f"{python.parent}{os.pathsep}{os.environ['PATH']}",
        SETUPTOOLS_RUST_CARGO_PROFILE="dev",
    )
    del env["PYO3_PYTHON"]
    return env


def develop(project: Path, backend: str, python: Path) -> None:
    """The README's rebuild step."""
    if backend == "maturin":
        run([BIN / "maturin", "develop"], cwd=project, env=venv_env(python))
    else:
        run([python, "-m", "pip", "install", "-e", "."], cwd=project, env=venv_env(python))


def pytest_in(project: Path, python: Path, check: bool = True):
    """`pytest` at the root as its console script runs it: the root is not on sys.path."""
    return run(
        [python, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=venv_env(python),
        check=check,
    )


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_editable_loop_and_stub_check(variant, tmp_path, venv):
    crate = f"loop-{variant}"
    module = crate.replace("-", "_")
    backend = "setuptools-rust" if variant.startswith("setuptools") else "maturin"
    native = f"{module}.{module}" if variant.endswith("mixed") else module
    project = new_project(tmp_path, crate, *VARIANTS[variant])
    develop(project, backend, venv)

    # The development install imports from anywhere, and the fresh project's tests pass: the
    # stub matches the module (stubtest), where the variant ships one.
    where = run(
        [venv, "-P", "-c", f"import {module}; print({module}.__file__)"],
        cwd=tmp_path,
        env=venv_env(venv),
    ).stdout.strip()
    # maturin develop installs a pure-Rust layout into the venv, the others stay in the project.
    home = venv.parent.parent if variant == "maturin-rust" else project
    assert Path(where).is_relative_to(home), where
    passed = pytest_in(project, venv).stdout
    stubbed = variant != "setuptools-rust-rust"
    assert f"{4 if stubbed else 3} passed" in passed, passed

    # A new #[pyfunction], rebuilt the README's way: the module has it at once; a stub left
    # behind fails the generated tests, naming the stub and what to do.
    add_binding(project, crate)
    develop(project, backend, venv)
    tripled = run(
        [venv, "-P", "-c", f"import {native}; print({native}.triple(14))"],
        cwd=tmp_path,
        env=venv_env(venv),
    ).stdout
    assert tripled.strip() == "42"
    if not stubbed:
        return
    stale = pytest_in(project, venv, check=False)
    assert stale.returncode == 1, stale.stdout
    assert "1 failed, 3 passed" in stale.stdout, stale.stdout
    assert "test_stub_matches_the_built_module" in stale.stdout
    assert "triple is not present in stub" in stale.stdout, stale.stdout
    stub = f"python/{module}/{module}.pyi" if variant.endswith("mixed") else f"{module}.pyi"
    assert f"The type stub {stub} no longer matches the built module." in stale.stdout

    if variant != "maturin-mixed":
        return
    # Updated as the message says, the tests pass again (once: the same steps everywhere).
    stub_path = project / stub
    stub_path.write_text(
        stub_path.read_text().replace('"is_prime"]', '"is_prime", "triple"]')
        + "\ndef triple(n: int) -> int: ...\n"
    )
    if variant.endswith("mixed"):
        init = project / f"python/{module}/__init__.py"
        init.write_text(
            init.read_text()
            .replace("count_primes, is_prime", "count_primes, is_prime, triple")
            .replace('"is_prime"]', '"is_prime", "triple"]')
        )
    develop(project, backend, venv)  # maturin (rust layout) installs the stub with the module
    assert "4 passed" in pytest_in(project, venv).stdout


def uv_env(project: Path) -> dict[str, str]:
    """uv with the test run's interpreter (no download) and dev builds into the venvs' target
    directory (maturin's PEP 517 arguments)."""
    env = build_env(
        CARGO_TARGET_DIR=str(VENV_TARGET_DIR),
        UV_PYTHON=BASE_PYTHON,
        UV_PYTHON_DOWNLOADS="never",
        MATURIN_PEP517_ARGS="--profile dev",
    )
    del env["PYO3_PYTHON"]
    return env


def test_uv_loop_sees_a_rust_edit(tmp_path):
    project = new_project(tmp_path, "uv-lib")
    uv = [BIN / "uv"]
    run([*uv, "sync", "--group", "test"], cwd=project, env=uv_env(project))
    assert "4 passed" in run([*uv, "run", "pytest", "-q"], cwd=project, env=uv_env(project)).stdout

    # Break the binding: the next `uv run` rebuilds, and pytest sees the change.
    lib_rs = project / "crates/uv-lib/src/lib.rs"
    text = lib_rs.read_text()
    lib_rs.write_text(
        text.replace("super::count_primes(limit))", "super::count_primes(limit) + 1)")
    )
    assert lib_rs.read_text() != text
    after = run([*uv, "run", "pytest", "-q"], cwd=project, env=uv_env(project), check=False)
    assert after.returncode == 1 and "test_count_primes" in after.stdout, after.stdout


def test_ci_test_step_installs_the_wheel_with_its_dependencies(tmp_path):
    """The Linux job's pytest step, from the generated CI.yml, run as it is in a fresh venv,
    on a project with a runtime dependency its tests import."""
    project = new_project(tmp_path, "dep-lib")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'dynamic = ["version"]', 'dynamic = ["version"]\ndependencies = ["six"]'
        )
    )
    (project / "tests/test_runtime_dependency.py").write_text(
        "import six\n\n\ndef test_dependency_installed():\n    assert six.PY3\n"
    )
    run(
        ["maturin", "build", "--profile", "dev", "--interpreter", BASE_PYTHON, "--out", "dist"],
        cwd=project,
    )
    flow = yaml.safe_load((project / ".github/workflows/CI.yml").read_text())
    (step,) = [
        s
        for s in flow["jobs"]["linux"]["steps"]
        if s.get("name") == ("pytest on the installed wheel")
    ]
    assert step["shell"] == "bash"
    python = tmp_path / "ci-venv/bin/python"
    run([BASE_PYTHON, "-m", "venv", python.parent.parent], cwd=tmp_path)
    env = {**build_env(), "PATH": f"{python.parent}{os.pathsep}{os.environ['PATH']}"}
    result = run(["bash", "-e", "-c", step["run"]], cwd=project, env=env, timeout=600)
    assert "5 passed" in result.stdout, result.stdout
    where = run([python, "-c", "import dep_lib; print(dep_lib.__file__)"], cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(python.parent.parent)


@pytest.mark.parametrize("layout", ["mixed"])  # the default; the rust layout: by hand, once
def test_generated_stub_follows_the_code(layout, tmp_path, venv):
    """`--stubs generated`: maturin writes the stub from the built module (PyO3's
    experimental-inspect); the generated tests pass, and still pass after a new binding
    rebuilt with --generate-stubs; a rebuild without it leaves a stale stub they catch."""
    crate = f"gen-{layout}"
    module = crate.replace("-", "_")
    project = new_project(tmp_path, crate, "--stubs", "generated", "--layout", layout)
    assert not list(project.rglob("*.pyi"))  # nothing written by hand
    generate = [BIN / "maturin", "develop", "--generate-stubs"]
    run(generate, cwd=project, env=venv_env(venv))
    assert "4 passed" in pytest_in(project, venv).stdout

    add_binding(project, crate)
    run(generate, cwd=project, env=venv_env(venv))
    assert "4 passed" in pytest_in(project, venv).stdout
    if layout == "mixed":  # the stub maturin wrote in the package has the new function
        stub = (project / f"python/{module}/{module}.pyi").read_text()
        assert "def triple(n: SupportsIndex) -> int:" in stub, stub
    else:  # maturin develop installs the pure-Rust layout, stub included, into the venv
        (stub_path,) = venv.parent.parent.glob(f"lib/python*/site-packages/{module}/__init__.pyi")
        assert "def triple(" in stub_path.read_text()

    # A plain rebuild of changed code generates nothing: the tests catch the stale stub.
    lib_rs = project / f"crates/{crate}/src/lib.rs"
    lib_rs.write_text(lib_rs.read_text().replace("fn triple(n: u64)", "fn triple(n: u64, _k: u64)"))
    develop(project, "maturin", venv)
    stale = pytest_in(project, venv, check=False)
    assert stale.returncode == 1 and "test_stub_matches_the_built_module" in stale.stdout
    assert "maturin develop --generate-stubs" in stale.stdout, stale.stdout
