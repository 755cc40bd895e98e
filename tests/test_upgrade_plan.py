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
from tests.conftest import write_tree

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
