"""`scaffold upgrade [PATH] --pyo3 VERSION`: move a workspace and its PyO3 companions to a new
PyO3 in one step, then run `fix-features --check`.

The plan goes to stdout (to stderr with --diff, whose stdout is only the patch). Exit status:
0 upgraded (or nothing to do) and the check is clean; 1 with --dry-run/--diff when something
would change, or when findings or uses of removed APIs remain; 2 error (nothing written).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from scaffold.errors import UserError


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", type=Path,
                        help="a directory or Cargo.toml inside the workspace (default: .)")
    parser.add_argument("--pyo3", required=True, metavar="VERSION",
                        help="the PyO3 version to move to, e.g. 0.30 or 0.30.1")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print the plan; write nothing")
    mode.add_argument("--diff", action="store_true",
                      help="print the changes as a unified diff; write nothing")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also rename PyO3 APIs in Rust sources and raise requires-python "
                             "with the abi3 floor")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="write even if files to change have uncommitted changes")
    parser.add_argument("--allow-no-vcs", action="store_true",
                        help="write even outside a git repository")


def run(args: argparse.Namespace) -> int:
    from scaffold.upgrade import plan as planning

    planning.parse_target(args.pyo3)  # a bad version fails before anything is read
    if args.dry_run or args.diff:
        plan = planning.build(args.path, args.pyo3, args.unsafe_fixes)
        _print_plan(plan, sys.stderr if args.diff else sys.stdout)
        if args.diff:
            from scaffold.lint.diff import unified_diff

            sys.stdout.write(unified_diff(plan.base, plan.originals, plan.changes))
        errors = _check(plan.workspace.root, plan.changes)
        would = "would change" if plan.changes or plan.update else "would change nothing"
        print(f"{would}: {len(plan.changes)} file(s)"
              + (", then cargo update" if plan.update else ""), file=sys.stderr)
        return 1 if plan.changes or plan.update or plan.blocking else 0
    from scaffold.transaction.lock import locked
    from scaffold.transaction.write import write_all
    from scaffold.workspace.discover import discover, require_cargo

    project = discover(args.path)
    require_cargo(project)
    with locked(project.boundary):
        plan = planning.build(args.path, args.pyo3, args.unsafe_fixes)
        _print_plan(plan, sys.stdout)
        if plan.changes or plan.update:
            from scaffold.vcs import ensure_clean

            root = plan.workspace.root
            lock = [root / "Cargo.lock"] if plan.update else []
            ensure_clean(root, [*plan.changes, *lock], allow_dirty=args.allow_dirty,
                         allow_no_vcs=args.allow_no_vcs)
            write_all({p: t.original for p, t in plan.changes.items()},
                      root=project.boundary, boundary=project.describe_boundary())
            if plan.update:
                _cargo_update(plan, project.boundary)
    errors = _check(plan.workspace.root, {})
    done = f"Upgraded to PyO3 {_series(plan.new)}" if plan.changes or plan.update else \
        f"Nothing to change for PyO3 {_series(plan.new)}"
    print(f"{done}; {len(plan.changes)} file(s) changed.", file=sys.stderr)
    if plan.blocking:
        print(f"{plan.blocking} use(s) of APIs removed in PyO3 {_series(plan.new)} left in the "
              "Rust sources (listed above)", file=sys.stderr)
    return 1 if errors or plan.blocking else 0


def _print_plan(plan, stream) -> None:
    head = f"PyO3 {_series(plan.old)} -> {_series(plan.new)}"
    if plan.pyo3:
        head += f" (pyo3 {'.'.join(map(str, plan.pyo3))})"
    print(head, file=stream)
    marks = {"edit": "", "unsafe": "[unsafe] ", "manual": "[by hand] ", "note": "note: "}
    for step in plan.steps:
        print(f"  {step.where}: {marks[step.kind]}{step.text}", file=stream)
    if not plan.changes and not plan.update:
        print("  nothing to change", file=stream)


def _cargo_update(plan, boundary: Path) -> None:
    """`cargo update -p` for the moved packages, so Cargo.lock follows; on failure the
    manifests are put back (Cargo.lock is only written by a cargo that succeeded)."""
    from scaffold.transaction.write import write_all

    root = plan.workspace.root
    command = ["cargo", "update", *[a for name in plan.update for a in ("-p", name)]]
    try:
        proc = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False,
                              timeout=600)
        lines = proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"]
        failure = lines[-1] if proc.returncode else None
    except (OSError, subprocess.TimeoutExpired) as error:
        failure = str(error)
    if failure:
        write_all({p: t.original for p, t in plan.originals.items()}, root=boundary)
        raise UserError(f"`{' '.join(command)}` failed in {root} ({failure}); the manifests "
                        "were put back", "fix the cause and run again")


def _check(root: Path, planned: dict) -> int:
    """`fix-features --check` on the result (the planned edits in memory when not written):
    prints the findings and the verdict; returns the number of errors."""
    from scaffold import rules
    from scaffold.lint import engine, report
    from scaffold.lint.diagnostic import Applicability, Severity

    outcome = engine.run(root, rules.select(None, None), None, planned=planned or None)
    errors = [d for d in outcome.diagnostics if d.severity is Severity.ERROR]
    for d in errors:
        print(report.text_line(d, Applicability.SAFE), file=sys.stderr)
    verdict = "All checks passed." if not errors else f"Found {len(errors)} finding(s)."
    print(f"fix-features --check: {verdict}", file=sys.stderr)
    return len(errors)


def _series(value) -> str:
    from scaffold.facts import format_series

    return format_series(value)
