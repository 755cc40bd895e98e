"""Lint a workspace and apply fixes in a loop until nothing changes, all in memory.

Like ruff's fix loop: each pass loads the workspace from the current text (disk plus the
edits so far), runs the selected rules, and applies every fix at or above the threshold.
Nothing is written here; the caller writes `Outcome.changes` atomically, or shows a diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scaffold.lint.context import Context
from scaffold.lint.convergence import Watch
from scaffold.lint.diagnostic import Applicability, Diagnostic
from scaffold.lint.rule import Rule
from scaffold.toml.textfile import TextFile
from scaffold.workspace.model import Reader, Workspace, load

MAX_PASSES = 10


@dataclass
class Outcome:
    workspace: Workspace
    diagnostics: list[Diagnostic]  # what remains (after fixing, when fixing)
    originals: dict[Path, TextFile | None] = field(default_factory=dict)  # None: created
    changes: dict[Path, TextFile] = field(default_factory=dict)
    fixed: list[Diagnostic] = field(default_factory=list)


def lint(workspace: Workspace, rules: list[Rule], wiring: str | None = None) -> list[Diagnostic]:
    context = Context(workspace, wiring)
    found = []
    for rule in rules:
        context.rule = rule
        found += rule.check(context)
    return sorted(found, key=lambda d: (str(d.path), d.line, d.col, d.code))


def run(path: Path, rules: list[Rule], threshold: Applicability | None,
        wiring: str | None = None, planned: dict[Path, TextFile] | None = None) -> Outcome:
    """Lint `path`; with a threshold, fix in memory until the diagnostics settle.

    `planned` holds edits and new files decided before linting (add-profiler's new crate);
    they are part of `Outcome.changes`.
    """
    disk = Reader()
    overlay: dict[Path, TextFile] = dict(planned or {})
    workspace = load(path, _reader(disk, overlay))
    outcome = Outcome(workspace, [])
    for file_path in overlay:
        outcome.originals[file_path] = _original(disk, file_path)
    diagnostics = lint(workspace, rules, wiring)
    outcome.diagnostics = diagnostics
    if threshold is None:
        outcome.changes = dict(overlay)
        return outcome
    watch = Watch(overlay, outcome.originals)
    for _ in range(MAX_PASSES):
        fixable = [d for d in diagnostics if d.fixable(threshold)]
        if not fixable:
            break
        editor = _editor(disk, overlay)
        for diagnostic in fixable:
            diagnostic.fix.apply(editor)
        edits = editor.changes()
        if not edits:
            break
        for file_path, text in edits.items():
            outcome.originals.setdefault(file_path, _original(disk, file_path))
        overlay.update(edits)
        outcome.fixed += fixable
        workspace = load(path, _reader(disk, overlay))
        diagnostics = lint(workspace, rules, wiring)
        watch.after_pass({d.code for d in fixable}, overlay, outcome.originals)
    else:
        watch.at_limit(any(d.fixable(threshold) for d in diagnostics))
    outcome.workspace, outcome.diagnostics = workspace, diagnostics
    outcome.changes = {p: t for p, t in overlay.items()
                       if outcome.originals.get(p) is None or outcome.originals[p].text != t.text}
    outcome.fixed = _unique_fixed(outcome.fixed, diagnostics)
    return outcome


def _reader(disk: Reader, overlay: dict[Path, TextFile]) -> Reader:
    reader = Reader(overlay)
    reader.cache = disk.cache
    return reader


def _editor(disk: Reader, overlay: dict[Path, TextFile]):
    from scaffold.toml.editor import Editor  # tomlkit only when something will be edited

    return Editor(lambda p: overlay[p] if p in overlay else disk.read(p))


def _original(disk: Reader, path: Path) -> TextFile | None:
    return disk.read(path) if path.exists() else None


def _unique_fixed(fixed: list[Diagnostic], remaining: list[Diagnostic]) -> list[Diagnostic]:
    """Each fixed finding once, leaving out those still reported."""
    left = {(d.code, str(d.path), d.message) for d in remaining}
    seen, result = set(), []
    for d in fixed:
        key = (d.code, str(d.path), d.message)
        if key not in seen and key not in left:
            seen.add(key)
            result.append(d)
    return result
