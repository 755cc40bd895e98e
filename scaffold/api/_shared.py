"""What the command functions share: the commit sequence, paths, discovery, reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from os import PathLike
    from pathlib import Path

    from scaffold.lint.diagnostic import Applicability
    from scaffold.lint.engine import Outcome
    from scaffold.lint.report import Report
    from scaffold.toml.textfile import TextFile
    from scaffold.transaction.changeset import ChangeSet
    from scaffold.workspace.discover import Project

    StrPath = str | PathLike[str]


class _FilesWritten:
    """The `created` and `changed` paths of a result that carries its `changeset`."""

    changeset: ChangeSet

    @property
    def created(self) -> list[Path]:
        return self.changeset.created

    @property
    def changed(self) -> list[Path]:
        return self.changeset.changed


T = TypeVar("T")


def _commit(
    project: Project,
    plan: Callable[[], T],
    changes: Callable[[T], ChangeSet],
    *,
    dry_run: bool,
    allow_dirty: bool,
    allow_no_vcs: bool,
    also_written: Callable[[T], list[Path]] | None = None,
    then: Callable[[T], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> T:
    """The commit sequence of every writing command (`transaction.commit.run`) below the
    project's write boundary: plan under the lock, refuse a dirty tree, write all at once;
    `dry_run` only plans (no lock, no guards). `on_note` hears the lock's wait and recovery."""
    from scaffold.transaction import commit
    from scaffold.workspace import lockfile

    return commit.run(
        project.boundary,
        plan,
        changes,
        preview=dry_run,
        guards=commit.Guards(allow_dirty, allow_no_vcs),
        boundary=project.describe_boundary(),
        also_written=also_written,
        then=then,
        note=on_note,
        guarded=lockfile.guarded,  # Cargo.lock is derived from its current text: never refused
    )


def _collect(notes: list[str], on_note: Callable[[str], None] | None) -> Callable[[str], None]:
    """A callback that keeps each note in `notes` and passes it on to `on_note`."""

    def note(text: str) -> None:
        notes.append(text)
        if on_note is not None:
            on_note(text)

    return note


def _path(path: StrPath) -> Path:
    from pathlib import Path

    return path if isinstance(path, Path) else Path(path)


def _discover(path: Path) -> Project:
    from scaffold.workspace.discover import discover

    return discover(path)


def _threshold(unsafe_fixes: bool) -> Applicability:
    from scaffold.lint.diagnostic import Applicability

    return Applicability.UNSAFE if unsafe_fixes else Applicability.SAFE


def _lint_report(
    mode: str, outcome: Outcome, threshold: Applicability, project: Project, pending: bool = False
) -> Report:
    from scaffold.lint.report import DIFF, Report
    from scaffold.workspace.discover import display_base

    journal = None
    if pending:
        from scaffold.transaction.journal import pending as pending_journal

        journal = pending_journal(project.boundary)
    return Report(
        mode,
        threshold,
        outcome.diagnostics,
        outcome.fixed,
        outcome.changeset,
        outcome.scenario_changes,
        display_base(project) if mode == DIFF else None,
        journal,
    )


def _check_all(root: Path, planned: dict[Path, TextFile]) -> Report:
    """Every rule on `root`, with `planned` edits in memory when they are not written."""
    from scaffold import rules
    from scaffold.lint import engine
    from scaffold.lint.report import CHECK, Report

    outcome = engine.run(root, rules.select(None, None), None, planned=planned or None)
    return Report(CHECK, _threshold(False), outcome.diagnostics)
