"""`scaffold fix-features [PATH]`: lint the PyO3 feature wiring and apply fixes.

Exit status: 0 nothing left, 1 findings remain or (with --check/--diff) something would change,
2 error. Diagnostics go to stdout, the summary to stderr; with `--diff` stdout is only the patch
(so `scaffold fix-features --diff | git apply` works) and the diagnostics go to stderr too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scaffold.errors import UserError
from scaffold.lint.diagnostic import Applicability, Severity


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", type=Path,
                        help="a directory or Cargo.toml inside the workspace (default: .)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report only; write nothing")
    mode.add_argument("--diff", action="store_true",
                      help="print the changes fixes would make; write nothing")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply fixes marked unsafe")
    parser.add_argument("--select", action="append", metavar="CODES",
                        help="only these rule codes, prefixes or names (comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="CODES",
                        help="skip these rule codes, prefixes or names (comma-separated)")
    parser.add_argument("--wiring", choices=("feature", "env"),
                        help="migrate every extension crate to this wiring mode")
    parser.add_argument("--output-format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="write even if files to change have uncommitted changes")
    parser.add_argument("--allow-no-vcs", action="store_true",
                        help="write even outside a git repository")
    parser.add_argument("--no-cache", action="store_true",
                        help="with --check: do not answer from, nor store, a remembered clean "
                             "verdict")
    parser.add_argument("--explain", metavar="CODE", help="print a rule's documentation")


def run(args: argparse.Namespace) -> int:
    from scaffold import rules

    if args.explain:
        rule = rules.by_code(args.explain)
        if rule is None:
            raise UserError(f"unknown rule {args.explain!r}", "see docs/rules.md for the codes")
        print(f"# {rule.code} {rule.name}\n\n{rule.summary}. Fix: {rule.fix_title} "
              f"({rule.applicability.label}). {rule.fix_changes.describe()}\n\n{rule.doc}")
        return 0
    from scaffold.lint import engine, report

    selected = rules.select(_codes(args.select), _codes(args.ignore))
    writes = not (args.check or args.diff)
    threshold = Applicability.UNSAFE if args.unsafe_fixes else Applicability.SAFE
    if writes:
        from scaffold.transaction.lock import locked
        from scaffold.transaction.write import write_all
        from scaffold.workspace.discover import discover, require_cargo

        project = discover(args.path)
        require_cargo(project)
        # One writer at a time per project; an interrupted write is rolled back first.
        with locked(project.boundary):
            outcome = engine.run(args.path, selected, threshold, args.wiring)
            if outcome.changes:
                from scaffold.vcs import ensure_clean

                ensure_clean(outcome.workspace.root, list(outcome.changes),
                             allow_dirty=args.allow_dirty, allow_no_vcs=args.allow_no_vcs)
                write_all({path: text.original for path, text in outcome.changes.items()},
                          root=project.boundary, boundary=project.describe_boundary())
    else:
        from scaffold.workspace.discover import discover

        project = discover(args.path)
        outcome = engine.run(args.path, selected, None if args.check else threshold, args.wiring)
        _warn_pending(project.boundary)
    remaining = outcome.diagnostics
    if args.output_format == "json":
        print(report.json_document(remaining, outcome.fixed, list(outcome.changes),
                                   "check" if args.check else "diff" if args.diff else "fix",
                                   outcome.scenario_changes))
    elif args.output_format == "github":
        for d in remaining:
            print(report.github_line(d))
    else:
        if args.diff:
            from scaffold.lint.diff import unified_diff
            from scaffold.workspace.discover import display_base

            sys.stdout.write(unified_diff(display_base(project), outcome.originals,
                                          outcome.changes))
        # With --diff, stdout is the patch alone: diagnostics go with the summary.
        stream = sys.stderr if args.diff else sys.stdout
        for d in remaining:
            print(report.text_line(d, threshold), file=stream)
    errors = [d for d in remaining if d.severity is Severity.ERROR]
    _summary(args, errors, outcome, threshold)
    if args.diff:
        return 1 if outcome.changes else 0
    return 1 if errors else 0


def _summary(args, errors, outcome, threshold) -> None:
    files = len(outcome.changes)
    if outcome.scenario_changes and args.output_format == "text":
        print("Builds the fixes change (verified against the feature model):", file=sys.stderr)
        for change in outcome.scenario_changes:
            print(f"  {change.text()}", file=sys.stderr)
    if args.diff:
        print(f"Would fix {len(outcome.fixed)} finding(s) in {files} file(s)." if files
              else "Would change nothing.", file=sys.stderr)
        return
    if not args.check and outcome.fixed:
        print(f"Fixed {len(outcome.fixed)} finding(s) in {files} file(s).", file=sys.stderr)
    fixable = sum(d.fixable(threshold) for d in errors)
    unsafe = sum(d.fixable(Applicability.UNSAFE) and not d.fixable(threshold) for d in errors)
    if not errors:
        print("All checks passed." if args.check or not outcome.fixed else "No findings left.",
              file=sys.stderr)
        return
    line = f"Found {len(errors)} finding(s)"
    if fixable:
        command = "scaffold fix-features" + (" --unsafe-fixes" if args.unsafe_fixes else "")
        line += f"; {fixable} fixable with `{command}`"
    if unsafe:
        line += f"; {unsafe} more with `--unsafe-fixes`"
    print(line + ".", file=sys.stderr)


def _warn_pending(root: Path) -> None:
    from scaffold.transaction.journal import pending

    journal = pending(root)
    if journal is not None:
        print(f"warning: {journal}: an interrupted write is pending; files may be half-changed "
              "until the next `scaffold fix-features` rolls it back", file=sys.stderr)


def _codes(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [code.strip() for value in values for code in value.split(",") if code.strip()]
