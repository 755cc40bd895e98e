"""Git: where a work tree's top is, running git, refusing to overwrite uncommitted work, the
first commit.

gitpython is imported inside the functions, so commands that never write do not load it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import DirtyTreeError, UserError

if TYPE_CHECKING:
    import git as gitpython


class GitError(UserError):
    """A git command failed; `command` and `detail` (git's last line) for callers that say it
    their own way."""

    def __init__(self, cwd: Path, args: tuple[str, ...], detail: str) -> None:
        super().__init__(f"git {args[0]} failed in {cwd}: {detail}", "nothing was written")
        self.command = "git " + " ".join(args)
        self.detail = detail


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, strip: bool = True) -> str:
    """`git ARGS` in `cwd` (messages in English), its stdout; GitError when it fails."""
    import subprocess  # not on the path of a clean `--check`, which imports this module

    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, "LC_ALL": "C", **(env or {})},
    )
    if done.returncode:
        detail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise GitError(cwd, args, detail[0])
    return done.stdout.strip() if strip else done.stdout


def git_top(directory: Path, exists: Callable[[Path], bool] = Path.exists) -> Path | None:
    """The top of the git work tree holding `directory` (where `.git` is: a directory, or a
    worktree's file), or None. `exists` lets a Reader answer, so its caller records the probes."""
    for candidate in (directory, *directory.parents):
        if exists(candidate / ".git"):
            return candidate
    return None


def enclosing_repository(path: Path) -> gitpython.Repo | None:
    """The git repository containing `path` (which exists), or None."""
    import git as gitpython

    top = git_top(path) if path.exists() else None
    try:
        return gitpython.Repo(top) if top is not None else None
    except gitpython.InvalidGitRepositoryError:
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
