"""The build backends' minimum versions for `env` wiring, read and raised in build-system.requires.

Requirements are PEP 440 (read with `packaging`): one is changed only when its specifiers admit a
version below the floor (scaffold.facts.BACKEND_ENV_FLOORS), and then narrowed minimally: lower
bounds below the floor become the floor, upper bounds, exclusions, exact pins and compatible
releases that already satisfy it stay as written, and so do the name, extras, markers and the
string's quoting.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from scaffold import facts
from scaffold.toml import manifest
from scaffold.workspace.python import requirement_name

if TYPE_CHECKING:
    from packaging.specifiers import Specifier
    from packaging.version import Version
    from tomlkit import TOMLDocument

# packaging is imported where a requirement is read: compiling its version and specifier
# patterns is the largest single import cost of a check, and most checks read none.

# name, extras, specifiers, then markers or a URL (left alone).
_REQUIREMENT = re.compile(
    r"^(?P<head>\s*[A-Za-z0-9._-]+\s*(?:\[[^\]]*\]\s*)?)"
    r"(?P<specs>[^;@]*?)(?P<tail>\s*(?:[;@].*)?)$",
    re.S,
)


def floor(backend: str) -> Version | None:
    from packaging.version import Version

    found = facts.backend_env_floor(backend)
    return Version(facts.fmt(found)) if found else None


def floor_text(backend: str) -> str:
    """`maturin>=1.9.4`: how the floor reads in a message."""
    return f"{backend}{facts.BACKEND_FLOOR_SPECIFIERS[backend]}"


def requirement_for(requires: list[str], backend: str) -> tuple[int, str] | None:
    """(index, requirement) of `backend` in build-system.requires, or None; names compare as
    pip compares them (`setuptools_rust`, `Setuptools-Rust` and `setuptools-rust` are one)."""
    for index, requirement in enumerate(requires):
        if requirement_name(requirement) == backend:
            return index, str(requirement)
    return None


def _specifiers(requirement: str) -> tuple[re.Match, list[tuple[str, Specifier]]] | None:
    """The requirement's parts and its specifiers as written (None: not one we can read)."""
    from packaging.specifiers import InvalidSpecifier, Specifier

    match = _REQUIREMENT.match(requirement)
    if match is None or match.group("tail").lstrip().startswith("@"):
        return None
    pieces = [p.strip() for p in match.group("specs").split(",") if p.strip()]
    try:
        return match, [(p, Specifier(p)) for p in pieces]
    except InvalidSpecifier:
        return None


def _lower(spec: Specifier) -> Version | None:
    """The smallest version `spec` admits (its bound), or None when it sets no lower bound."""
    from packaging.version import InvalidVersion, Version

    if spec.operator in ("<", "<=", "!="):
        return None
    text = spec.version.removesuffix(".*")
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _upper(spec: Specifier) -> Version | None:
    """The exclusive upper end of `~=X.Y[.Z]` or `==X.*` (`~=1.5` -> 2, `==1.5.*` -> 1.6)."""
    from packaging.version import Version

    release = Version(spec.version.removesuffix(".*")).release
    if spec.operator == "~=":
        release = release[:-1]
    elif not (spec.operator == "==" and spec.version.endswith(".*")):
        return None
    return Version(".".join(map(str, (*release[:-1], release[-1] + 1))))


def lowest_admitted(requirement: str) -> Version | None:
    """The lowest version `requirement` admits (its largest lower bound), or None (no bound)."""
    parsed = _specifiers(requirement)
    lowers = (_lower(spec) for _, spec in parsed[1]) if parsed else ()
    return max((low for low in lowers if low is not None), default=None)


def floor_met(requirement: str, backend: str) -> bool:
    """Whether `requirement` admits no version of `backend` below its env-wiring floor."""
    minimum, parsed = floor(backend), _specifiers(requirement)
    if minimum is None or parsed is None:
        return True  # not ours to judge: left alone
    lowers = [low for low in (_lower(spec) for _, spec in parsed[1]) if low is not None]
    return bool(lowers) and max(lowers) >= minimum


def raise_floor(requirement: str, backend: str) -> str:
    """`maturin>=1.0,<2.0` -> `maturin>=1.9.4,<2.0`; `maturin~=1.5` -> `maturin>=1.9.4,<2`;
    a requirement that already meets the floor comes back unchanged."""
    from packaging.version import Version

    minimum, parsed = floor(backend), _specifiers(requirement)
    if minimum is None or parsed is None or floor_met(requirement, backend):
        return requirement  # (floor_met is True when either is None: nothing to judge)
    match, specs = parsed
    pieces: list[str] = []
    for raw, spec in specs:
        low = _lower(spec)
        if spec.operator in ("<", "<="):
            keep = Version(spec.version) > minimum or (
                spec.operator == "<=" and Version(spec.version) == minimum
            )
            pieces += [raw] if keep else []  # an upper bound below the floor cannot stay
        elif spec.operator == "!=" or (low is not None and low >= minimum):
            pieces.append(raw)
        elif spec.operator == "~=" or spec.version.endswith(".*"):
            upper = _upper(spec)
            if upper is not None and upper > minimum:
                pieces.append(f"<{upper}")  # what the compatible release capped at
    written = facts.BACKEND_FLOOR_SPECIFIERS[backend]
    separator = ", " if ", " in match.group("specs") else ","
    return match.group("head") + separator.join([written, *pieces]) + match.group("tail")


def raise_backend_floor(document: TOMLDocument, backend: str | None) -> None:
    """Raise `backend`'s requirement in `[build-system] requires` to its env-wiring floor."""
    build = manifest.table(document, ("build-system",))
    if backend is None or build is None or floor(backend) is None or "requires" not in build:
        return
    found = requirement_for(list(build["requires"]), backend)
    if found is not None:
        index, requirement = found
        raised = raise_floor(requirement, backend)
        if raised != requirement:
            manifest.replace_string(build["requires"], index, raised)
