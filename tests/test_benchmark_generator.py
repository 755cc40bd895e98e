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


_shapes_spec = importlib.util.spec_from_file_location(
    "bench_shapes", REPO / "benchmarks" / "shapes.py"
)
shapes = importlib.util.module_from_spec(_shapes_spec)
_shapes_spec.loader.exec_module(shapes)


def test_shapes_same_arguments_same_bytes(tmp_path):
    rich = read_tree(shapes.feature_rich(tmp_path / "a", 14))
    assert rich == read_tree(shapes.feature_rich(tmp_path / "b", 14))
    heavy = read_tree(shapes.source_heavy(tmp_path / "c", 14, files=150))
    assert heavy == read_tree(shapes.source_heavy(tmp_path / "d", 14, files=150))
    assert len([name for name in heavy if name.endswith(".rs")]) >= 140


def test_feature_rich_shape_has_what_real_engines_have(tmp_path):
    root = shapes.feature_rich(tmp_path / "ws", 14)
    text = "\n".join(p.read_text() for p in root.rglob("Cargo.toml"))
    for spelling in ('"dep:', "optional = true", "?/", "[target.'cfg(", 'crate-type = ["cdylib"'):
        assert spelling in text, spelling
    assert len(list(root.rglob("pyproject.toml"))) == 5
    result = run_cli("fix-features", "--check", cwd=root)
    assert (result.exit_code, result.stdout) == (0, ""), result.stdout + result.stderr


def test_feature_rich_needs_fix_has_safe_and_unsafe_findings(tmp_path):
    root = shapes.feature_rich(tmp_path / "ws", 14, needs_fix=True)
    codes = [
        line.split()[1] for line in run_cli("fix-features", "--check", cwd=root).stdout.splitlines()
    ]
    assert codes.count("PW203") == 6 and codes.count("PW401") == 2, codes


def test_source_heavy_shape_is_clean_and_sources_form_a_module_tree(tmp_path):
    root = shapes.source_heavy(tmp_path / "ws", 14, files=300)
    lib = (root / "bindings" / "b0" / "src" / "lib.rs").read_text()
    assert "#[pymodule]" in lib and "#[path = " in lib and "pub mod inline_group {" in lib
    sources = [p.read_text() for p in root.rglob("*.rs")]
    assert sum(s.count("/*") for s in sources) > 100 and any('r#"' in s for s in sources)
    result = run_cli("fix-features", "--check", cwd=root)
    assert (result.exit_code, result.stdout) == (0, ""), result.stdout + result.stderr


@pytest.mark.needs_rust
@pytest.mark.parametrize("shape", ["feature-rich", "source-heavy"])
def test_cargo_metadata_loads_the_shapes_offline(tmp_path, shape):
    root = shapes.SHAPES[shape](tmp_path / "ws", 14)
    proc = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["packages"]) == 14
