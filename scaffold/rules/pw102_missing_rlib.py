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

from scaffold.lint.diagnostic import Applicability
from scaffold.toml import manifest

CODE = "PW102"
NAME = "extension-without-rlib"
SUMMARY = "Extension crate with dependents is not built as an `rlib`"
FIX_TITLE = "Add `rlib` to `[lib] crate-type`"
APPLICABILITY = Applicability.SAFE


def check(ctx):
    for ext in ctx.extensions:
        crate = ext.crate
        types = crate.crate_types
        if not types or "rlib" in types or "lib" in types:
            continue
        dependents = ctx.workspace.dependents(crate)
        if not dependents:
            continue
        names = ", ".join(sorted({member.name for member, _ in dependents}))

        def fix(editor, path=crate.path):
            lib = manifest.table(editor.document(path), ("lib",))
            manifest.add_to_array(lib, "crate-type", "rlib")

        yield ctx.finding(
            crate.file, ("lib",), "crate-type",
            f"`{names}` depend(s) on `{crate.name}`, but it is not built as an `rlib`", fix)
