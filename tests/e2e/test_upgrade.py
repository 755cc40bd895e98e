"""`scaffold upgrade --pyo3 0.30` on real projects, checked with the real cargo, maturin and pip.

Nothing is ever compiled at the old PyO3: the old projects are only resolved (`cargo
generate-lockfile`), so every build here is a PyO3 0.30 build that shares conftest's
CARGO_TARGET_DIR (and its feature sets) with tests/e2e/test_variants.py and
test_hyperjson_example.py. No LD_LIBRARY_PATH anywhere: the upgraded profiler's rpath comes
from `pyo3_build_config::add_libpython_rpath_link_args()`. Projects `new` made upgrade without
--unsafe-fixes: their answers files move and the templates' files are regenerated (issue 26).
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml

from scaffold.render import history
from tests.conftest import (
    BASE_PYTHON,
    REPO,
    TARGET_DIR,
    TODAY,
    build_env,
    git_commit_all,
    git_init,
    read_tree,
    release_today,
    run,
    run_cli,
    snapshot,
    venv_python,
)

pytestmark = pytest.mark.e2e

CASES = {
    "feature-0.24": ["--pyo3", "0.24", "--wiring", "feature"],
    "env-0.26": ["--pyo3", "0.26", "--wiring", "env"],
}
ANSWERS = (".copier-answers.yml", "crates/{crate}-profiler/.copier-answers.yml")
# The user's own lines, added to generated files: the regeneration keeps them.
USER_EDITS = {
    "README.md": "\nOur own paragraph, kept by upgrades.\n",
    "crates/{crate}/src/lib.rs": "\n/// Added by the user.\npub fn user_twice(x: u64) -> u64 {\n"
    "    2 * x\n}\n",
    "crates/{crate}-profiler/src/main.rs": "\n// The user's note on the profiler.\n",
}


def locked(root: Path, name: str) -> list[str]:
    lock = tomllib.loads((root / "Cargo.lock").read_text())
    return [p["version"] for p in lock["package"] if p["name"] == name]


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    return venv_python(tmp_path_factory.mktemp("upgrade-venv") / "venv", "pytest")


@pytest.fixture(scope="module")
def released_today(tmp_path_factory) -> Path:
    return release_today(tmp_path_factory.mktemp("history"))


def _edited(tree: dict[str, bytes], crate: str) -> dict[str, bytes]:
    """`tree` with USER_EDITS appended."""
    edited = dict(tree)
    for name, text in USER_EDITS.items():
        path = name.format(crate=crate)
        edited[path] = tree[path] + text.encode()
    return edited


@pytest.mark.parametrize("case", list(CASES))
def test_generated_project_upgrades_to_0_30(case, tmp_path, venv, released_today, monkeypatch):
    """Without --unsafe-fixes: the answers files move to 0.30 and every file the templates
    derive from the series is regenerated (3-way: the user's edits stay), so the project is
    what `new` makes at 0.30 plus those edits, and it builds."""
    monkeypatch.setenv(history.HISTORY_ENV, str(released_today))
    crate = f"up-{case.replace('.', '')}"
    module = crate.replace("-", "_")
    project = tmp_path / crate
    env = build_env()
    assert "LD_LIBRARY_PATH" not in env
    created = run_cli(
        "new", crate, project, *CASES[case], "--backend", "maturin", "--no-git", "--yes"
    )
    assert created.exit_code == 0, created.stderr
    made_old = read_tree(project)
    fresh = run_cli(
        "new", crate, tmp_path / "fresh" / crate, "--pyo3", "0.30", *CASES[case][2:],
        "--backend", "maturin", "--no-git", "--yes",
    )  # fmt: skip
    assert fresh.exit_code == 0, fresh.stderr
    made_new = read_tree(tmp_path / "fresh" / crate)
    derived = sorted(
        p for p in made_old.keys() | made_new.keys() if made_old.get(p) != made_new.get(p)
    )
    for name, text in USER_EDITS.items():
        with (project / name.format(crate=crate)).open("a") as file:
            file.write(text)
    run(["cargo", "generate-lockfile"], cwd=project, env=env)  # resolves; compiles nothing
    old = locked(project, "pyo3")
    git_init(project)
    before = snapshot(project)

    plan = run_cli("upgrade", project, "--pyo3", "0.30", "--dry-run")
    assert plan.exit_code == 1, plan.stdout + plan.stderr
    assert snapshot(project) == before  # --dry-run writes nothing
    series = CASES[case][1]
    for answers in ANSWERS:
        line = f'  {answers.format(crate=crate)}: pyo3_version "{series}" -> "0.30"'
        assert line + " (template answers)" in plan.stdout.splitlines(), plan.stdout
    for name in derived:
        if not name.endswith(".copier-answers.yml"):
            assert f"  {name}: regenerated from the templates (your edits kept)" in plan.stdout
    assert "[unsafe]" not in plan.stdout and "[by hand]" not in plan.stdout, plan.stdout
    assert "cargo update -p pyo3 -p pyo3-build-config" in plan.stdout

    result = run_cli("upgrade", project, "--pyo3", "0.30")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "fix-features --check: All checks passed." in result.stderr
    assert [v.startswith("0.30.") for v in locked(project, "pyo3")] == [True], old
    assert len(locked(project, "pyo3-ffi")) == 1
    # What `new` makes at 0.30 (answers files, CI matrix, README, manifests, the profiler and
    # the library), plus the user's edits.
    upgraded = read_tree(project)
    del upgraded["Cargo.lock"]
    assert upgraded == _edited(made_new, crate)
    assert {".copier-answers.yml", f"crates/{crate}-profiler/build.rs"} <= set(derived)
    if series == "0.24":  # the free-threaded wheels and the README's lines follow the series
        assert {".github/workflows/CI.yml", "README.md"} <= set(derived), derived
    for answers in ANSWERS:
        recorded = yaml.safe_load((project / answers.format(crate=crate)).read_text())
        assert (recorded["pyo3_version"], recorded["_commit"]) == ("0.30", TODAY)
    build_rs = (project / f"crates/{crate}-profiler/build.rs").read_text()
    assert "pyo3_build_config::add_libpython_rpath_link_args();" in build_rs
    sources = "".join(p.read_text() for p in (project / "crates").rglob("*.rs"))
    code = "\n".join(line for line in sources.splitlines() if not line.strip().startswith("//"))
    assert "with_gil" not in code and "allow_threads" not in code
    assert run_cli("fix-features", "--check", project).exit_code == 0

    # A second run changes nothing, and neither does `scaffold update`.
    git_commit_all(project, "upgraded")
    after = snapshot(project)
    again = run_cli("upgrade", project, "--pyo3", "0.30")
    assert again.exit_code == 0 and "nothing to change" in again.stdout, again.stdout
    update = run_cli("update", project, "--check")
    assert update.exit_code == 0, update.stderr
    assert "would change 0 file(s)" in update.stderr, update.stderr
    assert snapshot(project) == after

    # cargo build / test / test-lib, the profiler without LD_LIBRARY_PATH.
    run(["cargo", "build"], cwd=project, env=env)
    tests = run(["cargo", "test"], cwd=project, env=env).stdout
    assert "embedded_module_runs_the_workload ... ok" in tests
    assert "counts_primes ... ok" in run(["cargo", "test-lib"], cwd=project, env=env).stdout
    profiler = run(
        [TARGET_DIR / "debug" / f"{crate}-profiler", "--iterations", "2"], cwd=project, env=env
    ).stdout.splitlines()
    assert [line.split()[0] for line in profiler] == ["native", "python"], profiler

    # The wheel builds, installs into a fresh venv, imports and passes the project's tests.
    out = tmp_path / "dist"
    run(
        ["maturin", "build", "--profile", "dev", "--interpreter", BASE_PYTHON, "--out", out],
        cwd=project,
        env=env,
    )
    (wheel,) = out.glob("*.whl")
    run([venv, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=tmp_path, env=env)
    try:
        run(
            [venv, "-c", f"import {module}; assert {module}.count_primes(100) == 25"],
            cwd=tmp_path,
            env=env,
        )
        run(
            [venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", project / "tests"],
            cwd=tmp_path,
            env=env,
        )
    finally:
        run([venv, "-m", "pip", "uninstall", "-y", crate], cwd=tmp_path, env=env)


NUMPY_WORKSPACE = {
    "Cargo.toml": (
        '[workspace]\nmembers = ["crates/arrays"]\nresolver = "2"\n\n'
        '[workspace.dependencies]\npyo3 = "0.24"\n'
        "# NumPy's bindings: one release per PyO3 minor.\n"
        'numpy = { version = "0.24" }\n'
    ),
    "crates/arrays/Cargo.toml": (
        '[package]\nname = "arrays"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
        'pyo3 = { workspace = true, features = ["auto-initialize"] }\n'
        'numpy.workspace = true\npyo3-log = "=0.12.4"  # its own version line\n'
    ),
    "crates/arrays/src/lib.rs": (
        "//! A library on NumPy's and `log`'s PyO3 bindings.\n"
        "use numpy::PyArray1;\nuse pyo3::prelude::*;\n\n"
        "/// A NumPy array of `n` zeros, made from Rust.\n"
        "pub fn zeros(py: Python<'_>, n: usize) -> Bound<'_, PyArray1<f64>> {\n"
        "    PyArray1::zeros(py, n, false)\n}\n\n"
        "/// Sends Rust `log` records to Python's `logging`.\n"
        "pub fn init_logging() {\n    let _ = pyo3_log::try_init();\n}\n"
    ),
}


def test_companions_move_with_pyo3(tmp_path):
    """numpy 0.24 and pyo3-log 0.12 (PyO3 0.24) move to releases built on PyO3 0.30, found by
    cargo in the registry, and the workspace builds. The build's interpreter has no NumPy
    package: numpy's crate needs NumPy only at run time."""
    root = tmp_path / "ws"
    for name, text in NUMPY_WORKSPACE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    env = build_env()
    run(["cargo", "generate-lockfile"], cwd=root, env=env)
    assert locked(root, "numpy")[0].startswith("0.24.")
    git_init(root)
    result = run_cli("upgrade", root, "--pyo3", "0.30")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (root / "Cargo.toml").read_text() == NUMPY_WORKSPACE["Cargo.toml"].replace(
        '"0.24"', '"0.30"'
    )
    member = (root / "crates/arrays/Cargo.toml").read_text()
    assert 'pyo3-log = "=0.13.' in member and "# its own version line" in member
    metadata = json.loads(
        run(["cargo", "metadata", "--format-version", "1", "--locked"], cwd=root, env=env).stdout
    )
    versions = {p["name"]: p["version"] for p in metadata["packages"]}
    assert versions["numpy"].startswith("0.30.") and versions["pyo3"].startswith("0.30.")
    assert [p["version"] for p in metadata["packages"] if p["name"] == "pyo3-ffi"] == [
        versions["pyo3"]
    ]  # one PyO3 in the graph: the companions agree on it
    has_numpy = run([BASE_PYTHON, "-c", "import numpy"], cwd=root, env=env, check=False)
    run(["cargo", "build", "--locked"], cwd=root, env=env)
    print("the build interpreter has NumPy:", has_numpy.returncode == 0)


def test_hyperjson_example_from_0_28(tmp_path):
    """examples/hyperjson-like moved back to PyO3 0.28, then upgraded to 0.30."""
    root = tmp_path / "hyperjson-like"
    shutil.copytree(
        REPO / "examples" / "hyperjson-like",
        root,
        ignore=shutil.ignore_patterns("target", "__pycache__", "*.so"),
    )
    manifests = [root / "Cargo.toml", *sorted((root / "crates").glob("*/Cargo.toml"))]
    for manifest in manifests:
        text = manifest.read_text()
        manifest.write_text(
            text.replace('pyo3 = "0.30"', 'pyo3 = "0.28"').replace(
                'pyo3-build-config = "0.30"', 'pyo3-build-config = "0.28"'
            )
        )
    env = build_env()
    run(["cargo", "update", "-p", "pyo3", "-p", "pyo3-build-config"], cwd=root, env=env)
    assert locked(root, "pyo3")[0].startswith("0.28.")
    git_init(root)
    before = snapshot(root)

    plan = run_cli("upgrade", root, "--pyo3", "0.30", "--dry-run")
    assert plan.exit_code == 1, plan.stdout + plan.stderr
    assert snapshot(root) == before
    assert plan.stdout.splitlines()[0].startswith("PyO3 0.28 -> 0.30 (pyo3 0.30.")
    assert 'Cargo.toml:20: pyo3 "0.28" -> "0.30"' in plan.stdout, plan.stdout
    assert 'crates/hyperjson/Cargo.toml:30: pyo3-build-config "0.28" -> "0.30"' in plan.stdout
    assert "fix-features --check: All checks passed." in plan.stderr

    result = run_cli("upgrade", root, "--pyo3", "0.30")
    assert result.exit_code == 0, result.stdout + result.stderr
    for manifest in manifests:  # back to the example's own text, byte for byte
        assert (
            manifest.read_bytes()
            == (REPO / "examples" / "hyperjson-like" / manifest.relative_to(root)).read_bytes()
        )
    assert locked(root, "pyo3")[0].startswith("0.30.")
    run(["cargo", "check", "--workspace", "--all-targets"], cwd=root, env=env)
    # The example's Rust tests, as tests/e2e/test_hyperjson_example.py runs them (same build).
    proc = run(
        ["cargo", "test", "-p", "hyperjson", "-p", "hyperjson-profiler", "--no-default-features"],
        cwd=root,
        env=env,
    )
    out = proc.stdout + proc.stderr
    assert "round_trip_through_python_objects ... ok" in out
    assert "embedded_module_runs_every_profile ... ok" in out
