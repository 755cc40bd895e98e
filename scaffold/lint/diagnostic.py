"""Diagnostics and fixes, after ruff: a fix carries a title, an applicability and an edit."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scaffold.toml.editor import Editor


class Applicability(enum.IntEnum):
    """How sure a fix is: `safe` is applied by default, `unsafe` with --unsafe-fixes."""

    DISPLAY_ONLY = 0
    UNSAFE = 1
    SAFE = 2

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


class Severity(enum.Enum):
    ERROR = "error"  # counts towards exit status 1
    INFO = "info"  # printed, never fails a check


@dataclass(frozen=True)
class Fix:
    title: str
    applicability: Applicability
    apply: Callable[[Editor], None]


@dataclass(frozen=True)
class Finding:
    """What a rule's `check` yields: where, what, and the edit that fixes it. The engine makes
    it a `Diagnostic` of the rule that found it (`Rule.diagnose`)."""

    path: Path
    line: int
    col: int
    message: str
    edit: Callable[[Editor], None] | None = None
    applicability: Applicability | None = None  # None: the rule's own
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    message: str
    path: Path
    line: int = 1
    col: int = 1
    fix: Fix | None = None
    severity: Severity = Severity.ERROR
    note: str | None = None  # e.g. why the fix was not applied

    def fixable(self, threshold: Applicability) -> bool:
        return self.fix is not None and self.fix.applicability >= threshold
