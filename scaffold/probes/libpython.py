"""Where libpython is, and whether the dynamic loader finds it without help.

Linux: the loader searches a binary's RUNPATH, `LD_LIBRARY_PATH`, the directories cached from
/etc/ld.so.conf (with `include` globs) and the trusted /lib, /usr/lib (+ 64) (ld.so(8)).
macOS: `DYLD_LIBRARY_PATH`, then the fallback ~/lib:/usr/local/lib:/usr/lib (dyld(1)).
Windows: the executable's directory and `PATH`.
"""

from __future__ import annotations

import glob
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from scaffold.probes.probe import Interpreter

TRUSTED_DIRS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64")
LOADER_VARIABLE = {"linux": "LD_LIBRARY_PATH", "darwin": "DYLD_LIBRARY_PATH", "win32": "PATH"}


@dataclass
class LibPython:
    shared: bool
    directory: Path | None  # where the shared library is; None when static or not found
    name: str | None  # the file the loader looks for (soname), e.g. libpython3.11.so.1.0


def locate(interp: Interpreter, platform: str = sys.platform) -> LibPython:
    """The shared libpython of `interp`, or `shared=False` when Python is linked statically."""
    if not interp.shared:
        return LibPython(False, None, None)
    if platform == "win32":
        name = f"python{interp.version[0]}{interp.version[1]}.dll"
        return LibPython(True, Path(interp.base_prefix), name)
    if platform == "darwin" and interp.framework_prefix:
        return LibPython(True, Path(interp.framework_prefix), "Python.framework")
    names = [n for n in (interp.instsoname, interp.ldlibrary) if n]
    for directory in [interp.libdir, str(Path(interp.base_prefix) / "lib")]:
        for name in names:
            if directory and (Path(directory) / name).exists():
                return LibPython(True, Path(directory), name)
    return LibPython(True, None, names[0] if names else None)


def loader_dirs(
    environ: dict[str, str],
    platform: str = sys.platform,
    ld_so_conf: Path = Path("/etc/ld.so.conf"),
) -> list[str]:
    """Directories the loader searches for every binary (RUNPATH aside)."""
    variable = loader_variable(platform)
    from_env = [d for d in environ.get(variable, "").split(os.pathsep) if d]
    if platform == "darwin":
        return [*from_env, str(Path.home() / "lib"), "/usr/local/lib", "/usr/lib"]
    if platform == "win32":
        return from_env
    return from_env + _ld_so_conf(ld_so_conf, set()) + list(TRUSTED_DIRS)


def _ld_so_conf(path: Path, seen: set[Path]) -> list[str]:
    if path in seen or not path.is_file():
        return []
    seen.add(path)
    found = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line.startswith("include"):
            for pattern in line.split()[1:]:
                pattern = pattern if os.path.isabs(pattern) else str(path.parent / pattern)
                for included in sorted(glob.glob(pattern)):
                    found += _ld_so_conf(Path(included), seen)
        elif line:
            found.append(line)
    return found


def covers(directory: Path, dirs: list[str]) -> bool:
    """Whether `directory` is one of `dirs` (symlinks resolved)."""
    target = _real(directory)
    return any(_real(Path(d)) == target for d in dirs)


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def loader_variable(platform: str = sys.platform) -> str:
    return LOADER_VARIABLE.get(platform, "LD_LIBRARY_PATH")


def export_line(directory: Path, platform: str = sys.platform) -> str:
    """The shell line that puts `directory` on the loader path, keeping what is there."""
    variable = loader_variable(platform)
    if platform == "win32":
        return f"set PATH={directory};%PATH%"
    return f'export {variable}={shlex.quote(str(directory))}"${{{variable}:+:${variable}}}"'
