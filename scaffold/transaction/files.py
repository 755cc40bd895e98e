"""The durable file operations the transaction is made of: exclusive writes with fsync, backups
as hard links, and the path arithmetic of the journal (paths relative to the root)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

TEMP_SUFFIX = ".scaffold-tmp"
BACKUP_SUFFIX = ".scaffold-bak"


def token() -> str:
    """8 random hex digits for temporary names (`secrets.token_hex(4)` without importing
    secrets, hashlib and hmac on the check path, which imports the journal for `pending`)."""
    return os.urandom(4).hex()


def write_file(path: Path, text: str, mode: int | None) -> None:
    """Create `path` (it must not exist) holding `text`, flushed to the disk, with `mode`."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(path, mode)
    except BaseException:
        unlink(path)
        raise


def backup(target: Path, copy: Path) -> None:
    """Keep `target`'s current content at `copy`: a hard link, a copy where links are refused."""
    try:
        os.link(target, copy)
    except OSError as error:
        if error.errno not in (
            errno.EPERM,
            errno.EXDEV,
            errno.EMLINK,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
        ):
            raise
        import shutil  # only where hard links are refused; the check path never needs it

        shutil.copy2(target, copy)


def fsync_directory(path: Path) -> None:
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


def unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def exists(path: Path) -> bool:
    return os.path.lexists(path)


def inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
