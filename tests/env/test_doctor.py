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

from scaffold.probes import libpython
from tests.conftest import BASE_PYTHON, posix_only, run_cli, write_tree

LIBDIR = Path(sysconfig.get_config_var("LIBDIR") or "/nonexistent")
TRAP = bool(sysconfig.get_config_var("Py_ENABLE_SHARED")) and not libpython.covers(
    LIBDIR, libpython.loader_dirs({})
)
needs_trap = pytest.mark.skipif(not TRAP, reason="libpython is static or on the loader path")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("PYO3_") or key in (
            "LD_LIBRARY_PATH",
            "VIRTUAL_ENV",
            "CONDA_PREFIX",
            "PYTHON_SYS_EXECUTABLE",
            "CARGO_TARGET_DIR",
        ):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PYO3_PYTHON", BASE_PYTHON)
    monkeypatch.setenv("CARGO_HOME", str(tmp_path / "cargo-home"))


def project(root: Path, pyo3: str = '"0.30"', requires: str = ">=3.9") -> Path:
    return write_tree(
        root,
        {
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
            # embeds Python (a binary that calls no Python API: test_python_free_binary)
            "app/src/main.rs": "fn main() {\n    pyo3::Python::attach(|_py| ());\n}\n",
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
        },
    )


def doctor(path: Path) -> tuple[int, dict[str, dict]]:
    result = run_cli("doctor", path, "--output-format", "json")
    data = json.loads(result.stdout)
    return result.exit_code, {c["check"]: c for c in data["checks"]}


@needs_trap
def test_binaries_not_checked_outside_linux(tmp_path, monkeypatch):
    """macOS and Windows binaries are not ELF: doctor says so instead of reading them."""
    from scaffold.doctor import link_checks

    monkeypatch.setattr(link_checks, "PLATFORM", "darwin")
    _, checks = doctor(project(tmp_path / "p"))
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
    (tmp_path / "m.c").write_text(
        "int Py_IsInitialized(void); int main(void) { return Py_IsInitialized(); }\n"
    )
    version = sysconfig.get_config_var("LDVERSION")
    subprocess.run(
        [
            "gcc",
            tmp_path / "m.c",
            "-o",
            target / "debug" / "app",
            f"-L{LIBDIR}",
            f"-lpython{version}",
        ],
        check=True,
    )
    monkeypatch.setenv("CARGO_TARGET_DIR", str(target))
    code, checks = doctor(root)
    binary = checks["binary:debug/app"]
    needed = f"libpython{version}.so.1.0"
    system = [
        d
        for d in (
            "/lib/x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib",
            "/lib",
            "/usr/local/lib",
        )
        if (Path(d) / needed).exists()
    ]
    # It fails to start, unless the loader finds another copy of the library it needs.
    assert binary["verdict"] == ("warn" if system else "error"), binary
    assert "no RUNPATH" in binary["message"]
    assert "export LD_LIBRARY_PATH=" in binary["fix"]


@pytest.mark.needs_rust  # the rustc line compares the real rustc with the MSRV
def test_versions_against_the_project(tmp_path):
    root = project(
        tmp_path / "p", pyo3='{ version = "0.30", features = ["abi3-py315"] }', requires=">=3.99"
    )
    code, checks = doctor(root)
    assert code == 1
    assert checks["requires-python"]["verdict"] == "error"
    assert checks["abi3"]["verdict"] == "error" and "abi3 floor 3.15" in checks["abi3"]["message"]
    assert checks["pyo3-python"]["verdict"] == "ok"
    assert "MSRV 1.85" in checks["rustc"]["message"]


def test_global_cross_settings_in_cargo_config(tmp_path):
    root = project(tmp_path / "p")
    write_tree(root, {".cargo/config.toml": '[env]\nPYO3_CROSS_LIB_DIR = "/sysroot/lib"\n'})
    code, checks = doctor(root)
    assert code == 1
    assert checks["setting:PYO3_CROSS_LIB_DIR"]["verdict"] == "warn"


def test_errors_are_one_line_exit_2(tmp_path):
    result = run_cli("doctor", tmp_path / "missing")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    write_tree(tmp_path, {"Cargo.toml": "[workspace\n"})
    result = run_cli("doctor", tmp_path)
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert "invalid TOML" in result.stderr and result.stderr.count("\n") == 1


@needs_trap
@pytest.mark.parametrize(
    "build_rs, has_rpath",
    [
        ("// TODO: rpath\nfn main() {}\n", False),
        ("fn main() {\n    pyo3_build_config::add_libpython_rpath_link_args();\n}\n", True),
    ],
)
def test_doctor_and_pw103_agree_on_the_build_script(tmp_path, build_rs, has_rpath):
    """Only code sets an rpath: a comment naming it satisfies neither doctor nor PW103."""
    root = project(tmp_path / "p")
    write_tree(root, {"app/build.rs": build_rs})
    app = (root / "app" / "Cargo.toml").read_text()
    (root / "app" / "Cargo.toml").write_text(
        app + '\n[build-dependencies]\npyo3-build-config = "0.30"\n'
    )
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


SHIM = """\
#!/bin/sh
# A version manager's shim (as pyenv's): a .python-version above the current directory picks
# the local Python, else the global one.
d=$PWD
while [ "$d" != / ]; do
    [ -f "$d/.python-version" ] && exec {local} "$@"
    d=$(dirname "$d")
done
exec {base} "$@"
"""


@posix_only("fake interpreters are shell scripts")
def test_local_python_setting_and_the_recorded_build(tmp_path, monkeypatch):
    """The issue-15 trap without pyenv: a shim picks a local Python (a copied venv) under a
    `.python-version`, the global one elsewhere. doctor reports the interpreter cargo's build
    script gets (the global one), warns that maturin here builds for the local one with both
    fixes, and reports the interpreter the last build recorded, noting that today's settings
    choose another. tests/e2e/test_project_roots.py does this with real pyenv and cargo."""
    local = tmp_path / "local"
    subprocess.run([BASE_PYTHON, "-m", "venv", "--copies", "--without-pip", local], check=True)
    local_python = local / "bin" / "python"
    if subprocess.run([local_python, "-c", ""], capture_output=True).returncode != 0:
        pytest.skip("a copied interpreter does not start here (relative RUNPATH)")
    base = subprocess.run(
        [BASE_PYTHON, "-c", "import sys; print(sys.executable)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    shims = tmp_path / "shims"
    shims.mkdir()
    for name in ("python", "python3"):
        (shims / name).write_text(SHIM.format(local=local_python, base=base))
        (shims / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("PYO3_PYTHON")
    (tmp_path / "cargo-home" / "registry" / "src").mkdir(parents=True)
    root = project(tmp_path / "p")
    (root / ".python-version").write_text("local\n")
    # What pyo3-ffi's build script leaves in the target directory after a build that used the
    # local Python (e.g. run once with PYO3_PYTHON set to it).
    target = tmp_path / "target"
    config = f"implementation=CPython\nshared=true\nexecutable={local_python}\n"
    record = target / "debug" / "build" / "pyo3-ffi-0123" / "output"
    record.parent.mkdir(parents=True)
    record.write_text(f"cargo:PYO3_CONFIG={config.encode().hex()}\n")
    monkeypatch.setenv("CARGO_TARGET_DIR", str(target))

    result = run_cli("doctor", root, "--output-format", "json")
    checks = json.loads(result.stdout)["checks"]
    by_name = {}
    for check in checks:
        by_name.setdefault(check["check"], []).append(check)
    (interpreter,) = by_name["interpreter"]
    assert (
        interpreter["verdict"] == "ok"
        and f"at {base} (from `python` on PATH" in interpreter["message"]
    ), interpreter
    (mismatch,) = by_name["interpreter-mismatch"]
    assert mismatch["verdict"] == "warn" and str(local_python) in mismatch["message"]
    assert f"export PYO3_PYTHON={local_python}" in mismatch["fix"]
    assert "remove the mismatch" in mismatch["fix"]
    used, note = by_name["last-build"]
    assert used["verdict"] == "ok" and f"at {local_python}" in used["message"], used
    assert note["verdict"] == "note" and "today's settings choose" in note["message"]
    assert f"at {base} instead" in note["message"], note
    assert "recompiles PyO3" in note["message"], note
    assert note["fix"] == f"keep one interpreter for every build: export PYO3_PYTHON={local_python}"


@pytest.mark.parametrize("kind", ["missing", "broken"])
@posix_only("fake interpreters are shell scripts")
def test_an_interpreter_pyo3_cannot_use_is_an_error_with_a_fix(tmp_path, kind):
    """PYO3_PYTHON naming no file, or a program that fails the probe: doctor says the build
    would fail, why, and what to set instead; exit 1."""
    from scaffold import api

    target = tmp_path / "bin" / "python3"
    if kind == "broken":
        target.parent.mkdir()
        target.write_text("#!/bin/sh\necho 'not a python' >&2\nexit 3\n")
        target.chmod(0o755)
    environ = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYO3_PYTHON": str(target)}
    report = api.doctor(path=tmp_path, environ=environ)
    (check,) = [c for c in report.checks if c.check == "interpreter"]
    assert check.verdict == "error" and check.message.startswith("PyO3 would fail: ")
    assert str(target) in check.message, check.message
    assert check.fix and "PYO3_PYTHON" in check.fix, check.fix
    assert report.exit_code == 1


SETUPTOOLS_RUST_PROJECT = """\
    [build-system]
    requires = ["setuptools>=61", "setuptools-rust>=1.12.1"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "ext"
    version = "0.1.0"

    [[tool.setuptools-rust.ext-modules]]
    target = "ext"
    path = "ext/Cargo.toml"
    """


def test_a_backend_isolated_builds_install_is_a_note_with_the_projects_floor(tmp_path):
    """setuptools-rust missing from this environment: pip and build install it in isolation
    from build-system.requires, so doctor notes it (no problem, exit 0 for it) and its fix
    names the project's own floor, not 1.0.0."""
    assert subprocess.run(
        [BASE_PYTHON, "-c", "import setuptools_rust"], capture_output=True
    ).returncode, "this test needs an environment without setuptools-rust"
    root = project(tmp_path / "p")
    (root / "pyproject.toml").write_text(textwrap.dedent(SETUPTOOLS_RUST_PROJECT))
    _, checks = doctor(root)
    backend = checks["setuptools-rust"]
    assert backend["verdict"] == "note", backend
    assert "setuptools-rust>=1.12.1" in backend["message"]
    assert backend["fix"] == "pip install 'setuptools-rust>=1.12.1'", backend


def test_a_backend_older_than_the_projects_floor_is_an_error_naming_it(tmp_path):
    """maturin is installed here (1.16): a project asking for more is told which line asks."""
    root = project(tmp_path / "p")
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(text.replace("maturin>=1.9.4,<2", "maturin>=1.99"))
    code, checks = doctor(root)
    assert code == 1
    backend = checks["maturin"]
    assert backend["verdict"] == "error", backend
    assert "older than the project's `maturin>=1.99`" in backend["message"], backend
    assert backend["fix"] == "pip install 'maturin>=1.99'", backend


def test_an_installed_backend_meeting_the_floor_is_ok(tmp_path):
    _, checks = doctor(project(tmp_path / "p"))
    assert checks["maturin"]["verdict"] == "ok"
    assert ">= 1.9.4" in checks["maturin"]["message"], checks["maturin"]


@needs_trap
def test_python_free_binary_is_judged_by_what_it_loads(tmp_path, monkeypatch):
    """Issue 23 item 10: a binary that links PyO3 through the library but calls no Python API
    is never told it fails to start: before a build doctor says what decides it, after one it
    reads the binary's NEEDED (gcc stands in for the build, as above)."""
    root = project(tmp_path / "p")
    (root / "app" / "src" / "main.rs").write_text("fn main() {\n    ext::answer();\n}\n")
    _, checks = doctor(root)
    rpath = checks["rpath:app"]
    assert rpath["verdict"] == "note" and "calls no Python API" in rpath["message"], rpath
    assert "fails to start" not in rpath["message"]
    if shutil.which("gcc") is None:
        return
    target = tmp_path / "target"
    (target / "debug").mkdir(parents=True)
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    subprocess.run(["gcc", tmp_path / "m.c", "-o", target / "debug" / "app"], check=True)
    monkeypatch.setenv("CARGO_TARGET_DIR", str(target))
    _, checks = doctor(root)
    assert "rpath:app" not in checks  # the built binary answers instead
    binary = checks["binary:debug/app"]
    assert binary["verdict"] == "ok" and "does not load libpython" in binary["message"], binary
