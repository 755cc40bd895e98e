"""How a command that creates and edits files says what it did or would do (add,
add-profiler): the patch for `--diff`, then `created:`/`changed:` lines on stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.commands import flags
from scaffold.display import shown

if TYPE_CHECKING:
    from scaffold.transaction.changeset import ChangeSet


def report(changeset: ChangeSet, base: Path, preview: flags.Preview) -> int:
    """Print the change set as `preview` asks; the exit status of a preview (1: something
    would change), 0 after a write."""
    if preview is flags.Preview.DIFF:
        sys.stdout.write(changeset.diff(base))
    would = "would " if preview.dry_run else ""
    for verb, paths in (("create", changeset.created), ("change", changeset.changed)):
        for path in paths:
            done = verb if would else f"{verb}d"
            print(f"{would}{done}: {shown(path, base, up=None)}", file=sys.stderr)
    return 1 if preview.dry_run and changeset else 0
