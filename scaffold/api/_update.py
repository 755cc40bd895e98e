"""`update`: a project moved to the installed templates, keeping its edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scaffold.api._shared import _commit, _discover, _path

if TYPE_CHECKING:
    from pathlib import Path

    from scaffold.api._shared import StrPath
    from scaffold.render.project_update import Step as UpdateStep
    from scaffold.transaction.changeset import ChangeSet


@dataclass
class Updated:
    """What `update` changed (or, with `dry_run`, would change)."""

    steps: list[UpdateStep]  # every answers file of this tool's templates
    updated: list[UpdateStep]  # those not at the newest release: updated
    targets: dict[str, str]  # template -> the newest release installed
    changeset: ChangeSet  # the files the update writes or removes
    conflicts: list[str]  # files with inline conflict markers to resolve (from `top`)
    dry_run: bool
    top: Path  # the git repository's top

    @property
    def exit_code(self) -> int:
        """1 when conflicts are left, or (dry run) something would change; else 0."""
        return 1 if self.conflicts or (self.dry_run and self.changeset) else 0


def update(
    *,
    path: StrPath = ".",
    dry_run: bool = False,
    allow_dirty: bool = False,
    interactive: bool = False,
    on_note: Callable[[str], None] | None = None,
) -> Updated:
    """Bring the project at `path` (made by `new` or `add_profiler`, committed in git) to the
    installed templates with copier's 3-way update, keeping the user's edits; conflicts are
    marked inline. `interactive`: ask new questions (else their defaults). `on_note` sees
    the answers files left alone and those already up to date. `dry_run` writes nothing.
    Refuses to overwrite files with uncommitted changes unless `allow_dirty` (the update then
    merges into the working tree as it is)."""
    from scaffold.errors import UserError
    from scaffold.render import project_update as updating

    given = _path(path)
    folder = given.absolute()
    if not folder.is_dir():
        raise UserError(f"{given} is not a directory", "pass the project's folder")
    top, _ = updating.repository(folder)  # update merges through git: a repository is needed

    def plan_it() -> Updated:
        planned = updating.plan(folder, interactive, on_note or (lambda note: None))
        return Updated(
            planned.steps,
            planned.todo,
            planned.targets,
            planned.changeset,
            planned.conflicts,
            dry_run,
            planned.top,
        )

    return _commit(
        _discover(top),
        plan_it,
        lambda updated: updated.changeset,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        allow_no_vcs=False,
        on_note=on_note,
    )
