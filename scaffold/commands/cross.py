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
    parser.add_argument("--dry-run", action="store_true", help="show what would be written")
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
        dry_run=args.dry_run,
        allow_dirty=args.allow_dirty,
        allow_no_vcs=args.allow_no_vcs,
        on_plan=notes,
        on_note=prompts.note,
    )
    root = done.plan.ws.root
    for path, text in done.plan.writes.items():
        if args.dry_run:
            print(f"would write {shown(path, root)}:\n{text}", file=sys.stderr)
        else:
            print(f"wrote {shown(path, root)}", file=sys.stderr)
    print("\n".join(done.commands))
    return 0
