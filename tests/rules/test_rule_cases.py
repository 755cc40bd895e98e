"""Every rule case under `cases/CODE/NAME/`, run through `scaffold fix-features` in a git repo.

A case holds `in/` (the workspace), `out/` (the files fixing changes or creates, as they must
end up), `expected.txt` (stdout of `--check`) and optionally `cmd` (flags for every run, e.g.
`--unsafe-fixes` or `--wiring env`). The harness, not each case, checks the invariants: `--check`
and `--diff` write nothing, fixing changes exactly the files in `out/` (every other byte stays),
the output parses, `[*]` marks exactly what gets fixed, and a second run finds nothing to fix.

`SCAFFOLD_BLESS=1 pytest tests/rules` rewrites `out/` and `expected.txt` from the current
behaviour; review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from tests.conftest import git_init, read_tree, run_cli

CASES = Path(__file__).parent / "cases"
BLESS = os.environ.get("SCAFFOLD_BLESS") == "1"
_LINE = re.compile(
    r"^(?P<path>[^:]+):\d+:\d+: (?P<code>[A-Z]+\d{3})(?P<mark> \[\*\])? "
    r"(?P<message>.*?)(?P<info> \(info\))?$"
)


def _cases() -> list:
    return [
        pytest.param(case, id=f"{code.name}/{case.name}")
        for code in sorted(CASES.iterdir())
        if code.is_dir()
        for case in sorted(code.iterdir())
        if (case / "in").is_dir()
    ]


def parse_lines(stdout: str) -> list[re.Match]:
    matches = [_LINE.match(line) for line in stdout.splitlines()]
    assert all(matches), f"not a diagnostic line in:\n{stdout}"
    return matches


def fix_cli(root: Path, *args: str):
    result = run_cli("fix-features", *args, cwd=root)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1), result.stderr
    return result


def _bless(case: Path, expected: str, after: dict[str, bytes], changed: set[str]) -> None:
    (case / "expected.txt").write_text(expected, encoding="utf-8")
    shutil.rmtree(case / "out", ignore_errors=True)
    for name in changed:
        target = case / "out" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(after[name])


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(case / "in", root)
    git_init(root)
    flags = (case / "cmd").read_text().split() if (case / "cmd").is_file() else []
    threshold = "unsafe" if "--unsafe-fixes" in flags else "safe"
    before = read_tree(root)
    out = case / "out"
    expected_out = {} if BLESS or not out.is_dir() else read_tree(out)

    check = fix_cli(root, "--check", *flags)
    lines = parse_lines(check.stdout)
    assert read_tree(root) == before, "--check wrote files"
    if not BLESS:
        assert check.stdout == (case / "expected.txt").read_text(encoding="utf-8")
    errors = [m for m in lines if not m["info"]]
    assert check.exit_code == (1 if errors else 0), check.stderr
    if lines:
        assert case.parent.name in {m["code"] for m in lines}, "case does not trigger its rule"
    marked = {(m["code"], m["path"], m["message"]) for m in lines if m["mark"]}

    diff = fix_cli(root, "--diff", *flags)
    assert read_tree(root) == before, "--diff wrote files"
    planned = set(re.findall(r"^\+\+\+ b/(.+)$", diff.stdout, re.MULTILINE))
    assert diff.exit_code == (1 if planned else 0)

    fixed = fix_cli(root, *flags, "--output-format", "json")
    document = json.loads(fixed.stdout)
    after = read_tree(root)
    assert set(before) <= set(after), "fixing deleted files"
    changed = {name for name, data in after.items() if before.get(name) != data}
    if BLESS:
        _bless(case, check.stdout, after, changed)
    else:
        assert {n: after[n] for n in changed} == expected_out
    assert changed == planned, "--diff and the fix disagree on the files"
    assert sorted(document["changed_files"]) == sorted(changed)
    for name, data in after.items():
        if name.endswith(".toml"):
            tomllib.loads(data.decode("utf-8-sig"))

    # Declared fixability matches what happened: [*] findings are fixed, others change nothing.
    done = {(d["code"], d["path"], d["message"]) for d in document["fixed"]}
    assert marked <= done, f"marked fixable but not fixed: {marked - done}"
    assert bool(marked) == bool(changed)
    remaining = document["diagnostics"]
    assert not [d for d in remaining if d["fix"] and _applies(d["fix"], threshold)]
    assert fixed.exit_code == (1 if any(d["severity"] == "error" for d in remaining) else 0)

    again = fix_cli(root, *flags)
    assert read_tree(root) == after, "a second run changed files"
    assert "[*]" not in again.stdout
    recheck = fix_cli(root, "--diff", *flags)
    assert recheck.exit_code == 0 and not recheck.stdout.startswith("---"), recheck.stdout


def _crlf_bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")


@pytest.mark.parametrize("case", [c for c in _cases() if (c.values[0] / "out").is_dir()])
def test_rule_case_keeps_crlf_and_bom(case: Path, tmp_path: Path) -> None:
    """The same fixes on the case's TOML files saved with a BOM and CRLF keep both."""
    root = tmp_path / "ws"
    shutil.copytree(case / "in", root)
    for manifest in root.rglob("*.toml"):
        manifest.write_bytes(_crlf_bom(manifest.read_bytes()))
    flags = (case / "cmd").read_text().split() if (case / "cmd").is_file() else []
    fix_cli(root, "--allow-no-vcs", *flags)
    for name, data in read_tree(case / "out").items():
        expected = _crlf_bom(data) if name.endswith(".toml") else data
        assert (root / name).read_bytes() == expected, name


def _applies(fix: dict, threshold: str) -> bool:
    order = ["display-only", "unsafe", "safe"]
    return order.index(fix["applicability"]) >= order.index(threshold)


REPORT_ONLY = {"PW104"}  # rules with no automatic fix: nothing in out/ to compare


def test_every_rule_has_a_fixed_and_a_clean_case() -> None:
    from scaffold.rules import ALL

    for rule in ALL:
        cases = [c for c in (CASES / rule.code).iterdir() if (c / "in").is_dir()]
        fixed = [c for c in cases if (c / "out").is_dir()]
        clean = [c for c in cases if not (c / "expected.txt").read_text().strip()]
        if rule.code not in REPORT_ONLY:
            assert fixed, f"{rule.code} has no case with expected out/ files"
        assert clean, f"{rule.code} has no clean case"
