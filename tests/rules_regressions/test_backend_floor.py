"""Backend floors for `env` wiring, read and narrowed as PEP 440 (issue 13, the migrations
compared with the maintainers' own): pins that already satisfy the floor stay as written."""

from __future__ import annotations

import pytest
import tomlkit

from scaffold.rules.backend_floor import floor_met, raise_backend_floor, raise_floor


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
