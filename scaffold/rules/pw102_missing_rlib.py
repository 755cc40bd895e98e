"""## What
An extension crate with an explicit `crate-type` that lacks `rlib` (or `lib`) while another
workspace member depends on it.

## Why
A `cdylib` cannot be linked into Rust code: a profiler, a bench or a CLI depending on the crate
fails with "can't find crate". Building it as both `rlib` and `cdylib` serves Python and Rust.

## Example
```toml
[lib]
crate-type = ["cdylib"]
```

## Fix
```toml
[lib]
crate-type = ["cdylib", "rlib"]
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold.lint.diagnostic import Applicability
from scaffold.toml import manifest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor

CODE = "PW102"
NAME = "extension-without-rlib"
SUMMARY = "Extension crate with dependents is not built as an `rlib`"
FIX_TITLE = "Add `rlib` to `[lib] crate-type`"
APPLICABILITY = Applicability.SAFE


def check(ctx: Context) -> Iterator[Finding]:
    for ext in ctx.extensions:
        crate = ext.crate
        types = crate.crate_types
        if not types or "rlib" in types or "lib" in types:
            continue
        dependents = ctx.workspace.dependents(crate)
        if not dependents:
            continue
        names = ", ".join(sorted({member.name for member, _ in dependents}))

        def fix(editor: Editor, path: Path = crate.path) -> None:
            lib = manifest.ensure_table(editor.document(path), ("lib",))  # it has `crate-type`
            manifest.add_to_array(lib, "crate-type", "rlib")

        yield ctx.finding(
            crate.file,
            ("lib",),
            "crate-type",
            f"`{names}` depend(s) on `{crate.name}`, but it is not built as an `rlib`",
            fix,
        )
