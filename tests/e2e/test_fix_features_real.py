"""`scaffold fix-features` on a broken repository in the hyperjson shape, with the real cargo,
maturin, pip and python (issue 3, "done when" items 4 and 5).

The repository is written here: a root `[package]` that is also the `[workspace]`, built as a
`cdylib` only, with `extension-module` enabled on its pyo3 dependency, and a `profiling` binary
that depends on it by path with its default features and embeds Python. Nothing sets
LD_LIBRARY_PATH: the profiler must find the interpreter's shared libpython through the rpath
the fix adds. PyO3 0.30 everywhere, so the shared target directory is reused.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.conftest import BASE_PYTHON, TARGET_DIR, build_env, git_init, run, snapshot

pytestmark = pytest.mark.e2e

FILES = {
    "Cargo.toml": """\
        # hyperjson-like: a Python extension with a Rust profiler beside it.
        [package]
        name = "hyperjson"
        version = "0.1.0"
        edition = "2021"

        [lib]
        name = "hyperjson"
        crate-type = ["cdylib"]  # the Python extension

        [dependencies]
        # PyO3 for the Python module
        pyo3 = { version = "0.30", features = ["extension-module"] }  # needed by the wheel

        [workspace]
        # the profiler lives beside the extension
        members = ["profiling"]
        """,
    "src/lib.rs": """\
        use pyo3::prelude::*;

        /// The Rust API: a JSON array of integers, e.g. `[1,2,3]`.
        pub fn encode(values: &[i64]) -> String {
            let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            format!("[{}]", items.join(","))
        }

        #[pyfunction]
        fn dumps(values: Vec<i64>) -> String {
            encode(&values)
        }

        #[pymodule]
        fn hyperjson(m: &Bound<'_, PyModule>) -> PyResult<()> {
            m.add_function(wrap_pyfunction!(dumps, m)?)?;
            Ok(())
        }
        """,
    "profiling/Cargo.toml": """\
        [package]
        name = "profiling"
        version = "0.1.0"
        edition = "2021"
        publish = false

        [dependencies]
        # the library under profile, through its Rust API
        hyperjson = { path = ".." }
        pyo3 = "0.30"  # to check the output with Python's json module
        """,
    "profiling/src/main.rs": """\
        use pyo3::prelude::*;

        fn main() -> PyResult<()> {
            let values = [1, 2, 3, 40];
            let encoded = hyperjson::encode(&values);
            println!("rust: {encoded}");
            Python::attach(|py| {
                let decoded = py.import("json")?.call_method1("loads", (encoded.as_str(),))?;
                let total: i64 = py
                    .import("builtins")?
                    .call_method1("sum", (decoded,))?
                    .extract()?;
                let version: String =
                    py.import("platform")?.call_method0("python_version")?.extract()?;
                let prefix: String = py.import("sys")?.getattr("base_prefix")?.extract()?;
                println!("python: sum={total} version={version} prefix={prefix}");
                Ok(())
            })
        }
        """,
    "pyproject.toml": """\
        [build-system]
        requires = ["maturin>=1.9.4,<2"]
        build-backend = "maturin"

        [project]
        name = "hyperjson"
        version = "0.1.0"
        requires-python = ">=3.9"

        [tool.maturin]
        # the module is the root crate's `#[pymodule] fn hyperjson`
        module-name = "hyperjson"
        """,
    ".gitignore": "/target\nCargo.lock\n",
}

# What `fix-features --unsafe-fixes` must change, and nothing else: (file, removed, added).
EXPECTED_DIFF = {
    "Cargo.toml": (
        [
            'crate-type = ["cdylib"]  # the Python extension',
            'pyo3 = { version = "0.30", features = ["extension-module"] }  # needed by the wheel',
        ],
        [
            'crate-type = ["cdylib", "rlib"]  # the Python extension',
            'pyo3 = { version = "0.30" }  # needed by the wheel',
            "",
            "[features]",
            'default = ["extension-module"]',
            'extension-module = ["pyo3/extension-module"]',
        ],
    ),
    "profiling/Cargo.toml": (
        [
            'hyperjson = { path = ".." }',
            'pyo3 = "0.30"  # to check the output with Python\'s json module',
        ],
        [
            'hyperjson = { path = "..", default-features = false }',
            'pyo3 = { version = "0.30", features = ["auto-initialize"] }  '
            "# to check the output with Python's json module",
            "",
            "[build-dependencies]",
            'pyo3-build-config = { version = "0.30" }',
        ],
    ),
}

LIBDIR = sysconfig.get_config_var("LIBDIR")


def write_repo(root: Path) -> Path:
    repo = root / "hyperjson"
    for name, text in FILES.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    git_init(repo)
    return repo


def scaffold(*args, cwd: Path) -> subprocess.CompletedProcess:
    """The real command line, in a child process (exit status and streams as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "scaffold", "fix-features", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def comment_lines(root: Path) -> list[tuple[str, str]]:
    """(file, comment) for every comment in the TOML files, trailing ones included."""
    return [
        (name, "#" + line.split("#", 1)[1])
        for name in FILES
        if name.endswith(".toml")
        for line in (root / name).read_text().splitlines()
        if "#" in line
    ]


def changed_lines(repo: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Per tracked file: the lines `git diff` removes and adds."""
    diff = subprocess.run(
        ["git", "diff", "-U0", "--no-color"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout
    found: dict[str, tuple[list[str], list[str]]] = {}
    current = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            current = found.setdefault(line[6:], ([], []))
        elif line.startswith(("--- ", "diff ", "index ", "@@")):
            continue
        elif line.startswith("-"):
            current[0].append(line[1:])
        elif line.startswith("+"):
            current[1].append(line[1:])
    return found


def untracked(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(line[3:] for line in out.splitlines() if line.startswith("??"))


def runpaths(binary: Path) -> list[str]:
    out = run(["readelf", "-d", binary], cwd=binary.parent).stdout
    return [
        p
        for m in re.finditer(r"\((?:RUNPATH|RPATH)\).*\[(.*)\]", out)
        for p in m.group(1).split(":")
    ]


def build_profiler(repo: Path, check: bool = True) -> subprocess.CompletedProcess:
    """`cargo build -p profiling`; on success the binary is copied beside the repository, so
    another test building a `profiling` crate in the shared target dir cannot swap it."""
    built = run(["cargo", "build", "-p", "profiling"], cwd=repo, check=check)
    if built.returncode == 0:
        shutil.copy2(TARGET_DIR / "debug" / "profiling", profiler(repo))
    return built


def profiler(repo: Path) -> Path:
    return repo.parent / f"{repo.name}-profiling"


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("venv") / "env"
    run([BASE_PYTHON, "-m", "venv", path], cwd=path.parent)
    return path / "bin" / "python"


def test_broken_before(tmp_path):
    """Each layer of the breakage is real: no rlib, then `extension-module` in the binary,
    then no rpath / no interpreter start-up."""
    repo = write_repo(tmp_path)

    # 1. As written: the library is only a cdylib, so Rust cannot link it.
    failed = build_profiler(repo, check=False)
    assert failed.returncode != 0
    assert re.search(
        r"(can't find crate for|cannot find module or crate|unlinked crate) "
        r"`hyperjson`",
        failed.stderr,
    ), failed.stderr[-3000:]

    # 2. With an rlib but `extension-module` on the pyo3 dependency: undefined Py* symbols.
    rlib_only = tmp_path / "rlib-only"
    shutil.copytree(repo, rlib_only)
    fixed = scaffold("--select", "PW102", cwd=rlib_only)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert 'crate-type = ["cdylib", "rlib"]' in (rlib_only / "Cargo.toml").read_text()
    failed = build_profiler(rlib_only, check=False)
    assert failed.returncode != 0
    assert re.search(r"undefined (reference|symbol).*`?_?Py\w+", failed.stderr), failed.stderr[
        -3000:
    ]

    # 3. Safe fixes only: it links, but nothing puts libpython's directory on the rpath and
    # nothing starts the interpreter, so the binary does not run (or not with this Python).
    safe_only = tmp_path / "safe-only"
    shutil.copytree(repo, safe_only)
    fixed = scaffold(cwd=safe_only)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "PW103" in fixed.stdout and "--unsafe-fixes" in fixed.stderr
    build_profiler(safe_only)
    assert LIBDIR not in runpaths(profiler(safe_only))
    ran = subprocess.run(
        [profiler(safe_only)],
        cwd=safe_only,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode != 0, ran.stdout

    # 4. With `auto-initialize` but no build.rs: the loader finds no libpython, or another
    # one with the same soname (here Debian's /usr/lib libpython3.11 beside pyenv's), so the
    # profiler does not run on the interpreter it was built for. The rpath is what fixes it.
    manifest = safe_only / "profiling/Cargo.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'pyo3 = "0.30"', 'pyo3 = { version = "0.30", features = ["auto-initialize"] }'
        )
    )
    build_profiler(safe_only)
    ran = subprocess.run(
        [profiler(safe_only)],
        cwd=safe_only,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    this_python = f"version={platform.python_version()} prefix={sys.base_prefix}"
    assert ran.returncode != 0 or this_python not in ran.stdout, ran.stdout
    if ran.returncode != 0:
        assert "libpython" in ran.stderr, ran.stderr


def test_fixed_repository_builds_runs_and_ships(tmp_path, venv):
    repo = write_repo(tmp_path)
    comments = comment_lines(repo)
    assert scaffold("--check", cwd=repo).returncode == 1

    fixed = scaffold("--unsafe-fixes", cwd=repo)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Fixed" in fixed.stderr

    # Only the intended lines changed; comments and untouched files survive.
    assert changed_lines(repo) == {f: EXPECTED_DIFF[f] for f in EXPECTED_DIFF}, subprocess.run(
        ["git", "diff"], cwd=repo, capture_output=True, text=True
    ).stdout
    assert untracked(repo) == ["profiling/build.rs"]
    assert "add_libpython_rpath_link_args" in (repo / "profiling/build.rs").read_text()
    for file, line in comments:
        assert line in (repo / file).read_text(), (file, line)

    # The profiler builds, carries libpython's directory as its rpath, and runs without
    # LD_LIBRARY_PATH on this interpreter (not on another libpython3.X with the same soname).
    build_profiler(repo)
    assert LIBDIR in runpaths(profiler(repo))
    output = run([profiler(repo)], cwd=repo, env=build_env()).stdout
    assert "rust: [1,2,3,40]" in output, output
    assert (
        f"python: sum=46 version={platform.python_version()} prefix={sys.base_prefix}" in output
    ), output

    # maturin still builds a wheel that installs into a fresh venv and imports.
    dist = tmp_path / "dist"
    run(["maturin", "build", "--interpreter", BASE_PYTHON, "--out", dist], cwd=repo)
    (wheel,) = dist.glob("hyperjson-*.whl")
    run(
        [venv, "-m", "pip", "install", "--force-reinstall", "--no-deps", "--no-index", wheel],
        cwd=tmp_path,
    )
    imported = run(
        [venv, "-c", "import hyperjson; print(hyperjson.dumps([1, 2, 3]))"],
        cwd=tmp_path,
        env=build_env(),
    )
    assert imported.stdout.strip() == "[1,2,3]"

    # Nothing is left to fix, and a second run changes nothing.
    check = scaffold("--check", cwd=repo)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "PW1" not in check.stdout and "PW2" not in check.stdout.replace("PW206", "")
    before = snapshot(repo)
    again = scaffold("--unsafe-fixes", "--allow-dirty", cwd=repo)
    assert again.returncode == 0, again.stdout + again.stderr
    assert snapshot(repo) == before


def test_dirty_tree_refused_with_the_file_list(tmp_path):
    repo = write_repo(tmp_path)
    for name in ("Cargo.toml", "profiling/Cargo.toml", "src/lib.rs"):
        with (repo / name).open("a") as f:
            f.write("# local edit\n" if name.endswith(".toml") else "// local edit\n")
    before = snapshot(repo)

    refused = scaffold("--unsafe-fixes", cwd=repo)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "uncommitted changes" in refused.stderr
    assert "Cargo.toml" in refused.stderr and "profiling/Cargo.toml" in refused.stderr
    assert "src/lib.rs" not in refused.stderr  # dirty, but nothing would touch it
    assert "--allow-dirty" in refused.stderr
    assert snapshot(repo) == before

    # Only one touched file dirty: it alone is listed.
    subprocess.run(["git", "checkout", "--", "Cargo.toml"], cwd=repo, check=True)
    refused = scaffold(cwd=repo)
    assert refused.returncode == 2
    listed = refused.stderr.split("would touch:", 1)[1].split(";", 1)[0]
    assert listed.strip().split(", ") == ["profiling/Cargo.toml"], refused.stderr


def test_check_and_diff_work_on_a_dirty_tree(tmp_path):
    repo = write_repo(tmp_path)
    with (repo / "profiling/Cargo.toml").open("a") as f:
        f.write("# local edit\n")
    before = snapshot(repo)

    check = scaffold("--check", cwd=repo)
    assert check.returncode == 1
    for code in ("PW102", "PW201", "PW103"):
        assert code in check.stdout, check.stdout
    assert "Cargo.toml:13:1: PW201 [*]" in check.stdout, check.stdout

    diff = scaffold("--diff", "--unsafe-fixes", cwd=repo)
    assert diff.returncode == 1
    assert '+hyperjson = { path = "..", default-features = false }' in diff.stdout
    assert "+++ b/profiling/build.rs" in diff.stdout
    assert "in 3 file(s)." in diff.stderr

    json_check = scaffold("--check", "--output-format", "json", cwd=repo)
    assert json_check.returncode == 1
    document = json.loads(json_check.stdout)
    assert {d["code"] for d in document["diagnostics"]} == {"PW102", "PW201", "PW103", "PW206"}
    assert document["changed_files"] == []
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    "file, broken, where",
    [
        ("Cargo.toml", '[workspace\nmembers = ["profiling"]\n', "Cargo.toml:"),
        ("profiling/Cargo.toml", 'pyo3 = { version = "0.30"\n', "profiling/Cargo.toml:"),
        ("pyproject.toml", 'module-name = = "hyperjson"\n', "pyproject.toml:"),
    ],
)
def test_invalid_toml_exits_2_and_writes_nothing(tmp_path, file, broken, where):
    repo = write_repo(tmp_path)
    with (repo / file).open("a") as f:
        f.write(broken)
    subprocess.run(["git", "commit", "-qam", "broken"], cwd=repo, check=True)
    before = snapshot(repo)

    for args in ((), ("--unsafe-fixes",), ("--check",), ("--diff",)):
        result = scaffold(*args, cwd=repo)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert re.search(re.escape(where) + r"\d+:\d+: ", result.stderr), result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(repo) == before
    assert untracked(repo) == []
