"""## What
An extension crate (the crate a Python build backend builds) whose `[lib] crate-type` lacks
`cdylib`.

## Why
Python loads an extension module as a shared library. Without `cdylib`, maturin and
setuptools-rust have nothing to put in the wheel. When `crate-type` is absent the crate is only
an `rlib`, so the fix keeps `rlib` too: Rust code (a profiler, benches) can still depend on it.

## Example
```toml
[lib]
name = "mylib"
```

## Fix
```toml
[lib]
name = "mylib"
crate-type = ["rlib", "cdylib"]
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

CODE = "PW101"
NAME = "extension-without-cdylib"
SUMMARY = "Extension crate is not built as a `cdylib`"
FIX_TITLE = "Add `cdylib` to `[lib] crate-type`"
APPLICABILITY = Applicability.SAFE


def check(ctx: Context) -> Iterator[Finding]:
    for ext in ctx.extensions:
        crate = ext.crate
        if "cdylib" in crate.crate_types:
            continue
        path = crate.path

        def fix(
            editor: Editor, path: Path = path, had_types: bool = bool(crate.crate_types)
        ) -> None:
            lib = manifest.ensure_table(editor.document(path), ("lib",))
            if had_types or "crate-type" in lib:
                manifest.add_to_array(lib, "crate-type", "cdylib")
            else:
                lib["crate-type"] = ["rlib", "cdylib"]

        yield ctx.finding(
            crate.file,
            ("lib",),
            "crate-type",
            f"extension crate `{crate.name}` has no `cdylib` crate type, so no Python module "
            "can be built from it",
            fix,
        )
