"""`cross`: cross compilation for a target triple."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scaffold.api._shared import _commit, _discover, _path

if TYPE_CHECKING:
    from scaffold.api._shared import StrPath
    from scaffold.cross.plan import Plan as CrossPlan


@dataclass
class CrossConfigured:
    """What `cross` wrote (or, with `dry_run`, would write), and how to build."""

    plan: CrossPlan  # the target, its PYO3_CROSS_* settings, the change set, notes
    commands: list[str]  # the exact build commands, run from the workspace root
    dry_run: bool


def cross(
    *,
    target: str,
    path: StrPath = ".",
    lib_dir: StrPath | None = None,
    python_version: str | None = None,
    implementation: str = "cpython",
    linker: str | None = None,
    zig: bool = False,
    dry_run: bool = False,
    allow_dirty: bool = False,
    allow_no_vcs: bool = False,
    on_plan: Callable[[CrossPlan], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> CrossConfigured:
    """Configure the project at `path` to build for the target triple `target`: the target
    Python's `lib_dir` (libpython and `_sysconfigdata*.py`) or its `python_version` ("3.12",
    "3.13t"), `implementation` (CPython or PyPy), and a `linker` or `zig`. Every input is
    checked before anything is written; `on_plan` sees the plan (and its notes) first,
    `on_note` a wait for the write lock. `dry_run` writes nothing."""
    from scaffold.cross.plan import commands, make_plan

    def plan_it() -> CrossPlan:
        plan = make_plan(
            _path(path),
            target,
            lib_dir=None if lib_dir is None else _path(lib_dir),
            python_version=python_version,
            implementation=implementation,
            linker=linker,
            zig=zig,
        )
        if on_plan is not None:
            on_plan(plan)
        return plan

    plan = _commit(
        _discover(_path(path)),
        plan_it,
        lambda plan: plan.changeset,
        dry_run=dry_run,
        allow_dirty=allow_dirty,
        allow_no_vcs=allow_no_vcs,
        on_note=on_note,
    )
    return CrossConfigured(plan, commands(plan, zig), dry_run)
