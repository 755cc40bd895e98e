"""`scaffold update [PATH]`: bring a project to the installed templates, keeping the user's edits.

copier's 3-way update from each answers file's recorded release to the newest installed one,
run in a throwaway clone, written all at once (`scaffold.api.update`); `--check`/`--dry-run`
list what would change, `--diff` prints it, and neither writes anything. Then
`fix-features --check` on the result.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scaffold.commands import flags, prompts


def register(parser: argparse.ArgumentParser) -> None:
    flags.project_path(parser, "the project")
    flags.preview(parser, check="list the files it would change; write nothing")
    flags.write_guards(parser, no_vcs=False)
    parser.add_argument(
        "--yes",
        "--defaults",
        action="store_true",
        help="never prompt: new questions take their defaults",
    )


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    dry_run = args.preview.dry_run
    done = api.update(
        path=args.path,
        dry_run=dry_run,
        allow_dirty=args.allow_dirty,
        interactive=sys.stdin.isatty() and not args.yes,
        on_note=prompts.note,
    )
    if args.preview is flags.Preview.DIFF:
        sys.stdout.write(done.changeset.diff(done.top))
    for step in done.updated:
        print(
            f"{step.answers}: {step.template} template {step.recorded} -> "
            f"{done.targets[step.template]}",
            file=sys.stderr,
        )
    changes = [p.relative_to(done.top).as_posix() for p in done.changeset.paths]
    listed = f": {', '.join(sorted(changes))}" if changes else ""
    print(
        f"{'would change' if dry_run else 'changed'} {len(changes)} file(s){listed}",
        file=sys.stderr,
    )
    if done.conflicts:
        print(
            f"conflicts ({'would be ' if dry_run else ''}marked inline, resolve and "
            f"commit): {', '.join(done.conflicts)}",
            file=sys.stderr,
        )
    if not dry_run:
        _check_features(args.path.absolute())
    return done.exit_code


def _check_features(project: Path) -> None:
    """Run `fix-features --check` on the result and print its verdict."""
    from scaffold import api
    from scaffold.commands import fix_features
    from scaffold.errors import ScaffoldError

    if not (project / "Cargo.toml").is_file():
        return
    try:
        code = fix_features.show(api.check(path=project))
    except ScaffoldError as error:
        print(f"error: {error.one_line()}", file=sys.stderr)
        code = 2
    verdict = {0: "clean", 1: "findings above; run `scaffold fix-features`"}.get(
        code, "could not check"
    )
    print(f"fix-features --check: {verdict}", file=sys.stderr)
