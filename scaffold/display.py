"""How a path is printed: the one rule every command, diagnostic and diff header follows."""

from __future__ import annotations

import os
from pathlib import Path


def shown(path: Path, base: Path | None = None, *, up: int | None = 0) -> str:
    """`path` as a user standing in `base` (default: the current directory) would type it:
    relative, `/`-separated, climbing at most `up` levels (`../`; None: any number); a path
    further away stays absolute, a path on another drive as given."""
    target = path.resolve()
    try:
        relative = os.path.relpath(target, (base or Path.cwd()).resolve())
    except ValueError:  # another drive (Windows)
        return path.as_posix()
    relative = relative.replace(os.sep, "/")
    too_far = up is not None and relative.split("/").count("..") > up
    return str(target) if too_far else relative
