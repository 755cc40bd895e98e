"""`Reader.resolve` and `Reader.resolve_from` (strings, remembered per directory) agree with
`Path.resolve` on every spelling a manifest can hold: `..`, `.`, doubled separators, symbolic
links to directories (also to a parent and through another link), dangling links, missing
components and absolute paths."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from scaffold.workspace.reader import Reader
from tests.conftest import posix_only

RELATIVE = [
    "../b",
    "../../ws/crates/b",
    "./b/../a",
    "b//c",
    "link-b/../a",
    "link-b/c/..",
    "up/crates/a",
    "chain/c",
    "dangling/x",
    "missing/../b",
    "../a/link-b/../../crates/b/.",
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    crates = tmp_path / "ws" / "crates"
    for name in ("a", "b/c"):
        (crates / name).mkdir(parents=True)
    os.symlink(crates / "b", crates / "a" / "link-b")
    os.symlink("..", crates / "a" / "up")  # relative link to the parent
    os.symlink(crates / "a" / "link-b", crates / "a" / "chain")  # a link to a link
    os.symlink(tmp_path / "nowhere", crates / "a" / "dangling")
    return crates / "a"


@posix_only("symlinks (a privilege on Windows)")
@pytest.mark.parametrize("relative", RELATIVE)
def test_resolve_from_agrees_with_pathlib(tree: Path, relative: str) -> None:
    reader = Reader()
    expected = (tree / relative).resolve()
    assert reader.resolve_from(tree, relative) == expected
    assert reader.resolve(tree / relative) == expected
    # a second spelling after the cache is warm still agrees
    assert reader.resolve_from(tree.parent / "b" / ".." / "a", relative) == expected


@posix_only("symlinks (a privilege on Windows)")
def test_absolute_and_shared_prefixes(tree: Path) -> None:
    reader = Reader()
    for first, second in itertools.product(RELATIVE, repeat=2):
        path = (tree / first).parent / second
        assert reader.resolve(path) == path.resolve(), path
    assert reader.resolve_from(tree, str(tree / "link-b")) == (tree / "link-b").resolve()
