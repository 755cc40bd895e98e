"""`check` and `fix`: `fix-features` as functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from scaffold.api._shared import _commit, _discover, _lint_report, _path, _threshold

if TYPE_CHECKING:
    from scaffold.api._shared import StrPath
    from scaffold.lint.engine import Outcome
    from scaffold.lint.report import Report
    from scaffold.transaction.changeset import ChangeSet


def check(
    *,
    path: StrPath = ".",
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    unsafe_fixes: bool = False,
    wiring: str | None = None,
) -> Report:
    """Lint the workspace at `path` (`fix-features --check`); writes nothing.

    `select`/`ignore`: rule codes, prefixes or names; `unsafe_fixes`: count unsafe fixes as
    fixable; `wiring` (`feature` or `env`): lint for a migration to that wiring mode."""
    from scaffold import rules
    from scaffold.lint import engine
    from scaffold.lint.report import CHECK

    path = _path(path)
    selected = rules.select(select, ignore)
    project = _discover(path)
    outcome = engine.run(path, selected, None, wiring)
    return _lint_report(CHECK, outcome, _threshold(unsafe_fixes), project, pending=True)


def fix(
    *,
    path: StrPath = ".",
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    unsafe_fixes: bool = False,
    wiring: str | None = None,
    dry_run: bool = False,
    allow_dirty: bool = False,
    allow_no_vcs: bool = False,
    on_note: Callable[[str], None] | None = None,
) -> Report:
    """Lint and fix the workspace at `path` (`fix-features`), writing every changed file at
    once; `dry_run` (`--diff`) fixes in memory only (`Report.changeset` gives the diff).
    Refuses files with uncommitted changes unless `allow_dirty`, and a project outside git
    unless `allow_no_vcs` (`DirtyTreeError`). `on_note` hears a wait for the write lock and
    what recovering an interrupted write restored."""
    from scaffold import rules
    from scaffold.lint import engine
    from scaffold.lint.report import DIFF, FIX

    path = _path(path)
    selected = rules.select(select, ignore)
    threshold = _threshold(unsafe_fixes)
    project = _discover(path)
    if not dry_run:
        from scaffold.workspace.discover import require_cargo

        require_cargo(project)

    def written(outcome: Outcome) -> ChangeSet:
        """The fixes, and Cargo.lock in step when one adds a dependency (PW103's)."""
        from scaffold.workspace.lockfile import with_synced_lock

        return with_synced_lock(outcome.changeset, outcome.workspace.root, project.boundary)

    outcome = _commit(
        project,
        lambda: engine.run(path, selected, threshold, wiring),
        written,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        allow_no_vcs=allow_no_vcs,
        on_note=on_note,
    )
    return _lint_report(DIFF if dry_run else FIX, outcome, threshold, project, pending=dry_run)
