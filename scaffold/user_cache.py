"""The per-user cache directory of pyo3-scaffold (locks, materialised template history).

`XDG_CACHE_HOME` (or `~/.cache`) on POSIX, `%LOCALAPPDATA%` on Windows, as pip and ruff do;
`SCAFFOLD_CACHE_DIR` overrides both. Never inside a project: `--check` writes nothing there.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: no typing or pathlib at import time
if TYPE_CHECKING:
    from pathlib import Path


def location(*parts: str) -> str:
    """`<cache>/pyo3-scaffold/<parts...>` as a string, not created (os only: no pathlib, for
    the `fix-features --check` fast path)."""
    override = os.environ.get("SCAFFOLD_CACHE_DIR")
    if override:
        base = override
    elif sys.platform == "win32":
        base = os.path.join(
            os.environ.get("LOCALAPPDATA")
            or os.path.join(os.path.expanduser("~"), "AppData", "Local"),
            "pyo3-scaffold",
        )
    else:
        base = os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
            "pyo3-scaffold",
        )
    return os.path.join(base, *parts)


def cache_dir(*parts: str) -> Path:
    """`<cache>/pyo3-scaffold/<parts...>`, created on first use."""
    from pathlib import Path

    path = Path(location(*parts))
    path.mkdir(parents=True, exist_ok=True)
    return path
