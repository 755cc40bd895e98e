"""`scaffold doctor [PATH]`: the interpreter, libpython and toolchain a build here will use.

Exit status: 0 nothing to fix, 1 problems found (a `warn` or `error` line), 2 error.
Outside a Cargo project the project lines are skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scaffold.doctor import link_checks, python_checks, tool_checks
from scaffold.doctor.findings import NOTE, Report
from scaffold.errors import UserError
from scaffold.workspace.loader import load


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", type=Path,
                        help="a directory inside the Cargo project (default: .)")
    parser.add_argument("--output-format", choices=("text", "json"), default="text")
    parser.add_argument("--env", action="store_true",
                        help="print only the shell lines that make this shell right, "
                             'for eval "$(scaffold doctor --env)"')


def run(args: argparse.Namespace) -> int:
    report = diagnose(args.path, dict(os.environ))
    if args.env:
        print("\n".join(report.exports) if report.exports else "# nothing to export")
    elif args.output_format == "json":
        print(report.to_json())
    else:
        print(report.to_text())
    print(report.summary(), file=sys.stderr)
    return report.exit_code


def diagnose(path: Path, environ: dict[str, str]) -> Report:
    """Run every check for `path` under `environ`."""
    from scaffold.workspace.discover import discover

    if not path.exists():
        raise UserError(f"{path}: no such file or directory", "pass a directory to check")
    project = discover(path)
    ws = load(path) if project.cargo_root is not None else None
    report = Report()
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
