"""`scaffold fix-features [PATH]`: lint the PyO3 feature wiring and apply fixes.

Exit status: 0 nothing left, 1 findings remain or (with --check/--diff) something would change,
2 error. Diagnostics go to stdout, the summary to stderr; with `--diff` stdout is only the patch
(so `scaffold fix-features --diff | git apply` works) and the diagnostics go to stderr too.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from scaffold.commands import flags, prompts
from scaffold.errors import UserError

if TYPE_CHECKING:
    from scaffold.lint.report import Report


def register(parser: argparse.ArgumentParser) -> None:
    flags.project_path(parser, "a directory or Cargo.toml inside the workspace")
    flags.preview(parser, check="report the findings; write nothing")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes marked unsafe"
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only these rule codes, prefixes or names (comma-separated)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="skip these rule codes, prefixes or names (comma-separated)",
    )
    parser.add_argument(
        "--wiring",
        choices=("feature", "env"),
        help="migrate every extension crate to this wiring mode",
    )
    parser.add_argument("--output-format", choices=("text", "json", "github"), default="text")
    flags.write_guards(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="with --check: do not answer from, nor store, a remembered clean verdict",
    )
    parser.add_argument("--explain", metavar="CODE", help="print a rule's documentation")


def run(args: argparse.Namespace) -> int:
    if args.explain:
        return _explain(args.explain)
    from scaffold import api

    options = {
        "path": args.path,
        "select": _codes(args.select),
        "ignore": _codes(args.ignore),
        "unsafe_fixes": args.unsafe_fixes,
        "wiring": args.wiring,
    }
    if args.preview is flags.Preview.CHECK:
        report = api.check(**options)
    else:
        report = api.fix(
            **options,
            dry_run=args.preview.dry_run,
            allow_dirty=args.allow_dirty,
            allow_no_vcs=args.allow_no_vcs,
            on_note=prompts.note,
        )
    return show(report, args.output_format, diff=args.preview is flags.Preview.DIFF)


def show(report: Report, output_format: str = "text", *, diff: bool = False) -> int:
    """Print a lint report as `fix-features` does (the diagnostics in `output_format`, the
    patch with `diff`, the summary on stderr); its exit code."""
    from scaffold.lint import output

    if report.pending is not None:
        print(
            f"warning: {report.pending}: an interrupted write is pending; files may be "
            "half-changed until the next `scaffold fix-features` rolls it back",
            file=sys.stderr,
        )
    if output_format == "json":
        print(
            output.json_document(
                report.diagnostics,
                report.fixed,
                report.changed_files,
                report.mode,
                report.scenario_changes,
            )
        )
    elif output_format == "github":
        for d in report.diagnostics:
            print(output.github_line(d))
    else:
        if report.base is not None:  # a diff
            sys.stdout.write(report.changeset.diff(report.base))
        # With --diff, stdout is the patch alone: diagnostics go with the summary.
        stream = sys.stderr if diff else sys.stdout
        for d in report.diagnostics:
            print(output.text_line(d, report.threshold), file=stream)
    for line in report.summary(scenarios=output_format == "text"):
        print(line, file=sys.stderr)
    return report.exit_code


def _explain(code: str) -> int:
    from scaffold import rules

    rule = rules.by_code(code)
    if rule is None:
        raise UserError(f"unknown rule {code!r}", "see docs/rules.md for the codes")
    print(
        f"# {rule.code} {rule.name}\n\n{rule.summary}. Fix: {rule.fix_title} "
        f"({rule.applicability.label}). {rule.fix_changes.describe()}\n\n{rule.doc}"
    )
    return 0


def _codes(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [code.strip() for value in values for code in value.split(",") if code.strip()]
