"""The result of one lint run (check, diff or fix), after black's `Report`: the findings left,
the fixes made, the files changed, and from them the summary and the exit status."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.lint.diagnostic import Applicability, Diagnostic, Severity
from scaffold.transaction.changeset import ChangeSet

if TYPE_CHECKING:
    from scaffold.lint.verify import Change

CHECK, DIFF, FIX = "check", "diff", "fix"


@dataclass
class Report:
    mode: str  # CHECK (nothing fixed), DIFF (fixed in memory) or FIX (fixed and written)
    threshold: Applicability  # the fixes applied, or offered with `[*]` by a check
    diagnostics: list[Diagnostic]  # what remains
    fixed: list[Diagnostic] = field(default_factory=list)
    changeset: ChangeSet = field(default_factory=ChangeSet)  # written, or would be (DIFF)
    scenario_changes: list[Change] = field(default_factory=list)  # the builds the fixes change
    base: Path | None = None  # DIFF: the folder the diff's paths are relative to
    pending: Path | None = None  # the journal of an interrupted write (check and diff only)

    @property
    def errors(self) -> list[Diagnostic]:
        """The findings that fail a check (not the `info` ones)."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def changed_files(self) -> list[Path]:
        return self.changeset.paths

    @property
    def exit_code(self) -> int:
        """0 clean; 1 findings remain, or (DIFF) the fixes would change files."""
        if self.mode == DIFF:
            return 1 if self.changeset else 0
        return 1 if self.errors else 0

    def summary(self, scenarios: bool = True) -> list[str]:
        """The lines for stderr: the builds the fixes change (`scenarios`), what was fixed or
        would be, what is left and the command that fixes it."""
        lines = []
        if self.scenario_changes and scenarios:
            lines.append("Builds the fixes change (verified against the feature model):")
            lines += [f"  {change.text()}" for change in self.scenario_changes]
        files = len(self.changeset)
        if self.mode == DIFF:
            lines.append(
                f"Would fix {len(self.fixed)} finding(s) in {files} file(s)."
                if files
                else "Would change nothing."
            )
            return lines
        if self.mode == FIX and self.fixed:
            lines.append(f"Fixed {len(self.fixed)} finding(s) in {files} file(s).")
        errors = self.errors
        if not errors:
            lines.append(
                "All checks passed."
                if self.mode == CHECK or not self.fixed
                else "No findings left."
            )
            return lines
        threshold = self.threshold
        fixable = sum(d.fixable(threshold) for d in errors)
        unsafe = sum(d.fixable(Applicability.UNSAFE) and not d.fixable(threshold) for d in errors)
        line = f"Found {len(errors)} finding(s)"
        if fixable:
            command = "scaffold fix-features" + (
                " --unsafe-fixes" if threshold is Applicability.UNSAFE else ""
            )
            line += f"; {fixable} fixable with `{command}`"
        if unsafe:
            line += f"; {unsafe} more with `--unsafe-fixes`"
        return [*lines, line + "."]
