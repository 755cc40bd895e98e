"""`scaffold upgrade [PATH] --pyo3 VERSION`: move a workspace and its PyO3 companions to a new
PyO3 in one step, then run `fix-features --check`.

The plan goes to stdout (to stderr with --diff, whose stdout is only the patch). Exit status:
0 upgraded (or nothing to do) and the check is clean; 1 with --dry-run/--diff when something
would change, or when findings or uses of removed APIs remain; 2 error (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from scaffold.commands import flags, prompts
from scaffold.facts import format_series

if TYPE_CHECKING:
    from scaffold.lint.report import Report
    from scaffold.upgrade.model import Plan


def register(parser: argparse.ArgumentParser) -> None:
    flags.project_path(parser, "a directory or Cargo.toml inside the workspace")
    parser.add_argument(
        "--pyo3",
        required=True,
        metavar="VERSION",
        help="the PyO3 version to move to, e.g. 0.30 or 0.30.1",
    )
    flags.preview(
        parser, check="print the plan; write nothing (exit 1 when something would change)"
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also rename PyO3 APIs in Rust sources and raise requires-python with the abi3 floor",
    )
    flags.write_guards(parser)


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    dry_run = args.preview.dry_run
    diff = args.preview is flags.Preview.DIFF
    stream = sys.stderr if diff else sys.stdout
    done = api.upgrade(
        path=args.path,
        pyo3=args.pyo3,
        dry_run=dry_run,
        unsafe_fixes=args.unsafe_fixes,
        allow_dirty=args.allow_dirty,
        allow_no_vcs=args.allow_no_vcs,
        on_plan=lambda plan: _print_plan(plan, stream),
        on_note=prompts.note,
    )
    plan = done.plan
    if diff:
        sys.stdout.write(plan.changeset.diff(plan.base or plan.workspace.root))
    _print_check(done.check)
    if dry_run:
        would = "would change" if plan.changeset or plan.update else "would change nothing"
        print(
            f"{would}: {len(plan.changeset)} file(s)"
            + (", then cargo update" if plan.update else ""),
            file=sys.stderr,
        )
        return done.exit_code
    series = format_series(plan.new)
    verdict = (
        f"Upgraded to PyO3 {series}"
        if plan.changeset or plan.update
        else f"Nothing to change for PyO3 {series}"
    )
    print(f"{verdict}; {len(plan.changeset)} file(s) changed.", file=sys.stderr)
    if plan.blocking:
        print(
            f"{plan.blocking} use(s) of APIs removed in PyO3 {series} left in the "
            "Rust sources (listed above)",
            file=sys.stderr,
        )
    return done.exit_code


def _print_plan(plan: Plan, stream: TextIO) -> None:
    head = f"PyO3 {format_series(plan.old)} -> {format_series(plan.new)}"
    if plan.pyo3:
        head += f" (pyo3 {'.'.join(map(str, plan.pyo3))})"
    print(head, file=stream)
    marks = {"edit": "", "unsafe": "[unsafe] ", "manual": "[by hand] ", "note": "note: "}
    for step in plan.steps:
        print(f"  {step.where}: {marks[step.kind]}{step.text}", file=stream)
    if not plan.changeset and not plan.update:
        print("  nothing to change", file=stream)


def _print_check(report: Report) -> None:
    """The findings of `fix-features --check` on the result, and its verdict."""
    from scaffold.lint.output import text_line

    errors = report.errors
    for d in errors:
        print(text_line(d, report.threshold), file=sys.stderr)
    verdict = "All checks passed." if not errors else f"Found {len(errors)} finding(s)."
    print(f"fix-features --check: {verdict}", file=sys.stderr)
