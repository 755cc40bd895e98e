"""`scaffold doctor` and `scaffold cross` on a generated project, with the real cargo, maturin,
pip and python. The cross build targets the host triple explicitly (the only std installed
here), with the cross settings pointing at this machine's own libpython and _sysconfigdata."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from scaffold.cross import envfile
from tests.conftest import BASE_PYTHON, TARGET_DIR, git_init, run, run_cli, snapshot

pytestmark = pytest.mark.e2e

NAME = "demo"
PROFILER = f"{NAME}-profiler"
LIBDIR = Path(sysconfig.get_config_var("LIBDIR") or "/nonexistent")
SHARED = bool(sysconfig.get_config_var("Py_ENABLE_SHARED"))


def host_triple() -> str:
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout
    return re.search(r"^host: (\S+)", out, re.M).group(1)


@pytest.fixture
def project(tmp_path) -> Path:
    result = run_cli("new", NAME, "--yes", "--no-git", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    return tmp_path / NAME


@pytest.fixture
def clean_env(monkeypatch):
    """The environment the tests' builds use: no loader path, PYO3_PYTHON fixed, shared target."""
    for key in list(os.environ):
        if key.startswith("PYO3_") or key in (
            "LD_LIBRARY_PATH",
            "VIRTUAL_ENV",
            "CONDA_PREFIX",
            "PYTHON_SYS_EXECUTABLE",
            "CARGO_HOME",
        ):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CARGO_TARGET_DIR", str(TARGET_DIR))
    monkeypatch.setenv("PYO3_PYTHON", BASE_PYTHON)
    return monkeypatch


def doctor(project: Path, *args: str) -> tuple[int, dict[str, list[dict]], str]:
    """Run doctor as JSON; checks grouped by id."""
    result = run_cli("doctor", project, "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    assert data["exit_code"] == result.exit_code
    grouped: dict[str, list[dict]] = {}
    for check in data["checks"]:
        grouped.setdefault(check["check"], []).append(check)
    return result.exit_code, grouped, result.stdout


def test_doctor_on_a_generated_project(project, clean_env):
    run(["cargo", "build", "-p", PROFILER], cwd=project)
    profiler = TARGET_DIR / "debug" / PROFILER
    run([profiler, "--iterations", "1"], cwd=project)  # starts without LD_LIBRARY_PATH

    code, checks, _ = doctor(project)
    assert code == 0, checks
    (found,) = checks["interpreter"]
    version = ".".join(map(str, sys.version_info[:3]))
    assert found["verdict"] == "ok" and f"CPython {version}" in found["message"]
    assert "from PYO3_PYTHON" in found["message"]
    assert checks["requires-python"][0]["verdict"] == "ok"
    assert checks["pyo3-python"][0]["verdict"] == "ok"
    if not SHARED:
        pytest.skip("this Python links libpython statically")
    (lib,) = checks["libpython"]
    assert "shared libpython" in lib["message"] and str(LIBDIR) in lib["message"]
    if not str(LIBDIR).startswith(("/usr/lib", "/lib", "/usr/local/lib")):
        assert lib["verdict"] == "note" and "outside the loader path" in lib["message"]
        assert lib["fix"].startswith("export LD_LIBRARY_PATH=")
        assert checks[f"rpath:{PROFILER}"][0]["verdict"] == "ok"
        (binary,) = checks[f"binary:debug/{PROFILER}"]
        assert binary["verdict"] == "ok"
        assert (
            binary["message"].startswith("RUNPATH")
            and f"{LIBDIR} provides libpython" in binary["message"]
        )


def test_doctor_text_and_json_carry_the_same_verdicts(project, clean_env):
    clean_env.setenv("PYTHON_SYS_EXECUTABLE", "/usr/bin/python3")
    text = run_cli("doctor", project)
    code, checks, _ = doctor(project)
    assert text.exit_code == code == 1
    rows = {
        tuple(line.split()[:2]) for line in text.stdout.splitlines()[1:] if not line.startswith(" ")
    }
    assert rows == {(c["check"], c["verdict"]) for group in checks.values() for c in group}
    (stale,) = checks["setting:PYTHON_SYS_EXECUTABLE"]
    assert stale["verdict"] == "warn" and "ignored since PyO3 0.14" in stale["message"]
    assert stale["fix"] == "unset PYTHON_SYS_EXECUTABLE"
    exports = run_cli("doctor", project, "--env")
    assert "unset PYTHON_SYS_EXECUTABLE" in exports.stdout.splitlines()


def test_doctor_with_a_missing_pyo3_python(project, clean_env):
    clean_env.setenv("PYO3_PYTHON", "/nonexistent")
    code, checks, _ = doctor(project)
    assert code == 1
    (found,) = checks["interpreter"]
    assert found["verdict"] == "error"
    assert "PYO3_PYTHON=/nonexistent does not exist" in found["message"]
    assert "export PYO3_PYTHON=" in found["fix"]
    exports = run_cli("doctor", project, "--env")
    assert exports.exit_code == 1
    assert any(line.startswith("export PYO3_PYTHON=/") for line in exports.stdout.splitlines())


def test_doctor_outside_a_cargo_project(tmp_path, clean_env):
    code, checks, _ = doctor(tmp_path)
    assert code == 0
    assert checks["project"][0]["verdict"] == "note"
    assert "interpreter" in checks and "rustc" in checks
    assert not any(k.startswith(("rpath:", "requires-python", "maturin")) for k in checks)


def sysconfigdata(libdir: Path) -> Path:
    name = sysconfig._get_sysconfigdata_name() + ".py"
    matches = sorted(libdir.rglob(name))
    if not matches:
        pytest.skip(f"no {name} under {libdir}")
    return matches[0]


def test_cross_for_the_host_triple_builds_an_importable_wheel(project, clean_env, tmp_path):
    sysconfigdata(LIBDIR)
    host = host_triple()
    git_init(project)
    config = project / ".cargo" / "config.toml"
    config_before = config.read_text()
    linker = "gcc" if shutil.which("gcc") else "cc"

    result = run_cli("cross", host, project, "--lib-dir", LIBDIR, "--linker", linker)
    assert result.exit_code == 0, result.stderr
    assert config.read_text().startswith(config_before)  # the aliases are kept, byte for byte
    assert tomllib.loads(config.read_text())["target"][host] == {"linker": linker}
    settings = envfile.read(project / ".cargo" / "cross" / f"{host}.env")
    assert settings == {
        "PYO3_CROSS_LIB_DIR": str(LIBDIR.resolve()),
        "PYO3_CROSS_PYTHON_VERSION": "{}.{}".format(*sys.version_info[:2]),
        "PYO3_CROSS_PYTHON_IMPLEMENTATION": "CPython",
    }
    commands = [line for line in result.stdout.splitlines() if line.startswith("(")]
    cargo_cmd = next(c for c in commands if f"cargo build --target {host}" in c)
    maturin_cmd = next(c for c in commands if f"maturin build --release --target {host}" in c)

    wheels = tmp_path / "wheels"
    run(["bash", "-c", maturin_cmd[:-1] + f" --out {wheels})"], cwd=project)
    (wheel,) = wheels.glob("*.whl")
    venv = tmp_path / "venv"
    run([BASE_PYTHON, "-m", "venv", venv], cwd=tmp_path)
    run(
        [venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", wheel],
        cwd=tmp_path,
    )
    imported = run(
        [venv / "bin" / "python", "-c", f"import {NAME}; print({NAME}.count_primes(100))"],
        cwd=tmp_path,
    )
    assert imported.stdout.strip() == "25"

    run(["bash", "-c", cargo_cmd], cwd=project)
    run([TARGET_DIR / host / "debug" / PROFILER, "--iterations", "1"], cwd=project)

    # The native build never sees the cross settings, and still works.
    run(["cargo", "build"], cwd=project)
    run([TARGET_DIR / "debug" / PROFILER, "--iterations", "1"], cwd=project)
    _, checks, _ = doctor(project)
    assert checks[f"cross:{host}"][0]["verdict"] == "note"
    assert not any(k.startswith("setting:PYO3_CROSS") for k in checks)


@pytest.fixture
def bad_lib_dirs(tmp_path) -> dict[str, Path]:
    real = sysconfigdata(LIBDIR)
    version = "python{}.{}".format(*sys.version_info[:2])
    no_libpython = tmp_path / "no-libpython"
    (no_libpython / version).mkdir(parents=True)
    shutil.copy(real, no_libpython / version / real.name)
    no_sysconfig = tmp_path / "no-sysconfigdata"
    no_sysconfig.mkdir()
    for lib in LIBDIR.glob(f"lib{version}*"):
        (no_sysconfig / lib.name).symlink_to(lib)
    return {
        "missing": tmp_path / "missing",
        "no-libpython": no_libpython,
        "no-sysconfigdata": no_sysconfig,
    }


@pytest.mark.parametrize(
    "case,args,message",
    [
        ("unknown-target", ["x86_64-unknown-nowhere-gnu"], "unknown target"),
        ("missing-lib-dir", ["HOST", "--lib-dir", "missing"], "no such directory"),
        ("no-libpython", ["HOST", "--lib-dir", "no-libpython"], "no libpython"),
        ("no-sysconfigdata", ["HOST", "--lib-dir", "no-sysconfigdata"], "no _sysconfigdata"),
        ("bad-version", ["HOST", "--python-version", "3.x"], "bad --python-version '3.x'"),
        ("old-version", ["HOST", "--python-version", "3.8"], "supports Python >= 3.9"),
        (
            "missing-linker",
            ["HOST", "--python-version", "3.12", "--linker", "no-such-cc"],
            "not found on PATH",
        ),
    ],
)
def test_cross_bad_input_writes_nothing(project, bad_lib_dirs, case, args, message):
    git_init(project)
    host = host_triple()
    args = [host if a == "HOST" else str(bad_lib_dirs.get(a, a)) for a in args]
    before = snapshot(project)
    result = run_cli("cross", args[0], project, *args[1:])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert snapshot(project) == before
