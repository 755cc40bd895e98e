"""What the release workflow does for a maturin project (issue 18), done locally: `maturin sdist`,
a wheel built from that sdist alone (unpacked away from the project), installed in a fresh
venv, imported; `auditwheel show` confirms the wheel's manylinux platform tag. (The
setuptools-rust sdist -> wheel path is in tests/e2e/test_variants.py.)

CI time: one build of the extension with the `dev` profile in conftest's CARGO_TARGET_DIR, where
PyO3 is already compiled by the other e2e tests."""

from __future__ import annotations

import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import BASE_PYTHON, build_env, run, run_cli, venv_python

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent
NAME = "ship-lib"


def test_sdist_alone_builds_a_wheel_that_imports_and_auditwheel_agrees(tmp_path):
    result = run_cli(
        "new", NAME, tmp_path / NAME, "--no-git", "--yes", "--license", "MIT OR Apache-2.0"
    )
    assert result.exit_code == 0, result.stderr
    project = tmp_path / NAME
    env = build_env()

    run([BIN / "maturin", "sdist", "--out", tmp_path / "sdist"], cwd=project, env=env)
    (sdist,) = (tmp_path / "sdist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {Path(*Path(n).parts[1:]).as_posix() for n in archive.getnames()}
        archive.extractall(tmp_path / "unpacked", filter="data")
    assert {
        "pyproject.toml",
        "Cargo.toml",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        f"crates/{NAME}/Cargo.toml",
        f"crates/{NAME}/src/lib.rs",
    } <= names, sorted(names)

    # The wheel from the sdist alone, built by the PEP 517 backend in the unpacked tree.
    (source,) = (tmp_path / "unpacked").iterdir()
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            tmp_path / "dist",
            source,
        ],
        cwd=tmp_path,
        env=build_env(MATURIN_PEP517_ARGS=f"--profile dev --interpreter {BASE_PYTHON}"),
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    metadata = (
        zipfile.ZipFile(wheel).read(f"{NAME.replace('-', '_')}-0.1.0.dist-info/METADATA").decode()
    )
    assert "License-Expression: MIT OR Apache-2.0" in metadata
    assert "Summary: " in metadata and "## Release" in metadata  # description and readme

    # A PEP 517 build from source is tagged for this machine (`linux_x86_64`); auditwheel finds
    # it manylinux-clean: no libpython or other non-system library is linked (the wiring's
    # point), so the CI's manylinux containers produce the manylinux tags PyPI accepts.
    assert wheel.name.endswith("-linux_x86_64.whl"), wheel.name
    shown = " ".join(run([BIN / "auditwheel", "show", wheel], cwd=tmp_path, env=env).stdout.split())
    assert re.search(
        r'consistent with the following platform tag: "manylinux_2_\d+_x86_64"', shown
    ), shown
    assert "libpython" not in shown, shown

    python = venv_python(tmp_path / "venv")
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=tmp_path, env=env)
    out = run(
        [
            python,
            "-c",
            "import json, ship_lib; print(json.dumps([ship_lib.__file__, "
            "ship_lib.count_primes(100), ship_lib.is_prime(7919)]))",
        ],
        cwd=tmp_path,
        env=env,
    ).stdout
    where, count, prime = json.loads(out)
    assert Path(where).is_relative_to(tmp_path / "venv") and (count, prime) == (25, True)
