"""`scaffold upgrade` without builds: the requirement rewriter's styles, refusals, dirty trees.

Companion versions come from the real crates.io through cargo (`cargo generate-lockfile` of a
scratch package: no compilation, a fraction of a second with a warm index).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.upgrade.requirements import admits, restyle
from tests.conftest import build_env, git_commit_all, git_init, run, run_cli, snapshot, write_tree

pytestmark = pytest.mark.needs_rust  # upgrade resolves versions with the real cargo


@pytest.mark.parametrize(
    "written, version, expected",
    [
        ("0.24", (0, 30, 1), "0.30"),
        ("=0.24.2", (0, 30, 1), "=0.30.1"),
        ("^0.24", (0, 30, 1), "^0.30"),
        ("~0.24.1", (0, 30, 1), "~0.30.1"),
        ("0.24.2", (0, 30, 1), "0.30.1"),
        ("=0.24", (0, 30, 1), "=0.30"),
        (">=0.20, <0.25", (0, 30, 1), "0.30"),
        ("0.12", (0, 13, 5), "0.13"),
    ],
)
def test_restyle_keeps_operator_and_precision(written, version, expected):
    assert restyle(written, version) == expected


@pytest.mark.parametrize(
    "requirement, version, expected",
    [
        ("0.30", (0, 30, 1), True),
        ("0.28", (0, 30, 1), False),
        ("=0.30.0", (0, 30, 1), False),
        ("~0.30", (0, 30, 9), True),
        (">=0.25, <0.31", (0, 30, 1), True),
        ("1", (1, 9, 0), True),
        ("0.30.2", (0, 30, 1), False),
        ("*", (0, 1, 0), True),
    ],
)
def test_admits_follows_cargo(requirement, version, expected):
    assert admits(requirement, version) is expected


STYLES = {
    "Cargo.toml": (
        '[workspace]\r\nmembers = ["crates/*"]\r\nresolver = "2"\r\n\r\n'
        '[workspace.package]\r\nrust-version = "1.70"  # our floor\r\n\r\n'
        "[workspace.dependencies]\r\n"
        'pyo3 = { version = \'=0.24.2\', features = ["abi3-py38", "generate-import-lib"] }\r\n'
        'numpy.version = "0.24"\r\n'
    ),
    "crates/core/Cargo.toml": (
        '[package]\r\nname = "core-ext"\r\nversion = "0.1.0"\r\nedition = "2021"\r\n'
        "rust-version.workspace = true\r\n\r\n"
        '[lib]\r\nname = "core_ext"\r\ncrate-type = ["cdylib", "rlib"]\r\n\r\n'
        "[dependencies]\r\npyo3 = { workspace = true }\r\nnumpy = { workspace = true }\r\n"
        "pyo3-log = '0.12'  # logging bridge\r\n\r\n"
        "[target.'cfg(unix)'.build-dependencies]\r\npyo3-build-config = \"0.24\"\r\n\r\n"
        '[dev-dependencies.pythonize]\r\nversion = "~0.24.0"\r\n'
    ),
    "crates/core/src/lib.rs": "#[pyo3::pymodule]\nmod core_ext {}\n",
    "pyproject.toml": (
        '[build-system]\nrequires = ["maturin>=1.9.4,<2"]\n'
        'build-backend = "maturin"\n\n[project]\nname = "core-ext"\n'
        'requires-python = ">=3.8"\n\n[tool.maturin]\n'
        'manifest-path = "crates/core/Cargo.toml"\n'
    ),
}


def test_diff_keeps_each_style_and_line_endings(tmp_path):
    root = write_tree(tmp_path / "ws", STYLES)
    before = snapshot(root)
    result = run_cli("upgrade", root, "--pyo3", "0.30", "--diff")
    assert result.exit_code == 1, result.stderr
    assert snapshot(root) == before  # --diff writes nothing
    patch = result.stdout
    for removed, added in [
        ('rust-version = "1.70"  # our floor\r', 'rust-version = "1.85"  # our floor\r'),
        (
            'pyo3 = { version = \'=0.24.2\', features = ["abi3-py38", "generate-import-lib"] }\r',
            "pyo3 = { version = '=0.30.1', features = [\"abi3-py39\"] }\r",
        ),
        ('numpy.version = "0.24"\r', 'numpy.version = "0.30"\r'),
        ("pyo3-log = '0.12'  # logging bridge\r", "pyo3-log = '0.13'  # logging bridge\r"),
        ('pyo3-build-config = "0.24"\r', 'pyo3-build-config = "0.30"\r'),
        ('version = "~0.24.0"\r', 'version = "~0.30.0"\r'),
    ]:
        assert f"\n-{removed}\n" in patch and f"\n+{added}\n" in patch, (removed, patch)
    # Exactly those lines change; requires-python only with --unsafe-fixes (shown in the plan).
    assert (
        sum(line.startswith("+") and not line.startswith("+++") for line in patch.splitlines()) == 6
    ), patch
    assert 'requires-python ">=3.8" -> ">=3.9"' in result.stderr
    assert "needs --unsafe-fixes" in result.stderr
    unsafe = run_cli("upgrade", root, "--pyo3", "0.30", "--diff", "--unsafe-fixes")
    assert '\n+requires-python = ">=3.9"\n' in unsafe.stdout, unsafe.stdout

    git_init(root)
    done = run_cli("upgrade", root, "--pyo3", "0.30", "--unsafe-fixes")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "fix-features --check: All checks passed." in done.stderr
    assert (root / "crates/core/Cargo.toml").read_bytes().count(b"\r\n") == STYLES[
        "crates/core/Cargo.toml"
    ].count("\r\n")
    git_commit_all(root, "upgraded")
    after = snapshot(root)
    again = run_cli("upgrade", root, "--pyo3", "0.30", "--unsafe-fixes")
    assert again.exit_code == 0 and "nothing to change" in again.stdout, again.stdout
    assert snapshot(root) == after


def project(tmp_path: Path, pyo3: str = "0.30", extra: str = "") -> Path:
    return write_tree(
        tmp_path / "p",
        {
            "Cargo.toml": (
                '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n\n'
                f'[dependencies]\npyo3 = "{pyo3}"\n{extra}'
            ),
            "src/lib.rs": "pub fn f() {}\n",
        },
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--pyo3", "abc"], "--pyo3 'abc' is not a PyO3 version"),
        (["--pyo3", "0.28"], "does not downgrade to 0.28"),
        (["--pyo3", "0.99"], "PyO3 0.99 is not on crates.io"),
    ],
)
def test_bad_versions_exit_2_one_line_nothing_written(tmp_path, args, message):
    root = project(tmp_path)
    git_init(root)
    before = snapshot(root)
    result = run_cli("upgrade", root, *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(root) == before


def test_dirty_tree_refused(tmp_path):
    root = project(tmp_path, "0.28")
    git_init(root)
    (root / "Cargo.toml").write_text((root / "Cargo.toml").read_text() + "# edited\n")
    before = snapshot(root)
    result = run_cli("upgrade", root, "--pyo3", "0.30")
    assert result.exit_code == 2 and "uncommitted changes" in result.stderr, result.stderr
    assert "Cargo.toml" in result.stderr and snapshot(root) == before
    assert run_cli("upgrade", root, "--pyo3", "0.30", "--allow-dirty").exit_code == 0
    assert 'pyo3 = "0.30"' in (root / "Cargo.toml").read_text()


def test_companion_without_a_release_is_named(tmp_path):
    """pyo3-asyncio stopped at PyO3 0.20 (its successor is pyo3-async-runtimes); Cargo.lock
    shows it depends on pyo3, so it is a companion even though no list names it."""
    root = project(tmp_path, "0.20", 'pyo3-asyncio = "0.20"\n')
    run(["cargo", "generate-lockfile"], cwd=root, env=build_env())
    git_init(root)
    before = snapshot(root)
    result = run_cli("upgrade", root, "--pyo3", "0.30")
    assert result.exit_code == 2, result.stderr
    assert (
        "no release of pyo3-asyncio (its newest release, 0.20.0, uses PyO3 0.20) supports "
        "PyO3 0.30" in result.stderr
    ), result.stderr
    assert snapshot(root) == before


def test_path_crate_on_another_pyo3_is_named(tmp_path):
    """A path dependency outside the workspace cannot be moved by this command."""
    write_tree(
        tmp_path / "vendored",
        {
            "Cargo.toml": (
                '[package]\nname = "legacy-bindings"\nversion = "0.1.0"\n'
                'edition = "2021"\n\n[dependencies]\npyo3 = "0.24"\n'
            ),
            "src/lib.rs": "",
        },
    )
    root = project(tmp_path, "0.24", 'legacy-bindings = { path = "../vendored" }\n')
    git_init(root)
    before = snapshot(root)
    result = run_cli("upgrade", root, "--pyo3", "0.30")
    assert result.exit_code == 2, result.stderr
    assert (
        "`legacy-bindings` (a path dependency outside the workspace) requires PyO3 0.24"
        in result.stderr
        and "no release for PyO3 0.30" in result.stderr
    ), result.stderr
    assert snapshot(root) == before


def test_source_uses_listed_and_renamed_only_with_unsafe_fixes(tmp_path):
    root = project(tmp_path, "0.25")
    (root / "src/lib.rs").write_text(
        "use pyo3::prelude::*;\n"
        "// with_gil in a comment stays\n"
        "pub fn f() -> usize {\n"
        '    Python::with_gil(|py| py.allow_threads(|| "with_gil".len()))\n'
        "}\n"
    )
    git_init(root)
    listed = run_cli("upgrade", root, "--pyo3", "0.30", "--dry-run")
    assert (
        "src/lib.rs:4:13: [unsafe] `Python::with_gil` is `Python::attach` (removed in PyO3 "
        "0.28); --unsafe-fixes renames it" in listed.stdout
    ), listed.stdout
    assert "src/lib.rs:4:30: [unsafe] `Python::allow_threads`" in listed.stdout
    result = run_cli("upgrade", root, "--pyo3", "0.30")
    assert result.exit_code == 1 and "2 use(s) of APIs removed" in result.stderr
    assert "with_gil(|py|" in (root / "src/lib.rs").read_text()
    git_commit_all(root)
    fixed = run_cli("upgrade", root, "--pyo3", "0.30", "--unsafe-fixes")
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert (root / "src/lib.rs").read_text().splitlines()[1:4] == [
        "// with_gil in a comment stays",
        "pub fn f() -> usize {",
        '    Python::attach(|py| py.detach(|| "with_gil".len()))',
    ]


def test_abi3_floor_follows_and_requires_python_needs_unsafe_fixes(tmp_path):
    """A `scaffold new --abi3` project (setuptools-rust, `rust` layout) moved back to abi3-py38:
    PyO3 0.30 has no `abi3-py38`, so the feature (inherited-dependency features included) and
    setup.cfg's wheel tag rise to 3.9; `requires-python` only with --unsafe-fixes."""
    root = tmp_path / "a3"
    created = run_cli(
        "new",
        "a3",
        root,
        "--pyo3",
        "0.28",
        "--abi3",
        "3.9",
        "--backend",
        "setuptools-rust",
        "--layout",
        "rust",
        "--no-git",
        "--yes",
    )
    assert created.exit_code == 0, created.stderr
    for name in ["crates/a3/Cargo.toml", "setup.cfg", "pyproject.toml"]:
        path = root / name
        path.write_text(
            path.read_text()
            .replace("abi3-py39", "abi3-py38")
            .replace("cp39", "cp38")
            .replace('">=3.9"', '">=3.8"')
        )
    git_init(root)
    plan = run_cli("upgrade", root, "--pyo3", "0.30", "--dry-run")
    assert plan.exit_code == 1, plan.stdout + plan.stderr
    lines = plan.stdout.splitlines()
    assert (
        '  crates/a3/Cargo.toml:24: "abi3-py38" -> "abi3-py39" (PyO3 0.30 supports Python '
        ">= 3.9)" in lines
    ), plan.stdout
    assert "  setup.cfg:3: py_limited_api cp38 -> cp39" in lines
    line = next(
        n
        for n, text in enumerate((root / "pyproject.toml").read_text().splitlines(), 1)
        if text.startswith("requires-python")
    )
    assert (
        f'  pyproject.toml:{line}: [unsafe] requires-python ">=3.8" -> ">=3.9" (the abi3 '
        "floor); needs --unsafe-fixes" in lines
    )
    safe = run_cli("upgrade", root, "--pyo3", "0.30")
    assert safe.exit_code == 0, safe.stdout + safe.stderr
    assert 'features = ["abi3-py39"]' in (root / "crates/a3/Cargo.toml").read_text()
    assert "py_limited_api = cp39" in (root / "setup.cfg").read_text()
    assert 'requires-python = ">=3.8"' in (root / "pyproject.toml").read_text()
    git_commit_all(root)
    unsafe = run_cli("upgrade", root, "--pyo3", "0.30", "--unsafe-fixes")
    assert unsafe.exit_code == 0, unsafe.stdout + unsafe.stderr
    assert 'requires-python = ">=3.9"' in (root / "pyproject.toml").read_text()


def test_invalid_toml_and_no_git_exit_2_nothing_written(tmp_path):
    root = project(tmp_path, "0.28")
    before = snapshot(root)
    outside = run_cli("upgrade", root, "--pyo3", "0.30")
    assert outside.exit_code == 2 and "not inside a git repository" in outside.stderr
    assert "--allow-no-vcs" in outside.stderr and snapshot(root) == before
    (root / "Cargo.toml").write_text((root / "Cargo.toml").read_text() + "[broken\n")
    git_init(root)
    before = snapshot(root)
    broken = run_cli("upgrade", root, "--pyo3", "0.30")
    assert broken.exit_code == 2 and "Cargo.toml:8:8: invalid TOML" in broken.stderr, broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1 and snapshot(root) == before


def test_build_script_without_direct_pyo3_is_reported(tmp_path):
    """From PyO3 0.29 a build script using pyo3_build_config needs pyo3 or pyo3-ffi among its
    crate's own dependencies: listed, by hand (the crate may not want PyO3 linked)."""
    root = write_tree(
        tmp_path / "ws",
        {
            "Cargo.toml": '[workspace]\nmembers = ["ext", "cfg"]\nresolver = "2"\n',
            "ext/Cargo.toml": (
                '[package]\nname = "ext"\nversion = "0.1.0"\nedition = "2021"\n\n'
                '[dependencies]\npyo3 = "0.28"\n'
            ),
            "ext/src/lib.rs": "",
            "cfg/Cargo.toml": (
                '[package]\nname = "cfg"\nversion = "0.1.0"\nedition = "2021"\n\n'
                '[build-dependencies]\npyo3-build-config = "0.28"\n'
            ),
            "cfg/build.rs": "fn main() {\n    pyo3_build_config::use_pyo3_cfgs();\n}\n",
            "cfg/src/lib.rs": "",
        },
    )
    plan = run_cli("upgrade", root, "--pyo3", "0.30", "--dry-run")
    assert (
        "  cfg/build.rs: [by hand] build script uses pyo3_build_config: from PyO3 0.29 "
        "`cfg` needs pyo3 or pyo3-ffi in [dependencies]" in plan.stdout.splitlines()
    ), plan.stdout
    assert "ext/build.rs" not in plan.stdout


SRC_LAYOUT = {
    "pyproject.toml": (
        '[build-system]\nrequires = ["maturin>=1.9.4,<2"]\n'
        'build-backend = "maturin"\n\n[project]\nname = "srcl"\n'
        'version = "0.1.0"\nrequires-python = ">=3.8"\n\n[tool.maturin]\n'
        'features = ["pyo3/abi3-py38"]\n'
    ),
    "rust/Cargo.toml": (
        '[package]\nname = "srcl"\nversion = "0.1.0"\nedition = "2021"\n\n'
        '[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\npyo3 = "0.28"\n\n'
        '[features]\ndefault = ["extension-module"]\n'
        'extension-module = ["pyo3/extension-module"]\n'
    ),
    "rust/src/lib.rs": "pub fn f() {}\n",
}


def test_python_first_root_paths_are_relative_to_the_current_directory(tmp_path):
    """maturin's src layout (the crate in `rust/`): run from the project root, the plan and the
    diff name `rust/Cargo.toml` and `pyproject.toml` as seen from there (they named them
    relative to `rust/`, and the pyproject as `b//abs/path`); from `rust/`, `../pyproject.toml`;
    the real run from the root writes both files."""
    root = write_tree(tmp_path / "srcl", SRC_LAYOUT, git=True)
    before = snapshot(root)
    diff = run_cli("upgrade", "--pyo3", "0.30", "--diff", cwd=root)
    assert diff.exit_code == 1, diff.stderr
    headers = [line for line in diff.stdout.splitlines() if line.startswith(("---", "+++"))]
    assert headers == [
        "--- a/pyproject.toml",
        "+++ b/pyproject.toml",
        "--- a/rust/Cargo.toml",
        "+++ b/rust/Cargo.toml",
    ], diff.stdout
    assert '  rust/Cargo.toml:10: pyo3 "0.28" -> "0.30"' in diff.stderr.splitlines()
    assert (
        '  pyproject.toml:11: "pyo3/abi3-py38" -> "pyo3/abi3-py39" (PyO3 0.30 supports '
        "Python >= 3.9)" in diff.stderr.splitlines()
    ), diff.stderr
    assert (
        "  rust/Cargo.toml: note: PyO3 0.30 supports env wiring (PYO3_BUILD_EXTENSION_MODULE "
        "with maturin>=1.9.4 in build-system.requires)" in diff.stderr
    )  # with the floor
    inside = run_cli("upgrade", "--pyo3", "0.30", "--dry-run", cwd=root / "rust")
    assert '  Cargo.toml:10: pyo3 "0.28" -> "0.30"' in inside.stdout.splitlines()
    assert "  ../pyproject.toml:11: " in inside.stdout, inside.stdout
    assert snapshot(root) == before
    done = run_cli("upgrade", "--pyo3", "0.30", cwd=root)
    assert done.exit_code == 0, done.stdout + done.stderr
    assert 'pyo3 = "0.30"' in (root / "rust/Cargo.toml").read_text()
    assert '"pyo3/abi3-py39"' in (root / "pyproject.toml").read_text()


def test_path_crate_with_a_companion_on_another_pyo3_is_named(tmp_path):
    """A path dependency outside the workspace on numpy 0.24 (built on PyO3 0.24, as Cargo.lock
    shows): refused by name before anything is written (cargo update failed with "failed to
    select a version for `pyo3-ffi`", naming nothing)."""
    write_tree(
        tmp_path / "vendored",
        {
            "Cargo.toml": (
                '[package]\nname = "legacy-arrays"\nversion = "0.1.0"\n'
                'edition = "2021"\n\n[dependencies]\nnumpy = "0.24"\n'
            ),
            "src/lib.rs": "",
        },
    )
    root = project(tmp_path, "0.24", 'legacy-arrays = { path = "../vendored" }\n')
    run(["cargo", "generate-lockfile"], cwd=root, env=build_env())
    git_init(root)
    before = snapshot(root)
    result = run_cli("upgrade", root, "--pyo3", "0.30")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert (
        "`legacy-arrays` (a path dependency outside the workspace) depends on `numpy`, "
        "locked on PyO3 0.24" in result.stderr
    ), result.stderr
    assert snapshot(root) == before


def test_failed_cargo_update_puts_the_manifests_back(tmp_path):
    """The manifests are written before `cargo update`; when cargo then fails (here: a package
    the lock does not have), they are put back byte for byte and the error names the command."""
    from scaffold.errors import UserError
    from scaffold.transaction.write import write_all
    from scaffold.upgrade import plan as planning
    from scaffold.upgrade.lockfile import cargo_update

    root = project(tmp_path, "0.28")
    run(["cargo", "generate-lockfile"], cwd=root, env=build_env())
    git_init(root)
    before = snapshot(root)
    plan = planning.build(root, "0.30", False)
    assert plan.changes and plan.update == ["pyo3"]
    write_all({p: t.original for p, t in plan.changes.items()}, root=root)
    assert snapshot(root) != before
    plan.update = ["no-such-package"]
    with pytest.raises(
        UserError,
        match=r"cargo update -p no-such-package` failed .* the "
        r"manifests were put back",
    ):
        cargo_update(plan, root)
    assert snapshot(root) == before
