"""The per-user cache directory of pyo3-scaffold (locks, materialised template history).

`XDG_CACHE_HOME` (or `~/.cache`) on POSIX, `%LOCALAPPDATA%` on Windows, as pip and ruff do;
`SCAFFOLD_CACHE_DIR` overrides both. Never inside a project: `--check` writes nothing there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_dir(*parts: str) -> Path:
    """`<cache>/pyo3-scaffold/<parts...>`, created on first use."""
    override = os.environ.get("SCAFFOLD_CACHE_DIR")
    if override:
        base = Path(override)
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") \
            / "pyo3-scaffold"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pyo3-scaffold"
    path = base.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
