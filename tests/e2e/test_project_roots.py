"""Issue 15 (and issue 13 item 5): add-profiler and fix-features from every starting point, on
shapes real repositories have, with the real cargo, maturin and pip (no LD_LIBRARY_PATH).

One project per shape feeds several asserts; builds share the test target directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import (
    TARGET_DIR,
    build_env,
    git_commit_all,
    git_init,
    lib_rs,
    pyo3_manifest,
    run,
    run_cli,
    snapshot,
    write_tree,
)

pytestmark = pytest.mark.e2e


def cargo_ok(directory: Path) -> bool:
    proc = run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=directory, check=False
    )
    return proc.returncode == 0


def crate_dirs(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob("Cargo.toml") if "target" not in p.parts)


def run_profiler(name: str, cwd: Path) -> str:
    binary = TARGET_DIR / "debug" / name
    return run([binary, "--iterations", "2"], cwd=cwd, env=build_env()).stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("venv") / "env"
    run([sys.executable, "-m", "venv", path], cwd=path.parent)
    return path / "bin" / "python"


def test_standalone_nested_crate(tmp_path):
    """A root extension crate with a `profiling/` crate of its own (not a member, own
    Cargo.lock, named like the profiler the tool would add)."""
    repo = tmp_path / "nested"
    write_tree(
        repo,
        {
            "Cargo.toml": """\
            [package]
            name = "nested"
            version = "0.1.0"
            edition = "2021"

            [lib]
            crate-type = ["cdylib", "rlib"]

            [dependencies]
            pyo3 = "*"  # whatever is newest
            """,
            "src/lib.rs": lib_rs("nested", double=True),
            "profiling/Cargo.toml": """\
            [package]
            name = "nested-profiler"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            """,
            "profiling/src/main.rs": 'fn main() {\n    println!("standalone");\n}\n',
        },
    )
    run(["cargo", "generate-lockfile"], cwd=repo)
    run(["cargo", "generate-lockfile"], cwd=repo / "profiling")
    git_init(repo)
    before = {d: cargo_ok(d) for d in crate_dirs(repo)}
    assert all(before.values())

    result = run_cli("add-profiler", cwd=repo)
    assert result.exit_code == 0, result.stderr
    locked = next(
        p["version"]
        for p in tomllib.loads((repo / "Cargo.lock").read_text())["package"]
        if p["name"] == "pyo3"
    )
    assert f"the profiler asks for pyo3 '{locked}'" in result.stderr  # `*` -> the locked one
    manifest = tomllib.loads((repo / "Cargo.toml").read_text())
    assert manifest["workspace"]["exclude"] == ["profiling"]
    (new,) = [d for d in crate_dirs(repo) if d not in before]
    name = tomllib.loads((new / "Cargo.toml").read_text())["package"]["name"]
    assert name == "nested-profiler-2"  # unique: `nested-profiler` is the standalone crate
    assert (
        tomllib.loads((new / "Cargo.toml").read_text())["dependencies"]["pyo3"]["version"] == locked
    )
    for directory, ok in before.items():  # every directory cargo accepted still works
        assert cargo_ok(directory) == ok, directory
    run(["cargo", "build"], cwd=repo)
    assert "python  2 iterations" in run_profiler(name, repo)
    run(["cargo", "build"], cwd=repo / "profiling")


def existing_profiler_shape(root: Path) -> Path:
    """hyperjson's shape with a `profiling` member that embeds Python and has no rpath."""
    repo = root / "withprof"
    write_tree(
        repo,
        {
            "Cargo.toml": pyo3_manifest(
                "withprof", extra='\n[workspace]\nmembers = ["profiling"]\n'
            ),
            "src/lib.rs": lib_rs("withprof", double=True),
            "profiling/Cargo.toml": """\
            [package]
            name = "profiling"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            withprof = { path = ".." }
            pyo3 = { version = "0.30", features = ["auto-initialize"] }
            """,
            "profiling/src/main.rs": """\
            use pyo3::prelude::*;

            fn main() {
                let version = Python::attach(|py| py.version().to_string());
                println!("double {} on {}", withprof::double(21), version);
            }
            """,
        },
    )
    git_init(repo)
    return repo


def test_existing_profiler_is_fixed_not_duplicated(tmp_path):
    repo = existing_profiler_shape(tmp_path)
    dry = run_cli("add-profiler", "--dry-run", cwd=repo)
    assert dry.exit_code == 1 and "already profiles" in dry.stderr, dry.stderr  # would change
    assert "would create: profiling/build.rs" in dry.stderr
    result = run_cli("add-profiler", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert "`profiling` already profiles `withprof`" in result.stderr
    assert not [d for d in crate_dirs(repo) if "profiler" in d.name]  # no second crate
    assert (repo / "profiling" / "build.rs").is_file()  # its rpath, from PW103's fix
    git_commit_all(repo)
    assert "nothing to do" in run_cli("add-profiler", cwd=repo).stderr
    assert (
        subprocess.run(
            ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True
        ).stdout
        == ""
    )
    run(["cargo", "build", "-p", "profiling"], cwd=repo)
    out = run([TARGET_DIR / "debug" / "profiling"], cwd=repo, env=build_env()).stdout
    assert out.startswith("double 42 on 3."), out

    second = run_cli("add-profiler", "--name", "extra", cwd=repo)  # explicitly a second one
    assert second.exit_code == 0, second.stderr
    assert (repo / "extra" / "Cargo.toml").is_file()
    assert "cargo run --release -p extra" in second.stderr


SRC_LAYOUT = {
    "pyproject.toml": """\
        [build-system]
        requires = ["maturin>=1.0,<2"]  # too old for env wiring: PW403 fixes this file
        build-backend = "maturin"

        [project]
        name = "srclayout"
        version = "0.1.0"

        [tool.maturin]
        python-source = "python"
        module-name = "srclayout._core"
        """,
    "rust/Cargo.toml": """\
        [package]
        name = "srclayout"
        version = "0.1.0"
        edition = "2021"

        [lib]
        name = "_core"
        crate-type = ["cdylib"]

        [dependencies]
        pyo3 = "0.30"
        """,
    "rust/src/lib.rs": lib_rs("_core", double=True),
    "python/srclayout/__init__.py": "from ._core import double_py\n",
}


def test_src_layout_from_root_and_from_rust(tmp_path, venv):
    """maturin's src layout: fix-features and add-profiler from the project root and, in a
    fresh copy, from `rust/` give the same files, which build, run and whose wheel imports."""
    results = {}
    for start in (".", "rust"):
        repo = tmp_path / ("root" if start == "." else "sub") / "srclayout"
        write_tree(repo, SRC_LAYOUT, git=True)
        here = repo / start
        fixed = run_cli("fix-features", "--unsafe-fixes", cwd=here)
        assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
        assert "maturin>=1.9.4" in (repo / "pyproject.toml").read_text()
        git_commit_all(repo)
        dry = run_cli("add-profiler", "--diff", cwd=here)
        prefix = "rust/" if start == "." else ""
        assert f"+++ b/{prefix}Cargo.toml" in dry.stdout, dry.stdout
        added = run_cli("add-profiler", cwd=here)
        assert added.exit_code == 0, added.stderr
        assert f"created: {prefix}srclayout-profiler/Cargo.toml" in added.stderr
        hint = (
            "cargo run --manifest-path rust/Cargo.toml --release -p srclayout-profiler"
            if start == "."
            else "cargo run --release -p srclayout-profiler"
        )
        assert hint in added.stderr, added.stderr
        git_commit_all(repo)
        assert run_cli("fix-features", "--check", cwd=here).exit_code == 0
        results[start] = (repo, snapshot(repo))
    (root_repo, root_tree), (sub_repo, sub_tree) = results["."], results["rust"]
    assert root_tree == sub_tree

    run(["cargo", "build"], cwd=root_repo / "rust")  # the hint's build, from where it says
    assert "python  2 iterations" in run_profiler("srclayout-profiler", root_repo)
    for repo in (root_repo, sub_repo):
        out = repo / "dist"
        run(["maturin", "build", "--out", out], cwd=repo)
        (wheel,) = out.glob("*.whl")
        run([venv, "-m", "pip", "install", "--force-reinstall", "--no-deps", wheel], cwd=repo)
        assert (
            run(
                [venv, "-c", "import srclayout; print(srclayout.double_py(21))"], cwd=tmp_path
            ).stdout.strip()
            == "42"
        )
    shutil.rmtree(tmp_path / "sub")


PYENV = Path.home() / ".pyenv" / "versions"


def pyenv_pythons() -> list[str]:
    found = sorted(
        p.name
        for p in PYENV.glob("3.1[0-9]*")
        if (p / "bin" / "python3").exists() and list((p / "lib").glob("libpython3.*.so.1.0"))
    )
    return found


@pytest.mark.skipif(
    shutil.which("pyenv") is None or len(pyenv_pythons()) < 2,
    reason="needs pyenv with two shared-library Pythons",
)
def test_doctor_with_a_pyenv_local_python(tmp_path):
    """A `.python-version` naming another Python than the global one: cargo's build script
    runs outside the project and gets the global Python; doctor says so, judges the binary by
    the libpython it needs, and warns that maturin here would build for the local one.
    (A pyo3-ffi binary keeps the private target directory's build short.)"""
    env = {k: v for k, v in build_env().items() if k != "PYO3_PYTHON"}
    env.pop("PYENV_VERSION", None)
    # The user's shell: pyenv's shims first on PATH (a venv running the tests would shadow them).
    shims = Path(run(["pyenv", "root"], cwd=Path.home(), env=env).stdout.strip()) / "shims"
    env["PATH"] = f"{shims}{os.pathsep}{env['PATH']}"
    global_python = run(["pyenv", "version-name"], cwd=Path.home(), env=env).stdout.strip()
    local = next(v for v in reversed(pyenv_pythons()) if v != global_python)
    repo = tmp_path / "pyenvapp"
    write_tree(
        repo,
        {
            ".python-version": f"{local}\n",
            "Cargo.toml": """\
            [package]
            name = "pyenvapp"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            pyo3-ffi = "0.30"

            [build-dependencies]
            pyo3-build-config = "0.30"
            """,
            "build.rs": "fn main() {\n    pyo3_build_config::add_libpython_rpath_link_args();\n}\n",
            "src/main.rs": """\
            fn main() {
                unsafe {
                    pyo3_ffi::Py_Initialize();
                    let version = std::ffi::CStr::from_ptr(pyo3_ffi::Py_GetVersion());
                    println!("{}", version.to_str().unwrap());
                }
            }
            """,
        },
    )
    assert run(["python3", "--version"], cwd=repo, env=env).stdout.split()[1] == local
    env["CARGO_TARGET_DIR"] = str(tmp_path / "target")
    run(["cargo", "build"], cwd=repo, env=env)
    ran = run([tmp_path / "target" / "debug" / "pyenvapp"], cwd=repo, env=env).stdout
    assert ran.startswith(global_python), ran  # the global Python, not the local one

    proc = run(
        [sys.executable, "-m", "scaffold", "doctor", "--output-format", "json"],
        cwd=repo,
        env=env,
        check=False,
    )
    checks = {c["check"]: c for c in json.loads(proc.stdout)["checks"]}
    assert global_python in checks["interpreter"]["message"]
    assert checks["last-build"]["verdict"] == "ok"
    assert f"versions/{global_python}/" in checks["last-build"]["message"]
    binary = checks["binary:debug/pyenvapp"]
    assert binary["verdict"] == "ok" and "provides libpython" in binary["message"], binary
    mismatch = checks["interpreter-mismatch"]
    assert mismatch["verdict"] == "warn" and local in mismatch["message"]
    assert "PYO3_PYTHON=" in mismatch["fix"] and "remove the mismatch" in mismatch["fix"]


def test_profiler_of_opt_in_bindings_gets_the_wheel_features(tmp_path):
    """Bindings behind `python = ["pyo3"]`, built by setuptools-rust with `features=["python"]`:
    the profiler enables the same feature, so the module it embeds exists (found on tiktoken)."""
    repo = tmp_path / "optin"
    write_tree(
        repo,
        {
            "Cargo.toml": """\
            [package]
            name = "optin"
            version = "0.1.0"
            edition = "2021"

            [lib]
            crate-type = ["cdylib", "rlib"]

            [features]
            default = []
            python = ["pyo3"]

            [dependencies]
            pyo3 = { version = "0.30", optional = true }
            """,
            "src/lib.rs": "pub fn double(x: u64) -> u64 {\n    x * 2\n}\n\n"
            '#[cfg(feature = "python")]\nmod bindings;\n',
            "src/bindings.rs": lib_rs("optin", double=True).replace(
                "double(x)", "crate::double(x)"
            ),
            "setup.py": """\
            from setuptools import setup
            from setuptools_rust import Binding, RustExtension

            setup(name="optin", rust_extensions=[
                RustExtension("optin", binding=Binding.PyO3, features=["python"])])
            """,
        },
    )
    git_init(repo)
    added = run_cli("add-profiler", cwd=repo)
    assert added.exit_code == 0, added.stderr
    spec = tomllib.loads((repo / "optin-profiler" / "Cargo.toml").read_text())["dependencies"]
    assert spec["optin"]["features"] == ["python"] and spec["optin"]["default-features"] is False
    run(["cargo", "build", "-p", "optin-profiler"], cwd=repo)
    assert "python  2 iterations" in run_profiler("optin-profiler", repo)


def test_profiler_of_an_edition_2018_crate(tmp_path):
    """An extension crate on edition 2018 with a workspace of its own (found on rust-numpy's
    examples/simple): the profiler inherits its edition, which has no `c"..."` literals."""
    repo = tmp_path / "old-edition"
    write_tree(
        repo,
        {
            "Cargo.toml": """\
            [package]
            name = "old-edition"
            version = "0.1.0"
            edition = "2018"

            [lib]
            name = "old_edition"
            crate-type = ["cdylib", "rlib"]

            [dependencies]
            pyo3 = "0.30"

            [workspace]
            """,
            "src/lib.rs": lib_rs("old_edition", double=True),
        },
    )
    git_init(repo)
    added = run_cli("add-profiler", cwd=repo)
    assert added.exit_code == 0, added.stderr
    profiler = repo / "old-edition-profiler"
    assert 'edition = "2018"' in (profiler / "Cargo.toml").read_text()
    run(["cargo", "build", "-p", "old-edition-profiler"], cwd=repo)
    assert "python  2 iterations" in run_profiler("old-edition-profiler", repo)
