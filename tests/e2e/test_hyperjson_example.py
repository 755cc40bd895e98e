"""examples/hyperjson-like: the JSON extension made with `scaffold new hyperjson`.

Builds the wheel with maturin, installs it into a fresh venv and runs the example's pytest
suite there; runs the Rust unit tests of the core and of the profiler; runs the profiler
binary. Everything without LD_LIBRARY_PATH, in conftest's shared CARGO_TARGET_DIR. PyO3 is
compiled three times: debug without `extension-module` (tests), release with it (the wheel),
release without it (the profiler).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import BASE_PYTHON, REPO, run, run_cli, venv_python

EXAMPLE = REPO / "examples" / "hyperjson-like"


@pytest.mark.e2e
def test_feature_wiring_is_clean():
    result = run_cli("fix-features", "--check", EXAMPLE)
    assert (result.exit_code, result.stdout) == (0, ""), result.stdout + result.stderr
    assert result.stderr == "All checks passed.\n"


@pytest.mark.e2e
def test_rust_unit_tests():
    # The library's tests need libpython linked: no `extension-module` (`cargo test-lib`).
    # The profiler is selected too, so both share one PyO3 build.
    proc = run(
        ["cargo", "test", "-p", "hyperjson", "-p", "hyperjson-profiler", "--no-default-features"],
        cwd=EXAMPLE,
    )
    out = proc.stdout + proc.stderr
    assert "round_trip_through_python_objects ... ok" in out
    assert "embedded_module_runs_every_profile ... ok" in out
    assert "errors_match_cpython ... ok" in out


@pytest.mark.e2e
def test_wheel_in_fresh_venv_passes_the_example_suite(tmp_path):
    wheels = tmp_path / "wheels"
    run(
        ["maturin", "build", "--release", "--interpreter", BASE_PYTHON, "--out", wheels],
        cwd=EXAMPLE,
    )
    (wheel,) = wheels.glob("hyperjson-*.whl")
    python = venv_python(tmp_path / "venv", "pytest", "hypothesis")
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=tmp_path)
    where = run(
        [python, "-c", "import hyperjson; print(hyperjson.__file__)"], cwd=tmp_path
    ).stdout.strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), where
    proc = run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", EXAMPLE / "tests"],
        cwd=tmp_path,
        timeout=1800,
    )
    assert re.search(r"\d+ passed", proc.stdout), proc.stdout[-2000:]
    assert "failed" not in proc.stdout.splitlines()[-1]


@pytest.mark.e2e
def test_profiler_binary_prints_timings():
    proc = run(
        ["cargo", "run", "--release", "-p", "hyperjson-profiler", "--", "--iterations", "3"],
        cwd=EXAMPLE,
    )
    lines = proc.stdout.splitlines()
    for profile in ("dict_str_int", "booleans", "deeply_nested", "floats", "unicode"):
        for op, timer in (
            ("loads", "parse"),
            ("loads", "native"),
            ("loads", "python"),
            ("dumps", "native"),
            ("dumps", "python"),
        ):
            assert any(
                re.match(rf"{profile}\s+{op}\s+{timer}\s+\S+s\s+[\d.]+$", line) for line in lines
            ), (profile, op, timer, proc.stdout)
    # The profiles are byte-identical to the benchmark's (benchmarks/profiles.py).
    listed = run(
        ["cargo", "run", "--release", "-q", "-p", "hyperjson-profiler", "--", "--list"], cwd=EXAMPLE
    ).stdout
    python_side = run([BASE_PYTHON, EXAMPLE / "benchmarks" / "profiles.py"], cwd=EXAMPLE).stdout
    assert listed.split() == python_side.split()
