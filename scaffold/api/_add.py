"""`add`: a core library, CLI, benchmarks or a second extension crate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scaffold.api._add_profiler import _profiler_files
from scaffold.api._shared import _commit, _discover, _FilesWritten, _path

if TYPE_CHECKING:
    from pathlib import Path

    from scaffold.add.plan import AddPlan
    from scaffold.api._shared import StrPath
    from scaffold.transaction.changeset import ChangeSet
    from scaffold.workspace.discover import Project
    from scaffold.workspace.model import Workspace


@dataclass
class CrateAdded(_FilesWritten):
    """What `add` made (or, with `dry_run`, would make): the crate, every file, the notes."""

    kind: str  # core, cli, bench, extension
    name: str
    changeset: ChangeSet  # the new files and the edited ones (Cargo.lock among them)
    root: Path  # the Cargo workspace root
    base: Path  # where printed paths start
    notes: list[str] = field(default_factory=list)


# add-profiler's wiring rules but PW103: the crates `add` makes embed no Python, and binaries
# that were there before are fix-features' business.


ADD_WIRING_RULES = ("PW101", "PW102", "PW201", "PW202", "PW203", "PW204", "PW205")


def add(
    *,
    kind: str,
    name: str,
    path: StrPath = ".",
    location: StrPath | None = None,
    dry_run: bool = False,
    allow_dirty: bool = False,
    allow_no_vcs: bool = False,
    on_note: Callable[[str], None] | None = None,
) -> CrateAdded:
    """Add a crate of `kind` (`scaffold.add.plan.KINDS`) named `name` to the project at
    `path`, in `location` (default: beside the extension crate), wired by the fix-features
    rules, with Cargo.lock in step; one transaction. `dry_run` writes nothing."""
    from scaffold.workspace.discover import require_cargo

    path = _path(path)
    project = _discover(path)
    require_cargo(project)
    where = None if location is None else _path(location)
    added = _commit(
        project,
        lambda: _add(path, project, kind, name, where),
        lambda added: added.changeset,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        allow_no_vcs=allow_no_vcs,
        on_note=on_note,
    )
    for text in added.notes:  # about the result: said once it exists
        if on_note is not None:
            on_note(text)
    return added


def _add(
    path: Path,
    project: Project,
    kind: str,
    name: str,
    location: Path | None,
) -> CrateAdded:
    from scaffold import rules
    from scaffold.add import plan as add_plan
    from scaffold.lint import engine
    from scaffold.lint.diagnostic import Applicability
    from scaffold.workspace.discover import display_base
    from scaffold.workspace.loader import load
    from scaffold.workspace.lockfile import with_synced_lock

    ws = load(path)
    planned = add_plan.plan(ws, kind, name, location)
    if kind == "extension":
        _profile_added_extension(path, ws, planned)
    outcome = engine.run(
        path,
        rules.select(list(ADD_WIRING_RULES), None),
        Applicability.UNSAFE,
        planned=planned.files,
    )
    return CrateAdded(
        kind,
        name,
        with_synced_lock(outcome.changeset, ws.root, project.boundary),
        ws.root,
        display_base(project),
        planned.notes,
    )


def _profile_added_extension(path: Path, ws: Workspace, planned: AddPlan) -> None:
    """A second extension gets a profiler as add-profiler makes one, when the first has one
    (`new --no-profiler`: none, and nothing said)."""
    from scaffold.add import plan as add_plan
    from scaffold.errors import UserError
    from scaffold.profiler import plan as profiler_plan
    from scaffold.workspace.loader import load
    from scaffold.workspace.reader import Reader

    first = add_plan.main_extension(ws)
    if first is None or not profiler_plan.existing_profilers(ws, first):
        return
    grown = load(path, Reader(dict(planned.files)))  # the workspace with the new extension
    library = grown.member(planned.name)
    if library is None:
        return
    profiler = profiler_plan.plan(grown, library, None, None)
    if profiler.directory.exists():
        raise UserError(f"{profiler.directory}: already exists", "remove it or choose another NAME")
    add_plan.with_profiler(ws, planned, profiler.name, _profiler_files(grown, profiler))
