"""docs/rules.md, rendered from the rules' own docstrings.

`python -m scaffold.lint.docs` rewrites it; `python -m scaffold.lint.docs --check` exits 1 when
it is stale. tests/test_docs.py fails on a stale file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scaffold.lint.rule import Rule

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
REGENERATE = "python -m scaffold.lint.docs"
GROUPS = {"1": "Structure", "2": "Feature wiring", "3": "Versions", "4": "Python project"}


def render(rules: list[Rule] | None = None) -> str:
    """The whole rules reference as markdown."""
    if rules is None:
        from scaffold.rules import ALL

        rules = ALL
    lines = [
        "# fix-features rules",
        "",
        f"<!-- Generated from scaffold/rules/*.py by `{REGENERATE}`; do not edit. -->",
        "",
        "`scaffold fix-features` reports these findings as `path:line:col: CODE [*] message`. "
        "`[*]` marks a finding the run can fix: `safe` fixes are applied by default, `unsafe` "
        "ones only with `--unsafe-fixes`, `display-only` ones never. "
        "`scaffold fix-features --explain CODE` prints one rule's section. Every fix is "
        "verified before anything is written: applied in memory, every build scenario (`cargo "
        "build`/`test` at the root, `--workspace`, the backend's wheel build, `cargo test -p` "
        "of each extension, `cargo build -p` of each binary) is resolved again by the feature "
        "model, and a fix that changes more than its rule states below is not applied. "
        "The Python projects that build a crate are found anywhere in the repository "
        "(pyproject.toml or setup.py up to three levels below the git top, with maturin's "
        "`manifest-path` or setuptools-rust's ext-modules `path` pointing into the workspace), "
        "so the verdict and the fix are the same from the root, the Python project and every "
        "member; a package inside a workspace that neither lists nor excludes it is refused "
        "as cargo refuses it (exit 2).",
        "",
        "| Code | Name | Summary | Fix |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| [{r.code}](#{anchor(r)}) | `{r.name}` | {r.summary} | {r.applicability.label} |"
        for r in rules
    ]
    group = None
    for rule in rules:
        if rule.code[2] != group:
            group = rule.code[2]
            lines += ["", f"## {GROUPS.get(group, 'Other')} ({rule.code[:3]}xx)"]
        lines += [
            "",
            f"### {rule.code} {rule.name}",
            "",
            f"{rule.summary}. Fix: {rule.fix_title} ({rule.applicability.label}). "
            f"{rule.fix_changes.describe()}",
            "",
            _demote(rule.doc),
        ]
    return "\n".join(lines) + "\n"


def anchor(rule: Rule) -> str:
    return f"{rule.code.lower()}-{rule.name}"


def _demote(doc: str) -> str:
    """Rule docstrings use `## What`; below a rule's `###` heading they become `####`."""
    out, fenced = [], False
    for line in doc.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("##" + line if line.startswith("## ") and not fenced else line)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        current = RULES_MD.read_text(encoding="utf-8") if RULES_MD.is_file() else ""
        if current != text:
            print(f"{RULES_MD} is stale; run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    RULES_MD.parent.mkdir(parents=True, exist_ok=True)
    RULES_MD.write_text(text, encoding="utf-8")
    print(f"wrote {RULES_MD}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
