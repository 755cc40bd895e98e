"""## What
A workspace member depends on the extension crate without `default-features = false`, while
the extension crate's default features enable `extension-module`.

Asked of the feature model: the dependent's own builds (`cargo build -p D`, `cargo test -p D`)
end with pyo3's `extension-module` on, and the extension crate's default features are what
turns it on (its `cargo build -p C --no-default-features` has it off).

A binary dependent whose code calls no Python API (no pyo3 dependency, no `Python::` / `pyo3::`
in its code) links and runs as it is; it is told so, and why its defaults still matter (a
root `cargo build` or `cargo test` that selects it with a member embedding Python unifies the
feature into that member), with its options: depend on a Python-free core crate, or
`default-features = false` (the fix: pyo3 then links libpython, and the linker's
`--as-needed` keeps it out of a binary that uses no Python symbol).

## Why
The dependent (a profiler, a bench, a CLI) then builds PyO3 with `extension-module`, which does
not link libpython: the binary fails to link with undefined `Py*` symbols.

## Example
```toml
[dependencies]
mylib = { path = "../mylib" }
```

## Fix
```toml
[dependencies]
mylib = { path = "../mylib", default-features = false }
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability
from scaffold.rules.wiring_edits import feature_dependents, python_free_options
from scaffold.toml import manifest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.workspace.crate import Dependency

CODE = "PW203"
NAME = "dependent-enables-extension-module"
SUMMARY = "A dependent of the extension crate keeps its default features"
FIX_TITLE = "Set `default-features = false` on the dependency"
APPLICABILITY = Applicability.SAFE
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}))


def check(ctx: Context) -> Iterator[Finding]:
    for ext, member, dep in feature_dependents(ctx, inherited=False):  # PW204: inherited

        def fix(editor: Editor, path: Path = member.path, dep: Dependency = dep) -> None:
            table = manifest.dependency_table(editor.document(path), dep)
            manifest.remove_key(table, "default_features")
            manifest.set_value(table, "default-features", False)

        yield ctx.finding(
            member.file,
            dep.table,
            dep.key,
            f"`{member.name}` depends on `{ext.crate.name}` with its default features, "
            "which enable `extension-module`: it will not link libpython"
            if not member.has_binary or ctx.workspace.uses_python(member)
            else python_free_options(member, ext.crate),  # a CLI over the Rust API
            fix,
        )
