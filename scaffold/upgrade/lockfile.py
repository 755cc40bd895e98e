"""`cargo update -p` after an upgrade moved the manifests, so Cargo.lock follows."""

from __future__ import annotations

from pathlib import Path

from scaffold.errors import UserError
from scaffold.upgrade.model import Plan
from scaffold.workspace import lockfile


def cargo_update(plan: Plan, boundary: Path) -> None:
    """`cargo update -p` for the moved packages; on failure the files it changed are
    put back (Cargo.lock is only written by a cargo that succeeded)."""
    from scaffold.transaction.write import write_all

    root = plan.workspace.root
    args = [a for name in plan.update for a in ("-p", name)]
    failure = lockfile.cargo_update(root, args)
    command = ["cargo", "update", *args]
    if failure:
        write_all(dict(plan.changeset.before), root=boundary)
        raise UserError(
            f"`{' '.join(command)}` failed in {root} ({failure}); the manifests were put back",
            "fix the cause and run again",
        )
