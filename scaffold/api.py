"""The Python API: each command as a function, after copier's `run_copy`.

Keyword arguments, typed results (dataclasses), `scaffold.errors` exceptions (`UserError` and
its kin: the CLI prints them as one line and exits 2). Nothing here prints; the CLI
(`scaffold.commands`) parses flags, calls these functions and prints what they return.

    from scaffold import api

    report = api.check(path="path/to/project")
    for diagnostic in report.diagnostics:
        print(diagnostic.code, diagnostic.message)

Imports are made inside the functions: importing this module costs almost nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from os import PathLike
    from pathlib import Path

    from scaffold.add.plan import AddPlan
    from scaffold.cross.plan import Plan as CrossPlan
    from scaffold.doctor.findings import Report as DoctorReport
    from scaffold.lint.diagnostic import Applicability
    from scaffold.lint.engine import Outcome
    from scaffold.lint.report import Report
    from scaffold.profiler.plan import ProfilerPlan
    from scaffold.profiling.folded import Profile
    from scaffold.profiling.recorders import Recording
    from scaffold.render.project import Options
    from scaffold.render.project_update import Step as UpdateStep
    from scaffold.testing.runner import Verdict
    from scaffold.toml.textfile import TextFile
    from scaffold.transaction.changeset import ChangeSet
    from scaffold.upgrade.model import Plan as UpgradePlan
    from scaffold.workspace.crate import Crate
    from scaffold.workspace.discover import Project
    from scaffold.workspace.model import Workspace

    StrPath = str | PathLike[str]


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


def doctor(*, path: StrPath = ".", environ: dict[str, str] | None = None) -> DoctorReport:
    """Check the interpreter, libpython, toolchain, backends and settings a build at `path`
    will use, under `environ` (default: this process's environment). Outside a Cargo project
    the project checks are skipped."""
    import os

    from scaffold.doctor import link_checks, python_checks, tool_checks
    from scaffold.doctor.findings import NOTE
    from scaffold.doctor.findings import Report as DoctorReport
    from scaffold.errors import UserError
    from scaffold.workspace.loader import load

    path = _path(path)
    environ = dict(os.environ) if environ is None else environ
    if not path.exists():
        raise UserError(f"{path}: no such file or directory", "pass a directory to check")
    project = _discover(path)
    ws = load(path) if project.cargo_root is not None else None
    report = DoctorReport()
    if ws is None:
        report.add("project", NOTE, f"no Cargo project at or above {path}: project checks skipped")
    python_dir = next((p.dir for p in ws.projects), project.start) if ws else project.start
    found = python_checks.check_interpreter(report, environ, python_dir)
    linked = found
    if ws is not None:
        if found is not None:
            python_checks.check_versions(report, found, ws)
        # Binaries link the libpython of the Python their last build used.
        linked = python_checks.check_last_build(report, found, ws.root, environ)
    if linked is not None:
        link_checks.check_libpython(report, linked, environ, ws)
    tool_checks.check_rust(report, environ, ws)
    if ws is not None:
        tool_checks.check_backends(report, environ, ws, found)
    tool_checks.check_settings(report, environ, ws.root if ws else None)
    if ws is not None:
        tool_checks.check_cross(report, ws.root)
    return report


class _FilesWritten:
    """The `created` and `changed` paths of a result that carries its `changeset`."""

    changeset: ChangeSet

    @property
    def created(self) -> list[Path]:
        return self.changeset.created

    @property
    def changed(self) -> list[Path]:
        return self.changeset.changed


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


@dataclass
class Tested:
    """What `test` ran: one verdict per step, in order."""

    verdicts: list[Verdict]

    @property
    def failed_layers(self) -> list[str]:
        return sorted({v.step.layer for v in self.verdicts if not v.passed})

    @property
    def exit_code(self) -> int:
        """0 every layer passed; 1 one failed."""
        return 1 if self.failed_layers else 0


def test(
    *,
    path: StrPath = ".",
    layer: str | None = None,
    on_verdict: Callable[[Verdict], None] | None = None,
) -> Tested:
    """Run the project's test layers (`scaffold.testing.layers`): the libraries' Rust tests
    with the extension feature off, the default members' `cargo test`, pytest against a freshly
    built extension; `layer` ("rust" or "python") runs one. `on_verdict` sees each step."""
    import os

    from scaffold.testing import layers, runner
    from scaffold.workspace.discover import require_cargo
    from scaffold.workspace.loader import load

    path = _path(path)
    require_cargo(_discover(path))
    steps = layers.steps(load(path), layer, dict(os.environ))
    return Tested(runner.run(steps, on_verdict))


@dataclass
class Upgraded:
    """What `upgrade` did (or, with `dry_run`, would do), and the check of the result."""

    plan: UpgradePlan  # the steps, the file changes, the packages `cargo update` moved
    dry_run: bool
    check: Report  # fix-features --check on the result (the edits in memory with dry_run)

    @property
    def exit_code(self) -> int:
        """0 done and clean; 1 something would change (dry run), or findings or uses of
        removed APIs remain."""
        plan = self.plan
        if self.dry_run:
            return 1 if plan.changeset or plan.update or plan.blocking else 0
        return 1 if self.check.errors or plan.blocking else 0


def upgrade(
    *,
    path: StrPath = ".",
    pyo3: str,
    dry_run: bool = False,
    unsafe_fixes: bool = False,
    allow_dirty: bool = False,
    allow_no_vcs: bool = False,
    on_plan: Callable[[UpgradePlan], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Upgraded:
    """Move the workspace at `path` and its PyO3 companion crates to PyO3 `pyo3` (e.g.
    "0.30"), then `cargo update -p` them; in a project `new` made, the answers files move too
    and the templates' files are regenerated (3-way, the user's edits kept). `unsafe_fixes`
    also renames PyO3 APIs in the Rust sources and raises requires-python to the abi3 floor.
    `on_plan` sees the plan before anything is written, `on_note` a wait for the write lock.
    `dry_run` writes nothing."""
    from scaffold.upgrade import plan as planning
    from scaffold.workspace.discover import require_cargo

    path = _path(path)
    planning.parse_target(pyo3)  # a bad version fails before anything is read
    project = _discover(path)
    require_cargo(project)

    def plan_it() -> UpgradePlan:
        plan = planning.build(path, pyo3, unsafe_fixes)
        if on_plan is not None:
            on_plan(plan)
        return plan

    def cargo_update(plan: UpgradePlan) -> None:
        from scaffold.upgrade.lockfile import cargo_update

        if plan.update:
            cargo_update(plan, project.boundary)

    plan = _commit(
        project,
        plan_it,
        lambda plan: plan.changeset,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        allow_no_vcs=allow_no_vcs,
        also_written=lambda plan: [plan.workspace.root / "Cargo.lock"] if plan.update else [],
        then=cargo_update,
        on_note=on_note,
    )
    return Upgraded(plan, dry_run, _check_all(plan.workspace.root, plan.planned if dry_run else {}))


def _check_all(root: Path, planned: dict[Path, TextFile]) -> Report:
    """Every rule on `root`, with `planned` edits in memory when they are not written."""
    from scaffold import rules
    from scaffold.lint import engine
    from scaffold.lint.report import CHECK, Report

    outcome = engine.run(root, rules.select(None, None), None, planned=planned or None)
    return Report(CHECK, _threshold(False), outcome.diagnostics)


@dataclass
class Created:
    """What `new` made."""

    path: Path  # the project's folder
    options: Options  # the checked options: crate and module names, PyO3, backend, ...
    rendered: dict[str, dict[str, Any]]  # template ("workspace", "profiler") -> its answers
    note: str | None = None  # e.g. inside another git repository: no nested one was made
    warnings: list[str] = field(default_factory=list)


def new(
    *,
    name: str,
    dest: StrPath | None = None,
    pyo3: str | None = None,
    python_min: str | None = None,
    backend: str | None = None,
    wiring: str | None = None,
    abi3: str | None = None,
    layout: str | None = None,
    stubs: str | None = None,
    author: str | None = None,
    license: str | None = None,
    profiler: bool = True,
    git: bool = True,
    on_note: Callable[[str], None] | None = None,
) -> Created:
    """Create a Cargo workspace for the PyO3 extension `name` in `dest` (default: ./NAME),
    with the profiler crate unless `profiler` is False, and a first commit unless `git` is
    False. None takes the default: PyO3 `render.project.DEFAULT_PYO3`, maturin, feature
    wiring, no abi3, the mixed layout, a hand-written stub, MIT. Everything is checked before
    anything is written; on failure what was made is removed. `on_note` sees each warning as it is
    found."""
    from scaffold.render import project

    warnings: list[str] = []
    options = project.options(
        name,
        None if dest is None else _path(dest),
        pyo3=pyo3,
        python_min=python_min,
        backend=backend,
        wiring=wiring,
        abi3=abi3,
        layout=layout,
        stubs=stubs,
        author=author,
        license=license,
        profiler=profiler,
        git=git,
        warn=_collect(warnings, on_note),
    )
    rendered, note = project.create(options)
    return Created(options.dest, options, rendered, note, warnings)


@dataclass
class CrossConfigured:
    """What `cross` wrote (or, with `dry_run`, would write), and how to build."""

    plan: CrossPlan  # the target, its PYO3_CROSS_* settings, the change set, notes
    commands: list[str]  # the exact build commands, run from the workspace root
    dry_run: bool


def cross(
    *,
    target: str,
    path: StrPath = ".",
    lib_dir: StrPath | None = None,
    python_version: str | None = None,
    implementation: str = "cpython",
    linker: str | None = None,
    zig: bool = False,
    dry_run: bool = False,
    allow_dirty: bool = False,
    allow_no_vcs: bool = False,
    on_plan: Callable[[CrossPlan], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> CrossConfigured:
    """Configure the project at `path` to build for the target triple `target`: the target
    Python's `lib_dir` (libpython and `_sysconfigdata*.py`) or its `python_version` ("3.12",
    "3.13t"), `implementation` (CPython or PyPy), and a `linker` or `zig`. Every input is
    checked before anything is written; `on_plan` sees the plan (and its notes) first,
    `on_note` a wait for the write lock. `dry_run` writes nothing."""
    from scaffold.cross.plan import commands, make_plan

    def plan_it() -> CrossPlan:
        plan = make_plan(
            _path(path),
            target,
            lib_dir=None if lib_dir is None else _path(lib_dir),
            python_version=python_version,
            implementation=implementation,
            linker=linker,
            zig=zig,
        )
        if on_plan is not None:
            on_plan(plan)
        return plan

    plan = _commit(
        _discover(_path(path)),
        plan_it,
        lambda plan: plan.changeset,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        allow_no_vcs=allow_no_vcs,
        on_note=on_note,
    )
    return CrossConfigured(plan, commands(plan, zig), dry_run)


@dataclass
class Profiled:
    """What `profile` recorded."""

    recorder: str  # perf, py-spy or callgrind
    profile: Profile  # the samples: totals per frame, `hottest()`
    is_library: Callable[[str], bool]  # whether a frame is the library's own code
    library: str  # the profiled library crate
    flamegraph: Path | None  # None: callgrind, which records no stacks
    auto: bool  # the recorder was chosen (`recorder="auto"`)
    samples: int | None = None  # stacks sampled (perf, py-spy); None: callgrind counts all
    output: str = ""  # what the profiler printed on stdout
    errors: str = ""  # ... and on stderr
    skipped: list[str] = field(default_factory=list)  # recorders passed over, and why
    notes: list[str] = field(default_factory=list)  # for the user, in order

    @property
    def exit_code(self) -> int:
        """1 when `auto` could only make a text profile (callgrind), else 0."""
        return 1 if self.flamegraph is None and self.auto else 0


def profile(
    *,
    path: StrPath = ".",
    profiler: str | None = None,
    recorder: str = "auto",
    iterations: int | None = None,
    seconds: float | None = None,
    python: str | None = None,
    args: list[str] | None = None,
    output: StrPath | None = None,
    install: bool = False,
    confirm: Callable[[str], bool] | None = None,
    on_note: Callable[[str], None] | None = None,
    on_recording: Callable[[Recording], None] | None = None,
) -> Profiled:
    """Build the profiler crate of the workspace at `path` (`profiler`: its name when there
    are several), run it under a recorder, and render a flamegraph to `output` (relative to
    the current directory; by default `flamegraph.svg` beside the profiler binary, under the
    target directory, so a run leaves the project clean). The profiler gets
    `--iterations N` or `--seconds S` (how long each workload runs; the generated profiler's
    default, 1.5 s each, gives some 3,000 perf samples), `--python CODE` (its Python workload,
    py-spy first) and `args`.
    `recorder`: perf, py-spy, callgrind, or auto (the first that works). `install`: install
    the renderer (inferno) without asking, else `confirm(question)` decides (the CLI asks on a
    terminal). `on_note` sees each note,
    `on_recording` the recording (the profiler's own output), as they happen."""
    import tempfile
    from pathlib import Path

    from scaffold.errors import UserError
    from scaffold.profiling import folded, inferno, recorders, session, target
    from scaffold.workspace.loader import load

    given = _path(output) if output is not None else None
    destination = None if given is None else given if given.is_absolute() else Path.cwd() / given
    if given is not None and destination is not None and not destination.parent.is_dir():
        raise UserError(
            f"{given}: its directory does not exist", "create it or pass another --output"
        )
    if recorder not in session.RECORDERS:
        raise UserError(
            f"unknown recorder {recorder!r}", f"pass one of {', '.join(session.RECORDERS)}"
        )
    notes: list[str] = []
    note = _collect(notes, on_note)
    program_args = [
        *(["--iterations", str(iterations)] if iterations is not None else []),
        *(["--seconds", f"{seconds:g}"] if seconds is not None else []),
        *(["--python", python] if python is not None else []),
        *(args or []),
    ]
    ws = load(_path(path))
    chosen = target.find(ws, profiler)
    skipped: list[str] = []
    names = session.installed(session.order(recorder, python is not None), skipped)
    renderer = None
    if any(name != "callgrind" for name in names):
        renderer = inferno.ensure(install, confirm, note)
    binary = target.build(ws, chosen, note)
    destination = destination or binary.parent / "flamegraph.svg"
    program = recorders.Program(binary, program_args, ws.root)
    library = chosen.library
    # Frames of every crate of the workspace are the project's own (a core crate, the library).
    crates = sorted(ws.members, key=lambda c: c is not chosen.library)
    is_library = folded.library_matcher(
        [c.lib_name for c in crates],
        [
            p.relative_to(ws.root).as_posix()
            for c in crates
            for p in c.rust_sources()
            if p.is_relative_to(ws.root)
        ],
    )
    with tempfile.TemporaryDirectory(prefix="scaffold-profile-") as scratch:
        recording = session.record(
            names, recorder == "auto", program, Path(scratch), renderer, skipped, note
        )
        if on_recording is not None:
            on_recording(recording)
        flamegraph = None
        if recording.folded is not None:
            found = folded.read(recording.folded, skip_root=recording.recorder == "perf")
            if found.total == 0:
                raise UserError(
                    f"{recording.recorder} recorded no samples",
                    "run more iterations (--iterations N)",
                )
            assert renderer is not None  # found for every recorder but callgrind
            session.render(renderer, recording, destination, chosen.profiler.name)
            flamegraph = destination
        else:
            found = folded.Profile(recording.total, recording.self_time, recording.total_time)
    return Profiled(
        recording.recorder,
        found,
        is_library,
        library.name,
        flamegraph,
        recorder == "auto",
        recording.samples,
        recording.output,
        recording.errors,
        skipped,
        notes,
    )


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
