"""`scaffold add-profiler [PATH]`: give an existing PyO3 repository a profiling crate.

The crate comes from the same template as `scaffold new`; the wiring (rlib, the
`extension-module` feature, `default-features = false`, `default-members`) is done by the
fix-features rules, on the workspace with the new crate added in memory, so there is one
implementation of every wiring step. Nothing is written until every edit succeeded.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from scaffold.errors import UserError
from scaffold.workspace.discover import display_base, relative_to_cwd

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
    from scaffold.transaction.lock import locked
    from scaffold.workspace.discover import discover, require_cargo

    project = discover(args.path)
    require_cargo(project)
    if args.dry_run:
        return _run(args, project)
    # One writer at a time per project; an interrupted write is rolled back first.
    with locked(project.boundary):
        return _run(args, project)


def _run(args: argparse.Namespace, project) -> int:
    from scaffold import rules
    from scaffold.lint import engine
    from scaffold.lint.diagnostic import Applicability
    from scaffold.profiler import plan as profiler_plan
    from scaffold.workspace.loader import load

    ws = load(args.path)
    library = profiler_plan.choose_library(ws, args.crate, sys.stdin.isatty())
    existing = _existing(ws, library, args.name)
    if existing is not None:
        where = os.path.relpath(existing.dir, display_base(project))
        print(f"`{existing.name}` already profiles `{library.name}` ({where}: a binary that "
              "depends on it and uses Python); checking its wiring and rpath instead of adding "
              "a second profiler (pass --name NEW to add one).", file=sys.stderr)
        planned, plan = {}, None
    else:
        plan = profiler_plan.plan(ws, library, args.name, args.location)
        if plan.directory.exists():
            raise UserError(f"{plan.directory}: already exists", "choose another --name or --path")
        planned = _planned_files(ws, plan)
        _note_pyo3(ws, library, plan)
    outcome = engine.run(args.path, rules.select(list(WIRING_RULES), None),
                         Applicability.UNSAFE, planned=planned)
    created = sorted(p for p, old in outcome.originals.items() if old is None)
    changed = sorted(p for p, old in outcome.originals.items() if old is not None
                     and p in outcome.changes)
    if args.dry_run:
        from scaffold.lint.diff import unified_diff

        sys.stdout.write(unified_diff(display_base(project), {p: outcome.originals[p] for p in changed},
                                      {p: outcome.changes[p] for p in changed}))
        _list("would create", created, project)
        if plan is None and not created and not changed:
            print("nothing to do.", file=sys.stderr)
        return 0
    from scaffold.transaction.write import write_all
    from scaffold.vcs import ensure_clean

    ensure_clean(ws.root, changed, allow_dirty=args.allow_dirty, allow_no_vcs=args.allow_no_vcs)
    # write_all makes the new directories too, and removes them again if anything fails.
    write_all({p: outcome.changes[p].original for p in [*created, *changed]},
              root=project.boundary, boundary=project.describe_boundary())
    _list("created", created, project)
    _list("changed", changed, project)
    if plan is None and not created and not changed:
        print("nothing to do.", file=sys.stderr)
    name = plan.name if plan is not None else existing.name
    print(f"\nRun the profiler:\n  {_cargo_run(ws)} --release -p {name} -- --iterations 1000"
          if plan is not None else f"\nRun it:\n  {_cargo_run(ws)} --release -p {name}",
          file=sys.stderr)
    return 0


def _existing(ws, library, name: str | None):
    """The profiler to fix instead of adding one: with `--name`, the member of that name that
    profiles `library`; without, the first member that does."""
    from scaffold.profiler import plan as profiler_plan

    found = profiler_plan.existing_profilers(ws, library)
    if name is not None:
        return next((c for c in found if c.name == name), None)
    return found[0] if found else None


def _note_pyo3(ws, library, plan) -> None:
    from scaffold.workspace.versions import series

    pyo3 = ws.pyo3_dependencies(library)[0]
    required = library.effective_spec(pyo3).get("version")
    if required and series(required) is None:
        source = "the version Cargo.lock resolved" if ws.lock_versions.get("pyo3") \
            else "no Cargo.lock yet: the series this tool defaults to"
        print(f"note: `{library.name}` requires pyo3 {required!r}, which names no version; the "
              f"profiler asks for pyo3 {plan.pyo3_version!r} ({source})", file=sys.stderr)


def _cargo_run(ws) -> str:
    """`cargo run`, with `--manifest-path` when the current directory is outside the workspace
    (a Python-first project root), so the hint works where the user stands."""
    cwd = Path.cwd().resolve()
    root = ws.root.resolve()
    if cwd == root or root in cwd.parents:
        return "cargo run"
    return f"cargo run --manifest-path {relative_to_cwd(root / 'Cargo.toml')}"


def _planned_files(ws, plan) -> dict:
    """The rendered profiler crate plus the manifest that makes it a member, in memory."""
    from scaffold.render.copier_render import render
    from scaffold.toml.editor import Editor
    from scaffold.toml.textfile import TextFile
    from scaffold.profiler import plan as profiler_plan

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


def _list(verb: str, paths: list[Path], project) -> None:
    base = display_base(project)
    for path in paths:
        print(f"{verb}: {os.path.relpath(path, base)}", file=sys.stderr)
