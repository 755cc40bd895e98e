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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from os import PathLike
    from pathlib import Path

    from scaffold.env.report import Report as DoctorReport
    from scaffold.lint.diagnostic import Applicability
    from scaffold.lint.engine import Outcome
    from scaffold.lint.report import Report
    from scaffold.toml.textfile import TextFile
    from scaffold.upgrade.plan import Plan as UpgradePlan
    from scaffold.workspace.discover import Project

    StrPath = str | PathLike[str]


def check(*, path: StrPath = ".", select: list[str] | None = None,
          ignore: list[str] | None = None, unsafe_fixes: bool = False,
          wiring: str | None = None) -> Report:
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


def fix(*, path: StrPath = ".", select: list[str] | None = None,
        ignore: list[str] | None = None, unsafe_fixes: bool = False, wiring: str | None = None,
        dry_run: bool = False, allow_dirty: bool = False, allow_no_vcs: bool = False) -> Report:
    """Lint and fix the workspace at `path` (`fix-features`), writing every changed file at
    once; `dry_run` (`--diff`) fixes in memory only (`Report.originals` and `changes` give
    the diff). Refuses files with uncommitted changes unless `allow_dirty`, and a project
    outside git unless `allow_no_vcs` (`DirtyTreeError`)."""
    from scaffold import rules
    from scaffold.lint import engine
    from scaffold.lint.report import DIFF, FIX

    path = _path(path)
    selected = rules.select(select, ignore)
    threshold = _threshold(unsafe_fixes)
    if dry_run:
        project = _discover(path)
        outcome = engine.run(path, selected, threshold, wiring)
        return _lint_report(DIFF, outcome, threshold, project, pending=True)
    from scaffold.toml import atomic
    from scaffold.workspace.discover import require_cargo

    project = _discover(path)
    require_cargo(project)
    # One writer at a time per project; an interrupted write is rolled back first.
    with atomic.locked(project.boundary):
        outcome = engine.run(path, selected, threshold, wiring)
        if outcome.changes:
            from scaffold.vcs import ensure_clean

            ensure_clean(outcome.workspace.root, list(outcome.changes),
                         allow_dirty=allow_dirty, allow_no_vcs=allow_no_vcs)
            atomic.write_all({p: text.original for p, text in outcome.changes.items()},
                             root=project.boundary, boundary=project.describe_boundary())
    return _lint_report(FIX, outcome, threshold, project)


def doctor(*, path: StrPath = ".", environ: dict[str, str] | None = None) -> DoctorReport:
    """Check the interpreter, libpython, toolchain, backends and settings a build at `path`
    will use, under `environ` (default: this process's environment). Outside a Cargo project
    the project checks are skipped."""
    import os

    from scaffold.env import link_checks, python_checks, tool_checks
    from scaffold.env.report import NOTE, Report as DoctorReport
    from scaffold.errors import UserError
    from scaffold.workspace.model import load

    path = _path(path)
    environ = dict(os.environ) if environ is None else environ
    if not path.exists():
        raise UserError(f"{path}: no such file or directory", "pass a directory to check")
    project = _discover(path)
    ws = load(path) if project.cargo_root is not None else None
    report = DoctorReport()
    if ws is None:
        report.add("project", NOTE, f"no Cargo project at or above {path}: project checks "
                   "skipped")
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


def _path(path: StrPath) -> Path:
    from pathlib import Path

    return path if isinstance(path, Path) else Path(path)


def _discover(path: Path) -> Project:
    from scaffold.workspace.discover import discover

    return discover(path)


def _threshold(unsafe_fixes: bool) -> Applicability:
    from scaffold.lint.diagnostic import Applicability

    return Applicability.UNSAFE if unsafe_fixes else Applicability.SAFE


def _lint_report(mode: str, outcome: Outcome, threshold: Applicability, project: Project,
                 pending: bool = False) -> Report:
    from scaffold.lint.report import DIFF, Report
    from scaffold.workspace.discover import display_base

    journal = None
    if pending:
        from scaffold.toml.atomic import pending as pending_journal

        journal = pending_journal(project.boundary)
    return Report(mode, threshold, outcome.diagnostics, outcome.fixed, outcome.changes,
                  outcome.originals, outcome.scenario_changes,
                  display_base(project) if mode == DIFF else None, journal)
