"""`doctor`: what a build will use, checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold.api._shared import _discover, _path

if TYPE_CHECKING:
    from scaffold.api._shared import StrPath
    from scaffold.doctor.findings import Report as DoctorReport


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
