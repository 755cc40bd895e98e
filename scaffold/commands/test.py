"""`scaffold test [PATH]`: run every test layer the way the wiring requires, one summary line
per step, exit 1 when a layer failed (scaffold.testing)."""

from __future__ import annotations

import argparse
import sys

from scaffold.commands import flags


def register(parser: argparse.ArgumentParser) -> None:
    flags.project_path(parser, "the project")
    parser.add_argument(
        "--layer",
        metavar="LAYER",
        help="run one layer: rust (the libraries' tests, then the default members') or "
        "python (build the extension into the project's environment, then pytest)",
    )


def run(args: argparse.Namespace) -> int:
    from scaffold import api
    from scaffold.testing.runner import Verdict

    def show(verdict: Verdict) -> None:
        if not verdict.passed and verdict.output:
            sys.stderr.write("\n".join(verdict.output.rstrip().splitlines()[-40:]) + "\n")
        print(verdict.summary, flush=True)

    tested = api.test(path=args.path, layer=args.layer, on_verdict=show)
    if tested.failed_layers:
        print(f"failed: {', '.join(tested.failed_layers)}", file=sys.stderr)
    return tested.exit_code
