"""`scaffold test`'s commands per layer, decided from the wiring (no build here; the real runs
are in tests/e2e/test_add.py)."""

from __future__ import annotations

import pytest

from scaffold.errors import UserError
from scaffold.testing import layers
from scaffold.workspace.loader import load
from tests.e2e import shapes


def test_without_the_alias_feature_wired_extensions_test_without_default_features(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    rust = layers.steps(load(repo), "rust", {})
    assert [s.commands for s in rust] == [
        [["cargo", "test", "-p", "withcli", "--no-default-features"]],
        [["cargo", "test"]],
    ]


def test_the_test_lib_alias_is_used_when_the_project_defines_it(tmp_path):
    repo, _ = shapes.existing_cli(tmp_path)
    (repo / ".cargo").mkdir()
    (repo / ".cargo/config.toml").write_text('[alias]\ntest-lib = "test -p withcli"\n')
    (libraries, _) = layers.steps(load(repo), "rust", {})
    assert libraries.commands == [["cargo", "test-lib"]]


def test_python_layer_builds_with_the_backend_into_the_active_environment(tmp_path):
    repo, _ = shapes.setuptools_rust(tmp_path)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin/python").write_text("")
    (step,) = layers.steps(load(repo), "python", {"VIRTUAL_ENV": str(venv)})
    assert step.commands[0][1:] == ["-m", "pip", "install", "--quiet", "-e", "."]
    assert step.env == {"VIRTUAL_ENV": str(venv)}


def test_python_layer_without_an_environment_is_a_failed_step(tmp_path):
    repo, _ = shapes.setuptools_rust(tmp_path)
    (step,) = layers.steps(load(repo), "python", {})
    assert "no Python environment" in step.problem


def test_unknown_layer_is_refused(tmp_path):
    repo, _ = shapes.setuptools_rust(tmp_path)
    with pytest.raises(UserError, match="unknown layer 'go'"):
        layers.steps(load(repo), "go", {})
