"""The interpreter the last PyO3 build used, as it recorded it in the target directory.

pyo3-ffi's build script resolves the interpreter configuration and prints it as
`cargo:PYO3_CONFIG=<hex of "key=value" lines>` (pyo3-build-config 0.30.1 src/impl_.rs
`InterpreterConfig::to_cargo_dep_env`, `escape`: two lowercase hex digits per byte); cargo keeps
every build script's stdout in `<target>/[<triple>/]<profile>/build/pyo3-ffi-<hash>/output`.
The newest such file is the last build's choice; in a shared target directory, a record
matching today's interpreter is preferred.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PREFIX = "cargo:PYO3_CONFIG="


@dataclass(frozen=True)
class Recorded:
    record: Path  # the build script output it was read from
    executable: str | None
    version: str | None  # "3.11"
    lib_dir: str | None
    shared: bool


def target_dir(root: Path, environ: dict[str, str]) -> Path:
    """CARGO_TARGET_DIR (relative to the current directory, as cargo reads it), else
    `<workspace root>/target`."""
    configured = environ.get("CARGO_TARGET_DIR")
    target = Path(configured) if configured else root / "target"
    return target if target.is_absolute() else Path.cwd() / target


def last_build(target: Path, preferred: str | None = None) -> Recorded | None:
    """The configuration a pyo3-ffi build script recorded below `target`: one that used the
    `preferred` interpreter if any did (a shared target directory holds the builds of other
    projects too), else the most recent one."""
    outputs = [
        *target.glob("*/build/pyo3-ffi-*/output"),
        *target.glob("*/*/build/pyo3-ffi-*/output"),
    ]
    found = [r for r in map(parse, sorted(outputs, key=_mtime, reverse=True)) if r is not None]
    if preferred is not None:
        same = [
            r
            for r in found
            if r.executable is not None
            and os.path.realpath(r.executable) == os.path.realpath(preferred)
        ]
        if same:
            return same[0]
    return found[0] if found else None


def parse(output: Path) -> Recorded | None:
    try:
        lines = output.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    encoded = next((line[len(PREFIX) :].strip() for line in lines if line.startswith(PREFIX)), None)
    if encoded is None:
        return None
    try:
        text = bytes.fromhex(encoded).decode("utf-8")
    except ValueError:
        return None
    values = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    return Recorded(
        output,
        values.get("executable") or None,
        values.get("version") or None,
        values.get("lib_dir") or None,
        values.get("shared") == "true",
    )


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
