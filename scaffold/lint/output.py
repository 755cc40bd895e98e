"""Render diagnostics as text (`path:line:col: CODE [*] message`), JSON or GitHub annotations.

The JSON document is versioned (`"version": 1`) and documented in docs/json-output.md.
"""

from __future__ import annotations

from pathlib import Path

from scaffold.display import shown
from scaffold.lint.diagnostic import Applicability, Diagnostic, Severity

JSON_SCHEMA_VERSION = 1


def text_line(d: Diagnostic, threshold: Applicability) -> str:
    mark = " [*]" if d.fixable(threshold) else ""
    info = " (info)" if d.severity is Severity.INFO else ""
    note = f" ({d.note})" if d.note else ""
    return f"{shown(d.path)}:{d.line}:{d.col}: {d.code}{mark} {d.message}{note}{info}"


def github_line(d: Diagnostic) -> str:
    level = "notice" if d.severity is Severity.INFO else "error"
    message = d.message.replace("%", "%25").replace("\n", "%0A")
    return (
        f"::{level} title={d.code} {d.name},file={shown(d.path)},line={d.line},"
        f"col={d.col}::{d.code} {message}"
    )


def json_document(
    diagnostics: list[Diagnostic],
    fixed: list[Diagnostic],
    changed: list[Path],
    mode: str,
    scenario_changes: list | None = None,
) -> str:
    import json  # only for --output-format json

    def entry(d: Diagnostic) -> dict:
        return {
            "code": d.code,
            "name": d.name,
            "message": d.message,
            "severity": d.severity.value,
            "path": shown(d.path),
            "line": d.line,
            "column": d.col,
            "fix": None
            if d.fix is None
            else {"title": d.fix.title, "applicability": d.fix.applicability.label},
            "note": d.note,
        }

    return json.dumps(
        {
            "version": JSON_SCHEMA_VERSION,
            "tool": "pyo3-scaffold",
            "mode": mode,
            "diagnostics": [entry(d) for d in diagnostics],
            "fixed": [entry(d) for d in fixed],
            "changed_files": [shown(p) for p in changed],
            "scenario_changes": [c.json() for c in scenario_changes or []],
        },
        indent=2,
    )
