"""Feature flags found in files outside the manifests (scaffold/workspace/feature_uses.py)."""

from __future__ import annotations

import pytest

from scaffold.workspace.feature_uses import _named_features


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cargo build --features extension-module", {"extension-module"}),
        (
            "cargo test --no-default-features --features=extension-module,abi3",
            {"extension-module", "abi3"},
        ),
        ('maturin develop --features "extension-module python"', {"extension-module", "python"}),
        ("maturin build -F extension-module", {"extension-module"}),
        ("cargo build -Fextension-module", {"extension-module"}),
        ("cargo build -p mylib --features mylib/extension-module", {"extension-module"}),
        ("cargo build --features other/extension-module", set()),  # another crate's feature
        ("cargo build --features pyo3/extension-module", set()),  # pyo3's own: it stays
        ("cargo build --all-features", set()),
        ("gcc -DF=1 -O2", set()),
        ("  args: --release --features 'extension-module'\n", {"extension-module"}),
    ],
)
def test_named_features(text, expected):
    assert _named_features(text, "mylib") == expected
