"""Backend floors for `env` wiring, read and narrowed as PEP 440 (issue 13, the migrations
compared with the maintainers' own): pins that already satisfy the floor stay as written."""

from __future__ import annotations

import pytest
import tomlkit

from scaffold.rules.backend_floor import (
    floor_met,
    raise_backend_floor,
    raise_floor,
    requirement_for,
)
from tests.conftest import write_tree


@pytest.mark.parametrize(
    "requirement",
    [
        "setuptools-rust==1.12.0",  # pinned on purpose: already at the floor
        "maturin==1.10.2",
        "maturin~=1.10",  # keeps its implied <2
        "maturin>=1.9.4,<2",
        "maturin>=1.10, <2.0",
        "maturin>1.9.4",
        "setuptools-rust>=1.12",
        "maturin[zig]>=1.11; python_version >= '3.9'",
        "maturin @ https://example.com/maturin.tar.gz",  # a URL: not ours to judge
    ],
)
def test_requirements_meeting_the_floor_are_left_alone(requirement):
    backend = "setuptools-rust" if requirement.startswith("setuptools") else "maturin"
    assert floor_met(requirement, backend)
    assert raise_floor(requirement, backend) == requirement


@pytest.mark.parametrize(
    "requirement, raised",
    [
        ("maturin>=1.0,<2.0", "maturin>=1.9.4,<2.0"),
        ("maturin>=1.9,<2", "maturin>=1.9.4,<2"),
        ("maturin>=1.5, <2.0, !=1.9.5", "maturin>=1.9.4, <2.0, !=1.9.5"),
        ("maturin", "maturin>=1.9.4"),
        ("maturin<2", "maturin>=1.9.4,<2"),
        ("maturin~=1.5", "maturin>=1.9.4,<2"),  # the compatible release's cap stays
        ("maturin==1.*", "maturin>=1.9.4,<2"),
        ("maturin~=1.5.0", "maturin>=1.9.4"),  # its whole range is below the floor
        ("maturin==1.5.0", "maturin>=1.9.4"),
        ("maturin>1.9.3", "maturin>=1.9.4"),  # admits 1.9.3.1
        ("maturin>=1.0,<1.9", "maturin>=1.9.4"),
        ("setuptools-rust>=1.5,<2", "setuptools-rust>=1.12,<2"),
        ("maturin>=1.0; python_version >= '3.9'", "maturin>=1.9.4; python_version >= '3.9'"),
    ],
)
def test_requirements_below_the_floor_are_narrowed_minimally(requirement, raised):
    backend = "setuptools-rust" if requirement.startswith("setuptools") else "maturin"
    assert not floor_met(requirement, backend)
    assert raise_floor(requirement, backend) == raised
    assert floor_met(raised, backend)


def test_quoting_and_comments_are_kept():
    text = (
        "[build-system]\n"
        "requires = ['maturin>=1.9,<2']  # the backend\n"
        'build-backend = "maturin"\n'
    )
    document = tomlkit.parse(text)
    raise_backend_floor(document, "maturin")
    assert tomlkit.dumps(document) == text.replace("1.9,<2", "1.9.4,<2")
    multiline = (
        '[build-system]\nrequires = [\n    "setuptools>=77",\n'
        '    "setuptools-rust==1.12.0",  # pinned on purpose\n]\n'
    )
    document = tomlkit.parse(multiline)
    raise_backend_floor(document, "setuptools-rust")
    assert tomlkit.dumps(document) == multiline


@pytest.mark.parametrize(
    "requires, backend, index",
    [
        (["setuptools", "setuptools_rust>=1.11"], "setuptools-rust", 1),
        (["Setuptools-Rust"], "setuptools-rust", 0),
        (["setuptools.rust >= 1.5"], "setuptools-rust", 0),
        (["maturin[patchelf]>=1.0,<2"], "maturin", 0),
        (["MATURIN"], "maturin", 0),
        (["maturin-import-hook", "setuptools-rust-extras"], "maturin", None),
    ],
)
def test_backend_names_are_compared_as_pip_compares_them(requires, backend, index):
    """PEP 503 (`packaging.utils.canonicalize_name`): case, `_` and `.` do not make another
    project; a longer name that starts the same is another project."""
    found = requirement_for(requires, backend)
    assert (found[0] if found else None) == index


@pytest.mark.parametrize(
    "requirement, raised",
    [
        ("setuptools_rust>=1.11", "setuptools_rust>=1.12"),
        ("Setuptools-Rust>=1.5,<2", "Setuptools-Rust>=1.12,<2"),
        ("maturin[patchelf]>=1.0", "maturin[patchelf]>=1.9.4"),
    ],
)
def test_raising_a_floor_keeps_the_users_spelling(requirement, raised):
    backend = "maturin" if requirement.startswith("maturin") else "setuptools-rust"
    document = tomlkit.parse(f'[build-system]\nrequires = ["{requirement}"]\n')
    raise_backend_floor(document, backend)
    assert document["build-system"]["requires"] == [raised]


@pytest.mark.parametrize(
    "pyproject, backend",
    [
        # requires, no build-backend (setuptools' legacy backend), ext-modules: setuptools-rust
        (
            '[build-system]\nrequires = ["setuptools", "setuptools_rust"]\n\n'
            '[[tool.setuptools-rust.ext-modules]]\ntarget = "m"\npath = "Cargo.toml"\n',
            "setuptools-rust",
        ),
        ('[build-system]\nrequires = ["Setuptools-Rust>=1.12"]\n', "setuptools-rust"),
        ('[build-system]\nrequires = ["setuptools"]\n', None),
        (
            '[build-system]\nrequires = ["maturin[patchelf]>=1.9"]\nbuild-backend = "maturin"\n',
            "maturin",
        ),
    ],
)
def test_the_backend_is_found_in_every_spelling(tmp_path, pyproject, backend):
    from scaffold.workspace.python import load_python_project
    from scaffold.workspace.reader import Reader

    write_tree(tmp_path, {"pyproject.toml": pyproject})
    project = load_python_project(tmp_path, Reader())
    assert project is not None and project.backend == backend
