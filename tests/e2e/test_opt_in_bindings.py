"""Issue 13, done when 1 (first shape): a crate whose Python bindings are opt-in, fixed, then
built by the real tools, no LD_LIBRARY_PATH.

The crate (the PW201 rule case `opt-in-bindings`) has `pyo3 = { ..., features =
["extension-module", "macros"], optional = true }`, `python = ["pyo3"]`, `default = []`, and
setuptools-rust builds it with `features=["python"]`. After `scaffold fix-features`:
a plain `cargo build` has no PyO3 in its graph; `cargo test --features python
--no-default-features` links libpython and runs (the crate's build.rs puts libpython on the
rpath, as `add-profiler` does); the setuptools-rust wheel imports and does not link libpython.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import build_env, git_commit_all, git_init, run, run_cli, venv_python

pytestmark = pytest.mark.e2e
CASE = Path(__file__).parents[1] / "rules" / "cases" / "PW201" / "opt-in-bindings" / "in"
BUILD_RS = """\
fn main() {
    // libpython on the rpath of what links it (tests with `--features python`)
    if std::env::var_os("CARGO_FEATURE_PYTHON").is_some() {
        pyo3_build_config::add_libpython_rpath_link_args();
    }
}
"""


def test_opt_in_bindings_after_the_fix(tmp_path: Path) -> None:
    root = tmp_path / "engine"
    shutil.copytree(CASE, root)
    (root / "build.rs").write_text(BUILD_RS)
    with (root / "Cargo.toml").open("a") as manifest:
        manifest.write('\n[build-dependencies]\npyo3-build-config = "0.30"\n')
    git_init(root)
    fixed = run_cli("fix-features", cwd=root)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    text = (root / "Cargo.toml").read_text()
    assert 'extension-module = ["pyo3?/extension-module"]' in text
    git_commit_all(root, "fixed")
    env = build_env()

    run(["cargo", "build"], cwd=root, env=env)
    tree = run(
        ["cargo", "tree", "-e", "normal,features", "-i", "pyo3"], cwd=root, env=env, check=False
    )
    assert "pyo3 v" not in tree.stdout, tree.stdout
    assert "did not match any packages" in tree.stderr or "nothing to print" in tree.stderr

    tested = run(
        ["cargo", "test", "--features", "python", "--no-default-features"], cwd=root, env=env
    )
    assert "test tests::adds ... ok" in tested.stdout

    out = tmp_path / "dist"
    # a dev-profile wheel (setuptools-rust >= 1.8, PR #364): what is checked does not depend on
    # the profile, and PyO3 compiles in a fraction of the release time
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, "."],
        cwd=root,
        env={**env, "SETUPTOOLS_RUST_CARGO_PROFILE": "dev"},
    )
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (library,) = [n for n in archive.namelist() if n.endswith(".so")]
        archive.extract(library, tmp_path / "unpacked")
    needed = subprocess.run(
        ["readelf", "-d", tmp_path / "unpacked" / library],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "NEEDED" in needed and "libpython" not in needed, needed
    python = venv_python(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=tmp_path, env=env)
    imported = run([python, "-c", "import engine; print(engine.add(2, 3))"], cwd=tmp_path, env=env)
    assert imported.stdout.strip() == "5"
