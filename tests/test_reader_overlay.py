"""Planned files (the `Reader`'s overlay: add-profiler's new crate, the fix loop's edits) count
as if written: the loader, the crate queries and the rules see them, and the disk alone does
not. Each case is also loaded without the overlay, so it could not pass by reading the disk."""

from __future__ import annotations

from pathlib import Path

from scaffold import rules
from scaffold.lint import engine
from scaffold.lint.diagnostic import Applicability
from scaffold.toml.textfile import TextFile
from scaffold.workspace.loader import load
from scaffold.workspace.reader import Reader
from tests.conftest import lib_rs, pyo3_manifest, write_tree

ROOT_MANIFEST = '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n'
LIB_MANIFEST = pyo3_manifest("ext", '{ version = "0.23", features = ["extension-module"] }')
TOOL_MANIFEST = """[package]
name = "tool"
version = "0.1.0"
edition = "2021"

[dependencies]
ext = { path = "../ext" }
"""


def _planned(root: Path, files: dict[str, str]) -> dict[Path, TextFile]:
    return {
        root / name: TextFile.from_bytes(root / name, text.encode()) for name, text in files.items()
    }


def test_planned_crate_and_sources_are_seen(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    write_tree(
        root,
        {
            "Cargo.toml": ROOT_MANIFEST,
            "crates/ext/Cargo.toml": LIB_MANIFEST,
            "crates/ext/src/lib.rs": "// no module yet\n",
        },
    )
    planned = _planned(
        root,
        {
            "crates/ext/src/lib.rs": lib_rs("ext"),
            "crates/tool/Cargo.toml": TOOL_MANIFEST,
            "crates/tool/src/main.rs": "fn main() {}\n",
            "crates/tool/build.rs": "fn main() {}\n",
        },
    )

    on_disk = load(root)
    assert [c.name for c in on_disk.members] == ["ext"]
    assert on_disk.extensions() == []  # lib.rs on disk defines no module

    ws = load(root, Reader(planned))
    assert [e.crate.name for e in ws.extensions()] == ["ext"]
    tool = ws.member("tool")
    assert tool is not None and tool.has_binary
    assert tool.build_script == root / "crates/tool/build.rs"
    assert tool.rust_sources() == [root / "crates/tool/src/main.rs"]
    assert [member.name for member, _ in ws.dependents(ws.member("ext"))] == ["tool"]


def test_pw402_sees_a_planned_manifest_path_target(tmp_path: Path) -> None:
    """maturin's `manifest-path` names a crate that exists only in the plan: PW402 must see
    it (reading the disk, it would call the path "not a workspace crate")."""
    root = tmp_path.resolve()
    write_tree(
        root,
        {
            "Cargo.toml": ROOT_MANIFEST,
            "crates/other/Cargo.toml": LIB_MANIFEST.replace('"ext"', '"other"').replace(
                ', "rlib"', ""
            ),
            "crates/other/src/lib.rs": "// nothing\n",
            "pyproject.toml": '[build-system]\nrequires = ["maturin>=1,<2"]\n'
            'build-backend = "maturin"\n\n[tool.maturin]\n'
            'manifest-path = "crates/ext/Cargo.toml"\n',
        },
    )
    planned = _planned(
        root, {"crates/ext/Cargo.toml": LIB_MANIFEST, "crates/ext/src/lib.rs": lib_rs("ext")}
    )
    select = rules.select(["PW402"], None)

    without = engine.run(root, select, None)
    assert [d.code for d in without.diagnostics] == ["PW402"]
    assert "not a workspace crate" in without.diagnostics[0].message

    planned_run = engine.run(root, select, Applicability.SAFE, planned=planned)
    assert planned_run.diagnostics == []


def test_files_planned_after_a_query_are_seen(tmp_path: Path) -> None:
    """The overlay grows between fix passes; the Reader's index of pending files follows."""
    root = write_tree(tmp_path / "ws", {"crates/ext/src/lib.rs": lib_rs("ext")})
    overlay: dict[Path, TextFile] = {}
    reader = Reader(overlay)
    src = root / "crates" / "ext" / "src"
    assert reader.files(src, "*.rs") == [src / "lib.rs"]
    assert not reader.is_dir(src / "bin")
    overlay.update(_planned(root, {"crates/ext/src/bin/run.rs": "fn main() {}\n"}))
    assert reader.is_dir(src / "bin")
    assert reader.files(src / "bin", "*.rs") == [src / "bin" / "run.rs"]
    assert reader.files(src, "*.rs", recursive=True) == [src / "bin" / "run.rs", src / "lib.rs"]
    assert reader.files(src, "*.rs") == [src / "lib.rs"]  # not recursive: bin/ is a level down
