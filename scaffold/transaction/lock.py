"""One writing command at a time per workspace: a `filelock` lock in the user cache (never in
the project), re-entrant within the process; taking it first finishes an interrupted write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import UserError
from scaffold.transaction import journal

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT = 60.0  # seconds a writing command waits for another one on the same workspace
_held: dict[Path, int] = {}  # root -> depth, for the locks this process holds


@contextmanager
def locked(root: Path, note: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the write lock of the workspace at `root`; first roll back an interrupted write.

    Re-entrant within one process. Waits at most `LOCK_TIMEOUT` seconds; `note` hears that it
    waits and what the recovery restored.
    """
    root = root.resolve()
    if root in _held:
        _held[root] += 1
        try:
            yield
        finally:
            _held[root] -= 1
        return
    lock = _acquire(root, note or (lambda text: None))
    _held[root] = 1
    try:
        journal.recover(root, note)
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


def _acquire(root: Path, note: Callable[[str], None]) -> FileLock:
    from filelock import FileLock, Timeout

    lock = FileLock(lock_path(root))
    try:
        lock.acquire(timeout=0)
        return lock
    except Timeout:
        note(f"waiting for another scaffold command writing to {root} ...")
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise UserError(
            f"{root}: another scaffold command is writing to this workspace",
            "wait for it to finish and run again",
        ) from None
    return lock
