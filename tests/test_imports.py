"""Commands that do not render never import copier, questionary or gitpython; a clean check
never imports tomlkit either (read-only scans use tomli). Measured in a fresh interpreter with
`python -X importtime`, beyond what the interpreter imports at start-up (tests/importtime.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import importtime
from tests.conftest import REPO

RENDERING = {"copier", "questionary", "git"}  # git: gitpython's package
# Never on the check path: rendering and its dependencies, tomlkit (only when a fix is
# written), and standard-library modules only other commands need.
CHECK_DENIED = RENDERING | {
    "jinja2",
    "yaml",
    "pydantic",
    "tomlkit",
    "plumbum",
    "filelock",
    "json",
    "subprocess",
    "shutil",
    "secrets",
    "hashlib",
    "tempfile",
    "zipfile",
    "email",
    "http",
    "urllib.request",
    "asyncio",
    "packaging",
}  # packaging: only where a backend floor is read
CLEAN_PROJECT = REPO / "tests" / "rules" / "cases" / "PW203" / "clean" / "in"


def imported(*args: str, cwd: Path, expect: int = 0, full: bool = False) -> set[str]:
    """Top-level packages (`full`: every module) a fresh `python -X importtime -m scaffold
    ARGS` imports beyond start-up. Prints the total import time (cumulative of top-level
    imports) for the record (`pytest -s`)."""
    proc, names = importtime.run(*args, cwd=cwd)
    assert proc.returncode == expect, proc.stdout + proc.stderr[-3000:]
    assert "scaffold.cli" in names, proc.stderr[-3000:]  # the listing was read at all
    total = sum(
        micros
        for micros, name in importtime.listed(proc.stderr)
        if not name.startswith("  ") and name.strip() in names
    )
    print(f"scaffold {' '.join(args)}: {len(names)} modules, {total / 1000:.1f} ms of imports")
    return names if full else {name.split(".")[0] for name in names}


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("fix-features", "--help")])
def test_help_and_version_import_no_rendering_library(args, tmp_path):
    assert imported(*args, cwd=tmp_path) & RENDERING == set()


def test_clean_check_imports_nothing_on_the_deny_list(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(CLEAN_PROJECT, project)
    modules = imported("fix-features", "--check", "--no-cache", cwd=project, full=True)
    assert modules & CHECK_DENIED == set()
    assert {name.split(".")[0] for name in modules} & CHECK_DENIED == set()
    assert "tomli" in modules
    # The API loads the lint path only, no other command's module and its result types
    # (`api._lint` itself comes through importlib, which `-X importtime` does not list).
    api_modules = {name for name in modules if name.startswith("scaffold.api.")}
    assert api_modules <= {"scaffold.api._lint", "scaffold.api._shared"}, api_modules
    assert "scaffold.api._shared" in api_modules
    assert "difflib" not in modules  # PW104's suggestions: only for a finding


def test_check_with_findings_imports_no_rendering_library(tmp_path):
    """A check that finds something still writes nothing: no copier, questionary or git."""
    project = tmp_path / "project"
    shutil.copytree(
        REPO / "tests" / "rules" / "cases" / "PW203" / "path-dependency" / "in", project
    )
    modules = imported("fix-features", "--check", cwd=project, expect=1)
    assert modules & (RENDERING | {"tomlkit"}) == set()
