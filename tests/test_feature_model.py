"""Unit tests of the feature model's parts on hand-built graphs (no cargo; the same semantics
are checked against real cargo in tests/differential)."""

from __future__ import annotations

import pytest

from scaffold.workspace.features import (
    Dep,
    FeatureError,
    Graph,
    Package,
    Scenario,
    implicit_features,
    parse_value,
    resolve,
)
from scaffold.workspace.platform import Platform

LINUX = Platform(
    "x86_64-unknown-linux-gnu",
    frozenset({("unix", None), ("target_os", "linux"), ("target_arch", "x86_64")}),
)


def test_feature_values_parse_as_cargo_spells_them() -> None:
    assert parse_value("dep:pyo3") == ("dep", "pyo3", None, False)
    assert parse_value("pyo3/extension-module") == (
        "dep_feature",
        "pyo3",
        "extension-module",
        False,
    )
    assert parse_value("pyo3?/extension-module") == (
        "dep_feature",
        "pyo3",
        "extension-module",
        True,
    )
    assert parse_value("python") == ("feature", "python", None, False)


def test_dep_prefix_hides_the_implicit_feature() -> None:
    assert implicit_features({"py": ["dep:pyo3"]}, ["pyo3", "serde"]) == {
        "py": ["dep:pyo3"],
        "serde": ["dep:serde"],
    }


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("cfg(unix)", True),
        ("cfg(windows)", False),
        ("cfg(not(windows))", True),
        ('cfg(all(unix, target_os = "linux"))', True),
        ('cfg(any(windows, target_arch = "arm"))', False),
        ("x86_64-unknown-linux-gnu", True),
        ("aarch64-apple-darwin", False),
        ("cfg(unix", False),
    ],
)
def test_target_tables_match_the_platform(spec, expected) -> None:
    assert LINUX.matches(spec) is expected


def _opt_in(extension_module: str) -> Graph:
    crate = Package(
        "engine",
        implicit_features(
            {
                "python": ["pyo3"],
                "default": ["extension-module"],
                "extension-module": [extension_module],
            },
            ["pyo3"],
        ),
        [Dep("pyo3", "pyo3", "normal", optional=True)],
        member=True,
    )
    pyo3 = Package("pyo3", {"default": ["macros"], "macros": [], "extension-module": []})
    return Graph({"engine": crate, "pyo3": pyo3}, 2, ["engine"], ["engine"], "engine")


def test_strong_dependency_feature_enables_the_optional_dependency() -> None:
    plain = Scenario("cargo build")
    assert resolve(_opt_in("pyo3/extension-module"), plain).features_of("pyo3") == {
        "default",
        "macros",
        "extension-module",
    }
    assert resolve(_opt_in("pyo3?/extension-module"), plain).features_of("pyo3") is None
    wheel = Scenario("wheel", ("engine",), features=("python",))
    assert resolve(_opt_in("pyo3?/extension-module"), wheel).features_of("pyo3") == {
        "default",
        "macros",
        "extension-module",
    }
    tests = Scenario("test", ("engine",), features=("python",), no_default_features=True, dev=True)
    assert resolve(_opt_in("pyo3?/extension-module"), tests).features_of("pyo3") == {
        "default",
        "macros",
    }


def test_unknown_selection_or_feature_is_an_error() -> None:
    with pytest.raises(FeatureError):
        resolve(_opt_in("pyo3?/extension-module"), Scenario("x", ("nope",)))
    with pytest.raises(FeatureError):
        resolve(_opt_in("pyo3?/extension-module"), Scenario("x", features=("nope",)))
