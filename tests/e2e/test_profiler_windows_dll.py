"""The profiler's Windows branch (issue 26 item 5), exercised on Linux.

On Windows the generated profiler's build.rs copies the interpreter's DLL beside the binary and
tells `main.rs` Python's home. Windows itself is proven only by the generated CI; here the real
build script, compiled by cargo for PyO3 0.24 (public config fields) and 0.30 (getters), is run
as cargo runs it, with the target said to be Windows, a fake `OUT_DIR` and a PyO3 configuration
(`DEP_PYTHON_PYO3_CONFIG`, which every series reads first) naming a fake installation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import build_env, run, run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.needs_rust]

DLL = b"MZ not a real DLL"


def _build_script_and_config(project: Path, profiler: str) -> tuple[Path, dict[str, str]]:
    """The profiler's compiled build script and the PyO3 configuration pyo3-ffi passed to it."""
    messages = run(
        ["cargo", "check", "-p", profiler, "--message-format=json"], cwd=project
    ).stdout.splitlines()
    script, config = None, None
    for message in map(json.loads, messages):
        if (
            message["reason"] == "compiler-artifact"
            and message["target"]["kind"] == ["custom-build"]
            and message["manifest_path"].endswith(f"/{profiler}/Cargo.toml")
        ):
            script = Path(message["filenames"][0])
        if message["reason"] == "build-script-executed" and "pyo3-ffi" in message["package_id"]:
            output = (Path(message["out_dir"]).parent / "output").read_text()
            (line,) = [ln for ln in output.splitlines() if ln.startswith("cargo:PYO3_CONFIG=")]
            text = bytes.fromhex(line.split("=", 1)[1]).decode()
            config = dict(ln.split("=", 1) for ln in text.splitlines() if "=" in ln)
    assert script and script.is_file() and config, messages[-3:]
    return script, config


def _env_of(profile: Path, config: dict[str, str], target_os: str = "windows") -> dict[str, str]:
    """What cargo gives the build script: the target, OUT_DIR, pyo3-ffi's configuration."""
    out_dir = profile / "build" / "win-lib-profiler-0123456789abcdef" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    windows = target_os == "windows"
    triple = "x86_64-pc-windows-msvc" if windows else "x86_64-unknown-linux-gnu"
    return {
        **build_env(),
        "OUT_DIR": str(out_dir),
        "CARGO_CFG_TARGET_OS": target_os,
        "CARGO_CFG_TARGET_FAMILY": "windows" if windows else "unix",
        # A native build, as on a Windows machine (HOST == TARGET: no cross-compiling).
        "TARGET": triple,
        "HOST": triple,
        # PyO3 0.24's `add_python_framework_link_args` resolves the configuration itself and,
        # on this Linux host, takes a Windows TARGET for cross-compiling.
        "PYO3_CROSS_PYTHON_VERSION": config["version"],
        "DEP_PYTHON_PYO3_CONFIG": "".join(f"{k}={v}\n" for k, v in config.items()).encode().hex(),
    }


def _run_as_cargo(
    script: Path, config: dict[str, str], tmp: Path, target_os: str = "windows"
) -> tuple[str, Path]:
    """Runs the build script as cargo would; returns its stdout and the profile folder (the
    binary's) above its OUT_DIR."""
    profile = tmp / "target" / "dev"
    proc = run([script], cwd=tmp, env=_env_of(profile, config, target_os))
    return proc.stdout, profile


def _installation(root: Path, *dlls: str, stdlib: bool = True) -> Path:
    """A fake Windows Python installation: DLLs at the root, `libs`, and `Lib/os.py`."""
    (root / "libs").mkdir(parents=True)
    for dll in dlls:
        (root / dll).write_bytes(DLL)
    if stdlib:
        (root / "Lib").mkdir()
        (root / "Lib" / "os.py").write_text("")
    (root / "python.exe").write_bytes(b"")
    return root


@pytest.fixture(scope="module", params=["0.24", "0.30"])
def built(request, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    where = tmp_path_factory.mktemp(f"windows-dll-{request.param}")
    result = run_cli("new", "win-lib", "--pyo3", request.param, "--no-git", "--yes", cwd=where)
    assert result.exit_code == 0, result.stderr
    return _build_script_and_config(where / "win-lib", "win-lib-profiler")


def _fake(config: dict[str, str], install: Path, lib_name: str) -> dict[str, str]:
    return {
        **config,
        "lib_name": lib_name,
        "lib_dir": str(install / "libs"),
        "executable": str(install / "python.exe"),
    }


def test_the_dll_is_copied_beside_the_binary_and_its_tests(built, tmp_path):
    script, config = built
    major, minor = config["version"].split(".")
    dll = f"python{major}{minor}.dll"
    install = _installation(tmp_path / "Python", dll)
    stdout, profile = _run_as_cargo(script, _fake(config, install, dll[:-4]), tmp_path)
    assert (profile / dll).read_bytes() == DLL
    assert (profile / "deps" / dll).read_bytes() == DLL
    assert f"cargo:rustc-env=PROFILER_PYTHON_HOME={install}" in stdout.splitlines()
    assert "only on PATH" not in stdout
    assert "-rpath" not in stdout  # nothing of the Unix branches on Windows


def test_abi3_copies_the_forwarder_and_the_versioned_dll(built, tmp_path):
    script, config = built
    major, minor = config["version"].split(".")
    versioned = f"python{major}{minor}.dll"
    install = _installation(tmp_path / "Python", "python3.dll", versioned)
    stdout, profile = _run_as_cargo(script, _fake(config, install, "python3"), tmp_path)
    assert sorted(p.name for p in profile.glob("*.dll")) == sorted(["python3.dll", versioned])
    assert sorted(p.name for p in (profile / "deps").glob("*.dll")) == sorted(
        ["python3.dll", versioned]
    )
    assert "PROFILER_PYTHON_HOME=" in stdout


def test_a_second_run_keeps_the_copy_and_a_newer_dll_replaces_it(built, tmp_path):
    script, config = built
    install = _installation(tmp_path / "Python", "python312.dll")
    fake = _fake(config, install, "python312")
    _, profile = _run_as_cargo(script, fake, tmp_path)
    copy = profile / "python312.dll"
    stamp = copy.stat().st_mtime_ns
    # Cargo reruns the script: an unchanged DLL is not copied again (on Windows a running
    # profiler holds it open).
    stdout, _ = _run_as_cargo(script, fake, tmp_path)
    assert copy.stat().st_mtime_ns == stamp and "only on PATH" not in stdout
    (install / "python312.dll").write_bytes(DLL + b" (updated)")
    later = stamp + 10**9
    os.utime(install / "python312.dll", ns=(later, later))
    _run_as_cargo(script, fake, tmp_path)
    assert copy.read_bytes() == DLL + b" (updated)"


def test_no_installation_layout_copies_nothing_and_warns(built, tmp_path):
    """A DLL without Python's landmarks beside it (not a CPython installation's folder):
    copying it would lose the standard library, so the loader keeps using PATH."""
    script, config = built
    install = _installation(tmp_path / "Python", "python312.dll", stdlib=False)
    stdout, profile = _run_as_cargo(script, _fake(config, install, "python312"), tmp_path)
    assert not list(profile.rglob("*.dll"))
    (warning,) = [line for line in stdout.splitlines() if "only on PATH" in line]
    assert "only on PATH" in warning and "is not a Python installation" in warning
    assert "PROFILER_PYTHON_HOME" not in stdout


def test_missing_dll_warns_and_the_build_goes_on(built, tmp_path):
    script, config = built
    install = _installation(tmp_path / "Python")
    stdout, profile = _run_as_cargo(script, _fake(config, install, "python312"), tmp_path)
    assert not list(profile.rglob("*.dll"))
    assert "cargo:warning=the profiler finds the Python DLL only on PATH: no python312.dll" in (
        stdout
    )


def test_linux_target_copies_nothing(built, tmp_path):
    script, config = built
    install = _installation(tmp_path / "Python", "python312.dll")
    stdout, profile = _run_as_cargo(
        script, _fake(config, install, "python312"), tmp_path, target_os="linux"
    )
    assert not list(profile.rglob("*.dll"))
    assert "PROFILER_PYTHON_HOME" not in stdout and "only on PATH" not in stdout
