"""`cargo update -p` after an upgrade moved the manifests, so Cargo.lock follows."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffold.errors import UserError
from scaffold.upgrade.model import Plan


def cargo_update(plan: Plan, boundary: Path) -> None:
    """`cargo update -p` for the moved packages; on failure the files it changed are
    put back (Cargo.lock is only written by a cargo that succeeded)."""
    from scaffold.transaction.write import write_all

    root = plan.workspace.root
    command = ["cargo", "update", *[a for name in plan.update for a in ("-p", name)]]
    try:
        proc = subprocess.run(
            command,
            cwd=root,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=False,
            timeout=600,
        )
        lines = proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"]
        failure = lines[-1] if proc.returncode else None
    except (OSError, subprocess.TimeoutExpired) as error:
        failure = str(error)
    if failure:
        write_all(dict(plan.changeset.before), root=boundary)
        raise UserError(
            f"`{' '.join(command)}` failed in {root} ({failure}); the manifests were put back",
            "fix the cause and run again",
        )
