"""Shared fixtures: an in-process CLI runner, isolated git repositories, and the environment
for real builds (one shared CARGO_TARGET_DIR, no LD_LIBRARY_PATH, a fixed PYO3_PYTHON)."""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Hypothesis profiles (tests/robustness): `ci` by default, bounded so a run stays fast;
# `pytest --hypothesis-profile=long` for a deeper search. Registered here, not in
# tests/robustness/conftest.py, so the option finds them before that folder is collected.
try:
    from hypothesis import HealthCheck
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile(
        "ci",
        max_examples=200,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    _hypothesis_settings.register_profile(
        "long",
        max_examples=5000,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    _hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # hypothesis is a test extra; the other tests run without it
    pass
# The tool's user cache (locks, verdicts, template history) in a folder of this run, so tests
# neither read a developer's cache nor leave files in it; subprocesses inherit it.
os.environ.setdefault("SCAFFOLD_CACHE_DIR", tempfile.mkdtemp(prefix="scaffold-test-cache-"))
# One target directory for every build test, so PyO3 compiles once per feature set.
TARGET_DIR = Path(os.environ.get("SCAFFOLD_TEST_TARGET_DIR", REPO / ".test-target"))
# The interpreter PyO3's build scripts use in every test; constant so PyO3 is not rebuilt.
BASE_PYTHON = os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def posix_only(why: str) -> pytest.MarkDecorator:
    """Skip on Windows a test that needs a POSIX facility (`why`: which one); the repository's
    CI runs the rest there (docs/install.md)."""
    return pytest.mark.skipif(os.name == "nt", reason=f"needs POSIX: {why}")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str | os.PathLike, cwd: Path | None = None) -> Result:
    """Run `scaffold ARGS` in this process and capture exit status and output."""
    from scaffold.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def build_env(**extra: str) -> dict[str, str]:
    """The environment for real cargo / maturin / python runs in tests."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "VIRTUAL_ENV", "CONDA_PREFIX")
        and not k.startswith("PYO3_")
    }
    env["CARGO_TARGET_DIR"] = str(TARGET_DIR)
    env["PYO3_PYTHON"] = BASE_PYTHON
    env["CARGO_TERM_COLOR"] = "never"
    env.update(extra)
    return env


def run(
    cmd: list[str | os.PathLike],
    cwd: Path,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: int = 900,
) -> subprocess.CompletedProcess:
    """Run a real tool; on failure the assertion shows its output."""
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env or build_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert proc.returncode == 0, (
            f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
            f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-6000:]}"
        )
    return proc


def venv_python(path: Path, *borrowed: str) -> Path:
    """A fresh venv that imports the `borrowed` packages from this test run's environment
    (through a .pth file, so nothing is downloaded) and everything else from its own."""
    run([BASE_PYTHON, "-m", "venv", path], cwd=path.parent, env=build_env())
    python = path / "bin" / "python"
    site = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=path.parent,
        env=build_env(),
    ).stdout.strip()
    dirs = {
        str(Path(importlib.import_module(name).__file__).resolve().parents[1]) for name in borrowed
    }
    (Path(site) / "borrowed.pth").write_text("".join(f"{d}\n" for d in sorted(dirs)))
    return python


def write_tree(
    root: Path, files: dict[str, str | bytes], dedent: bool = True, git: bool = False
) -> Path:
    """The one fixture-tree writer: `bytes` as they are, `str` dedented (with `dedent`; Rust
    sources as written) and encoded as UTF-8 without newline translation; with `git`, the tree
    is committed to a fresh repository."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            if dedent and not name.endswith(".rs"):
                content = textwrap.dedent(content)
            content = content.encode("utf-8")
        path.write_bytes(content)
    if git:
        git_init(root)
    return root


def read_tree(root: Path, skip: tuple[str, ...] = (".git",)) -> dict[str, bytes]:
    """Every file below `root` by relative path, with its bytes (what `write_tree` writes, read
    back): for asserting on generated content. Paths through a folder named in `skip` are left
    out."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not set(p.relative_to(root).parts) & set(skip)
    }


def snapshot(root: Path, skip: tuple[str, ...] = (".git",)) -> dict[str, tuple]:
    """The one tree snapshot, for "nothing was written" and before/after comparisons: every
    entry below `root` (paths through a name in `skip` left out) as a file's hash and mode, a
    directory, or a symbolic link's target, so an empty folder or a chmod shows too."""
    found: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in [*dirnames, *filenames]:
            if name in skip:
                continue
            path = Path(dirpath) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir",)
            else:
                found[key] = (
                    "file",
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                    path.stat().st_mode & 0o7777,
                )
    return found


def lib_rs(module: str, double: bool = False) -> str:
    """The one PyO3 library source: `#[pymodule] fn MODULE`; with `double`, also a Rust
    `pub fn double` (for profilers and CLIs to call) and its Python binding `double_py`."""
    if not double:
        return (
            "use pyo3::prelude::*;\n\n#[pymodule]\n"
            f"fn {module}(_m: &Bound<'_, PyModule>) -> PyResult<()> {{\n    Ok(())\n}}\n"
        )
    return f"""\
use pyo3::prelude::*;

/// The core, usable from Rust.
pub fn double(x: u64) -> u64 {{
    x * 2
}}

#[pyfunction]
fn double_py(x: u64) -> u64 {{
    double(x)
}}

#[pymodule]
fn {module}(m: &Bound<'_, PyModule>) -> PyResult<()> {{
    m.add_function(wrap_pyfunction!(double_py, m)?)?;
    Ok(())
}}
"""


def pyo3_manifest(
    name: str, pyo3: str = '"0.30"', feature_wiring: bool = False, extra: str = ""
) -> str:
    """The one `Cargo.toml` of a PyO3 extension crate NAME: a cdylib + rlib library, `pyo3 =
    PYO3` (a TOML value), with `feature_wiring` the `extension-module` feature on by default,
    then the lines `extra` (more tables)."""
    features = (
        (
            '\n[features]\ndefault = ["extension-module"]\n'
            'extension-module = ["pyo3/extension-module"]\n'
        )
        if feature_wiring
        else ""
    )
    return (
        f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n'
        f'[lib]\ncrate-type = ["cdylib", "rlib"]\n\n[dependencies]\npyo3 = {pyo3}\n'
        f"{features}{textwrap.dedent(extra)}"
    )


def maturin_pyproject(name: str, version: str | None = "0.1.0", extra: str = "") -> str:
    """The one maturin `pyproject.toml`: the build backend and project NAME with `version`
    (None: dynamic, taken from Cargo.toml), then the lines `extra` (keys of [project], then
    tables such as [tool.maturin])."""
    version_line = f'version = "{version}"' if version else 'dynamic = ["version"]'
    return (
        '[build-system]\nrequires = ["maturin>=1.9.4,<2"]\nbuild-backend = "maturin"\n\n'
        f'[project]\nname = "{name}"\n{version_line}\n{textwrap.dedent(extra)}'
    )


def git_init(path: Path, commit: bool = True) -> None:
    """Make `path` a git repository with isolated config and (optionally) commit everything."""
    env = git_env()
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    if commit:
        git_commit_all(path)


def git_commit_all(path: Path, message: str = "fixture") -> None:
    env = git_env()
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=env)
    subprocess.run(
        ["git", "commit", "-q", "--allow-empty", "-m", message], cwd=path, check=True, env=env
    )


TODAY = "999.0.0"


def release_today(dest: Path) -> Path:
    """A template history (for SCAFFOLD_TEMPLATE_HISTORY) in `dest` whose one release, TODAY,
    is this checkout's templates as they are: `new` renders them and records TODAY, so a later
    3-way update starts from exactly what `new` wrote (the newest release in releases.toml may
    be older than the templates of a checkout)."""
    from scaffold.render import history
    from scaffold.render.copier_render import templates_root

    repo = dest / "repo"
    shutil.copytree(templates_root(), repo / "templates", ignore=shutil.ignore_patterns("history"))
    git_init(repo)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    history.build_bundles(repo, {TODAY: head}, dest / "bundles")
    return dest / "bundles"


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch):
    """Tests never read the developer's git config; commits get a fixed identity."""
    for key, value in git_env().items():
        if key.startswith("GIT_"):
            monkeypatch.setenv(key, value)


# Tools each marker needs. Without them a test is skipped with the reason, except under CI
# (`CI=true`, set by .ci/run), where a missing tool fails the run instead of hiding tests.
NEEDED_TOOLS = {"e2e": ("cargo", "rustc", "maturin"), "needs_rust": ("cargo", "rustc")}


def pytest_runtest_setup(item):
    for marker, tools in NEEDED_TOOLS.items():
        if item.get_closest_marker(marker) is None:
            continue
        missing = [tool for tool in tools if shutil.which(tool) is None]
        if missing:
            reason = f"{', '.join(missing)} not on PATH"
            if os.environ.get("CI") == "true":
                pytest.fail(f"{reason} (CI=true: every test must run)")
            pytest.skip(reason)
