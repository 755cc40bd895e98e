"""`scaffold add-profiler [PATH]`: give an existing PyO3 repository a profiling crate.

The crate comes from the same template as `scaffold new`; the wiring (rlib, the
`extension-module` feature, `default-features = false`, `default-members`) is done by the
fix-features rules, on the workspace with the new crate added in memory, so there is one
implementation of every wiring step. Nothing is written until every edit succeeded.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from scaffold.errors import UserError

# The wiring rules add-profiler applies (structure and feature wiring, unsafe ones included).
WIRING_RULES = ("PW1", "PW201", "PW202", "PW203", "PW204", "PW205")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", type=Path,
                        help="the repository (default: .)")
    parser.add_argument("--crate", help="the extension crate to profile (when there are several)")
    parser.add_argument("--name", help="the profiler's package name (default: <crate>-profiler)")
    parser.add_argument("--path", dest="location", type=Path,
                        help="where to create it (default: beside the library)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the diff and the files it would create; write nothing")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="edit files that have uncommitted changes")
    parser.add_argument("--allow-no-vcs", action="store_true", help="write outside git")


def run(args: argparse.Namespace) -> int:
    from scaffold.toml import atomic
    from scaffold.workspace.model import find_root

    if args.dry_run:
        return _run(args)
    # One writer at a time per workspace; an interrupted write is rolled back first.
    with atomic.locked(find_root(args.path)):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from scaffold import profiler_plan, rules
    from scaffold.lint import engine
    from scaffold.lint.diagnostic import Applicability
    from scaffold.workspace.model import load

    ws = load(args.path)
    library = profiler_plan.choose_library(ws, args.crate, sys.stdin.isatty())
    plan = profiler_plan.plan(ws, library, args.name, args.location)
    if profiler_plan.existing_profiler(ws, plan) is not None:
        print(f"{ws.relative(plan.directory)}: the profiler `{plan.name}` exists already; "
              "nothing to do.", file=sys.stderr)
        return 0
    if plan.directory.exists():
        raise UserError(f"{plan.directory}: already exists", "choose another --name or --path")
    planned = _planned_files(ws, plan)
    outcome = engine.run(args.path, rules.select(list(WIRING_RULES), None),
                         Applicability.UNSAFE, planned=planned)
    created = sorted(p for p, old in outcome.originals.items() if old is None)
    changed = sorted(p for p, old in outcome.originals.items() if old is not None
                     and p in outcome.changes)
    if args.dry_run:
        from scaffold.lint.diff import unified_diff

        sys.stdout.write(unified_diff(ws.root, {p: outcome.originals[p] for p in changed},
                                      {p: outcome.changes[p] for p in changed}))
        _list("would create", created, ws)
        return 0
    from scaffold.toml.atomic import write_all
    from scaffold.vcs import ensure_clean

    ensure_clean(ws.root, changed, allow_dirty=args.allow_dirty, allow_no_vcs=args.allow_no_vcs)
    # write_all makes the new directories too, and removes them again if anything fails.
    write_all({p: outcome.changes[p].original for p in [*created, *changed]}, root=ws.root)
    _list("created", created, ws)
    _list("changed", changed, ws)
    print(f"\nRun the profiler:\n  cargo run --release -p {plan.name} -- --iterations 1000",
          file=sys.stderr)
    return 0


def _planned_files(ws, plan) -> dict:
    """The rendered profiler crate plus the manifest that makes it a member, in memory."""
    from scaffold.render.copier_render import render
    from scaffold.toml.editor import Editor
    from scaffold.toml.textfile import TextFile
    from scaffold import profiler_plan

    files = {}
    with tempfile.TemporaryDirectory() as scratch:
        render("profiler", Path(scratch), plan.answers())
        rendered = Path(scratch) / plan.name
        for source in sorted(p for p in rendered.rglob("*") if p.is_file()):
            target = plan.directory / source.relative_to(rendered)
            files[target] = TextFile.from_bytes(target, source.read_bytes())
    editor = Editor(ws.reader.read)
    profiler_plan.add_member(editor.document(ws.root_file.path), ws, plan.directory)
    files.update(editor.changes())
    return files


def _list(verb: str, paths: list[Path], ws) -> None:
    for path in paths:
        print(f"{verb}: {ws.relative(path)}", file=sys.stderr)
