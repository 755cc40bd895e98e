"""Check a target's Python library directory the way PyO3 will use it (PYO3_CROSS_LIB_DIR).

The `_sysconfigdata*.py` search is a port of pyo3-build-config 0.30.1 src/impl_.rs
`search_lib_dir`: the directory itself, then `build/`, `lib/`, `lib.<os>-<arch>...` and
`python3.Y` / `pypy3.Y` sub-directories; several hits are narrowed to those naming the target's
architecture. The file is read with `ast` (it is one `build_time_vars = {...}` literal), never run.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import UserError


@dataclass
class TargetPython:
    sysconfigdata: Path
    version: tuple[int, int]
    free_threaded: bool
    libpython: Path  # the shared or static library PyO3 links for binaries


def inspect(
    lib_dir: Path, arch: str, os_name: str, version: tuple[int, int] | None, implementation: str
) -> TargetPython:
    """Validate `lib_dir` for a target; raises UserError naming what is missing."""
    if not lib_dir.is_dir():
        raise UserError(
            f"--lib-dir {lib_dir}: no such directory",
            "pass the target's directory holding libpython and _sysconfigdata*.py",
        )
    found = sorted({p.resolve() for p in _search(lib_dir, arch, os_name, version)})
    if not found:
        raise UserError(
            f"--lib-dir {lib_dir}: no _sysconfigdata*.py in it or its python3.Y/ sub-directory",
            "copy the target Python's lib directory, including lib/python3.Y/_sysconfigdata_*.py",
        )
    if len(found) > 1:
        raise UserError(
            f"--lib-dir {lib_dir}: several _sysconfigdata files "
            f"({', '.join(p.name for p in found)})",
            "pass --python-version X.Y to pick one",
        )
    data = _build_time_vars(found[0])
    found_version = _version(data.get("VERSION"), found[0])
    if version and found_version != version:
        raise UserError(
            f"--lib-dir {lib_dir}: {found[0].name} is Python "
            f"{found_version[0]}.{found_version[1]}, not {version[0]}.{version[1]}",
            "pass the matching --python-version or another --lib-dir",
        )
    libpython = _libpython(lib_dir, data, found_version, implementation)
    return TargetPython(found[0], found_version, bool(data.get("Py_GIL_DISABLED")), libpython)


def _search(
    directory: Path, arch: str, os_name: str, version: tuple[int, int] | None
) -> list[Path]:
    found = []
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        if name.startswith("_sysconfigdata_") and name.endswith("py") and entry.is_file():
            found.append(entry)
        elif entry.is_dir() and (
            name in ("build", "lib")
            or _is_python_dir(name, version)
            or (name.startswith("lib.") and os_name in name and arch in name)
        ):
            found += _search(entry, arch, os_name, version)
    if len(found) > 1:
        narrowed = [p for p in found if arch in str(p)]
        found = narrowed or found
    return found


def _is_python_dir(name: str, version: tuple[int, int] | None) -> bool:
    """impl_.rs `is_cpython_lib_dir` / `is_pypy_lib_dir`: python3.Y (pypy3.Y), Y as asked."""
    match = re.fullmatch(r"(python|pypy)3\.(\d+)t?", name)
    return match is not None and (version is None or int(match.group(2)) == version[1])


def _build_time_vars(path: Path) -> dict:
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError) as error:
        raise UserError(f"{path}: cannot be read as Python ({error.__class__.__name__})") from None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "build_time_vars" for t in node.targets
        ):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                break
            if isinstance(value, dict):
                return value
    raise UserError(
        f"{path}: has no literal `build_time_vars` dictionary",
        "is it really a _sysconfigdata file?",
    )


def _version(value: object, path: Path) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)", str(value or ""))
    if not match:
        raise UserError(f"{path}: VERSION is {value!r}, expected X.Y")
    return int(match.group(1)), int(match.group(2))


def _libpython(lib_dir: Path, data: dict, version: tuple[int, int], implementation: str) -> Path:
    """The library PyO3 links (`-L lib_dir -l<name>`), which must sit in lib_dir itself."""
    names = [data.get("LDLIBRARY"), data.get("INSTSONAME"), data.get("LIBRARY")]
    stem = "libpypy3" if implementation == "PyPy" else f"libpython{version[0]}.{version[1]}"
    for name in [n for n in names if isinstance(n, str) and n]:
        if (lib_dir / name).exists():
            return lib_dir / name
    matches = sorted(lib_dir.glob(f"{stem}*"))
    if matches:
        return matches[0]
    raise UserError(
        f"--lib-dir {lib_dir}: no {stem} library in it (looked for "
        f"{', '.join(n for n in names if isinstance(n, str) and n) or stem + '*'})",
        "pass the directory that holds the target's libpython itself",
    )
