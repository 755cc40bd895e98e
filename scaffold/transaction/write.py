"""`write_all`: every file or none of them, under the workspace lock, with a journal so that a
process killed half-way is undone by the next writing command (see the package docstring)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from scaffold.errors import ManifestError, UserError
from scaffold.transaction import files, journal
from scaffold.transaction.lock import locked


def write_all(
    contents: Mapping[Path, str | None],
    root: Path | None = None,
    boundary: str | None = None,
    note: Callable[[str], None] | None = None,
) -> None:
    """Write every file in `contents` or none of them; `root` holds the journal and the lock.

    A text of `None` removes the file (journaled like a write: a backup until the commit, so
    recovery puts it back; the folders it leaves empty go after the commit). Without `root`,
    the deepest directory holding every target is used. `boundary` describes `root` in the
    refusal for a target outside it. `note` hears what taking the lock says.
    """
    if not contents:
        return
    root = (root or _common_root(contents)).resolve()
    with locked(root, note):
        targets = {
            _checked_target(path, root, boundary, removing=text is None): text
            for path, text in contents.items()
        }
        targets = {p: t for p, t in targets.items() if t is not None or files.exists(p)}
        if not targets:
            return
        record = journal.plan(root, targets)
        current: list[Path] = [next(iter(targets))]  # the target being worked on
        try:
            journal.write(root, record)
            _apply(root, record, targets, current)
        except BaseException as error:
            problems = journal.roll_back(root, record)
            if problems:
                raise UserError(
                    f"{root / journal.JOURNAL}: writing failed ({files.describe(error)}) and "
                    f"the rollback failed too ({problems[0]})",
                    "fix the cause and run the command again; it finishes the rollback",
                ) from None
            if isinstance(error, OSError):
                raise ManifestError(
                    current[0],
                    f"cannot be written ({files.describe(error)}); nothing was changed",
                    hint="check its permissions and free disk space",
                ) from None
            raise
        journal.commit(root, record)


def _checked_target(
    path: Path, root: Path, boundary: str | None = None, removing: bool = False
) -> Path:
    """The real file `path` names; refuses a target outside `root`, a directory, or (unless
    `removing` it) read-only."""
    absolute = path if path.is_absolute() else Path.cwd() / path
    real = absolute.resolve()
    if not files.inside(real, root):
        where = boundary or str(root)
        if Path(os.path.normpath(absolute)) != real:  # a link on the way, not just `..`
            raise ManifestError(
                path,
                f"is a symbolic link to {real}, outside {where}; refusing to write through it",
                hint="edit the file it points to directly, or replace the link with a copy",
            )
        raise ManifestError(
            path,
            f"is outside {where}; refusing to write it",
            hint="run the command from a directory that contains it, or "
            "inside the git repository that holds the project",
        )
    if real.is_dir():
        raise ManifestError(path, "is a directory, expected a file", hint="remove or rename it")
    if real.exists() and not removing:
        mode = real.stat().st_mode
        if not mode & stat.S_IWUSR or not os.access(real, os.W_OK):
            raise ManifestError(
                path,
                "is read-only; nothing was changed",
                hint=f"make it writable (chmod u+w {path}) and run again",
            )
    return real


def _apply(
    root: Path, record: journal.Journal, targets: dict[Path, str | None], current: list[Path]
) -> None:
    """Make the directories, stage every text beside its target, back up, then rename (or,
    for a removal, unlink: its backup keeps it until the commit)."""
    for relative in record["directories"]:
        current[0] = root / relative
        (root / relative).mkdir(exist_ok=True)
    texts = list(targets.values())
    for entry, text in zip(record["entries"], texts, strict=True):
        target = root / entry["target"]
        current[0] = target
        if text is not None:
            mode = target.stat().st_mode & 0o7777 if entry["backup"] else None
            files.write_file(root / entry["temp"], text, mode)
        if entry["backup"]:
            files.backup(target, root / entry["backup"])
    for entry in record["entries"]:
        current[0] = root / entry["target"]
        if entry.get("removed"):
            os.unlink(root / entry["target"])
        else:
            os.replace(root / entry["temp"], root / entry["target"])
    for relative in {str(Path(e["target"]).parent) for e in record["entries"]}:
        files.fsync_directory(root / relative)


def _common_root(contents: Mapping[Path, str | None]) -> Path:
    parents = [str((p if p.is_absolute() else Path.cwd() / p).parent) for p in contents]
    common = Path(os.path.commonpath(parents))
    while not common.exists():
        common = common.parent
    return common
