"""The fix gate: a fix whose builds change beyond what its rule claims is not applied.

The opt-in-bindings crate of issue 13 (an optional pyo3 behind `python`): the old PW201 fix
wrote `pyo3/extension-module`, which enables the optional pyo3 in a plain `cargo build`. With
that form forced back, the gate must refuse the fix, say why, and write nothing; the real
fix (`pyo3?/extension-module`) passes and reports the scenarios it changes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from scaffold.rules import wiring_edits
from tests.conftest import git_init, run_cli

CASE = Path(__file__).parent / "rules" / "cases" / "PW201" / "opt-in-bindings" / "in"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "engine"
    shutil.copytree(CASE, root)
    git_init(root)
    return root


def test_gate_refuses_a_fix_that_enables_an_optional_dependency(tmp_path, monkeypatch) -> None:
    root = _copy(tmp_path)
    before = (root / "Cargo.toml").read_text()
    monkeypatch.setattr(
        wiring_edits,
        "pyo3_feature",
        lambda key, weak=False: f"{key}/{wiring_edits.EXTENSION_MODULE}",
    )
    result = run_cli("fix-features", "--select", "PW201", "--output-format", "json", cwd=root)
    assert (root / "Cargo.toml").read_text() == before
    document = json.loads(result.stdout)
    [finding] = document["diagnostics"]
    assert finding["fix"]["applicability"] == "display-only"
    assert "fix not applied" in finding["note"]
    assert "`cargo build`: pyo3 enters the build" in finding["note"]
    assert document["fixed"] == [] and document["changed_files"] == []
    text = run_cli("fix-features", "--select", "PW201", "--check", cwd=root)
    assert "[*]" in text.stdout  # --check offers the fix; only fixing verifies it


def test_gate_passes_the_weak_form_and_reports_the_scenarios(tmp_path) -> None:
    root = _copy(tmp_path)
    result = run_cli("fix-features", "--select", "PW201", "--output-format", "json", cwd=root)
    document = json.loads(result.stdout)
    assert document["changed_files"] == ["Cargo.toml"]
    assert 'extension-module = ["pyo3?/extension-module"]' in (root / "Cargo.toml").read_text()
    changes = {(c["scenario"], c["package"]): c for c in document["scenario_changes"]}
    assert changes[("cargo build", "engine")]["enabled"] == ["extension-module"]
    assert not any(c["package"] == "pyo3" for c in document["scenario_changes"])
