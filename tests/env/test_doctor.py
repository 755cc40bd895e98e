"""`scaffold doctor` on small fixture projects, without cargo builds (gcc stands in for them)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
import textwrap
from pathlib import Path

import pytest

from scaffold.env import libpython
from tests.conftest import BASE_PYTHON, run_cli

LIBDIR = Path(sysconfig.get_config_var("LIBDIR") or "/nonexistent")
TRAP = bool(sysconfig.get_config_var("Py_ENABLE_SHARED")) and not libpython.covers(
    LIBDIR, libpython.loader_dirs({}))
needs_trap = pytest.mark.skipif(not TRAP, reason="libpython is static or on the loader path")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("PYO3_") or key in ("LD_LIBRARY_PATH", "VIRTUAL_ENV", "CONDA_PREFIX",
                                               "PYTHON_SYS_EXECUTABLE", "CARGO_TARGET_DIR"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PYO3_PYTHON", BASE_PYTHON)
    monkeypatch.setenv("CARGO_HOME", str(tmp_path / "cargo-home"))


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def project(root: Path, pyo3: str = '"0.30"', requires: str = ">=3.9") -> Path:
    return write(root, {
        "Cargo.toml": f"""\
            [workspace]
            members = ["ext", "app"]

            [workspace.dependencies]
            pyo3 = {pyo3}
            """,
        "ext/Cargo.toml": """\
            [package]
            name = "ext"
            version = "0.1.0"
            edition = "2021"

            [lib]
            crate-type = ["rlib", "cdylib"]

            [dependencies]
            pyo3 = { workspace = true }
            """,
        "ext/src/lib.rs": "#[pyo3::pymodule]\nmod ext {}\n",
        "app/Cargo.toml": """\
            [package]
            name = "app"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            ext = { path = "../ext", default-features = false }
            """,
        "app/src/main.rs": "fn main() {}\n",
        "pyproject.toml": f"""\
            [build-system]
            requires = ["maturin>=1.9.4,<2"]
            build-backend = "maturin"

            [project]
            name = "ext"
            version = "0.1.0"
            requires-python = "{requires}"

            [tool.maturin]
            manifest-path = "ext/Cargo.toml"
            """,
    })


def doctor(path: Path) -> tuple[int, dict[str, dict]]:
    result = run_cli("doctor", path, "--output-format", "json")
    data = json.loads(result.stdout)
    return result.exit_code, {c["check"]: c for c in data["checks"]}


@needs_trap
def test_binaries_not_checked_outside_linux(tmp_path, monkeypatch):
    """macOS and Windows binaries are not ELF: doctor says so instead of reading them."""
    from scaffold.env import link_checks

    monkeypatch.setattr(link_checks, "PLATFORM", "darwin")
    code, checks = doctor(project(tmp_path / "p"))
    assert "rpath:app" not in checks
    assert checks["binaries"]["verdict"] == "note"
    assert "not checked on this platform (darwin)" in checks["binaries"]["message"]


@needs_trap
def test_binary_without_rpath(tmp_path, monkeypatch):
    root = project(tmp_path / "p")
    code, checks = doctor(root)
    assert code == 1
    rpath = checks["rpath:app"]
    assert rpath["verdict"] == "warn" and "no rpath build script" in rpath["message"]
    assert "add_libpython_rpath_link_args" in rpath["fix"]
    if shutil.which("gcc") is None:
        return
    # A binary linked against libpython without an rpath, where cargo would put `app`.
    target = tmp_path / "target"
    (target / "debug").mkdir(parents=True)
    (tmp_path / "m.c").write_text("int Py_IsInitialized(void); int main(void) "
                                  "{ return Py_IsInitialized(); }\n")
    version = sysconfig.get_config_var("LDVERSION")
    subprocess.run(["gcc", tmp_path / "m.c", "-o", target / "debug" / "app", f"-L{LIBDIR}",
                    f"-lpython{version}"], check=True)
    monkeypatch.setenv("CARGO_TARGET_DIR", str(target))
    code, checks = doctor(root)
    binary = checks["binary:debug/app"]
    needed = f"libpython{version}.so.1.0"
    system = [d for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib",
                          "/lib", "/usr/local/lib") if (Path(d) / needed).exists()]
    # It fails to start, unless the loader finds another copy of the library it needs.
    assert binary["verdict"] == ("warn" if system else "error"), binary
    assert "no RUNPATH" in binary["message"]
    assert "export LD_LIBRARY_PATH=" in binary["fix"]


@pytest.mark.needs_rust  # the rustc line compares the real rustc with the MSRV
def test_versions_against_the_project(tmp_path):
    root = project(tmp_path / "p", pyo3='{ version = "0.30", features = ["abi3-py315"] }',
                   requires=">=3.99")
    code, checks = doctor(root)
    assert code == 1
    assert checks["requires-python"]["verdict"] == "error"
    assert checks["abi3"]["verdict"] == "error" and "abi3 floor 3.15" in checks["abi3"]["message"]
    assert checks["pyo3-python"]["verdict"] == "ok"
    assert "MSRV 1.85" in checks["rustc"]["message"]


def test_global_cross_settings_in_cargo_config(tmp_path):
    root = project(tmp_path / "p")
    write(root, {".cargo/config.toml": '[env]\nPYO3_CROSS_LIB_DIR = "/sysroot/lib"\n'})
    code, checks = doctor(root)
    assert code == 1
    assert checks["setting:PYO3_CROSS_LIB_DIR"]["verdict"] == "warn"


def test_errors_are_one_line_exit_2(tmp_path):
    result = run_cli("doctor", tmp_path / "missing")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    write(tmp_path, {"Cargo.toml": "[workspace\n"})
    result = run_cli("doctor", tmp_path)
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert "invalid TOML" in result.stderr and result.stderr.count("\n") == 1


@needs_trap
@pytest.mark.parametrize("build_rs, has_rpath", [
    ("// TODO: rpath\nfn main() {}\n", False),
    ("fn main() {\n    pyo3_build_config::add_libpython_rpath_link_args();\n}\n", True),
])
def test_doctor_and_pw103_agree_on_the_build_script(tmp_path, build_rs, has_rpath):
    """Only code sets an rpath: a comment naming it satisfies neither doctor nor PW103."""
    root = project(tmp_path / "p")
    write(root, {"app/build.rs": build_rs})
    app = (root / "app" / "Cargo.toml").read_text()
    (root / "app" / "Cargo.toml").write_text(
        app + '\n[build-dependencies]\npyo3-build-config = "0.30"\n')
    _, checks = doctor(root)
    assert (checks["rpath:app"]["verdict"] == "ok") is has_rpath
    lint = run_cli("fix-features", root, "--check", "--allow-no-vcs")
    pw103 = [line for line in lint.stdout.splitlines() if "PW103" in line]
    assert bool(pw103) is not has_rpath or "auto-initialize" in pw103[0]
    if not has_rpath:
        assert "build.rs rpath" in pw103[0]


def test_abi3_feature_older_than_the_series_has(tmp_path):
    """abi3 floors follow PyO3's supported Pythons (facts.abi3_floor): abi3-py38 left in 0.30."""
    root = project(tmp_path / "p", pyo3='{ version = "0.30", features = ["abi3-py38"] }')
    _, checks = doctor(root)
    assert checks["abi3-feature"]["verdict"] == "error"
    assert "no abi3-py38" in checks["abi3-feature"]["message"]
    assert "abi3-py39" in checks["abi3-feature"]["fix"]
    ok = project(tmp_path / "q", pyo3='{ version = "0.30", features = ["abi3-py39"] }')
    assert "abi3-feature" not in doctor(ok)[1]
