"""copier_render: the templates are found, never prompt, never overwrite."""

from __future__ import annotations

import tomllib

import pytest

from scaffold.render.copier_render import render, template_dir


def test_existing_files_are_kept_and_the_rest_rendered(tmp_path):
    (tmp_path / "Cargo.toml").write_text("keep\n")
    render("workspace", tmp_path, {"project_name": "demo-lib"})
    assert (tmp_path / "Cargo.toml").read_text() == "keep\n"
    assert tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["name"] == "demo-lib"


def test_profiler_renders_into_its_own_folder(tmp_path):
    render("profiler", tmp_path, {"library_crate": "my-lib", "pyo3_version": "0.29"})
    crate = tmp_path / "my-lib-profiler"
    manifest = tomllib.loads((crate / "Cargo.toml").read_text())
    assert manifest["dependencies"]["my-lib"] == {"path": "../my-lib", "default-features": False}
    assert manifest["dependencies"]["pyo3"] == {"version": "0.29", "features": ["auto-initialize"]}
    assert "fn PyInit_my_lib()" in (crate / "src/main.rs").read_text()
    assert (crate / ".copier-answers.yml").is_file()


def test_unknown_template_is_refused():
    with pytest.raises(ValueError):
        template_dir("nope")
