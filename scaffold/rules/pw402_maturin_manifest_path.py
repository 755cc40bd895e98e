"""## What
A maturin `pyproject.toml` whose `[tool.maturin] manifest-path` is missing while its directory
holds a virtual workspace (or no Cargo.toml), or points at a missing file or at a crate that
builds no Python module.

## Why
maturin builds the `Cargo.toml` beside `pyproject.toml` unless `manifest-path` says otherwise; a
virtual workspace has no package to build, and maturin stops with "Can't build a virtual
manifest" or builds the wrong crate.

## Example
```toml
[tool.maturin]
python-source = "python"
```

## Fix (when exactly one crate in the workspace builds a Python module)
```toml
[tool.maturin]
python-source = "python"
manifest-path = "crates/mylib/Cargo.toml"
```
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from scaffold.lint.diagnostic import Applicability
from scaffold.toml import manifest
from scaffold.workspace import rust_source
from scaffold.workspace.model import NON_PYO3_BINDINGS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.toml.textfile import TextFile
    from scaffold.workspace.crate import Crate

CODE = "PW402"
NAME = "maturin-manifest-path"
SUMMARY = "`[tool.maturin] manifest-path` is missing or points at the wrong crate"
FIX_TITLE = "Point `manifest-path` at the extension crate"
APPLICABILITY = Applicability.SAFE


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    candidates = [
        c
        for c in ws.members
        if ws.pyo3_dependencies(c) and ("cdylib" in c.crate_types or _has_pymodule(c))
    ]
    for project in ws.projects:
        if project.backend != "maturin" or project.pyproject is None:
            continue
        declared = project.maturin.get("manifest-path")
        target = project.maturin_manifest
        crate = ws.member_at(target) if ws.reader.is_file(target) else None
        if crate is not None and crate in candidates:
            continue
        (declared_ext,) = project.extensions()
        bindings = (declared_ext.bindings or "").lower()
        if bindings in NON_PYO3_BINDINGS or (
            crate is not None and not ws.builds_pyo3_module(project, declared_ext, crate)
        ):
            continue  # a binary, cffi or uniffi project: no PyO3 module to point at
        if declared is None and crate is None and not ws.reader.is_file(target):
            problem = "has no `manifest-path` and no Cargo.toml beside it"
        elif declared is None and crate is None:
            problem = "has no `manifest-path` and the Cargo.toml beside it is a virtual workspace"
        elif crate is None:
            problem = f'has `manifest-path = "{declared}"`, which is not a workspace crate'
        elif declared is None:
            continue  # the crate beside pyproject.toml: PW101 covers a missing cdylib
        else:
            problem = f'has `manifest-path = "{declared}"`, a crate that builds no Python module'
        fix = _point_at(project.pyproject, candidates[0]) if len(candidates) == 1 else None
        names = ", ".join(f"`{c.name}`" for c in candidates) or "none"
        yield ctx.finding(
            project.pyproject,
            ("tool", "maturin"),
            "manifest-path",
            f"[tool.maturin] {problem} (extension crates: {names})",
            fix,
        )


def _point_at(pyproject: TextFile, crate: Crate) -> Callable[[Editor], None]:
    relative = os.path.relpath(crate.path, pyproject.path.parent).replace(os.sep, "/")

    def fix(editor: Editor) -> None:
        table = manifest.ensure_table(editor.document(pyproject.path), ("tool", "maturin"))
        table["manifest-path"] = relative

    return fix


def _has_pymodule(crate: Crate) -> bool:
    return rust_source.defines_module(crate.rust_sources(), crate.reader.text)
