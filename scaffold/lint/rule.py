"""What a rule is: a code, a kebab-case name, its documentation and a check function."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability, Diagnostic, Finding, Fix

if TYPE_CHECKING:
    from scaffold.lint.context import Context


@dataclass(frozen=True)
class Rule:
    code: str  # prefix + three digits, grouped by hundreds, never reused
    name: str  # kebab-case, names the problem
    summary: str  # one line
    fix_title: str
    applicability: Applicability
    check: Callable[[Context], Iterable[Finding]]
    doc: str  # What / Why / Example / Fix, from the rule module's docstring
    # What the fix may change in the builds (`FIX_CHANGES`).
    fix_changes: Claim = field(default_factory=Claim)

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        return cls(
            module.CODE,
            module.NAME,
            module.SUMMARY,
            module.FIX_TITLE,
            module.APPLICABILITY,
            module.check,
            inspect.cleandoc(module.__doc__ or ""),
            getattr(module, "FIX_CHANGES", Claim()),
        )

    def diagnose(self, context: Context) -> list[Diagnostic]:
        """Run the check: each finding becomes a diagnostic of this rule."""
        return [self.diagnostic(finding) for finding in self.check(context)]

    def diagnostic(self, finding: Finding) -> Diagnostic:
        """`finding` as this rule's diagnostic: its code and name, its fix title, and its
        applicability unless the finding gives one."""
        fix = None
        if finding.edit is not None:
            fix = Fix(
                self.fix_title,
                self.applicability if finding.applicability is None else finding.applicability,
                finding.edit,
            )
        return Diagnostic(
            self.code,
            self.name,
            finding.message,
            finding.path,
            finding.line,
            finding.col,
            fix,
            finding.severity,
        )

    def matches(self, selectors: Iterable[str]) -> bool:
        return matches(self.code, self.name, selectors)


def matches(code: str, name: str, selectors: Iterable[str]) -> bool:
    """A selector is a code, a code prefix (`PW2`) or a rule name."""
    return any(code.startswith(s.upper()) or name == s for s in selectors)
