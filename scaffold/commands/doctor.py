"""`scaffold doctor [PATH]`: the interpreter, libpython and toolchain a build here will use.

Exit status: 0 nothing to fix, 1 problems found (a `warn` or `error` line), 2 error.
Outside a Cargo project the project lines are skipped.
"""

from __future__ import annotations

import argparse
import os
import sys

from scaffold.commands import flags


def register(parser: argparse.ArgumentParser) -> None:
    flags.project_path(parser, "a directory inside the Cargo project")
    parser.add_argument("--output-format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--env",
        action="store_true",
        help="print only the shell lines that make this shell right, "
        'for eval "$(scaffold doctor --env)"',
    )


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    report = api.doctor(path=args.path, environ=dict(os.environ))
    if args.env:
        print("\n".join(report.exports) if report.exports else "# nothing to export")
    elif args.output_format == "json":
        print(report.to_json())
    else:
        print(report.to_text())
    print(report.summary(), file=sys.stderr)
    return report.exit_code
