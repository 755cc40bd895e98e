"""`add_profiler`: a profiling crate for an existing PyO3 repository."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scaffold.api._shared import _collect, _commit, _discover, _FilesWritten, _path

if TYPE_CHECKING:
    from pathlib import Path

    from scaffold.api._shared import StrPath
    from scaffold.profiler.plan import ProfilerPlan
    from scaffold.toml.textfile import TextFile
    from scaffold.transaction.changeset import ChangeSet
    from scaffold.workspace.crate import Crate
    from scaffold.workspace.discover import Project
    from scaffold.workspace.model import Workspace


@dataclass
class ProfilerAdded(_FilesWritten):
    """What `add_profiler` did (or, with `dry_run`, would do)."""

    name: str  # the profiler's package name
    existing: bool  # an existing profiler was checked instead of adding one
    changeset: ChangeSet  # the new files and the edited ones, before and after
    root: Path  # the Cargo workspace root
    base: Path  # where printed paths start (discover.display_base)
    notes: list[str] = field(default_factory=list)  # for the user, in order


# The wiring rules add-profiler applies (structure and feature wiring, unsafe ones included).
PROFILER_WIRING_RULES = ("PW1", "PW201", "PW202", "PW203", "PW204", "PW205")


def add_profiler(
    *,
    path: StrPath = ".",
    crate: str | None = None,
    name: str | None = None,
    location: StrPath | None = None,
    dry_run: bool = False,
    allow_dirty: bool = False,
    allow_no_vcs: bool = False,
    choose: Callable[[str, list[str]], str | None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> ProfilerAdded:
    """Give the PyO3 repository at `path` a profiling crate, wired by the fix-features rules
    (or check and fix the wiring of the profiler it already has). `crate`: the extension crate
    to profile when there are several (else `choose(question, names)` picks one: the CLI asks
    on a terminal); `name`: the profiler's
    package name; `location`: its folder. `on_note` sees each note as it is made. `dry_run`
    writes nothing."""
    from scaffold.workspace.discover import require_cargo

    path = _path(path)
    project = _discover(path)
    require_cargo(project)
    where = None if location is None else _path(location)
    return _commit(
        project,
        lambda: _add_profiler(path, project, crate, name, where, choose, on_note),
        lambda added: added.changeset,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        allow_no_vcs=allow_no_vcs,
        on_note=on_note,
    )


def _add_profiler(
    path: Path,
    project: Project,
    crate: str | None,
    name: str | None,
    location: Path | None,
    choose: Callable[[str, list[str]], str | None] | None,
    on_note: Callable[[str], None] | None,
) -> ProfilerAdded:
    import os

    from scaffold import rules
    from scaffold.errors import UserError
    from scaffold.lint import engine
    from scaffold.lint.diagnostic import Applicability
    from scaffold.profiler import plan as profiler_plan
    from scaffold.workspace.discover import display_base
    from scaffold.workspace.loader import load
    from scaffold.workspace.lockfile import with_synced_lock

    ws = load(path)
    base = display_base(project)
    library = profiler_plan.choose_library(ws, crate, choose)
    found = profiler_plan.existing_profilers(ws, library)
    existing = (
        next((c for c in found if c.name == name), None)
        if name is not None
        else (found[0] if found else None)
    )
    notes: list[str] = []
    note = _collect(notes, on_note)
    if existing is not None:
        where = os.path.relpath(existing.dir, base)
        note(
            f"`{existing.name}` already profiles `{library.name}` ({where}: a binary that "
            "depends on it and uses Python); checking its wiring and rpath instead of adding "
            "a second profiler (pass --name NEW to add one)."
        )
        planned: dict[Path, TextFile] = {}
        profiler = existing.name
    else:
        plan = profiler_plan.plan(ws, library, name, location)
        if plan.directory.exists():
            raise UserError(f"{plan.directory}: already exists", "choose another --name or --dest")
        planned = _profiler_files(ws, plan)
        for text in _pyo3_notes(ws, library, plan):
            note(text)
        profiler = plan.name
    outcome = engine.run(
        path, rules.select(list(PROFILER_WIRING_RULES), None), Applicability.UNSAFE, planned=planned
    )
    changeset = with_synced_lock(outcome.changeset, ws.root, project.boundary)
    return ProfilerAdded(profiler, existing is not None, changeset, ws.root, base, notes)


def _pyo3_notes(ws: Workspace, library: Crate, plan: ProfilerPlan) -> list[str]:
    """A note when the library's pyo3 requirement names no version the profiler can copy."""
    from scaffold.workspace.versions import series

    pyo3 = ws.pyo3_dependencies(library)[0]
    required = library.effective(pyo3).version
    if not required or series(required) is not None:
        return []
    source = (
        "the version Cargo.lock resolved"
        if ws.lock_versions.get("pyo3")
        else "no Cargo.lock yet: the series this tool defaults to"
    )
    return [
        f"note: `{library.name}` requires pyo3 {required!r}, which names no version; the "
        f"profiler asks for pyo3 {plan.pyo3_version!r} ({source})"
    ]


def _profiler_files(ws: Workspace, plan: ProfilerPlan) -> dict[Path, TextFile]:
    """The rendered profiler crate plus the manifest that makes it a member, in memory."""
    import tempfile
    from pathlib import Path

    from scaffold.profiler import plan as profiler_plan
    from scaffold.render.copier_render import render
    from scaffold.toml.editor import Editor
    from scaffold.toml.textfile import TextFile

    files = {}
    with tempfile.TemporaryDirectory() as scratch:
        render("profiler", Path(scratch), plan.answers())
        rendered = Path(scratch) / plan.name
        for source in sorted(p for p in rendered.rglob("*") if p.is_file()):
            target = plan.directory / source.relative_to(rendered)
            files[target] = TextFile.from_bytes(target, source.read_bytes())
    editor = Editor(ws.reader.read)
    profiler_plan.add_member(editor.document(ws.root_file.path), ws, plan.directory)
    files.update(editor.changes())
    return files
