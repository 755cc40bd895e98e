"""The fix loop stops with an error naming the rules when fixes never settle (issue 13, item 8):
exit 2, one line, nothing written. Two test rules that undo each other's fix force it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold import rules
from scaffold.lint import engine
from scaffold.lint.diagnostic import Applicability
from scaffold.lint.rule import Rule
from scaffold.toml import manifest
from tests.conftest import git_init, run_cli


def _wants(code: str, value: str) -> Rule:
    """A rule whose safe fix sets `[package] description` to `value`."""

    def check(ctx):
        crate = ctx.workspace.members[0]
        if crate.data.get("package", {}).get("description") != value:

            def fix(editor):
                manifest.table(editor.document(crate.path), ("package",))["description"] = value

            yield ctx.finding(crate.file, ("package",), None, f"description is not {value!r}", fix)

    return Rule(
        code,
        f"wants-{value}",
        f"description {value}",
        f"set it to {value}",
        Applicability.SAFE,
        check,
        "",
    )


def _wants_more(code: str) -> Rule:
    """A rule that is never satisfied: each fix appends to the description."""

    def check(ctx):
        crate = ctx.workspace.members[0]
        text = crate.data.get("package", {}).get("description", "")

        def fix(editor):
            manifest.table(editor.document(crate.path), ("package",))["description"] = text + "+"

        yield ctx.finding(crate.file, ("package",), None, "never enough", fix)

    return Rule(code, "wants-more", "more", "add more", Applicability.SAFE, check, "")


@pytest.fixture
def crate(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "Cargo.toml").write_text(
        '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\ndescription = "start"\n'
    )
    (root / "src").mkdir()
    (root / "src" / "lib.rs").write_text("")
    git_init(root)
    return root


@pytest.mark.parametrize(
    "chosen, codes",
    [
        ([_wants("PW991", "a"), _wants("PW992", "b")], "PW991, PW992"),  # a cycle, found early
        ([_wants_more("PW993")], "PW993"),  # no cycle: stops at the pass limit
    ],
)
def test_conflicting_fixes_exit_2_naming_the_rules(crate, monkeypatch, chosen, codes):
    before = (crate / "Cargo.toml").read_bytes()
    monkeypatch.setattr(rules, "select", lambda *_: chosen)
    result = run_cli("fix-features", crate)
    assert result.exit_code == 2 and result.stdout == ""
    assert "failed to converge after" in result.stderr
    assert f"rules involved: {codes};" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (crate / "Cargo.toml").read_bytes() == before
    assert run_cli("fix-features", crate, "--diff").exit_code == 2  # --diff plans the same loop


def test_agreeing_rules_converge(crate):
    outcome = engine.run(crate, [_wants("PW991", "a")], Applicability.SAFE)
    assert outcome.diagnostics == [] and len(outcome.fixed) == 1
