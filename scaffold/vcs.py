"""Git through gitpython: refuse to overwrite uncommitted work, make the first commit.

gitpython is imported inside the functions, so commands that never write do not load it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import DirtyTreeError, UserError

if TYPE_CHECKING:
    import git


def enclosing_repository(path: Path) -> git.Repo | None:
    """The git repository containing `path`, or None."""
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def ensure_clean(
    path: Path, files: list[Path], *, allow_dirty: bool = False, allow_no_vcs: bool = False
) -> None:
    """Refuse (DirtyTreeError, listing them) when any of `files` has uncommitted changes.

    New files that do not exist yet count as clean; outside git, writing needs `allow_no_vcs`.
    """
    if allow_dirty:
        return
    repo = enclosing_repository(path)
    if repo is None:
        if allow_no_vcs:
            return
        raise UserError(
            f"{path} is not inside a git repository, so changes could not be undone",
            "commit it to git first, or pass --allow-no-vcs",
        )
    top = Path(repo.working_tree_dir or path).resolve()  # None only for a bare repository
    wanted = {}
    for file in files:
        resolved = file.resolve()
        if resolved.exists() and top in resolved.parents:  # outside: write_all refuses it
            wanted[resolved.relative_to(top).as_posix()] = file
    if not wanted:
        return
    status = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", *wanted)
    dirty = []
    for entry in filter(None, status.split("\0")):
        name = entry[3:]
        if name in wanted:
            dirty.append(name)
    if dirty:
        raise DirtyTreeError(sorted(dirty))


def init_and_commit(path: Path, message: str) -> None:
    """`git init` `path` and commit everything in it (an identity from git's config or the
    environment, else gitpython's user@host default, so a machine without one still works)."""
    import git

    repo = git.Repo.init(path)
    repo.git.add("--all")
    repo.index.commit(message)
