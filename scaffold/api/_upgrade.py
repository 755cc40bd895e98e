"""`upgrade`: the workspace and its PyO3 companion crates on a new PyO3."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scaffold.api._shared import _check_all, _commit, _discover, _path

if TYPE_CHECKING:
    from scaffold.api._shared import StrPath
    from scaffold.lint.report import Report
    from scaffold.upgrade.model import Plan as UpgradePlan


@dataclass
class Upgraded:
    """What `upgrade` did (or, with `dry_run`, would do), and the check of the result."""

    plan: UpgradePlan  # the steps, the file changes, the packages `cargo update` moved
    dry_run: bool
    check: Report  # fix-features --check on the result (the edits in memory with dry_run)

    @property
    def exit_code(self) -> int:
        """0 done and clean; 1 something would change (dry run), or findings or uses of
        removed APIs remain."""
        plan = self.plan
        if self.dry_run:
            return 1 if plan.changeset or plan.update or plan.blocking else 0
        return 1 if self.check.errors or plan.blocking else 0


def upgrade(
    *,
    path: StrPath = ".",
    pyo3: str,
    dry_run: bool = False,
    unsafe_fixes: bool = False,
    allow_dirty: bool = False,
    allow_no_vcs: bool = False,
    on_plan: Callable[[UpgradePlan], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Upgraded:
    """Move the workspace at `path` and its PyO3 companion crates to PyO3 `pyo3` (e.g.
    "0.30"), then `cargo update -p` them; in a project `new` made, the answers files move too
    and the templates' files are regenerated (3-way, the user's edits kept). `unsafe_fixes`
    also renames PyO3 APIs in the Rust sources and raises requires-python to the abi3 floor.
    `on_plan` sees the plan before anything is written, `on_note` a wait for the write lock.
    `dry_run` writes nothing."""
    from scaffold.upgrade import plan as planning
    from scaffold.workspace.discover import require_cargo

    path = _path(path)
    planning.parse_target(pyo3)  # a bad version fails before anything is read
    project = _discover(path)
    require_cargo(project)

    def plan_it() -> UpgradePlan:
        plan = planning.build(path, pyo3, unsafe_fixes)
        if on_plan is not None:
            on_plan(plan)
        return plan

    def cargo_update(plan: UpgradePlan) -> None:
        from scaffold.upgrade.lockfile import cargo_update

        if plan.update:
            cargo_update(plan, project.boundary)

    plan = _commit(
        project,
        plan_it,
        lambda plan: plan.changeset,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        allow_no_vcs=allow_no_vcs,
        also_written=lambda plan: [plan.workspace.root / "Cargo.lock"] if plan.update else [],
        then=cargo_update,
        on_note=on_note,
    )
    return Upgraded(plan, dry_run, _check_all(plan.workspace.root, plan.planned if dry_run else {}))
