"""Editor cases: `cases/OPERATION/NAME/in.toml` edited by one rule fix must equal `out.toml`.

Each operation puts `in.toml` into a small workspace and runs one rule's fix through the CLI,
so the real edit path (tomlkit, tidy-up, BOM and CRLF restored, atomic write) is what is
tested. `out.toml` is compared byte for byte: every line the fix did not have to change stays
as it was. `SCAFFOLD_BLESS=1` rewrites `out.toml` from the current behaviour.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path

import pytest

from tests.conftest import lib_rs, maturin_pyproject, pyo3_manifest, run_cli, write_tree

CASES = Path(__file__).parent / "cases"
BLESS = os.environ.get("SCAFFOLD_BLESS") == "1"


def _single_crate(root: Path, manifest: bytes | str) -> Path:
    """in.toml is the manifest of the extension crate maturin builds (pyproject beside it)."""
    write_tree(
        root,
        {
            "src/lib.rs": lib_rs("mylib"),
            "pyproject.toml": maturin_pyproject("mylib"),
            "Cargo.toml": manifest,
        },
    )
    return root / "Cargo.toml"


def _dependent(root: Path, manifest: bytes) -> Path:
    """in.toml is `dep/Cargo.toml`, a binary depending on the extension crate `mylib`."""
    _single_crate(root / "mylib", pyo3_manifest("mylib", '"0.21"', feature_wiring=True))
    write_tree(
        root,
        {
            "Cargo.toml": '[workspace]\nmembers = ["mylib", "dep"]\n'
            'default-members = ["dep"]\n\n[workspace.dependencies]\n'
            'mylib = { path = "mylib" }\n',
            # a binary that embeds Python (PW203 words it otherwise for a CLI over the Rust API)
            "dep/src/main.rs": "fn main() {\n    pyo3::Python::attach(|_py| ());\n}\n",
            "dep/Cargo.toml": manifest,
        },
    )
    return root / "dep" / "Cargo.toml"


# operation -> (how in.toml is placed, the flags that apply exactly that rule's fix)
OPERATIONS = {
    "add-cdylib": (_single_crate, ["--select", "PW101"]),
    "move-extension-module": (_single_crate, ["--select", "PW201"]),
    "default-features-false": (_dependent, ["--select", "PW203"]),
    "inline-workspace-dependency": (_dependent, ["--select", "PW204"]),
    "remove-feature-wiring": (_single_crate, ["--select", "PW206", "--wiring", "env"]),
}


def _cases() -> list:
    return [
        pytest.param(case, id=f"{case.parent.name}/{case.name}")
        for operation in sorted(CASES.iterdir())
        if operation.is_dir()
        for case in sorted(operation.iterdir())
        if (case / "in.toml").is_file()
    ]


@pytest.mark.parametrize("case", _cases())
def test_editor_case(case: Path, tmp_path: Path) -> None:
    place, flags = OPERATIONS[case.parent.name]
    original = (case / "in.toml").read_bytes()
    target = place(tmp_path, original)
    result = run_cli("fix-features", "--allow-no-vcs", *flags, cwd=tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    edited = target.read_bytes()
    if BLESS:
        (case / "out.toml").write_bytes(edited)
    assert edited == (case / "out.toml").read_bytes(), _diff(original, edited)
    assert edited != original, "the fix changed nothing"
    tomllib.loads(edited.decode("utf-8-sig"))
    assert edited.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf")
    assert (b"\r\n" in edited) == (b"\r\n" in original)
    again = run_cli("fix-features", "--check", *flags, cwd=tmp_path)
    assert "[*]" not in again.stdout, again.stdout


def _diff(before: bytes, after: bytes) -> str:
    return "".join(
        difflib.unified_diff(
            before.decode().splitlines(True), after.decode().splitlines(True), "in.toml", "edited"
        )
    )
