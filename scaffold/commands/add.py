"""`scaffold add KIND NAME [PATH]`: grow the workspace by a core crate, a CLI, benchmarks or a
second extension module, wired like `add-profiler` wires its crate (scaffold.add.plan)."""

from __future__ import annotations

import argparse
from pathlib import Path

from scaffold.commands import changes, flags, prompts


def register(parser: argparse.ArgumentParser) -> None:
    from scaffold.add.plan import KINDS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "kinds:\n" + "".join(f"  {k:<10} {text}\n" for k, text in KINDS.items())
    parser.add_argument("kind", metavar="KIND", help="what to add: " + ", ".join(KINDS))
    parser.add_argument("name", metavar="NAME", help="the new crate's package name")
    flags.project_path(parser, "the project")
    parser.add_argument(
        "--dest",
        dest="location",
        metavar="DIR",
        type=Path,
        help="the folder to create the crate in (default: beside the extension crate); "
        "PATH is the project",
    )
    flags.preview(parser, check="list the files it would create and change; write nothing")
    flags.write_guards(parser)


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    added = api.add(
        kind=args.kind,
        name=args.name,
        path=args.path,
        location=args.location,
        dry_run=args.preview.dry_run,
        allow_dirty=args.allow_dirty,
        allow_no_vcs=args.allow_no_vcs,
        on_note=prompts.note,
    )
    return changes.report(added.changeset, added.base, args.preview)
