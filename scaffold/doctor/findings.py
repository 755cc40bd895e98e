"""The doctor's findings: one line per check with a verdict and a fix, as text or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

OK, NOTE, WARN, ERROR = "ok", "note", "warn", "error"
PROBLEMS = (WARN, ERROR)


@dataclass
class Check:
    check: str  # stable id, e.g. "interpreter", "rpath:demo-profiler"
    verdict: str  # ok | note | warn | error
    message: str
    fix: str | None = None


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)  # shell lines that make this shell right

    def add(self, check: str, verdict: str, message: str, fix: str | None = None) -> Check:
        item = Check(check, verdict, message, fix)
        self.checks.append(item)
        return item

    def export(self, line: str) -> None:
        if line not in self.exports:
            self.exports.append(line)

    @property
    def problems(self) -> list[Check]:
        return [c for c in self.checks if c.verdict in PROBLEMS]

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0

    def to_json(self) -> str:
        return json.dumps(
            {
                "checks": [asdict(c) for c in self.checks],
                "exports": self.exports,
                "problems": len(self.problems),
                "exit_code": self.exit_code,
            },
            indent=2,
        )

    def to_text(self) -> str:
        width = max([len("CHECK")] + [len(c.check) for c in self.checks]) + 2
        lines = [f"{'CHECK':<{width}}{'VERDICT':<9}FINDING"]
        for c in self.checks:
            lines.append(f"{c.check:<{width}}{c.verdict:<9}{c.message}")
            if c.fix:
                lines.append(f"{'':<{width + 9}}fix: {c.fix}")
        return "\n".join(lines)

    def summary(self) -> str:
        count = len(self.problems)
        if not count:
            return "doctor: no problems found"
        return f"doctor: {count} problem{'s' if count != 1 else ''} found"
