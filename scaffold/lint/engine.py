"""Lint a workspace and apply fixes in a loop until nothing changes, all in memory.

Like ruff's fix loop: each pass loads the workspace from the current text (disk plus the
edits so far), runs the selected rules, and applies every fix at or above the threshold.
Nothing is written here; the caller commits `Outcome.changeset` (transaction.commit), or
shows its diff.

Every pass goes through one gate (`scaffold.lint.verify`): the fixes are applied in memory,
every build scenario is resolved again, and the changes must be the ones the rules claim. When
they are not, each fix is tried alone; one that changes more than its rule claims is not
applied, and its finding stays, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.lint import verdicts
from scaffold.lint.claim import Claim
from scaffold.lint.context import Context
from scaffold.lint.convergence import Watch
from scaffold.lint.diagnostic import Applicability, Diagnostic, Severity
from scaffold.lint.rule import Rule
from scaffold.toml.textfile import TextFile
from scaffold.transaction.changeset import ChangeSet
from scaffold.workspace.loader import load
from scaffold.workspace.model import Workspace
from scaffold.workspace.reader import Reader
from scaffold.workspace.wiring import check_forced

if TYPE_CHECKING:
    from scaffold.lint.verify import Snapshot
    from scaffold.toml.editor import Editor

MAX_PASSES = 10


@dataclass
class Outcome:
    workspace: Workspace
    diagnostics: list[Diagnostic]  # what remains (after fixing, when fixing)
    originals: dict[Path, TextFile | None] = field(default_factory=dict)  # None: created
    changes: dict[Path, TextFile] = field(default_factory=dict)
    fixed: list[Diagnostic] = field(default_factory=list)
    scenario_changes: list = field(default_factory=list)  # verify.Change: first text vs last

    @property
    def changeset(self) -> ChangeSet:
        """The files the fixes (and `planned`) change, before and after."""
        return changeset(self.originals, self.changes)


def changeset(
    originals: Mapping[Path, TextFile | None], changes: Mapping[Path, TextFile]
) -> ChangeSet:
    """TextFiles before (None: absent) and after as a ChangeSet of their exact text."""
    return ChangeSet(
        {p: old.original if (old := originals.get(p)) is not None else None for p in changes},
        {p: text.original for p, text in changes.items()},
    )


def lint(workspace: Workspace, rules: list[Rule], wiring: str | None = None) -> list[Diagnostic]:
    context = Context(workspace, wiring)
    found: list[Diagnostic] = []
    for rule in rules:
        diagnostics = rule.diagnose(context)
        if any(d.severity is Severity.ERROR for d in diagnostics):
            verdicts.stop()  # `--check` fails: nothing will be remembered, stop recording
        found += diagnostics
    return sorted(found, key=lambda d: (str(d.path), d.line, d.col, d.code))


def run(
    path: Path,
    rules: list[Rule],
    threshold: Applicability | None,
    wiring: str | None = None,
    planned: dict[Path, TextFile] | None = None,
) -> Outcome:
    """Lint `path`; with a threshold, fix in memory until the diagnostics settle.

    `planned` holds edits and new files decided before linting (add-profiler's new crate);
    they are part of `Outcome.changes`.
    """
    disk = Reader()
    overlay: dict[Path, TextFile] = dict(planned or {})
    workspace = load(path, _reader(disk, overlay))
    check_forced(workspace, wiring)  # an option, checked before any rule runs
    outcome = Outcome(workspace, [])
    for file_path in overlay:
        outcome.originals[file_path] = _original(disk, file_path)
    diagnostics = lint(workspace, rules, wiring)
    outcome.diagnostics = diagnostics
    if threshold is None:
        outcome.changes = dict(overlay)
        return outcome
    watch = Watch(overlay, outcome.originals)
    claims = {rule.code: rule.fix_changes for rule in rules}
    rejected: dict[tuple, str] = {}
    first = current = _snapshot(workspace)
    for _ in range(MAX_PASSES):
        fixable = [d for d in diagnostics if d.fixable(threshold)]
        if not fixable:
            break
        edits, after_ws, after = _apply(path, disk, overlay, fixable)
        if not edits:
            break
        union = Claim(
            frozenset().union(*(claims[d.code].features for d in fixable)),
            any(claims[d.code].presence for d in fixable),
        )
        if _refused(union, current, after):
            accepted = []
            for diagnostic in fixable:
                alone = _apply(path, disk, overlay, [diagnostic])
                reason = _refused(claims[diagnostic.code], current, alone[2])
                if reason:
                    rejected[_key(diagnostic)] = reason
                else:
                    accepted.append(diagnostic)
            if not accepted:
                break
            edits, after_ws, after = _apply(path, disk, overlay, accepted)
            fixable = accepted
        for file_path in edits:
            outcome.originals.setdefault(file_path, _original(disk, file_path))
        overlay.update(edits)
        outcome.fixed += fixable
        workspace, current = after_ws, after
        diagnostics = _mark(lint(workspace, rules, wiring), rejected)
        watch.after_pass({d.code for d in fixable}, overlay, outcome.originals)
    else:
        watch.at_limit(any(d.fixable(threshold) for d in diagnostics))
    diagnostics = _mark(diagnostics, rejected)
    if outcome.fixed and isinstance(first, dict) and isinstance(current, dict):
        from scaffold.lint.verify import changes

        outcome.scenario_changes = changes(first, current)
    outcome.workspace, outcome.diagnostics = workspace, diagnostics
    outcome.changes = {
        p: t
        for p, t in overlay.items()
        if (old := outcome.originals.get(p)) is None or old.text != t.text
    }
    outcome.fixed = _unique_fixed(outcome.fixed, diagnostics)
    return outcome


def _apply(
    path: Path, disk: Reader, overlay: dict[Path, TextFile], fixes: list[Diagnostic]
) -> tuple[dict[Path, TextFile], Workspace, Snapshot | str]:
    """The edits `fixes` make together, the workspace they give, and its scenarios."""
    editor = _editor(disk, overlay)
    for diagnostic in fixes:
        if diagnostic.fix is not None:  # every one is fixable
            diagnostic.fix.apply(editor)
    edits = editor.changes()
    after = load(path, _reader(disk, {**overlay, **edits}))
    return edits, after, _snapshot(after)


def _snapshot(workspace: Workspace) -> Snapshot | str:
    """The scenarios resolved, or the reason the model (like cargo) rejects the manifests."""
    from scaffold.lint.verify import snapshot  # the model only when fixing
    from scaffold.workspace.features import FeatureError

    try:
        return snapshot(workspace)
    except FeatureError as error:
        return str(error)


def _refused(claim: Claim, before: Snapshot | str, after: Snapshot | str) -> str | None:
    """Why the change from `before` to `after` is not what `claim` says, or None."""
    from scaffold.lint.verify import changes, violations

    if isinstance(before, str):
        return f"cannot verify it: cargo rejects the workspace ({before})"
    if isinstance(after, str):
        return f"cargo would reject the result ({after})"
    bad = violations(claim, changes(before, after))
    if bad:
        return "it would also change " + "; ".join(bad[:3]) + ("; ..." if len(bad) > 3 else "")
    return None


def _key(d: Diagnostic) -> tuple:
    return d.code, str(d.path), d.message


def _mark(diagnostics: list[Diagnostic], rejected: dict[tuple, str]) -> list[Diagnostic]:
    """Findings whose fix the gate refused: display-only, with the reason as a note."""
    if not rejected:
        return diagnostics
    return [
        replace(
            d,
            fix=replace(d.fix, applicability=Applicability.DISPLAY_ONLY),
            note=f"fix not applied: {rejected[_key(d)]}",
        )
        if d.fix is not None and _key(d) in rejected
        else d
        for d in diagnostics
    ]


def _reader(disk: Reader, overlay: dict[Path, TextFile]) -> Reader:
    reader = Reader(overlay)
    reader.cache, reader.texts = disk.cache, disk.texts
    return reader


def _editor(disk: Reader, overlay: dict[Path, TextFile]) -> Editor:
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
