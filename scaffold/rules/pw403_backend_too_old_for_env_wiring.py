"""## What
`env` wiring (no `extension-module` feature, PyO3 >= 0.26) while `[build-system] requires`
allows a maturin older than 1.9.4 or a setuptools-rust older than 1.12, or does not name the
backend's version at all.

## Why
Without the feature, only the build backend tells PyO3 that it builds an extension, by setting
`PYO3_BUILD_EXTENSION_MODULE`; maturin does so from 1.9.4 and setuptools-rust from 1.12. Built
by an older one, the module links libpython: the wheel is not manylinux-compliant and fails in
interpreters linked statically (most Linux distributions' and python.org's builds on Linux).

## Example
```toml
[build-system]
requires = ["maturin>=1.0,<2.0"]
build-backend = "maturin"
```

## Fix
```toml
[build-system]
requires = ["maturin>=1.9.4,<2.0"]
build-backend = "maturin"
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold.lint.diagnostic import Applicability
from scaffold.rules.backend_floor import (
    floor,
    floor_met,
    floor_text,
    raise_backend_floor,
    requirement_for,
)
from scaffold.workspace.wiring import ENV, below_env_wiring, uses_feature

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor

CODE = "PW403"
NAME = "backend-too-old-for-env-wiring"
SUMMARY = "`env` wiring with a build backend too old to set PYO3_BUILD_EXTENSION_MODULE"
FIX_TITLE = "Raise the backend's minimum version in `build-system.requires`"
APPLICABILITY = Applicability.SAFE


def check(ctx: Context) -> Iterator[Finding]:
    seen = set()
    for ext in ctx.extensions:
        project = ext.project
        if (
            ctx.mode(ext) != ENV
            or below_env_wiring(ctx.workspace, ext)
            or project is None
            or project.pyproject is None
            or floor(project.backend or "") is None
            or project.pyproject.path in seen
            or uses_feature(ext)
        ):
            continue  # still on the feature: PW206's migration raises the floor itself
        backend = project.backend or ""  # not empty: it has a floor
        found = requirement_for(project.build_requires, backend)
        if found is None or floor_met(found[1], backend):
            continue  # a backend not listed is not pinned by us: nothing to raise
        seen.add(project.pyproject.path)

        def fix(
            editor: Editor, path: Path = project.pyproject.path, backend: str = backend
        ) -> None:
            raise_backend_floor(editor.document(path), backend)

        yield ctx.finding(
            project.pyproject,
            ("build-system",),
            "requires",
            f"`{ext.crate.name}` uses env wiring (no `extension-module` feature), but "
            f"`{found[1]}` allows a {project.backend} that does not set "
            f"PYO3_BUILD_EXTENSION_MODULE (needs `{floor_text(backend)}`): the "
            "module would link libpython",
            fix,
        )
