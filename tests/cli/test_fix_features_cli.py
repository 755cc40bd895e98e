"""`scaffold fix-features` flag matrix on small workspaces taken from the rule cases."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git_commit_all, git_init, posix_only, run_cli, snapshot

CASES = Path(__file__).parents[1] / "rules" / "cases"
PROFILER = "crates/mylib-profiler/Cargo.toml"
ROOT = "Cargo.toml"


def fix(root: Path, *args: str):
    """Run `scaffold fix-features ARGS` in `root`; never a traceback, never exit 3+."""
    result = run_cli("fix-features", *args, cwd=root)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2), result
    return result


def codes(stdout: str) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: ([A-Z]+\d{3})", stdout, re.MULTILINE)


def _copy(case: str, tmp_path: Path, git: bool = True) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(CASES / case / "in", root)
    if git:
        git_init(root)
    return root


@pytest.fixture
def safe_only(tmp_path):
    """One safe finding: the profiler keeps mylib's default features (PW203)."""
    return _copy("PW203/path-dependency", tmp_path)


@pytest.fixture
def mixed(tmp_path):
    """PW203 (safe) and PW205 (unsafe: no default-members)."""
    root = _copy("PW205/virtual-workspace", tmp_path, git=False)
    profiler = root / PROFILER
    profiler.write_text(profiler.read_text().replace(", default-features = false", ""))
    git_init(root)
    return root


def test_check_reports_writes_nothing_and_exits_1(mixed):
    before = snapshot(mixed)
    result = fix(mixed, "--check")
    assert result.exit_code == 1
    assert codes(result.stdout) == ["PW205", "PW203"]
    assert f"{PROFILER}:7:1: PW203 [*] " in result.stdout
    assert "PW205 [*]" not in result.stdout  # unsafe: not fixable without --unsafe-fixes
    assert "--unsafe-fixes" in result.stderr
    assert snapshot(mixed) == before


def test_check_on_clean_workspace_exits_0(tmp_path):
    root = _copy("PW205/clean", tmp_path)
    result = fix(root, "--check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "All checks passed" in result.stderr


def test_diff_prints_relative_paths_and_writes_nothing(mixed):
    before = snapshot(mixed)
    result = fix(mixed, "--diff")
    assert result.exit_code == 1
    assert f"--- a/{PROFILER}\n+++ b/{PROFILER}\n" in result.stdout
    assert '+mylib = { path = "../mylib", default-features = false }' in result.stdout
    assert f"b/{ROOT}" not in result.stdout  # PW205 is unsafe
    assert snapshot(mixed) == before
    unsafe = fix(mixed, "--diff", "--unsafe-fixes")
    assert f"--- a/{ROOT}\n+++ b/{ROOT}\n" in unsafe.stdout
    assert snapshot(mixed) == before


def test_diff_stdout_is_only_the_patch_and_applies_with_git(mixed):
    """An unfixable finding (PW205 without --unsafe-fixes) stays on stderr: `| git apply` works."""
    result = fix(mixed, "--diff")
    assert result.exit_code == 1 and result.stdout.startswith("--- a/")
    assert "PW205" not in result.stdout and "PW205" in result.stderr
    assert "Would fix 1 finding(s) in 1 file(s)." in result.stderr
    patch = mixed.parent / "fix.patch"
    patch.write_text(result.stdout)
    subprocess.run(["git", "apply", "--check", patch], cwd=mixed, check=True)
    subprocess.run(["git", "apply", patch], cwd=mixed, check=True)
    patched = snapshot(mixed)
    subprocess.run(["git", "checkout", "--", "."], cwd=mixed, check=True)
    fix(mixed)
    assert snapshot(mixed) == patched  # the patch is exactly what fixing writes


def test_diff_with_nothing_to_change_exits_0(tmp_path):
    root = _copy("PW203/clean", tmp_path)
    result = fix(root, "--diff")
    assert (result.exit_code, result.stdout) == (0, "")


def test_fix_applies_safe_fixes_and_exits_0_when_all_fixed(safe_only):
    result = fix(safe_only)
    assert result.exit_code == 0, result
    assert "default-features = false" in (safe_only / PROFILER).read_text()
    assert "Fixed 1 finding(s) in 1 file(s)" in result.stderr
    assert fix(safe_only, "--check").exit_code == 0


def test_fix_leaves_unsafe_findings_and_exits_1(mixed):
    result = fix(mixed)
    assert result.exit_code == 1
    assert codes(result.stdout) == ["PW205"]
    assert "default-members" not in (mixed / ROOT).read_text()


def test_unsafe_fixes_apply_unsafe_fixes(mixed):
    result = fix(mixed, "--unsafe-fixes")
    assert result.exit_code == 0, result
    assert 'default-members = ["crates/mylib-profiler"]' in (mixed / ROOT).read_text()
    assert fix(mixed, "--check").stdout == ""


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--select", "PW203"], ["PW203"]),
        (["--select", "PW20"], ["PW205", "PW203"]),
        (["--select", "pw205"], ["PW205"]),
        (["--select", "feature-unification-hazard"], ["PW205"]),
        (["--select", "PW101,PW203"], ["PW203"]),
        (["--select", "PW101", "--select", "PW205"], ["PW205"]),
        (["--ignore", "PW205"], ["PW203"]),
        (["--ignore", "PW2"], []),
        (["--select", "PW2", "--ignore", "PW203"], ["PW205"]),
    ],
)
def test_select_and_ignore(mixed, flags, expected):
    result = fix(mixed, "--check", *flags)
    assert codes(result.stdout) == expected
    assert result.exit_code == (1 if expected else 0)


@pytest.mark.parametrize(
    "flags",
    [
        ["--select", "PW999"],
        ["--ignore", "nonsense"],
        ["--select", "PW203,PW1000"],
        ["--explain", "PW999"],
    ],
)
def test_unknown_code_exits_2(mixed, flags):
    result = fix(mixed, "--check", *flags)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: unknown rule")


@pytest.mark.parametrize("mode", ["--check", "--diff", None])
def test_json_output_is_one_versioned_document(mixed, mode):
    args = [mode] if mode else []
    text = fix(mixed, "--check")
    result = fix(mixed, *args, "--output-format", "json")
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["tool"] == "pyo3-scaffold"
    assert document["mode"] == (mode or "--fix").lstrip("-")
    if mode == "--check":
        assert [d["code"] for d in document["diagnostics"]] == codes(text.stdout)
        assert document["fixed"] == [] and document["changed_files"] == []
    else:
        assert [d["code"] for d in document["fixed"]] == ["PW203"]
        assert document["changed_files"] == [PROFILER]
        assert [d["code"] for d in document["diagnostics"]] == ["PW205"]
        # PW203's fix turns `extension-module` off in the profiler's own build
        assert {
            "scenario": "cargo build -p mylib-profiler",
            "package": "pyo3",
            "enabled": [],
            "disabled": ["extension-module"],
            "presence": None,
        } in document["scenario_changes"]
    for entry in document["diagnostics"] + document["fixed"]:
        assert set(entry) == {
            "code",
            "name",
            "message",
            "severity",
            "path",
            "line",
            "column",
            "fix",
            "note",
        }
        assert entry["note"] is None  # only a fix the gate refused has one
        assert entry["fix"] is None or entry["fix"]["applicability"] in (
            "safe",
            "unsafe",
            "display-only",
        )


def test_github_output(mixed):
    result = fix(mixed, "--check", "--output-format", "github")
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and result.exit_code == 1
    assert lines[1].startswith(
        f"::error title=PW203 dependent-enables-extension-module,"
        f"file={PROFILER},line=7,col=1::PW203 "
    )


def test_explain_prints_the_rule_documentation():
    result = run_cli("fix-features", "--explain", "PW201")
    assert result.exit_code == 0
    assert result.stdout.startswith("# PW201 extension-module-on-pyo3-dependency\n")
    for heading in ("## What", "## Why", "## Example", "## Fix"):
        assert heading in result.stdout


def test_dirty_tree_is_refused_listing_files(safe_only):
    profiler = safe_only / PROFILER
    profiler.write_text(profiler.read_text() + "# local edit\n")
    before = snapshot(safe_only)
    result = fix(safe_only)
    assert result.exit_code == 2
    assert PROFILER in result.stderr and "--allow-dirty" in result.stderr
    assert snapshot(safe_only) == before
    assert fix(safe_only, "--check").exit_code == 1
    assert f"+++ b/{PROFILER}" in fix(safe_only, "--diff").stdout
    assert snapshot(safe_only) == before
    assert fix(safe_only, "--allow-dirty").exit_code == 0
    assert "default-features = false" in profiler.read_text()


def test_dirty_files_that_are_not_touched_do_not_block(safe_only):
    pyproject = safe_only / "pyproject.toml"
    edited = pyproject.read_text() + "\n"
    pyproject.write_text(edited)
    assert fix(safe_only).exit_code == 0
    assert "default-features = false" in (safe_only / PROFILER).read_text()
    assert pyproject.read_text() == edited


def test_outside_git_needs_allow_no_vcs(tmp_path):
    root = _copy("PW203/path-dependency", tmp_path, git=False)
    before = snapshot(root)
    refused = fix(root)
    assert refused.exit_code == 2 and "--allow-no-vcs" in refused.stderr
    assert snapshot(root) == before
    assert fix(root, "--check").exit_code == 1
    assert fix(root, "--allow-no-vcs").exit_code == 0
    assert "default-features = false" in (root / PROFILER).read_text()


@pytest.mark.parametrize(
    ("broken", "text", "where"),
    [
        ("crates/mylib/Cargo.toml", "edition = = 1\n", r"crates/mylib/Cargo\.toml:\d+:\d+: "),
        (ROOT, "x = [\n", r"Cargo\.toml:\d+:\d+: "),
        ("pyproject.toml", "[tool.maturin\n", r"pyproject\.toml:\d+:\d+: "),
    ],
)
@pytest.mark.parametrize("mode", [[], ["--check"], ["--diff"], ["--allow-dirty"]])
def test_invalid_toml_exits_2_with_position_and_writes_nothing(
    safe_only, broken, text, where, mode
):
    (safe_only / broken).write_text((safe_only / broken).read_text() + text)
    git_commit_all(safe_only)
    before = snapshot(safe_only)
    result = fix(safe_only, *mode)
    assert result.exit_code == 2
    assert re.search(where + "invalid TOML", result.stderr), result.stderr
    assert result.stdout == ""
    assert snapshot(safe_only) == before


def test_missing_path_exits_2(tmp_path):
    result = fix(tmp_path, "--check", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr


def test_directory_without_cargo_toml_exits_2(tmp_path):
    result = fix(tmp_path, "--check")
    assert result.exit_code == 2
    assert "no Cargo.toml" in result.stderr


def test_path_argument_may_name_a_member_or_manifest(safe_only, tmp_path):
    whole = fix(tmp_path, "--check", str(safe_only)).stdout
    member = fix(tmp_path, "--check", str(safe_only / "crates" / "mylib")).stdout
    manifest = fix(tmp_path, "--check", str(safe_only / PROFILER)).stdout
    assert codes(whole) == codes(member) == codes(manifest) == ["PW203"]


def test_diff_shows_created_files_from_dev_null(tmp_path):
    root = _copy("PW103/no-build-script", tmp_path)
    result = fix(root, "--diff", "--unsafe-fixes")
    assert "--- /dev/null\n+++ b/crates/mylib-profiler/build.rs\n" in result.stdout
    assert not (root / "crates/mylib-profiler/build.rs").exists()


@posix_only("file modes (chmod)")
def test_fix_keeps_the_file_mode(safe_only):
    profiler = safe_only / PROFILER
    profiler.chmod(0o640)
    assert fix(safe_only).exit_code == 0
    assert profiler.stat().st_mode & 0o777 == 0o640


def test_wiring_env_on_old_pyo3_exits_2(safe_only):
    before = snapshot(safe_only)
    result = fix(safe_only, "--wiring", "env")
    assert result.exit_code == 2 and "PyO3 >= 0.26" in result.stderr
    assert snapshot(safe_only) == before


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: (r / PROFILER).write_bytes(b'[package]\nname = "\xff"\n'), "not valid UTF-8"),
        (
            lambda r: (r / ROOT).write_text('[workspace]\nmembers = ["crates/*", "nowhere"]\n'),
            "'nowhere' has no Cargo.toml",
        ),
        (
            lambda r: (r / ROOT).write_text('[workspace]\nmembers = ["plugins/*"]\n'),
            "matches no crate",
        ),
        (
            lambda r: (r / PROFILER).write_text('[dependencies]\nmylib = { path = "../mylib" }\n'),
            "has no [package] table",
        ),
        (lambda r: (r / "setup.py").write_text("setup(\n"), "setup.py"),
    ],
)
def test_broken_workspaces_exit_2_without_traceback(safe_only, edit, message):
    edit(safe_only)
    git_commit_all(safe_only)
    before = snapshot(safe_only)
    for mode in ([], ["--check"], ["--diff"]):
        result = fix(safe_only, *mode)
        assert result.exit_code == 2, result
        assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
        assert snapshot(safe_only) == before


def test_check_and_diff_together_are_a_usage_error(safe_only):
    with pytest.raises(SystemExit) as exit_info:  # argparse: usage on stderr, status 2
        run_cli("fix-features", "--check", "--diff", cwd=safe_only)
    assert exit_info.value.code == 2
