"""PW301 against real cargo (issue 23): only crates that share a `links` value conflict.

pyo3-build-config of another minor in `[build-dependencies]` resolves beside pyo3 (Cargo.lock
holds both minors): an info, and `--unsafe-fixes` moves nothing. Two minors of pyo3 itself
are what cargo refuses ("only one package in the dependency graph may specify the same links
value"): an error. The verdicts are compared with `cargo generate-lockfile` on the same tree.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import build_env, run_cli, snapshot, write_tree
from tests.rules_regressions.helpers import check, codes

pytestmark = pytest.mark.needs_rust


def _workspace(root, a_pyo3: str, b_pyo3: str, build_config: str | None):
    build = (
        f'\n[build-dependencies]\npyo3-build-config = "{build_config}"\n' if build_config else ""
    )
    return write_tree(
        root,
        {
            "Cargo.toml": '[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n',
            "a/Cargo.toml": (
                '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n\n'
                f'[dependencies]\npyo3 = "{a_pyo3}"\n{build}'
            ),
            "a/src/lib.rs": "",
            "b/Cargo.toml": (
                '[package]\nname = "b"\nversion = "0.1.0"\nedition = "2021"\n\n'
                f'[dependencies]\npyo3 = "{b_pyo3}"\n'
            ),
            "b/src/lib.rs": "",
        },
        git=True,
    )


def _cargo_resolves(root) -> tuple[bool, str]:
    """Whether cargo resolves the tree (offline first: the registry cache usually has both)."""
    for offline in (["--offline"], []):
        proc = subprocess.run(
            ["cargo", "generate-lockfile", *offline],
            cwd=root,
            env=build_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode == 0 or "links" in proc.stderr:
            break
    (root / "Cargo.lock").unlink(missing_ok=True)
    return proc.returncode == 0, proc.stderr


def test_build_config_of_another_minor_is_an_info_and_nothing_moves(tmp_path):
    root = _workspace(tmp_path / "ws", "0.30", "0.30", build_config="0.29")
    resolves, stderr = _cargo_resolves(root)
    assert resolves, stderr  # cargo builds both minors of pyo3-build-config side by side
    result = check(root)
    assert result.exit_code == 0, result.stdout
    assert codes(result.stdout) == ["PW301"]
    assert "(info)" in result.stdout and "declares no `links`" in result.stdout
    before = snapshot(root)
    fixed = run_cli("fix-features", "--unsafe-fixes", root)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert snapshot(root) == before  # no crate moved to another PyO3 minor


def test_two_pyo3_minors_conflict_as_cargo_says(tmp_path):
    root = _workspace(tmp_path / "ws", "0.29", "0.30", build_config=None)
    resolves, stderr = _cargo_resolves(root)
    assert not resolves and "links" in stderr, stderr
    result = check(root)
    assert result.exit_code == 1
    assert codes(result.stdout) == ["PW301"] and "(info)" not in result.stdout
