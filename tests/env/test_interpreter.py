"""PyO3's interpreter order (pyo3-build-config 0.30.1 `find_interpreter`), on fake interpreters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffold.probes import interpreter

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fake interpreters are shell scripts")


def fake(directory: Path, name: str, banner: str) -> Path:
    """An executable that answers `--version` with `banner`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"#!/bin/sh\necho '{banner}'\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def machine(tmp_path):
    bin_dir = tmp_path / "bin"
    fake(bin_dir, "python", "Python 3.12.1")
    fake(bin_dir, "python3", "Python 3.13.0")
    venv = tmp_path / "venv"
    fake(venv / "bin", "python", "Python 3.11.0")
    conda = tmp_path / "conda"
    fake(conda / "bin", "python", "Python 3.10.0")
    return {"PATH": str(bin_dir)}, venv, conda, bin_dir


def test_pyo3_python_wins(machine):
    env, venv, _conda, bin_dir = machine
    env.update(PYO3_PYTHON="python3", VIRTUAL_ENV=str(venv))
    choice = interpreter.find(env)
    assert (choice.source, choice.command, choice.path) == (
        "PYO3_PYTHON",
        "python3",
        str(bin_dir / "python3"),
    )


def test_missing_pyo3_python_is_a_problem_not_a_fallback(machine):
    env = {**machine[0], "PYO3_PYTHON": "/nonexistent"}
    choice = interpreter.find(env)
    assert choice.source == "PYO3_PYTHON" and choice.path is None
    assert "PYO3_PYTHON=/nonexistent does not exist" in choice.problem
    assert interpreter.find(env, skip_pyo3_python=True).command == "python"


def test_virtualenv_then_conda(machine):
    env, venv, conda, _ = machine
    assert interpreter.find({**env, "VIRTUAL_ENV": str(venv)}).path == str(venv / "bin/python")
    assert interpreter.find({**env, "CONDA_PREFIX": str(conda)}).path == str(conda / "bin/python")


def test_both_environments_are_ignored_with_a_warning(machine):
    env, venv, conda, bin_dir = machine
    choice = interpreter.find({**env, "VIRTUAL_ENV": str(venv), "CONDA_PREFIX": str(conda)})
    assert choice.source == "PATH" and choice.path == str(bin_dir / "python")
    assert "both VIRTUAL_ENV and CONDA_PREFIX" in choice.warnings[0]


def test_python_must_say_python_3(tmp_path):
    bin_dir = tmp_path / "bin"
    fake(bin_dir, "python", "Python 2.7.18")
    fake(bin_dir, "python3", "Python 3.9.2")
    choice = interpreter.find({"PATH": str(bin_dir)})
    assert (choice.command, choice.path) == ("python3", str(bin_dir / "python3"))


def test_nothing_found(tmp_path):
    choice = interpreter.find({"PATH": str(tmp_path)})
    assert choice.command is None and "no Python 3 interpreter" in choice.problem
