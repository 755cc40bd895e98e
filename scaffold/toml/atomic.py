"""All-or-nothing writes of several files.

Every new content is first written to a temporary file beside its target (same directory, so
`os.replace` is atomic), with the target's mode. Only when every temporary file is on disk are
they renamed over their targets. A failure before that point removes the temporary files and
leaves every target untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from scaffold.errors import ManifestError


def write_all(contents: dict[Path, str]) -> None:
    """Write every file in `contents` or none of them."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in contents.items():
            staged.append((_stage(target, text), target))
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, target in staged:
        os.replace(temp, target)


def _stage(target: Path, text: str) -> Path:
    if target.is_symlink():
        raise ManifestError(target, "is a symbolic link; refusing to write through it",
                            hint="edit the file it points to directly")
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        if mode is not None and not os.access(target, os.W_OK):
            raise PermissionError(13, "Permission denied")
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".scaffold-tmp",
                                    dir=target.parent)
        temp = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temp, mode)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return temp
    except OSError as error:
        raise ManifestError(target, f"cannot be written ({error.strerror})",
                            hint="check its permissions and free disk space") from None
