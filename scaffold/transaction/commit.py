"""The one commit sequence every writing command follows: lock -> plan under the lock ->
refuse a dirty tree -> write all at once (`write_all`, removals journaled) -> what follows the
write (e.g. `cargo update`), still under the lock.

A preview (`--check`, `--diff`, `--dry-run`) plans without the lock and without the git guards:
it only reads, so it never refuses a dirty tree and never waits for a writer longer than the
read takes.

    result = commit.run(
        root,                                  # discover(...).boundary: lock and journal
        lambda: plan_it(...),                  # -> anything holding a ChangeSet
        lambda result: result.changeset,
        preview=dry_run,
        guards=commit.Guards(allow_dirty, allow_no_vcs),
        boundary=project.describe_boundary(),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from scaffold.transaction.changeset import ChangeSet

T = TypeVar("T")


@dataclass(frozen=True)
class Guards:
    """What a write refuses without the user's say-so (`--allow-dirty`, `--allow-no-vcs`)."""

    allow_dirty: bool = False
    allow_no_vcs: bool = False


def run(
    root: Path,
    plan: Callable[[], T],
    changes: Callable[[T], ChangeSet],
    *,
    preview: bool,
    guards: Guards,
    boundary: str | None = None,
    also_written: Callable[[T], Iterable[Path]] | None = None,
    then: Callable[[T], None] | None = None,
    note: Callable[[str], None] | None = None,
    guarded: Callable[[list[Path]], list[Path]] | None = None,
) -> T:
    """Plan, and unless `preview` write the plan's change set below `root` (the write
    boundary: lock and journal live there; `boundary` describes it in refusals).

    `also_written`: files a step after the write changes (Cargo.lock for `cargo update`),
    guarded like the change set; `then`: that step, run under the lock after the write.
    Nothing is checked or written when the plan changes nothing. `note` hears a wait for the
    lock and what recovering an interrupted write restored. `guarded`: which of the written
    paths the dirty-tree check covers (default: all; files a tool derives, such as Cargo.lock,
    may be left out).
    """
    if preview:
        return plan()
    from scaffold.transaction.lock import locked
    from scaffold.transaction.write import write_all

    with locked(root, note):
        result = plan()
        changeset = changes(result)
        later = list(also_written(result)) if also_written is not None else []
        if changeset or later:
            from scaffold.vcs import ensure_clean

            paths = [*changeset.paths, *later]
            ensure_clean(
                root,
                guarded(paths) if guarded is not None else paths,
                allow_dirty=guards.allow_dirty,
                allow_no_vcs=guards.allow_no_vcs,
            )
            write_all(changeset.after, root=root, boundary=boundary, note=note)
            if then is not None:
                then(result)
    return result
