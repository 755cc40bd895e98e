"""benchmarks/generate.py: deterministic, clean for `fix-features --check`, one PW203 per
library member with --needs-fix, and loadable by `cargo metadata` when cargo is present."""

from __future__ import annotations

import importlib.util
import json
import subprocess

import pytest

from tests.conftest import REPO, read_tree, run_cli

_spec = importlib.util.spec_from_file_location(
    "bench_generate", REPO / "benchmarks" / "generate.py"
)
generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate_module)
generate = generate_module.generate


def test_same_arguments_same_bytes(tmp_path):
    first = read_tree(generate(tmp_path / "a", 25))
    second = read_tree(generate(tmp_path / "b", 25))
    assert first == second
    assert len([name for name in first if name.endswith("Cargo.toml")]) == 25 + 1  # + root
    assert read_tree(generate(tmp_path / "c", 25, seed=1)) != first


def test_every_dependency_spelling_appears(tmp_path):
    root = generate(tmp_path / "ws", 25)
    text = "\n".join(p.read_text() for p in root.rglob("Cargo.toml"))
    for spelling in (
        '= "1.10"',
        "{ workspace = true",
        ".workspace = true",
        "[dependencies.",
        '.path = "../',
        'package = "bench-core"',
        "optional = true",
        "[target.'cfg(unix)'.dependencies]",
        "[dev-dependencies]",
        "[build-dependencies]",
        "[workspace.dependencies.tracing]",
        "#",
    ):
        assert spelling in text, spelling


def test_clean_workspace_passes_the_check(tmp_path):
    root = generate(tmp_path / "ws", 30)
    result = run_cli("fix-features", "--check", cwd=root)
    assert (result.exit_code, result.stdout) == (0, ""), result.stdout + result.stderr


def test_needs_fix_gives_one_fixable_pw203_per_library_member(tmp_path):
    root = generate(tmp_path / "ws", 30, needs_fix=True)
    result = run_cli("fix-features", "--check", cwd=root)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert len(lines) == 28 and all(" PW203 [*] " in line for line in lines), result.stdout
    fixed = run_cli("fix-features", "--allow-no-vcs", cwd=root)
    assert fixed.exit_code == 0, fixed.stderr
    assert run_cli("fix-features", "--check", cwd=root).exit_code == 0


@pytest.mark.needs_rust
def test_cargo_metadata_loads_it_offline(tmp_path):
    root = generate(tmp_path / "ws", 12)
    proc = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["packages"]) == 12
