"""`scaffold add-profiler [PATH]`: give an existing PyO3 repository a profiling crate.

The crate comes from the same template as `scaffold new`; the wiring (rlib, the
`extension-module` feature, `default-features = false`, `default-members`) is done by the
fix-features rules, on the workspace with the new crate added in memory, so there is one
implementation of every wiring step. Nothing is written until every edit succeeded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scaffold.commands import changes, flags, prompts
from scaffold.display import shown


def register(parser: argparse.ArgumentParser) -> None:
    flags.project_path(parser, "the repository")
    parser.add_argument("--crate", help="the extension crate to profile (when there are several)")
    parser.add_argument("--name", help="the profiler's package name (default: <crate>-profiler)")
    parser.add_argument(
        "--dest",
        dest="location",
        metavar="DIR",
        type=Path,
        help="the folder to create the profiler crate in (default: beside the library); "
        "PATH is the repository",
    )
    # The old spelling, easily confused with PATH: still accepted, no longer shown.
    parser.add_argument("--path", dest="location", type=Path, help=argparse.SUPPRESS)
    flags.preview(parser, check="list the files it would create and change; write nothing")
    flags.write_guards(parser)


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    added = api.add_profiler(
        path=args.path,
        crate=args.crate,
        name=args.name,
        location=args.location,
        dry_run=args.preview.dry_run,
        allow_dirty=args.allow_dirty,
        allow_no_vcs=args.allow_no_vcs,
        choose=prompts.choose(),
        on_note=prompts.note,
    )
    status = changes.report(added.changeset, added.base, args.preview)
    if added.existing and not added.changeset:
        print("nothing to do.", file=sys.stderr)
    if args.preview.dry_run:
        return status
    print(
        f"\nRun it:\n  {_cargo_run(added.root)} --release -p {added.name}"
        if added.existing
        else f"\nRun the profiler:\n  {_cargo_run(added.root)} --release -p {added.name} -- "
        "--iterations 1000",
        file=sys.stderr,
    )
    return 0


def _cargo_run(root: Path) -> str:
    """`cargo run`, with `--manifest-path` when the current directory is outside the workspace
    (a Python-first project root), so the hint works where the user stands."""
    cwd = Path.cwd().resolve()
    root = root.resolve()
    if cwd == root or root in cwd.parents:
        return "cargo run"
    return f"cargo run --manifest-path {shown(root / 'Cargo.toml', up=1)}"
