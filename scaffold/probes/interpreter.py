"""Which interpreter PyO3's build script picks, in PyO3's own order.

pyo3-build-config 0.30.1 src/impl_.rs `find_interpreter()` / `get_env_interpreter()`:
1. `PYO3_PYTHON` (used as given: a bare name is looked up on PATH by the OS),
2. `VIRTUAL_ENV` xor `CONDA_PREFIX` (both set: both ignored, with a warning),
3. `python`, then `python3`, the first whose `--version` output starts with "Python 3"
   (or "GraalPy 3").
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Choice:
    """The interpreter PyO3 would run, or why it would find none."""

    source: str  # "PYO3_PYTHON", "VIRTUAL_ENV", "CONDA_PREFIX", "PATH" or "none"
    command: str | None  # what PyO3 runs: a path, or a bare name resolved on PATH
    path: str | None  # `command` resolved to an existing file, None when it does not exist
    warnings: list[str]

    @property
    def problem(self) -> str | None:
        if self.command is None:
            return (
                "no Python 3 interpreter found (PYO3_PYTHON unset, no environment, "
                "no `python`/`python3` on PATH)"
            )
        if self.path is None:
            return (
                f"{self.source}={self.command} does not exist"
                if self.source == "PYO3_PYTHON"
                else f"{self.command} (from {self.source}) does not exist"
            )
        return None


def find(
    environ: dict[str, str] | None = None,
    windows: bool = os.name == "nt",
    skip_pyo3_python: bool = False,
) -> Choice:
    """Mirror `find_interpreter()`; `skip_pyo3_python` gives the fallback if it were unset."""
    environ = dict(os.environ if environ is None else environ)
    warnings: list[str] = []
    search = environ.get("PATH", os.defpath)
    explicit = environ.get("PYO3_PYTHON")
    if explicit and not skip_pyo3_python:
        return Choice("PYO3_PYTHON", explicit, _resolve(explicit, search), warnings)
    venv, conda = environ.get("VIRTUAL_ENV"), environ.get("CONDA_PREFIX")
    if venv and conda:
        warnings.append(
            "both VIRTUAL_ENV and CONDA_PREFIX are set: PyO3 ignores both until one is unset"
        )
    elif venv:
        exe = Path(venv) / ("Scripts/python.exe" if windows else "bin/python")
        return Choice("VIRTUAL_ENV", str(exe), str(exe) if exe.is_file() else None, warnings)
    elif conda:
        exe = Path(conda) / ("python.exe" if windows else "bin/python")
        return Choice("CONDA_PREFIX", str(exe), str(exe) if exe.is_file() else None, warnings)
    for name in ("python", "python3"):
        path = shutil.which(name, path=search)
        if path and _is_python3(path, environ):
            return Choice("PATH", name, path, warnings)
    return Choice("none", None, None, warnings)


def _resolve(command: str, search: str) -> str | None:
    if os.sep in command or (os.altsep and os.altsep in command):
        return command if Path(command).is_file() else None
    return shutil.which(command, path=search)


def _is_python3(path: str, environ: dict[str, str]) -> bool:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, timeout=30, env=environ)
    except (OSError, subprocess.TimeoutExpired):
        return False
    banners = (b"Python 3", b"GraalPy 3")
    return any(stream.startswith(banners) for stream in (out.stdout, out.stderr))
