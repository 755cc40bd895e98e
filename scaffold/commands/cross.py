"""`scaffold cross TARGET [PATH]`: configure a project to build for another target.

Everything is validated before anything is written (`scaffold.cross.plan`); then, all or
nothing, `[target.TARGET] linker` in `.cargo/config.toml` and the PYO3_CROSS_* settings in
`.cargo/cross/TARGET.env`, and the exact `--target` build commands are printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scaffold.commands import flags, prompts
from scaffold.cross.plan import IMPLEMENTATIONS, Plan, shown


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", help="the target triple, e.g. aarch64-unknown-linux-gnu")
    flags.project_path(parser, "a directory inside the Cargo project")
    parser.add_argument(
        "--lib-dir",
        type=Path,
        metavar="DIR",
        help="the target Python's lib directory: libpython and _sysconfigdata*.py",
    )
    parser.add_argument(
        "--python-version", metavar="X.Y", help="the target Python version (X.Yt for free-threaded)"
    )
    parser.add_argument(
        "--implementation",
        type=str.lower,
        choices=sorted(IMPLEMENTATIONS),
        default="cpython",
        metavar="CPython|PyPy",
        help="default CPython",
    )
    linking = parser.add_mutually_exclusive_group()
    linking.add_argument(
        "--linker", metavar="CMD", help="the linker for TARGET, e.g. aarch64-linux-gnu-gcc"
    )
    linking.add_argument(
        "--zig", action="store_true", help="link with zig (maturin --zig, cargo zigbuild)"
    )
    flags.preview(parser, check="list the files it would write; write nothing")
    flags.write_guards(parser)


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    def notes(plan: Plan) -> None:
        for note in plan.notes:
            print(note, file=sys.stderr)

    done = api.cross(
        target=args.target,
        path=args.path,
        lib_dir=args.lib_dir,
        python_version=args.python_version,
        implementation=args.implementation,
        linker=args.linker,
        zig=args.zig,
        dry_run=args.preview.dry_run,
        allow_dirty=args.allow_dirty,
        allow_no_vcs=args.allow_no_vcs,
        on_plan=notes,
        on_note=prompts.note,
    )
    root = done.plan.ws.root
    changeset = done.plan.changeset
    diff = args.preview is flags.Preview.DIFF
    if diff:  # stdout is the patch alone (`| git apply` from the workspace root)
        sys.stdout.write(changeset.diff(root))
    for path in changeset.paths:
        verb = "would write" if args.preview.dry_run else "wrote"
        print(f"{verb} {shown(path, root)}", file=sys.stderr)
    print("\n".join(done.commands), file=sys.stderr if diff else sys.stdout)
    return 1 if args.preview.dry_run and changeset else 0
