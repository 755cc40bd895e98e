"""`scaffold add KIND NAME [PATH]`: grow the workspace by a core crate, a CLI, benchmarks or a
second extension module, wired like `add-profiler` wires its crate (scaffold.add.plan)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scaffold.commands import flags


def register(parser: argparse.ArgumentParser) -> None:
    from scaffold.add.plan import KINDS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "kinds:\n" + "".join(f"  {k:<10} {text}\n" for k, text in KINDS.items())
    parser.add_argument("kind", metavar="KIND", help="what to add: " + ", ".join(KINDS))
    parser.add_argument("name", metavar="NAME", help="the new crate's package name")
    flags.project_path(parser, "the project")
    parser.add_argument(
        "--path",
        dest="location",
        type=Path,
        help="the new crate's folder (default: beside the extension crate)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the diff and the files it would create; write nothing",
    )
    flags.write_guards(parser)


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    added = api.add(
        kind=args.kind,
        name=args.name,
        path=args.path,
        location=args.location,
        dry_run=args.dry_run,
        allow_dirty=args.allow_dirty,
        allow_no_vcs=args.allow_no_vcs,
        on_note=lambda note: print(note, file=sys.stderr),
    )
    if args.dry_run:
        from scaffold.lint.diff import unified_diff

        sys.stdout.write(
            unified_diff(
                added.base,
                {p: added.originals[p] for p in added.changed},
                {p: added.changes[p] for p in added.changed},
            )
        )
        _list("would create", added.created, added.base)
        return 0
    _list("created", added.created, added.base)
    _list("changed", added.changed, added.base)
    return 0


def _list(verb: str, paths: list[Path], base: Path) -> None:
    for path in paths:
        print(f"{verb}: {os.path.relpath(path, base)}", file=sys.stderr)
