"""The per-user cache directory of pyo3-scaffold (locks, materialised template history).

The platform's place, as platformdirs answers `user_cache_dir("pyo3-scaffold")`:
`~/.cache/pyo3-scaffold` on Linux, `~/Library/Caches/pyo3-scaffold` on macOS,
`%LOCALAPPDATA%\\pyo3-scaffold\\Cache` on Windows (tests/test_portability.py compares them).
`XDG_CACHE_HOME`, when set, is an explicit choice and wins on every platform;
`SCAFFOLD_CACHE_DIR` overrides all. Never inside a project: `--check` writes nothing there.
Written with os alone (platformdirs imports pathlib, which the `--check` fast path avoids).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: no typing or pathlib at import time
if TYPE_CHECKING:
    from pathlib import Path

APP = "pyo3-scaffold"


def base() -> str:
    """`<cache>/pyo3-scaffold` for this platform and environment, not created."""
    override = os.environ.get("SCAFFOLD_CACHE_DIR")
    if override:
        return override
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return os.path.join(xdg, APP)
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(local, APP, "Cache")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", APP)
    return os.path.join(home, ".cache", APP)


def location(*parts: str) -> str:
    """`<cache>/pyo3-scaffold/<parts...>` as a string, not created (os only: no pathlib, for
    the `fix-features --check` fast path)."""
    return os.path.join(base(), *parts)


def cache_dir(*parts: str) -> Path:
    """`<cache>/pyo3-scaffold/<parts...>`, created on first use."""
    from pathlib import Path

    path = Path(location(*parts))
    path.mkdir(parents=True, exist_ok=True)
    return path
