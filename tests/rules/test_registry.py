"""The rule table names every rule module with its CODE and NAME, and selecting rules imports
only the selected modules."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from scaffold import rules
from tests.conftest import REPO


def test_table_matches_the_modules():
    modules = sorted(p.stem for p in (REPO / "scaffold" / "rules").glob("pw[0-9]*.py"))
    assert sorted(module for _, module in rules.TABLE.values()) == modules
    for code, (name, module) in rules.TABLE.items():
        loaded = import_module(f"scaffold.rules.{module}")
        assert (code, name) == (loaded.CODE, loaded.NAME)
    assert [r.code for r in rules.ALL] == sorted(rules.TABLE)


def test_select_imports_only_the_selected_rules(tmp_path: Path):
    code = (
        "import sys; from scaffold import rules; rules.select(['PW101', 'PW4'], ['PW403']);"
        "print(sorted(m for m in sys.modules if m.startswith('scaffold.rules.pw')))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert out.strip() == str(
        [
            "scaffold.rules.pw101_missing_cdylib",
            "scaffold.rules.pw401_module_name_mismatch",
            "scaffold.rules.pw402_maturin_manifest_path",
            "scaffold.rules.pw404_default_members_without_backend_package",
        ]
    )
