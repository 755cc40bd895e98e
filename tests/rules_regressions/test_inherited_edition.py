"""`edition.workspace = true` is read from `[workspace.package]` (notes/real-repos.md, round 3:
a virtual workspace's bindings crate came out as edition 2015, so add-profiler wrote a profiler
that did not compile; a root package that inherits its edition got the literal
`{'workspace': True}` as the profiler's edition, and cargo rejected the whole workspace)."""

from __future__ import annotations

import tomllib

import pytest

from scaffold.workspace.loader import load
from tests.conftest import git_init, lib_rs, run, run_cli, write_tree

PACKAGE = """\
    version.workspace = true
    edition.workspace = true

    [lib]
    crate-type = ["cdylib", "rlib"]

    [dependencies]
    pyo3 = "0.30"

    [features]
    default = ["extension-module"]
    extension-module = ["pyo3/extension-module"]
    """


def virtual_workspace(root):
    return write_tree(
        root,
        {
            "Cargo.toml": """\
            [workspace]
            members = ["bindings"]
            resolver = "2"

            [workspace.package]
            version = "0.1.0"
            edition = "2021"
            """,
            "bindings/Cargo.toml": '[package]\nname = "bindings"\n' + PACKAGE,
            "bindings/src/lib.rs": lib_rs("bindings"),
        },
    )


def root_package(root):
    return write_tree(
        root,
        {
            "Cargo.toml": '[package]\nname = "rootpkg"\n'
            + PACKAGE
            + '\n[workspace]\n\n[workspace.package]\nversion = "0.1.0"\nedition = "2021"\n',
            "src/lib.rs": lib_rs("rootpkg"),
        },
    )


@pytest.mark.parametrize("shape", [virtual_workspace, root_package])
def test_the_inherited_edition_is_the_workspace_packages(tmp_path, shape):
    root = shape(tmp_path / "p")
    editions = {crate.name: crate.edition for crate in load(root).members}
    assert editions and set(editions.values()) == {"2021"}, editions


@pytest.mark.needs_rust
@pytest.mark.parametrize("shape", [virtual_workspace, root_package])
def test_add_profiler_gives_the_profiler_the_inherited_edition(tmp_path, shape):
    """The profiler's manifest names 2021 and cargo loads the whole workspace after it."""
    root = shape(tmp_path / "p")
    git_init(root)
    result = run_cli("add-profiler", root)
    assert result.exit_code == 0, result.stderr
    (manifest,) = [p for p in root.glob("*/Cargo.toml") if p.parent.name.endswith("-profiler")]
    package = tomllib.loads(manifest.read_text())["package"]
    assert package.get("edition") in ("2021", {"workspace": True}), package
    metadata = run(["cargo", "metadata", "--no-deps", "--format-version", "1"], root)
    assert '"edition":"2021"' in metadata.stdout.replace(" ", "")
    assert '"edition":"2015"' not in metadata.stdout.replace(" ", "")
