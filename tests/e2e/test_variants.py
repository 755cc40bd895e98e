"""`scaffold new` variants (issue 9), built for real: each backend x wiring, an abi3 project with
the `rust` layout, and the oldest supported PyO3.

For every case: the project generates; `fix-features --check` is clean; a plain `cargo build`
and `cargo test` at the root succeed (and `--workspace` in `env` wiring); the profiler prints
its `native` and `python` lines without LD_LIBRARY_PATH; the backend builds the wheel, which
installs into a fresh venv, imports from there and passes the generated pytest suite.

CI time: all cases share conftest's CARGO_TARGET_DIR and the `dev` profile (maturin
`--profile dev`, SETUPTOOLS_RUST_CARGO_PROFILE=dev), and all but the oldest use PyO3 0.30 with
the same features, so PyO3 compiles once per feature set, not once per case. The setuptools-rust
abi3 case is also a `rust`-layout case: its wheel name proves abi3, its file list proves the
module alone; the maturin abi3 case (env wiring) is the other `rust`-layout case, whose wheel
ships the root `.pyi` stub with `py.typed`; it shares its `cargo build` features.
The minors between the oldest and the newest PyO3 are compiled with `cargo check` only.
"""

from __future__ import annotations

import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from scaffold import facts
from tests.conftest import BASE_PYTHON, TARGET_DIR, build_env, run, run_cli, venv_python

pytestmark = pytest.mark.e2e

CASES = {
    "maturin-feature": ["--backend", "maturin", "--wiring", "feature"],
    "maturin-env": ["--backend", "maturin", "--wiring", "env"],
    "setuptools-rust-feature": ["--backend", "setuptools-rust", "--wiring", "feature"],
    "setuptools-rust-env": ["--backend", "setuptools-rust", "--wiring", "env"],
    "abi3-rust-layout": ["--backend", "setuptools-rust", "--abi3", "3.9", "--layout", "rust"],
    "abi3-maturin-env-rust-layout": [
        "--backend",
        "maturin",
        "--abi3",
        "3.9",
        "--wiring",
        "env",
        "--layout",
        "rust",
    ],
    "oldest-pyo3": ["--pyo3", "0.24", "--backend", "maturin"],
}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """One fresh venv (pytest borrowed through a .pth, nothing downloaded) for every case;
    each case installs its own distribution into it."""
    return venv_python(tmp_path_factory.mktemp("variants-venv") / "venv", "pytest")


def build_wheel(project: Path, pyproject: dict, out: Path) -> Path:
    env = build_env()
    if pyproject["build-system"]["build-backend"] == "maturin":
        run(
            ["maturin", "build", "--profile", "dev", "--interpreter", BASE_PYTHON, "--out", out],
            cwd=project,
            env=env,
        )
    else:  # pip builds in isolation, with exactly what build-system.requires names
        run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, "."],
            cwd=project,
            env=build_env(SETUPTOOLS_RUST_CARGO_PROFILE="dev"),
        )
    (wheel,) = out.glob("*.whl")
    return wheel


def check_sdist(project: Path, crate: str, out: Path) -> Path:
    """The sdist holds the whole Cargo workspace, so it builds from scratch."""
    run([sys.executable, "-m", "build", "--sdist", "--outdir", out, project], cwd=project)
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {Path(*Path(n).parts[1:]).as_posix() for n in archive.getnames()}
    expected = {
        "pyproject.toml",
        "Cargo.toml",
        ".cargo/config.toml",
        f"crates/{crate}/Cargo.toml",
        f"crates/{crate}/src/lib.rs",
        f"crates/{crate}-profiler/Cargo.toml",
        f"crates/{crate}-profiler/build.rs",
        f"crates/{crate}-profiler/src/main.rs",
        f"tests/test_{crate.replace('-', '_')}.py",
    }
    assert expected <= names, sorted(expected - names)
    return sdist


@pytest.mark.parametrize("case", list(CASES))
def test_variant_builds_profiles_and_ships(case, tmp_path, venv):
    crate = f"v-{case}"
    module = crate.replace("-", "_")
    env = build_env()
    assert "LD_LIBRARY_PATH" not in env

    # Generates, and the wiring rules find nothing.
    result = run_cli("new", crate, tmp_path / crate, *CASES[case], "--no-git", "--yes")
    assert result.exit_code == 0, result.stderr
    project = tmp_path / crate
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    wiring = pyproject["tool"]["pyo3-scaffold"]["wiring"]
    check = run_cli("fix-features", "--check", project)
    assert check.exit_code == 0, check.stdout + check.stderr

    # Plain cargo build / test at the root; the whole workspace too in `env` wiring.
    run(["cargo", "build"], cwd=project, env=env)
    tests = run(["cargo", "test"], cwd=project, env=env).stdout
    assert "embedded_module_runs_the_workload ... ok" in tests
    if wiring == "env":
        run(["cargo", "build", "--workspace"], cwd=project, env=env)
        tests = run(["cargo", "test", "--workspace"], cwd=project, env=env).stdout
        assert "counts_primes ... ok" in tests
        assert "embedded_module_runs_the_workload ... ok" in tests
    else:
        assert "counts_primes ... ok" in run(["cargo", "test-lib"], cwd=project, env=env).stdout

    # The profiler runs without LD_LIBRARY_PATH.
    profiler = run(
        [TARGET_DIR / "debug" / f"{crate}-profiler", "--iterations", "2"], cwd=project, env=env
    ).stdout.splitlines()
    assert [line.split()[0] for line in profiler] == ["native", "python"], profiler
    assert all("2 iterations in" in line for line in profiler), profiler

    # The backend builds the wheel; it installs into a fresh venv, imports, passes pytest.
    wheel = build_wheel(project, pyproject, tmp_path / "dist")
    members = zipfile.ZipFile(wheel).namelist()
    native = [m for m in members if m.endswith(".so")]
    if "--abi3" in CASES[case]:
        assert "-cp39-abi3-" in wheel.name, wheel.name
        assert len(native) == 1 and native[0].endswith(f"{module}.abi3.so"), native
    maturin = pyproject["build-system"]["build-backend"] == "maturin"
    if "rust" in CASES[case] and not maturin:  # the native module alone, no package, no stub
        assert len(native) == 1 and "/" not in native[0], members
        assert not any(m.startswith(f"{module}/") for m in members), members
    elif "rust" in CASES[case]:  # maturin wraps it in a package with the root stub
        assert len(native) == 1 and native[0].startswith(f"{module}/{module}."), members
        assert {f"{module}/__init__.py", f"{module}/py.typed", f"{module}/__init__.pyi"} <= set(
            members
        ), members
        stub = zipfile.ZipFile(wheel).read(f"{module}/__init__.pyi").decode()
        assert "def count_primes(limit: int) -> int:" in stub, stub
    else:
        assert len(native) == 1 and native[0].startswith(f"{module}/{module}."), members
        assert {f"{module}/__init__.py", f"{module}/py.typed", f"{module}/{module}.pyi"} <= set(
            members
        ), members
    if pyproject["build-system"]["build-backend"] != "maturin":
        sdist = check_sdist(project, crate, tmp_path / "sdist")
        if wiring == "env":  # and the sdist alone builds the same wheel
            run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "wheel",
                    "--no-deps",
                    "-w",
                    tmp_path / "from-sdist",
                    sdist,
                ],
                cwd=tmp_path,
                env=build_env(SETUPTOOLS_RUST_CARGO_PROFILE="dev"),
            )
            (wheel_from_sdist,) = (tmp_path / "from-sdist").glob("*.whl")
            assert wheel_from_sdist.name == wheel.name
            wheel = wheel_from_sdist  # the one installed and tested below
    run([venv, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=tmp_path, env=env)
    where = run(
        [venv, "-c", f"import {module}; print({module}.__file__)"], cwd=tmp_path, env=env
    ).stdout.strip()
    assert Path(where).is_relative_to(venv.parent.parent), where
    run(
        [venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", project / "tests"],
        cwd=tmp_path,
        env=env,
    )
    run([venv, "-m", "pip", "uninstall", "-y", crate], cwd=tmp_path, env=env)


@pytest.mark.parametrize("minor", range(facts.OLDEST_SUPPORTED[1] + 1, facts.NEWEST_SUPPORTED[1]))
def test_every_claimed_pyo3_minor_compiles(minor, tmp_path):
    """The minors between the oldest and the newest (both built end to end above) compile:
    `cargo check` of every crate and test target, the profiler included."""
    crate = f"minor-{minor}"
    result = run_cli("new", crate, tmp_path / crate, "--pyo3", f"0.{minor}", "--no-git", "--yes")
    assert result.exit_code == 0, result.stderr
    run(["cargo", "check", "--workspace", "--all-targets"], cwd=tmp_path / crate)
