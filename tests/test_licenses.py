"""`scaffold new --license/--author` (issue 18): the LICENSE files, their copyright line, and the
SPDX validation (license-expression) with its bad inputs."""

from __future__ import annotations

import tomllib

import pytest

from scaffold.render import licenses
from tests.conftest import run_cli

NAME = "lic-lib"
# A phrase of each license's text that no other of them has.
MARKERS = {
    "MIT": "Permission is hereby granted, free of charge",
    "Apache-2.0": "Apache License\nVersion 2.0, January 2004",
    "BSD-2-Clause": "Redistributions in binary form must reproduce",
    "BSD-3-Clause": "Neither the name of the copyright holder",
    "ISC": "Permission to use, copy, modify, and/or distribute this software",
    "MPL-2.0": "Mozilla Public License Version 2.0",
}


def new(tmp_path, *flags):
    return run_cli("new", NAME, "--no-git", "--yes", "--no-profiler", *flags, cwd=tmp_path)


def license_files(project):
    return {p.name: p.read_text() for p in project.glob("LICENSE*")}


@pytest.mark.parametrize("spdx", sorted(MARKERS))
def test_each_text_with_the_author_as_holder(tmp_path, spdx):
    result = new(tmp_path, "--license", spdx.lower(), "--author", "Ada Lovelace <ada@example.org>")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    project = tmp_path / NAME
    (text,) = license_files(project).values()
    assert list(license_files(project)) == ["LICENSE"]
    assert MARKERS[spdx] in text and text.endswith("\n") and "{{" not in text
    assert [m for m in MARKERS if MARKERS[m] in text and m != spdx] in ([], ["BSD-2-Clause"])
    if spdx in ("Apache-2.0", "MPL-2.0"):  # no copyright line in the license itself
        assert "Ada" not in text
    else:
        assert "Copyright (c) Ada Lovelace" in text and "ada@example.org" not in text
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["license"] == spdx
    assert (
        tomllib.loads((project / "Cargo.toml").read_text())["workspace"]["package"]["license"]
        == spdx
    )


def test_dual_mit_apache_two_files_default_holder(tmp_path):
    result = new(tmp_path, "--license", "Apache-2.0 OR MIT")
    assert result.exit_code == 0, result.stderr
    files = license_files(tmp_path / NAME)
    assert set(files) == {"LICENSE-MIT", "LICENSE-APACHE"}
    assert files["LICENSE-MIT"].startswith(
        f"MIT License\n\nCopyright (c) the {NAME} authors\n\nPermission is hereby granted"
    )
    assert files["LICENSE-APACHE"].startswith("Apache License\nVersion 2.0, January 2004\n")


def test_other_valid_expression_warns_and_writes_no_license(tmp_path):
    result = new(tmp_path, "--license", "GPL-3.0-or-later WITH Classpath-exception-2.0")
    assert result.exit_code == 0, result.stderr
    assert "warning: no LICENSE text for 'GPL-3.0-or-later WITH Classpath-exception-2.0'" in (
        result.stderr
    )
    assert license_files(tmp_path / NAME) == {}
    pyproject = tomllib.loads((tmp_path / NAME / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "GPL-3.0-or-later WITH Classpath-exception-2.0"


@pytest.mark.parametrize("bad", ["Foo-1.0", "MIT AND", "MIT/Apache-2.0", "(MIT", "MIT OR OR", " "])
def test_invalid_expression_exit_2_one_line_nothing_written(tmp_path, bad):
    result = new(tmp_path, "--license", bad)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--license" in lines[0] and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_normalize_and_files():
    assert licenses.normalize("mit or apache-2.0") == "MIT OR Apache-2.0"
    assert licenses.normalize("LicenseRef-Proprietary") == "LicenseRef-Proprietary"
    assert licenses.files("MIT OR Apache-2.0") == {
        "LICENSE-MIT": "MIT",
        "LICENSE-APACHE": "Apache-2.0",
    }
    assert licenses.files("LicenseRef-Proprietary") == {}
    assert licenses.holder("Ada <a@b.c>", "x") == "Ada" and licenses.holder("", "x") == (
        "the x authors"
    )


@pytest.mark.parametrize(
    "author, expected",
    [
        ("Ada Lovelace <ada@example.org>", {"name": "Ada Lovelace", "email": "ada@example.org"}),
        ("Ada Lovelace", {"name": "Ada Lovelace"}),
        ("<ada@example.org>", {"email": "ada@example.org"}),
    ],
)
def test_author_in_pyproject_has_no_empty_field(tmp_path, author, expected):
    """PEP 621 authors: a name, an e-mail or both, never an empty string."""
    result = new(tmp_path, "--author", author)
    assert result.exit_code == 0, result.stderr
    pyproject = tomllib.loads((tmp_path / NAME / "pyproject.toml").read_text())
    assert pyproject["project"]["authors"] == [expected]
