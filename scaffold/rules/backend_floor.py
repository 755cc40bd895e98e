"""The build backends' minimum versions for `env` wiring, read and raised in build-system.requires.

maturin 1.9.4 and setuptools-rust 1.12.0 are the first releases that set
PYO3_BUILD_EXTENSION_MODULE (maturin's and setuptools-rust's changelogs; PyO3 0.26 reads it in
pyo3-build-config `is_extension_module`).
"""

from __future__ import annotations

import re

from scaffold.toml import manifest
from scaffold.workspace import versions

BACKEND_FLOORS = {"maturin": "maturin>=1.9.4", "setuptools-rust": "setuptools-rust>=1.12"}


def requirement_for(requires: list[str], backend: str) -> tuple[int, str] | None:
    """(index, requirement) of `backend` in build-system.requires, or None."""
    for index, requirement in enumerate(requires):
        if re.match(rf"\s*{re.escape(backend)}\s*([<>=!~;\[]|$)", str(requirement)):
            return index, str(requirement)
    return None


def floor_met(requirement: str, backend: str) -> bool:
    """Whether `requirement` guarantees at least the backend's env-wiring release."""
    minimum = BACKEND_FLOORS[backend].partition(">=")[2]
    found = re.search(r"(>=|==|~=)\s*([\d.]+)", requirement.partition(";")[0])
    return found is not None and versions.parse(found.group(2)) >= versions.parse(minimum)


def raise_floor(requirement: str, floor: str) -> str:
    """`maturin>=1.0,<2.0` -> `maturin>=1.9.4,<2.0`; keeps upper bounds and markers."""
    name, _, minimum = floor.partition(">=")
    head, sep, marker = requirement.partition(";")
    specifiers = [s.strip() for s in head.strip()[len(name):].split(",") if s.strip()]
    current = [s[2:] for s in specifiers if s.startswith(">=")]
    if current and versions.parse(current[0]) >= versions.parse(minimum):
        return requirement
    kept = [s for s in specifiers if s.startswith(("<", "!="))]
    result = ",".join([f"{name}>={minimum}", *kept])
    return result + (f";{marker}" if sep else "")


def raise_backend_floor(document, backend: str | None) -> None:
    """Raise `backend`'s requirement in `[build-system] requires` to its env-wiring floor."""
    build = manifest.table(document, ("build-system",))
    if build is None or backend not in BACKEND_FLOORS or "requires" not in build:
        return
    found = requirement_for(list(build["requires"]), backend)
    if found is not None:
        index, requirement = found
        build["requires"][index] = raise_floor(requirement, BACKEND_FLOORS[backend])
