"""All-or-nothing writes of several files, even when the process dies half-way.

`write_all(contents, root)` is a small transaction on the files below `root`:

1. every target is checked first: it must resolve inside `root` (a symlink pointing elsewhere is
   refused, one inside is written through), be writable (mode bits, so root cannot overwrite a
   read-only file either) and not be a directory;
2. a journal, `root/.scaffold-journal`, is written (temp file, fsync, rename) listing for each
   target its temporary file, its backup and whether it existed, plus the directories to create;
3. missing directories are made, each new content goes to a temporary file beside its target
   (same directory, so `os.replace` is atomic) with the target's mode, and each existing target
   gets a backup beside it (a hard link to the old inode, a copy where links do not work);
4. the temporary files are renamed over their targets; the journal is then marked committed,
   and the backups and the journal are removed.

A failure in the process (a full disk, a rename refused) rolls back at once. A process killed
between two renames leaves the journal behind; the next writing command (`locked(root)`) rolls
it back before reading anything: each backup is renamed back over its target, files that did
not exist are removed, temporary files and new empty directories go. A journal already marked
committed is rolled forward (only the backups and the journal are removed).

`locked(root)` serializes writing commands on one workspace with a `filelock` lock (portable:
`fcntl` on POSIX, `msvcrt` on Windows) on a file in the user's cache directory named after the
root, so nothing is left in the project; a second command waits up to `LOCK_TIMEOUT` seconds,
then refuses.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import ManifestError, UserError

if TYPE_CHECKING:
    from filelock import FileLock

JOURNAL = ".scaffold-journal"
LOCK_TIMEOUT = 60.0  # seconds a writing command waits for another one on the same workspace
_TEMP_SUFFIX = ".scaffold-tmp"
_BACKUP_SUFFIX = ".scaffold-bak"
_held: dict[Path, int] = {}  # root -> depth, for the locks this process holds


def write_all(contents: dict[Path, str], root: Path | None = None,
              boundary: str | None = None) -> None:
    """Write every file in `contents` or none of them; `root` holds the journal and the lock.

    Without `root`, the deepest directory holding every target is used. `boundary` describes
    `root` in the refusal for a target outside it.
    """
    if not contents:
        return
    root = (root or _common_root(contents)).resolve()
    with locked(root):
        targets = {_checked_target(path, root, boundary): text for path, text in contents.items()}
        journal = _plan(root, targets)
        current: list[Path] = [next(iter(targets))]  # the target being worked on
        try:
            _write_journal(root, journal)
            _apply(root, journal, targets, current)
        except BaseException as error:
            problems = _roll_back(root, journal)
            if problems:
                raise UserError(
                    f"{root / JOURNAL}: writing failed ({_describe(error)}) and the rollback "
                    f"failed too ({problems[0]})",
                    "fix the cause and run the command again; it finishes the rollback") from None
            if isinstance(error, OSError):
                raise ManifestError(current[0],
                                    f"cannot be written ({_describe(error)}); nothing was changed",
                                    hint="check its permissions and free disk space") from None
            raise
        _commit(root, journal)


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the write lock of the workspace at `root`; first roll back an interrupted write.

    Re-entrant within one process. Waits at most `LOCK_TIMEOUT` seconds.
    """
    root = root.resolve()
    if root in _held:
        _held[root] += 1
        try:
            yield
        finally:
            _held[root] -= 1
        return
    lock = _acquire(root)
    _held[root] = 1
    try:
        recover(root)
        yield
    finally:
        del _held[root]
        lock.release()


def lock_path(root: Path) -> Path:
    """The lock file of the workspace at `root`: in the user cache, never in the project."""
    from hashlib import sha256

    from scaffold.user_cache import cache_dir

    digest = sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return cache_dir("locks") / f"{digest}.lock"


def recover(root: Path, report: Callable[[str], None] | None = None) -> list[str]:
    """Finish an interrupted `write_all` below `root`; returns the files it restored."""
    root = root.resolve()
    path = root / JOURNAL
    if not path.exists():
        return []
    report = report or (lambda line: print(line, file=sys.stderr))
    import json

    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        entries = journal["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError(f"{path}: an interrupted write left a journal that cannot be read",
                        "check the files it lists, then delete it") from None
    if journal.get("state") == "committed":
        _commit(root, journal)
        report(f"note: completed an interrupted write ({path} was left behind); "
               "every file has its new content")
        return []
    restored = [e["target"] for e in entries if _exists(root / e["target"])
                and (e["backup"] is None or _exists(root / e["backup"]))]
    problems = _roll_back(root, journal)
    if problems:
        raise UserError(f"{path}: could not roll back an interrupted write ({problems[0]})",
                        "fix the cause and run the command again")
    report("note: rolled back an interrupted write; these files have their old content again: "
           + (", ".join(restored) or "none"))
    return restored


def pending(root: Path) -> Path | None:
    """The journal of an interrupted write below `root`, if one is left."""
    path = root.resolve() / JOURNAL
    return path if path.exists() else None


# --- the steps -------------------------------------------------------------------------------

def _checked_target(path: Path, root: Path, boundary: str | None = None) -> Path:
    """The real file `path` names; refuses a target outside `root`, read-only or a directory."""
    absolute = path if path.is_absolute() else Path.cwd() / path
    real = absolute.resolve()
    if not _inside(real, root):
        where = boundary or str(root)
        if Path(os.path.normpath(absolute)) != real:  # a link on the way, not just `..`
            raise ManifestError(path, f"is a symbolic link to {real}, outside {where}; refusing "
                                "to write through it", hint="edit the file it points to "
                                "directly, or replace the link with a copy")
        raise ManifestError(path, f"is outside {where}; refusing to write it",
                            hint="run the command from a directory that contains it, or "
                            "inside the git repository that holds the project")
    if real.is_dir():
        raise ManifestError(path, "is a directory, expected a file", hint="remove or rename it")
    if real.exists():
        mode = real.stat().st_mode
        if not mode & stat.S_IWUSR or not os.access(real, os.W_OK):
            raise ManifestError(path, "is read-only; nothing was changed",
                                hint=f"make it writable (chmod u+w {path}) and run again")
    return real


def _plan(root: Path, targets: dict[Path, str]) -> dict:
    directories: list[str] = []
    entries = []
    for target in targets:
        for parent in reversed(target.parents):
            if _inside(parent, root) and parent != root and not parent.exists():
                relative = _rel(parent, root)
                if relative not in directories:
                    directories.append(relative)
        token = _token()
        existed = target.exists()
        entries.append({
            "target": _rel(target, root),
            "temp": _rel(target.with_name(f".{target.name}.{token}{_TEMP_SUFFIX}"), root),
            "backup": _rel(target.with_name(f".{target.name}.{token}{_BACKUP_SUFFIX}"), root)
            if existed else None,
        })
    return {"version": 1, "state": "prepared", "pid": os.getpid(),
            "directories": directories, "entries": entries}


def _apply(root: Path, journal: dict, targets: dict[Path, str], current: list[Path]) -> None:
    for relative in journal["directories"]:
        current[0] = root / relative
        (root / relative).mkdir(exist_ok=True)
    texts = list(targets.values())
    for entry, text in zip(journal["entries"], texts, strict=True):
        target, temp = root / entry["target"], root / entry["temp"]
        current[0] = target
        mode = target.stat().st_mode & 0o7777 if entry["backup"] else None
        _write_file(temp, text, mode)
        if entry["backup"]:
            _backup(target, root / entry["backup"])
    for entry in journal["entries"]:
        current[0] = root / entry["target"]
        os.replace(root / entry["temp"], root / entry["target"])
    for relative in {str(Path(e["target"]).parent) for e in journal["entries"]}:
        _fsync_directory(root / relative)


def _commit(root: Path, journal: dict) -> None:
    """Mark the write done, then remove backups and the journal (safe to repeat)."""
    journal = {**journal, "state": "committed"}
    if (root / JOURNAL).exists():
        _write_journal(root, journal)
    for entry in journal["entries"]:
        for key in ("temp", "backup"):
            if entry[key]:
                _unlink(root / entry[key])
    _unlink(root / JOURNAL)
    _fsync_directory(root)


def _roll_back(root: Path, journal: dict) -> list[str]:
    """Put every target back as it was; returns what could not be undone."""
    problems = []
    for entry in journal["entries"]:
        target, temp = root / entry["target"], root / entry["temp"]
        try:
            if entry["backup"] is None:
                _unlink(target)
            elif _exists(root / entry["backup"]):
                backup = root / entry["backup"]
                if _exists(target) and os.path.samefile(backup, target):
                    _unlink(backup)  # not replaced yet; rename(2) of a hard link is a no-op
                else:
                    os.replace(backup, target)
            _unlink(temp)
        except OSError as error:
            problems.append(f"{entry['target']}: {_describe(error)}")
    for relative in reversed(journal["directories"]):
        with contextlib.suppress(OSError):  # absent, or holds what this write did not create
            (root / relative).rmdir()
    if not problems:
        _unlink(root / JOURNAL)
        _fsync_directory(root)
    return problems


# --- small helpers ---------------------------------------------------------------------------

def _acquire(root: Path) -> FileLock:
    from filelock import FileLock, Timeout

    lock = FileLock(lock_path(root))
    try:
        lock.acquire(timeout=0)
        return lock
    except Timeout:
        print(f"waiting for another scaffold command writing to {root} ...", file=sys.stderr)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise UserError(f"{root}: another scaffold command is writing to this workspace",
                        "wait for it to finish and run again") from None
    return lock


def _token() -> str:
    """8 random hex digits for temporary names (`secrets.token_hex(4)` without importing
    secrets, hashlib and hmac on the check path, which imports this module for `pending`)."""
    return os.urandom(4).hex()


def _write_journal(root: Path, journal: dict) -> None:
    import json

    path = root / JOURNAL
    temp = path.with_name(f"{JOURNAL}.{_token()}{_TEMP_SUFFIX}")
    try:
        _write_file(temp, json.dumps(journal, indent=1) + "\n", None)
        os.replace(temp, path)
    except BaseException:
        _unlink(temp)
        raise
    _fsync_directory(root)


def _write_file(path: Path, text: str, mode: int | None) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(path, mode)
    except BaseException:
        _unlink(path)
        raise


def _backup(target: Path, backup: Path) -> None:
    try:
        os.link(target, backup)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP,
                               errno.EOPNOTSUPP):
            raise
        import shutil  # only where hard links are refused; the check path never needs it

        shutil.copy2(target, backup)


def _fsync_directory(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _common_root(contents: dict[Path, str]) -> Path:
    parents = [str((p if p.is_absolute() else Path.cwd() / p).parent) for p in contents]
    common = Path(os.path.commonpath(parents))
    while not common.exists():
        common = common.parent
    return common


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
