"""upgrade's plan without the registry (a workspace already on the target PyO3, so nothing is
resolved): the feature edits held by the verify gate, and Cargo.lock and setup.cfg read
through the workspace's Reader (planned text counts, as for every other reader)."""

from __future__ import annotations

import pytest

from scaffold.errors import UserError
from scaffold.lint.claim import Claim
from scaffold.toml.editor import Editor
from scaffold.toml.textfile import TextFile
from scaffold.upgrade import analysis, manifest_edits, source_edits
from scaffold.upgrade import plan as planning
from scaffold.upgrade.model import Plan
from scaffold.workspace.loader import load
from scaffold.workspace.reader import Reader
from tests.conftest import run_cli, write_tree

MANIFEST = """\
[package]
name = "p"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
pyo3 = { version = "0.30", features = ["abi3-py38"] }
"""


@pytest.fixture
def root(tmp_path):
    return write_tree(tmp_path / "p", {"Cargo.toml": MANIFEST, "src/lib.rs": "pub fn f() {}\n"})


def test_the_abi3_floor_passes_the_gate_and_a_narrower_claim_is_refused(root):
    plan = planning.build(root, "0.30", False)
    assert any('"abi3-py38" -> "abi3-py39"' in step.text for step in plan.steps)
    assert 'features = ["abi3-py39"]' in plan.changes[root / "Cargo.toml"].text

    ws = load(root)
    bare = Plan(ws, (0, 30), (0, 30), None, False)
    editor = Editor(ws.reader.read)
    claim = manifest_edits.features(bare, editor, analysis.entries(ws, inherited=True))
    assert {"abi3-py38", "abi3-py39", "abi3-py310", "abi3"} <= claim.features
    manifest_edits.gate(bare, editor, claim)  # what the edit claims is what it changes
    with pytest.raises(UserError, match="would change more than they say"):
        manifest_edits.gate(bare, editor, Claim(frozenset({"abi3-py38", "abi3-py39"})))


def test_cargo_lock_and_setup_cfg_are_read_through_the_reader(root):
    lock = '[[package]]\nname = "pyo3"\nversion = "0.30.1"\n'
    setup_cfg = "[bdist_wheel]\npy_limited_api = cp38\n"
    pyproject = (
        '[build-system]\nrequires = ["setuptools", "setuptools-rust"]\n'
        'build-backend = "setuptools.build_meta"\n\n[project]\nname = "p"\n\n'
        '[[tool.setuptools-rust.ext-modules]]\ntarget = "p"\n'
    )
    planned = {
        root / "Cargo.lock": TextFile(root / "Cargo.lock", lock, False, False),
        root / "setup.cfg": TextFile(root / "setup.cfg", setup_cfg, False, False),
        root / "pyproject.toml": TextFile(root / "pyproject.toml", pyproject, False, False),
    }
    ws = load(root, Reader(planned))  # none of the three is on the disk
    assert analysis.lock(ws) == {"package": [{"name": "pyo3", "version": "0.30.1"}]}
    plan = Plan(ws, (0, 30), (0, 30), None, False, uses_abi3=True)
    source_edits.limited_api(plan)
    assert plan.changes[root / "setup.cfg"].text == "[bdist_wheel]\npy_limited_api = cp39\n"
    assert [step.text for step in plan.steps] == ["py_limited_api cp38 -> cp39"]


OLD_BY_HAND = """\
fn main() {
    // `add_libpython_rpath_link_args` arrived in PyO3 0.28; this is what it does on Unix.
    if let Some(lib_dir) = &pyo3_build_config::get().lib_dir {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib_dir}");
    }
}
"""


@pytest.mark.parametrize("made_by", ["0.1.0", "new"])
def test_the_profilers_rpath_by_hand_becomes_the_helper(made_by, tmp_path):
    """Both forms the templates wrote before PyO3 0.28 (0.1.0's, and today's template rendered
    at 0.24: Unix only) are recognised in a build script the regeneration did not rewrite."""
    if made_by == "new":
        made = run_cli("new", "rp", tmp_path / "rp", "--pyo3", "0.24", "--no-git", "--yes")
        assert made.exit_code == 0, made.stderr
        root = tmp_path / "rp"
    else:
        root = write_tree(
            tmp_path / "rp",
            {
                "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
                "crates/rp-profiler/Cargo.toml": (
                    '[package]\nname = "rp-profiler"\nversion = "0.1.0"\nedition = "2021"\n\n'
                    '[dependencies]\npyo3 = "0.24"\n\n[build-dependencies]\n'
                    'pyo3-build-config = "0.24"\n'
                ),
                "crates/rp-profiler/src/main.rs": "fn main() {}\n",
                "crates/rp-profiler/build.rs": OLD_BY_HAND,
            },
        )
    build_rs = root / "crates/rp-profiler/build.rs"
    assert "lib_dir" in build_rs.read_text()
    plan = Plan(load(root), (0, 24), (0, 30), None, False)
    source_edits.build_scripts(plan)
    text = plan.changes[build_rs.resolve()].text
    assert "pyo3_build_config::add_libpython_rpath_link_args();\n" in text
    # The by-hand rpath's code goes (the Windows DLL copy of later templates reads lib_dir
    # too, and their comments say "rpath": only code counts).
    assert "rustc-link-arg=-Wl,-rpath" not in text and "CARGO_CFG_TARGET_FAMILY" not in text
    assert [s.text for s in plan.steps] == [
        "rpath by hand -> pyo3_build_config::add_libpython_rpath_link_args()"
    ]
