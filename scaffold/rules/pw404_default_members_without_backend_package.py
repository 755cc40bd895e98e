"""## What
`[workspace] default-members` leaves out the root package that maturin builds (its
`Cargo.toml` is the workspace root's, as `maturin new` or `uv init --lib --build-backend
maturin` make it).

## Why
maturin's sdist takes its file list from `cargo package --list` on that manifest, which packs
the default members: with the root package left out, the sdist lacks `src/` (and the library),
and building a wheel from it (`pip install` of the sdist, or `maturin build` in the unpacked
folder) fails. A plain `cargo build` at the root skips the library too. The wheel built
straight from the checkout still works, which hides the problem until the release.

## Example
```toml
[package]
name = "mylib"

[workspace]
members = ["mylib-profiler"]
default-members = ["mylib-profiler"]
```

## Fix (unsafe: it changes what a plain `cargo build` builds)
```toml
[workspace]
members = ["mylib-profiler"]
default-members = [".", "mylib-profiler"]
```
PW205 then keeps a plain `cargo build` from unifying `extension-module` into the profiler by
enabling the feature from `[tool.maturin] features` instead of `default`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability
from scaffold.toml import manifest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor

CODE = "PW404"
NAME = "default-members-without-backend-package"
SUMMARY = "`default-members` leaves out the root package maturin builds (its sdist lacks it)"
FIX_TITLE = 'Add the root package (".") to `default-members`'
APPLICABILITY = Applicability.UNSAFE
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}), presence=True)


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    if ws.default_members is None or ws.is_virtual:
        return
    if ws.reader.resolve(ws.root) in ws.plain_build_selection():
        return
    project = next((p for p in ws.projects if ws.maturin_builds_root(p)), None)
    if project is None:
        return
    name = ws.root_data["package"].get("name", ".")

    def fix(editor: Editor) -> None:
        table = manifest.ensure_table(editor.document(ws.root_file.path), ("workspace",))
        manifest.add_to_array(table, "default-members", ".", first=True)

    yield ctx.finding(
        ws.root_file,
        ("workspace",),
        "default-members",
        f"`default-members` leaves out `{name}`, the root package maturin builds "
        f"({ws.relative(project.pyproject.path) if project.pyproject else 'pyproject.toml'}): "
        "maturin's sdist (`cargo package --list` of the default members) then lacks its "
        "sources and no wheel builds from it",
        fix,
    )
