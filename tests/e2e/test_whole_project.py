"""Issue 23: fix-features and add-profiler see the whole project, not only the manifests:
Python projects elsewhere in the repository, uses of a feature outside the manifests, Cargo's
membership rules, the package the backend builds. Every claim about cargo is checked with the
real cargo (`cargo metadata` in every directory, `cargo build` / `maturin` where the build is
the point)."""

from __future__ import annotations

import json
import shutil
import tarfile
import tomllib
from pathlib import Path

import pytest

from tests.conftest import (
    git_commit_all,
    git_init,
    lib_rs,
    maturin_pyproject,
    pyo3_manifest,
    read_tree,
    run,
    run_cli,
    write_tree,
)

pytestmark = pytest.mark.needs_rust


def cargo_metadata(directory: Path) -> dict:
    proc = run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=directory)
    return json.loads(proc.stdout)


EXT_MANIFEST = """\
    [package]
    name = "ext"
    version = "0.1.0"
    edition = "2021"

    [lib]
    name = "_native"
    crate-type = ["cdylib", "rlib"]

    [dependencies]
    pyo3 = "0.28"

    [features]
    extension-module = ["pyo3/extension-module"]
    """

# The wheel build turns `extension-module` on from a pyproject.toml outside the crate: only
# a tool that finds that file knows the feature is on (else PW202 asks for a default).
ELSEWHERE = {
    "maturin": {
        "python/pyproject.toml": """\
            [build-system]
            requires = ["maturin>=1.9.4,<2.0"]
            build-backend = "maturin"

            [project]
            name = "mypkg"

            [tool.maturin]
            manifest-path = "../crates/ext/Cargo.toml"
            module-name = "mypkg._native"
            features = ["extension-module"]
            """,
    },
    "setuptools-rust": {
        "bindings/py/pyproject.toml": """\
            [build-system]
            requires = ["setuptools", "setuptools-rust>=1.12"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "mypkg"

            [[tool.setuptools-rust.ext-modules]]
            target = "mypkg._native"
            path = "../../crates/ext/Cargo.toml"
            features = ["extension-module"]
            """,
    },
}


def elsewhere_repo(root: Path, backend: str) -> tuple[Path, list[Path]]:
    """The repository and its entry points: the root, the Python project, the crate."""
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
        "crates/ext/Cargo.toml": EXT_MANIFEST,
        "crates/ext/src/lib.rs": lib_rs("_native"),
        **ELSEWHERE[backend],
    }
    repo = write_tree(root / "repo", files, git=True)
    (python_dir,) = [repo / Path(p).parent for p in ELSEWHERE[backend]]
    return repo, [repo, python_dir, repo / "crates" / "ext"]


def diagnostics(start: Path) -> list[tuple]:
    """`--check`'s findings from `start`, with paths made absolute."""
    result = run_cli("fix-features", "--check", "--no-cache", "--output-format", "json", cwd=start)
    assert result.exit_code in (0, 1), result.stderr
    return sorted(
        (d["code"], str((start / d["path"]).resolve()), d["line"], d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
    )


@pytest.mark.parametrize("backend", list(ELSEWHERE))
def test_python_project_elsewhere_same_verdict_from_every_entry_point(tmp_path, backend):
    """Item 4: `python/pyproject.toml -> ../crates/ext/Cargo.toml` (and setuptools-rust
    ext-modules) is found from the root, from the Python project and from the crate; the wheel
    build it describes (features = ["extension-module"]) is modelled, so PW202 stays silent
    and PW206 points at the crate's feature, from every entry point alike."""
    repo, starts = elsewhere_repo(tmp_path, backend)
    for directory in (repo, repo / "crates" / "ext"):  # cargo accepts the workspace
        assert [p["name"] for p in cargo_metadata(directory)["packages"]] == ["ext"]
    verdicts = {start: diagnostics(start) for start in starts}
    first = verdicts[repo]
    assert all(v == first for v in verdicts.values()), verdicts
    assert [d[0] for d in first] == ["PW206"], first  # info: no PW202, no PW401
    assert first[0][1] == str((repo / "crates/ext/Cargo.toml").resolve())

    # The fix from every entry point writes the same files (fresh copies of the fixture).
    trees = []
    for index, start in enumerate(starts):
        copy = tmp_path / f"copy{index}"
        shutil.copytree(repo, copy)
        fixed = run_cli("fix-features", "--wiring", "env", cwd=copy / start.relative_to(repo))
        assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
        trees.append(read_tree(copy))
    assert trees[0] == trees[1] == trees[2]
    (pyproject,) = list(ELSEWHERE[backend])
    assert b'"extension-module"' not in trees[0][pyproject]  # the backend's use went with it
    assert b"extension-module" not in trees[0]["crates/ext/Cargo.toml"]


def test_crate_neither_member_nor_excluded_is_refused_as_cargo_does(tmp_path):
    """Item 7: a crate inside a workspace directory that is neither a member nor excluded:
    cargo refuses to load it, and so does `--check` on it (exit 2, one line naming the
    workspace and both fixes); from the root both accept the workspace. After `exclude` both
    accept the crate on its own."""
    repo = write_tree(
        tmp_path / "repo",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/ext"]\nresolver = "2"\n',
            "crates/ext/Cargo.toml": EXT_MANIFEST,
            "crates/ext/src/lib.rs": lib_rs("_native"),
            "crates/stray/Cargo.toml": EXT_MANIFEST.replace('"ext"', '"stray"'),
            "crates/stray/src/lib.rs": lib_rs("_native"),
            # not listed either, but a path dependency of a member: cargo makes it one
            "crates/ext/helper/Cargo.toml": '[package]\nname = "helper"\nversion = "0.1.0"\n'
            'edition = "2021"\n',
            "crates/ext/helper/src/lib.rs": "",
        },
        git=False,
    )
    manifest = repo / "crates/ext/Cargo.toml"
    manifest.write_text(
        manifest.read_text().replace(
            "[dependencies]\n", '[dependencies]\nhelper = { path = "helper" }\n'
        )
    )
    git_init(repo)
    helper = repo / "crates/ext/helper"
    assert [p["name"] for p in cargo_metadata(helper)["packages"]] == ["ext", "helper"]
    assert run_cli("fix-features", "--check", "--no-cache", cwd=helper).exit_code == 0
    stray = repo / "crates" / "stray"
    cargo = run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=stray, check=False)
    assert cargo.returncode != 0
    assert "current package believes it's in a workspace when it's not" in cargo.stderr
    assert f"workspace: {repo / 'Cargo.toml'}" in cargo.stderr
    assert "`crates/stray` to the `workspace.members`" in cargo.stderr
    assert "`workspace.exclude`" in cargo.stderr

    checked = run_cli("fix-features", "--check", "--no-cache", cwd=stray)
    assert checked.exit_code == 2, checked.stdout + checked.stderr
    (line,) = checked.stderr.splitlines()
    assert "current package believes it's in a workspace when it's not" in line
    assert str(repo / "Cargo.toml") in line and "`crates/stray`" in line
    assert "`workspace.members`" in line and "`workspace.exclude`" in line
    assert run_cli("add-profiler", "--dry-run", cwd=stray).exit_code == 2

    assert [p["name"] for p in cargo_metadata(repo)["packages"]] == ["ext", "helper"]
    assert run_cli("fix-features", "--check", "--no-cache", cwd=repo).exit_code == 0

    (repo / "Cargo.toml").write_text(
        '[workspace]\nmembers = ["crates/ext"]\nexclude = ["crates/stray"]\nresolver = "2"\n'
    )
    assert [p["name"] for p in cargo_metadata(stray)["packages"]] == ["stray"]
    assert run_cli("fix-features", "--check", "--no-cache", cwd=stray).exit_code == 0


def test_unknown_manifest_keys_get_cargos_warning(tmp_path):
    """Item 7: `[dependecies]` and `[workspace.dependecies]` are ignored by cargo with a
    warning (printed by `cargo check`; `cargo metadata` stays silent); PW104 says the same."""
    repo = write_tree(
        tmp_path / "repo",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/ext"]\nresolver = "2"\n\n'
            '[workspace.dependecies]\npyo3 = "0.28"\n',
            "crates/ext/Cargo.toml": '[package]\nname = "ext"\nversion = "0.1.0"\n'
            'edition = "2021"\n\n[dependecies]\npyo3 = "0.28"\n',
            "crates/ext/src/lib.rs": "",
        },
        git=True,
    )
    cargo_metadata(repo)  # accepted
    env_target = tmp_path / "target"  # nothing to compile: an empty library, no dependencies
    checked = run(
        ["cargo", "check", "--offline", "--target-dir", env_target], cwd=repo, check=False
    )
    assert checked.returncode == 0, checked.stderr
    warnings = sorted(line for line in checked.stderr.splitlines() if "unused manifest key" in line)
    assert warnings == [
        f"warning: {repo / 'Cargo.toml'}: unused manifest key: workspace.dependecies",
        f"warning: {repo / 'crates/ext/Cargo.toml'}: unused manifest key: dependecies",
    ]
    for start in (repo, repo / "crates" / "ext"):
        found = diagnostics(start)
        assert sorted((d[1], d[3].split(" (")[0]) for d in found if d[0] == "PW104") == [
            (str(repo / "Cargo.toml"), "unused manifest key: workspace.dependecies"),
            (str(repo / "crates/ext/Cargo.toml"), "unused manifest key: dependecies"),
        ], found


WORKFLOW = """\
    name: CI
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: cargo build --features extension-module
    """


@pytest.mark.e2e
def test_env_migration_keeps_a_feature_the_workflow_passes(tmp_path):
    """Item 6: `--wiring env` keeps `extension-module` as a no-op (with a comment saying why)
    while `.github/workflows/ci.yml` passes `--features extension-module`: the workflow's
    command still builds (real cargo). Removing it, as the migration did before, breaks it."""
    repo = write_tree(
        tmp_path / "repo",
        {
            "Cargo.toml": pyo3_manifest("mylib", feature_wiring=True),
            "src/lib.rs": lib_rs("mylib"),
            "pyproject.toml": maturin_pyproject("mylib"),
            ".github/workflows/ci.yml": WORKFLOW,
        },
        git=True,
    )
    checked = run_cli("fix-features", "--wiring", "env", "--check", cwd=repo)
    assert "stays (empty: `.github/workflows/ci.yml` passes `--features extension-module`)" in (
        checked.stdout
    ), checked.stdout
    fixed = run_cli("fix-features", "--wiring", "env", cwd=repo)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    manifest = (repo / "Cargo.toml").read_text()
    assert (
        "extension-module = []  # no-op with env wiring; kept for .github/workflows/ci.yml"
        in manifest
    )
    assert "pyo3/extension-module" not in manifest
    assert run_cli("fix-features", "--wiring", "env", "--check", cwd=repo).exit_code == 0
    run(["cargo", "build", "--features", "extension-module"], cwd=repo)  # the workflow's step
    tree = run(["cargo", "tree", "-e", "features", "-i", "pyo3"], cwd=repo).stdout
    assert 'pyo3 feature "extension-module"' not in tree  # the feature is a no-op now

    # The control: without the kept feature, cargo refuses the workflow's command.
    (repo / "Cargo.toml").write_text(
        manifest.replace('default = ["extension-module"]\n', "").replace(
            "extension-module = []  # no-op with env wiring; kept for .github/workflows/ci.yml\n",
            "",
        )
    )
    refused = run(["cargo", "tree", "--features", "extension-module"], cwd=repo, check=False)
    assert refused.returncode != 0
    assert "does not contain this feature: extension-module" in refused.stderr, refused.stderr


# `uv init --lib --build-backend maturin`'s shape (written here, not generated): a root
# package maturin builds, a python-source folder, no workspace.
UV_LIB = {
    "Cargo.toml": """\
        [package]
        name = "uvlib"
        version = "0.1.0"
        edition = "2021"

        [lib]
        name = "_core"
        # "cdylib" is necessary to produce a shared library for Python to import from.
        crate-type = ["cdylib"]

        [dependencies]
        pyo3 = { version = "0.30", features = ["extension-module"] }
        """,
    "pyproject.toml": """\
        [project]
        name = "uvlib"
        version = "0.1.0"
        requires-python = ">=3.9"

        [tool.maturin]
        module-name = "uvlib._core"
        python-packages = ["uvlib"]
        python-source = "src"

        [build-system]
        requires = ["maturin>=1.0,<2.0"]
        build-backend = "maturin"
        """,
    "src/lib.rs": lib_rs("_core", double=True),
    "src/uvlib/__init__.py": "from uvlib._core import double_py\n",
}


def sdist_files(repo: Path, out: Path) -> tuple[Path, list[str]]:
    run(["maturin", "sdist", "--out", out], cwd=repo)
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = [n.split("/", 1)[1] for n in archive.getnames() if "/" in n]
    return sdist, names


@pytest.mark.e2e
def test_add_profiler_keeps_the_root_package_maturin_builds(tmp_path):
    """Item 9: on a root-package project add-profiler writes `default-members = [".",
    "uvlib-profiler"]` (PW205 then makes `extension-module` opt-in through `[tool.maturin]
    features` instead of dropping "."); maturin's sdist keeps the library and a wheel builds
    from it. The state the old add-profiler left (`default-members = ["uvlib-profiler"]`) is
    PW404: its sdist lacks `src/lib.rs` (real maturin), and the fix restores it."""
    repo = write_tree(tmp_path / "uvlib", UV_LIB, git=True)
    added = run_cli("add-profiler", cwd=repo)
    assert added.exit_code == 0, added.stderr
    root = tomllib.loads((repo / "Cargo.toml").read_text())
    assert root["workspace"]["default-members"] == [".", "uvlib-profiler"]
    assert "default" not in root["features"]  # opt-in: the wheel build enables it
    maturin = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["maturin"]
    assert maturin["features"] == ["extension-module"]
    git_commit_all(repo)
    assert run_cli("fix-features", "--check", "--no-cache", cwd=repo).exit_code == 0

    sdist, names = sdist_files(repo, tmp_path / "sdist")
    assert "src/lib.rs" in names and "Cargo.toml" in names, names
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    run(["maturin", "build", "--out", tmp_path / "from-sdist"], cwd=unpacked)
    assert list((tmp_path / "from-sdist").glob("uvlib-0.1.0-*.whl"))
    run(["maturin", "build", "--out", tmp_path / "wheel"], cwd=repo)
    assert list((tmp_path / "wheel").glob("uvlib-0.1.0-*.whl"))

    # What the old add-profiler wrote: the root package out of `default-members`.
    manifest = (repo / "Cargo.toml").read_text()
    (repo / "Cargo.toml").write_text(
        manifest.replace(
            'default-members = [".", "uvlib-profiler"]', 'default-members = ["uvlib-profiler"]'
        )
    )
    git_commit_all(repo)
    _, broken = sdist_files(repo, tmp_path / "broken")
    assert "src/lib.rs" not in broken, broken  # the control: maturin really drops it
    checked = run_cli("fix-features", "--check", "--no-cache", cwd=repo)
    assert checked.exit_code == 1 and "PW404" in checked.stdout, checked.stdout
    fixed = run_cli("fix-features", "--unsafe-fixes", cwd=repo)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert tomllib.loads((repo / "Cargo.toml").read_text())["workspace"]["default-members"] == [
        ".",
        "uvlib-profiler",
    ]
    _, restored = sdist_files(repo, tmp_path / "restored")
    assert "src/lib.rs" in restored, restored
