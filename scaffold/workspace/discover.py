"""One root discovery for every command: where the project is and where writes may go.

Reading and writing start from the same answer, whatever the starting point: the project root
of a Python-first layout (pyproject.toml or setup.py above the crate, maturin's `rust/` src
layout, `[tool.setuptools-rust]` ext-modules), the crate directory, or a member directory.

- `cargo_start`: where cargo's own root search starts (the crate a Python project's backend
  builds when the starting directory has no Cargo.toml of its own);
- `boundary`: the directory every write must stay below: the enclosing git work tree, else
  (outside git, with `--allow-no-vcs`) the starting directory widened to the Cargo workspace
  root it belongs to. The write lock and the journal live there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import UserError
from scaffold.vcs import git_top

if TYPE_CHECKING:
    from scaffold.workspace.model import Reader


@dataclass(frozen=True)
class Project:
    start: Path  # the directory given as PATH (or the current one), resolved
    cargo_start: Path  # where cargo's root search starts
    git_top: Path | None  # the enclosing git work tree
    cargo_root: Path | None  # the Cargo workspace root, None when there is no Cargo project

    @property
    def boundary(self) -> Path:
        """Writes stay below this directory (see the module docstring)."""
        if self.git_top is not None:
            return self.git_top
        if self.cargo_root is None:
            return self.start
        return Path(os.path.commonpath([self.start, self.cargo_root]))

    def describe_boundary(self) -> str:
        if self.git_top is not None:
            return f"the git repository {self.git_top}"
        return f"{self.boundary}, the directory given (not inside a git repository)"


def discover(path: Path, reader: Reader | None = None) -> Project:
    """The project `path` (a directory or a file in it) belongs to. Raises UserError for a
    missing path; `cargo_root` is None when no Cargo project is found from it."""
    from scaffold.workspace.loader import find_root, through_python_project
    from scaffold.workspace.reader import Reader

    reader = reader or Reader()
    absolute = path.resolve()
    if not absolute.exists():
        raise UserError(f"{path}: no such file or directory", "pass the path of a Cargo project")
    start = absolute if absolute.is_dir() else absolute.parent
    cargo_start = through_python_project(absolute, reader)
    directory = cargo_start if cargo_start.is_dir() else cargo_start.parent
    has_cargo = any(reader.exists(d / "Cargo.toml") for d in (directory, *directory.parents))
    cargo_root = find_root(cargo_start, reader) if has_cargo else None
    return Project(start, cargo_start, git_top(start), cargo_root)


def require_cargo(project: Project) -> Path:
    """The Cargo workspace root, or the one-line error every command gives without one."""
    if project.cargo_root is None:
        raise UserError(
            f"{project.start}: no Cargo.toml here or in any parent directory, and "
            "no pyproject.toml or setup.py here that builds a Rust crate",
            "run inside a Cargo or PyO3 project or pass its path",
        )
    return project.cargo_root


def display_base(project: Project) -> Path:
    """Where printed paths start: the current directory when PATH is in it, else PATH."""
    cwd = Path.cwd().resolve()
    return cwd if project.start == cwd or cwd in project.start.parents else project.start
