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

from scaffold.lint.diagnostic import Applicability
from scaffold.rules.backend_floor import (floor, floor_met, floor_text, raise_backend_floor,
                                          requirement_for)
from scaffold.workspace.wiring import ENV, below_env_wiring, uses_feature

CODE = "PW403"
NAME = "backend-too-old-for-env-wiring"
SUMMARY = "`env` wiring with a build backend too old to set PYO3_BUILD_EXTENSION_MODULE"
FIX_TITLE = "Raise the backend's minimum version in `build-system.requires`"
APPLICABILITY = Applicability.SAFE


def check(ctx):
    seen = set()
    for ext in ctx.extensions:
        project = ext.project
        if (ctx.mode(ext) != ENV or below_env_wiring(ctx.workspace, ext) or project is None
                or project.pyproject is None or floor(project.backend or "") is None
                or project.pyproject.path in seen or uses_feature(ext)):
            continue  # still on the feature: PW206's migration raises the floor itself
        found = requirement_for(project.build_requires, project.backend)
        if found is None or floor_met(found[1], project.backend):
            continue  # a backend not listed is not pinned by us: nothing to raise
        seen.add(project.pyproject.path)

        def fix(editor, project=project):
            raise_backend_floor(editor.document(project.pyproject.path), project.backend)

        yield ctx.finding(
            project.pyproject, ("build-system",), "requires",
            f"`{ext.crate.name}` uses env wiring (no `extension-module` feature), but "
            f"`{found[1]}` allows a {project.backend} that does not set "
            f"PYO3_BUILD_EXTENSION_MODULE (needs `{floor_text(project.backend)}`): the "
            "module would link libpython", fix)
